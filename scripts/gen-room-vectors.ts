/**
 * Generates spec-vectors/room/*.json. Run: `npx tsx scripts/gen-room-vectors.ts`.
 *
 * Where expected values come from:
 * - component encodings: the `HAND` cases carry hex written by hand from the TLS presentation language
 *   (the script aborts if the codec disagrees); preset rooms are encoded by the codec whose every
 *   component is checked by the hand cases and test/room/components.test.ts;
 * - negative encodings: hand-edited bytes, each breaking one rule named in its description;
 * - participant-list sequences: the resulting lists are written by hand from draft-ietf-mimi-protocol §8.5;
 * - authorization: the hand table of test/room/authz-table.ts (draft-ietf-mimi-room-policy Appendix A).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { bytesToHex } from '../src/cbor/hex.js';
import * as room from '../src/room/index.js';
import { toJsonValue } from '../src/room/json.js';
import { ROOM_COMPONENT_CODECS, roomSuite } from '../src/vectors/room.js';
import type { Vector } from '../src/vectors/format.js';
import { FIXTURES, USERS, expectedCode, fixtureState, tableAction } from '../test/room/authz-table.js';

const OUT = 'spec-vectors/room';
const clean = (s: string): string => s.replace(/\s+/g, '');
const SOURCE = {
  document: 'draft-ietf-mimi-protocol-06 §8.5-8.6, draft-ietf-mimi-room-policy (editor copy -03/-04), draft-ietf-mls-extensions §4.6-4.7',
  note: 'component and extension numbers are the drafts\' suggested values; 0x8022/0x8023 are mimi-kit private use',
};

function file(name: string, description: string, vectors: Vector[]): void {
  const f = { format: 'mimi-kit-vectors/1', suite: 'room', version: 1, description, source: SOURCE, vectors };
  writeFileSync(`${OUT}/${name}`, `${JSON.stringify(f, null, 2)}\n`);
  console.log(`${name}: ${vectors.length} vectors`);
}

// ---------- component encodings (hand-computed hex) ----------
const role2 = {
  index: 2, name: 'u', description: '', capabilities: [0x0100, 0x000a], minParticipants: 0, maxParticipants: 3, minActive: 1,
  authorizedRoleChanges: [{ from: 0, to: [2] }],
};
const HAND: [string, string, unknown, string][] = [
  ['participant_list', 'two users', [{ user: 'a', role: 2 }, { user: 'bc', role: 1 }], '0d 01 61 00000002 02 6263 00000001'],
  ['participant_list', 'empty', [], '00'],
  ['participant_list_update', 'change, removals, addition',
    { changedRoles: [{ index: 1, role: 3 }], removedIndices: [0, 2], added: [{ user: 'd', role: 2 }] },
    '08 00000001 00000003 08 00000000 00000002 06 01 64 00000002'],
  ['app_data_dictionary', 'minimal room: one participant, one role',
    { participants: [{ user: 'a', role: 2, active: true }], roles: [{ index: 2, name: '', description: '', capabilities: [], minParticipants: 0, minActive: 0, authorizedRoleChanges: [] }], policy: {}, knocks: [], otherComponents: [] },
    '20 0022 07 06 01 61 00000002 0025 13 12 00000002 00 00 00 00000000 00 00000000 00 00'],
  ['participant_list_update', 'empty update', { changedRoles: [], removedIndices: [], added: [] }, '00 00 00'],
  ['room_metadata', 'one description',
    { roomUri: 'r', name: 'N', descriptions: [{ mediaType: '', languageTag: 'en', content: 'hi' }], avatar: '', subject: 's', mood: '' },
    '01 72 01 4e 07 00 02656e 026869 00 01 73 00'],
  ['roles_list', 'one role with optional maximum', [role2],
    '24 00000002 01 75 00 04 0100 000a 00000000 01 00000003 00000001 00 09 00000000 04 00000002'],
  ['preauth_list', 'one claim → role 2',
    [{ claims: [{ credentialType: 1, id: '6f', value: '78' }], targetRole: { index: 2, name: '', description: '', capabilities: [], minParticipants: 0, minActive: 0, authorizedRoleChanges: [] } }],
    '19 06 0001 01 6f 01 78 00000002 00 00 00 00000000 00 00000000 00 00'],
  ['base_room_policy', 'fixed membership, max 2 users',
    { fixedMembership: true, parentDependent: false, parentRoom: '', multiDevice: true, maxUsers: 2, pseudonymsAllowed: false, persistentRoom: true, discoverable: false, policyComponentIds: [0x25, 0x26] },
    '01 00 00 01 00 01 00000002 00 01 00 04 0025 0026'],
  ['status_notification_policy', 'required / forbidden', { deliveryNotifications: 'required', readReceipts: 'forbidden' }, '01 02'],
  ['join_link_policy', 'multiuser, one hour', { onRequest: false, joinLink: 'j', multiuser: true, expiration: 3600 }, '00 01 6a 01 00000e10'],
  ['join_links', 'two links', ['ab', 'c'], '05 02 6162 01 63'],
  ['join_links_update', 'remove 1, add one', { removedIndices: [1], added: ['z'] }, '04 00000001 02 01 7a'],
  ['logging_policy', 'forbidden: no further fields', { logging: 'forbidden', loggingClients: [], machineReadablePolicy: '', humanReadablePolicy: '' }, '02'],
  ['logging_policy', 'required with one client', { logging: 'required', loggingClients: ['l'], machineReadablePolicy: 'm', humanReadablePolicy: '' }, '01 02 01 6c 01 6d 00'],
  ['chat_history_policy', 'optional, role 3 may share 60 s', { historySharing: 'optional', rolesThatCanShare: [3], automaticallyShare: true, maxTimePeriod: 60 }, '00 04 00000003 01 0000003c'],
  ['chat_history_policy', 'forbidden', { historySharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 }, '02'],
  ['message_expiration_policy', 'required with default', { expiringMessages: 'required', minExpirationDuration: 1, maxExpirationDuration: 2, defaultExpirationDuration: 2 }, '01 00000001 00000002 01 00000002'],
  ['message_expiration_policy', 'optional without default', { expiringMessages: 'optional', minExpirationDuration: 60, maxExpirationDuration: 86400 }, '00 0000003c 00015180 00'],
  ['message_expiration_policy', 'forbidden', { expiringMessages: 'forbidden', minExpirationDuration: 0, maxExpirationDuration: 0 }, '02'],
  ['user_profiles', 'display name only', [{ user: 'a', profile: { displayName: 'A' } }], '06 01 61 01 01 41 00'],
  ['knock_list', 'one knock', [{ user: 'k' }], '02 01 6b'],
  ['app_data_update', 'update of room_metadata', { componentId: 0x23, op: 'update', update: 'aa' }, '0023 01 01 aa'],
  ['app_data_update', 'remove', { componentId: 0x23, op: 'remove' }, '0023 02'],
  ['app_data_update', 'participant list update, long (2-byte varint length)',
    { componentId: 0x22, op: 'update', update: '00'.repeat(64) }, `0022 01 4040 ${'00'.repeat(64)}`],
];

const encodings: Vector[] = HAND.map(([component, desc, value, hex], i) => {
  const got = bytesToHex(ROOM_COMPONENT_CODECS[component]!.encode(value));
  if (got !== clean(hex)) throw new Error(`hand case ${component} "${desc}": codec gives ${got}, hand says ${clean(hex)}`);
  const extra = component === 'app_data_dictionary' ? { activeUsers: ['a'] } : {};
  return { id: `component-${String(i + 1).padStart(3, '0')}-${component}`, kind: 'component-encoding', description: desc, input: { component, value, ...extra }, expected: { hex: clean(hex) } };
});

// whole rooms: every preset, created with a hub and a profile
for (const preset of room.PRESET_NAMES) {
  const s =
    preset === 'direct'
      ? room.createDirectRoom('mimi://a.example/u/alice', 'mimi://b.example/u/bob', { roomUri: 'mimi://a.example/r/dm', name: 'DM' })
      : room.createRoom({ preset, creator: 'mimi://a.example/u/alice', roomUri: `mimi://a.example/r/${preset}`, name: preset, hub: 'mimi://hub.example/u/hub', creatorProfile: { displayName: 'Alice' } });
  encodings.push({
    id: `app-data-dictionary-${preset}`,
    kind: 'component-encoding',
    description: `the whole app_data_dictionary of a fresh ${preset} room (roles from draft-ietf-mimi-room-policy Appendix A)`,
    input: { component: 'app_data_dictionary', value: toJsonValue(s), activeUsers: s.participants.filter((p) => p.active).map((p) => p.user) },
    expected: { hex: bytesToHex(room.encodeAppDataDictionary(s)) },
  });
  encodings.push({
    id: `roles-${preset}`,
    kind: 'component-encoding',
    description: `RoleData of the ${preset} preset`,
    input: { component: 'roles_list', value: toJsonValue(s.roles) },
    expected: { hex: bytesToHex(room.encodeRoles(s.roles)) },
  });
}

// ---------- negative encodings ----------
const NEG: [string, string, string, string][] = [
  ['participant_list', 'trailing byte after the vector', '06 01 61 00000002 ff', 'tls/trailing-bytes'],
  ['participant_list', 'vector length beyond the input', '07 01 61 00000002', 'tls/truncated'],
  ['participant_list', 'role_index cut short inside the vector', '05 01 61 000000', 'tls/truncated'],
  ['participant_list', 'overlong varint length (2-byte form for 6)', '4006 01 61 00000002', 'tls/non-minimal-varint'],
  ['participant_list', 'reserved varint prefix 0b11', 'c0000000 00000006', 'tls/invalid-varint'],
  ['participant_list', 'user is not UTF-8', '06 01 ff 00000002', 'tls/invalid-utf8'],
  ['participant_list_update', 'missing addedParticipants vector', '00 00', 'tls/truncated'],
  ['participant_list_update', 'overlong varint in removedIndices', '00 4004 00000001 00', 'tls/non-minimal-varint'],
  ['roles_list', 'optional presence octet 2', '24 00000002 01 75 00 04 0100 000a 00000000 02 00000003 00000001 00 09 00000000 04 00000002', 'tls/invalid-optional'],
  ['base_room_policy', 'bool value 2', '02 00 00 01 00 00 00 00 00 00', 'tls/invalid-bool'],
  ['base_room_policy', 'trailing byte', '00 00 00 01 00 00 00 00 00 00 00', 'tls/trailing-bytes'],
  ['status_notification_policy', 'Optionality 3', '03 00', 'tls/invalid-enum'],
  ['status_notification_policy', 'one field missing', '00', 'tls/truncated'],
  ['logging_policy', 'forbidden followed by fields', '02 00 00 00', 'tls/trailing-bytes'],
  ['message_expiration_policy', 'required but durations missing', '01 00000001', 'tls/truncated'],
  ['app_data_update', 'op invalid(0)', '0023 00', 'tls/invalid-enum'],
  ['app_data_update', 'op 3', '0023 03', 'tls/invalid-enum'],
  ['app_data_update', 'remove followed by data', '0023 02 00', 'tls/trailing-bytes'],
  ['app_data_dictionary', 'component IDs not sorted', '07 0025 00 0022 01 00', 'room/unsorted-components'],
  ['app_data_dictionary', 'component ID twice', '07 0022 00 0022 01 00', 'room/duplicate-component'],
  ['app_data_dictionary', 'no participant_list nor roles_list', '00', 'room/missing-component'],
  ['app_data_dictionary', 'participant with undefined role 9', '0e 0022 07 06 01 61 00000009 0025 01 00', 'room/invalid-state'],
  ['app_data_dictionary', 'participant with role 0', '0e 0022 07 06 01 61 00000000 0025 01 00', 'room/invalid-state'],
  ['app_data_dictionary', 'same user twice', '14 0022 0d 0c 01 61 00000002 01 61 00000002 0025 01 00', 'room/invalid-state'],
  ['app_data_dictionary', 'participant_list data is malformed', '08 0022 01 05 0025 01 00', 'tls/truncated'],
];
const decodingErrors: Vector[] = NEG.map(([component, desc, hex, error], i) => ({
  id: `decode-error-${String(i + 1).padStart(3, '0')}`,
  kind: 'component-decoding-error',
  description: desc,
  input: { component, hex: clean(hex) },
  error,
}));

// ---------- participant-list update sequences (expected lists by hand, draft-ietf-mimi-protocol §8.5) ----------
const A = 'mimi://a.example/u/alice';
const B = 'mimi://b.example/u/bob';
const C = 'mimi://c.example/u/cathy';
const D = 'mimi://d.example/u/diana';
const E = 'mimi://e.example/u/eric';
const coop = room.createRoom({ preset: 'cooperative', creator: A, roomUri: 'mimi://a.example/r/seq', members: [{ user: B, role: 2 }, { user: C, role: 2 }] });
const coopHex = bytesToHex(room.encodeAppDataDictionary(coop));
const active = [A, B, C];
const pl = (changedRoles: [number, number][], removedIndices: number[], added: [string, number][]): unknown => ({
  componentId: 0x22,
  participantListUpdate: { changedRoles: changedRoles.map(([index, r]) => ({ index, role: r })), removedIndices, added: added.map(([user, r]) => ({ user, role: r })) },
});
const P = (...xs: [string, number][]): unknown => ({ participants: xs.map(([user, r]) => ({ user, role: r })) });
const SEQ: [string, unknown[], unknown | string][] = [
  ['alice adds diana as ordinary user', [{ actor: A, updates: [pl([], [], [[D, 2]])] }], P([A, 4], [B, 2], [C, 2], [D, 2])],
  ['role change, removal and addition in one update: indexes refer to the list before', [{ actor: A, updates: [pl([[2, 3]], [1], [[D, 2]])] }], P([A, 4], [C, 3], [D, 2])],
  ['protocol §5.3 style: add two, remove one, ban one', [{ actor: A, updates: [pl([[2, 1]], [1], [[D, 4], [E, 3]])] }], P([A, 4], [C, 1], [D, 4], [E, 3])],
  ['bob leaves, then cathy adds diana (second commit uses the compacted indexes)', [
    { actor: B, updates: [pl([], [1], [])] },
    { actor: C, updates: [pl([], [], [[D, 2]])] },
  ], P([A, 4], [C, 2], [D, 2])],
  ['ban, then unban in a later commit', [
    { actor: A, updates: [pl([[1, 1]], [], [])] },
    { actor: A, updates: [pl([[1, 2]], [], [])] },
  ], P([A, 4], [B, 2], [C, 2])],
  ['alice bans a user not yet in the list (0 → 1)', [{ actor: A, updates: [pl([], [], [[E, 1]])] }], P([A, 4], [B, 2], [C, 2], [E, 1])],
  ['two updates in one commit touching different users', [{ actor: A, updates: [pl([], [], [[D, 2]]), pl([[1, 3]], [], [])] }], P([A, 4], [B, 3], [C, 2], [D, 2])],
  ['error: the same user changed and removed', [{ actor: A, updates: [pl([[1, 3]], [1], [])] }], 'room/duplicate-user'],
  ['error: the same user added twice', [{ actor: A, updates: [pl([], [], [[D, 2], [D, 3]])] }], 'room/duplicate-user'],
  ['error: adding a user already listed', [{ actor: A, updates: [pl([], [], [[B, 2]])] }], 'room/duplicate-user'],
  ['error: the same user in two updates of one commit', [{ actor: A, updates: [pl([], [], [[D, 2]]), pl([[3, 3]], [], [])] }], 'room/duplicate-user'],
  ['error: removed index out of range', [{ actor: A, updates: [pl([], [3], [])] }], 'room/index-out-of-range'],
  ['error: changed index out of range', [{ actor: A, updates: [pl([[7, 2]], [], [])] }], 'room/index-out-of-range'],
  ['error: roles_list and participant_list in one commit', [{ actor: A, updates: [pl([], [], [[D, 2]]), { componentId: 0x25, update: bytesToHex(room.encodeRoles(coop.roles)) }] }], 'room/roles-and-participants-together'],
  ['error: preauth_list with an addition', [{ actor: A, updates: [pl([], [], [[D, 2]]), { componentId: 0x26, update: '00' }] }], 'room/preauth-and-participants-together'],
  ['error: ordinary user bob promotes cathy (no canChangeUserRole)', [{ actor: B, updates: [pl([[2, 3]], [], [])] }], 'room/missing-capability'],
  ['error: ordinary user bob adds an admin (0 → 3 not authorized)', [{ actor: B, updates: [pl([], [], [[D, 3]])] }], 'room/role-change-not-authorized'],
  ['error: atomic — a valid addition then an unauthorized ban', [{ actor: B, updates: [pl([[2, 1]], [], [[D, 2]])] }], 'room/missing-capability'],
  ['error: the only group_admin cannot be demoted', [
    { actor: A, updates: [pl([[1, 3]], [], [])] },
    { actor: A, updates: [pl([[1, 2]], [], [])] },
  ], 'room/min-participants'],
  ['error: a banned user cannot come back by itself', [
    { actor: A, updates: [pl([[1, 1]], [], [])] },
    { actor: B, updates: [pl([[1, 2]], [], [])] },
  ], 'room/banned'],
  ['error: participant_list cannot be removed', [{ actor: A, updates: [{ componentId: 0x22, op: 'remove' }] }], 'room/component-required'],
];
const sequences: Vector[] = SEQ.map(([desc, steps, exp], i) => ({
  id: `plu-${String(i + 1).padStart(3, '0')}`,
  kind: 'participant-list-updates',
  description: `${desc} (cooperative room: [alice super_admin 4, bob 2, cathy 2])`,
  input: { room: coopHex, activeUsers: active, steps },
  ...(typeof exp === 'string' ? { error: exp } : { expected: exp }),
}));
// strict room: join codes
const strict = room.createRoom({ preset: 'strict', creator: A, roomUri: 'mimi://a.example/r/strict', joinLinks: ['code-1'] });
const strictHex = bytesToHex(room.encodeAppDataDictionary(strict));
sequences.push(
  { id: 'plu-join-code', kind: 'participant-list-updates', description: 'strict room: diana joins with a valid join code (no_role holds canUseJoinCode, (0,[2]))', input: { room: strictHex, activeUsers: [A], steps: [{ actor: D, joinCode: 'code-1', updates: [pl([], [], [[D, 2]])] }] }, expected: P([A, 4], [D, 2]) },
  { id: 'plu-join-bad-code', kind: 'participant-list-updates', description: 'strict room: unknown join code', input: { room: strictHex, activeUsers: [A], steps: [{ actor: D, joinCode: 'nope', updates: [pl([], [], [[D, 2]])] }] }, error: 'room/invalid-join-code' },
  { id: 'plu-join-no-method', kind: 'participant-list-updates', description: 'strict room: self-add without a join code (no canOpenJoin)', input: { room: strictHex, activeUsers: [A], steps: [{ actor: D, updates: [pl([], [], [[D, 2]])] }] }, error: 'room/missing-capability' },
);

// ---------- authorization tables ----------
const authz: Vector[] = [];
for (const [preset, f] of Object.entries(FIXTURES)) {
  const s = fixtureState(preset as room.PresetName);
  const hex = bytesToHex(room.encodeAppDataDictionary(s));
  const activeUsers = s.participants.filter((p) => p.active).map((p) => p.user);
  for (const r of f.roles) {
    const names = Object.keys(f.table);
    authz.push({
      id: `authz-${preset}-role-${r}`,
      kind: 'authorization',
      description: `${preset} preset, actor with role ${r}${r === 0 ? ' (not a participant)' : ''}; target ${USERS.target} has role ${f.userRole}`,
      input: { room: hex, activeUsers, actor: USERS.actor(r), actions: names.map((name) => ({ name, action: toJsonValue(tableAction(name, f)) })) },
      expected: { results: names.map((name) => expectedCode(preset, name, r)) },
    });
  }
}

// special situations (expected by hand from draft-ietf-mimi-room-policy §6.1 and §A.4)
{
  const orgB = ['mimi://b.example/u/b1', 'mimi://b.example/u/b2', 'mimi://b.example/u/b3'];
  const m = room.createRoom({ preset: 'multi-org', creator: A, roomUri: 'mimi://a.example/r/orgs', members: orgB.map((user) => ({ user, role: 6 })) });
  authz.push({
    id: 'authz-multi-org-constraints',
    kind: 'authorization',
    description: 'multi-org room with 3 org_b_admins (max 3, min 1, min active 1): super_admin alice adds a 4th (max-participants), an org_b_user or org_c_admin (ok); demotes or kicks one of them (ok: 2 active remain)',
    input: {
      room: bytesToHex(room.encodeAppDataDictionary(m)),
      activeUsers: [A, ...orgB],
      actor: A,
      actions: [
        { name: 'invite-4th-admin', action: { type: 'invite', user: D, role: 6 } },
        { name: 'invite-org-b-user', action: { type: 'invite', user: D, role: 3 } },
        { name: 'invite-org-c-admin', action: { type: 'invite', user: D, role: 7 } },
        { name: 'demote-admin', action: { type: 'changeRole', user: orgB[0], role: 3 } },
        { name: 'kick-admin', action: { type: 'kick', user: orgB[0] } },
      ],
    },
    expected: { results: ['room/max-participants', 'ok', 'ok', 'ok', 'ok'] },
  });
  const st = room.createRoom({ preset: 'strict', creator: A, roomUri: 'mimi://a.example/r/codes', joinLinks: ['code-1'] });
  authz.push({
    id: 'authz-strict-join',
    kind: 'authorization',
    description: 'strict room with join link "code-1": an outsider joins with it (canUseJoinCode on no_role, (0,[2])), not with another code, not as admin, not openly',
    input: {
      room: bytesToHex(room.encodeAppDataDictionary(st)),
      activeUsers: [A],
      actor: D,
      actions: [
        { name: 'join-code', action: { type: 'join', method: 'code', code: 'code-1' } },
        { name: 'join-bad-code', action: { type: 'join', method: 'code', code: 'code-2' } },
        { name: 'join-code-as-admin', action: { type: 'join', method: 'code', code: 'code-1', role: 3 } },
        { name: 'join-open', action: { type: 'join', method: 'open' } },
        { name: 'leave-not-member', action: { type: 'leave' } },
      ],
    },
    expected: { results: ['ok', 'room/invalid-join-code', 'room/role-change-not-authorized', 'room/missing-capability', 'room/not-participant'] },
  });
}

mkdirSync(OUT, { recursive: true });
file('components.json', 'Encodings of every room component, bytes ⇄ JSON (hand-computed hex) and whole preset rooms', encodings);
file('decode-errors.json', 'Negative encodings: each vector breaks one TLS or dictionary rule', decodingErrors);
file('participant-list-updates.json', 'Participant-list update sequences with the resulting list, and rejected commits', sequences);
file('authorization.json', 'Authorization tables: every preset × role × action → "ok" or the refusal code', authz);

// self-check with the suite
let failed = 0;
for (const v of [...encodings, ...decodingErrors, ...sequences, ...authz]) {
  const reason = roomSuite.verifiers[v.kind]!(v);
  if (reason !== undefined) {
    failed++;
    console.error(`FAIL ${v.id}: ${String(reason)}`);
  }
}
if (failed > 0) process.exit(1);
