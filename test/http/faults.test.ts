// Faults between the hub (a.example) and the follower (b.example) over real HTTPS: a fault-injecting fetch
// on the notify and history requests (drop, lost answer, duplicate, delay/reorder), the follower restarted
// mid-stream, the hub restarted on its SQLite store. Whatever happens, every client ends with the hub's log:
// same order, no gap, no duplicate, nothing lost. A few named scenarios and a small fast-check property
// (few runs: real HTTPS on shared cores).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeliveryStore } from '../../src/delivery/index.js';
import { openSqliteStore } from '../../src/delivery/store/sqlite.js';
import { decodeSequencedNotify, type FetchLike } from '../../src/http/index.js';
import { parseMlsMessage } from '../../src/protocol/index.js';
import { ALICE, BOB, Loopback, ROOM, appMessage, drain, openRoom, startProvider, stopProvider, until, type Provider } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'mimi-http-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

interface Faults {
  drop: number;
  lostAnswer: number;
  duplicate: number;
  maxDelayMs: number;
}
const NONE: Faults = { drop: 0, lostAnswer: 0, duplicate: 0, maxDelayMs: 0 };

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fetch wrapper that injects faults into notify and history requests (submits pass untouched). */
class FaultyFetch {
  faults: Faults = NONE;
  /** Drops every notify whose first event has this sequence number, until this time (a long-lost transaction). */
  hold: { seq: number; until: number } | undefined;
  readonly seen = { notify: 0, history: 0, dropped: 0, lost: 0, duplicated: 0 };
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = rng(seed);
  }
  wrap = (inner: FetchLike): FetchLike => async (url, init) => {
    if (!/\/(notify|history)\//.test(url)) return inner(url, init);
    const f = this.faults;
    if (url.includes('/notify/')) this.seen.notify++;
    else this.seen.history++;
    const delay = Math.floor(this.random() * (f.maxDelayMs + 1));
    const drop = this.random() < f.drop;
    const lost = this.random() < f.lostAnswer;
    const dup = this.random() < f.duplicate;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (this.hold && url.includes('/notify/') && init.body && Date.now() < this.hold.until && decodeSequencedNotify(init.body).events[0]?.seq === this.hold.seq) {
      this.seen.dropped++;
      throw new TypeError('fault: transaction held back');
    }
    if (drop) {
      this.seen.dropped++;
      throw new TypeError('fault: request dropped');
    }
    if (dup) {
      this.seen.duplicated++;
      void inner(url, init).then((r) => r.arrayBuffer(), () => undefined);
    }
    const res = await inner(url, init);
    if (lost) {
      this.seen.lost++;
      await res.arrayBuffer().catch(() => undefined);
      throw new TypeError('fault: answer lost');
    }
    return res;
  };
}

interface Schedule {
  /** Hold back the notify starting at this sequence number for this many ms (a gap the follower fetches). */
  holdSeq?: { seq: number; ms: number };
  seed: number;
  messages: number;
  faults: Faults;
  followerRestartAt?: number | undefined;
  hubRestartAt?: number | undefined;
}

async function scenario(s: Schedule): Promise<{ a: string[]; b: string[]; faults: FaultyFetch['seen'] }> {
  const dir = join(root, `run${runs++}`);
  const net = new Loopback();
  const faulty = new FaultyFetch(s.seed);
  const open = (name: string) => openSqliteStore({ directory: join(dir, name) });
  const startA = () => startProvider({ domain: 'a.example', net, hub: true, store: open('a'), wrapFetch: faulty.wrap });
  const startB = (store: DeliveryStore = open('b')) => startProvider({ domain: 'b.example', net, store, wrapFetch: faulty.wrap, gapTimeoutMs: 100 });
  let a: Provider = await startA();
  let b: Provider = await startB();
  const gotA: string[] = [];
  const gotB: string[] = [];
  const pull = async () => {
    gotA.push(...(await drain(a, 'alice-laptop')));
    gotB.push(...(await drain(b, 'bob-phone')));
  };
  try {
    await openRoom(a);
    faulty.faults = s.faults;
    if (s.holdSeq) faulty.hold = { seq: s.holdSeq.seq, until: Date.now() + s.holdSeq.ms };
    const random = rng(s.seed ^ 0x5eed);
    for (let i = 0; i < s.messages; i++) {
      const [client, sender] = random() < 0.5 ? [a.client, ALICE] : [b.client, BOB];
      const r = await client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, `m${i}`)), sendingUri: sender });
      expect(r.statusCode).toBe('accepted');
      // let some fanout and some client reads happen between submits
      await a.hub!.tick();
      await b.follower.tick();
      if (random() < 0.3) await pull();
      if (i === s.followerRestartAt) {
        const store = b.store;
        await stopProvider(b);
        b = await startB(store); // the process restarts; SQLite keeps the data (same open handle's file)
      }
      if (i === s.hubRestartAt) {
        await stopProvider(a);
        await a.store.close();
        a = await startA();
      }
    }
    // heal, then everything must arrive
    faulty.faults = NONE;
    await until([a, b], async () => {
      await pull();
      return gotA.length >= s.messages && gotB.length >= s.messages && (await a.hub!.backlog()) === 0;
    }, 20_000);
    await pull();
    return { a: gotA, b: gotB, faults: faulty.seen };
  } finally {
    await stopProvider(a);
    await stopProvider(b);
    await a.store.close();
    await b.store.close();
  }
}

/** What every client must end with: the hub's log, 1…n, in order, each once. */
function expectComplete(got: string[], n: number): void {
  expect(got).toHaveLength(n);
  expect(got.map((g) => Number(g.split(':')[0]))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(new Set(got.map((g) => g.split(':')[1])).size).toBe(n);
}

describe('faults between hub and follower over HTTPS', () => {
  it('drops: every lost notify is retried until acknowledged', async () => {
    const r = await scenario({ seed: 1, messages: 12, faults: { ...NONE, drop: 0.5 } });
    expect(r.faults.dropped).toBeGreaterThan(0);
    expectComplete(r.a, 12);
    expect(r.b).toEqual(r.a);
  }, 30_000);

  it('lost answers and duplicates: the follower deduplicates, nothing is handed twice', async () => {
    const r = await scenario({ seed: 2, messages: 12, faults: { ...NONE, lostAnswer: 0.4, duplicate: 0.4 } });
    expect(r.faults.lost + r.faults.duplicated).toBeGreaterThan(0);
    expectComplete(r.b, 12);
    expect(r.b).toEqual(r.a);
  }, 30_000);

  it('delays reorder notifies: held out-of-order events are released in order', async () => {
    const r = await scenario({ seed: 3, messages: 15, faults: { ...NONE, maxDelayMs: 60 } });
    expectComplete(r.b, 15);
    expect(r.b).toEqual(r.a);
  }, 30_000);

  it('a transaction lost for longer than the gap timeout: the follower fetches the gap from the hub over HTTPS', async () => {
    const r = await scenario({ seed: 5, messages: 12, faults: NONE, holdSeq: { seq: 1, ms: 800 } });
    expect(r.faults.history).toBeGreaterThan(0);
    expectComplete(r.b, 12);
    expect(r.b).toEqual(r.a);
  }, 30_000);

  it('a follower restarted mid-stream and a hub restarted on its SQLite store lose and repeat nothing', async () => {
    const r = await scenario({ seed: 4, messages: 14, faults: { ...NONE, drop: 0.2, lostAnswer: 0.2 }, followerRestartAt: 4, hubRestartAt: 9 });
    expectComplete(r.b, 14);
    expect(r.b).toEqual(r.a);
  }, 30_000);

  it('property: over fault schedules, every client ends with the same ordered history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          messages: fc.integer({ min: 3, max: 10 }),
          faults: fc.record({
            drop: fc.double({ min: 0, max: 0.4, noNaN: true }),
            lostAnswer: fc.double({ min: 0, max: 0.4, noNaN: true }),
            duplicate: fc.double({ min: 0, max: 0.4, noNaN: true }),
            maxDelayMs: fc.integer({ min: 0, max: 40 }),
          }),
          followerRestartAt: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
          hubRestartAt: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
        }),
        async (s) => {
          const r = await scenario(s);
          expectComplete(r.a, s.messages);
          expect(r.b).toEqual(r.a);
        },
      ),
      { numRuns: 8, seed: 20261202 },
    );
  }, 120_000);
});
