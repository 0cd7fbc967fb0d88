// The database drivers are optional peers: without better-sqlite3 or pg installed, importing the store modules
// works and opening a store is `delivery/driver-missing` naming the package, not a module-not-found crash.
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('a missing database driver', () => {
  afterEach(() => {
    vi.doUnmock('node:module');
    vi.resetModules();
  });

  it('is delivery/driver-missing for SQLite and PostgreSQL', async () => {
    vi.resetModules();
    vi.doMock('node:module', async (importOriginal) => ({
      ...(await importOriginal<typeof import('node:module')>()),
      createRequire: () => (id: string) => {
        throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      },
    }));
    const { openSqliteStore } = await import('../../src/delivery/store/sqlite.js');
    const { openPostgresStore } = await import('../../src/delivery/store/postgres.js');
    expect(() => openSqliteStore({ file: ':memory:' })).toThrow(expect.objectContaining({ code: 'delivery/driver-missing', message: expect.stringContaining('better-sqlite3') }));
    await expect(openPostgresStore({ connectionString: 'postgres://x@127.0.0.1:1/x' })).rejects.toMatchObject({ code: 'delivery/driver-missing', message: expect.stringContaining('pg') });
  });
});
