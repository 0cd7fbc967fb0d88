// The follower (draft-ietf-mimi-protocol-06 §5.6): duplicate notifies, held out-of-order events, gap fetches,
// client cursors, incomplete history; and the hub's retry backoff on the fake clock.
import { describe, expect, it } from 'vitest';
import { Follower, Hub, MemoryStore, Namespace, roomSnapshot, type DeliveryStore, type LogEvent, type NotifyRequest } from '../../src/delivery/index.js';
import {
  ALICE,
  BOB,
  DAVE,
  FakeClock,
  FaultyNetwork,
  ROOM,
  TestClient,
  fakeCommit,
  fakeMessage,
  newFollower,
  newHub,
  settle,
  step,
  testChecker,
  threeMemberRoom,
} from './support.js';
import { asyncCode as code } from '../support/errorCode.js';

const event = (seq: number, body = `m${seq}`): LogEvent => ({ seq, hubTime: 1000 + seq, kind: 'message', sender: BOB, message: new TextEncoder().encode(JSON.stringify({ t: 'msg', epoch: 0, body })) });
const req = (txn: string, ...events: LogEvent[]): NotifyRequest => ({ hub: 'a.example', roomId: ROOM, txn, events });

function lonely() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const asked: number[] = [];
  const follower = new Follower({
    domain: 'b.example',
    store,
    clock,
    gapTimeoutMs: 100,
    hubs: { history: async (_hub, r) => (asked.push(r.after), { events: [event(2)], complete: false, firstAvailable: 1 }) },
  });
  return { clock, store, follower, asked };
}

describe('follower', () => {
  it('a duplicate notify is accepted and ignored; a repeated event in a new transaction is stored once', async () => {
    const { follower } = lonely();
    await follower.notify('a.example', req('t1', event(1)));
    await follower.notify('a.example', req('t1', event(1)));
    await follower.notify('a.example', req('t2', event(1), event(2)));
    const c = new TestClient('bob-phone', 'b.example');
    await c.pull(follower, ROOM);
    expect(c.got).toEqual([1, 2]);
  });

  it('holds events after a gap until it is filled; after the timeout fetches what is missing from the hub', async () => {
    const { follower, clock, asked } = lonely();
    await follower.notify('a.example', req('t1', event(1)));
    await follower.notify('a.example', req('t3', event(3)));
    const c = new TestClient('bob-phone', 'b.example');
    await c.pull(follower, ROOM);
    expect(c.got).toEqual([1]); // 3 is held
    await follower.tick();
    expect(asked).toEqual([]); // not yet: the gap is younger than the timeout
    clock.t += 100;
    await follower.tick();
    expect(asked).toEqual([1]);
    await c.pull(follower, ROOM);
    expect(c.got).toEqual([1, 2, 3]);
    expect(follower.settled()).toBe(true);
  });

  it('hands each event once per process, resumes a restarted follower from the acknowledged cursor', async () => {
    const { follower, store, clock } = lonely();
    await follower.notify('a.example', req('t1', event(1), event(2), event(3)));
    const first = await follower.next('c', ROOM, 2);
    expect(first.events.map((e) => e.seq)).toEqual([1, 2]);
    await follower.ack('c', ROOM, 1);
    expect((await follower.next('c', ROOM)).events.map((e) => e.seq)).toEqual([3]); // 2 was handed already
    expect((await follower.next('c', ROOM)).events).toEqual([]);
    // restart: everything after the acknowledged 1 comes again
    const again = new Follower({ domain: 'b.example', store, clock, hubs: { history: async () => ({ events: [], complete: true, firstAvailable: 1 }) } });
    expect((await again.next('c', ROOM)).events.map((e) => e.seq)).toEqual([2, 3]);
    expect(await code(again.ack('c', ROOM, 4))).toBe('delivery/bad-request');
    await again.ack('c', ROOM, 3);
    await again.ack('c', ROOM, 2); // lower: ignored
    const third = new Follower({ domain: 'b.example', store, clock, hubs: { history: async () => ({ events: [], complete: true, firstAvailable: 1 }) } });
    expect((await third.next('c', ROOM)).events).toEqual([]);
  });

  it('rejected notifies change nothing: malformed, wrong hub, conflicting event', async () => {
    const { follower, store } = lonely();
    await follower.notify('a.example', req('t1', event(1)));
    const snapshot = async () => store.transaction(async (tx) => ({ txns: await tx.keys(Namespace.txn), events: await tx.events(ROOM, 0, 10) }));
    const before = await snapshot();
    expect(await code(follower.notify('a.example', req('t2', event(2), event(2))))).toBe('delivery/bad-request');
    expect(await code(follower.notify('a.example', req('t2', { ...event(2), seq: 0 })))).toBe('delivery/bad-request');
    expect(await code(follower.notify('a.example', { ...req('t2', event(2)), events: [] }))).toBe('delivery/bad-request');
    expect(await code(follower.notify('a.example', { ...req('t2', event(2)), hub: 'x.example' }))).toBe('delivery/bad-request');
    expect(await code(follower.notify('x.example', { ...req('t2', event(2)), hub: 'x.example' }))).toBe('delivery/wrong-hub');
    expect(await code(follower.notify('a.example', req('t2', event(2), event(1, 'forged'))))).toBe('delivery/bad-request'); // not ascending
    expect(await code(follower.notify('a.example', req('t2', event(0 + 1, 'forged'))))).toBe('delivery/conflict');
    expect(await code(follower.notify('a.example', req('t2', { ...event(2), kind: 'other' as 'message' })))).toBe('delivery/bad-request');
    expect(await snapshot()).toEqual(before);
    expect(await code(follower.next('c', 'mimi://a.example/r/none'))).toBe('delivery/no-such-room');
  });

  it('a client of a follower that joined later sees that history is incomplete (history sharing forbidden)', async () => {
    const clock = new FakeClock();
    const net = new FaultyNetwork(clock);
    const hub = newHub(new MemoryStore(), clock, net);
    const d = newFollower('d.example', new MemoryStore(), clock, net);
    for (const dom of ['a.example', 'b.example', 'c.example']) newFollower(dom, new MemoryStore(), clock, net);
    await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    for (let i = 0; i < 3; i++) await hub.submitMessage(ROOM, { message: fakeMessage(0, `m${i}`), sendingUri: BOB });
    await hub.update(ROOM, { commit: fakeCommit(0, ALICE, [{ type: 'invite', user: DAVE, role: 2 }]) }); // seq 4
    await hub.submitMessage(ROOM, { message: fakeMessage(1, 'hello dave'), sendingUri: BOB }); // seq 5
    const dave = new TestClient('dave-laptop', 'd.example');
    for (let i = 0; i < 20; i++) await step(net, hub, net.followers.values(), 100);
    await dave.pull(d, ROOM);
    expect(dave.got).toEqual([4, 5]);
    expect({ complete: dave.complete, firstSeq: dave.firstSeq }).toEqual({ complete: false, firstSeq: 4 });
  });
});

/** A store that counts the events written through `insertEvent` (a follower's copy of a hub's log). */
function countingInserts(store: MemoryStore): { store: DeliveryStore; inserts: () => number } {
  let inserts = 0;
  const counting = Object.create(store) as DeliveryStore;
  counting.transaction = (fn) =>
    store.transaction((tx) =>
      fn(new Proxy(tx, { get: (t, k) => (k === 'insertEvent' ? (inserts++, t.insertEvent.bind(t)) : Reflect.get(t, k)) })),
    );
  return { store: counting, inserts: () => inserts };
}

describe('follower sharing its store with its own hub (DL17)', () => {
  async function run(shared: boolean) {
    const clock = new FakeClock();
    const hubStore = new MemoryStore();
    const own = countingInserts(shared ? hubStore : new MemoryStore());
    let follower: Follower | undefined;
    const hub = new Hub({ domain: 'a.example', store: hubStore, clock, checker: testChecker(), transport: { notify: async (to, r) => (to === 'a.example' ? follower!.notify(r.hub, r) : undefined) } });
    follower = new Follower({ domain: 'a.example', store: own.store, clock, sharesStoreWithHub: true, hubs: { history: async (_h, r) => hub.history(r) } });
    await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    for (const body of ['one', 'two', 'three']) await hub.submitMessage(ROOM, { message: fakeMessage(0, body), sendingUri: BOB });
    await hub.tick();
    await settle();
    await hub.submitMessage(ROOM, { message: fakeMessage(0, 'four'), sendingUri: BOB });
    await hub.tick();
    await settle();
    const alice = new TestClient('alice-laptop', 'a.example');
    await alice.pull(follower, ROOM);
    return { alice, inserts: own.inserts() };
  }

  it("delivers its hub's events in order from the hub's own log, copying none of them", async () => {
    const { alice, inserts } = await run(true);
    expect(alice.got).toEqual([1, 2, 3, 4]);
    expect(alice.bodies).toEqual(['one', 'two', 'three', 'four']);
    expect(inserts).toBe(0);
  });

  it("told so wrongly (its store is not the hub's), it copies the events as any follower does", async () => {
    const { alice, inserts } = await run(false);
    expect(alice.got).toEqual([1, 2, 3, 4]);
    expect(inserts).toBe(4);
  });
});

describe('hub retries (fake clock)', () => {
  it('retries an unacknowledged transaction with exponential backoff: 50, 100, 200, 400, 400 ms', async () => {
    const clock = new FakeClock();
    const net = new FaultyNetwork(clock);
    const hub = newHub(new MemoryStore(), clock, net, 1, 10);
    for (const dom of ['a.example', 'b.example', 'c.example']) newFollower(dom, new MemoryStore(), clock, net);
    await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    await hub.submitMessage(ROOM, { message: fakeMessage(0, 'x'), sendingUri: BOB });
    net.faults = { drop: 1, dropAck: 0, duplicate: 0, maxDelayMs: 0 };
    const t0 = clock.t;
    for (let ms = 0; ms <= 1200; ms += 10) {
      await hub.tick();
      await net.advance(10);
    }
    const times = net.log.filter((l) => l.to === 'b.example').map((l) => l.at - t0);
    // retry policy of newHub: initial 50 ms doubling, at most 400 ms; a drop is noticed at once (rejected promise)
    // and the retry goes out at the first tick at or after its due time (ticks every 10 ms).
    expect(times).toEqual([0, 50, 150, 350, 750, 1150]);
    net.faults = { drop: 0, dropAck: 0, duplicate: 0, maxDelayMs: 0 };
    for (let i = 0; i < 50 && (await hub.backlog()) > 0; i++) {
      await hub.tick();
      await net.advance(100);
    }
    expect(await hub.backlog()).toBe(0);
  });
});
