import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MimiError } from '../../src/errors.js';
import * as room from '../../src/room/index.js';
import type { AppDataUpdate, ParticipantListUpdate, RoomOperation, RoomState } from '../../src/room/index.js';

const A = 'mimi://a.example/u/alice';
const B = 'mimi://b.example/u/bob';
const C = 'mimi://c.example/u/cathy';
const D = 'mimi://d.example/u/diana';

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
const users = (s: RoomState): [string, number][] => s.participants.map((p) => [p.user, p.role]);

// A cooperative room: [alice super_admin(4), bob ordinary(2), cathy ordinary(2)]
const start = room.createRoom({
  preset: 'cooperative',
  creator: A,
  roomUri: 'mimi://a.example/r/x',
  members: [
    { user: B, role: 2 },
    { user: C, role: 2 },
  ],
});

describe('applying ParticipantListUpdates (draft-ietf-mimi-protocol §8.5)', () => {
  it('changes roles in place, removes indexes (compacting), then appends additions', () => {
    const r = room.applyAppDataUpdates(start, A, [plu({ changedRoles: [{ index: 2, role: 3 }], removedIndices: [1], added: [{ user: D, role: 2 }] })]);
    expect(users(r.state)).toEqual([[A, 4], [C, 3], [D, 2]]);
    expect(r.diff).toEqual({ added: [{ user: D, role: 2 }], removed: [{ user: B, role: 2 }], roleChanged: [{ user: C, from: 2, to: 3 }], mustRemoveClients: [B] });
    expect(r.clients).toEqual({ add: [D], remove: [B] });
  });

  it('applying the update an operation produced reproduces its state', () => {
    const ops: [string, RoomOperation][] = [
      [A, { type: 'invite', user: D, role: 3 }],
      [A, { type: 'ban', user: B }],
      [D, { type: 'remove', user: C }],
      [A, { type: 'unban', user: B, role: 2 }],
    ];
    let s = start;
    for (const [actor, op] of ops) {
      const r = room.applyRoomOperation(s, actor, op);
      const viaUpdates = room.applyAppDataUpdates(s, actor, r.appDataUpdates);
      expect(users(viaUpdates.state)).toEqual(users(r.state));
      s = r.state;
    }
  });

  it('rejects a user touched twice in one commit', () => {
    expect(code(() => room.applyAppDataUpdates(start, A, [plu({ changedRoles: [{ index: 1, role: 3 }], removedIndices: [1], added: [] })]))).toBe('room/duplicate-user');
    expect(code(() => room.applyAppDataUpdates(start, A, [plu({ changedRoles: [], removedIndices: [], added: [{ user: D, role: 2 }, { user: D, role: 2 }] })]))).toBe('room/duplicate-user');
    // across two updates of the same commit
    expect(
      code(() =>
        room.applyAppDataUpdates(start, A, [
          plu({ changedRoles: [], removedIndices: [], added: [{ user: D, role: 2 }] }),
          plu({ changedRoles: [{ index: 3, role: 3 }], removedIndices: [], added: [] }),
        ]),
      ),
    ).toBe('room/duplicate-user');
    expect(code(() => room.applyAppDataUpdates(start, A, [plu({ changedRoles: [], removedIndices: [], added: [{ user: B, role: 2 }] })]))).toBe('room/duplicate-user');
  });

  it('rejects an index out of range', () => {
    expect(code(() => room.applyAppDataUpdates(start, A, [plu({ changedRoles: [], removedIndices: [3], added: [] })]))).toBe('room/index-out-of-range');
    expect(code(() => room.applyAppDataUpdates(start, A, [plu({ changedRoles: [{ index: 9, role: 2 }], removedIndices: [], added: [] })]))).toBe('room/index-out-of-range');
  });

  it('rejects roles and participants changed together; preauth only with removals', () => {
    const roles: AppDataUpdate = { componentId: 0x25, op: 'update', update: room.encodeRoles(start.roles) };
    const add = plu({ changedRoles: [], removedIndices: [], added: [{ user: D, role: 2 }] });
    expect(code(() => room.applyAppDataUpdates(start, A, [add, roles]))).toBe('room/roles-and-participants-together');
    const pre: AppDataUpdate = { componentId: 0x26, op: 'update', update: room.encodePreauth([]) };
    expect(code(() => room.applyAppDataUpdates(start, A, [add, pre]))).toBe('room/preauth-and-participants-together');
    expect(users(room.applyAppDataUpdates(start, A, [pre, plu({ changedRoles: [], removedIndices: [1], added: [] })]).state)).toEqual([[A, 4], [C, 2]]);
  });

  it('rejects two room_metadata updates, remove combined with update, removing the participant list', () => {
    const md: AppDataUpdate = { componentId: 0x23, op: 'update', update: room.encodeRoomMetadata({ ...start.metadata!, name: 'x' }) };
    expect(code(() => room.applyAppDataUpdates(start, A, [md, md]))).toBe('room/duplicate-metadata-update');
    expect(code(() => room.applyAppDataUpdates(start, A, [md, { componentId: 0x23, op: 'remove' }]))).toBe('room/invalid-update-op');
    expect(code(() => room.applyAppDataUpdates(start, A, [{ componentId: 0x22, op: 'remove' }]))).toBe('room/component-required');
    expect(code(() => room.applyAppDataUpdates(start, A, [{ componentId: 0x7777, op: 'remove' }]))).toBe('room/unknown-component');
    const uri: AppDataUpdate = { componentId: 0x23, op: 'update', update: room.encodeRoomMetadata({ ...start.metadata!, roomUri: 'mimi://evil/r/y' }) };
    expect(code(() => room.applyAppDataUpdates(start, A, [uri]))).toBe('room/immutable-field');
  });

  it('authorizes every change for its proposer', () => {
    // bob (ordinary) cannot promote cathy
    expect(code(() => room.applyAppDataUpdates(start, B, [plu({ changedRoles: [{ index: 2, role: 3 }], removedIndices: [], added: [] })]))).toBe('room/missing-capability');
    // per-update senders
    expect(
      code(() =>
        room.applyAppDataUpdates(start, A, [plu({ changedRoles: [{ index: 2, role: 3 }], removedIndices: [], added: [] })], { senders: [B] }),
      ),
    ).toBe('room/missing-capability');
    // a profile of somebody else
    const prof: AppDataUpdate = { componentId: 0x8022, op: 'update', update: room.encodeUserProfiles([{ user: C, profile: { displayName: 'X' } }]) };
    expect(code(() => room.applyAppDataUpdates(start, B, [prof]))).toBe('room/not-own-profile');
    expect(room.profileOf(room.applyAppDataUpdates(start, C, [prof]).state, C)).toEqual({ displayName: 'X' });
  });

  it('self-join through an update uses the join context', () => {
    const strict = room.createRoom({ preset: 'strict', creator: A, joinLinks: ['c1'] });
    const join = plu({ changedRoles: [], removedIndices: [], added: [{ user: D, role: 2 }] });
    expect(code(() => room.applyAppDataUpdates(strict, D, [join]))).toBe('room/missing-capability');
    expect(users(room.applyAppDataUpdates(strict, D, [join], { joinCode: 'c1' }).state)).toContainEqual([D, 2]);
    expect(code(() => room.applyAppDataUpdates(strict, D, [join], { joinCode: 'bad' }))).toBe('room/invalid-join-code');
  });

  it('is atomic: a rejected sequence leaves the input untouched', () => {
    const snapshot = JSON.stringify(start);
    const ok1 = plu({ changedRoles: [], removedIndices: [], added: [{ user: D, role: 2 }] });
    const md: AppDataUpdate = { componentId: 0x23, op: 'update', update: room.encodeRoomMetadata({ ...start.metadata!, name: 'renamed' }) };
    // bob may add D and rename, but not change the description: the whole commit fails
    const bad: AppDataUpdate = {
      componentId: 0x23,
      op: 'update',
      update: room.encodeRoomMetadata({ ...start.metadata!, name: 'renamed', descriptions: [{ mediaType: '', languageTag: '', content: 'x' }] }),
    };
    expect(room.applyAppDataUpdates(start, B, [ok1, md]).state.metadata?.name).toBe('renamed');
    expect(code(() => room.applyAppDataUpdates(start, B, [ok1, bad]))).toBe('room/missing-capability');
    expect(JSON.stringify(start)).toBe(snapshot);
    expect(start.participants).toHaveLength(3);
  });

  it('is deterministic', () => {
    const u = [plu({ changedRoles: [{ index: 2, role: 3 }], removedIndices: [1], added: [{ user: D, role: 2 }] })];
    const a = room.encodeAppDataDictionary(room.applyAppDataUpdates(start, A, u).state);
    const b = room.encodeAppDataDictionary(room.applyAppDataUpdates(start, A, u).state);
    expect(a).toEqual(b);
  });
});

describe('property: random operation sequences keep the invariants', () => {
  const pool = [A, B, C, D, 'mimi://e.example/u/eve', 'mimi://f.example/u/fred'];
  const arbOp = fc.oneof(
    fc.record({ type: fc.constant('invite' as const), user: fc.constantFrom(...pool), role: fc.integer({ min: 0, max: 9 }), active: fc.boolean() }),
    fc.record({ type: fc.constant('remove' as const), user: fc.constantFrom(...pool) }),
    fc.record({ type: fc.constant('kick' as const), user: fc.constantFrom(...pool) }),
    fc.record({ type: fc.constant('ban' as const), user: fc.constantFrom(...pool) }),
    fc.record({ type: fc.constant('unban' as const), user: fc.constantFrom(...pool), role: fc.integer({ min: 0, max: 9 }) }),
    fc.record({ type: fc.constant('changeRole' as const), user: fc.constantFrom(...pool), role: fc.integer({ min: 0, max: 9 }) }),
    fc.constant({ type: 'leave' as const }),
    fc.constant({ type: 'addOwnClient' as const }),
    fc.constant({ type: 'removeOwnClient' as const }),
    fc.constant({ type: 'knock' as const }),
    fc.record({ type: fc.constant('acceptKnock' as const), user: fc.constantFrom(...pool), role: fc.integer({ min: 0, max: 9 }) }),
  );
  const arbStep = fc.tuple(fc.constantFrom(...pool), arbOp);

  it.each(['cooperative', 'strict', 'moderated', 'multi-org'] as const)('%s', (preset) => {
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 40 }), (steps) => {
        let s = room.createRoom({ preset, creator: A, knock: true });
        for (const [actor, op] of steps) {
          const before = s;
          const beforeJson = JSON.stringify(before);
          const r = room.planRoomOperation(s, actor, op as RoomOperation);
          expect(JSON.stringify(before)).toBe(beforeJson);
          if (!r.ok) continue;
          s = r.state;
          // each user at most once (so one role), no role 0, defined roles, maxima respected
          expect(room.roomStateViolations(s)).toEqual([]);
          // banned users are never active
          for (const p of s.participants) if (p.role === 1) expect(p.active).toBe(false);
          // minima: a count below its minimum never decreases further
          for (const role of s.roles) {
            if (role.index === 0) continue;
            const n0 = before.participants.filter((p) => p.role === role.index).length;
            const n1 = s.participants.filter((p) => p.role === role.index).length;
            if (n1 < n0) expect(n1).toBeGreaterThanOrEqual(role.minParticipants);
            const a0 = before.participants.filter((p) => p.role === role.index && p.active).length;
            const a1 = s.participants.filter((p) => p.role === role.index && p.active).length;
            if (a1 < a0) expect(a1).toBeGreaterThanOrEqual(role.minActive);
          }
          // the produced updates replay to the same list
          if (r.appDataUpdates.some((u) => u.componentId === 0x22)) {
            const replay = room.applyAppDataUpdates(before, actor, r.appDataUpdates.filter((u) => u.componentId === 0x22));
            expect(replay.state.participants.map((p) => [p.user, p.role])).toEqual(s.participants.map((p) => [p.user, p.role]));
          }
          // and the state round-trips through the extension bytes
          const back = room.decodeAppDataDictionary(room.encodeAppDataDictionary(s), { activeUsers: s.participants.filter((p) => p.active).map((p) => p.user) });
          expect(back.participants).toEqual(s.participants);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('replaying the AppDataUpdates of operations', () => {
  it('join links created from nothing, profiles dropped with their user, knocks resolved by invite', () => {
    const ops: [string, RoomOperation][] = [
      [A, { type: 'addJoinLink', link: 'first' }],
      [A, { type: 'addJoinLink', link: 'second' }],
      [A, { type: 'removeJoinLink', link: 'first' }],
      [B, { type: 'setProfile', profile: { displayName: 'Bob' } }],
      [A, { type: 'remove', user: B }],
      [D, { type: 'knock' }],
      [A, { type: 'invite', user: D, role: 2 }],
      [A, { type: 'setRoomMetadata', changes: { subject: 's', name: 'n' } }],
      [A, { type: 'setPolicy', policies: { messageExpiration: { expiringMessages: 'optional', minExpirationDuration: 1, maxExpirationDuration: 9 } } }],
    ];
    let s = room.createRoom({ preset: 'strict', creator: A, knock: true, members: [{ user: B, role: 2 }] });
    for (const [actor, op] of ops) {
      const r = room.applyRoomOperation(s, actor, op);
      const replay = room.applyAppDataUpdates(s, actor, r.appDataUpdates);
      expect(room.encodeAppDataDictionary(replay.state)).toEqual(room.encodeAppDataDictionary(r.state));
      // the proposal bodies round-trip through their encoding
      for (const u of r.appDataUpdates) expect(room.decodeAppDataUpdate(room.encodeAppDataUpdate(u))).toEqual(u);
      s = r.state;
    }
    expect(s.policy.joinLinks).toEqual(['second']);
    expect(s.knocks).toEqual([]);
  });
  it('an unknown capability name is a refusal, not a crash', () => {
    expect(room.authorize(start, A, { type: 'capability', capability: 'canFly' as never })).toMatchObject({ code: 'room/missing-capability' });
  });
});
