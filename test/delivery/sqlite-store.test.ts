import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, SQLITE_FILE_NAME, type SqliteStore } from '../../src/delivery/store/sqlite.js';
import type { DeliveryStore } from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';
import { storeConformance } from './store-conformance.js';

const root = mkdtempSync(join(tmpdir(), 'mimi-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dirs = new Map<DeliveryStore, string>();

storeConformance('sqlite', {
  open: async () => {
    const directory = join(root, `s${n++}`);
    const s: SqliteStore = openSqliteStore({ directory });
    dirs.set(s, directory);
    return s;
  },
  reopen: async (s) => {
    const directory = dirs.get(s)!;
    await s.close();
    const again = openSqliteStore({ directory });
    dirs.set(again, directory);
    return again;
  },
});

describe('sqlite store files', () => {
  it('a file that is not a store of ours is delivery/corrupt-store, not a crash', () => {
    const directory = join(root, 'garbage');
    openSqliteStore({ directory }).close();
    writeFileSync(join(directory, SQLITE_FILE_NAME), 'this is not a database, just text that is long enough '.repeat(100));
    for (const f of ['-wal', '-shm']) rmSync(join(directory, SQLITE_FILE_NAME + f), { force: true });
    let err: unknown;
    try {
      openSqliteStore({ directory });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MimiError);
    expect((err as MimiError).code).toBe('delivery/corrupt-store');
  });
});

describe('durability (DL14)', () => {
  // SQLite's PRAGMA synchronous values: 1 = NORMAL, 2 = FULL (sqlite.org/pragma.html#pragma_synchronous).
  const level = (s: SqliteStore): unknown => (s as unknown as { db: { pragma(q: string, o: { simple: true }): unknown } }).db.pragma('synchronous', { simple: true });

  it('is WAL with synchronous NORMAL by default, FULL when asked', async () => {
    const a = openSqliteStore({ directory: join(root, 'dur-default') });
    const b = openSqliteStore({ directory: join(root, 'dur-full'), durability: 'full' });
    expect(level(a)).toBe(1);
    expect(level(b)).toBe(2);
    await a.close();
    await b.close();
  });

  it('a committed transaction is there for another connection before any checkpoint or close (a process crash loses nothing)', async () => {
    const directory = join(root, 'dur-crash');
    const a = openSqliteStore({ directory });
    await a.transaction((tx) => tx.put('room', 'r', new Uint8Array([7])));
    // `a` is never closed (as after a crash); a new connection reads the WAL.
    const b = openSqliteStore({ directory });
    expect(await b.transaction((tx) => tx.get('room', 'r'))).toEqual(new Uint8Array([7]));
    await b.close();
    await a.close();
  });
});

// DL17: the store answers reads of a room's newest events from what this connection wrote or read last. These
// tests change the log in every other way and check each read against what the database holds, read through a
// second connection that has never cached anything.
describe('sqlite store: the newest events are read from the connection cache only while they are true (DL17)', () => {
  const ROOM_ID = 'mimi://a.example/r/cache';
  const message = (n: number): Uint8Array => new TextEncoder().encode(`message ${n}`);
  const event = (n: number) => ({ hubTime: 1000 + n, kind: 'message' as const, sender: 'mimi://b.example/u/bob', message: message(n) });
  const seqs = (events: readonly { seq: number }[]): number[] => events.map((e) => e.seq);
  const bodies = (events: readonly { message: Uint8Array }[]): string[] => events.map((e) => new TextDecoder().decode(e.message));
  async function pair(name: string) {
    const directory = join(root, name);
    const a = openSqliteStore({ directory });
    const b = openSqliteStore({ directory });
    return { a, b, close: async () => (await a.close(), await b.close()) };
  }

  it('appends by another connection are seen at once, then appended to', async () => {
    const { a, b, close } = await pair('cache-two');
    await a.transaction((tx) => tx.appendMany(new Map([[ROOM_ID, [event(1), event(2)]]])));
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1, 2]);
    await b.transaction((tx) => tx.appendMany(new Map([[ROOM_ID, [event(3)]]])));
    expect(bodies(await a.transaction((tx) => tx.events(ROOM_ID, 1, 10)))).toEqual(['message 2', 'message 3']);
    await a.transaction((tx) => tx.appendEvents(ROOM_ID, [event(4), event(5)]));
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 3, 1)))).toEqual([4]);
    expect(seqs(await b.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1, 2, 3, 4, 5]);
    await close();
  });

  it('a rolled-back append is never read; a read inside the writing transaction sees its own events', async () => {
    const { a, b, close } = await pair('cache-rollback');
    await a.transaction((tx) => tx.appendEvent(ROOM_ID, event(1)));
    await expect(
      a.transaction(async (tx) => {
        await tx.appendEvent(ROOM_ID, event(2));
        expect(seqs(await tx.events(ROOM_ID, 0, 10))).toEqual([1, 2]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1]);
    expect(seqs(await b.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1]);
    await close();
  });

  it('pruned and tombstoned events are read as the database holds them', async () => {
    const { a, b, close } = await pair('cache-prune');
    await a.transaction((tx) => tx.appendEvents(ROOM_ID, [event(1), event(2), { ...event(3), sender: 'mimi://c.example/u/carol' }, event(4)]));
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1, 2, 3, 4]);
    await a.transaction((tx) => tx.pruneEvents(ROOM_ID, 1));
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([2, 3, 4]);
    await a.transaction((tx) => tx.tombstoneEvents({ sender: 'mimi://c.example/u/carol' }));
    const after = await a.transaction((tx) => tx.events(ROOM_ID, 0, 10));
    expect(after.map((e) => e.kind)).toEqual(['message', 'erased', 'message']);
    expect(after[1]!.message.length).toBe(0);
    expect(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10))).toEqual(await b.transaction((tx) => tx.events(ROOM_ID, 0, 10)));
    await close();
  });

  it("a follower's copy with a hole is never read as complete; filled, it is", async () => {
    const { a, b, close } = await pair('cache-follower');
    const held = (n: number) => ({ ...event(n), seq: n });
    await a.transaction(async (tx) => (await tx.insertEvent(ROOM_ID, held(1)), await tx.insertEvent(ROOM_ID, held(2))));
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1, 2]);
    await a.transaction((tx) => tx.insertEvent(ROOM_ID, held(3)));
    await a.transaction((tx) => tx.insertEvent(ROOM_ID, held(5))); // 4 missing
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1, 2, 3, 5]);
    await a.transaction((tx) => tx.insertEvent(ROOM_ID, held(4)));
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 2, 10)))).toEqual([3, 4, 5]);
    await a.transaction((tx) => tx.insertEvent(ROOM_ID, held(6)));
    expect(seqs(await a.transaction((tx) => tx.events(ROOM_ID, 4, 10)))).toEqual([5, 6]);
    expect(seqs(await b.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual([1, 2, 3, 4, 5, 6]);
    await close();
  });

  it('what a reader changes in the bytes it was handed is not what the next reader gets', async () => {
    const { a, close } = await pair('cache-copies');
    await a.transaction((tx) => tx.appendEvent(ROOM_ID, event(1)));
    const first = await a.transaction((tx) => tx.events(ROOM_ID, 0, 10));
    first[0]!.message.fill(0);
    expect(bodies(await a.transaction((tx) => tx.events(ROOM_ID, 0, 10)))).toEqual(['message 1']);
    await close();
  });
});
