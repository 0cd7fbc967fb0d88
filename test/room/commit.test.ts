// The pure commit check of mimi-kit/room (src/room/commit.ts), on hand-built group views. Expected verdicts come
// from the draft texts (room-policy §A.1 cooperative roles, RFC 9420 §7.7 / §12.2) worked out by hand here.
import { describe, expect, it } from 'vitest';
import {
  applyRoomOperation,
  checkCommitValidity,
  checkRoomCommit,
  checkRoomProposal,
  createRoom,
  encodeAppDataDictionary,
  newGroupView,
  type CommitInput,
  type CommitProposal,
  type GroupExtension,
  type GroupView,
  type ProposalBody,
  type RoomState,
} from '../../src/room/index.js';

const ROOM = 'mimi://a.example/r/club';
const ALICE = 'mimi://a.example/u/alice'; // super_admin (4)
const BOB = 'mimi://b.example/u/bob'; // ordinary_user (2): canAddParticipant, canRemoveParticipant, no canKick / canBan
const CAROL = 'mimi://c.example/u/carol'; // ordinary_user (2)
const DAVE = 'mimi://d.example/u/dave';
const ERIN = 'mimi://e.example/u/erin';
const client = (user: string, n = 1): string => `${user.replace('/u/', '/d/')}/${n}`;
// RFC 9420 §17.3: required_capabilities is extension type 0x0003; its bytes are opaque to the room check.
const REQUIRED_CAPS: GroupExtension = { extensionType: 0x0003, extensionData: Uint8Array.of(1, 2, 3) };

function ext(state: RoomState): GroupExtension[] {
  return [REQUIRED_CAPS, { extensionType: 0x0006, extensionData: encodeAppDataDictionary(state) }];
}

/** alice (leaf 0), bob (leaf 1), carol (leaf 2), all active, cooperative preset. */
function group(): GroupView {
  let s = createRoom({ preset: 'cooperative', creator: ALICE, roomUri: ROOM });
  s = applyRoomOperation(s, ALICE, { type: 'invite', user: BOB, role: 2 }).state;
  s = applyRoomOperation(s, ALICE, { type: 'invite', user: CAROL, role: 2 }).state;
  return {
    state: s,
    members: [ALICE, BOB, CAROL].map((user, leafIndex) => ({ leafIndex, user, client: client(user) })),
    extensions: ext(s),
  };
}

const byValue = (sender: number, proposal: ProposalBody): CommitProposal => ({ sender, byValue: true, proposal });
const gce = (state: RoomState): ProposalBody => ({ type: 'group_context_extensions', extensions: ext(state) });
const add = (user: string, n = 1): ProposalBody => ({ type: 'add', user, client: client(user, n) });
const remove = (leafIndex: number): ProposalBody => ({ type: 'remove', leafIndex });
const commit = (committer: number, ...proposals: CommitProposal[]): CommitInput => ({ committer, proposals });

function refused(g: GroupView, c: CommitInput): { code: string; actor?: string; action?: unknown; capability?: string } {
  const v = checkRoomCommit(g, c);
  if (v.ok) throw new Error('expected a refusal');
  return v.refusal;
}

describe('checkRoomCommit', () => {
  it('places leaves as RFC 9420 §7.7 does: removals blank, each Add takes the leftmost blank leaf, then extends', () => {
    const g = group();
    // alice removes bob (list + his leaf 1) and invites dave (two clients) and erin in one commit.
    let next = applyRoomOperation(g.state, ALICE, { type: 'remove', user: BOB }).state;
    next = applyRoomOperation(next, ALICE, { type: 'invite', user: DAVE, role: 2 }).state;
    next = applyRoomOperation(next, ALICE, { type: 'invite', user: ERIN, role: 2 }).state;
    const v = checkRoomCommit(g, commit(0, byValue(0, remove(1)), byValue(0, add(DAVE, 1)), byValue(0, add(DAVE, 2)), byValue(0, add(ERIN)), byValue(0, gce(next))));
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    // Hand computation: leaves 0, 2 stay; blank 1 goes to dave/1, then 3 and 4 are appended.
    expect(v.group.members.map((m) => [m.leafIndex, m.client])).toEqual([
      [0, client(ALICE)],
      [1, client(DAVE, 1)],
      [2, client(CAROL)],
      [3, client(DAVE, 2)],
      [4, client(ERIN)],
    ]);
    expect(v.removed.map((m) => m.user)).toEqual([BOB]);
    expect(v.roomStateChanged).toBe(true);
    expect(v.group.state.participants.map((p) => [p.user, p.role, p.active])).toEqual([
      [ALICE, 4, true],
      [CAROL, 2, true],
      [DAVE, 2, true],
      [ERIN, 2, true],
    ]);
  });

  it('an ordinary participant kicking the owner is refused: cooperative ordinary_user lacks canKick', () => {
    const r = refused(group(), commit(1, byValue(1, remove(0))));
    expect(r).toMatchObject({ code: 'room/missing-capability', capability: 'canKick', actor: BOB, action: { type: 'kick', user: ALICE } });
  });

  it('an Add of a banned user is refused (room/banned), also when a GroupContextExtensions lists nobody new', () => {
    const g0 = group();
    const banned = applyRoomOperation(g0.state, ALICE, { type: 'ban', user: DAVE }).state; // 0 → 1 by super_admin
    const g: GroupView = { ...g0, state: banned, extensions: ext(banned) };
    expect(refused(g, commit(1, byValue(1, add(DAVE))))).toMatchObject({ code: 'room/banned', actor: BOB });
    // Someone never listed is no participant either.
    expect(refused(g, commit(1, byValue(1, add(ERIN))))).toMatchObject({ code: 'room/not-participant' });
  });

  it('a ban must take every client of the banned user out in the same commit', () => {
    const g = group();
    const next = applyRoomOperation(g.state, ALICE, { type: 'ban', user: BOB }).state;
    const ok = checkRoomCommit(g, commit(0, byValue(0, remove(1)), byValue(0, gce(next))));
    expect(ok.ok && ok.group.state.participants.find((p) => p.user === BOB)).toMatchObject({ role: 1, active: false });
    // Without the Remove, bob would keep a client while banned: refused (the decoder already finds the state invalid).
    expect(refused(g, commit(0, byValue(0, gce(next)))).code).toMatch(/^room\/(invalid-state|clients-not-removed)$/);
    // A participant removal that leaves bob's client in the group.
    const gone = applyRoomOperation(g.state, ALICE, { type: 'remove', user: BOB }).state;
    expect(refused(g, commit(0, byValue(0, gce(gone)))).code).toBe('room/clients-not-removed');
    // An ordinary user may not ban (cooperative ordinary_user lacks canBan).
    expect(refused(g, commit(2, byValue(2, remove(1)), byValue(2, gce(next))))).toMatchObject({ code: 'room/missing-capability', actor: CAROL });
  });

  it('proposal types outside the allowlist are refused, by position (RFC 9420 §12.2: no Update by value)', () => {
    const g = group();
    const update: ProposalBody = { type: 'update', user: BOB, client: client(BOB) };
    expect(refused(g, commit(0, byValue(0, { ...update, user: ALICE, client: client(ALICE) }))).code).toBe('room/proposal-not-allowed');
    // By reference from bob: allowed.
    expect(checkRoomCommit(g, commit(0, { sender: 1, byValue: false, proposal: update })).ok).toBe(true);
    for (const proposalType of [0x0004, 0x0005, 0x0006, 0x0008, 0x000a, 0x0a0a]) {
      expect(refused(g, commit(0, byValue(0, { type: 'other', proposalType })))).toMatchObject({ code: 'room/proposal-not-allowed' });
      expect(checkRoomProposal(g, { sender: 1, byValue: false, proposal: { type: 'other', proposalType } })?.code).toBe('room/proposal-not-allowed');
    }
  });

  it('a member cannot change its user or client URI (Update, UpdatePath)', () => {
    const g = group();
    const stolen: ProposalBody = { type: 'update', user: ALICE, client: client(BOB) };
    expect(refused(g, commit(0, { sender: 1, byValue: false, proposal: stolen })).code).toBe('room/identity-change');
    expect(refused(g, { committer: 1, proposals: [], path: { user: BOB, client: client(BOB, 9) } }).code).toBe('room/identity-change');
    expect(checkRoomCommit(g, { committer: 1, proposals: [], path: { user: BOB, client: client(BOB) } }).ok).toBe(true);
  });

  it('GroupContextExtensions may change only the room state: no other extension added, changed, removed or repeated', () => {
    const g = group();
    const room = ext(g.state)[1]!;
    const variants: GroupExtension[][] = [
      [{ extensionType: 0x0003, extensionData: Uint8Array.of(9) }, room],
      [REQUIRED_CAPS, room, { extensionType: 0x0002, extensionData: new Uint8Array() }],
      [room],
      [REQUIRED_CAPS, REQUIRED_CAPS, room],
    ];
    for (const extensions of variants) {
      expect(refused(g, commit(0, byValue(0, { type: 'group_context_extensions', extensions }))).code).toBe('room/extension-not-allowed');
    }
    // The same extensions in another order, unchanged: nothing to refuse.
    expect(checkRoomCommit(g, commit(0, byValue(0, { type: 'group_context_extensions', extensions: [room, REQUIRED_CAPS] }))).ok).toBe(true);
  });

  it('RFC 9420 §12.2: two GroupContextExtensions, a Remove of the committer, two changes of one leaf', () => {
    const g = group();
    const renamed = applyRoomOperation(g.state, BOB, { type: 'setRoomMetadata', changes: { name: 'x' } }).state;
    expect(refused(g, commit(0, byValue(0, gce(renamed)), byValue(0, gce(renamed)))).code).toBe('room/invalid-commit');
    expect(refused(g, commit(0, byValue(0, remove(0)))).code).toBe('room/invalid-commit');
    expect(checkCommitValidity(commit(0, byValue(0, remove(1)), { sender: 1, byValue: false, proposal: remove(1) }))?.code).toBe('room/invalid-commit');
    expect(checkCommitValidity(commit(0, byValue(0, remove(1))))).toBeUndefined();
  });

  it('the committer must be a member and a participant; senders and removed leaves must be members', () => {
    const g = group();
    expect(refused(g, commit(7)).code).toBe('room/not-member');
    expect(refused(g, commit(0, byValue(0, remove(9)))).code).toBe('room/not-member');
    // A client whose user is not listed (e.g. left the list but its client lingers): may not commit.
    const stray: GroupView = { ...g, members: [...g.members, { leafIndex: 3, user: DAVE, client: client(DAVE) }] };
    expect(refused(stray, commit(3)).code).toBe('room/not-participant');
  });

  it('a client URI is in the group once; own clients need canAddOwnClient, others\' canAddParticipant', () => {
    const g = group();
    expect(refused(g, commit(0, byValue(0, add(BOB, 1)))).code).toBe('room/duplicate-client');
    const v = checkRoomCommit(g, commit(1, byValue(1, add(BOB, 2))));
    expect(v.ok && v.added).toEqual([{ leafIndex: 3, user: BOB, client: client(BOB, 2) }]);
    // Replacing one's own client in one commit (remove, then add of the same URI) is fine.
    expect(checkRoomCommit(g, commit(0, byValue(0, remove(1)), byValue(0, add(BOB, 1)))).ok).toBe(true);
  });

  it('a room state no ParticipantListUpdate produces (survivors reordered) is refused', () => {
    const g = group();
    const reordered: RoomState = { ...g.state, participants: [g.state.participants[0]!, g.state.participants[2]!, g.state.participants[1]!] };
    expect(refused(g, commit(0, byValue(0, gce(reordered)))).code).toBe('room/invalid-commit');
  });

  it('the proposer of a GroupContextExtensions by reference is the actor, not the committer (a leave)', () => {
    const g = group();
    const left = applyRoomOperation(g.state, CAROL, { type: 'leave' }).state;
    const leave: CommitProposal[] = [
      { sender: 2, byValue: false, proposal: remove(2) },
      { sender: 2, byValue: false, proposal: gce(left) },
    ];
    const v = checkRoomCommit(g, commit(1, ...leave));
    expect(v.ok && v.group.members.map((m) => m.user)).toEqual([ALICE, BOB]);
    // The same change proposed by bob is a removal by bob: cooperative ordinary_user may move 2 → 0 (allowed too),
    // but bob may not remove alice (super_admin, 4 → 0 not in ordinary_user's authorized_role_changes).
    const aliceGone = applyRoomOperation(g.state, ALICE, { type: 'leave' }).state;
    expect(refused(g, commit(1, byValue(1, remove(0)), byValue(1, gce(aliceGone))))).toMatchObject({ code: 'room/role-change-not-authorized', actor: BOB });
  });
});

describe('checkRoomProposal', () => {
  it('a Remove of another user\'s client needs canKick; one\'s own does not', () => {
    const g = group();
    expect(checkRoomProposal(g, { sender: 1, byValue: false, proposal: remove(2) })).toMatchObject({ code: 'room/missing-capability', capability: 'canKick' });
    expect(checkRoomProposal(g, { sender: 1, byValue: false, proposal: remove(1) })).toBeUndefined();
    expect(checkRoomProposal(g, { sender: 0, byValue: false, proposal: remove(2) })).toBeUndefined();
  });

  it('a GroupContextExtensions proposal is authorized for its sender', () => {
    const g = group();
    const promoted: RoomState = { ...g.state, participants: g.state.participants.map((p) => (p.user === BOB ? { ...p, role: 4 } : p)) };
    // room-policy §6.1.3: bob moving himself 2 → 4 needs canChangeOwnRole, which ordinary_user lacks.
    expect(checkRoomProposal(g, { sender: 1, byValue: false, proposal: gce(promoted) })).toMatchObject({ code: 'room/missing-capability', capability: 'canChangeOwnRole', actor: BOB });
    // alice (super_admin: canChangeUserRole, 2 → 4 authorized) may.
    expect(checkRoomProposal(g, { sender: 0, byValue: false, proposal: gce(promoted) })).toBeUndefined();
  });
});

describe('newGroupView', () => {
  it('puts the creator at leaf 0 (RFC 9420 §11), active', () => {
    const s = createRoom({ preset: 'moderated', creator: ALICE, roomUri: ROOM });
    const g = newGroupView(s, { user: ALICE, client: client(ALICE) });
    expect(g.members).toEqual([{ leafIndex: 0, user: ALICE, client: client(ALICE) }]);
    expect(g.state.participants[0]).toMatchObject({ user: ALICE, active: true });
  });
});
