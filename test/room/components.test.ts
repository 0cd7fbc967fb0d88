import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import * as room from '../../src/room/index.js';

const h = (s: string): Uint8Array => new Uint8Array((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
  return 'no error';
};
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

// Hand encodings: every `opaque x<V>` is a 1-byte varint length (< 64) followed by the bytes;
// every uint32 is 4 big-endian bytes; optional = 00 | 01 value; bool = 00/01.
describe('hand-encoded components', () => {
  it('ParticipantListData (draft-ietf-mimi-protocol §8.5)', () => {
    const bytes = room.encodeParticipantList([
      { user: 'a', role: 2 },
      { user: 'bc', role: 1 },
    ]);
    // vector length = (1+1+4) + (1+2+4) = 13 = 0x0d
    expect(bytes).toEqual(h('0d 01 61 00000002 02 6263 00000001'));
    expect(room.decodeParticipantList(bytes)).toEqual([
      { user: 'a', role: 2 },
      { user: 'bc', role: 1 },
    ]);
  });

  it('ParticipantListUpdate', () => {
    const u = { changedRoles: [{ index: 1, role: 3 }], removedIndices: [0, 2], added: [{ user: 'd', role: 2 }] };
    const bytes = room.encodeParticipantListUpdate(u);
    expect(bytes).toEqual(h('08 00000001 00000003  08 00000000 00000002  06 01 64 00000002'));
    expect(room.decodeParticipantListUpdate(bytes)).toEqual(u);
  });

  it('RoomMetaData (draft-ietf-mimi-protocol §8.6)', () => {
    const m = { roomUri: 'r', name: 'N', descriptions: [{ mediaType: '', languageTag: 'en', content: 'hi' }], avatar: '', subject: 's', mood: '' };
    const bytes = room.encodeRoomMetadata(m);
    // descriptions vector: 00 | 02 656e | 02 6869 = 7 bytes
    expect(bytes).toEqual(h('01 72  01 4e  07 00 02656e 026869  00  01 73  00'));
    expect(room.decodeRoomMetadata(bytes)).toEqual(m);
  });

  it('RoleData (draft-ietf-mimi-room-policy §2)', () => {
    const role: room.Role = {
      index: 2,
      name: 'u',
      description: '',
      capabilities: [0x0100, 0x000a],
      minParticipants: 0,
      maxParticipants: 3,
      minActive: 1,
      authorizedRoleChanges: [{ from: 0, to: [2] }],
    };
    const roleBytes =
      '00000002 01 75 00 04 0100 000a 00000000 01 00000003 00000001 00 ' +
      // authorized_role_changes: from(4) + vector(1 + 4) = 9
      '09 00000000 04 00000002';
    const body = h(roleBytes);
    const bytes = room.encodeRoles([role]);
    expect(bytes).toEqual(new Uint8Array([body.length, ...body]));
    expect(room.decodeRoles(bytes)).toEqual([role]);
  });

  it('PreAuthData (draft-ietf-mimi-room-policy §3)', () => {
    const target: room.Role = { index: 2, name: '', description: '', capabilities: [], minParticipants: 0, minActive: 0, authorizedRoleChanges: [] };
    const e = { claims: [{ credentialType: 1, id: utf8('o'), value: utf8('x') }], targetRole: target };
    const claim = '0001 01 6f 01 78'; // 6 bytes
    const roleB = '00000002 00 00 00 00000000 00 00000000 00 00'; // 4+1+1+1+4+1+4+1+1 = 18
    const entry = `06 ${claim} ${roleB}`; // 1 + 6 + 18 = 25 = 0x19
    const bytes = room.encodePreauth([e]);
    expect(bytes).toEqual(h(`19 ${entry}`));
    expect(room.decodePreauth(bytes)).toEqual([e]);
  });

  it('BaseRoomPolicy (draft-ietf-mimi-room-policy §4)', () => {
    const p: room.BaseRoomPolicy = {
      fixedMembership: true,
      parentDependent: false,
      parentRoom: '',
      multiDevice: true,
      maxUsers: 2,
      pseudonymsAllowed: false,
      persistentRoom: true,
      discoverable: false,
      policyComponentIds: [0x0025, 0x0026],
    };
    const bytes = room.encodeBaseRoomPolicy(p);
    expect(bytes).toEqual(h('01 00 00 01 00 01 00000002 00 01 00 04 0025 0026'));
    expect(room.decodeBaseRoomPolicy(bytes)).toEqual(p);
  });

  it('StatusNotificationPolicy, JoinLinkPolicy, JoinLinks, JoinLinksUpdate', () => {
    expect(room.encodeStatusNotificationPolicy({ deliveryNotifications: 'required', readReceipts: 'forbidden' })).toEqual(h('01 02'));
    expect(room.decodeStatusNotificationPolicy(h('00 01'))).toEqual({ deliveryNotifications: 'optional', readReceipts: 'required' });
    expect(room.encodeJoinLinkPolicy({ onRequest: false, joinLink: 'j', multiuser: true, expiration: 3600 })).toEqual(h('00 01 6a 01 00000e10'));
    expect(room.encodeJoinLinks(['ab', 'c'])).toEqual(h('05 02 6162 01 63'));
    expect(room.decodeJoinLinks(h('05 02 6162 01 63'))).toEqual(['ab', 'c']);
    expect(room.encodeJoinLinksUpdate({ removedIndices: [1], added: ['z'] })).toEqual(h('04 00000001 02 01 7a'));
  });

  it('LoggingPolicy, HistoryPolicy, MessageExpiration (select on Optionality)', () => {
    expect(room.encodeLoggingPolicy({ logging: 'forbidden', loggingClients: [], machineReadablePolicy: '', humanReadablePolicy: '' })).toEqual(h('02'));
    const lp = { logging: 'required' as const, loggingClients: ['l'], machineReadablePolicy: 'm', humanReadablePolicy: '' };
    expect(room.encodeLoggingPolicy(lp)).toEqual(h('01 02 01 6c 01 6d 00'));
    expect(room.decodeLoggingPolicy(h('01 02 01 6c 01 6d 00'))).toEqual(lp);
    const hp = { historySharing: 'optional' as const, rolesThatCanShare: [3], automaticallyShare: true, maxTimePeriod: 60 };
    expect(room.encodeHistoryPolicy(hp)).toEqual(h('00 04 00000003 01 0000003c'));
    expect(room.decodeHistoryPolicy(h('02'))).toEqual({ historySharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 });
    const me = { expiringMessages: 'required' as const, minExpirationDuration: 1, maxExpirationDuration: 2, defaultExpirationDuration: 2 };
    expect(room.encodeMessageExpirationPolicy(me)).toEqual(h('01 00000001 00000002 01 00000002'));
    expect(room.decodeMessageExpirationPolicy(h('01 00000001 00000002 01 00000002'))).toEqual(me);
    expect(room.decodeMessageExpirationPolicy(h('02'))).toEqual({ expiringMessages: 'forbidden', minExpirationDuration: 0, maxExpirationDuration: 0 });
  });

  it('AppDataDictionary and AppDataUpdate (draft-ietf-mls-extensions §4.6, §4.7)', () => {
    const d = room.encodeComponentDictionary([
      { componentId: 0x22, data: h('00') },
      { componentId: 0x25, data: h('') },
    ]);
    expect(d).toEqual(h('07 0022 01 00 0025 00'));
    expect(room.encodeAppDataUpdate({ componentId: 0x23, op: 'update', update: h('aa') })).toEqual(h('0023 01 01 aa'));
    expect(room.encodeAppDataUpdate({ componentId: 0x23, op: 'remove' })).toEqual(h('0023 02'));
    expect(room.decodeAppDataUpdate(h('0023 02'))).toEqual({ componentId: 0x23, op: 'remove' });
  });

  it('a minimal app_data_dictionary (participant_list + roles_list)', () => {
    const state: room.RoomState = {
      participants: [{ user: 'a', role: 2, active: true }],
      roles: [{ index: 2, name: '', description: '', capabilities: [], minParticipants: 0, minActive: 0, authorizedRoleChanges: [] }],
      policy: {},
      knocks: [],
      otherComponents: [],
    };
    // 0022 | len 07 | 06 01 61 00000002 ; 0025 | len 0x13 | 12 + 18-byte Role ; total 10 + 22 = 32 = 0x20
    const hex = '20 0022 07 06 01 61 00000002 0025 13 12 00000002 00 00 00 00000000 00 00000000 00 00';
    expect(room.encodeAppDataDictionary(state)).toEqual(h(hex));
    expect(room.decodeAppDataDictionary(h(hex), { activeUsers: ['a'] })).toEqual(state);
  });

  it('user_profiles and knock_list (mimi-kit private use)', () => {
    expect(room.encodeUserProfiles([{ user: 'a', profile: { displayName: 'A' } }])).toEqual(h('06 01 61 01 01 41 00'));
    expect(room.encodeKnocks([{ user: 'k' }])).toEqual(h('02 01 6b'));
  });
});

describe('negative decodings', () => {
  it('unsorted or duplicate component IDs', () => {
    expect(code(() => room.decodeComponentDictionary(h('07 0025 00 0022 01 00')))).toBe('room/unsorted-components');
    expect(code(() => room.decodeComponentDictionary(h('07 0022 00 0022 01 00')))).toBe('room/duplicate-component');
  });
  it('AppDataUpdate with op invalid(0) or 3', () => {
    expect(code(() => room.decodeAppDataUpdate(h('0023 00')))).toBe('tls/invalid-enum');
    expect(code(() => room.decodeAppDataUpdate(h('0023 03')))).toBe('tls/invalid-enum');
  });
  it('Optionality out of range', () => {
    expect(code(() => room.decodeStatusNotificationPolicy(h('03 00')))).toBe('tls/invalid-enum');
  });
  it('trailing bytes and truncation inside components', () => {
    expect(code(() => room.decodeParticipantList(h('06 01 61 00000002 ff')))).toBe('tls/trailing-bytes');
    expect(code(() => room.decodeParticipantList(h('07 01 61 00000002')))).toBe('tls/truncated');
    expect(code(() => room.decodeBaseRoomPolicy(h('02 00 00 01 00 00 00 00 00 00')))).toBe('tls/invalid-bool');
  });
  it('missing participant_list / roles_list', () => {
    expect(code(() => room.decodeAppDataDictionary(h('00')))).toBe('room/missing-component');
  });
  it('a participant with an undefined role', () => {
    const pl = room.encodeParticipantList([{ user: 'a', role: 9 }]);
    const roles = room.encodeRoles([]);
    const d = room.encodeComponentDictionary([
      { componentId: 0x22, data: pl },
      { componentId: 0x25, data: roles },
    ]);
    expect(code(() => room.decodeAppDataDictionary(d))).toBe('room/invalid-state');
  });
});

describe('whole-state round trip', () => {
  it.each(room.PRESET_NAMES)('preset %s round-trips through app_data_dictionary', (preset) => {
    const s =
      preset === 'direct'
        ? room.createDirectRoom('mimi://a.example/u/a', 'mimi://b.example/u/b', { roomUri: 'mimi://a.example/r/dm' })
        : room.createRoom({ preset, creator: 'mimi://a.example/u/a', roomUri: 'mimi://a.example/r/1', name: 'R', hub: 'mimi://a.example/u/hub', creatorProfile: { displayName: 'A' } });
    const bytes = room.encodeAppDataDictionary(s);
    const back = room.decodeAppDataDictionary(bytes, { activeUsers: s.participants.filter((p) => p.active).map((p) => p.user) });
    expect(back).toEqual(s);
    expect(room.encodeAppDataDictionary(back)).toEqual(bytes);
  });
  it('keeps opaque components and policy components', () => {
    let s = room.createRoom({ preset: 'cooperative', creator: 'mimi://a.example/u/a' });
    s = { ...s, otherComponents: [{ componentId: 0x2b, data: h('0102') }], policy: { ...s.policy, history: { historySharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 }, joinLinks: ['x'] } };
    const back = room.decodeAppDataDictionary(room.encodeAppDataDictionary(s), { activeUsers: ['mimi://a.example/u/a'] });
    expect(back).toEqual(s);
  });
});
