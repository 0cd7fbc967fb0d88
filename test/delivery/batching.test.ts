// Group commit of writes (DL13) and fanout leases (DL10), in one process on a fake clock: requests that
// arrive together share one store transaction but each keeps its own answer and its arrival order; two hubs
// on one store never both fan a room out, and the second takes over when the first's lease runs out (or at
// once when the first stops gracefully).
import { describe, expect, it } from 'vitest';
import { Hub, MemoryStore, roomSnapshot, type DeliveryStore, type NotifyRequest } from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';
import { ALICE, BOB, DAVE, FakeClock, ROOM, bodyOf, fakeCommit, fakeMessage, settle, testChecker, threeMemberRoom } from './support.js';

function counting(store: DeliveryStore): { store: DeliveryStore; count: () => number } {
  let n = 0;
  return {
    store: { transaction: (fn) => (n++, store.transaction(fn)), close: () => store.close() },
    count: () => n,
  };
}

describe('write batches (DL13)', () => {
  it('60 concurrent requests: few transactions, answers in arrival order, a refusal or a bad request touches only itself', async () => {
    const inner = new MemoryStore();
    const { store, count } = counting(inner);
    const hub = new Hub({ domain: 'a.example', store, clock: new FakeClock(), checker: testChecker(), transport: { notify: async () => undefined } });
    await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    const before = count();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      if (i === 10) calls.push(hub.submitMessage(ROOM, { message: fakeMessage(0, 'outsider'), sendingUri: DAVE })); // not a member
      else if (i === 20) calls.push(hub.update(ROOM, { commit: fakeCommit(0, ALICE) })); // epoch 0 → 1
      else if (i === 30) calls.push(hub.update(ROOM, { commit: fakeMessage(1, 'not a commit') }).catch((e: unknown) => e)); // the checker throws
      else if (i === 40) calls.push(hub.submitMessage('mimi://a.example/r/none', { message: fakeMessage(1, 'x'), sendingUri: BOB }).catch((e: unknown) => e));
      else calls.push(hub.submitMessage(ROOM, { message: fakeMessage(i < 20 ? 0 : 1, `m${i}`), sendingUri: BOB }));
    }
    const answers = await Promise.all(calls);
    expect(count() - before).toBeLessThanOrEqual(3);
    expect(answers[10]).toMatchObject({ code: 'notAllowed' });
    expect((answers[30] as MimiError).code).toBe('delivery/bad-request');
    expect((answers[40] as MimiError).code).toBe('delivery/no-such-room');
    // everything else was accepted in call order: seq 1…57 (the commit is seq 19)
    const accepted = answers.filter((a): a is { code: string; seq: number } => typeof a === 'object' && a !== null && 'seq' in a);
    expect(accepted.map((a) => a.seq)).toEqual(Array.from({ length: 57 }, (_, i) => i + 1));
    const log = await inner.transaction((tx) => tx.events(ROOM, 0, 100));
    expect(log.map((e) => (e.kind === 'commit' ? 'commit' : bodyOf(e.message)))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `m${i}`),
      ...Array.from({ length: 9 }, (_, i) => `m${i + 11}`),
      'commit',
      ...Array.from({ length: 39 }, (_, i) => i + 21).filter((i) => i !== 30 && i !== 40).map((i) => `m${i}`),
    ]);
  });

  it('a store failure fails the whole batch and stores nothing', async () => {
    const inner = new MemoryStore();
    let fail = false;
    const store: DeliveryStore = {
      transaction: (fn) =>
        inner.transaction(async (tx) => {
          const v = await fn(tx);
          if (fail) throw new Error('disk full');
          return v;
        }),
      close: () => inner.close(),
    };
    const hub = new Hub({ domain: 'a.example', store, clock: new FakeClock(), checker: testChecker(), transport: { notify: async () => undefined } });
    await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    fail = true;
    const answers = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => hub.submitMessage(ROOM, { message: fakeMessage(0, `m${i}`), sendingUri: BOB })));
    expect(answers.every((a) => a.status === 'rejected')).toBe(true);
    fail = false;
    expect(await inner.transaction((tx) => tx.lastSeq(ROOM))).toBe(0);
    expect(await hub.submitMessage(ROOM, { message: fakeMessage(0, 'again'), sendingUri: BOB })).toMatchObject({ code: 'accepted', seq: 1 });
  });
});

describe('fanout leases (DL10)', () => {
  function twoHubs() {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const sent: { by: string; req: NotifyRequest }[] = [];
    const make = (id: string) =>
      new Hub({ domain: 'a.example', store, clock, checker: testChecker(), instanceId: id, fanoutLeaseMs: 1000, transport: { notify: async (_to, req) => void sent.push({ by: id, req }) } });
    return { clock, store, sent, one: make('one'), two: make('two') };
  }

  /** Hub "one" fans out event 1 (holding the lease), hub "two" looks on. */
  async function oneFansOut() {
    const hubs = twoHubs();
    await hubs.one.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    await hubs.one.submitMessage(ROOM, { message: fakeMessage(0, 'a'), sendingUri: BOB });
    await hubs.one.tick();
    await hubs.two.tick();
    await settle();
    return hubs;
  }

  it('only the lease holder fans out; a crashed holder is replaced after the lease runs out, from the durable cursor', async () => {
    const { clock, sent, one, two } = await oneFansOut();
    expect(new Set(sent.map((s) => s.by))).toEqual(new Set(['one']));
    expect(sent).toHaveLength(3); // a, b and c.example
    await one.tick(); // DL17: the acknowledgements are written with the next tick
    // "one" crashes (no stop): "two" waits out the lease, 1000 ms
    await two.submitMessage(ROOM, { message: fakeMessage(0, 'b'), sendingUri: BOB });
    clock.t += 999;
    await two.tick();
    expect(sent.filter((s) => s.by === 'two')).toHaveLength(0);
    clock.t += 2;
    await two.tick();
    await settle();
    // it resumes after what was acknowledged (event 1): event 2 to each follower
    expect(sent.filter((s) => s.by === 'two').map((s) => s.req.events.map((e) => e.seq))).toEqual([[2], [2], [2]]);
  });

  it('acknowledgements a crashed holder had not yet written (DL17) are sent again by the next one', async () => {
    const { clock, sent, two } = await oneFansOut();
    // "one" crashes before its next tick: event 1's acknowledgements were never written
    await two.submitMessage(ROOM, { message: fakeMessage(0, 'b'), sendingUri: BOB });
    clock.t += 1001;
    await two.tick();
    await settle();
    expect(sent.filter((s) => s.by === 'two').map((s) => s.req.events.map((e) => e.seq))).toEqual([[1, 2], [1, 2], [1, 2]]);
  });

  it('a graceful stop hands the lease over within a fifth of a lease, not a whole one', async () => {
    const { clock, sent, one, two } = twoHubs();
    await one.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    await one.tick();
    await two.tick(); // sees one's lease
    await one.stop(); // gives it up
    await two.submitMessage(ROOM, { message: fakeMessage(0, 'a'), sendingUri: BOB });
    clock.t += 199;
    await two.tick();
    expect(sent).toEqual([]);
    clock.t += 1; // 200 ms = 1000 / 5
    await two.tick();
    await settle();
    expect(sent.map((s) => s.by)).toEqual(['two', 'two', 'two']);
  });
});
