// The store conformance suite on a real PostgreSQL (test/delivery/pg-server.ts: MIMI_PG_URL, or a throw-away
// cluster), plus what only a server has: migrations applied once under concurrent starts, a newer schema
// refused, and concurrent appenders from separate connections (separate "processes") getting unique, gapless numbers.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryStore } from '../../src/delivery/index.js';
import { MIGRATIONS } from '../../src/delivery/store/postgresMigrations.js';
import { openPostgresStore, PostgresStore } from '../../src/delivery/store/postgres.js';
import { MimiError } from '../../src/errors.js';
import { openStore } from '../../src/provider/store.js';
import { postgresAvailable, startPostgres, type PgServer } from './pg-server.js';
import { storeConformance } from './store-conformance.js';

const available = postgresAvailable('the PostgreSQL store tests');
let server: PgServer;
const schemas = new Map<DeliveryStore, string>();

describe.skipIf(!available)('postgres store', () => {
  beforeAll(async () => {
    server = await startPostgres({ fsync: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  storeConformance('postgres', {
    open: async () => {
      const schema = await server.freshSchema();
      const s = await openPostgresStore({ connectionString: server.url, schema });
      schemas.set(s, schema);
      return s;
    },
    reopen: async (s) => {
      const schema = schemas.get(s)!;
      await s.close();
      const again = await openPostgresStore({ connectionString: server.url, schema });
      schemas.set(again, schema);
      return again;
    },
  });

  describe('migrations', () => {
    it('five stores starting at once on a fresh schema apply each migration exactly once', async () => {
      const schema = await server.freshSchema();
      const stores = await Promise.all(Array.from({ length: 5 }, () => openPostgresStore({ connectionString: server.url, schema })));
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      const rows = (await c.query(`SELECT version FROM ${schema}.mimi_migrations ORDER BY version`)).rows.map((r) => r.version);
      expect(rows).toEqual(MIGRATIONS.map((m) => m.version));
      // a later start applies nothing
      expect(await new PostgresStore({ connectionString: server.url, schema }).migrate()).toEqual([]);
      // a database from a newer mimi-kit is refused, not written to
      await c.query(`INSERT INTO ${schema}.mimi_migrations (version, name) VALUES (999, 'from the future')`);
      const e = await openPostgresStore({ connectionString: server.url, schema }).catch((x: unknown) => x);
      expect((e as MimiError).code).toBe('delivery/corrupt-store');
      await c.end();
      await Promise.all(stores.map((s) => s.close()));
    });

    it('no server is delivery/store-unavailable, a bad schema name delivery/bad-request', async () => {
      const e = await openPostgresStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(MimiError);
      expect((e as MimiError).code).toBe('delivery/store-unavailable');
      expect(() => new PostgresStore({ connectionString: server.url, schema: 'x; DROP TABLE kv' })).toThrow(MimiError);
      // DL16: concurrent write transactions are 1 to 64.
      for (const concurrency of [0, 65, 1.5]) expect(() => new PostgresStore({ connectionString: server.url, concurrency })).toThrow(expect.objectContaining({ code: 'delivery/bad-request' }));
    });
  });

  it('mimi serve --store postgres://… opens this store (openStore), migrated, on a database of its own', async () => {
    const db = `d${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    const url = server.url.replace(/\/postgres$/, `/${db}`);
    const s = await openStore(url);
    expect(s).toBeInstanceOf(PostgresStore);
    expect((await s.transaction((tx) => tx.appendEvent('r', { hubTime: 1, kind: 'message', sender: 'mimi://a.example/u/a', message: new Uint8Array([1]) }))).seq).toBe(1);
    await s.close();
    const again = await openStore(`postgresql${url.slice('postgres'.length)}`);
    expect(await again.transaction((tx) => tx.lastSeq('r'))).toBe(1);
    await again.close();
    await admin.query(`DROP DATABASE ${db}`);
    await admin.end();
  });

  it('four stores (separate connections, as separate processes) appending to one room get 1…400, each once', async () => {
    const schema = await server.freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: server.url, schema })));
    const seqs = (
      await Promise.all(
        stores.map((s, k) =>
          Promise.all(
            Array.from({ length: 100 }, (_, i) =>
              s.transaction(async (tx) => {
                const events = await tx.appendEvents('r', [{ hubTime: i, kind: 'message', sender: `mimi://a.example/u/${k}`, message: new Uint8Array([k, i]) }]);
                return events[0]!.seq;
              }),
            ),
          ),
        ),
      )
    ).flat();
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const all = await stores[0]!.transaction((tx) => tx.events('r', 0, 1000));
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    await Promise.all(stores.map((s) => s.close()));
  });
});
