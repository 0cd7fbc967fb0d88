// The hub's MLS commit check (src/delivery/checker.ts MlsUpdateChecker): real commits made by MimiRoom (ts-mls)
// are decoded by mimi-kit/protocol's pure framing decoder and checked with mimi-kit/room's checkRoomCommit; the
// hub's verdicts and group view are compared with what the members (ts-mls + the same room check) conclude.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProposal, decodeMlsMessage, encodeMlsMessage, type ClientState, type KeyPackage, type Proposal } from 'ts-mls';
import { createGroupInfo } from 'ts-mls/createCommit.js';
import { encodeGroupInfo } from 'ts-mls/groupInfo.js';
import { mimiSuite } from '../../src/mls/suite.js';
import { Hub, MemoryStore, MlsUpdateChecker, groupViewOfSnapshot, mlsRoomSnapshot, type RoomSnapshot } from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';
import { generateKeyPackage, type ClientIdentity, type CommitOutcome, type MimiRoom } from '../../src/mls/index.js';
import { decodePublicMessage } from '../../src/protocol/index.js';
import { roomStateToJson, type RoomState } from '../../src/room/index.js';
import { ALICE, BOB, CAROL, Net, ROOM, TrustStore, aliceRoom, client } from '../mls/helpers.js';

const DAVE = 'mimi://d.example/u/dave';
const checker = new MlsUpdateChecker();

function rawKeyPackage(bytes: Uint8Array): KeyPackage {
  const m = decodeMlsMessage(bytes, 0)![0];
  if (m.wireformat !== 'mls_key_package') throw new Error('not a key package');
  return m.keyPackage;
}

/** The member's and the hub's group views, in comparable form. */
function comparable(g: { state: RoomState; members: readonly { leafIndex: number; user: string; client: string; signatureKey?: Uint8Array }[]; extensions: readonly { extensionType: number; extensionData: Uint8Array }[] }) {
  return {
    state: roomStateToJson(g.state),
    members: g.members.map((m) => [m.leafIndex, m.user, m.client, Buffer.from(m.signatureKey ?? new Uint8Array()).toString('hex')]),
    extensions: g.extensions.map((e) => [e.extensionType, Buffer.from(e.extensionData).toString('hex')]),
  };
}

/** The room's GroupInfo for its current epoch, as a committer hands it to the hub (RFC 9420 §12.4.3, built by ts-mls). */
async function groupInfoOf(room: MimiRoom): Promise<Uint8Array> {
  const state = room.internalState as ClientState;
  return encodeGroupInfo(await createGroupInfo(state.groupContext, state.confirmationTag, state, [], await mimiSuite()));
}

/** A hub-side follower of one room: the snapshot it holds, advanced by the checker. */
class HubView {
  constructor(public snapshot: RoomSnapshot) {}
  check(commit: Uint8Array, groupInfo?: Uint8Array): ReturnType<MlsUpdateChecker['checkCommit']> {
    return checker.checkCommit(this.snapshot, commit, groupInfo);
  }
  accept(commit: Uint8Array, groupInfo?: Uint8Array): void {
    const v = checker.checkCommit(this.snapshot, commit, groupInfo) as Awaited<ReturnType<MlsUpdateChecker['checkCommit']>>;
    if (!v.ok) throw new Error(`hub refused: ${v.description}`);
    this.snapshot = { ...v.next, epoch: this.snapshot.epoch + 1 };
  }
}

/** The member verdict: 'ok' or the room refusal code (details.refusal.code) / the mls code. */
async function memberVerdict(room: MimiRoom, commit: Uint8Array): Promise<string> {
  try {
    await room.processHandshake(commit);
    return 'ok';
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    const refusal = (e.details as { refusal?: { code: string } } | undefined)?.refusal;
    return refusal?.code ?? e.code;
  }
}

/** The hub verdict in the same terms: the room code is the description's prefix. */
function hubVerdict(hub: HubView, commit: Uint8Array): string {
  const v = hub.check(commit) as { ok: boolean; description?: string };
  return v.ok ? 'ok' : (v.description ?? '').split(':')[0]!;
}

// The member raises these codes for the structural room refusals (policy.ts refusalError).
const MEMBER_CODE: Record<string, string> = {
  'room/proposal-not-allowed': 'mls/proposal-not-allowed',
  'room/identity-change': 'mls/credential-rejected',
  'room/extension-not-allowed': 'mls/extension-not-allowed',
  'room/not-member': 'mls/not-member',
  'room/invalid-commit': 'mls/invalid-commit',
};

async function start(preset: 'moderated' | 'cooperative' = 'moderated') {
  const store = new TrustStore();
  const net = new Net(store);
  const a1 = await client(store, ALICE, '1');
  const b1 = await client(store, BOB, '1');
  const b2 = await client(store, BOB, '2');
  const c1 = await client(store, CAROL, '1');
  const d1 = await client(store, DAVE, '1');
  net.rooms.set(a1.clientUri, await aliceRoom(store, a1, preset));
  const hub = new HubView(mlsRoomSnapshot(net.room(a1).groupView(), 0, await groupInfoOf(net.room(a1))));
  /** The hub accepts `out` (with the new epoch's GroupInfo) first, then every member processes it. */
  const commit = async (from: ClientIdentity, out: CommitOutcome, joiners: Awaited<ReturnType<typeof generateKeyPackage>>[] = []): Promise<void> => {
    hub.accept(out.commit, await groupInfoOf(out.room));
    await net.deliver(from, out, joiners);
  };
  return { store, net, hub, a1, b1, b2, c1, d1, commit };
}

describe('MlsUpdateChecker (the hub) on commits made by MimiRoom', () => {
  it('decodes and accepts real commits; its roster (RFC 9420 §7.7 placement), room state and extensions match every member\'s', async () => {
    const { net, hub, a1, b1, b2, c1, d1, commit } = await start('moderated');
    expect(comparable(groupViewOfSnapshot(hub.snapshot))).toEqual(comparable(net.room(a1).groupView()));
    let kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
    await commit(a1, await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage)), kps);
    kps = [await generateKeyPackage(c1)];
    await commit(a1, await net.room(a1).addParticipant(CAROL, 5, kps.map((k) => k.keyPackage)), kps);
    // carol (moderator) removes bob: leaves 1 and 2 blank; dave then takes leaf 1 (leftmost blank).
    await commit(c1, await net.room(c1).removeParticipant(BOB));
    kps = [await generateKeyPackage(d1)];
    await commit(a1, await net.room(a1).addParticipant(DAVE, 4, kps.map((k) => k.keyPackage)), kps);
    await commit(c1, await net.room(c1).ban(DAVE));
    await commit(a1, await net.room(a1).setMetadata({ ...net.room(a1).roomState.metadata!, name: 'Renamed' }));
    await commit(c1, await net.room(c1).update());
    const hubGroup = comparable(groupViewOfSnapshot(hub.snapshot));
    for (const id of [a1, c1]) expect(hubGroup).toEqual(comparable(net.room(id).groupView()));
    expect(hubGroup.members.map((m) => m.slice(0, 3))).toEqual([
      [0, ALICE, a1.clientUri],
      [3, CAROL, c1.clientUri],
    ]);
    expect(hub.snapshot.members).toEqual([ALICE, CAROL]);
    expect(net.room(a1).roomState.participants.find((p) => p.user === DAVE)?.role).toBe(1);
  });

  it('through the Hub: success, the second commit of an epoch is wrongEpoch, a forbidden one notAllowed', async () => {
    const { net, a1, b1, c1 } = await start('moderated');
    const hub = new Hub({ domain: 'a.example', store: new MemoryStore(), clock: { now: () => 1_700_000_000_000 }, checker, transport: { notify: async () => {} } });
    await hub.createRoom(ROOM, mlsRoomSnapshot(net.room(a1).groupView(), 0));
    const kps = [await generateKeyPackage(b1), await generateKeyPackage(c1)];
    const add = await net.room(a1).addParticipant(BOB, 4, [kps[0]!.keyPackage]);
    expect((await hub.update(ROOM, { commit: add.commit })).code).toBe('success');
    await net.deliver(a1, add, [kps[0]!]);
    const kick = await net.room(b1).commitWith([{ proposalType: 'remove', remove: { removed: 0 } }], undefined, { authorize: false });
    const r = await hub.update(ROOM, { commit: kick.commit });
    expect(r).toMatchObject({ code: 'notAllowed' });
    expect((r as { description: string }).description).toMatch(/^room\/missing-capability: /);
    const again = await net.room(a1).update();
    expect((await hub.update(ROOM, { commit: again.commit })).code).toBe('success');
    expect((await hub.update(ROOM, { commit: (await net.room(a1).update()).commit })).code).toBe('wrongEpoch');
    expect((await hub.roomSnapshot(ROOM)).epoch).toBe(2);
  });

  it('an ordinary participant kicking the owner, and an Add of a banned user, are notAllowed at the hub and refused by every member', async () => {
    const { net, hub, a1, b1, b2, c1, d1, commit } = await start('moderated');
    let kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
    await commit(a1, await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage)), kps);
    kps = [await generateKeyPackage(c1)];
    await commit(a1, await net.room(a1).addParticipant(CAROL, 5, kps.map((k) => k.keyPackage)), kps);
    // bob (speaker: no canKick) removes alice's client.
    const kick = await net.room(b1).commitWith([{ proposalType: 'remove', remove: { removed: net.room(b1).members.find((m) => m.userUri === ALICE)!.leafIndex } }], undefined, { authorize: false });
    const v = hub.check(kick.commit);
    expect(v).toMatchObject({ ok: false, code: 'notAllowed' });
    expect((v as { description: string }).description).toMatch(/^room\/missing-capability: /);
    for (const id of [a1, b2, c1]) {
      const e = (await net.room(id).processHandshake(kick.commit).catch((x: unknown) => x)) as MimiError;
      expect(e.code).toBe('mls/policy-refused');
      expect(e.details?.refusal).toMatchObject({ code: 'room/missing-capability', actor: BOB, action: { type: 'kick', user: ALICE } });
    }
    // carol bans dave (never listed, 0 → 1); then carol's forged Add of dave's client.
    await commit(c1, await net.room(c1).setRoomState({ ...net.room(c1).roomState, participants: [...net.room(c1).roomState.participants, { user: DAVE, role: 1, active: false }] }));
    const kp = await generateKeyPackage(d1);
    const forged = await net.room(c1).commitWith([{ proposalType: 'add', add: { keyPackage: rawKeyPackage(kp.keyPackage) } }], undefined, { authorize: false });
    expect((hub.check(forged.commit) as { description: string }).description).toMatch(/^room\/banned: /);
    for (const id of [a1, b1]) expect(await memberVerdict(net.room(id), forged.commit)).toBe('room/banned');
  });

  it('standalone proposals: held by ProposalRef (RFC 9420 §5.2, the key ts-mls gives them) so a commit may cite them; unknown references are invalidProposal', async () => {
    const { net, hub, a1, b1, b2, c1, commit } = await start('moderated');
    let kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
    await commit(a1, await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage)), kps);
    kps = [await generateKeyPackage(c1)];
    await commit(a1, await net.room(a1).addParticipant(CAROL, 5, kps.map((k) => k.keyPackage)), kps);
    // bob leaves from both clients' point of view: Removes of his clients plus the participant-list change.
    const { proposals, room } = await net.room(b2).leave();
    await net.deliverProposals(b2, proposals, room);
    const c = await net.room(a1).commitPending();
    // Not shown to the hub: the references are unknown.
    const unknown = hub.check(c.commit);
    expect(unknown).toMatchObject({ ok: false, code: 'invalidProposal' });
    expect((unknown as unknown as { invalidProposals: Uint8Array[] }).invalidProposals).toHaveLength(proposals.length);
    // Shown to the hub, one by one, as the members received them.
    const refs: string[] = [];
    for (const p of proposals) {
      const v = checker.checkProposal(hub.snapshot, p);
      if (!v.ok) throw new Error(v.description);
      expect(v.proposer).toBe(BOB);
      refs.push(Buffer.from(v.ref).toString('base64'));
      hub.snapshot = { ...v.next, epoch: hub.snapshot.epoch };
    }
    // The same references ts-mls computed for them (its pending-proposal keys), an independent implementation.
    expect(Object.keys((net.room(c1).internalState as ClientState).unappliedProposals).sort()).toEqual([...refs].sort());
    await commit(a1, c);
    expect(net.room(a1).roomState.participants.map((p) => p.user)).toEqual([ALICE, CAROL]);
    expect(comparable(groupViewOfSnapshot(hub.snapshot))).toEqual(comparable(net.room(c1).groupView()));
    // A proposal the policy forbids (bob, a speaker, removing carol's client: no canKick) is refused by the hub.
    const fresh = await start('moderated');
    let k2 = [await generateKeyPackage(fresh.b1)];
    await fresh.commit(fresh.a1, await fresh.net.room(fresh.a1).addParticipant(BOB, 4, k2.map((k) => k.keyPackage)), k2);
    k2 = [await generateKeyPackage(fresh.c1)];
    await fresh.commit(fresh.a1, await fresh.net.room(fresh.a1).addParticipant(CAROL, 5, k2.map((k) => k.keyPackage)), k2);
    const state = fresh.net.room(fresh.b1).internalState as ClientState;
    const carolLeaf = fresh.net.room(fresh.b1).members.find((m) => m.userUri === CAROL)!.leafIndex;
    const { message } = await createProposal(state, true, { proposalType: 'remove', remove: { removed: carolLeaf } }, await mimiSuite());
    const bad = encodeMlsMessage(message);
    expect(checker.checkProposal(fresh.hub.snapshot, bad)).toMatchObject({ ok: false, code: 'notAllowed', description: expect.stringMatching(/^room\/missing-capability: /) });
    expect(await memberVerdict(fresh.net.room(fresh.a1), bad)).toBe('room/missing-capability');
  });

  it('verifies the commit signature (RFC 9420 §6.1 FramedContentTBS over the GroupContext of the GroupInfo it kept) and the GroupInfo', async () => {
    const { net, hub, a1, b1, b2, commit } = await start('moderated');
    const kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
    await commit(a1, await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage)), kps);
    const good = await net.room(b1).update();
    const gi = await groupInfoOf(good.room);
    expect(hub.check(good.commit, gi)).toMatchObject({ ok: true });
    // One bit of the signature flipped: the policy allows an empty commit, the signature does not verify.
    const m = decodePublicMessage(good.commit);
    const at = good.commit.length - m.membershipTag!.length - 1 - m.confirmationTag!.length - 1 - 1;
    const flipped = Uint8Array.from(good.commit);
    flipped[at] = flipped[at]! ^ 1;
    expect(decodePublicMessage(flipped).signature).not.toEqual(m.signature);
    expect(hub.check(flipped, gi)).toMatchObject({ ok: false, code: 'notAllowed', description: expect.stringMatching(/signature does not verify/) });
    // The same commit claimed for another sender leaf (bob's second client): signed by the wrong key.
    const senderAt = 2 + 2 + 1 + m.groupId.length + 8 + 1;
    const reframed = Uint8Array.from(good.commit);
    reframed.set([0, 0, 0, 2], senderAt);
    expect(decodePublicMessage(reframed).sender).toEqual({ type: 'member', leafIndex: 2 });
    expect(hub.check(reframed, gi)).toMatchObject({ ok: false, code: 'notAllowed', description: expect.stringMatching(/signature does not verify for leaf 2/) });
    // A GroupInfo that is not the commit's outcome: the one of the epoch before, or signed by another member.
    expect(hub.check(good.commit, await groupInfoOf(net.room(a1)))).toMatchObject({ ok: false, description: expect.stringMatching(/epoch/) });
    const other = await net.room(b2).update();
    expect(hub.check(good.commit, await groupInfoOf(other.room))).toMatchObject({ ok: false, code: 'notAllowed', description: expect.stringMatching(/not by the committer|extensions|signature/) });
    // Without a GroupInfo the commit is accepted, unless the checker requires one.
    expect(hub.check(good.commit)).toMatchObject({ ok: true });
    expect(new MlsUpdateChecker({ requireGroupInfo: true }).checkCommit(hub.snapshot, good.commit)).toMatchObject({ ok: false, code: 'notAllowed' });
  });

  it('bytes that are no PublicMessage commit are delivery/bad-request; epochOf reads both framings', async () => {
    const { net, hub, a1 } = await start();
    expect(() => hub.check(Uint8Array.of(0, 1, 0, 1))).toThrow(expect.objectContaining({ code: 'delivery/bad-request' }));
    const out = await net.room(a1).update();
    expect(checker.epochOf(out.commit)).toBe(0);
    expect(() => checker.epochOf(new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'delivery/bad-request' }));
  });
});

describe('member and hub give the same verdict (property)', () => {
  type Op =
    | { kind: 'kick'; by: number; target: number }
    | { kind: 'remove'; by: number; target: number }
    | { kind: 'ban'; by: number; target: number }
    | { kind: 'role'; by: number; target: number; role: number }
    | { kind: 'addClient'; by: number; target: number }
    | { kind: 'rename'; by: number }
    | { kind: 'update'; by: number };
  const USERS = [ALICE, BOB, CAROL, DAVE];
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('kick' as const), by: fc.nat(2), target: fc.nat(3) }),
    fc.record({ kind: fc.constant('remove' as const), by: fc.nat(2), target: fc.nat(3) }),
    fc.record({ kind: fc.constant('ban' as const), by: fc.nat(2), target: fc.nat(3) }),
    fc.record({ kind: fc.constant('role' as const), by: fc.nat(2), target: fc.nat(3), role: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant('addClient' as const), by: fc.nat(2), target: fc.nat(3) }),
    fc.record({ kind: fc.constant('rename' as const), by: fc.nat(2) }),
    fc.record({ kind: fc.constant('update' as const), by: fc.nat(2) }),
  );

  it('on generated commits (allowed and forbidden, forged past the sender\'s own check)', async () => {
    const seenVerdicts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 10 }), async (ops) => {
        const { store, net, hub, a1, b1, b2, c1, d1, commit } = await start('moderated');
        let kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
        await commit(a1, await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage)), kps);
        kps = [await generateKeyPackage(c1), await generateKeyPackage(d1)];
        await commit(a1, await net.room(a1).addParticipant(CAROL, 5, [kps[0]!.keyPackage]), [kps[0]!]);
        await commit(a1, await net.room(a1).addParticipant(DAVE, 3, [kps[1]!.keyPackage]), [kps[1]!]);
        const committers = [a1, b1, c1];
        let extra = 0;
        for (const o of ops) {
          const by = committers[o.by]!;
          const room = net.room(by);
          if (!room.isMember) continue;
          const target = USERS[o.kind === 'rename' || o.kind === 'update' ? 0 : o.target]!;
          const rs = room.roomState;
          const leaves = room.members.filter((m) => m.userUri === target).map((m) => m.leafIndex);
          const removes: Proposal[] = leaves.filter((l) => l !== room.ownLeafIndex).map((removed) => ({ proposalType: 'remove', remove: { removed } }));
          let out: CommitOutcome;
          if (o.kind === 'kick') out = await room.commitWith(removes, undefined, { authorize: false });
          else if (o.kind === 'remove') out = await room.commitWith(removes, { ...rs, participants: rs.participants.filter((p) => p.user !== target) }, { authorize: false });
          else if (o.kind === 'ban' || o.kind === 'role') {
            const role = o.kind === 'ban' ? 1 : o.role;
            out = await room.commitWith(o.kind === 'ban' ? removes : [], { ...rs, participants: rs.participants.map((p) => (p.user === target ? { ...p, role } : p)) }, { authorize: false });
          } else if (o.kind === 'addClient') {
            const id = await client(store, target, `x${extra++}`);
            const kp = await generateKeyPackage(id);
            out = await room.commitWith([{ proposalType: 'add', add: { keyPackage: rawKeyPackage(kp.keyPackage) } }], undefined, { authorize: false });
          } else if (o.kind === 'rename') out = await room.commitWith([], { ...rs, metadata: { ...rs.metadata!, name: `n${extra++}` } }, { authorize: false });
          else out = await room.update();
          const fromHub = hubVerdict(hub, out.commit);
          seenVerdicts.set(fromHub, (seenVerdicts.get(fromHub) ?? 0) + 1);
          const others = [...net.rooms.entries()].filter(([uri, r]) => uri !== by.clientUri && r.isMember);
          for (const [, r] of others) {
            const fromMember = await memberVerdict(r, out.commit);
            expect(fromMember === 'ok' ? 'ok' : fromMember).toBe(fromHub === 'ok' ? 'ok' : (MEMBER_CODE[fromHub] ?? fromHub));
          }
          if (fromHub === 'ok') {
            hub.accept(out.commit, await groupInfoOf(out.room));
            await net.deliver(by, out);
            for (const [uri, r] of net.rooms) if (r.isMember && uri !== by.clientUri) expect(comparable(groupViewOfSnapshot(hub.snapshot))).toEqual(comparable(r.groupView()));
          }
        }
      }),
      { numRuns: 8, seed: 1212 },
    );
    // The generated commits exercise both verdicts and several refusal reasons.
    expect(seenVerdicts.get('ok') ?? 0).toBeGreaterThan(2);
    expect([...seenVerdicts.keys()].filter((k) => k !== 'ok').length).toBeGreaterThan(2);
  }, 120_000);
});
