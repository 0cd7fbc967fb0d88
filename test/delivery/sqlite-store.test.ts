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
