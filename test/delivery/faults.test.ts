// Faults between hub and followers: drop, lost answers, duplicates, reordering delays, followers and the hub
// restarted mid-stream (on the same store; on SQLite, closed and reopened). Whatever the schedule, every
// client ends with the hub's log in order: no gap, no duplicate, nothing lost. Fake clock throughout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, roomSnapshot, type DeliveryStore, type Follower, type Hub } from '../../src/delivery/index.js';
import { openSqliteStore } from '../../src/delivery/store/sqlite.js';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  FakeClock,
  FaultyNetwork,
  NO_FAULTS,
  ROOM,
  TestClient,
  bodyOf,
  fakeCommit,
  fakeMessage,
  newFollower,
  newHub,
  rng,
  settle,
  step,
  threeMemberRoom,
  type Faults,
} from './support.js';

const root = mkdtempSync(join(tmpdir(), 'mimi-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

interface Schedule {
  seed: number;
  steps: number;
  faults: Faults;
  followerRestarts: number[]; // step indexes
  hubRestarts: number[];
  store: 'memory' | 'sqlite';
}

const DOMAINS = ['a.example', 'b.example', 'c.example', 'd.example'];

async function scenario(s: Schedule): Promise<void> {
  const clock = new FakeClock();
  const net = new FaultyNetwork(clock, s.seed);
  const random = rng(s.seed ^ 0x5eed);
  const dir = join(root, `run${runs++}`);
  const open = (name: string): DeliveryStore => (s.store === 'memory' ? new MemoryStore() : openSqliteStore({ directory: join(dir, name) }));
  const reopen = async (name: string, old: DeliveryStore): Promise<DeliveryStore> => {
    if (s.store === 'memory') return old; // the process restarts, the store survives
    await old.close();
    return openSqliteStore({ directory: join(dir, name) });
  };

  let hubStore = open('hub');
  let hub: Hub = newHub(hubStore, clock, net);
  const stores = new Map(DOMAINS.map((d) => [d, open(d)]));
  for (const d of DOMAINS) newFollower(d, stores.get(d)!, clock, net);
  const clients = DOMAINS.flatMap((d) => [new TestClient(`${d}#1`, d), new TestClient(`${d}#2`, d)]);
  const pullAll = async () => {
    for (const c of clients) await c.pull(net.followers.get(c.domain)!, ROOM);
  };

  await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
  net.faults = s.faults;
  const members = [ALICE, BOB, CAROL];
  let epoch = 0;
  let daveAt: number | undefined;
  for (let i = 0; i < s.steps; i++) {
    const r = random();
    if (r < 0.75) {
      const sender = members[Math.floor(random() * members.length)]!;
      const res = await hub.submitMessage(ROOM, { message: fakeMessage(epoch, `m${i}`), sendingUri: sender });
      expect(res.code).toBe('accepted');
    } else if (r < 0.9 || daveAt !== undefined) {
      expect((await hub.update(ROOM, { commit: fakeCommit(epoch, ALICE) })).code).toBe('success');
      epoch++;
    } else {
      const res = await hub.update(ROOM, { commit: fakeCommit(epoch, ALICE, [{ type: 'invite', user: DAVE, role: 2 }]) });
      if (res.code !== 'success') throw new Error(res.code);
      daveAt = res.seq;
      members.push(DAVE);
      epoch++;
    }
    if (s.hubRestarts.includes(i)) {
      await hub.stop();
      hubStore = await reopen('hub', hubStore);
      hub = newHub(hubStore, clock, net);
    }
    if (s.followerRestarts.includes(i)) {
      const d = DOMAINS[i % DOMAINS.length]!;
      const store = await reopen(d, stores.get(d)!);
      stores.set(d, store);
      newFollower(d, store, clock, net);
    }
    await step(net, hub, net.followers.values(), 1 + Math.floor(random() * 60));
    if (random() < 0.5) await pullAll();
  }

  // Heal the network and let retries and gap fetches finish (bounded).
  net.faults = NO_FAULTS;
  for (let i = 0; i < 500; i++) {
    await step(net, hub, net.followers.values(), 100);
    if ((await hub.backlog()) === 0 && net.pending() === 0 && [...net.followers.values()].every((f: Follower) => f.settled())) break;
  }
  await settle();
  await pullAll();

  const log = await hubStore.transaction((tx) => tx.events(ROOM, 0, 10_000));
  const n = log.length;
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
  const bodies = log.map((e) => bodyOf(e.message));
  for (const c of clients) {
    if (c.domain === 'd.example') {
      if (daveAt === undefined) {
        expect(c.got).toEqual([]);
        continue;
      }
      expect(c.got, c.id).toEqual(Array.from({ length: n - daveAt + 1 }, (_, k) => daveAt! + k));
      expect(c.bodies).toEqual(bodies.slice(daveAt - 1));
      expect(c.complete).toBe(daveAt === 1);
    } else {
      expect(c.got, c.id).toEqual(Array.from({ length: n }, (_, k) => k + 1));
      expect(c.bodies).toEqual(bodies);
      expect(c.complete).toBe(true);
    }
  }
  await hub.stop();
  for (const st of [hubStore, ...stores.values()]) await st.close();
}

const schedule = (store: 'memory' | 'sqlite') =>
  fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    steps: fc.integer({ min: 1, max: 30 }),
    faults: fc.record({
      drop: fc.double({ min: 0, max: 0.5, noNaN: true }),
      dropAck: fc.double({ min: 0, max: 0.3, noNaN: true }),
      duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
      maxDelayMs: fc.integer({ min: 0, max: 500 }),
    }),
    followerRestarts: fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 3 }),
    hubRestarts: fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 2 }),
    store: fc.constant(store),
  });

describe('delivery under faults', () => {
  it('property: any schedule of drops, lost answers, duplicates, delays and restarts ends with every client holding the log in order (memory store)', async () => {
    await fc.assert(fc.asyncProperty(schedule('memory'), scenario), { numRuns: 40, seed: 1207, endOnFailure: true });
  });

  it('property: the same on SQLite, each restart closing and reopening the data directory', async () => {
    await fc.assert(fc.asyncProperty(schedule('sqlite'), scenario), { numRuns: 8, seed: 2024, endOnFailure: true });
  });

  it('named: a lossy, reordering network (40 % drops, 20 % lost answers, 30 % duplicates, up to 400 ms delay)', async () => {
    await scenario({ seed: 7, steps: 30, faults: { drop: 0.4, dropAck: 0.2, duplicate: 0.3, maxDelayMs: 400 }, followerRestarts: [], hubRestarts: [], store: 'memory' });
  });

  it('named: the hub restarted twice mid-stream on its SQLite store, followers restarted too', async () => {
    await scenario({ seed: 11, steps: 30, faults: { drop: 0.2, dropAck: 0.1, duplicate: 0.1, maxDelayMs: 200 }, followerRestarts: [3, 9, 14, 22], hubRestarts: [5, 17], store: 'sqlite' });
  });

  it('named: no faults at all', async () => {
    await scenario({ seed: 3, steps: 20, faults: NO_FAULTS, followerRestarts: [], hubRestarts: [], store: 'memory' });
  });
});
