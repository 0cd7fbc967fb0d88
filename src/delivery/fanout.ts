/**
 * The hub's fanout (draft-ietf-mimi-protocol-06 §5.6): for each room and each follower provider, the log's
 * events in order, as notify transactions retried with exponential backoff until acknowledged (the draft: "it
 * SHOULD retry"). Up to `window` transactions are in flight per follower (the draft: the hub "need not wait for
 * a response before sending the next"). What a follower acknowledged is durable (a cursor in the store, written
 * with the next tick: DL17); what is in flight is not, so a restarted hub resends from the cursor and the
 * follower deduplicates.
 *
 * Several hub processes on one store share the fanout by leases (DL10): a process fans out a room only while it
 * holds the room's lease (`Namespace.lease`, renewed each tick, expiring after `leaseMs`). When a process dies
 * mid-stream its leases expire and another process takes them over, resuming from the durable cursors.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { decodeCursor, decodeHubRoom, encodeCursor, key, type FollowerEntry } from './records.js';
import { Namespace, type DeliveryStore, type StoreTransaction } from './store/types.js';
import type { Clock, FollowerTransport, LogEvent } from './types.js';
import { tombstone } from './validate.js';

/** Retry timing of fanout transactions. */
export interface RetryPolicy {
  /** Delay before the first retry, ms (doubles per attempt). */
  readonly initialMs: number;
  /** Longest delay between retries, ms. */
  readonly maxMs: number;
  /** A transaction not answered within this many ms counts as failed. */
  readonly timeoutMs: number;
}

/**
 * The default {@link RetryPolicy}: 250 ms doubling to 60 s, 30 s timeout.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY } from 'mimi-kit/delivery';
 * DEFAULT_RETRY.initialMs; // 250
 * ```
 */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ initialMs: 250, maxMs: 60_000, timeoutMs: 30_000 });

/**
 * The delay before retry number `attempt` (1 = first retry): `initialMs · 2^(attempt−1)`, at most `maxMs`.
 *
 * @param policy - the retry policy
 * @param attempt - 1, 2, …
 * @returns ms
 * @example
 * ```ts
 * import { backoffDelay, DEFAULT_RETRY } from 'mimi-kit/delivery';
 * backoffDelay(DEFAULT_RETRY, 3); // 1000
 * ```
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 40));
}

interface Batch {
  readonly txn: string;
  /** Replaced by {@link Fanout.erase} when the hub tombstones one of them before it is acknowledged. */
  events: readonly LogEvent[];
  readonly last: number;
  attempt: number;
  sending: boolean;
  acked: boolean;
  /** When sending: the timeout; when waiting: the next attempt. */
  dueAt: number;
  /** Increments per send, so a late failure of an earlier attempt is ignored. */
  generation: number;
}

interface Target {
  readonly roomId: string;
  /** The follower entry's start this target was built for (a rejoin moves it). */
  from: number;
  readonly domain: string;
  acked: number;
  sentThrough: number;
  inflight: Batch[];
}

/** @internal Options of {@link Fanout}. */
export interface FanoutOptions {
  readonly hub: string;
  readonly store: DeliveryStore;
  readonly clock: Clock;
  readonly transport: FollowerTransport;
  readonly retry: RetryPolicy;
  readonly batchSize: number;
  readonly window: number;
  readonly leaseMs: number;
  readonly owner: string;
}

interface RoomView {
  lastSeq: number;
  followers: readonly FollowerEntry[];
  historySeconds: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function decodeLease(bytes: Uint8Array): { owner: string; until: number } | undefined {
  try {
    const v = JSON.parse(dec.decode(bytes)) as { owner?: unknown; until?: unknown };
    if (typeof v.owner === 'string' && typeof v.until === 'number') return { owner: v.owner, until: v.until };
  } catch {
    // an unreadable lease counts as expired: it is rewritten
  }
  return undefined;
}

/** @internal The fanout engine of one hub process. */
export class Fanout {
  private readonly targets = new Map<string, Target>();
  /** Rooms whose lease this process holds, and until when. */
  private readonly leases = new Map<string, number>();
  /** Rooms whose lease another process holds, and when to look at it again. */
  private readonly foreign = new Map<string, number>();
  private readonly rooms = new Map<string, RoomView>();
  /** Acknowledged cursors not yet written, by `roomId \u0000 follower`. */
  private readonly dirty = new Map<string, number>();
  private persist: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: FanoutOptions) {}

  /** @internal Sends what is due: new events, retries, timed-out transactions. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.o.clock.now();
    const took = new Map<string, number>();
    // Acknowledged cursors ride on the tick's transaction (DL17), not one transaction per acknowledgement.
    const acks = [...this.dirty];
    this.dirty.clear();
    const work = await this.o.store.transaction(async (tx) => {
      took.clear(); // a transaction re-run (PostgreSQL deadlock) decides again
      const out: { target: Target; fresh: { after: number; events: LogEvent[] }[] }[] = [];
      if (acks.length > 0) await tx.putMany(Namespace.fanout, acks.map(([id, seq]): [string, Uint8Array] => [id, encodeCursor(seq)]));
      // A tick reads in a few statements whatever the number of rooms: the heads, the records that changed,
      // and the due events of every room at once (DL13).
      const heads = await tx.lastSeqs();
      const mine: string[] = [];
      const renew: string[] = [];
      for (const roomId of await tx.keys(Namespace.room)) {
        const held = this.leases.get(roomId);
        if (held !== undefined && held > now) {
          // Still ours: renewed at half time, all in one statement (nobody may take an unexpired lease).
          if (held - now <= this.o.leaseMs / 2) renew.push(roomId);
          mine.push(roomId);
        } else if ((this.foreign.get(roomId) ?? 0) > now) {
          continue; // another process's, looked at again later
        } else if (await this.holdLease(tx, roomId, now, took)) mine.push(roomId);
      }
      if (renew.length > 0) {
        const value = enc.encode(JSON.stringify({ owner: this.o.owner, until: now + this.o.leaseMs }));
        await tx.putMany(Namespace.lease, renew.map((roomId): [string, Uint8Array] => [roomId, value]));
        for (const roomId of renew) took.set(roomId, now + this.o.leaseMs);
      }
      // The record changes only with a commit, which also appends: reread it only when the log grew.
      const stale = mine.filter((roomId) => this.rooms.get(roomId)?.lastSeq !== (heads.get(roomId) ?? 0));
      for (const [roomId, bytes] of await tx.getMany(Namespace.room, stale)) {
        const record = decodeHubRoom(bytes, roomId);
        this.rooms.set(roomId, { lastSeq: heads.get(roomId) ?? 0, followers: record.followers, historySeconds: record.snapshot.historySeconds });
        for (const entry of record.followers) await this.target(roomId, entry, async () => decodeCursor(await tx.get(Namespace.fanout, key(roomId, entry.domain))));
      }
      const plans: { roomId: string; due: { target: Target; limit: number }[]; from: number; to: number }[] = [];
      for (const roomId of mine) {
        const view = this.rooms.get(roomId);
        if (view === undefined) continue;
        const due = view.followers
          .map((entry) => ({ target: this.targets.get(key(roomId, entry.domain))!, limit: entry.until ?? view.lastSeq }))
          .filter(({ target, limit }) => target.sentThrough < limit && target.inflight.length < this.o.window);
        if (due.length === 0) continue;
        // One read per room serves every follower: from the least advanced one, as far as the windows reach.
        const from = Math.min(...due.map((d) => d.target.sentThrough));
        const to = Math.max(...due.map((d) => Math.min(d.limit, d.target.sentThrough + (this.o.window - d.target.inflight.length) * this.o.batchSize)));
        plans.push({ roomId, due, from, to });
      }
      const logs = await tx.eventsMany(plans.map((p) => ({ roomId: p.roomId, after: p.from, limit: p.to - p.from })));
      for (const { roomId, due } of plans) {
        const log = logs.get(roomId) ?? [];
        for (const { target, limit } of due) {
          const fresh: { after: number; events: LogEvent[] }[] = [];
          let through = target.sentThrough;
          let i = log.findIndex((e) => e.seq > through);
          for (let n = target.inflight.length; n < this.o.window && through < limit && i >= 0 && i < log.length; n++) {
            const events: LogEvent[] = [];
            while (i < log.length && events.length < this.o.batchSize && log[i]!.seq <= limit) events.push(log[i++]!);
            if (events.length === 0) break;
            // Numbers below the first held one were removed by retention (DL11): the follower learns it from history.
            fresh.push({ after: through, events });
            through = events[events.length - 1]!.seq;
          }
          if (fresh.length > 0) out.push({ target, fresh });
        }
      }
      return out;
    }).catch((e: unknown) => {
      this.markAcked(acks); // written with a later tick, or by flush
      throw e;
    });
    for (const [roomId, until] of took) this.leases.set(roomId, until);
    for (const target of this.targets.values()) {
      if (!this.leases.has(target.roomId)) continue;
      for (const b of target.inflight) {
        if (b.acked) continue;
        if (b.sending && now >= b.dueAt) this.failed(b, b.generation, now);
        if (!b.sending && now >= b.dueAt) this.send(target, b);
      }
    }
    for (const { target, fresh } of work) {
      for (const { after, events } of fresh) {
        const first = events[0]!.seq;
        const last = events[events.length - 1]!.seq;
        if (after !== target.sentThrough) continue; // another tick got there first
        const batch: Batch = {
          txn: `${this.o.hub} ${target.roomId} ${first}-${last}`,
          events,
          last,
          attempt: 0,
          sending: false,
          acked: false,
          dueAt: now,
          generation: 0,
        };
        target.inflight.push(batch);
        target.sentThrough = last;
        this.send(target, batch);
      }
    }
  }

  /** @internal Events not yet acknowledged by some follower (0 when everything is delivered). */
  async backlog(): Promise<number> {
    return this.o.store.transaction(async (tx) => {
      let n = 0;
      for (const roomId of await tx.keys(Namespace.room)) {
        const record = decodeHubRoom((await tx.get(Namespace.room, roomId))!, roomId);
        const lastSeq = await tx.lastSeq(roomId);
        for (const entry of record.followers) {
          const id = key(roomId, entry.domain);
          // This process's own acknowledgements count before a tick has written them (DL17).
          const acked = Math.max(decodeCursor(await tx.get(Namespace.fanout, id)), this.targets.get(id)?.acked ?? 0, entry.from - 1);
          n += Math.max(0, (entry.until ?? lastSeq) - acked);
        }
      }
      return n;
    });
  }

  /**
   * @internal The hub tombstoned events (erasure DL12, expiry DL11): the unacknowledged transactions holding
   * them carry tombstones from their next attempt on (HT14), so a follower that was down never receives erased
   * content. The transaction id stays: a follower that already has the original takes the tombstone as the
   * same event (DL2 `sameOrErased`) and erases its own copy on its own schedule.
   * @param erased - which held events are now tombstones
   */
  erase(erased: (e: LogEvent) => boolean): void {
    for (const target of this.targets.values()) {
      for (const b of target.inflight) {
        if (b.acked || !b.events.some((e) => e.kind !== 'erased' && erased(e))) continue;
        b.events = b.events.map((e) => (e.kind !== 'erased' && erased(e) ? tombstone(e.seq, e.hubTime) : e));
      }
    }
  }

  /** @internal Stops sending (a hub shutting down); in-flight answers are still recorded. */
  stop(): void {
    this.stopped = true;
  }

  /** @internal Writes the acknowledgements not yet written (a tick writes them otherwise). */
  async flush(): Promise<void> {
    while (this.persist) await this.persist;
    if (this.dirty.size > 0) await (this.persist = this.persistCursors().finally(() => (this.persist = undefined)));
  }

  /** @internal Gives up this process's leases (a graceful stop: another process takes over at once). */
  async releaseLeases(): Promise<void> {
    const rooms = [...this.leases.keys()];
    if (rooms.length === 0) return;
    await this.o.store
      .transaction(async (tx) => {
        for (const roomId of rooms) {
          const bytes = await tx.getForUpdate(Namespace.lease, roomId);
          if (bytes !== undefined && decodeLease(bytes)?.owner === this.o.owner) await tx.delete(Namespace.lease, roomId);
        }
      })
      .catch((e: unknown) => {
        // A closed store: the leases simply expire.
        if (!(e instanceof MimiError)) throw e;
      });
    for (const roomId of rooms) this.release(roomId);
  }

  private async target(roomId: string, entry: FollowerEntry, cursor: () => Promise<number>): Promise<Target> {
    const id = key(roomId, entry.domain);
    let t = this.targets.get(id);
    if (t && t.from === entry.from) return t;
    const start = Math.max(await cursor(), entry.from - 1);
    if (!t) {
      t = { roomId, from: entry.from, domain: entry.domain, acked: start, sentThrough: start, inflight: [] };
      this.targets.set(id, t);
    } else {
      t.from = entry.from;
      if (t.inflight.length === 0 && start > t.sentThrough) {
        // The follower (re)joined later in the log: skip what it is not sent.
        t.acked = t.sentThrough = start;
      }
    }
    return t;
  }

  /**
   * Whether this process may fan out the room now (DL10): it holds an unexpired lease, or takes one that is
   * absent or expired (the row is locked while deciding, so two processes never both take it). A lease is
   * renewed when half of it has run. Taking one (first, or back from another process) restarts the room's
   * targets from the durable cursors.
   */
  private async holdLease(tx: StoreTransaction, roomId: string, now: number, took: Map<string, number>): Promise<boolean> {
    const held = this.leases.get(roomId);
    // Written only once the transaction commits (`took`), so a rolled-back taking is never believed.
    const bytes = await tx.getForUpdate(Namespace.lease, roomId);
    const current = bytes === undefined ? undefined : decodeLease(bytes);
    if (current && current.owner !== this.o.owner && current.until > now) {
      if (held !== undefined) this.release(roomId);
      // Looked at again after a fifth of a lease at most: a lease given up by a graceful stop is taken soon.
      this.foreign.set(roomId, Math.min(current.until, now + this.o.leaseMs / 5));
      return false;
    }
    this.foreign.delete(roomId);
    const value = enc.encode(JSON.stringify({ owner: this.o.owner, until: now + this.o.leaseMs }));
    if (bytes === undefined) {
      if (!(await tx.putIfAbsent(Namespace.lease, roomId, value))) return false;
    } else await tx.put(Namespace.lease, roomId, value);
    if (held === undefined || current?.owner !== this.o.owner) this.release(roomId);
    took.set(roomId, now + this.o.leaseMs);
    return true;
  }

  /** Forgets the room's targets: they are rebuilt from the durable cursors when the lease is (re)taken. */
  private release(roomId: string): void {
    this.leases.delete(roomId);
    this.rooms.delete(roomId);
    for (const [id, t] of this.targets) if (t.roomId === roomId) this.targets.delete(id);
  }

  private send(target: Target, batch: Batch): void {
    if (this.stopped) return;
    batch.sending = true;
    batch.generation++;
    batch.dueAt = this.o.clock.now() + this.o.retry.timeoutMs;
    const generation = batch.generation;
    let p: Promise<void>;
    try {
      const historySeconds = this.rooms.get(target.roomId)?.historySeconds ?? 0;
      p = this.o.transport.notify(target.domain, { hub: this.o.hub, roomId: target.roomId, txn: batch.txn, events: batch.events, historySeconds });
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      () => this.acked(target, batch),
      () => this.failed(batch, generation, this.o.clock.now()),
    );
  }

  private failed(batch: Batch, generation: number, now: number): void {
    if (batch.acked || !batch.sending || batch.generation !== generation) return;
    batch.sending = false;
    batch.attempt++;
    batch.dueAt = now + backoffDelay(this.o.retry, batch.attempt);
  }

  private acked(target: Target, batch: Batch): void {
    if (batch.acked) return;
    batch.acked = true;
    batch.sending = false;
    let advanced = false;
    while (target.inflight[0]?.acked) {
      target.acked = target.inflight.shift()!.last;
      advanced = true;
    }
    if (!advanced) return;
    if (this.leases.has(target.roomId)) this.markAcked([[key(target.roomId, target.domain), target.acked]]);
  }

  private markAcked(cursors: readonly (readonly [string, number])[]): void {
    for (const [id, seq] of cursors) this.dirty.set(id, Math.max(this.dirty.get(id) ?? 0, seq));
  }

  /**
   * Writes the acknowledged cursors in one statement (at a stop; ticks write them otherwise). Only the lease
   * holder writes a room's cursors; a process that lost a lease without noticing (paused past its expiry)
   * could still write an older cursor, which only makes the new holder resend what followers deduplicate (DL10).
   */
  private async persistCursors(): Promise<void> {
    while (this.dirty.size > 0) {
      const batch = [...this.dirty].map(([id, seq]): [string, Uint8Array] => [id, encodeCursor(seq)]);
      this.dirty.clear();
      await this.o.store
        .transaction((tx) => tx.putMany(Namespace.fanout, batch))
        .catch((e: unknown) => {
          // A closed store (hub stopped) loses only acknowledgements: the follower deduplicates the resend.
          if (!(e instanceof MimiError)) throw e;
        });
    }
  }
}
