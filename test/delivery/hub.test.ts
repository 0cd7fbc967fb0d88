// The hub's endpoints (draft-ietf-mimi-protocol-06 §5.2–5.7): epochs, policy, submit, history policy, group
// info, key material. Expected values come from the draft's rules and the room-policy presets, written here.
import { describe, expect, it } from 'vitest';
import type { HistoryPolicy } from '../../src/room/index.js';
import { Hub, KeyMaterialStore, MemoryStore, roomSnapshot, type NotifyRequest } from '../../src/delivery/index.js';
import { ALICE, BOB, CAROL, DAVE, FakeClock, ROOM, fakeCommit, fakeMessage, testChecker, threeMemberRoom } from './support.js';
import { handKeyPackage } from './keyPackageFixtures.js';
import { asyncCode as code } from '../support/errorCode.js';

function setup(history?: HistoryPolicy) {
  const clock = new FakeClock();
  const sent: { to: string; req: NotifyRequest }[] = [];
  const store = new MemoryStore();
  const hub = new Hub({
    domain: 'a.example',
    store,
    clock,
    checker: testChecker(),
    transport: { notify: async (to, req) => void sent.push({ to, req }) },
  });
  return { clock, sent, store, hub, init: async () => hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(history ? { history } : {}), 0)) };
}

describe('hub: update (draft-ietf-mimi-protocol-06 §5.3)', () => {
  it('accepts one commit per epoch: the second one for that epoch gets wrongEpoch with the current epoch', async () => {
    const { hub, clock, init } = setup();
    await init();
    const first = await hub.update(ROOM, { commit: fakeCommit(0, ALICE) });
    expect(first).toEqual({ code: 'success', acceptedTimestamp: clock.t, seq: 1 });
    const second = await hub.update(ROOM, { commit: fakeCommit(0, BOB) });
    expect(second).toMatchObject({ code: 'wrongEpoch', currentEpoch: 1 });
    expect(await hub.update(ROOM, { commit: fakeCommit(5, BOB) })).toMatchObject({ code: 'wrongEpoch', currentEpoch: 1 });
    expect((await hub.roomSnapshot(ROOM)).epoch).toBe(1);
  });

  it('refuses what the room policy forbids with notAllowed and changes nothing', async () => {
    const { hub, store, init } = setup();
    await init();
    // cooperative preset (room-policy §6): ordinary_user (role 2) lacks canBan; an outsider cannot commit.
    const r = await hub.update(ROOM, { commit: fakeCommit(0, BOB, [{ type: 'ban', user: CAROL }]) });
    expect(r.code).toBe('notAllowed');
    expect((await hub.update(ROOM, { commit: fakeCommit(0, DAVE) })).code).toBe('notAllowed');
    expect(await store.transaction((tx) => tx.lastSeq(ROOM))).toBe(0);
    expect((await hub.roomSnapshot(ROOM)).epoch).toBe(0);
    // the super_admin may add dave: his provider becomes a follower from that event on
    expect((await hub.update(ROOM, { commit: fakeCommit(0, ALICE, [{ type: 'invite', user: DAVE, role: 2 }]) })).code).toBe('success');
    expect((await hub.roomSnapshot(ROOM)).members).toContain(DAVE);
  });

  it('stamps events with a gapless per-room sequence and non-decreasing hub times, even if the clock steps back', async () => {
    const { hub, clock, store, init } = setup();
    await init();
    await hub.createRoom('mimi://a.example/r/other', roomSnapshot(threeMemberRoom(), 0));
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.t += i === 3 ? -10_000 : 7;
      const r = await hub.submitMessage(i % 2 ? 'mimi://a.example/r/other' : ROOM, { message: fakeMessage(0, `m${i}`), sendingUri: BOB });
      if (r.code === 'accepted') seqs.push(r.seq);
    }
    expect(seqs).toEqual([1, 1, 2, 2, 3]);
    const times = (await store.transaction((tx) => tx.events(ROOM, 0, 10))).map((e) => e.hubTime);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('bad input is a MimiError and stores nothing', async () => {
    const { hub, init } = setup();
    expect(await code(hub.update(ROOM, { commit: fakeCommit(0, ALICE) }))).toBe('delivery/no-such-room');
    await init();
    expect(await code(hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0)))).toBe('delivery/room-exists');
    expect(await code(hub.update(ROOM, { commit: new Uint8Array() }))).toBe('delivery/bad-request');
    expect(await code(hub.update('', { commit: fakeCommit(0, ALICE) }))).toBe('delivery/bad-request');
    expect(await code(hub.update(ROOM, { commit: new Uint8Array((1 << 20) + 1) }))).toBe('delivery/bad-request');
    expect(await code(hub.submitMessage(ROOM, { message: fakeMessage(0, 'x'), sendingUri: 'a\u0000b' }))).toBe('delivery/bad-request');
    expect(await code(hub.history({ requester: 'b.example', roomId: ROOM, after: -1, limit: 1 }))).toBe('delivery/bad-request');
    expect(await code(hub.history({ requester: 'b.example', roomId: ROOM, after: 0, limit: 1001 }))).toBe('delivery/bad-request');
    expect(await code(hub.history({ requester: 'z.example', roomId: ROOM, after: 0, limit: 1 }))).toBe('delivery/not-allowed');
    expect((await hub.roomSnapshot(ROOM)).epoch).toBe(0);
  });
});

describe('hub: submitMessage (draft-ietf-mimi-protocol-06 §5.4)', () => {
  it('accepts members at the current epoch; epochTooOld for an older epoch, notAllowed for a newer one or an outsider', async () => {
    const { hub, init } = setup();
    await init();
    expect(await hub.submitMessage(ROOM, { message: fakeMessage(0, 'hi'), sendingUri: BOB })).toMatchObject({ code: 'accepted', seq: 1 });
    expect((await hub.update(ROOM, { commit: fakeCommit(0, ALICE) })).code).toBe('success');
    expect(await hub.submitMessage(ROOM, { message: fakeMessage(0, 'late'), sendingUri: BOB })).toEqual({ code: 'epochTooOld', currentEpoch: 1 });
    expect((await hub.submitMessage(ROOM, { message: fakeMessage(2, 'early'), sendingUri: BOB })).code).toBe('notAllowed');
    expect((await hub.submitMessage(ROOM, { message: fakeMessage(1, 'x'), sendingUri: DAVE })).code).toBe('notAllowed');
  });

  it('a removed member can no longer submit', async () => {
    const { hub, init } = setup();
    await init();
    expect((await hub.update(ROOM, { commit: fakeCommit(0, ALICE, [{ type: 'remove', user: CAROL }]) })).code).toBe('success');
    expect((await hub.submitMessage(ROOM, { message: fakeMessage(1, 'x'), sendingUri: CAROL })).code).toBe('notAllowed');
  });
});

describe('hub: fanout targets and history (DL4, DL5)', () => {
  it('fans out to every member provider; a removed provider gets the removing commit and nothing after', async () => {
    const { hub, sent, init } = setup();
    await init();
    await hub.update(ROOM, { commit: fakeCommit(0, ALICE, [{ type: 'remove', user: CAROL }]) }); // seq 1
    await hub.submitMessage(ROOM, { message: fakeMessage(1, 'after'), sendingUri: BOB }); // seq 2
    for (let i = 0; i < 5; i++) await hub.tick();
    const seqsTo = (d: string) => sent.filter((s) => s.to === d).flatMap((s) => s.req.events.map((e) => e.seq));
    expect(seqsTo('a.example')).toEqual([1, 2]);
    expect(seqsTo('b.example')).toEqual([1, 2]);
    expect(seqsTo('c.example')).toEqual([1]);
    expect(await hub.backlog()).toBe(0);
  });

  it('history sharing forbidden: a later follower reads from its join only (firstAvailable), in pages with complete', async () => {
    const { hub, init } = setup();
    await init();
    for (let i = 0; i < 3; i++) await hub.submitMessage(ROOM, { message: fakeMessage(0, `m${i}`), sendingUri: BOB });
    await hub.update(ROOM, { commit: fakeCommit(0, ALICE, [{ type: 'invite', user: DAVE, role: 2 }]) }); // seq 4
    await hub.submitMessage(ROOM, { message: fakeMessage(1, 'm4'), sendingUri: DAVE }); // seq 5
    const p1 = await hub.history({ requester: 'd.example', roomId: ROOM, after: 0, limit: 1 });
    expect({ seqs: p1.events.map((e) => e.seq), complete: p1.complete, firstAvailable: p1.firstAvailable }).toEqual({ seqs: [4], complete: false, firstAvailable: 4 });
    const p2 = await hub.history({ requester: 'd.example', roomId: ROOM, after: 4, limit: 10 });
    expect({ seqs: p2.events.map((e) => e.seq), complete: p2.complete }).toEqual({ seqs: [5], complete: true });
    const b = await hub.history({ requester: 'b.example', roomId: ROOM, after: 0, limit: 10 });
    expect({ seqs: b.events.map((e) => e.seq), complete: b.complete, firstAvailable: b.firstAvailable }).toEqual({ seqs: [1, 2, 3, 4, 5], complete: true, firstAvailable: 1 });
  });

  it('history sharing with max_time_period: a later follower also reads the events of that many seconds before it joined', async () => {
    const { hub, clock, init } = setup({ historySharing: 'optional', rolesThatCanShare: [3, 4], automaticallyShare: true, maxTimePeriod: 60 });
    await init();
    // times: seq 1 at t0, seq 2 at t0+30s, seq 3 at t0+100s; dave joins at t0+120s (seq 4): window is t0+60s…
    const t0 = clock.t;
    await hub.submitMessage(ROOM, { message: fakeMessage(0, 'old'), sendingUri: BOB });
    clock.t = t0 + 30_000;
    await hub.submitMessage(ROOM, { message: fakeMessage(0, 'older than the window'), sendingUri: BOB });
    clock.t = t0 + 100_000;
    await hub.submitMessage(ROOM, { message: fakeMessage(0, 'inside the window'), sendingUri: BOB });
    clock.t = t0 + 120_000;
    await hub.update(ROOM, { commit: fakeCommit(0, ALICE, [{ type: 'invite', user: DAVE, role: 2 }]) });
    const page = await hub.history({ requester: 'd.example', roomId: ROOM, after: 0, limit: 10 });
    expect(page.firstAvailable).toBe(3);
    expect(page.events.map((e) => e.seq)).toEqual([3, 4]);
  });
});

describe('hub: group info and key material (§5.7, §5.2)', () => {
  it('serves the GroupInfo last given, as given, to followers only', async () => {
    const { hub, init } = setup();
    await init();
    expect(await hub.groupInfo(ROOM, 'b.example')).toBeUndefined();
    const gi = new Uint8Array([1, 2, 3]);
    await hub.update(ROOM, { commit: fakeCommit(0, ALICE), groupInfo: gi });
    expect(await hub.groupInfo(ROOM, 'B.example')).toEqual(gi);
    await hub.update(ROOM, { commit: fakeCommit(1, ALICE) }); // no new GroupInfo: the last one stays
    expect(await hub.groupInfo(ROOM, 'c.example')).toEqual(gi);
    expect(await code(hub.groupInfo(ROOM, 'z.example'))).toBe('delivery/not-allowed');
  });

  it('key material is handed out once: success, then partialSuccess / noCompatibleMaterial, userUnknown', async () => {
    const keys = new KeyMaterialStore(new MemoryStore());
    const d1 = 'mimi://b.example/d/bob/1';
    const d2 = 'mimi://b.example/d/bob/2';
    // KeyPackages written from the RFC 9420 §10 struct (publish refuses other bytes, HT10)
    const [k1, k2, k3] = ['1', '2', '3'].map((n) => handKeyPackage({ identity: `${d1}#${n}` })) as [Uint8Array, Uint8Array, Uint8Array];
    await keys.publish(BOB, d1, k1);
    await keys.publish(BOB, d1, k2);
    await keys.publish(BOB, d2, k3);
    expect(await keys.claim(BOB)).toEqual({
      userStatus: 'success',
      userUri: BOB,
      clients: [
        { clientStatus: 'success', clientUri: d1, keyPackage: k1 },
        { clientStatus: 'success', clientUri: d2, keyPackage: k3 },
      ],
    });
    expect(await keys.claim(BOB)).toEqual({
      userStatus: 'partialSuccess',
      userUri: BOB,
      clients: [
        { clientStatus: 'success', clientUri: d1, keyPackage: k2 },
        { clientStatus: 'keyMaterialExhausted', clientUri: d2 },
      ],
    });
    expect((await keys.claim(BOB)).userStatus).toBe('noCompatibleMaterial');
    expect(await keys.claim(CAROL)).toEqual({ userStatus: 'userUnknown', userUri: CAROL, clients: [] });
    expect(await code(keys.publish(BOB, d1, new Uint8Array()))).toBe('delivery/bad-request');
    expect(await code(keys.publish(BOB, d1, new Uint8Array([1, 2, 3])))).toBe('delivery/bad-request');
  });
});
