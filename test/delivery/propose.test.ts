// Hub.propose (HT15) without MLS: a checker whose checkProposal accepts proposals by a rule written here, so the
// expected outcome of each request (which proposals are held, which events logged) is known independently.
import { describe, expect, it } from 'vitest';
import { Hub, MemoryStore, roomSnapshot, type ProposalVerdict, type RoomSnapshot, type UpdateChecker } from '../../src/delivery/index.js';
import { ALICE, BOB, FakeClock, ROOM, testChecker, threeMemberRoom } from './support.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Stand-in proposal bytes: JSON `{ t: 'proposal', epoch, by, ok }`. */
const proposal = (epoch: number, by: string, ok = true): Uint8Array => enc.encode(JSON.stringify({ t: 'proposal', epoch, by, ok }));

/** The test checker plus a checkProposal: accepts `ok` proposals and appends their sender to the held list in `state`. */
function checker(): UpdateChecker {
  const base = testChecker();
  return {
    epochOf: (m) => base.epochOf(m),
    checkCommit: (s, c, g) => base.checkCommit(s, c, g),
    checkProposal(current: RoomSnapshot, bytes: Uint8Array): ProposalVerdict {
      const p = JSON.parse(dec.decode(bytes)) as { by: string; ok: boolean };
      if (!p.ok) return { ok: false, code: 'notAllowed', description: 'refused by the rule' };
      return { ok: true, proposer: p.by, ref: bytes.subarray(0, 4), next: { ...current, state: enc.encode(`${dec.decode(current.state)}|${p.by}`) } };
    },
  };
}

async function setup(withProposals = true) {
  const store = new MemoryStore();
  const hub = new Hub({ domain: 'a.example', store, clock: new FakeClock(), checker: withProposals ? checker() : testChecker(), transport: { notify: async () => undefined } });
  await hub.createRoom(ROOM, { ...roomSnapshot(threeMemberRoom(), 0), state: enc.encode('s') });
  const log = () => store.transaction(async (tx) => (await tx.events(ROOM, 0, 100)).map((e) => `${e.seq}:${e.kind}:${e.sender}`));
  return { hub, log };
}

describe('Hub.propose (HT15)', () => {
  it('holds accepted proposals in the snapshot (same epoch) and logs one proposal event each', async () => {
    const { hub, log } = await setup();
    const r = await hub.propose(ROOM, { proposals: [proposal(0, BOB), proposal(0, ALICE)] });
    expect(r).toMatchObject({ code: 'success', seq: 2 });
    expect(await log()).toEqual([`1:proposal:${BOB}`, `2:proposal:${ALICE}`]);
    const snap = await hub.roomSnapshot(ROOM);
    expect(snap.epoch).toBe(0);
    expect(dec.decode(snap.state)).toBe(`s|${BOB}|${ALICE}`);
  });

  it('one refused proposal refuses the request: nothing held, nothing logged', async () => {
    const { hub, log } = await setup();
    expect((await hub.propose(ROOM, { proposals: [proposal(0, BOB), proposal(0, BOB, false)] })).code).toBe('notAllowed');
    expect(await log()).toEqual([]);
    expect(dec.decode((await hub.roomSnapshot(ROOM)).state)).toBe('s');
  });

  it('a proposal for another epoch is wrongEpoch; a proposer of another provider is notAllowed; no checkProposal is notAllowed', async () => {
    const { hub, log } = await setup();
    expect(await hub.propose(ROOM, { proposals: [proposal(1, BOB)] })).toMatchObject({ code: 'wrongEpoch', currentEpoch: 0 });
    expect((await hub.propose(ROOM, { proposals: [proposal(0, BOB)], provider: 'a.example' })).code).toBe('notAllowed');
    expect(await log()).toEqual([]);
    const plain = await setup(false);
    expect((await plain.hub.propose(ROOM, { proposals: [proposal(0, BOB)] })).code).toBe('notAllowed');
  });

  it('bad input is delivery/bad-request or no-such-room', async () => {
    const { hub } = await setup();
    await expect(hub.propose(ROOM, { proposals: [] })).rejects.toMatchObject({ code: 'delivery/bad-request' });
    await expect(hub.propose('mimi://a.example/r/none', { proposals: [proposal(0, BOB)] })).rejects.toMatchObject({ code: 'delivery/no-such-room' });
  });
});
