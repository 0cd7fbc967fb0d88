/**
 * The embedded persistent {@link DeliveryStore}: one SQLite file in a data directory, through better-sqlite3
 * (Node only; import it from `mimi-kit/delivery/sqlite` so browser bundles never see it). WAL journal with
 * `synchronous = NORMAL` by default (DL14): a committed transaction survives a crash of the process; a power loss
 * or OS crash may lose the last transactions before a WAL checkpoint, never corrupt the database. Pass
 * `durability: 'full'` for `synchronous = FULL` (every commit reaches the disk before it returns).
 *
 * Schema version 3 (`PRAGMA user_version`): `kv(ns, key, value)`, `rooms(room_id, last_seq)` (the sequence
 * allocator), `events(room_id, seq, hub_time, kind, sender, message, expires, frank)`, `clients(user, client)`,
 * `key_packages(id, user, client, key_package)`. Versions 1 (no `expires`) and 2 (no `frank`, HT19) are upgraded on open. Several processes
 * may open one file: `BEGIN IMMEDIATE` takes the write lock for the whole transaction, and a process waits up to
 * 30 s for it.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { MimiError } from '../../errors.js';
import { sameOrErased, tombstone } from '../validate.js';
import { EventKind, type LogEvent } from '../types.js';
import { decodeStoredFrank, frankColumn } from '../franking.js';
import { compareUtf16 } from './memory.js';
import { Mutex } from './mutex.js';
import { TailCache, TailTransaction } from './tailCache.js';
import type { DeliveryStore, InsertOutcome, NewEvent, RoomHead, StoreTransaction, StoredKeyPackage } from './types.js';

export { MimiError } from '../../errors.js';

const SCHEMA_VERSION = 3;

/**
 * better-sqlite3 is an optional peer: loaded on first open, so importing this module without it installed
 * works and opening a store says what is missing (`delivery/driver-missing`) instead of a module-not-found crash.
 */
function driver(): typeof Database {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (e) {
    throw new MimiError('delivery/driver-missing', 'the SQLite store needs better-sqlite3: npm install better-sqlite3', { cause: e });
  }
}
const utf8 = new TextEncoder();
const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rooms (room_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (room_id TEXT NOT NULL, seq INTEGER NOT NULL, hub_time INTEGER NOT NULL, kind TEXT NOT NULL,
  sender TEXT NOT NULL, message BLOB NOT NULL, expires INTEGER, frank BLOB, PRIMARY KEY (room_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clients (user TEXT NOT NULL, client TEXT NOT NULL, PRIMARY KEY (user, client)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_packages (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, client TEXT NOT NULL, key_package BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS key_packages_by_client ON key_packages (user, client, id);
`;

/**
 * The file a store keeps in its data directory.
 *
 * @example
 * ```ts
 * import { SQLITE_FILE_NAME } from 'mimi-kit/delivery/sqlite';
 * SQLITE_FILE_NAME; // 'mimi-delivery.sqlite'
 * ```
 */
export const SQLITE_FILE_NAME = 'mimi-delivery.sqlite';

/** Where an {@link SqliteStore} keeps its data. */
export interface SqliteStoreOptions {
  /** Data directory (created if missing); the database is `<directory>/mimi-delivery.sqlite`. */
  readonly directory?: string;
  /** Or an explicit file path (`:memory:` for a throw-away database). */
  readonly file?: string;
  /**
   * `'process'` (default): WAL with `synchronous = NORMAL`, a commit survives a process crash, not necessarily a
   * power loss (SQLite's usual setting for WAL). `'full'`: `synchronous = FULL`, a commit survives a power loss
   * too, at one fsync per transaction (DL14).
   */
  readonly durability?: 'process' | 'full';
}

interface EventRow {
  seq: number;
  hub_time: number;
  kind: string;
  sender: string;
  message: Uint8Array;
  expires: number | null;
  frank: Uint8Array | null;
}

/**
 * Opens (creating if needed) the SQLite store of a data directory.
 *
 * @param options - the data directory or file
 * @returns the open store
 * @throws {@link MimiError} `delivery/corrupt-store` when the file is not a store of ours
 * @example
 * ```ts
 * import { openSqliteStore } from 'mimi-kit/delivery/sqlite';
 * const store = openSqliteStore({ directory: './data' });
 * await store.transaction((tx) => tx.lastSeq('room')); // 0 on a fresh directory
 * await store.close();
 * ```
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

/**
 * The SQLite store; see {@link openSqliteStore}.
 *
 * @example
 * ```ts
 * import { SqliteStore } from 'mimi-kit/delivery/sqlite';
 * const store = new SqliteStore({ file: ':memory:' });
 * await store.close();
 * ```
 */
export class SqliteStore implements DeliveryStore {
  private readonly db: Database.Database;
  private readonly lock = new Mutex();
  private closed = false;
  private readonly q;
  /** Each room's newest events as this connection last saw them (DL17). */
  private readonly tail = new TailCache();
  private dataVersion: number | undefined;

  /**
   * Opens the store.
   * @param options - the data directory or file
   */
  constructor(options: SqliteStoreOptions) {
    let file = options.file;
    if (file === undefined) {
      if (options.directory === undefined) throw new MimiError('delivery/bad-request', 'a directory or a file is required');
      mkdirSync(options.directory, { recursive: true });
      file = join(options.directory, SQLITE_FILE_NAME);
    }
    const Driver = driver();
    try {
      this.db = new Driver(file, { timeout: 30_000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(options.durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version !== 0 && version !== 1 && version !== 2 && version !== SCHEMA_VERSION) throw new Error(`schema version ${version}, expected ${SCHEMA_VERSION}`);
        if (version === 1) this.db.exec('ALTER TABLE events ADD COLUMN expires INTEGER');
        if (version === 1 || version === 2) this.db.exec('ALTER TABLE events ADD COLUMN frank BLOB');
        this.db.exec(SCHEMA);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
        this.db.exec('COMMIT');
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } catch (e) {
      throw new MimiError('delivery/corrupt-store', `cannot open the store ${file}: ${(e as Error).message}`, { cause: e });
    }
    const db = this.db;
    this.q = {
      get: db.prepare<[string, string], { value: Uint8Array }>('SELECT value FROM kv WHERE ns = ? AND key = ?'),
      put: db.prepare('INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value'),
      putIfAbsent: db.prepare('INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO NOTHING'),
      // Compared as bytes: SQLite's text functions stop at NUL, which our keys use as a separator.
      allKeys: db.prepare<[string], string>('SELECT key FROM kv WHERE ns = ?').pluck(),
      keys: db.prepare<[{ ns: string; prefix: Uint8Array; n: number }], { key: string }>(
        'SELECT key FROM kv WHERE ns = @ns AND substr(CAST(key AS BLOB), 1, @n) = @prefix',
      ),
      allocate: db.prepare<[string], { last_seq: number }>(
        'INSERT INTO rooms (room_id, last_seq) VALUES (?, 1) ON CONFLICT (room_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq',
      ),
      raise: db.prepare<[{ room: string; seq: number }]>(
        'INSERT INTO rooms (room_id, last_seq) VALUES (@room, @seq) ON CONFLICT (room_id) DO UPDATE SET last_seq = max(last_seq, @seq)',
      ),
      allocateMany: db.prepare<[string, number, number], { last_seq: number }>(
        'INSERT INTO rooms (room_id, last_seq) VALUES (?, ?) ON CONFLICT (room_id) DO UPDATE SET last_seq = last_seq + ? RETURNING last_seq',
      ),
      insertEvent: db.prepare('INSERT INTO events (room_id, seq, hub_time, kind, sender, message, expires, frank) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      insertNewEvent: db.prepare('INSERT INTO events (room_id, seq, hub_time, kind, sender, message, expires, frank) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, seq) DO NOTHING'),
      event: db.prepare<[string, number], EventRow>('SELECT seq, hub_time, kind, sender, message, expires, frank FROM events WHERE room_id = ? AND seq = ?'),
      events: db.prepare<[string, number, number], EventRow>(
        'SELECT seq, hub_time, kind, sender, message, expires, frank FROM events WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      delete: db.prepare('DELETE FROM kv WHERE ns = ? AND key = ?'),
      prune: db.prepare('DELETE FROM events WHERE room_id = ? AND seq <= ?'),
      tombstoneSender: db.prepare("UPDATE events SET kind = 'erased', sender = '', message = x'', expires = NULL, frank = NULL WHERE sender = ? AND kind <> 'erased'"),
      tombstoneExpired: db.prepare("UPDATE events SET kind = 'erased', sender = '', message = x'', expires = NULL, frank = NULL WHERE expires IS NOT NULL AND expires <= ?"),
      removeKeyPackages: db.prepare('DELETE FROM key_packages WHERE user = ?'),
      removeClients: db.prepare('DELETE FROM clients WHERE user = ?'),
      logRooms: db.prepare<[], { room_id: string }>('SELECT room_id FROM rooms'),
      lastSeqs: db.prepare<[], { room_id: string; last_seq: number }>('SELECT room_id, last_seq FROM rooms'),
      head: db.prepare<[string], { value: Uint8Array; last_seq: number | null; hub_time: number | null }>(
        `SELECT k.value, r.last_seq, e.hub_time FROM kv k LEFT JOIN rooms r ON r.room_id = k.key LEFT JOIN events e ON e.room_id = r.room_id AND e.seq = r.last_seq
         WHERE k.ns = 'room' AND k.key = ?`,
      ),
      lastSeq: db.prepare<[string], { last_seq: number }>('SELECT last_seq FROM rooms WHERE room_id = ?'),
      addClient: db.prepare('INSERT INTO clients (user, client) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      addKeyPackage: db.prepare('INSERT INTO key_packages (user, client, key_package) VALUES (?, ?, ?)'),
      clients: db.prepare<[string], { client: string }>('SELECT client FROM clients WHERE user = ?'),
      packagesOf: db.prepare<[string, string], { id: number; key_package: Uint8Array }>(
        'SELECT id, key_package FROM key_packages WHERE user = ? AND client = ? ORDER BY id',
      ),
      deleteKeyPackage: db.prepare('DELETE FROM key_packages WHERE id = ?'),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
  }

  /**
   * Runs `fn` as one SQLite transaction (`BEGIN IMMEDIATE` … `COMMIT`, `ROLLBACK` when it throws).
   * @param fn - the work
   * @returns what `fn` returned
   * @example
   * ```ts
   * await store.transaction((tx) => tx.lastSeq('room'));
   * ```
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (this.closed) throw new MimiError('delivery/store-closed', 'the store is closed');
      let open = true;
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const cache = new TailTransaction(this.tail, () => this.changedElsewhere());
        const { tx, settle } = this.tx(() => open, cache);
        const value = await fn(tx);
        settle();
        cache.beforeCommit();
        this.db.exec('COMMIT');
        cache.commit();
        return value;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      } finally {
        open = false;
      }
    });
  }

  /** Whether another connection committed since the last call (SQLite's `PRAGMA data_version`). */
  private changedElsewhere(): boolean {
    const v = this.q.dataVersion.get()!;
    const changed = v !== this.dataVersion;
    this.dataVersion = v;
    return changed;
  }

  /**
   * Closes the database file.
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    await this.lock.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.db.close();
    });
  }

  private tx(isOpen: () => boolean, cache: TailTransaction): { tx: StoreTransaction; settle: () => void } {
    const q = this.q;
    const live = (): void => {
      if (!isOpen()) throw new MimiError('delivery/store-closed', 'the transaction has ended');
    };
    // A follower's inserts raise the room's last number once per transaction, not once per event: pending
    // raises are written before anything reads or allocates numbers, and before COMMIT.
    const raised = new Map<string, number>();
    const settle = (): void => {
      for (const [room, seq] of raised) q.raise.run({ room, seq });
      raised.clear();
    };
    const read = (roomId: string, after: number, limit: number): LogEvent[] => {
      const cached = cache.read(roomId, after, limit);
      if (cached !== undefined) return cached;
      const events = q.events.all(roomId, after, limit).map(toEvent);
      cache.learned(roomId, events, events.length < limit);
      return events;
    };
    const tx: StoreTransaction = {
      get: async (ns, key) => {
        live();
        const row = q.get.get(ns, key);
        return row ? view(row.value) : undefined;
      },
      getForUpdate: async (ns, key) => {
        live();
        // BEGIN IMMEDIATE already holds the database's write lock.
        const row = q.get.get(ns, key);
        return row ? view(row.value) : undefined;
      },
      put: async (ns, key, value) => {
        live();
        q.put.run(ns, key, value);
      },
      getMany: async (ns, keys) => {
        live();
        const out = new Map<string, Uint8Array>();
        for (const k of keys) {
          const row = q.get.get(ns, k);
          if (row) out.set(k, view(row.value));
        }
        return out;
      },
      putMany: async (ns, entries) => {
        live();
        for (const [k, v] of entries) q.put.run(ns, k, v);
      },
      delete: async (ns, key) => {
        live();
        q.delete.run(ns, key);
      },
      putIfAbsent: async (ns, key, value) => {
        live();
        return q.putIfAbsent.run(ns, key, value).changes === 1;
      },
      keys: async (ns, prefix = '') => {
        live();
        // SQLite compares TEXT as UTF-8 bytes; sort here so every store returns the same order.
        if (prefix === '') return q.allKeys.all(ns).sort(compareUtf16);
        return q.keys.all({ ns, prefix: utf8.encode(prefix), n: utf8.encode(prefix).length }).map((r) => r.key).sort(compareUtf16);
      },
      appendEvent: async (roomId: string, event: NewEvent) => {
        live();
        settle();
        const seq = q.allocate.get(roomId)!.last_seq;
        q.insertEvent.run(roomId, seq, event.hubTime, event.kind, event.sender, event.message, event.expires ?? null, frankColumn(event));
        cache.appended(roomId, seq - 1, [{ ...event, seq }]);
        return { ...event, seq, message: event.message.slice() };
      },
      appendEvents: async (roomId, events) => {
        live();
        settle();
        if (events.length === 0) return [];
        const last = q.allocateMany.get(roomId, events.length, events.length)!.last_seq;
        const stored = events.map((event, i) => {
          const seq = last - events.length + 1 + i;
          q.insertEvent.run(roomId, seq, event.hubTime, event.kind, event.sender, event.message, event.expires ?? null, frankColumn(event));
          return { ...event, seq };
        });
        cache.appended(roomId, last - events.length, stored);
        return stored.map((e) => ({ ...e, message: e.message.slice() }));
      },
      pruneEvents: async (roomId, through) => {
        live();
        cache.dropped(roomId);
        return q.prune.run(roomId, through).changes;
      },
      tombstoneEvents: async (match) => {
        live();
        cache.clearAll();
        return ('sender' in match ? q.tombstoneSender.run(match.sender) : q.tombstoneExpired.run(match.expiredAt)).changes;
      },
      removeUser: async (user) => {
        live();
        q.removeClients.run(user);
        return q.removeKeyPackages.run(user).changes;
      },
      logRooms: async () => {
        live();
        settle();
        return q.logRooms.all().map((r) => r.room_id).sort(compareUtf16);
      },
      lockRooms: async (roomIds) => {
        live();
        settle();
        const out = new Map<string, RoomHead>();
        for (const id of [...roomIds].sort(compareUtf16)) {
          const row = q.head.get(id);
          if (row) out.set(id, { record: view(row.value), lastSeq: row.last_seq ?? 0, lastHubTime: row.hub_time ?? 0 });
        }
        return out;
      },
      appendMany: async (batches) => {
        live();
        settle();
        const out = new Map<string, number>();
        for (const [id, events] of batches) {
          if (events.length === 0) continue;
          const last = q.allocateMany.get(id, events.length, events.length)!.last_seq;
          const first = last - events.length + 1;
          events.forEach((event, i) => q.insertEvent.run(id, first + i, event.hubTime, event.kind, event.sender, event.message, event.expires ?? null, frankColumn(event)));
          cache.appended(id, first - 1, events.map((event, i) => ({ ...event, seq: first + i })));
          out.set(id, first);
        }
        return out;
      },
      lastSeqs: async () => {
        live();
        settle();
        return new Map(q.lastSeqs.all().map((r) => [r.room_id, r.last_seq]));
      },
      insertEvent: async (roomId: string, event: LogEvent): Promise<InsertOutcome> => {
        live();
        // Insert first, compare only when the number is taken: a follower mostly receives what it lacks.
        if (q.insertNewEvent.run(roomId, event.seq, event.hubTime, event.kind, event.sender, event.message, event.expires ?? null, frankColumn(event)).changes === 0) {
          const held = q.event.get(roomId, event.seq)!;
          return sameOrErased(toEvent(held), event) ? 'duplicate' : 'conflict';
        }
        raised.set(roomId, Math.max(raised.get(roomId) ?? 0, event.seq));
        cache.inserted(roomId, event);
        return 'inserted';
      },
      events: async (roomId, after, limit) => {
        live();
        return read(roomId, after, limit);
      },
      eventsMany: async (ranges) => {
        live();
        const out = new Map<string, LogEvent[]>();
        for (const r of ranges) {
          const events = read(r.roomId, r.after, r.limit);
          if (events.length > 0) out.set(r.roomId, events);
        }
        return out;
      },
      lastSeq: async (roomId) => {
        live();
        settle();
        return q.lastSeq.get(roomId)?.last_seq ?? 0;
      },
      addKeyPackage: async (user, entry) => {
        live();
        q.addClient.run(user, entry.client);
        q.addKeyPackage.run(user, entry.client, entry.keyPackage);
      },
      claimKeyPackages: async (user, judge) => {
        live();
        const claimed: StoredKeyPackage[] = [];
        const exhausted: string[] = [];
        const incompatible: StoredKeyPackage[] = [];
        for (const client of q.clients.all(user).map((r) => r.client).sort(compareUtf16)) {
          let row: { id: number; key_package: Uint8Array } | undefined;
          let newestIncompatible: Uint8Array | undefined;
          const discarded: number[] = [];
          // Oldest first; the iterator is closed (break) before the DELETEs run on this connection.
          for (const r of q.packagesOf.iterate(user, client)) {
            const verdict = judge(new Uint8Array(r.key_package));
            if (verdict === 'take') {
              row = r;
              break;
            }
            if (verdict === 'incompatible') newestIncompatible = new Uint8Array(r.key_package);
            if (verdict === 'discard') discarded.push(r.id);
          }
          for (const id of discarded) q.deleteKeyPackage.run(id);
          if (row) {
            q.deleteKeyPackage.run(row.id);
            claimed.push({ client, keyPackage: new Uint8Array(row.key_package) });
          } else if (newestIncompatible) incompatible.push({ client, keyPackage: newestIncompatible });
          else exhausted.push(client);
        }
        return { claimed, exhausted, incompatible };
      },
    };
    return { tx, settle };
  }
}

function toEvent(r: EventRow): LogEvent {
  if (r.kind === EventKind.erased) return tombstone(r.seq, r.hub_time);
  if (r.kind !== EventKind.commit && r.kind !== EventKind.message && r.kind !== EventKind.proposal) {
    throw new MimiError('delivery/corrupt-store', `stored event ${r.seq} has kind ${r.kind}`);
  }
  // better-sqlite3 hands each blob in a Buffer of its own: a plain Uint8Array view over it, not a second copy.
  const e: { -readonly [K in keyof LogEvent]: LogEvent[K] } = { seq: r.seq, hubTime: r.hub_time, kind: r.kind, sender: r.sender, message: view(r.message) };
  if (r.frank !== null) e.frank = decodeStoredFrank(view(r.frank));
  if (r.expires !== null) e.expires = r.expires;
  return e;
}

function view(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
