/**
 * A room's hub (draft-ietf-mimi-protocol-06 §5): accepts commits (`update`, §5.3) and application messages
 * (`submitMessage`, §5.4), stamps each accepted event with the hub time and a per-room sequence number
 * (DL1), keeps the room's log, fans it out to every follower provider (§5.6, {@link Fanout}), answers history
 * requests under the room's history policy (DL5) and serves the group info clients gave it (§5.7). Transport-free:
 * the store, clock, checker and follower transport are injected; the HTTPS layer maps these calls to endpoints.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { UpdateChecker } from './checker.js';
import { Fanout, DEFAULT_RETRY, type RetryPolicy } from './fanout.js';
import { decodeHubRoom, encodeHubRoom, type FollowerEntry, type HubRoomRecord } from './records.js';
import { Namespace, type DeliveryStore, type StoreTransaction } from './store/types.js';
import {
  DEFAULT_DELIVERY_LIMITS,
  EventKind,
  type Clock,
  type DeliveryLimits,
  type FollowerTransport,
  type HistoryPage,
  type HistoryRequest,
  type RoomSnapshot,
} from './types.js';
import { checkBytes, checkCount, checkId, domainOf } from './validate.js';

/** Options of a {@link Hub}. */
export interface HubOptions {
  /** This provider's domain. */
  readonly domain: string;
  /** Where the rooms, their logs and the fanout cursors live. */
  readonly store: DeliveryStore;
  /** Hub time. */
  readonly clock: Clock;
  /** Reads and checks commits and messages. */
  readonly checker: UpdateChecker;
  /** Reaches followers. */
  readonly transport: FollowerTransport;
  /** Fanout retry timing (default {@link DEFAULT_RETRY}). */
  readonly retry?: Partial<RetryPolicy>;
  /** Input bounds (default {@link DEFAULT_DELIVERY_LIMITS}). */
  readonly limits?: Partial<DeliveryLimits>;
  /** Most events per notify transaction (default 64). */
  readonly batchSize?: number;
  /** Most transactions in flight per follower (default 4). */
  readonly window?: number;
}

/** An update request (draft-ietf-mimi-protocol-06 §5.3 HandshakeBundle, commit case). */
export interface UpdateRequest {
  /** The commit as an MLSMessage (PublicMessage). */
  readonly commit: Uint8Array;
  /** The GroupInfo for the new epoch, stored as given and served by {@link Hub.groupInfo}. */
  readonly groupInfo?: Uint8Array;
}

/** The answer to an update (draft-ietf-mimi-protocol-06 §5.3 UpdateRoomResponse). */
export type UpdateResult =
  | { readonly code: 'success'; readonly acceptedTimestamp: number; readonly seq: number }
  | { readonly code: 'wrongEpoch'; readonly currentEpoch: number; readonly description: string }
  | { readonly code: 'notAllowed'; readonly description: string }
  | { readonly code: 'invalidProposal'; readonly description: string; readonly invalidProposals: readonly Uint8Array[] };

/** A submitted application message (draft-ietf-mimi-protocol-06 §5.4 SubmitMessageRequest). */
export interface SubmitRequest {
  /** The PrivateMessage as an MLSMessage. */
  readonly message: Uint8Array;
  /** The sending user (must be an active participant). */
  readonly sendingUri: string;
}

/** The answer to a submit (draft-ietf-mimi-protocol-06 §5.4 SubmitMessageResponse). */
export type SubmitResult =
  | { readonly code: 'accepted'; readonly acceptedTimestamp: number; readonly seq: number }
  | { readonly code: 'notAllowed'; readonly description: string }
  | { readonly code: 'epochTooOld'; readonly currentEpoch: number };

/**
 * A hub. Call {@link Hub.tick} on a timer (or after each accepted event) to fan out and retry.
 *
 * @example
 * ```ts
 * import { Hub, MemoryStore, PolicyUpdateChecker, roomSnapshot } from 'mimi-kit/delivery';
 * const hub = new Hub({ domain: 'a.example', store: new MemoryStore(), clock: Date, checker, transport });
 * await hub.createRoom('mimi://a.example/r/club', roomSnapshot(room, 0));
 * const r = await hub.submitMessage('mimi://a.example/r/club', { message, sendingUri: 'mimi://a.example/u/alice' });
 * r.code; // 'accepted'
 * await hub.tick();
 * ```
 */
export class Hub {
  /** This provider's domain. */
  readonly domain: string;
  private readonly store: DeliveryStore;
  private readonly clock: Clock;
  private readonly checker: UpdateChecker;
  private readonly limits: DeliveryLimits;
  private readonly fanout: Fanout;

  /**
   * Creates a hub; it resumes the fanout from the store's cursors.
   * @param options - store, clock, checker, transport and tuning
   */
  constructor(options: HubOptions) {
    this.limits = { ...DEFAULT_DELIVERY_LIMITS, ...options.limits };
    this.domain = checkId(options.domain, 'domain', this.limits);
    this.store = options.store;
    this.clock = options.clock;
    this.checker = options.checker;
    this.fanout = new Fanout({
      hub: this.domain,
      store: options.store,
      clock: options.clock,
      transport: options.transport,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      batchSize: checkCount(options.batchSize ?? 64, 'batchSize', 1, this.limits.maxNotifyEvents),
      window: checkCount(options.window ?? 4, 'window', 1, 1024),
    });
  }

  /**
   * Creates a room at its first epoch; its members' providers become followers.
   * @param roomId - the room id
   * @param snapshot - the room's initial state
   * @param groupInfo - the initial GroupInfo, if any
   * @throws {@link MimiError} `delivery/room-exists`, `delivery/bad-request`
   * @example
   * ```ts
   * await hub.createRoom('mimi://a.example/r/club', roomSnapshot(room, 0));
   * ```
   */
  async createRoom(roomId: string, snapshot: RoomSnapshot, groupInfo?: Uint8Array): Promise<void> {
    checkId(roomId, 'roomId', this.limits);
    checkCount(snapshot.epoch, 'epoch', 0);
    if (groupInfo !== undefined) checkBytes(groupInfo, 'groupInfo', this.limits);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const record: HubRoomRecord = { snapshot, ...(groupInfo ? { groupInfo } : {}), followers: nextFollowers([], snapshot.members, 1, now) };
      if (!(await tx.putIfAbsent(Namespace.room, roomId, encodeHubRoom(record)))) {
        throw new MimiError('delivery/room-exists', `room ${roomId} already exists`);
      }
    });
  }

  /**
   * Handles an update: the commit must be for the current epoch (the second commit of an epoch gets
   * `wrongEpoch`) and allowed by the checker; an accepted one is logged and fanned out.
   * @param roomId - the room
   * @param request - the commit and its GroupInfo
   * @returns the draft's response
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/bad-request`, or the checker's error for bytes that are no commit
   * @example
   * ```ts
   * const r = await hub.update(roomId, { commit });
   * if (r.code === 'wrongEpoch') console.log(r.currentEpoch);
   * ```
   */
  async update(roomId: string, request: UpdateRequest): Promise<UpdateResult> {
    checkId(roomId, 'roomId', this.limits);
    const commit = checkBytes(request.commit, 'commit', this.limits);
    if (request.groupInfo !== undefined) checkBytes(request.groupInfo, 'groupInfo', this.limits);
    const epoch = this.checker.epochOf(commit);
    return this.store.transaction(async (tx): Promise<UpdateResult> => {
      const room = await this.room(tx, roomId);
      const current = room.snapshot;
      // draft-ietf-mimi-protocol-06 §5.3: one commit per epoch; every other one is wrongEpoch.
      if (epoch !== current.epoch) return { code: 'wrongEpoch', currentEpoch: current.epoch, description: `the room is at epoch ${current.epoch}` };
      const verdict = await this.checker.checkCommit(current, commit);
      if (!verdict.ok) {
        return verdict.code === 'invalidProposal'
          ? { code: 'invalidProposal', description: verdict.description, invalidProposals: verdict.invalidProposals ?? [] }
          : { code: 'notAllowed', description: verdict.description };
      }
      const hubTime = await this.stamp(tx, roomId);
      const event = await tx.appendEvent(roomId, { hubTime, kind: EventKind.commit, sender: verdict.committer, message: commit });
      const snapshot: RoomSnapshot = { ...verdict.next, epoch: current.epoch + 1 };
      const groupInfo = request.groupInfo ?? room.groupInfo;
      await tx.put(
        Namespace.room,
        roomId,
        encodeHubRoom({ snapshot, ...(groupInfo ? { groupInfo } : {}), followers: nextFollowers(room.followers, snapshot.members, event.seq, hubTime) }),
      );
      return { code: 'success', acceptedTimestamp: hubTime, seq: event.seq };
    });
  }

  /**
   * Handles a submitted application message: the sender must be an active participant and the message for
   * the current epoch (`epochTooOld` for an older one, `notAllowed` for a newer one: draft §5.4).
   * @param roomId - the room
   * @param request - the message and its sender
   * @returns the draft's response
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/bad-request`, or the checker's error
   * @example
   * ```ts
   * await hub.submitMessage(roomId, { message, sendingUri: 'mimi://a.example/u/alice' }); // { code: 'accepted', … }
   * ```
   */
  async submitMessage(roomId: string, request: SubmitRequest): Promise<SubmitResult> {
    checkId(roomId, 'roomId', this.limits);
    const message = checkBytes(request.message, 'message', this.limits);
    const sender = checkId(request.sendingUri, 'sendingUri', this.limits);
    const epoch = this.checker.epochOf(message);
    return this.store.transaction(async (tx): Promise<SubmitResult> => {
      const { snapshot } = await this.room(tx, roomId);
      if (!snapshot.members.includes(sender)) return { code: 'notAllowed', description: `${sender} is not an active participant` };
      if (epoch < snapshot.epoch) return { code: 'epochTooOld', currentEpoch: snapshot.epoch };
      if (epoch > snapshot.epoch) return { code: 'notAllowed', description: `epoch ${epoch} is ahead of the room's ${snapshot.epoch}` };
      const hubTime = await this.stamp(tx, roomId);
      const event = await tx.appendEvent(roomId, { hubTime, kind: EventKind.message, sender, message });
      return { code: 'accepted', acceptedTimestamp: hubTime, seq: event.seq };
    });
  }

  /**
   * A page of the room's log for a follower provider, under the room's history policy (DL5): a provider sees
   * what it was sent as a follower, plus (when the policy shares history) the events of up to
   * `historySeconds` before it joined.
   * @param request - requester, room, `after`, `limit`
   * @returns the page
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/not-allowed` (not a follower), `delivery/bad-request`
   * @example
   * ```ts
   * const page = await hub.history({ requester: 'b.example', roomId, after: 0, limit: 100 });
   * page.complete; // true when nothing follows
   * ```
   */
  async history(request: HistoryRequest): Promise<HistoryPage> {
    const requester = checkId(request.requester, 'requester', this.limits).toLowerCase();
    const roomId = checkId(request.roomId, 'roomId', this.limits);
    const after = checkCount(request.after, 'after', 0);
    const limit = checkCount(request.limit, 'limit', 1, this.limits.maxHistoryPage);
    return this.store.transaction(async (tx) => {
      const room = await this.room(tx, roomId);
      const entry = room.followers.find((f) => f.domain === requester);
      if (!entry) throw new MimiError('delivery/not-allowed', `${requester} does not follow ${roomId}`);
      const firstAvailable = await this.firstAvailable(tx, roomId, entry, room.snapshot.historySeconds);
      const end = entry.until ?? (await tx.lastSeq(roomId));
      const start = Math.max(after, firstAvailable - 1);
      const events = start >= end ? [] : await tx.events(roomId, start, Math.min(limit, end - start));
      const reached = events.length > 0 ? events[events.length - 1]!.seq : start;
      return { events, complete: reached >= end, firstAvailable };
    });
  }

  /**
   * The GroupInfo last given for the room (draft-ietf-mimi-protocol-06 §5.7; encryption to the requester is
   * the protocol layer's), for a follower provider.
   * @param roomId - the room
   * @param requester - the requesting provider's domain
   * @returns the bytes, or undefined when no client gave one
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/not-allowed`
   * @example
   * ```ts
   * const groupInfo = await hub.groupInfo(roomId, 'b.example');
   * ```
   */
  async groupInfo(roomId: string, requester: string): Promise<Uint8Array | undefined> {
    checkId(roomId, 'roomId', this.limits);
    const domain = checkId(requester, 'requester', this.limits).toLowerCase();
    return this.store.transaction(async (tx) => {
      const room = await this.room(tx, roomId);
      if (!room.followers.some((f) => f.domain === domain && f.until === undefined)) {
        throw new MimiError('delivery/not-allowed', `${domain} does not follow ${roomId}`);
      }
      return room.groupInfo;
    });
  }

  /**
   * The room's current epoch and members.
   * @param roomId - the room
   * @returns the snapshot
   * @throws {@link MimiError} `delivery/no-such-room`
   * @example
   * ```ts
   * (await hub.roomSnapshot(roomId)).epoch; // 0
   * ```
   */
  async roomSnapshot(roomId: string): Promise<RoomSnapshot> {
    checkId(roomId, 'roomId', this.limits);
    return this.store.transaction(async (tx) => (await this.room(tx, roomId)).snapshot);
  }

  /**
   * Fans out what is due: new events, retries whose backoff has passed, transactions that timed out.
   * @example
   * ```ts
   * setInterval(() => void hub.tick(), 100);
   * ```
   */
  async tick(): Promise<void> {
    await this.fanout.tick();
  }

  /**
   * How many (event, follower) deliveries are not yet acknowledged.
   * @returns 0 when every follower has every event it is sent
   * @example
   * ```ts
   * await hub.backlog(); // 0
   * ```
   */
  async backlog(): Promise<number> {
    return this.fanout.backlog();
  }

  /**
   * Stops fanning out and waits for acknowledgements being recorded (the store stays open: the caller owns it).
   * @example
   * ```ts
   * await hub.stop();
   * ```
   */
  async stop(): Promise<void> {
    this.fanout.stop();
    await this.fanout.flush();
  }

  private async room(tx: StoreTransaction, roomId: string): Promise<HubRoomRecord> {
    const bytes = await tx.get(Namespace.room, roomId);
    if (!bytes) throw new MimiError('delivery/no-such-room', `no room ${roomId}`);
    return decodeHubRoom(bytes);
  }

  /** Hub time, never before the room's last event: the log's times ascend even if the clock steps back. */
  private async stamp(tx: StoreTransaction, roomId: string): Promise<number> {
    const last = await tx.lastSeq(roomId);
    const prev = last === 0 ? 0 : ((await tx.events(roomId, last - 1, 1))[0]?.hubTime ?? 0);
    return Math.max(Math.floor(this.clock.now()), prev);
  }

  /** DL5: the first sequence number `entry` may read (binary search on the ascending hub times). */
  private async firstAvailable(tx: StoreTransaction, roomId: string, entry: FollowerEntry, seconds: number): Promise<number> {
    if (seconds === 0 || entry.from <= 1) return entry.from;
    const since = entry.joinedAt - seconds * 1000;
    let lo = 1;
    let hi = entry.from; // answer in [lo, hi]
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const e = (await tx.events(roomId, mid - 1, 1))[0];
      if (e !== undefined && e.hubTime >= since) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * DL4: the providers with active participants follow the room; one whose last member left is sent up to the
 * event that removed it (draft §5.6: "Clients that are being removed SHOULD receive the corresponding Commit").
 */
function nextFollowers(prev: readonly FollowerEntry[], members: readonly string[], seq: number, now: number): FollowerEntry[] {
  const domains = new Set(members.map(domainOf).filter((d): d is string => d !== undefined));
  const out: FollowerEntry[] = [];
  for (const f of prev) {
    if (domains.has(f.domain)) {
      out.push(f.until === undefined ? f : { domain: f.domain, from: seq, joinedAt: now });
      domains.delete(f.domain);
    } else out.push(f.until === undefined ? { ...f, until: seq } : f);
  }
  for (const d of [...domains].sort()) out.push({ domain: d, from: seq, joinedAt: now });
  return out;
}
