/**
 * The one storage interface of the delivery layer. Hubs and followers keep everything through it: the room
 * log, room records, cursors, seen transactions, key packages. Async and transactional so that a database
 * store (PostgreSQL, next issue) fits behind it: every operation runs inside {@link DeliveryStore.transaction},
 * which is all-or-nothing and serialized per store, and {@link StoreTransaction.appendEvent} allocates the
 * per-room sequence number itself (`UPDATE rooms SET last_seq = last_seq + 1 … RETURNING` in SQL), so two hub
 * processes on one database cannot allocate the same number. {@link StoreTransaction.getForUpdate} is how a hub
 * serializes its read-check-write of one room against other processes (a row lock in PostgreSQL; the embedded
 * stores serialize whole transactions anyway): docs/decisions.md DL9.
 *
 * @module
 */
import type { LogEvent } from '../types.js';

/** An event to append: the store gives it its sequence number. */
export type NewEvent = Omit<LogEvent, 'seq'>;

/** Outcome of {@link StoreTransaction.insertEvent}. */
export type InsertOutcome = 'inserted' | 'duplicate' | 'conflict';

/** One key package held for a client (draft-ietf-mimi-protocol-06 §5.2, stored as given). */
export interface StoredKeyPackage {
  /** The client URI. */
  readonly client: string;
  /** The KeyPackage bytes. */
  readonly keyPackage: Uint8Array;
}

/**
 * How {@link StoreTransaction.claimKeyPackages} judges one stored KeyPackage: `'discard'` for one that can never
 * be handed out (expired, unreadable), which the claim then removes.
 */
export type KeyPackageJudge = (keyPackage: Uint8Array) => 'take' | 'incompatible' | 'unusable' | 'discard';

/** The outcome of {@link StoreTransaction.claimKeyPackages}. */
export interface KeyPackageClaimResult {
  /** One taken (removed) package per client that had a fitting one. */
  readonly claimed: StoredKeyPackage[];
  /** Clients with no package left (or only unusable ones). */
  readonly exhausted: string[];
  /** Clients whose packages all stay: the newest one judged incompatible. */
  readonly incompatible: StoredKeyPackage[];
}

/**
 * Namespaces of the key-value part of a store. Values are bytes (the delivery layer encodes its records).
 *
 * @example
 * ```ts
 * import { Namespace } from 'mimi-kit/delivery';
 * Namespace.room; // 'room'
 * ```
 */
export const Namespace = {
  /** Hub room records, by room id. */
  room: 'room',
  /** Hub fanout cursors (highest sequence number acknowledged), by `roomId \u0000 follower`. */
  fanout: 'fanout',
  /** Follower room records, by room id. */
  followed: 'followed',
  /** Client cursors at a follower (highest sequence number acknowledged), by `roomId \u0000 client`. */
  client: 'client',
  /** Transactions a follower has processed, by `hub \u0000 txn`. */
  txn: 'txn',
  /** Fanout leases (which hub process fans a room out, until when), by room id (DL10). */
  lease: 'lease',
  /** Welcomes a hub has yet to route (HT16), by `roomId \u0000 provider \u0000 commit seq`. */
  welcomeOut: 'welcome-out',
  /** Welcomes a follower holds for its joining clients (HT16), by `client \u0000 roomId`. */
  welcome: 'welcome',
} as const;
/** A value of {@link Namespace}. */
export type Namespace = (typeof Namespace)[keyof typeof Namespace];

/** The operations available inside a transaction. All of them see the transaction's own writes. */
export interface StoreTransaction {
  /**
   * Reads a value.
   * @param ns - namespace
   * @param key - key
   */
  get(ns: Namespace, key: string): Promise<Uint8Array | undefined>;
  /**
   * Reads a value and locks it until the transaction ends: another process's `getForUpdate` of the same key
   * waits, then sees this transaction's write (PostgreSQL `SELECT … FOR UPDATE`). Same as `get` in stores
   * whose transactions are serialized anyway.
   * @param ns - namespace
   * @param key - key
   */
  getForUpdate(ns: Namespace, key: string): Promise<Uint8Array | undefined>;
  /**
   * Reads several values of one namespace (one statement in SQL).
   * @param ns - namespace
   * @param keys - keys
   * @returns the values found, by key
   */
  getMany(ns: Namespace, keys: readonly string[]): Promise<Map<string, Uint8Array>>;
  /**
   * Writes several values of one namespace (insert or replace; one statement in SQL).
   * @param ns - namespace
   * @param entries - key and bytes pairs
   */
  putMany(ns: Namespace, entries: readonly (readonly [string, Uint8Array])[]): Promise<void>;
  /**
   * Removes a value (nothing when absent).
   * @param ns - namespace
   * @param key - key
   */
  delete(ns: Namespace, key: string): Promise<void>;
  /**
   * Writes a value (insert or replace).
   * @param ns - namespace
   * @param key - key
   * @param value - bytes
   */
  put(ns: Namespace, key: string, value: Uint8Array): Promise<void>;
  /**
   * Inserts a value only if the key is absent.
   * @param ns - namespace
   * @param key - key
   * @param value - bytes
   * @returns true when inserted, false when the key was present (nothing written)
   */
  putIfAbsent(ns: Namespace, key: string, value: Uint8Array): Promise<boolean>;
  /**
   * Every key of a namespace, ascending (UTF-16 code-unit order; SQL stores compare with the same order).
   * @param ns - namespace
   * @param prefix - only keys starting with it
   */
  keys(ns: Namespace, prefix?: string): Promise<string[]>;
  /**
   * Appends an event to the room's log with the next sequence number (the first is 1; no gaps).
   * @param roomId - the room
   * @param event - the event without its number
   * @returns the stored event
   */
  appendEvent(roomId: string, event: NewEvent): Promise<LogEvent>;
  /**
   * Appends several events at once, numbered consecutively after the room's last (one statement in SQL).
   * @param roomId - the room
   * @param events - the events without numbers, in order
   * @returns the stored events, in order
   */
  appendEvents(roomId: string, events: readonly NewEvent[]): Promise<LogEvent[]>;
  /**
   * Removes the room's events with `seq <= through` (retention: the log's oldest part). The sequence
   * allocator keeps counting: later events never reuse a removed number.
   * @param roomId - the room
   * @param through - highest number removed
   * @returns how many events were removed
   */
  pruneEvents(roomId: string, through: number): Promise<number>;
  /**
   * Replaces matching events by tombstones that keep `seq` and `hubTime` (kind `erased`, empty sender and
   * message, no `expires`): the log keeps its numbering while the content is gone (DL12).
   * @param match - `sender`: every event that user sent; `expiredAt`: every event whose `expires` is at or before it
   * @returns how many events became tombstones
   */
  tombstoneEvents(match: { readonly sender: string } | { readonly expiredAt: number }): Promise<number>;
  /**
   * Stores an event under the number it carries (a follower's copy of the hub's log; numbers may arrive
   * out of order). Idempotent: the same event again is `duplicate`; a different one under a held number is
   * `conflict` and writes nothing.
   * @param roomId - the room
   * @param event - the event
   */
  insertEvent(roomId: string, event: LogEvent): Promise<InsertOutcome>;
  /**
   * Events with `seq > after`, ascending, at most `limit` (not necessarily consecutive in a follower's copy).
   * @param roomId - the room
   * @param after - exclusive lower bound
   * @param limit - most events returned
   */
  events(roomId: string, after: number, limit: number): Promise<LogEvent[]>;
  /**
   * {@link StoreTransaction.events} for several rooms at once (one statement in SQL): what fanout reads per tick.
   * @param ranges - one per room: events with `seq > after`, at most `limit`
   * @returns the events per room (rooms without any are absent)
   */
  eventsMany(ranges: readonly { readonly roomId: string; readonly after: number; readonly limit: number }[]): Promise<Map<string, LogEvent[]>>;
  /**
   * Highest sequence number held for the room (0 when none).
   * @param roomId - the room
   */
  lastSeq(roomId: string): Promise<number>;
  /**
   * Adds a key package for a user's client.
   * @param user - user URI
   * @param entry - client and key package
   */
  addKeyPackage(user: string, entry: StoredKeyPackage): Promise<void>;
  /**
   * Takes (removes and returns) the oldest key package of each of the user's clients that `judge` says
   * `'take'` to (every package when `judge` is absent); the others stay. Key material given in one response
   * is never given in another (draft-ietf-mimi-protocol-06 §5.2, DL7): the read and the delete are one step
   * of the transaction, serialized against other claims for the user.
   * @param user - user URI
   * @param judge - per package, oldest first: `'take'`, `'incompatible'` (kept, the client counts as
   *   nothingCompatible), `'unusable'` (kept, counts as no package: not valid yet) or `'discard'` (removed,
   *   counts as no package: expired). Packages after a client's taken one are not judged.
   * @returns per client, sorted by client URI: `claimed` (one taken), `incompatible` (none taken, at least one
   *   judged incompatible: the newest such package, for its capabilities), else `exhausted`
   */
  claimKeyPackages(user: string, judge: KeyPackageJudge): Promise<KeyPackageClaimResult>;
  /**
   * Removes every key package and client registration of a user (erasure).
   * @param user - user URI
   * @returns how many key packages were removed
   */
  removeUser(user: string): Promise<number>;
  /**
   * Every room id that has a log here, ascending.
   */
  logRooms(): Promise<string[]>;
  /**
   * Locks the hub records (`Namespace.room`) of several rooms, in id order, and reads each log's head: the
   * start of a hub's write batch in one round trip (DL13). Rooms without a record are absent from the answer.
   * @param roomIds - the rooms
   */
  lockRooms(roomIds: readonly string[]): Promise<Map<string, RoomHead>>;
  /**
   * {@link StoreTransaction.appendEvents} for several rooms at once (one statement in SQL).
   * @param batches - events per room, in order
   * @returns the first sequence number given, per room
   */
  appendMany(batches: ReadonlyMap<string, readonly NewEvent[]>): Promise<Map<string, number>>;
  /**
   * The highest sequence number of every log held (rooms without events are absent): what fanout polls.
   */
  lastSeqs(): Promise<Map<string, number>>;
}

/** A room's hub record and the head of its log, as {@link StoreTransaction.lockRooms} reads them. */
export interface RoomHead {
  /** The `Namespace.room` value. */
  readonly record: Uint8Array;
  /** Highest sequence number of the log (0 when empty). */
  readonly lastSeq: number;
  /** Hub time of that event (0 when it is not held). */
  readonly lastHubTime: number;
}

/** A store: transactions and closing. */
export interface DeliveryStore {
  /**
   * Runs `fn` as one transaction: all its writes happen or (when it throws) none does. Transactions of one
   * store never interleave.
   * @param fn - the work
   * @returns what `fn` returned
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Optional (DL16): runs `fn` as one transaction that may run alongside this store's other transactions, on
   * a connection of its own, as if it came from another process. Only for work that locks the rows it changes
   * ({@link StoreTransaction.lockRooms}): the hub's write batches. Stores that serialize everything omit it.
   * @param fn - the work
   * @returns what `fn` returned
   */
  concurrentTransaction?<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** How many {@link DeliveryStore.concurrentTransaction} calls run at once (the hub's default write lanes). */
  readonly concurrency?: number;
  /** Closes the store; later calls fail with `delivery/store-closed`. */
  close(): Promise<void>;
}
