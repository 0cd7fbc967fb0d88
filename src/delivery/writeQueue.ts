/**
 * @internal The hub's group commit (docs/decisions.md DL13) over write lanes (DL16): accepted updates and
 * submits are queued per lane, each lane writes one batch at a time as one store transaction (lock the
 * batch's rooms, apply each request in arrival order on the locked records, write records and Welcomes, then
 * the events), and lanes hold disjoint rooms, so a store that offers `concurrentTransaction` runs them side by
 * side. Requests are the hub's; this module only batches, orders and writes them.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { decodeHubRoom, encodeHubRoom, type HubRoomRecord } from './records.js';
import { Namespace, type DeliveryStore, type NewEvent, type StoreTransaction } from './store/types.js';
import type { Clock } from './types.js';
import { queueWelcomes } from './welcome.js';

/** @internal One room's part of a write batch: the locked record, what is appended, and the batch's hub time. */
export interface RoomWork {
  record: HubRoomRecord;
  readonly last: number;
  readonly hubTime: number;
  readonly events: NewEvent[];
  changed: boolean;
  /** Welcomes to queue with the batch (HT16). */
  readonly welcomes: { readonly seq: number; readonly welcome: Uint8Array; readonly targets: Map<string, string[]> }[];
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface Write<R> {
  readonly roomId: string;
  readonly apply: (w: RoomWork) => Promise<R>;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

interface Lane<R> {
  readonly writes: Write<R>[];
  writing: boolean;
}

/** @internal What a {@link WriteQueue} writes with. */
export interface WriteQueueOptions {
  /** The hub's domain (Welcome records). */
  readonly hub: string;
  readonly store: DeliveryStore;
  readonly clock: Clock;
  /** Largest batch (requests per transaction). */
  readonly maxBatch: number;
  /** Lanes (1 unless the store runs concurrent transactions). */
  readonly lanes: number;
  /** Called after a transaction that queued Welcomes has committed. */
  readonly onWelcomesQueued: () => void;
}

/** @internal The hub's write queue. */
export class WriteQueue<R> {
  private readonly lanes: Lane<R>[];

  constructor(private readonly o: WriteQueueOptions) {
    this.lanes = Array.from({ length: o.lanes }, () => ({ writes: [], writing: false }));
  }

  /** @internal True while a lane is writing. */
  get busy(): boolean {
    return this.lanes.some((l) => l.writing);
  }

  /**
   * @internal Queues a request; `apply` runs inside its batch's transaction on the room's locked record and
   * either changes the work (events, record, Welcomes) or answers a refusal.
   */
  enqueue<T extends R>(roomId: string, apply: (w: RoomWork) => Promise<T>): Promise<T> {
    const lane = this.lanes.length === 1 ? this.lanes[0]! : this.lanes[laneOf(roomId, this.lanes.length)]!;
    return new Promise<T>((resolve, reject) => {
      lane.writes.push({ roomId, apply, resolve: resolve as (r: R) => void, reject });
      if (!lane.writing) void this.drain(lane);
    });
  }

  private async drain(lane: Lane<R>): Promise<void> {
    lane.writing = true;
    const { store } = this.o;
    // Lanes hold disjoint rooms, so their transactions lock disjoint rows and may run side by side.
    const run = this.lanes.length > 1 && store.concurrentTransaction ? store.concurrentTransaction.bind(store) : store.transaction.bind(store);
    try {
      while (lane.writes.length > 0) {
        // Let the callers just answered send their next request first, so it joins this batch (a few microtask
        // turns), and let the requests already waiting in the event loop's I/O queue arrive too (one macrotask
        // turn): with a synchronous store (SQLite) nothing else would ever join, one transaction per request.
        for (let i = 0; i < 8; i++) await Promise.resolve();
        let seen = lane.writes.length;
        await nextTurn();
        // Requests still arriving: the callers answered by the last batch are sending their next ones; another
        // turn or two lets them join this batch instead of starting the next (one transaction for both).
        for (let extra = 0; extra < EXTRA_TURNS && lane.writes.length > seen && lane.writes.length < this.o.maxBatch; extra++) {
          seen = lane.writes.length;
          await nextTurn();
        }
        const batch = lane.writes.splice(0, this.o.maxBatch);
        let written: { outcomes: Outcome<R>[]; queuedWelcomes: boolean };
        try {
          written = await run((tx) => this.writeBatch(tx, batch));
          if (written.queuedWelcomes) this.o.onWelcomesQueued();
        } catch (e) {
          for (const w of batch) w.reject(e);
          continue;
        }
        batch.forEach((w, i) => {
          const o = written.outcomes[i]!;
          if (o.ok) w.resolve(o.value);
          else w.reject(o.error);
        });
      }
    } finally {
      lane.writing = false;
    }
  }

  /**
   * One batch in one transaction: lock every room it touches (in id order, so two processes never wait on
   * each other in a cycle), apply each request in arrival order on the locked records, then write back the
   * records commits changed and the Welcomes, and append each room's events with one statement last (a store
   * may send it with the COMMIT, DL16). A request refused or failing before the writes affects only itself; a
   * store failure fails the whole batch (nothing written).
   */
  private async writeBatch(tx: StoreTransaction, batch: readonly Write<R>[]): Promise<{ outcomes: Outcome<R>[]; queuedWelcomes: boolean }> {
    const rooms = new Map<string, RoomWork>();
    const now = Math.floor(this.o.clock.now());
    for (const [roomId, head] of await tx.lockRooms([...new Set(batch.map((w) => w.roomId))])) {
      // Hub time never goes before the room's last event, even if the clock steps back (DL1).
      rooms.set(roomId, { record: decodeHubRoom(head.record, roomId), last: head.lastSeq, hubTime: Math.max(now, head.lastHubTime), events: [], changed: false, welcomes: [] });
    }
    const out: Outcome<R>[] = [];
    for (const w of batch) {
      const work = rooms.get(w.roomId);
      if (!work) {
        out.push({ ok: false, error: new MimiError('delivery/no-such-room', `no room ${w.roomId}`) });
        continue;
      }
      try {
        out.push({ ok: true, value: await w.apply(work) });
      } catch (e) {
        out.push({ ok: false, error: e });
      }
    }
    let queuedWelcomes = false;
    for (const [roomId, work] of rooms) {
      if (work.changed) await tx.put(Namespace.room, roomId, encodeHubRoom(work.record));
      if (work.welcomes.length > 0) queuedWelcomes = true;
      for (const w of work.welcomes) await queueWelcomes(tx, { hub: this.o.hub, roomId, seq: w.seq, hubTime: work.hubTime, welcome: w.welcome }, w.targets);
    }
    const firsts = await tx.appendMany(new Map([...rooms].filter(([, w]) => w.events.length > 0).map(([id, w]) => [id, w.events])));
    for (const [roomId, work] of rooms) {
      // The room's lock makes this process the only appender: anything else is a store fault.
      if (work.events.length > 0 && firsts.get(roomId) !== work.last + 1) {
        throw new MimiError('delivery/corrupt-store', `room ${roomId}: expected sequence ${work.last + 1}, got ${String(firsts.get(roomId))}`);
      }
    }
    return { outcomes: out, queuedWelcomes };
  }
}

/** Turns a batch waits beyond the first while requests keep arriving (DL17). */
const EXTRA_TURNS = 2;

/** DL16: the lane of a room (FNV-1a of its id), the same in every process. */
function laneOf(roomId: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < roomId.length; i++) h = Math.imul(h ^ roomId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/** One macrotask turn: `setImmediate` on Node (after pending I/O callbacks), else a zero timeout. */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
