import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hexToBytes } from '../../src/cbor/hex.js';
import { MimiError } from '../../src/errors.js';
import * as room from '../../src/room/index.js';
import type { AppDataUpdate, ParticipantListUpdate, RoomState } from '../../src/room/index.js';

const A = 'mimi://a.example/u/alice';
const B = 'mimi://b.example/u/bob';
const C = 'mimi://c.example/u/cathy';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
  return 'no error';
};
const plu = (u: ParticipantListUpdate): AppDataUpdate => ({ componentId: 0x22, op: 'update', update: room.encodeParticipantListUpdate(u) });

// Vector component-004 (spec-vectors/room/components.json): participant "a" with role 2, one empty role 2.
// Its 32 bytes of component_data: 0022 07 06016100000002, then 0025 13 12 00000002 00 00 00000000 00 00000000 00 00.
const BODY_004 = '0022070601610000000200251312000000020000000000000000000000000000';
const hex004 = '20' + BODY_004;

describe('empty user_profiles / knock_list components (decision Room #32)', () => {
  // draft-ietf-mls-extensions §4.7: after an update the entry holds new_data, even an empty list; so the
  // dictionary can carry user_profiles = 00 (empty vector). Hand bytes: id 8022, data<V> = 01 00.
  const withEmpty = hexToBytes('28' + BODY_004 + '80220100' + '80230100');

  it('the minimal vector decodes as before', () => {
    expect(hex004.length).toBe(66);
    expect(room.decodeAppDataDictionary(hexToBytes(hex004), { activeUsers: ['a'] }).emptyComponents).toBeUndefined();
  });

  it('are kept through decode → encode, byte for byte', () => {
    const s = room.decodeAppDataDictionary(withEmpty, { activeUsers: ['a'] });
    expect(s.emptyComponents).toEqual([0x8022, 0x8023]);
    expect(s.knocks).toEqual([]);
    expect(s.participants[0]!.profile).toBeUndefined();
    expect(room.encodeAppDataDictionary(s)).toEqual(withEmpty);
    // And through the JSON mapping.
    expect(room.roomStateFromJson(JSON.parse(JSON.stringify(room.roomStateToJson(s))))).toEqual(s);
  });

  it('an update to an empty list marks the component present; a remove or an entry clears the mark', () => {
    const s = room.createRoom({ preset: 'cooperative', creator: A, knock: true });
    const k = room.applyRoomOperation(s, B, { type: 'knock' }).state;
    const emptied = room.applyAppDataUpdates(k, A, [{ componentId: 0x8023, op: 'update', update: new Uint8Array([0]) }]).state;
    expect(emptied.knocks).toEqual([]);
    expect(emptied.emptyComponents).toEqual([0x8023]);
    // The state encodes to what the GroupContext now holds: knock_list with data 00.
    const bytes = room.encodeAppDataDictionary(emptied);
    expect(room.decodeAppDataDictionary(bytes).emptyComponents).toEqual([0x8023]);
    // Knocking again fills the list: the mark goes, the update carries one knock.
    const again = room.applyRoomOperation(emptied, C, { type: 'knock' });
    expect(again.state.emptyComponents).toBeUndefined();
    expect(again.appDataUpdates).toContainEqual({ componentId: 0x8023, op: 'update', update: room.encodeKnocks([{ user: C }]) });
    const removed = room.applyAppDataUpdates(emptied, A, [{ componentId: 0x8023, op: 'remove' }]).state;
    expect(removed.emptyComponents).toBeUndefined();
  });
});

describe('user_profiles is canonical (decision Room #33)', () => {
  const s = room.createRoom({ preset: 'cooperative', creator: A, members: [{ user: B, role: 2 }] });
  const dictWith = (profiles: Uint8Array): Uint8Array => {
    const entries = room.roomComponents(s).filter((c) => c.componentId !== 0x8022);
    return room.encodeComponentDictionary([...entries, { componentId: 0x8022, data: profiles }].sort((x, y) => x.componentId - y.componentId));
  };
  it('entries in participant-list order decode; out of order or repeated users are refused', () => {
    const inOrder = room.encodeUserProfiles([{ user: A, profile: { displayName: 'Alice' } }, { user: B, profile: {} }]);
    const d = room.decodeAppDataDictionary(dictWith(inOrder));
    expect(d.participants.map((p) => p.profile)).toEqual([{ displayName: 'Alice' }, {}]);
    expect(room.encodeAppDataDictionary(d)).toEqual(dictWith(inOrder));
    const reversed = room.encodeUserProfiles([{ user: B, profile: {} }, { user: A, profile: { displayName: 'Alice' } }]);
    expect(code(() => room.decodeAppDataDictionary(dictWith(reversed)))).toBe('room/invalid-state');
    const twice = room.encodeUserProfiles([{ user: A, profile: {} }, { user: A, profile: { displayName: 'x' } }]);
    expect(code(() => room.decodeAppDataDictionary(dictWith(twice)))).toBe('room/invalid-state');
    const stranger = room.encodeUserProfiles([{ user: C, profile: {} }]);
    expect(code(() => room.decodeAppDataDictionary(dictWith(stranger)))).toBe('room/invalid-state');
  });
  it('an update out of order is refused as well', () => {
    const u = room.encodeUserProfiles([{ user: B, profile: {} }, { user: A, profile: {} }]);
    expect(code(() => room.applyAppDataUpdates(s, A, [{ componentId: 0x8022, op: 'update', update: u }]))).toBe('room/invalid-state');
  });
});

describe('commit-level limits that keep a commit linear (decision Room #34)', () => {
  const s = room.createRoom({ preset: 'cooperative', creator: A, members: [{ user: B, role: 2 }] });
  it('a whole-data component is updated at most once per commit', () => {
    const roles: AppDataUpdate = { componentId: 0x25, op: 'update', update: room.encodeRoles(s.roles) };
    expect(code(() => room.applyAppDataUpdates(s, A, [roles, roles]))).toBe('room/duplicate-update');
    const knocks: AppDataUpdate = { componentId: 0x8023, op: 'update', update: room.encodeKnocks([]) };
    expect(code(() => room.applyAppDataUpdates(s, A, [knocks, knocks]))).toBe('room/duplicate-update');
    // room_metadata keeps its own, older code.
    const meta: AppDataUpdate = { componentId: 0x23, op: 'update', update: room.encodeRoomMetadata(s.metadata!) };
    expect(code(() => room.applyAppDataUpdates(s, A, [meta, meta]))).toBe('room/duplicate-metadata-update');
  });
  it('join-link updates (deltas) may repeat; duplicates among added links are refused', () => {
    // strict preset: the super_admin holds canCreateJoinCode / canDeleteJoinCode, an ordinary user does not.
    const s = room.createRoom({ preset: 'strict', creator: A, members: [{ user: B, role: 2 }] });
    const add = (links: string[], removed: number[] = []): AppDataUpdate => ({
      componentId: 0x2a,
      op: 'update',
      update: room.encodeJoinLinksUpdate({ removedIndices: removed, added: links }),
    });
    const r = room.applyAppDataUpdates(s, A, [add(['j1', 'j2']), add(['j3'], [0])]);
    expect(r.state.policy.joinLinks).toEqual(['j2', 'j3']);
    expect(code(() => room.applyAppDataUpdates(s, A, [add(['j1', 'j1'])]))).toBe('room/duplicate-join-link');
    expect(code(() => room.applyAppDataUpdates(s, B, [add(['j1'])]))).toBe('room/missing-capability');
  });
});

describe('several participant-list updates in one commit share one working list', () => {
  // Reference model written here (decision Room #8): per update, indexes name the list before it;
  // roles change in place, removed entries go, additions are appended.
  const model = (list: [string, number][], u: ParticipantListUpdate): [string, number][] => {
    const out = list.map(([user, role]) => [user, role] as [string, number]);
    for (const c of u.changedRoles) out[c.index]![1] = c.role;
    const gone = new Set(u.removedIndices);
    return [...out.filter((_, i) => !gone.has(i)), ...u.added.map((a) => [a.user, a.role] as [string, number])];
  };
  const pool = Array.from({ length: 12 }, (_, i) => `mimi://x.example/u/u${i}`);
  // Alice is super_admin (4) of a cooperative room: she may add, remove and move users between 2 and 3.
  const start = room.createRoom({ preset: 'cooperative', creator: A, members: pool.slice(0, 6).map((user, i) => ({ user, role: 2 + (i % 2) })) });

  it('matches the reference model on random commits (or is refused, leaving the state untouched)', () => {
    // Index 0 is alice (she stays); a few out-of-range indexes and repeated users get refused.
    const arbUpdate = fc.record({
      changedRoles: fc.array(fc.record({ index: fc.integer({ min: 1, max: 8 }), role: fc.constantFrom(2, 3) }), { maxLength: 1 }),
      removedIndices: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 1 }),
      added: fc.array(fc.record({ user: fc.constantFrom(...pool.slice(5)), role: fc.constantFrom(2, 3) }), { maxLength: 2 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(arbUpdate, { minLength: 2, maxLength: 4 }), (updates) => {
        let r: { state: RoomState } | undefined;
        try {
          r = room.applyAppDataUpdates(start, A, updates.map(plu));
        } catch (e) {
          expect(e).toBeInstanceOf(MimiError);
          return;
        }
        accepted++;
        let expected = start.participants.map((p) => [p.user, p.role] as [string, number]);
        for (const u of updates) expected = model(expected, u);
        expect(r.state.participants.map((p) => [p.user, p.role])).toEqual(expected);
      }),
      { numRuns: 400, seed: 3 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});

describe('every room decoder refuses bad bytes with MimiError only', () => {
  const s = room.createRoom({ preset: 'moderated', creator: A, hub: 'mimi://h.example/u/hub', name: 'x', knock: true });
  const decoders: [string, (b: Uint8Array) => unknown, Uint8Array][] = [
    ['participant_list', room.decodeParticipantList, room.encodeParticipantList(s.participants)],
    ['participant_list_update', room.decodeParticipantListUpdate, room.encodeParticipantListUpdate({ changedRoles: [{ index: 0, role: 2 }], removedIndices: [1], added: [{ user: B, role: 2 }] })],
    ['roles', room.decodeRoles, room.encodeRoles(s.roles)],
    ['metadata', room.decodeRoomMetadata, room.encodeRoomMetadata(s.metadata!)],
    ['base', room.decodeBaseRoomPolicy, room.encodeBaseRoomPolicy(s.policy.base!)],
    ['preauth', room.decodePreauth, room.encodePreauth([{ claims: [{ credentialType: 1, id: new Uint8Array([1]), value: new Uint8Array([2]) }], targetRole: s.roles[2]! }])],
    ['logging', room.decodeLoggingPolicy, room.encodeLoggingPolicy({ logging: 'optional', loggingClients: [A], machineReadablePolicy: 'm', humanReadablePolicy: 'h' })],
    ['history', room.decodeHistoryPolicy, room.encodeHistoryPolicy({ historySharing: 'optional', rolesThatCanShare: [2], automaticallyShare: true, maxTimePeriod: 9 })],
    ['expiration', room.decodeMessageExpirationPolicy, room.encodeMessageExpirationPolicy({ expiringMessages: 'required', minExpirationDuration: 1, maxExpirationDuration: 2, defaultExpirationDuration: 2 })],
    ['status', room.decodeStatusNotificationPolicy, room.encodeStatusNotificationPolicy({ deliveryNotifications: 'optional', readReceipts: 'forbidden' })],
    ['join_link_policy', room.decodeJoinLinkPolicy, room.encodeJoinLinkPolicy({ onRequest: true, joinLink: 'l', multiuser: false, expiration: 5 })],
    ['join_links', room.decodeJoinLinks, room.encodeJoinLinks(['a', 'b'])],
    ['join_links_update', room.decodeJoinLinksUpdate, room.encodeJoinLinksUpdate({ removedIndices: [0], added: ['c'] })],
    ['user_profiles', room.decodeUserProfiles, room.encodeUserProfiles([{ user: A, profile: { displayName: 'A', avatar: 'x' } }])],
    ['knocks', room.decodeKnocks, room.encodeKnocks([{ user: B }])],
    ['app_data_update', room.decodeAppDataUpdate, room.encodeAppDataUpdate({ componentId: 0x22, op: 'update', update: new Uint8Array([0, 0, 0]) })],
    ['dictionary', (b) => room.decodeComponentDictionary(b), room.encodeAppDataDictionary(s)],
    ['app_data_dictionary', (b) => room.decodeAppDataDictionary(b), room.encodeAppDataDictionary(s)],
  ];
  for (const [name, decode, valid] of decoders) {
    it(name, () => {
      expect(() => decode(valid)).not.toThrow();
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (junk, pos, byte) => {
          const mutated = valid.slice();
          mutated[pos % mutated.length] = byte;
          for (const input of [junk, mutated, valid.subarray(0, pos % valid.length)]) {
            try {
              decode(input);
            } catch (e) {
              expect(e).toBeInstanceOf(MimiError);
            }
          }
        }),
        { numRuns: 150, seed: 7 },
      );
    });
  }
});
