/**
 * The PostgreSQL {@link DeliveryStore}, through node-postgres (`pg`; Node only: import it from
 * `mimi-kit/delivery/postgres`). Same interface and semantics as the embedded store, checked by the same
 * conformance suite, and safe for several hub processes on one database (docs/decisions.md DL9):
 *
 * - transactions are READ COMMITTED; a hub locks the room record it checks (`getForUpdate`: `SELECT … FOR
 *   UPDATE`) before it appends, so per room, accepts from every process are serialized by one row lock;
 * - the sequence allocator is the `rooms` row (`INSERT … ON CONFLICT DO UPDATE SET last_seq = last_seq + n
 *   RETURNING`), in the same transaction as the events: a rolled-back transaction leaves no hole;
 * - a deadlock or serialization failure (SQLSTATE 40P01, 40001) re-runs the whole transaction (at most 5 times);
 * - within one process, `transaction` calls run one after the other (the interface's contract); the hub's
 *   write batches, which lock what they change, go through `concurrentTransaction`, up to `concurrency` at once
 *   on connections of their own, and send their appends with the COMMIT (DL16).
 *
 * The schema lives in `postgresMigrations.ts`; missing migrations run on open.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as PgTypes from 'pg';
import { MimiError } from '../../errors.js';
import { checkCount, sameOrErased, tombstone } from '../validate.js';
import { EventKind, type LogEvent } from '../types.js';
import { decodeStoredFrank, frankColumn } from '../franking.js';
import { compareUtf16 } from './memory.js';
import { Mutex, Semaphore } from './mutex.js';
import { deferAppend, hex, type TxState } from './postgresAppend.js';
import { MIGRATIONS, type Migration } from './postgresMigrations.js';
import type { DeliveryStore, InsertOutcome, KeyPackageClaimResult, KeyPackageJudge, NewEvent, RoomHead, StoreTransaction, StoredKeyPackage } from './types.js';

export { MimiError } from '../../errors.js';

type Pg = typeof PgTypes;

/** pg is an optional peer: loaded on open, so a missing driver is `delivery/driver-missing`, not a crash. */
function driver(): Pg {
  try {
    return createRequire(import.meta.url)('pg') as Pg;
  } catch (e) {
    throw new MimiError('delivery/driver-missing', 'the PostgreSQL store needs pg: npm install pg', { cause: e });
  }
}

/** Where a {@link PostgresStore} keeps its data. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (or libpq environment variables when absent). */
  readonly connectionString?: string;
  /** Schema holding the tables (created if missing; default `public`). Lower-case letters, digits, `_`. */
  readonly schema?: string;
  /**
   * Transactions {@link PostgresStore.concurrentTransaction} runs at once, each on a connection of its own
   * (default 3; the hub writes that many batches side by side, DL16).
   */
  readonly concurrency?: number;
  /**
   * Connections kept (default `concurrency` + 2: the concurrent transactions, one for the serialized ones, one
   * spare for the migration lock).
   */
  readonly maxConnections?: number;
}

interface EventRow {
  seq: string;
  hub_time: string;
  kind: string;
  sender: string;
  message: Uint8Array;
  expires: string | null;
  /** HT19: the encoded Frank (migration 2). */
  frank: Uint8Array | null;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Opens a PostgreSQL store: connects, creates the schema if missing and applies the migrations not yet applied.
 *
 * @param options - connection and schema
 * @returns the open store
 * @throws {@link MimiError} `delivery/driver-missing`, `delivery/store-unavailable` (no server, bad
 *   credentials), `delivery/corrupt-store` (the database holds a newer schema than this version knows)
 * @example
 * ```ts
 * import { openPostgresStore } from 'mimi-kit/delivery/postgres';
 * const store = await openPostgresStore({ connectionString: 'postgres://mimi@127.0.0.1/mimi' });
 * await store.transaction((tx) => tx.lastSeq('room')); // 0 on a fresh database
 * await store.close();
 * ```
 */
export async function openPostgresStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const store = new PostgresStore(options);
  try {
    await store.migrate();
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
  return store;
}

/**
 * The PostgreSQL store; open it with {@link openPostgresStore} (which runs the migrations).
 *
 * @example
 * ```ts
 * import { openPostgresStore, PostgresStore } from 'mimi-kit/delivery/postgres';
 * const store: PostgresStore = await openPostgresStore({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export class PostgresStore implements DeliveryStore {
  private readonly pool: PgTypes.Pool;
  private readonly schema: string;
  private readonly lock = new Mutex();
  private readonly parallel: Semaphore;
  /** {@link DeliveryStore.concurrency}. */
  readonly concurrency: number;
  private closed = false;

  /**
   * Creates the store without touching the database; {@link openPostgresStore} also migrates.
   * @param options - connection and schema
   */
  constructor(options: PostgresStoreOptions = {}) {
    const schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new MimiError('delivery/bad-request', `schema ${schema} must be lower-case letters, digits and _`);
    this.schema = schema;
    this.concurrency = checkCount(options.concurrency ?? 3, 'concurrency', 1, 64);
    this.parallel = new Semaphore(this.concurrency);
    const { Pool } = driver();
    this.pool = new Pool({
      ...(options.connectionString !== undefined ? { connectionString: options.connectionString } : {}),
      max: options.maxConnections ?? this.concurrency + 2,
      options: `-c search_path=${schema}`,
    });
    // An idle connection the server drops is replaced on the next checkout; without a listener it would crash.
    this.pool.on('error', () => undefined);
  }

  /**
   * Applies the migrations not yet applied, each in its own transaction, under a session advisory lock (so
   * concurrent starts apply each once). Called by {@link openPostgresStore}.
   * @returns the versions applied now
   * @example
   * ```ts
   * await new PostgresStore({ connectionString }).migrate(); // [1] on a fresh database, [] after
   * ```
   */
  async migrate(): Promise<number[]> {
    const client = await this.connect();
    const applied: number[] = [];
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`mimi-kit delivery ${this.schema}`]);
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        await client.query('CREATE TABLE IF NOT EXISTS mimi_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        const rows = (await client.query<{ version: number }>('SELECT version FROM mimi_migrations ORDER BY version')).rows.map((r) => r.version);
        const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
        if (rows.some((v) => v > newest)) {
          throw new MimiError('delivery/corrupt-store', `the database has schema version ${Math.max(...rows)}; this mimi-kit knows up to ${newest}`);
        }
        for (const m of MIGRATIONS) {
          if (rows.includes(m.version)) continue;
          await this.apply(client, m);
          applied.push(m.version);
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`mimi-kit delivery ${this.schema}`]);
      }
    } catch (e) {
      throw unavailable(e);
    } finally {
      client.release();
    }
    return applied;
  }

  private async apply(client: PgTypes.PoolClient, m: Migration): Promise<void> {
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query('INSERT INTO mimi_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * Runs `fn` as one PostgreSQL transaction (`BEGIN` … `COMMIT`; `ROLLBACK` when it throws; re-run on a
   * deadlock or serialization failure, so `fn` must only change memory it can redo).
   * @param fn - the work
   * @returns what `fn` returned
   * @example
   * ```ts
   * await store.transaction((tx) => tx.lastSeq('room'));
   * ```
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.lock.run(() => this.attempt(fn));
  }

  /**
   * Runs `fn` as one PostgreSQL transaction alongside the store's others (at most `concurrency` at once, each
   * on its own connection): for work that locks what it changes, like the hub's write batches (DL16).
   * @param fn - the work
   * @returns what `fn` returned
   * @example
   * ```ts
   * await store.concurrentTransaction((tx) => tx.lockRooms([roomId]));
   * ```
   */
  concurrentTransaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.parallel.run(() => this.attempt(fn));
  }

  private async attempt<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new MimiError('delivery/store-closed', 'the store is closed');
      const client = await this.connect();
      let open = true;
      let broken = false;
      // BEGIN is sent with the first statement (a round trip saved per transaction: DL13).
      const state: TxState = { begun: false, heads: new Map() };
      try {
        const value = await fn(this.tx(client, () => open, state));
        // DL16: a deferred append goes with the COMMIT, one round trip; if it fails, nothing commits.
        if (state.deferred !== undefined) await client.query(`${state.deferred}; COMMIT`);
        else if (state.begun) await client.query('COMMIT');
        return value;
      } catch (e) {
        if (state.begun) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        }
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && attempt < 5) continue;
        if (e instanceof MimiError || !isPgError(e)) throw e;
        throw unavailable(e);
      } finally {
        open = false;
        client.release(broken);
      }
    }
  }

  /**
   * Closes the connections; later calls fail with `delivery/store-closed`.
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    await this.lock.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.parallel.idle();
      await this.pool.end();
    });
  }

  private async connect(): Promise<PgTypes.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw unavailable(e);
    }
  }

  private tx(client: PgTypes.PoolClient, isOpen: () => boolean, state: TxState): StoreTransaction {
    const q = async <R extends PgTypes.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<PgTypes.QueryResult<R>> => {
      if (!isOpen()) throw new MimiError('delivery/store-closed', 'the transaction has ended');
      if (!state.begun) {
        state.begun = true;
        await client.query('BEGIN');
      }
      // Every statement sees the transaction's own writes: a deferred append is sent first.
      if (state.deferred !== undefined) {
        const sql = state.deferred;
        state.deferred = undefined;
        await client.query(sql);
      }
      // Named statements are parsed once per connection.
      return client.query<R>({ name, text, values });
    };
    const appendEvents = async (roomId: string, events: readonly NewEvent[]): Promise<LogEvent[]> => {
      if (events.length === 0) return [];
      const r = await q<{ seq: string }>(
        'mimi_append',
        `WITH s AS (INSERT INTO rooms (room_id, last_seq) VALUES ($1, $2) ON CONFLICT (room_id) DO UPDATE SET last_seq = rooms.last_seq + $2 RETURNING last_seq)
         INSERT INTO events (room_id, seq, hub_time, kind, sender, message, expires, frank)
         SELECT $1, s.last_seq - $2 + u.ord, u.hub_time, u.kind, u.sender, u.message, u.expires, u.frank
         FROM s, unnest($3::bigint[], $4::text[], $5::text[], $6::bytea[], $7::bigint[], $8::bytea[]) WITH ORDINALITY AS u(hub_time, kind, sender, message, expires, frank, ord)
         RETURNING seq`,
        [
          roomId,
          events.length,
          events.map((e) => e.hubTime),
          events.map((e) => e.kind),
          events.map((e) => e.sender),
          events.map((e) => e.message),
          events.map((e) => e.expires ?? null),
          events.map(frankColumn),
        ],
      );
      const first = Math.min(...r.rows.map((row) => Number(row.seq)));
      return events.map((e, i) => ({ ...e, seq: first + i, message: e.message.slice() }));
    };
    return {
      get: async (ns, key) => {
        const r = await q<{ value: Uint8Array }>('mimi_get', 'SELECT value FROM kv WHERE ns = $1 AND key = $2', [ns, utf8.encode(key)]);
        return r.rows[0] ? new Uint8Array(r.rows[0].value) : undefined;
      },
      getForUpdate: async (ns, key) => {
        const r = await q<{ value: Uint8Array }>('mimi_get_lock', 'SELECT value FROM kv WHERE ns = $1 AND key = $2 FOR UPDATE', [ns, utf8.encode(key)]);
        return r.rows[0] ? new Uint8Array(r.rows[0].value) : undefined;
      },
      put: async (ns, key, value) => {
        await q('mimi_put', 'INSERT INTO kv (ns, key, value) VALUES ($1, $2, $3) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value', [ns, utf8.encode(key), value]);
      },
      putIfAbsent: async (ns, key, value) => {
        const r = await q('mimi_put_absent', 'INSERT INTO kv (ns, key, value) VALUES ($1, $2, $3) ON CONFLICT (ns, key) DO NOTHING', [ns, utf8.encode(key), value]);
        return r.rowCount === 1;
      },
      getMany: async (ns, keys) => {
        const out = new Map<string, Uint8Array>();
        if (keys.length === 0) return out;
        const r = await q<{ key: Uint8Array; value: Uint8Array }>('mimi_get_many', 'SELECT key, value FROM kv WHERE ns = $1 AND key = ANY($2::bytea[])', [
          ns,
          keys.map((k) => utf8.encode(k)),
        ]);
        for (const row of r.rows) out.set(fromUtf8.decode(row.key), new Uint8Array(row.value));
        return out;
      },
      putMany: async (ns, entries) => {
        if (entries.length === 0) return;
        await q(
          'mimi_put_many',
          `INSERT INTO kv (ns, key, value) SELECT $1, k, v FROM unnest($2::bytea[], $3::bytea[]) AS u(k, v)
           ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value`,
          [ns, entries.map(([k]) => utf8.encode(k)), entries.map(([, v]) => v)],
        );
      },
      delete: async (ns, key) => {
        await q('mimi_delete', 'DELETE FROM kv WHERE ns = $1 AND key = $2', [ns, utf8.encode(key)]);
      },
      keys: async (ns, prefix = '') => {
        const p = utf8.encode(prefix);
        const r = await q<{ key: Uint8Array }>('mimi_keys', 'SELECT key FROM kv WHERE ns = $1 AND substring(key FROM 1 FOR $3) = $2', [ns, p, p.length]);
        return r.rows.map((row) => fromUtf8.decode(row.key)).sort(compareUtf16);
      },
      appendEvent: async (roomId, event) => (await appendEvents(roomId, [event]))[0]!,
      appendEvents,
      insertEvent: async (roomId: string, event: LogEvent): Promise<InsertOutcome> => {
        const r = await q<{ n: string }>(
          'mimi_insert',
          `WITH ins AS (INSERT INTO events (room_id, seq, hub_time, kind, sender, message, expires, frank) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        ON CONFLICT (room_id, seq) DO NOTHING RETURNING seq),
                r AS (INSERT INTO rooms (room_id, last_seq) SELECT $1, seq FROM ins
                      ON CONFLICT (room_id) DO UPDATE SET last_seq = GREATEST(rooms.last_seq, excluded.last_seq))
           SELECT count(*) AS n FROM ins`,
          [roomId, event.seq, event.hubTime, event.kind, event.sender, event.message, event.expires ?? null, frankColumn(event)],
        );
        if (Number(r.rows[0]!.n) === 1) return 'inserted';
        const held = await q<EventRow>('mimi_event', 'SELECT seq, hub_time, kind, sender, message, expires, frank FROM events WHERE room_id = $1 AND seq = $2', [roomId, event.seq]);
        return sameOrErased(toEvent(held.rows[0]!), event) ? 'duplicate' : 'conflict';
      },
      events: async (roomId, after, limit) => {
        const r = await q<EventRow>(
          'mimi_events',
          'SELECT seq, hub_time, kind, sender, message, expires, frank FROM events WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
          [roomId, after, limit],
        );
        return r.rows.map(toEvent);
      },
      eventsMany: async (ranges) => {
        const out = new Map<string, LogEvent[]>();
        if (ranges.length === 0) return out;
        const r = await q<EventRow & { room_id: string }>(
          'mimi_events_many',
          `SELECT w.room_id, e.seq, e.hub_time, e.kind, e.sender, e.message, e.expires, e.frank
           FROM unnest($1::text[], $2::bigint[], $3::integer[]) AS w(room_id, after, lim)
           CROSS JOIN LATERAL (SELECT * FROM events x WHERE x.room_id = w.room_id AND x.seq > w.after ORDER BY x.seq LIMIT w.lim) e
           ORDER BY w.room_id, e.seq`,
          [ranges.map((x) => x.roomId), ranges.map((x) => x.after), ranges.map((x) => x.limit)],
        );
        for (const row of r.rows) {
          let list = out.get(row.room_id);
          if (!list) out.set(row.room_id, (list = []));
          list.push(toEvent(row));
        }
        return out;
      },
      lastSeq: async (roomId) => {
        const r = await q<{ last_seq: string }>('mimi_last', 'SELECT last_seq FROM rooms WHERE room_id = $1', [roomId]);
        return r.rows[0] ? Number(r.rows[0].last_seq) : 0;
      },
      pruneEvents: async (roomId, through) => {
        return (await q('mimi_prune', 'DELETE FROM events WHERE room_id = $1 AND seq <= $2', [roomId, through])).rowCount ?? 0;
      },
      tombstoneEvents: async (match) => {
        const set = "UPDATE events SET kind = 'erased', sender = '', message = '\\x'::bytea, expires = NULL, frank = NULL";
        const r =
          'sender' in match
            ? await q('mimi_erase_sender', `${set} WHERE sender = $1 AND kind <> 'erased'`, [match.sender])
            : await q('mimi_erase_expired', `${set} WHERE expires IS NOT NULL AND expires <= $1`, [match.expiredAt]);
        return r.rowCount ?? 0;
      },
      addKeyPackage: async (user, entry) => {
        await q(
          'mimi_add_kp',
          `WITH c AS (INSERT INTO clients (user_uri, client) VALUES ($1, $2) ON CONFLICT DO NOTHING)
           INSERT INTO key_packages (user_uri, client, key_package) VALUES ($1, $2, $3)`,
          [user, entry.client, entry.keyPackage],
        );
      },
      claimKeyPackages: async (user, judge) => {
        // Lock the user's clients: two processes claiming for one user take turns (never the same package).
        const clients = (await q<{ client: string }>('mimi_clients', 'SELECT client FROM clients WHERE user_uri = $1 ORDER BY client FOR UPDATE', [user])).rows.map((r) => r.client);
        if (clients.length === 0) return { claimed: [], exhausted: [], incompatible: [] };
        return claimJudged(q, user, clients.sort(compareUtf16), judge);
      },
      removeUser: async (user) => {
        await q('mimi_rm_clients', 'DELETE FROM clients WHERE user_uri = $1', [user]);
        return (await q('mimi_rm_kps', 'DELETE FROM key_packages WHERE user_uri = $1', [user])).rowCount ?? 0;
      },
      logRooms: async () => {
        const r = await q<{ room_id: string }>('mimi_log_rooms', 'SELECT room_id FROM rooms', []);
        return r.rows.map((row) => row.room_id).sort(compareUtf16);
      },
      lockRooms: async (roomIds) => {
        const sorted = [...new Set(roomIds)].sort(compareUtf16);
        // Two statements: a row locked after waiting is returned as it is now, but rows joined in the same
        // statement would come from the snapshot taken before the wait; the second statement (a new snapshot in
        // READ COMMITTED) sees the other process's committed appends. The kv rows are locked in key order
        // (bytea = UTF-8 order), so two processes never wait on each other in a cycle. At the start of a
        // transaction BEGIN and both go in one round trip (a simple query, ids as escaped literals: DL13).
        const lockSql = "SELECT key, value FROM kv WHERE ns = 'room' AND key = ANY(%K) ORDER BY key FOR UPDATE";
        const headSql = `SELECT r.room_id, r.last_seq, e.hub_time FROM rooms r LEFT JOIN events e ON e.room_id = r.room_id AND e.seq = r.last_seq
           WHERE r.room_id = ANY(%R)`;
        type Locked = { key: Uint8Array; value: Uint8Array };
        type Head = { room_id: string; last_seq: string; hub_time: string | null };
        let locked: Locked[];
        let heads: Head[];
        if (!state.begun && isOpen()) {
          state.begun = true;
          const keys = `ARRAY[${sorted.map((id) => `'\\x${hex(utf8.encode(id))}'`).join(',')}]::bytea[]`;
          const names = `ARRAY[${sorted.map((id) => client.escapeLiteral(id)).join(',')}]::text[]`;
          const r = (await client.query(`BEGIN; ${lockSql.replace('%K', keys)}; ${headSql.replace('%R', names)}`)) as unknown as PgTypes.QueryResult[];
          locked = r[1]!.rows as Locked[];
          heads = r[2]!.rows as Head[];
        } else {
          locked = (await q<Locked>('mimi_lock_rooms', lockSql.replace('%K', '$1::bytea[]'), [sorted.map((id) => utf8.encode(id))])).rows;
          heads = (await q<Head>('mimi_heads', headSql.replace('%R', '$1::text[]'), [locked.map((row) => fromUtf8.decode(row.key))])).rows;
        }
        const names = locked.map((row) => fromUtf8.decode(row.key));
        const byRoom = new Map(heads.map((row) => [row.room_id, row]));
        const out = new Map<string, RoomHead>();
        locked.forEach((row, i) => {
          const h = byRoom.get(names[i]!);
          const lastSeq = Number(h?.last_seq ?? 0);
          state.heads.set(names[i]!, lastSeq);
          out.set(names[i]!, { record: new Uint8Array(row.value), lastSeq, lastHubTime: Number(h?.hub_time ?? 0) });
        });
        return out;
      },
      appendMany: async (batches) => {
        if (!isOpen()) throw new MimiError('delivery/store-closed', 'the transaction has ended');
        const deferred = deferAppend(client, state, batches);
        if (deferred) return deferred;
        const rooms: string[] = [];
        const all: NewEvent[] = [];
        for (const [id, events] of [...batches].sort((a, b) => compareUtf16(a[0], b[0]))) {
          for (const e of events) {
            rooms.push(id);
            all.push(e);
          }
        }
        if (all.length === 0) return new Map();
        const r = await q<{ room_id: string; first: string }>(
          'mimi_append_many',
          `WITH input AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bytea[], $6::bigint[], $7::bytea[])
                            WITH ORDINALITY AS u(room_id, hub_time, kind, sender, message, expires, frank, ord)),
                counts AS (SELECT room_id, count(*) AS n FROM input GROUP BY room_id),
                s AS (INSERT INTO rooms (room_id, last_seq) SELECT room_id, n FROM counts ORDER BY room_id
                      ON CONFLICT (room_id) DO UPDATE SET last_seq = rooms.last_seq + excluded.last_seq RETURNING room_id, last_seq),
                numbered AS (SELECT i.*, s.last_seq - c.n + row_number() OVER (PARTITION BY i.room_id ORDER BY i.ord) AS seq
                             FROM input i JOIN s USING (room_id) JOIN counts c USING (room_id)),
                ins AS (INSERT INTO events (room_id, seq, hub_time, kind, sender, message, expires, frank)
                        SELECT room_id, seq, hub_time, kind, sender, message, expires, frank FROM numbered RETURNING room_id, seq)
           SELECT room_id, min(seq) AS first FROM ins GROUP BY room_id`,
          [rooms, all.map((e) => e.hubTime), all.map((e) => e.kind), all.map((e) => e.sender), all.map((e) => e.message), all.map((e) => e.expires ?? null), all.map(frankColumn)],
        );
        return new Map(r.rows.map((row) => [row.room_id, Number(row.first)]));
      },
      lastSeqs: async () => {
        const r = await q<{ room_id: string; last_seq: string }>('mimi_last_seqs', 'SELECT room_id, last_seq FROM rooms', []);
        return new Map(r.rows.map((row) => [row.room_id, Number(row.last_seq)]));
      },
    };
  }
}

function toEvent(r: EventRow): LogEvent {
  const seq = Number(r.seq);
  const hubTime = Number(r.hub_time);
  if (r.kind === EventKind.erased) return tombstone(seq, hubTime);
  if (r.kind !== EventKind.commit && r.kind !== EventKind.message && r.kind !== EventKind.proposal) {
    throw new MimiError('delivery/corrupt-store', `stored event ${seq} has kind ${r.kind}`);
  }
  const e: LogEvent = { seq, hubTime, kind: r.kind, sender: r.sender, message: new Uint8Array(r.message) };
  const withFrank = r.frank === null || r.frank === undefined ? e : { ...e, frank: decodeStoredFrank(new Uint8Array(r.frank)) };
  return r.expires === null ? withFrank : { ...withFrank, expires: Number(r.expires) };
}

function isPgError(e: unknown): boolean {
  return e instanceof Error && ('code' in e || 'severity' in e || /connect|terminat|ECONN/i.test(e.message));
}

function unavailable(e: unknown): MimiError {
  if (e instanceof MimiError) return e;
  return new MimiError('delivery/store-unavailable', `PostgreSQL: ${(e as Error).message}`, { cause: e });
}

type Query = <R extends PgTypes.QueryResultRow>(name: string, text: string, values: unknown[]) => Promise<PgTypes.QueryResult<R>>;

/**
 * {@link StoreTransaction.claimKeyPackages} with a judge: reads the user's packages oldest first (the caller
 * holds the clients' row locks), judges them in process, and deletes the chosen ones in one statement.
 */
async function claimJudged(q: Query, user: string, clients: readonly string[], judge: KeyPackageJudge): Promise<KeyPackageClaimResult> {
  const rows = (await q<{ id: string; client: string; key_package: Uint8Array }>('mimi_kps_of', 'SELECT id, client, key_package FROM key_packages WHERE user_uri = $1 ORDER BY id', [user])).rows;
  const chosen = new Map<string, { id: string; keyPackage: Uint8Array }>();
  const newestIncompatible = new Map<string, Uint8Array>();
  const discarded: string[] = [];
  for (const r of rows) {
    if (chosen.has(r.client)) continue;
    const keyPackage = new Uint8Array(r.key_package);
    const verdict = judge(keyPackage);
    if (verdict === 'take') chosen.set(r.client, { id: String(r.id), keyPackage });
    else if (verdict === 'incompatible') newestIncompatible.set(r.client, keyPackage);
    else if (verdict === 'discard') discarded.push(String(r.id));
  }
  if (discarded.length > 0) await q('mimi_discard_kps', 'DELETE FROM key_packages WHERE id = ANY($1::bigint[])', [discarded]);
  const ids = [...chosen.values()].map((c) => c.id);
  const deleted = ids.length === 0 ? new Set<string>() : new Set((await q<{ id: string }>('mimi_claim_ids', 'DELETE FROM key_packages WHERE id = ANY($1::bigint[]) RETURNING id', [ids])).rows.map((r) => String(r.id)));
  const claimed: StoredKeyPackage[] = [];
  const exhausted: string[] = [];
  const incompatible: StoredKeyPackage[] = [];
  for (const client of clients) {
    const c = chosen.get(client);
    const other = newestIncompatible.get(client);
    if (c && deleted.has(c.id)) claimed.push({ client, keyPackage: c.keyPackage });
    else if (other) incompatible.push({ client, keyPackage: other });
    else exhausted.push(client);
  }
  return { claimed, exhausted, incompatible };
}
