/**
 * The hub's fanout (draft-ietf-mimi-protocol-06 §5.6): for each room and each follower provider, the log's
 * events in order, as notify transactions retried with exponential backoff until acknowledged (the draft: "it
 * SHOULD retry"). Up to `window` transactions are in flight per follower (the draft: the hub "need not wait for
 * a response before sending the next"). What a follower acknowledged is durable (a cursor in the store); what
 * is in flight is not, so a restarted hub resends from the cursor and the follower deduplicates.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { decodeCursor, decodeHubRoom, encodeCursor, key, type FollowerEntry } from './records.js';
import { Namespace, type DeliveryStore } from './store/types.js';
import type { Clock, FollowerTransport, LogEvent } from './types.js';

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
  readonly events: readonly LogEvent[];
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
  readonly domain: string;
  acked: number;
  sentThrough: number;
  inflight: Batch[];
  persisting: Promise<void>;
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
}

/** @internal The fanout engine of one hub process. */
export class Fanout {
  private readonly targets = new Map<string, Target>();
  private stopped = false;

  constructor(private readonly o: FanoutOptions) {}

  /** @internal Sends what is due: new events, retries, timed-out transactions. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.o.clock.now();
    const work = await this.o.store.transaction(async (tx) => {
      const out: { target: Target; limit: number; fresh: LogEvent[][] }[] = [];
      for (const roomId of await tx.keys(Namespace.room)) {
        const record = decodeHubRoom((await tx.get(Namespace.room, roomId))!);
        const lastSeq = await tx.lastSeq(roomId);
        for (const entry of record.followers) {
          const target = await this.target(roomId, entry, async () => decodeCursor(await tx.get(Namespace.fanout, key(roomId, entry.domain))));
          const limit = entry.until ?? lastSeq;
          const fresh: LogEvent[][] = [];
          let through = target.sentThrough;
          for (let n = target.inflight.length; n < this.o.window && through < limit; n++) {
            const events = (await tx.events(roomId, through, Math.min(this.o.batchSize, limit - through))).filter((e) => e.seq <= limit);
            if (events.length === 0) break;
            fresh.push(events);
            through = events[events.length - 1]!.seq;
          }
          out.push({ target, limit, fresh });
        }
      }
      return out;
    });
    for (const { target, fresh } of work) {
      for (const b of target.inflight) {
        if (b.acked) continue;
        if (b.sending && now >= b.dueAt) this.failed(b, b.generation, now);
        if (!b.sending && now >= b.dueAt) this.send(target, b);
      }
      for (const events of fresh) {
        const first = events[0]!.seq;
        const last = events[events.length - 1]!.seq;
        if (first !== target.sentThrough + 1) continue; // another tick got there first
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
        const record = decodeHubRoom((await tx.get(Namespace.room, roomId))!);
        const lastSeq = await tx.lastSeq(roomId);
        for (const entry of record.followers) {
          const acked = Math.max(decodeCursor(await tx.get(Namespace.fanout, key(roomId, entry.domain))), entry.from - 1);
          n += Math.max(0, (entry.until ?? lastSeq) - acked);
        }
      }
      return n;
    });
  }

  /** @internal Stops sending (a hub shutting down); in-flight answers are still recorded. */
  stop(): void {
    this.stopped = true;
  }

  /** @internal Waits for acknowledgements being written. */
  async flush(): Promise<void> {
    await Promise.all([...this.targets.values()].map((t) => t.persisting));
  }

  private async target(roomId: string, entry: FollowerEntry, cursor: () => Promise<number>): Promise<Target> {
    const id = key(roomId, entry.domain);
    let t = this.targets.get(id);
    const start = Math.max(await cursor(), entry.from - 1);
    if (!t) {
      t = { roomId, domain: entry.domain, acked: start, sentThrough: start, inflight: [], persisting: Promise.resolve() };
      this.targets.set(id, t);
    } else if (t.inflight.length === 0 && start > t.sentThrough) {
      // The follower (re)joined later in the log: skip what it is not sent.
      t.acked = t.sentThrough = start;
    }
    return t;
  }

  private send(target: Target, batch: Batch): void {
    if (this.stopped) return;
    batch.sending = true;
    batch.generation++;
    batch.dueAt = this.o.clock.now() + this.o.retry.timeoutMs;
    const generation = batch.generation;
    let p: Promise<void>;
    try {
      p = this.o.transport.notify(target.domain, { hub: this.o.hub, roomId: target.roomId, txn: batch.txn, events: batch.events });
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
    const seq = target.acked;
    const id = key(target.roomId, target.domain);
    target.persisting = target.persisting.then(() =>
      this.o.store
        .transaction(async (tx) => {
          if (decodeCursor(await tx.get(Namespace.fanout, id)) < seq) await tx.put(Namespace.fanout, id, encodeCursor(seq));
        })
        .catch((e: unknown) => {
          // A closed store (hub stopped) loses only an acknowledgement: the follower deduplicates the resend.
          if (!(e instanceof MimiError)) throw e;
        }),
    );
  }
}
