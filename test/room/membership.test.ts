import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import * as room from '../../src/room/index.js';
import type { Claim, RoomOperation, RoomState } from '../../src/room/index.js';

const A = 'mimi://a.example/u/alice';
const B = 'mimi://b.example/u/bob';
const C = 'mimi://c.example/u/cathy';
const D = 'mimi://d.example/u/diana';
const HUB = 'mimi://hub.example/u/hub';
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
  return 'no error';
};
const apply = (s: RoomState, actor: string, op: RoomOperation): RoomState => room.applyRoomOperation(s, actor, op).state;
const roles = (s: RoomState): Record<string, number> => Object.fromEntries(s.participants.map((p) => [p.user, p.role]));

describe('membership transitions (cooperative room)', () => {
  const base = room.createRoom({ preset: 'cooperative', creator: A, roomUri: 'mimi://a.example/r/x', hub: HUB });

  it('invite = add with a role: 0 → 2, ParticipantListUpdate appends', () => {
    const r = room.applyRoomOperation(base, A, { type: 'invite', user: B, role: 2 });
    expect(r.update).toEqual({ changedRoles: [], removedIndices: [], added: [{ user: B, role: 2 }] });
    expect(r.clients).toEqual({ add: [B], remove: [] });
    expect(r.diff.added).toEqual([{ user: B, role: 2 }]);
    expect(r.appDataUpdates.map((u) => u.componentId)).toEqual([0x0022]);
    expect(roles(r.state)[B]).toBe(2);
  });

  it('an ordinary user may add another ordinary user but not an admin (0 → 3 not in its changes)', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    expect(code(() => apply(s, B, { type: 'invite', user: C, role: 3 }))).toBe('room/role-change-not-authorized');
    expect(roles(apply(s, B, { type: 'invite', user: C, role: 2 }))[C]).toBe(2);
  });

  it('already a participant / self-target', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    expect(code(() => apply(s, A, { type: 'invite', user: B, role: 2 }))).toBe('room/already-participant');
    expect(code(() => apply(s, A, { type: 'invite', user: A, role: 2 }))).toBe('room/self-target');
    expect(code(() => apply(s, A, { type: 'remove', user: A }))).toBe('room/self-target');
  });

  it('leave = X → 0 with canRemoveSelf; the update removes the index', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    const r = room.applyRoomOperation(s, B, { type: 'leave' });
    expect(r.update).toEqual({ changedRoles: [], removedIndices: [2], added: [] });
    expect(r.clients.remove).toEqual([B]);
    expect(room.findParticipant(r.state, B)).toBeUndefined();
  });

  it('remove = X → 0 with canRemoveParticipant', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    const r = room.applyRoomOperation(s, A, { type: 'remove', user: B });
    expect(r.diff.removed).toEqual([{ user: B, role: 2 }]);
    expect(r.diff.mustRemoveClients).toEqual([B]);
  });

  it('kick removes the clients but keeps the user', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    const r = room.applyRoomOperation(s, A, { type: 'kick', user: B });
    expect(room.findParticipant(r.state, B)).toMatchObject({ role: 2, active: false });
    expect(r.update).toBeUndefined();
    expect(r.clients.remove).toEqual([B]);
    expect(code(() => apply(r.state, A, { type: 'kick', user: B }))).toBe('room/not-active');
    // and the user can come back with its own client
    const back = room.applyRoomOperation(r.state, B, { type: 'addOwnClient' });
    expect(room.findParticipant(back.state, B)?.active).toBe(true);
    expect(back.clients.add).toEqual([B]);
  });

  it('ban = X → 1 (clients removed), unban = 1 → X (clients not re-added)', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    const banned = room.applyRoomOperation(s, A, { type: 'ban', user: B });
    expect(banned.update).toEqual({ changedRoles: [{ index: 2, role: 1 }], removedIndices: [], added: [] });
    expect(room.findParticipant(banned.state, B)).toMatchObject({ role: 1, active: false });
    expect(banned.diff.mustRemoveClients).toEqual([B]);
    // a banned user can do nothing, not even rejoin
    expect(code(() => apply(banned.state, B, { type: 'join', method: 'open' }))).toBe('room/banned');
    expect(code(() => apply(banned.state, B, { type: 'addOwnClient' }))).toBe('room/banned');
    expect(room.authorize(banned.state, B, { type: 'message', action: 'send' })).toMatchObject({ code: 'room/banned' });
    // nor be invited
    expect(code(() => apply(banned.state, A, { type: 'invite', user: B, role: 2 }))).toBe('room/target-banned');
    const unbanned = apply(banned.state, A, { type: 'unban', user: B, role: 2 });
    expect(room.findParticipant(unbanned, B)).toMatchObject({ role: 2, active: false });
    expect(code(() => apply(unbanned, A, { type: 'unban', user: B, role: 2 }))).toBe('room/not-banned');
  });

  it('a user not yet listed can be banned pre-emptively (0 → 1)', () => {
    const r = room.applyRoomOperation(base, A, { type: 'ban', user: D });
    expect(r.update).toEqual({ changedRoles: [], removedIndices: [], added: [{ user: D, role: 1 }] });
  });

  it('the policy enforcer can remove a banned user (1 → 0) but not restore it', () => {
    const s = apply(apply(base, A, { type: 'invite', user: B, role: 2 }), A, { type: 'ban', user: B });
    expect(code(() => apply(s, HUB, { type: 'unban', user: B, role: 2 }))).toBe('room/role-change-not-authorized');
    expect(room.findParticipant(apply(s, HUB, { type: 'remove', user: B }), B)).toBeUndefined();
  });

  it('role change with canChangeUserRole; changeRole to 0 / 1 is a remove / ban', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    const up = room.applyRoomOperation(s, A, { type: 'changeRole', user: B, role: 3 });
    expect(up.diff.roleChanged).toEqual([{ user: B, from: 2, to: 3 }]);
    expect(code(() => apply(up.state, A, { type: 'changeRole', user: B, role: 3 }))).toBe('room/no-change');
    expect(code(() => apply(up.state, A, { type: 'changeRole', user: B, role: 9 }))).toBe('room/unknown-role');
    expect(roles(apply(s, A, { type: 'changeRole', user: B, role: 1 }))[B]).toBe(1);
    expect(roles(apply(s, A, { type: 'changeRole', user: B, role: 0 }))[B]).toBeUndefined();
    expect(code(() => apply(s, B, { type: 'changeRole', user: A, role: 2 }))).toBe('room/missing-capability');
  });

  it('min participants: the last group_admin cannot leave or be demoted', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 3 });
    expect(code(() => apply(s, B, { type: 'leave' }))).toBe('room/min-participants');
    expect(code(() => apply(s, A, { type: 'changeRole', user: B, role: 2 }))).toBe('room/min-participants');
    const two = apply(s, A, { type: 'invite', user: C, role: 3 });
    expect(roles(apply(two, B, { type: 'leave' }))[B]).toBeUndefined();
  });

  it('max participants: at most 3 org_b_admins (multi-org)', () => {
    let m = room.createRoom({ preset: 'multi-org', creator: A });
    for (const u of [B, C, D]) m = apply(m, A, { type: 'invite', user: u, role: 6 });
    expect(code(() => apply(m, A, { type: 'invite', user: 'mimi://e.example/u/eve', role: 6 }))).toBe('room/max-participants');
  });

  it('max active participants: a role allowing one active participant', () => {
    const rs = room.presetRoles('cooperative').map((r) => (r.index === 2 ? { ...r, maxActive: 1 } : r));
    const s = apply(room.createRoom({ preset: 'cooperative', creator: A, roles: rs }), A, { type: 'invite', user: B, role: 2 });
    expect(code(() => apply(s, A, { type: 'invite', user: C, role: 2 }))).toBe('room/max-active-participants');
    const c = apply(s, A, { type: 'invite', user: C, role: 2, active: false });
    expect(code(() => apply(c, C, { type: 'addOwnClient' }))).toBe('room/max-active-participants');
    expect(room.findParticipant(apply(apply(c, B, { type: 'removeOwnClient' }), C, { type: 'addOwnClient' }), C)?.active).toBe(true);
    // the policy enforcer role allows no clients at all
    expect(room.authorize(base, HUB, { type: 'addOwnClient' })).toMatchObject({ code: 'room/missing-capability' });
  });

  it('max_users of the base policy counts non-banned users', () => {
    const s = room.createRoom({ preset: 'cooperative', creator: A, base: { maxUsers: 2 } });
    const two = apply(s, A, { type: 'invite', user: B, role: 2 });
    expect(code(() => apply(two, A, { type: 'invite', user: C, role: 2 }))).toBe('room/max-users');
    expect(roles(apply(two, A, { type: 'ban', user: C }))[C]).toBe(1);
  });

  it('own clients: remove last client makes the user inactive', () => {
    const s = apply(base, A, { type: 'invite', user: B, role: 2 });
    const r = room.applyRoomOperation(s, B, { type: 'removeOwnClient' });
    expect(room.findParticipant(r.state, B)?.active).toBe(false);
    expect(code(() => apply(r.state, B, { type: 'removeOwnClient' }))).toBe('room/not-active');
    expect(room.applyRoomOperation(s, B, { type: 'removeOwnClient', lastClient: false }).state.participants).toEqual(s.participants);
  });
});

describe('joins', () => {
  const claims: Claim[] = [{ credentialType: 1, id: utf8('dept'), value: utf8('hr') }];
  const strict = room.createRoom({
    preset: 'strict',
    creator: A,
    joinLinks: ['code-123'],
    preauth: [{ claims, targetRole: room.presetRoles('strict')[2]! }],
  });

  it('join by code: canUseJoinCode on role 0, 0 → 2 from role 0 changes', () => {
    const r = room.applyRoomOperation(strict, B, { type: 'join', method: 'code', code: 'code-123' });
    expect(r.update?.added).toEqual([{ user: B, role: 2 }]);
    expect(r.clients.add).toEqual([B]);
    expect(code(() => apply(strict, B, { type: 'join', method: 'code', code: 'nope' }))).toBe('room/invalid-join-code');
    expect(code(() => apply(strict, B, { type: 'join', method: 'code', code: 'code-123', role: 3 }))).toBe('room/role-change-not-authorized');
  });

  it('preauthorized join: first matching entry, target role holds canJoinIfPreauthorized', () => {
    expect(roles(apply(strict, B, { type: 'join', method: 'preauth', claims }))[B]).toBe(2);
    const wrong: Claim[] = [{ credentialType: 1, id: utf8('dept'), value: utf8('it') }];
    expect(code(() => apply(strict, B, { type: 'join', method: 'preauth', claims: wrong }))).toBe('room/not-preauthorized');
  });

  it('open join needs canOpenJoin on role 0', () => {
    expect(code(() => apply(strict, B, { type: 'join', method: 'open' }))).toBe('room/missing-capability');
    const zero = room.presetRoles('cooperative')[0]!;
    const openRoles = [{ ...zero, capabilities: [room.Capability.canOpenJoin], authorizedRoleChanges: [{ from: 0, to: [2] }] }, ...room.presetRoles('cooperative').slice(1)];
    const open = room.createRoom({ preset: 'cooperative', creator: A, roles: openRoles });
    expect(roles(apply(open, B, { type: 'join', method: 'open' }))[B]).toBe(2);
    expect(code(() => apply(open, B, { type: 'join', method: 'open', role: 3 }))).toBe('room/role-change-not-authorized');
  });

  it('a banned user cannot use a preauthorization', () => {
    const s = apply(strict, A, { type: 'ban', user: B });
    expect(code(() => apply(s, B, { type: 'join', method: 'preauth', claims }))).toBe('room/banned');
  });

  it('canChangeOwnRole moves to the first matching preauthorized role', () => {
    const adminEntry = { claims, targetRole: room.presetRoles('strict')[3]! };
    const s0 = apply(strict, B, { type: 'join', method: 'code', code: 'code-123' });
    const s = apply(s0, A, { type: 'setPreauth', entries: [adminEntry] });
    expect(roles(apply(s, B, { type: 'changeOwnRole', claims }))[B]).toBe(3);
    expect(code(() => apply(s, B, { type: 'changeOwnRole', claims: [] }))).toBe('room/not-preauthorized');
  });
});

describe('knock (mimi-kit extension)', () => {
  const s = room.createRoom({ preset: 'cooperative', creator: A, knock: true });
  it('knock, accept with a role, reject', () => {
    const k = room.applyRoomOperation(s, B, { type: 'knock' });
    expect(k.state.knocks).toEqual([{ user: B }]);
    expect(k.appDataUpdates.map((u) => u.componentId)).toEqual([0x8023]);
    expect(code(() => apply(k.state, B, { type: 'knock' }))).toBe('room/already-knocking');
    const acc = room.applyRoomOperation(k.state, A, { type: 'acceptKnock', user: B, role: 2 });
    expect(acc.state.knocks).toEqual([]);
    expect(room.findParticipant(acc.state, B)).toMatchObject({ role: 2, active: false });
    expect(acc.appDataUpdates.map((u) => u.componentId)).toEqual([0x0022, 0x8023]);
    const rej = apply(k.state, A, { type: 'rejectKnock', user: B });
    expect(rej.knocks).toEqual([]);
    expect(code(() => apply(rej, A, { type: 'acceptKnock', user: B, role: 2 }))).toBe('room/no-knock');
  });
  it('without the extension role 0 cannot knock', () => {
    const plain = room.createRoom({ preset: 'cooperative', creator: A });
    expect(code(() => apply(plain, B, { type: 'knock' }))).toBe('room/missing-capability');
  });
});

describe('profiles and room metadata', () => {
  const s = apply(room.createRoom({ preset: 'moderated', creator: A, roomUri: 'mimi://a.example/r/m', name: 'M' }), A, { type: 'invite', user: B, role: 2 });
  it('display name needs canChangeOwnName (guest lacks it), avatar canChangeOwnAvatar', () => {
    expect(code(() => apply(s, B, { type: 'setProfile', profile: { displayName: 'Bob' } }))).toBe('room/missing-capability');
    const r = room.applyRoomOperation(s, A, { type: 'setProfile', profile: { displayName: 'Alice', avatar: 'https://a.example/a.png' } });
    expect(room.profileOf(r.state, A)).toEqual({ displayName: 'Alice', avatar: 'https://a.example/a.png' });
    expect(r.appDataUpdates.map((u) => u.componentId)).toEqual([0x8022]);
  });
  it('room name, subject, description, avatar need their capability', () => {
    const r = room.applyRoomOperation(s, A, {
      type: 'setRoomMetadata',
      changes: { name: 'N2', subject: 'today', avatar: 'https://a.example/r.png', descriptions: [{ mediaType: '', languageTag: 'en', content: 'about' }] },
    });
    expect(r.state.metadata).toMatchObject({ roomUri: 'mimi://a.example/r/m', name: 'N2', subject: 'today' });
    expect(r.appDataUpdates.map((u) => u.componentId)).toEqual([0x0023]);
    expect(code(() => apply(s, B, { type: 'setRoomMetadata', changes: { subject: 'x' } }))).toBe('room/missing-capability');
    // an unchanged field needs no capability
    expect(room.authorize(s, B, { type: 'setRoomMetadata', changes: { name: 'M' } }).allowed).toBe(true);
  });
});

describe('direct-message room', () => {
  const dm = room.createDirectRoom(A, B);
  it('exactly two users, fixed membership', () => {
    expect(dm.participants.map((p) => p.user)).toEqual([A, B]);
    expect(dm.policy.base?.fixedMembership).toBe(true);
    expect(code(() => room.createDirectRoom(A, A))).toBe('room/invalid-direct-room');
    expect(code(() => apply(dm, A, { type: 'invite', user: C, role: 2 }))).toBe('room/fixed-membership');
    expect(code(() => apply(dm, A, { type: 'leave' }))).toBe('room/fixed-membership');
    expect(code(() => apply(dm, C, { type: 'join', method: 'open' }))).toBe('room/fixed-membership');
    expect(room.findParticipant(apply(dm, A, { type: 'removeOwnClient' }), A)?.active).toBe(false);
  });
  it('a fixed-membership base policy rejects roles holding canAddParticipant', () => {
    const coop = room.createRoom({ preset: 'cooperative', creator: A });
    const fixed = { ...coop.policy.base!, fixedMembership: true };
    expect(room.authorize(coop, A, { type: 'setBasePolicy', base: fixed })).toMatchObject({ code: 'room/invalid-policy' });
    expect(room.authorize(coop, B, { type: 'setBasePolicy', base: fixed })).toMatchObject({ code: 'room/missing-capability' });
    const sa = room.createRoom({ preset: 'strict', creator: A });
    expect(room.authorize(sa, A, { type: 'setBasePolicy', base: { ...sa.policy.base!, fixedMembership: true } })).toMatchObject({ code: 'room/invalid-policy' });
  });
});

describe('policy operations', () => {
  const s = room.createRoom({ preset: 'strict', creator: A });
  it('join links need canCreateJoinCode / canDeleteJoinCode and produce JoinLinksUpdate', () => {
    const r = room.applyRoomOperation(s, A, { type: 'addJoinLink', link: 'L1' });
    expect(r.state.policy.joinLinks).toEqual(['L1']);
    const r2 = room.applyRoomOperation(r.state, A, { type: 'removeJoinLink', link: 'L1' });
    // JoinLinksUpdate: removedIndices [0], added [] = 04 00000000 00
    expect(r2.appDataUpdates).toEqual([{ componentId: 0x002a, op: 'update', update: new Uint8Array([4, 0, 0, 0, 0, 0]) }]);
    expect(code(() => apply(r.state, A, { type: 'addJoinLink', link: 'L1' }))).toBe('room/duplicate-join-link');
  });
  it('setRoles validates the result', () => {
    expect(code(() => apply(s, A, { type: 'setRoles', roles: s.roles.filter((r) => r.index !== 4) }))).toBe('room/invalid-roles');
    const changed = s.roles.map((r) => (r.index === 2 ? { ...r, name: 'member' } : r));
    expect(apply(s, A, { type: 'setRoles', roles: changed }).roles[2]?.name).toBe('member');
  });
  it('setPolicy adds and removes optional components', () => {
    const r = room.applyRoomOperation(s, A, { type: 'setPolicy', policies: { statusNotifications: { deliveryNotifications: 'optional', readReceipts: 'forbidden' } } });
    expect(r.appDataUpdates).toEqual([{ componentId: 0x0028, op: 'update', update: new Uint8Array([0, 2]) }]);
    const r2 = room.applyRoomOperation(r.state, A, { type: 'setPolicy', policies: {}, remove: ['statusNotifications'] });
    expect(r2.appDataUpdates).toEqual([{ componentId: 0x0028, op: 'remove' }]);
  });
});

describe('policy component validity (draft-ietf-mimi-room-policy §5)', () => {
  const s = room.createRoom({ preset: 'strict', creator: A });
  it('history sharing cannot name roles 0, 1 or a role without active participants', () => {
    const hist = (roles: number[]) => ({ history: { historySharing: 'optional' as const, rolesThatCanShare: roles, automaticallyShare: false, maxTimePeriod: 0 } });
    expect(code(() => apply(s, A, { type: 'setPolicy', policies: hist([1]) }))).toBe('room/invalid-policy');
    expect(code(() => apply(s, A, { type: 'setPolicy', policies: hist([5]) }))).toBe('room/invalid-policy');
    expect(apply(s, A, { type: 'setPolicy', policies: hist([3, 4]) }).policy.history?.rolesThatCanShare).toEqual([3, 4]);
  });
  it('required logging needs a logging client', () => {
    expect(code(() => apply(s, A, { type: 'setPolicy', policies: { logging: { logging: 'required', loggingClients: [], machineReadablePolicy: '', humanReadablePolicy: '' } } }))).toBe('room/invalid-policy');
  });
});

describe('active-participant minimum counts the role being left', () => {
  it('the last active org_b_admin cannot be demoted while active, nor kicked', () => {
    const B1 = 'mimi://b.example/u/b1';
    const B2 = 'mimi://b.example/u/b2';
    const s = room.createRoom({ preset: 'multi-org', creator: A, members: [{ user: B1, role: 6 }, { user: B2, role: 6, active: false }] });
    // min_active 1 for org_b_admin: B1 is the only active one
    expect(code(() => apply(s, A, { type: 'kick', user: B1 }))).toBe('room/min-active-participants');
    expect(code(() => apply(s, A, { type: 'changeRole', user: B1, role: 3 }))).toBe('room/min-active-participants');
    expect(room.findParticipant(apply(s, A, { type: 'changeRole', user: B2, role: 3 }), B2)?.role).toBe(3);
  });
});
