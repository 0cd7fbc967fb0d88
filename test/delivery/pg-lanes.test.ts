// DL16 on a real PostgreSQL (test/delivery/pg-server.ts): the hub's write lanes run batches of disjoint rooms
// side by side, and an append deferred to the COMMIT keeps a transaction all-or-nothing. Expected numbering is
// the draft's hub contract (1, 2, 3 … per room, each once, in each sender's order), counted here by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub, Namespace, roomSnapshot, type DeliveryStore, type StoreTransaction } from '../../src/delivery/index.js';
import { openPostgresStore, type PostgresStore } from '../../src/delivery/store/postgres.js';
import { postgresAvailable, startPostgres, type PgServer } from './pg-server.js';
import { BOB, fakeMessage, testChecker, threeMemberRoom } from './support.js';

const available = postgresAvailable('the PostgreSQL write-lane tests');
let server: PgServer;
const enc = new TextEncoder();
const ROOMS = Array.from({ length: 8 }, (_, i) => `mimi://a.example/r/lane${i}`);

/** The store, with the number of its transactions running at the same moment observed. */
function observed(store: PostgresStore): { store: DeliveryStore; peak: () => number } {
  let running = 0;
  let peak = 0;
  const watch = async <T>(run: () => Promise<T>): Promise<T> => {
    running++;
    peak = Math.max(peak, running);
    try {
      return await run();
    } finally {
      running--;
    }
  };
  return {
    peak: () => peak,
    store: {
      transaction: (fn) => watch(() => store.transaction(fn)),
      concurrentTransaction: (fn) => watch(() => store.concurrentTransaction(fn)),
      concurrency: store.concurrency,
      close: () => store.close(),
    },
  };
}

describe.skipIf(!available)('PostgreSQL write lanes and the deferred append (DL16)', () => {
  beforeAll(async () => {
    server = await startPostgres({ fsync: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('three lanes write at once; every room still numbers 1…n, each once, in each sender order', async () => {
    const pg = await openPostgresStore({ connectionString: server.url, schema: await server.freshSchema(), concurrency: 3 });
    const { store, peak } = observed(pg);
    const hub = new Hub({ domain: 'a.example', store, clock: Date, checker: testChecker(), transport: { notify: async () => undefined } });
    for (const r of ROOMS) await hub.createRoom(r, roomSnapshot(threeMemberRoom(), 0));
    // 32 senders, each sending 25 messages to one room (4 senders per room): 100 per room.
    const sent = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: 32 }, async (_, k) => {
        const room = ROOMS[k % ROOMS.length]!;
        for (let i = 0; i < 25; i++) {
          const body = `s${k}-${i}`;
          const r = await hub.submitMessage(room, { message: fakeMessage(0, body), sendingUri: BOB });
          expect(r.code).toBe('accepted');
          sent.set(room, [...(sent.get(room) ?? []), body]);
        }
      }),
    );
    expect(peak()).toBeGreaterThan(1);
    await store.transaction(async (tx) => {
      for (const room of ROOMS) {
        const log = await tx.events(room, 0, 1000);
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        const bodies = log.map((e) => new TextDecoder().decode(e.message).match(/s\d+-\d+/)![0]);
        expect(new Set(bodies).size).toBe(100);
        // Each sender's own messages keep its order.
        for (let k = 0; k < 32; k++) {
          const mine = bodies.filter((b) => b.startsWith(`s${k}-`));
          expect(mine).toEqual([...mine].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1])));
        }
        expect(await tx.lastSeq(room)).toBe(100);
      }
    });
    await hub.stop();
    await store.close();
  });

  it('a statement after a deferred append sends it first: the transaction sees its writes, other writers wait', async () => {
    const schema = await server.freshSchema();
    const a = await openPostgresStore({ connectionString: server.url, schema });
    const b = await openPostgresStore({ connectionString: server.url, schema });
    const room = ROOMS[0]!;
    await a.transaction((tx) => tx.put(Namespace.room, room, enc.encode('record')));
    const event = { hubTime: 1, kind: 'message' as const, sender: BOB, message: enc.encode('mine') };
    let inside: (() => void) | undefined;
    const entered = new Promise<void>((r) => (inside = r));
    let release: (() => void) | undefined;
    const go = new Promise<void>((r) => (release = r));
    const first = a.transaction(async (tx: StoreTransaction) => {
      await tx.lockRooms([room]);
      expect((await tx.appendMany(new Map([[room, [event]]]))).get(room)).toBe(1);
      // A read after the append: it must see seq 1, so the append went out before it.
      expect((await tx.events(room, 0, 10)).map((e) => e.seq)).toEqual([1]);
      inside!();
      await go;
    });
    await entered;
    // B allocates through the rooms row A has updated: it waits for A's COMMIT, then takes seq 2.
    const second = b.transaction((tx) => tx.appendEvent(room, { ...event, message: enc.encode('theirs') }));
    release!();
    await Promise.all([first, second]);
    const log = await a.transaction((tx) => tx.events(room, 0, 10));
    expect(log.map((e) => [e.seq, new TextDecoder().decode(e.message)])).toEqual([
      [1, 'mine'],
      [2, 'theirs'],
    ]);
    await a.close();
    await b.close();
  });

  it('with nothing after it, the deferred append goes with the COMMIT and a collision there stores nothing', async () => {
    const schema = await server.freshSchema();
    const a = await openPostgresStore({ connectionString: server.url, schema });
    const b = await openPostgresStore({ connectionString: server.url, schema });
    const room = ROOMS[1]!;
    await a.transaction((tx) => tx.put(Namespace.room, room, enc.encode('record')));
    const event = { hubTime: 1, kind: 'message' as const, sender: BOB, message: enc.encode('mine') };
    let release: (() => void) | undefined;
    const go = new Promise<void>((r) => (release = r));
    let inside: (() => void) | undefined;
    const entered = new Promise<void>((r) => (inside = r));
    const first = a.transaction(async (tx) => {
      await tx.put(Namespace.fanout, 'before', enc.encode('x'));
      await tx.lockRooms([room]);
      await tx.appendMany(new Map([[room, [event]]]));
      inside!();
      await go; // B's seq 1 commits meanwhile
    });
    await entered;
    await b.transaction((tx) => tx.appendEvent(room, { ...event, message: enc.encode('theirs') }));
    release!();
    await expect(first).rejects.toBeInstanceOf(Error);
    const log = await a.transaction((tx) => tx.events(room, 0, 10));
    expect(log.map((e) => new TextDecoder().decode(e.message))).toEqual(['theirs']);
    expect(await a.transaction((tx) => tx.get(Namespace.fanout, 'before'))).toBeUndefined();
    await a.close();
    await b.close();
  });
});
