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
