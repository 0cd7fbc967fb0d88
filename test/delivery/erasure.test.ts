// Erasure of one user's data (DL12), checked against the databases themselves: after bob has left the room and
// is erased at the hub and at every follower, no table of the SQLite or the PostgreSQL schema (every row, every
// column) holds his URI, his client id, his messages or his key package; alice's and carol's data is untouched
// and the log keeps its numbering (tombstones).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Follower, Hub, KeyMaterialStore, MemoryStore, roomSnapshot, type DeliveryStore, type NotifyRequest } from '../../src/delivery/index.js';
import { openPostgresStore } from '../../src/delivery/store/postgres.js';
import { openSqliteStore } from '../../src/delivery/store/sqlite.js';
import { ALICE, BOB, CAROL, FakeClock, ROOM, bodyOf, fakeCommit, fakeMessage, settle, testChecker, threeMemberRoom } from './support.js';
import { postgresAvailable, startPostgres, type PgServer } from './pg-server.js';
import { handKeyPackage } from './keyPackageFixtures.js';

const NEEDLES = [BOB, 'bob-secret', 'bob-phone', 'bob-key-package'];

interface Kind {
  readonly scannable: boolean;
  open(name: string): Promise<DeliveryStore>;
  /** Every cell of every table of the named store, as text or bytes. */
  cells(name: string): Promise<{ table: string; value: unknown }[]>;
  tables(name: string): Promise<string[]>;
}

async function scenario(kind: Kind): Promise<void> {
  const clock = new FakeClock();
  const names = ['hub', 'a', 'b', 'c'];
  const stores = new Map<string, DeliveryStore>();
  for (const n of names) stores.set(n, await kind.open(n));
  const followers = new Map<string, Follower>();
  const hub = new Hub({
    domain: 'a.example',
    store: stores.get('hub')!,
    clock,
    checker: testChecker(),
    transport: { notify: async (to: string, req: NotifyRequest) => followers.get(to)!.notify(req.hub, req) },
  });
  for (const d of ['a', 'b', 'c']) {
    followers.set(`${d}.example`, new Follower({ domain: `${d}.example`, store: stores.get(d)!, clock, hubs: { history: async (_h, r) => hub.history(r) } }));
  }
  await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
  await new KeyMaterialStore(stores.get('b')!).publish(BOB, 'mimi://b.example/d/bob/1', handKeyPackage({ identity: 'bob-key-package-1' }));
  await new KeyMaterialStore(stores.get('c')!).publish(CAROL, 'mimi://c.example/d/carol/1', handKeyPackage({ identity: 'carol-key-package-1' }));
  for (let i = 0; i < 3; i++) await hub.submitMessage(ROOM, { message: fakeMessage(0, `bob-secret-${i}`), sendingUri: BOB });
  await hub.submitMessage(ROOM, { message: fakeMessage(0, 'alice-0'), sendingUri: ALICE });
  expect((await hub.update(ROOM, { commit: fakeCommit(0, BOB, [{ type: 'leave' }]) })).code).toBe('success');
  await hub.submitMessage(ROOM, { message: fakeMessage(1, 'alice-1'), sendingUri: ALICE });
  await hub.tick();
  await settle();
  const fb = followers.get('b.example')!;
  const got = await fb.next('bob-phone', ROOM);
  await fb.ack('bob-phone', ROOM, got.events.at(-1)!.seq);
  expect(got.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]); // b.example is sent up to bob's leave (DL4)

  const atHub = await hub.eraseUser(BOB);
  expect(atHub).toEqual({ events: 4, keyPackages: 0, retainedIn: [] }); // 3 messages and his leave commit
  expect(await fb.eraseUser(BOB, ['bob-phone'])).toEqual({ events: 4, keyPackages: 1, retainedIn: [] });
  expect((await followers.get('a.example')!.eraseUser(BOB)).events).toBe(4);
  expect((await followers.get('c.example')!.eraseUser(BOB)).events).toBe(4);

  // the log keeps its numbers: tombstones where bob's events were
  const log = await stores.get('hub')!.transaction((tx) => tx.events(ROOM, 0, 100));
  expect(log.map((e) => [e.seq, e.kind])).toEqual([
    [1, 'erased'],
    [2, 'erased'],
    [3, 'erased'],
    [4, 'message'],
    [5, 'erased'],
    [6, 'message'],
  ]);
  expect(log.filter((e) => e.kind === 'message').map((e) => bodyOf(e.message))).toEqual(['alice-0', 'alice-1']);
  for (const s of stores.values()) await s.close();
  if (!kind.scannable) return;

  for (const n of names) {
    const tables = await kind.tables(n);
    expect(tables.length).toBeGreaterThan(0);
    const hits = (await kind.cells(n)).filter(({ value }) => NEEDLES.some((needle) => contains(value, needle)));
    expect(hits, `store ${n}`).toEqual([]);
  }
  // others' data is still there
  const cCells = await kind.cells('c');
  expect(cCells.some(({ value }) => contains(value, 'carol-key-package-1'))).toBe(true);
  expect((await kind.cells('hub')).some(({ value }) => contains(value, 'alice-1'))).toBe(true);
}

function contains(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.includes(needle);
  if (value instanceof Uint8Array) return Buffer.from(value).includes(Buffer.from(needle));
  return false;
}

describe('erasure (DL12)', () => {
  it('in memory: the same numbers and tombstones', async () => {
    const stores = new Map<string, MemoryStore>();
    await scenario({
      scannable: false, // no tables: the SQL kinds below are scanned
      open: async (n) => {
        const s = new MemoryStore();
        stores.set(n, s);
        return s;
      },
      tables: async () => ['memory'],
      cells: async () => [],
    });
  });

  const root = mkdtempSync(join(tmpdir(), 'mimi-erasure-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('SQLite: no table holds anything of the erased user', async () => {
    const file = (n: string) => join(root, `${n}.sqlite`);
    const sqliteKind: Kind = {
      scannable: true,
      open: async (n) => openSqliteStore({ file: file(n) }),
      tables: async (n) => {
        const db = new Database(file(n), { readonly: true });
        const t = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name);
        db.close();
        return t;
      },
      cells: async (n) => {
        const db = new Database(file(n), { readonly: true });
        const out: { table: string; value: unknown }[] = [];
        for (const { name } of db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all()) {
          for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) for (const value of Object.values(row)) out.push({ table: name, value });
        }
        db.close();
        return out;
      },
    };
    await scenario(sqliteKind);
    expect(await sqliteKind.tables('hub')).toEqual(expect.arrayContaining(['kv', 'rooms', 'events', 'clients', 'key_packages']));
  });
});

const pgHere = postgresAvailable('the PostgreSQL erasure test');
describe.skipIf(!pgHere)('erasure on PostgreSQL (DL12)', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres({ fsync: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('no table of the schema holds anything of the erased user', async () => {
    const schemas = new Map<string, string>();
    const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      try {
        return (await c.query<T>(text, values)).rows;
      } finally {
        await c.end();
      }
    };
    const tables = async (n: string) =>
      (await query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schemas.get(n)])).map((r) => r.table_name);
    await scenario({
      scannable: true,
      open: async (n) => {
        const schema = await server.freshSchema();
        schemas.set(n, schema);
        return openPostgresStore({ connectionString: server.url, schema });
      },
      tables,
      cells: async (n) => {
        const out: { table: string; value: unknown }[] = [];
        for (const t of await tables(n)) {
          for (const row of await query<Record<string, unknown>>(`SELECT * FROM ${schemas.get(n)}."${t}"`)) for (const value of Object.values(row)) out.push({ table: t, value });
        }
        return out;
      },
    });
    expect(await tables('hub')).toEqual(expect.arrayContaining(['kv', 'rooms', 'events', 'clients', 'key_packages', 'mimi_migrations']));
  });
});
