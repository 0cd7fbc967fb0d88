/**
 * @internal The newest events of each room as one SQLite connection last saw them (DL17), so that the fanout
 * and clients, which read what was just written, do not decode the rows again. An entry holds a room's events
 * `first…last` without gaps, and `last` is the room's highest stored number: every read after `first - 1`
 * is answered in full from it. The store keeps it true: its own appends extend an entry at COMMIT (a rolled
 * back transaction changes nothing), anything else that changes a room's events drops the entry, and a commit
 * by another connection (`PRAGMA data_version` moved) drops them all. Entries are bounded per room and in
 * total bytes; events go in and out as copies, so no caller can change what another reads.
 *
 * @module
 */
import type { LogEvent } from '../types.js';
import { copyEvent } from '../validate.js';

interface Tail {
  first: number;
  readonly events: LogEvent[];
  bytes: number;
}

/** @internal Bounds of a {@link TailCache}. */
export interface TailCacheLimits {
  /** Most events kept per room (trimmed to half of it when full). */
  readonly perRoom: number;
  /** Message bytes kept in all (rooms least recently used go first). */
  readonly bytes: number;
}

const DEFAULT_LIMITS: TailCacheLimits = { perRoom: 512, bytes: 16 * 1024 * 1024 };

/** @internal See the module comment. */
export class TailCache {
  private readonly tails = new Map<string, Tail>();
  private bytes = 0;

  constructor(private readonly limits: TailCacheLimits = DEFAULT_LIMITS) {}

  /** Forgets everything (another connection wrote, or many rooms changed at once). */
  clear(): void {
    this.tails.clear();
    this.bytes = 0;
  }

  /** Forgets one room. */
  drop(roomId: string): void {
    const t = this.tails.get(roomId);
    if (t === undefined) return;
    this.tails.delete(roomId);
    this.bytes -= t.bytes;
  }

  /**
   * The room's events after `after`, at most `limit`, when the entry answers the read in full; otherwise
   * undefined (read the database).
   */
  read(roomId: string, after: number, limit: number): LogEvent[] | undefined {
    const t = this.tails.get(roomId);
    if (t === undefined || after < t.first - 1) return undefined;
    this.touch(roomId, t);
    const from = after - t.first + 1;
    return t.events.slice(from, from + limit).map(copyEvent);
  }

  /**
   * A committed append: the room's log went from `lastBefore` to the end of `events` (consecutive numbers).
   * An entry that ended at `lastBefore` grows; without one, the events start one.
   */
  appended(roomId: string, lastBefore: number, events: readonly LogEvent[]): void {
    this.adopt(roomId, lastBefore, events.map(copyEvent));
  }

  /**
   * A read from the database that reached the end of the room's log, its events already copied: if they are
   * consecutive they start an entry (a follower's copy, written by inserts, is cached this way).
   */
  learned(roomId: string, owned: readonly LogEvent[]): void {
    if (owned.length === 0 || this.tails.has(roomId)) return;
    for (let i = 1; i < owned.length; i++) if (owned[i]!.seq !== owned[i - 1]!.seq + 1) return;
    this.adopt(roomId, owned[0]!.seq - 1, owned);
  }

  /** {@link TailCache.appended} with events the cache may keep as they are. */
  private adopt(roomId: string, lastBefore: number, events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    let t = this.tails.get(roomId);
    if (t !== undefined && t.first + t.events.length - 1 !== lastBefore) {
      this.drop(roomId);
      t = undefined;
    }
    if (t === undefined) {
      t = { first: events[0]!.seq, events: [], bytes: 0 };
      this.tails.set(roomId, t);
    } else this.touch(roomId, t);
    for (const e of events) {
      t.events.push(e);
      t.bytes += size(e);
      this.bytes += size(e);
    }
    this.trim(roomId, t);
  }

  /** The number of the newest event of the room's entry, and its first; undefined without one. */
  span(roomId: string): { first: number; last: number } | undefined {
    const t = this.tails.get(roomId);
    return t === undefined ? undefined : { first: t.first, last: t.first + t.events.length - 1 };
  }

  private touch(roomId: string, t: Tail): void {
    this.tails.delete(roomId);
    this.tails.set(roomId, t);
  }

  private trim(roomId: string, t: Tail): void {
    // Trimmed in halves, not one event per append: moving up the array is then rare.
    const extra = t.events.length > this.limits.perRoom ? t.events.length - this.limits.perRoom / 2 : 0;
    if (extra > 0) {
      for (const e of t.events.splice(0, extra)) {
        t.bytes -= size(e);
        this.bytes -= size(e);
      }
      t.first += extra;
    }
    for (const [id] of this.tails) {
      if (this.bytes <= this.limits.bytes) break;
      if (id !== roomId) this.drop(id);
    }
    if (this.bytes > this.limits.bytes) this.drop(roomId);
  }
}

function size(e: LogEvent): number {
  return e.message.length + 64;
}

/**
 * @internal What one transaction does to the cache: its appends wait for COMMIT ({@link TailTransaction.commit}),
 * a room it changed otherwise is dropped then, and it reads from the cache only rooms it has not written.
 */
export class TailTransaction {
  /** Per room written: the events appended after `lastBefore`, or null (drop the room at commit). */
  private readonly staged = new Map<string, { readonly lastBefore: number; readonly events: LogEvent[] } | null>();
  /** Per room read to the end of its log: the events, copied (they may start an entry at commit). */
  private readonly reads = new Map<string, LogEvent[]>();
  private cleared = false;
  private checked = false;

  /**
   * @param cache - the connection's cache
   * @param changedElsewhere - whether another connection committed since this was last asked (data_version)
   */
  constructor(
    private readonly cache: TailCache,
    private readonly changedElsewhere: () => boolean,
  ) {}

  /** Events appended after `lastBefore` with consecutive numbers (the hub's log). */
  appended(roomId: string, lastBefore: number, events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    const s = this.staged.get(roomId);
    if (s === null) return;
    if (s === undefined) this.staged.set(roomId, { lastBefore, events: [...events] });
    else s.events.push(...events);
  }

  /** One event inserted under its number (a follower's copy): it continues the entry or the entry goes. */
  inserted(roomId: string, event: LogEvent): void {
    const s = this.staged.get(roomId);
    if (s === null) return;
    if (s !== undefined) {
      if (s.events[s.events.length - 1]!.seq === event.seq - 1) s.events.push(event);
      else this.staged.set(roomId, null);
      return;
    }
    this.fresh();
    const span = this.cache.span(roomId);
    if (span !== undefined && span.last === event.seq - 1) this.staged.set(roomId, { lastBefore: span.last, events: [event] });
    // An older event filled in below the entry leaves it true; anything else may leave a hole in it.
    else if (span === undefined || event.seq > span.last) this.staged.set(roomId, null);
  }

  /** The room's events changed some other way (retention pruned them). */
  dropped(roomId: string): void {
    this.staged.set(roomId, null);
  }

  /** Events of any room changed (tombstones). */
  clearAll(): void {
    this.cleared = true;
  }

  /** The cache's answer, for a room this transaction has not written. */
  read(roomId: string, after: number, limit: number): LogEvent[] | undefined {
    if (this.cleared || this.staged.has(roomId)) return undefined;
    this.fresh();
    return this.cache.read(roomId, after, limit);
  }

  /** A database read of the room's events (it may start an entry at commit). */
  learned(roomId: string, events: LogEvent[], reachedEnd: boolean): void {
    if (reachedEnd && events.length > 0) this.reads.set(roomId, events.map(copyEvent));
  }

  /** Before COMMIT: the cache is checked against other connections while the write lock is still held. */
  beforeCommit(): void {
    if (this.staged.size > 0 || this.reads.size > 0) this.fresh();
  }

  /** After COMMIT: what this transaction did becomes what the cache holds. */
  commit(): void {
    if (this.cleared) return this.cache.clear();
    for (const [roomId, s] of this.staged) {
      if (s === null) this.cache.drop(roomId);
      else this.cache.appended(roomId, s.lastBefore, s.events);
    }
    for (const [roomId, events] of this.reads) if (!this.staged.has(roomId)) this.cache.learned(roomId, events);
  }

  private fresh(): void {
    if (this.checked) return;
    this.checked = true;
    if (this.changedElsewhere()) this.cache.clear();
  }
}
