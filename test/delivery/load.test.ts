// A bounded load run on loopback (issue 13): 1,000 rooms, 10,000 simulated clients across two follower
// providers (5 clients per provider per room), messages submitted from both providers' users interleaved
// over all rooms while fanout runs, the network delaying and reordering deliveries. Every message is counted
// at every client: none lost, none duplicated, order kept per room. Sizes are small enough for CI on 2 cores.
import { describe, expect, it } from 'vitest';
import { createRoom, applyRoomOperation } from '../../src/room/index.js';
import { Follower, Hub, MemoryStore, roomSnapshot, type NotifyRequest } from '../../src/delivery/index.js';
import { BOB, CAROL, bodyOf, fakeMessage, rng, testChecker } from './support.js';

const ROOMS = 1000;
const CLIENTS_PER_PROVIDER_PER_ROOM = 5;
const MESSAGES_PER_ROOM = 4;

describe('load: 1,000 rooms, 10,000 clients, two follower providers', () => {
  it('every client gets every message of its room once, in order', async () => {
    const random = rng(13);
    const followers = new Map<string, Follower>();
    const later = () => new Promise<void>((r) => (random() < 0.5 ? queueMicrotask(r) : setImmediate(r)));
    const hub = new Hub({
      domain: 'a.example',
      store: new MemoryStore(),
      clock: Date,
      checker: testChecker(),
      // deliveries are delayed by a random number of turns, so they arrive out of order
      transport: {
        notify: async (to: string, req: NotifyRequest) => {
          await later();
          await followers.get(to)!.notify(req.hub, req);
        },
      },
      window: 2,
      batchSize: 2,
    });
    for (const d of ['b.example', 'c.example']) {
      followers.set(d, new Follower({ domain: d, store: new MemoryStore(), clock: Date, hubs: { history: async (_h, r) => hub.history(r) } }));
    }
    let state = createRoom({ preset: 'cooperative', creator: BOB, roomUri: 'mimi://a.example/r/load' });
    state = applyRoomOperation(state, BOB, { type: 'invite', user: CAROL, role: 2 }).state;
    const rooms = Array.from({ length: ROOMS }, (_, i) => `mimi://a.example/r/load${i}`);
    for (const r of rooms) await hub.createRoom(r, roomSnapshot(state, 0));

    // submits: every room gets MESSAGES_PER_ROOM, from bob and carol, in a shuffled order over all rooms
    const order = rooms.flatMap((r) => Array.from({ length: MESSAGES_PER_ROOM }, (_, i) => ({ r, i })));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const expected = new Map<string, string[]>(rooms.map((r) => [r, []]));
    let ticking = false;
    const tick = async () => {
      if (ticking) return;
      ticking = true;
      await hub.tick().finally(() => (ticking = false));
    };
    for (let k = 0; k < order.length; k += 250) {
      const wave = order.slice(k, k + 250);
      const answers = await Promise.all(
        wave.map(({ r, i }) => hub.submitMessage(r, { message: fakeMessage(0, `${r}#${i}`), sendingUri: i % 2 ? CAROL : BOB }).then((a) => ({ r, i, a }))),
      );
      for (const { r, i, a } of answers) {
        if (a.code !== 'accepted') throw new Error(a.code);
        expected.get(r)![a.seq - 1] = `${r}#${i}`;
      }
      await tick(); // fanout runs while the submits go on
    }

    // 10,000 clients: 5 per provider per room; each pulls until it has the whole room
    const clients = [...followers.keys()].flatMap((d) => rooms.flatMap((r) => Array.from({ length: CLIENTS_PER_PROVIDER_PER_ROOM }, (_, c) => ({ d, r, id: `${d}-${r}-${c}`, got: [] as string[], seqs: [] as number[] }))));
    expect(clients).toHaveLength(10_000);
    const deadline = Date.now() + 60_000;
    let pending = clients;
    while (pending.length > 0) {
      if (Date.now() > deadline) throw new Error(`${pending.length} clients still incomplete`);
      await tick();
      await new Promise((r) => setImmediate(r));
      for (const f of followers.values()) await f.tick();
      for (const c of pending) {
        const f = followers.get(c.d)!;
        if (!(await f.rooms()).includes(c.r)) continue;
        const batch = await f.next(c.id, c.r, 100);
        for (const e of batch.events) {
          c.seqs.push(e.seq);
          c.got.push(bodyOf(e.message));
        }
        if (batch.events.length > 0) await f.ack(c.id, c.r, batch.events.at(-1)!.seq);
      }
      pending = pending.filter((c) => c.got.length < MESSAGES_PER_ROOM);
    }
    let counted = 0;
    for (const c of clients) {
      expect(c.seqs).toEqual([1, 2, 3, 4]);
      expect(c.got).toEqual(expected.get(c.r));
      counted += c.got.length;
    }
    expect(counted).toBe(10_000 * MESSAGES_PER_ROOM);
    expect(await hub.backlog()).toBe(0);
    await hub.stop();
  });
});
