/**
 * A follower provider (draft-ietf-mimi-protocol-06 §5.6): receives a room's fanout from its hub, deduplicates
 * by transaction (the draft's duplicate-notify rule, with DL2's explicit ids) and by event (DL1's sequence
 * number), holds out-of-order events until the gap fills, fetches from the hub what stays missing (DL3), and
 * hands each of its clients every event in order from a durable cursor the client acknowledges.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { decodeCursor, decodeFollowedRoom, encodeCursor, encodeFollowedRoom, key, type FollowedRoomRecord } from './records.js';
import { Namespace, type DeliveryStore, type StoreTransaction } from './store/types.js';
import { DEFAULT_DELIVERY_LIMITS, type Clock, type DeliveryLimits, type HistoryPage, type HubTransport, type LogEvent, type NotifyRequest, type WelcomeRequest } from './types.js';
import { checkBytes, checkCount, checkEvent, checkId } from './validate.js';
import { dropWelcomes, heldWelcomes, holdWelcome, takeWelcome, type HeldWelcome } from './welcome.js';
import { lastBefore, type ErasureReport, type SweepReport } from './retention.js';

/** Options of a {@link Follower}. */
export interface FollowerOptions {
  /** This provider's domain (sent as the requester of history). */
  readonly domain: string;
  /** Where the rooms' copies, cursors and seen transactions live. */
  readonly store: DeliveryStore;
  /** Time, for gap timeouts. */
  readonly clock: Clock;
  /** Reaches hubs for history. */
  readonly hubs: HubTransport;
  /** A gap older than this many ms is fetched from the hub (default 2000). */
  readonly gapTimeoutMs?: number;
  /** Events per history request (default 256). */
  readonly historyPage?: number;
  /** Input bounds (default {@link DEFAULT_DELIVERY_LIMITS}). */
  readonly limits?: Partial<DeliveryLimits>;
  /**
   * The provider's scrollback (DL11): events older than `seconds` are removed from its copy at each sweep
   * (default: kept, persistent scrollback); {@link Follower.tick} sweeps every `sweepEveryMs` (default 60 000; 0: never).
   */
  readonly retention?: { readonly seconds?: number; readonly sweepEveryMs?: number };
  /**
   * True when this provider's own {@link Hub} (same `domain`) keeps its room logs in this same store (as
   * `mimi serve` does): the events of the rooms it hubs are then already held when it notifies, so they are
   * not copied (nor compared with themselves), only delivered (DL17). Default false.
   */
  readonly sharesStoreWithHub?: boolean;
}

/** What a client is handed by {@link Follower.next}. */
export interface ClientBatch {
  /** The next events in order, none handed before in this process, none acknowledged. */
  readonly events: readonly LogEvent[];
  /**
   * False when the room's history as held here starts after 1: the hub withheld earlier events under the
   * room's history policy. The client can show "earlier messages are not available".
   */
  readonly complete: boolean;
  /** First sequence number held for the room. */
  readonly firstSeq: number;
}

/**
 * A follower. `notify` is the endpoint the hub calls; call {@link Follower.tick} on a timer to fetch gaps.
 *
 * @example
 * ```ts
 * import { Follower, MemoryStore } from 'mimi-kit/delivery';
 * const follower = new Follower({ domain: 'b.example', store: new MemoryStore(), clock: Date, hubs });
 * await follower.notify('a.example', request);          // 201
 * const batch = await follower.next('bob-phone', roomId);
 * await follower.ack('bob-phone', roomId, batch.events.at(-1)!.seq);
 * ```
 */
export class Follower {
  /** This provider's domain. */
  readonly domain: string;
  private readonly store: DeliveryStore;
  private readonly clock: Clock;
  private readonly hubs: HubTransport;
  private readonly gapTimeoutMs: number;
  private readonly historyPage: number;
  private readonly limits: DeliveryLimits;
  /** Rooms with a hole after `contiguous`, and since when (not persisted: a restart restarts the timer). */
  private readonly gaps = new Map<string, number>();
  /** Per client and room: the highest sequence number handed in this process. */
  private readonly handed = new Map<string, number>();
  private scanned = false;
  private fetching = false;
  private readonly retentionSeconds: number;
  private readonly sweepEveryMs: number;
  private nextSweep: number | undefined;
  private readonly sharesStoreWithHub: boolean;

  /**
   * Creates a follower on its store (a restart is a new follower on the same store).
   * @param options - store, clock, hub transport and tuning
   */
  constructor(options: FollowerOptions) {
    this.limits = { ...DEFAULT_DELIVERY_LIMITS, ...options.limits };
    this.domain = checkId(options.domain, 'domain', this.limits);
    this.store = options.store;
    this.clock = options.clock;
    this.hubs = options.hubs;
    this.gapTimeoutMs = checkCount(options.gapTimeoutMs ?? 2000, 'gapTimeoutMs', 0);
    this.historyPage = checkCount(options.historyPage ?? 256, 'historyPage', 1, this.limits.maxHistoryPage);
    this.retentionSeconds = checkCount(options.retention?.seconds ?? Number.MAX_SAFE_INTEGER, 'retention.seconds', 0);
    this.sweepEveryMs = checkCount(options.retention?.sweepEveryMs ?? 60_000, 'retention.sweepEveryMs', 0);
    this.sharesStoreWithHub = options.sharesStoreWithHub === true;
  }

  /**
   * The `notify` endpoint: stores a fanout transaction. A transaction seen before is accepted and ignored (the
   * draft's duplicate rule); events already held are skipped; a rejected request changes nothing.
   * @param from - the authenticated hub domain
   * @param request - the transaction
   * @throws {@link MimiError} `delivery/bad-request`, `delivery/wrong-hub` (the room has another hub),
   *   `delivery/conflict` (an event differs from the one held under its number)
   * @example
   * ```ts
   * await follower.notify('a.example', { hub: 'a.example', roomId, txn, events });
   * ```
   */
  async notify(from: string, request: NotifyRequest): Promise<void> {
    const hub = checkId(from, 'from', this.limits);
    if (typeof request !== 'object' || request === null) throw new MimiError('delivery/bad-request', 'the request is not an object');
    if (request.hub !== hub) throw new MimiError('delivery/bad-request', `the request names hub ${String(request.hub)}, not ${hub}`, { path: ['hub'] });
    const roomId = checkId(request.roomId, 'roomId', this.limits);
    const txn = checkId(request.txn, 'txn', this.limits);
    if (!Array.isArray(request.events) || request.events.length === 0 || request.events.length > this.limits.maxNotifyEvents) {
      throw new MimiError('delivery/bad-request', `events must hold 1…${this.limits.maxNotifyEvents} events`, { path: ['events'] });
    }
    const events = request.events.map((e, i) => checkEvent(e, i, this.limits));
    ascending(events, 0);
    const historySeconds = request.historySeconds === undefined ? undefined : checkCount(request.historySeconds, 'historySeconds', 0);
    // DL17: our own hub wrote these events into this store before sending them; a repeat only finds them held.
    const own = this.sharesStoreWithHub && hub === this.domain;
    await this.store.transaction(async (tx) => {
      // The seen id remembers its room and last event, so a sweep can forget it once that is held (DL11).
      if (!own && !(await tx.putIfAbsent(Namespace.txn, key(hub, txn), seenTxn(roomId, events[events.length - 1]!.seq)))) return;
      let room = await this.followed(tx, roomId, hub);
      if (historySeconds !== undefined && room.historySeconds !== historySeconds) {
        room = { ...room, historySeconds };
        await tx.put(Namespace.followed, roomId, encodeFollowedRoom(room));
      }
      await this.absorb(tx, roomId, room, events, 0, own);
    });
  }

  /**
   * Receives a commit's Welcome for joining clients of this provider (HT16) and keeps it for each of them until
   * it takes it ({@link Follower.acceptWelcome}). A repeat changes nothing.
   * @param from - the authenticated hub domain
   * @param request - the Welcome, its commit's number and its recipients
   * @throws {@link MimiError} `delivery/bad-request`, `delivery/wrong-hub` (the room has another hub)
   * @example
   * ```ts
   * await follower.welcome('a.example', { hub: 'a.example', roomId, seq: 7, hubTime, clients: ['mimi://b.example/d/dave/1'], welcome });
   * ```
   */
  async welcome(from: string, request: WelcomeRequest): Promise<void> {
    const hub = checkId(from, 'from', this.limits);
    if (typeof request !== 'object' || request === null) throw new MimiError('delivery/bad-request', 'the request is not an object');
    if (request.hub !== hub) throw new MimiError('delivery/bad-request', `the request names hub ${String(request.hub)}, not ${hub}`, { path: ['hub'] });
    const roomId = checkId(request.roomId, 'roomId', this.limits);
    const seq = checkCount(request.seq, 'seq', 1);
    const hubTime = checkCount(request.hubTime, 'hubTime', 0);
    if (!Array.isArray(request.clients) || request.clients.length > this.limits.maxNotifyEvents) {
      throw new MimiError('delivery/bad-request', `clients must hold at most ${this.limits.maxNotifyEvents} client ids`, { path: ['clients'] });
    }
    const clients = request.clients.map((c, i) => checkId(c, `clients[${i}]`, this.limits));
    const welcome = checkBytes(request.welcome, 'welcome', this.limits);
    await this.store.transaction(async (tx) => {
      const held = await tx.get(Namespace.followed, roomId);
      if (held !== undefined && decodeFollowedRoom(held).hub !== hub) throw new MimiError('delivery/wrong-hub', `${roomId} is hubbed by ${decodeFollowedRoom(held).hub}, not ${hub}`);
      await holdWelcome(tx, { hub, roomId, seq, hubTime, clients, welcome });
    });
  }

  /**
   * The Welcomes held for a client (HT16): its own, then those the hub sent without naming clients.
   * @param client - the client's id (its client URI, as the hub names joiners)
   * @returns the Welcomes, one per room
   * @throws {@link MimiError} `delivery/bad-request`
   * @example
   * ```ts
   * const [w] = await follower.welcomes('mimi://b.example/d/dave/1'); // then joinFromWelcome({ welcome: w.welcome, … })
   * ```
   */
  async welcomes(client: string): Promise<HeldWelcome[]> {
    checkId(client, 'client', this.limits);
    return this.store.transaction((tx) => heldWelcomes(tx, client));
  }

  /**
   * Takes a client's Welcome for a room once it has joined with it: the Welcome is removed and the client's
   * cursor starts after the commit that added it (it is handed the events that follow, none before). A client
   * already further along keeps its cursor.
   * @param client - the client's id
   * @param roomId - the room
   * @returns the client's cursor
   * @throws {@link MimiError} `delivery/no-such-room` (no Welcome held), `delivery/bad-request`
   * @example
   * ```ts
   * await follower.acceptWelcome('mimi://b.example/d/dave/1', roomId); // then follower.next(…)
   * ```
   */
  async acceptWelcome(client: string, roomId: string): Promise<number> {
    checkId(client, 'client', this.limits);
    checkId(roomId, 'roomId', this.limits);
    return this.store.transaction(async (tx) => {
      const seq = await takeWelcome(tx, client, roomId);
      if (seq === undefined) throw new MimiError('delivery/no-such-room', `no Welcome to ${roomId} is held for ${client}`);
      const id = key(roomId, client);
      const cursor = Math.max(decodeCursor(await tx.get(Namespace.client, id)), seq);
      await tx.put(Namespace.client, id, encodeCursor(cursor));
      this.handed.delete(id);
      return cursor;
    });
  }

  /**
   * Fetches from the hub what is missing after gaps older than the timeout (several pages per room if needed).
   * A failed fetch is retried after the timeout.
   * @example
   * ```ts
   * setInterval(() => void follower.tick(), 500);
   * ```
   */
  async tick(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    try {
      const now = this.clock.now();
      if (this.sweepEveryMs > 0 && (this.nextSweep === undefined || now >= this.nextSweep)) {
        if (this.nextSweep !== undefined) await this.sweep(now);
        this.nextSweep = now + this.sweepEveryMs;
      }
      if (!this.scanned) {
        this.scanned = true;
        await this.store.transaction(async (tx) => {
          for (const roomId of await tx.keys(Namespace.followed)) {
            const room = decodeFollowedRoom((await tx.get(Namespace.followed, roomId))!);
            if ((await tx.lastSeq(roomId)) > room.contiguous && !this.gaps.has(roomId)) this.gaps.set(roomId, now);
          }
        });
      }
      for (const [roomId, since] of [...this.gaps]) {
        if (now - since < this.gapTimeoutMs) continue;
        await this.fill(roomId, now);
      }
    } finally {
      this.fetching = false;
    }
  }

  /**
   * The next events for a client, in order, each handed once per process: after what the client
   * acknowledged, or after what was last handed to it here, up to the last event without a gap before it.
   * @param client - the client's id at this provider
   * @param roomId - the room
   * @param limit - most events (default 100)
   * @returns the events and whether the room's history is complete
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/bad-request`
   * @example
   * ```ts
   * const { events, complete } = await follower.next('bob-phone', roomId);
   * ```
   */
  async next(client: string, roomId: string, limit = 100): Promise<ClientBatch> {
    checkId(client, 'client', this.limits);
    checkId(roomId, 'roomId', this.limits);
    checkCount(limit, 'limit', 1, this.limits.maxHistoryPage);
    return this.store.transaction(async (tx) => {
      const room = await this.known(tx, roomId);
      const id = key(roomId, client);
      const from = Math.max(decodeCursor(await tx.get(Namespace.client, id)), this.handed.get(id) ?? 0);
      const events = from >= room.contiguous ? [] : await tx.events(roomId, from, Math.min(limit, room.contiguous - from));
      if (events.length > 0) this.handed.set(id, events[events.length - 1]!.seq);
      return { events, complete: room.firstSeq <= 1, firstSeq: room.firstSeq };
    });
  }

  /**
   * Records that a client has durably processed every event up to `seq`; a restarted follower resumes the
   * client after it. An acknowledgement below the current one is ignored.
   * @param client - the client's id
   * @param roomId - the room
   * @param seq - the last event processed
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/bad-request` (beyond what the client can have been handed)
   * @example
   * ```ts
   * await follower.ack('bob-phone', roomId, 42);
   * ```
   */
  async ack(client: string, roomId: string, seq: number): Promise<void> {
    checkId(client, 'client', this.limits);
    checkId(roomId, 'roomId', this.limits);
    checkCount(seq, 'seq', 0);
    await this.store.transaction(async (tx) => {
      const room = await this.known(tx, roomId);
      if (seq > room.contiguous) throw new MimiError('delivery/bad-request', `seq ${seq} is beyond ${room.contiguous}, the last deliverable event`, { path: ['seq'] });
      const id = key(roomId, client);
      if (seq > decodeCursor(await tx.get(Namespace.client, id))) await tx.put(Namespace.client, id, encodeCursor(seq));
    });
  }

  /**
   * Registers a client that joins the room now (a new member, or a member's new device): its cursor starts
   * where the room's history policy lets it see (DL11): `historySeconds` before now as the hub last sent it,
   * nothing earlier than what is held; with history sharing forbidden, only what comes after the join. A
   * client already known keeps its cursor. A client never registered reads from the first event held.
   * @param client - the client's id at this provider
   * @param roomId - the room
   * @returns the client's cursor (it is handed the events after it)
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/bad-request`
   * @example
   * ```ts
   * await follower.join('carol-laptop', roomId); // then follower.next('carol-laptop', roomId)
   * ```
   */
  async join(client: string, roomId: string): Promise<number> {
    checkId(client, 'client', this.limits);
    checkId(roomId, 'roomId', this.limits);
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const room = await this.known(tx, roomId);
      const id = key(roomId, client);
      const held = await tx.get(Namespace.client, id);
      if (held !== undefined) return decodeCursor(held);
      const seconds = room.historySeconds ?? 0;
      const cursor = seconds === 0 ? room.contiguous : Math.max(await lastBefore(tx, roomId, now - seconds * 1000, room.contiguous), room.firstSeq - 1);
      await tx.put(Namespace.client, id, encodeCursor(cursor));
      this.handed.delete(id);
      return cursor;
    });
  }

  /**
   * Removes what this provider no longer keeps (DL11): expired messages become tombstones; events older than
   * the retention period are deleted from its copy (its clients then see `complete: false`).
   * {@link Follower.tick} calls it every `retention.sweepEveryMs`.
   * @param now - the time to sweep at (default the clock)
   * @returns what was removed
   * @example
   * ```ts
   * await follower.sweep();
   * ```
   */
  async sweep(now: number = this.clock.now()): Promise<SweepReport> {
    checkCount(now, 'now', 0);
    return this.store.transaction(async (tx) => {
      const expired = await tx.tombstoneEvents({ expiredAt: now });
      await this.forgetSeen(tx);
      let pruned = 0;
      if (this.retentionSeconds >= Number.MAX_SAFE_INTEGER / 1000) return { expired, pruned };
      for (const roomId of await tx.keys(Namespace.followed)) {
        const room = decodeFollowedRoom((await tx.get(Namespace.followed, roomId))!);
        // The last event stays (a hub sharing this store stamps times from it).
        const through = Math.min(await lastBefore(tx, roomId, now - this.retentionSeconds * 1000, room.contiguous), room.contiguous - 1);
        if (through < room.firstSeq) continue;
        pruned += await tx.pruneEvents(roomId, through);
        await tx.put(Namespace.followed, roomId, encodeFollowedRoom({ ...room, firstSeq: through + 1 }));
      }
      return { expired, pruned };
    });
  }

  /**
   * Erases one user's data here on request (DL12): the events they sent become tombstones in this provider's
   * copies, their key packages and client registrations go, and so do the cursors of the clients named.
   * @param userUri - the user
   * @param clients - the user's client ids at this provider (their cursors are deleted)
   * @returns what was erased
   * @throws {@link MimiError} `delivery/bad-request`
   * @example
   * ```ts
   * await follower.eraseUser('mimi://b.example/u/bob', ['bob-phone']);
   * ```
   */
  async eraseUser(userUri: string, clients: readonly string[] = []): Promise<ErasureReport> {
    const user = checkId(userUri, 'userUri', this.limits);
    for (const c of clients) checkId(c, 'client', this.limits);
    return this.store.transaction(async (tx) => {
      const events = await tx.tombstoneEvents({ sender: user });
      const keyPackages = await tx.removeUser(user);
      const mine = new Set(clients);
      await dropWelcomes(tx, clients);
      for (const k of await tx.keys(Namespace.client)) {
        if (mine.has(k.slice(k.indexOf('\u0000') + 1))) {
          await tx.delete(Namespace.client, k);
          this.handed.delete(k);
        }
      }
      return { events, keyPackages, retainedIn: [] };
    });
  }

  /**
   * The rooms this follower holds.
   * @returns room ids, ascending
   * @example
   * ```ts
   * await follower.rooms(); // ['mimi://a.example/r/club']
   * ```
   */
  async rooms(): Promise<string[]> {
    return this.store.transaction((tx) => tx.keys(Namespace.followed));
  }

  /**
   * Whether every room is held without a gap (nothing waits for a fetch).
   * @returns true when no gap is open
   * @example
   * ```ts
   * follower.settled(); // true
   * ```
   */
  settled(): boolean {
    return this.gaps.size === 0;
  }

  private async fill(roomId: string, now: number): Promise<void> {
    for (let page = 0; page < 64 && this.gaps.has(roomId); page++) {
      const room = await this.store.transaction((tx) => this.known(tx, roomId));
      let answer: HistoryPage;
      try {
        answer = await this.hubs.history(room.hub, { requester: this.domain, roomId, after: room.contiguous, limit: this.historyPage });
        answer = checkPage(answer, room.contiguous, this.limits);
      } catch {
        this.gaps.set(roomId, now); // retried after the timeout; the notify retries may fill it first
        return;
      }
      const progressed = await this.store.transaction(async (tx) => {
        const current = await this.known(tx, roomId);
        const before = current.contiguous;
        await this.absorb(tx, roomId, current, answer.events, answer.firstAvailable);
        return (await this.known(tx, roomId)).contiguous > before;
      });
      if (!progressed && answer.complete) {
        // The hub has nothing after our last event: what we hold beyond it cannot be real.
        this.gaps.delete(roomId);
        return;
      }
      if (!progressed) {
        this.gaps.set(roomId, now);
        return;
      }
    }
  }

  /**
   * Forgets seen transaction ids whose events are all held without a gap before them: a late repeat of one
   * then only brings events the store deduplicates by number (DL2), so the ids need not be kept forever.
   */
  private async forgetSeen(tx: StoreTransaction): Promise<void> {
    const rooms = new Map<string, number>();
    for (const k of await tx.keys(Namespace.txn)) {
      const seen = readSeen(await tx.get(Namespace.txn, k));
      if (seen === undefined) continue;
      let contiguous = rooms.get(seen.room);
      if (contiguous === undefined) {
        const bytes = await tx.get(Namespace.followed, seen.room);
        contiguous = bytes === undefined ? 0 : decodeFollowedRoom(bytes).contiguous;
        rooms.set(seen.room, contiguous);
      }
      if (seen.last <= contiguous) await tx.delete(Namespace.txn, k);
    }
  }

  /**
   * Stores events (and a withheld start, DL5), then moves `contiguous` over what is now consecutive. `held`:
   * they come from our own hub on a shared store (DL17), so they are in its log once it reaches them.
   */
  private async absorb(tx: StoreTransaction, roomId: string, room: FollowedRoomRecord, events: readonly LogEvent[], firstAvailable: number, held = false): Promise<void> {
    let { contiguous, firstSeq } = room;
    if (firstAvailable > contiguous + 1) {
      // The hub withholds events before firstAvailable under the history policy: the held history starts there.
      if (contiguous === 0) firstSeq = firstAvailable;
      contiguous = firstAvailable - 1;
    }
    const end = events[events.length - 1]?.seq;
    if (held && end !== undefined && events[0]!.seq <= contiguous + 1 && (await tx.lastSeq(roomId)) >= end) {
      // DL17: our own hub's log has no gaps, so these and all before them are held; later ones come notified.
      if (end > contiguous) await tx.put(Namespace.followed, roomId, encodeFollowedRoom({ ...room, contiguous: end, firstSeq }));
      this.gaps.delete(roomId);
      return;
    }
    for (const e of events) {
      if (e.seq < firstSeq) continue;
      const outcome = await tx.insertEvent(roomId, e);
      if (outcome === 'conflict') throw new MimiError('delivery/conflict', `event ${e.seq} of ${roomId} differs from the one held`, { details: { seq: e.seq } });
    }
    const last = await tx.lastSeq(roomId);
    // The usual case: the events (ascending, consecutive, now all held) continue the held run and nothing lies
    // beyond them, so there is nothing to read back.
    if (end === last && events[0]!.seq === contiguous + 1 && end - events[0]!.seq === events.length - 1) contiguous = last;
    while (contiguous < last) {
      const run = await tx.events(roomId, contiguous, 256);
      let moved = false;
      for (const e of run) {
        if (e.seq !== contiguous + 1) break;
        contiguous = e.seq;
        moved = true;
      }
      if (!moved || run.length < 256) break;
    }
    if (contiguous !== room.contiguous || firstSeq !== room.firstSeq) {
      await tx.put(Namespace.followed, roomId, encodeFollowedRoom({ ...room, contiguous, firstSeq }));
    }
    if (last > contiguous) {
      if (!this.gaps.has(roomId)) this.gaps.set(roomId, this.clock.now());
    } else this.gaps.delete(roomId);
  }

  private async followed(tx: StoreTransaction, roomId: string, hub: string): Promise<FollowedRoomRecord> {
    const bytes = await tx.get(Namespace.followed, roomId);
    if (!bytes) {
      // First contact: the history before the first notify is fetched as a gap (and may be withheld: DL5).
      const room = { hub, contiguous: 0, firstSeq: 1 };
      await tx.put(Namespace.followed, roomId, encodeFollowedRoom(room));
      return room;
    }
    const room = decodeFollowedRoom(bytes);
    if (room.hub !== hub) throw new MimiError('delivery/wrong-hub', `${roomId} is hubbed by ${room.hub}, not ${hub}`);
    return room;
  }

  private async known(tx: StoreTransaction, roomId: string): Promise<FollowedRoomRecord> {
    const bytes = await tx.get(Namespace.followed, roomId);
    if (!bytes) throw new MimiError('delivery/no-such-room', `no room ${roomId} here`);
    return decodeFollowedRoom(bytes);
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function seenTxn(room: string, last: number): Uint8Array {
  return utf8.encode(JSON.stringify({ room, last }));
}

/** The room and last event of a seen id; an id stored before DL11 (one byte) counts as held: forgotten. */
function readSeen(bytes: Uint8Array | undefined): { room: string; last: number } | undefined {
  if (bytes === undefined) return undefined;
  try {
    const v = JSON.parse(fromUtf8.decode(bytes)) as { room?: unknown; last?: unknown };
    if (typeof v.room === 'string' && typeof v.last === 'number') return { room: v.room, last: v.last };
  } catch {
    // the one-byte marker of earlier versions
  }
  return { room: '', last: 0 };
}

function ascending(events: readonly LogEvent[], after: number): void {
  let prev = after;
  for (const [i, e] of events.entries()) {
    if (e.seq <= prev) throw new MimiError('delivery/bad-request', 'events must have ascending sequence numbers', { path: ['events', i, 'seq'] });
    prev = e.seq;
  }
}

function checkPage(page: HistoryPage, after: number, limits: DeliveryLimits): HistoryPage {
  if (typeof page !== 'object' || page === null || !Array.isArray(page.events) || page.events.length > limits.maxHistoryPage) {
    throw new MimiError('delivery/bad-request', 'not a history page');
  }
  const events = page.events.map((e, i) => checkEvent(e, i, limits));
  ascending(events, after);
  if (typeof page.complete !== 'boolean') throw new MimiError('delivery/bad-request', 'complete must be a boolean');
  return { events, complete: page.complete, firstAvailable: checkCount(page.firstAvailable, 'firstAvailable', 1) };
}
