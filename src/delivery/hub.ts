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
import { checkAbusiveMessages, frankSubmitted, type HubFranking } from './franking.js';
import type { AbusiveMessage } from '../protocol/reportAbuse.js';
import type { Frank } from '../protocol/franking.js';
import { decodeHubRoom, encodeHubRoom, type FollowerEntry, type HubRoomRecord } from './records.js';
import { DEFAULT_RETENTION, eraseUserAtHub, firstHeld, sweepHub, type ErasureReport, type RetentionPolicy, type SweepReport } from './retention.js';
import { Namespace, type DeliveryStore, type NewEvent, type StoreTransaction } from './store/types.js';
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
import { WelcomeOutbox, welcomeTargets } from './welcome.js';
import { WriteQueue } from './writeQueue.js';

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
  /**
   * Most updates and submits written in one store transaction (default 256). Requests that arrive while a
   * transaction is being written wait and go together into the next one (group commit, DL13).
   */
  readonly maxWriteBatch?: number;
  /**
   * Write batches in flight at once, each over its own share of the rooms (a room always goes to the same
   * lane, so its order is kept). Default: the store's {@link DeliveryStore.concurrency} when it offers
   * {@link DeliveryStore.concurrentTransaction} (PostgreSQL), else 1 (DL16).
   */
  readonly writeLanes?: number;
  /** How long a process's claim to fan out a room lasts without renewal, ms (default 10 000; DL10). */
  readonly fanoutLeaseMs?: number;
  /** This process's name in fanout leases (default a random UUID). */
  readonly instanceId?: string;
  /** What the hub keeps and for how long (default {@link DEFAULT_RETENTION}; DL11). */
  readonly retention?: Partial<RetentionPolicy>;
  /** Franks accepted messages that carry a franking_tag (draft "Hub processing", HT19); without it, none is franked. */
  readonly franking?: HubFranking;
}

/** An update request (draft-ietf-mimi-protocol-06 §5.3 HandshakeBundle, commit case). */
export interface UpdateRequest {
  /** The commit as an MLSMessage (PublicMessage). */
  readonly commit: Uint8Array;
  /** The GroupInfo for the new epoch, stored as given and served by {@link Hub.groupInfo}. */
  readonly groupInfo?: Uint8Array;
  /**
   * The commit's Welcome as an MLSMessage (RFC 9420 §12.4.3.1): routed to the providers of the joining clients
   * when the commit is accepted (HT16), when the transport can deliver Welcomes.
   */
  readonly welcome?: Uint8Array;
}

/**
 * A proposal-only update (draft-ietf-mimi-protocol-06 §5.3 HandshakeBundle, proposal case: `proposalOrCommit`
 * then `moreProposals`), e.g. the Remove proposals (or SelfRemove) of a member leaving.
 */
export interface ProposeRequest {
  /** The proposals as MLSMessages (PublicMessage), in order; at least one. */
  readonly proposals: readonly Uint8Array[];
  /**
   * When set, every proposer must be a user of this provider domain (the HTTPS layer passes the authenticated
   * peer: a provider speaks only for its own users, draft "Transport layer").
   */
  readonly provider?: string;
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
  /**
   * When the message expires (ms since the UNIX epoch): the content's `expires` (draft-ietf-mimi-content §4.2)
   * as the sender declares it beside the encrypted message. Every store tombstones it at its next sweep after that time.
   */
  readonly expires?: number;
}

/** The answer to a submit (draft-ietf-mimi-protocol-06 §5.4 SubmitMessageResponse). */
export type SubmitResult =
  | { readonly code: 'accepted'; readonly acceptedTimestamp: number; readonly seq: number; /** HT19: the hub's frank, when it franked. */ readonly frank?: Frank }
  | { readonly code: 'notAllowed'; readonly description: string }
  | { readonly code: 'epochTooOld'; readonly currentEpoch: number };

/**
 * A hub. Call {@link Hub.tick} on a timer (or after each accepted event) to fan out and retry.
 *
 * @example
 * ```ts
 * import { Hub, MemoryStore, MlsUpdateChecker, mlsRoomSnapshot } from 'mimi-kit/delivery';
 * const checker = new MlsUpdateChecker({ requireGroupInfo: true }); // the members' own commit check (checkRoomCommit)
 * const hub = new Hub({ domain: 'a.example', store: new MemoryStore(), clock: Date, checker, transport });
 * await hub.createRoom('mimi://a.example/r/club', mlsRoomSnapshot(aliceRoom.groupView(), 0, groupInfo));
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
  private readonly welcomes: WelcomeOutbox;
  private readonly routesWelcomes: boolean;
  private readonly retention: RetentionPolicy;
  private readonly franking: HubFranking | undefined;
  /** Accepted changes, written in batches (DL13) over write lanes (DL16). */
  private readonly writes: WriteQueue<UpdateResult | SubmitResult>;
  private nextSweep: number | undefined;

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
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.franking = options.franking;
    for (const k of ['loggedSeconds', 'maxSeconds', 'undeliveredSeconds', 'sweepEveryMs'] as const) checkCount(this.retention[k], `retention.${k}`, 0);
    const parallel = typeof options.store.concurrentTransaction === 'function';
    this.routesWelcomes = typeof options.transport.welcome === 'function';
    this.welcomes = new WelcomeOutbox(options.store, options.clock, options.transport, { ...DEFAULT_RETRY, ...options.retry });
    this.writes = new WriteQueue({
      hub: this.domain,
      store: options.store,
      clock: options.clock,
      maxBatch: checkCount(options.maxWriteBatch ?? 256, 'maxWriteBatch', 1, 65_536),
      lanes: parallel ? checkCount(options.writeLanes ?? options.store.concurrency ?? 1, 'writeLanes', 1, 64) : 1,
      // The outbox is told once the transaction that queued Welcomes has committed.
      onWelcomesQueued: () => this.welcomes.noteQueued(),
    });
    this.fanout = new Fanout({
      hub: this.domain,
      store: options.store,
      clock: options.clock,
      transport: options.transport,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      batchSize: checkCount(options.batchSize ?? 64, 'batchSize', 1, this.limits.maxNotifyEvents),
      window: checkCount(options.window ?? 4, 'window', 1, 1024),
      leaseMs: checkCount(options.fanoutLeaseMs ?? 10_000, 'fanoutLeaseMs', 1),
      owner: options.instanceId === undefined ? randomId() : checkId(options.instanceId, 'instanceId', this.limits),
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
    const welcome = request.welcome === undefined ? undefined : checkBytes(request.welcome, 'welcome', this.limits);
    const epoch = this.checker.epochOf(commit);
    return this.writes.enqueue<UpdateResult>(roomId, async (w) => {
      const current = w.record.snapshot;
      // draft-ietf-mimi-protocol-06 §5.3: one commit per epoch; every other one is wrongEpoch. The room's record
      // is locked for the batch (DL9), so whichever process gets a commit first, the others see the new epoch.
      if (epoch !== current.epoch) return { code: 'wrongEpoch', currentEpoch: current.epoch, description: `the room is at epoch ${current.epoch}` };
      const verdict = await this.checker.checkCommit(current, commit, request.groupInfo);
      if (!verdict.ok) {
        return verdict.code === 'invalidProposal'
          ? { code: 'invalidProposal', description: verdict.description, invalidProposals: verdict.invalidProposals ?? [] }
          : { code: 'notAllowed', description: verdict.description };
      }
      const seq = w.last + w.events.length + 1;
      w.events.push({ hubTime: w.hubTime, kind: EventKind.commit, sender: verdict.committer, message: commit });
      const snapshot: RoomSnapshot = { ...verdict.next, epoch: current.epoch + 1 };
      const groupInfo = request.groupInfo ?? w.record.groupInfo;
      w.record = { snapshot, ...(groupInfo ? { groupInfo } : {}), followers: nextFollowers(w.record.followers, snapshot.members, seq, w.hubTime) };
      w.changed = true;
      if (welcome !== undefined && this.routesWelcomes) w.welcomes.push({ seq, welcome, targets: welcomeTargets(verdict.joiners, current.members, snapshot.members) });
      return { code: 'success', acceptedTimestamp: w.hubTime, seq };
    });
  }

  /**
   * Handles a proposal-only update (HT15): each proposal must be for the current epoch and accepted by the
   * checker's `checkProposal` (on the room as the proposals before it left it); then all are held in the room's
   * snapshot until the epoch ends, so that a commit may cite them by reference (RFC 9420 §12.4), and each is
   * logged and fanned out as a `proposal` event, so every member holds it before that commit arrives. One
   * refused proposal refuses the request: nothing is held or logged.
   * @param roomId - the room
   * @param request - the proposals
   * @returns `success` with the sequence number of the last proposal, or the draft's refusal
   * @throws {@link MimiError} `delivery/no-such-room`, `delivery/bad-request`, or the checker's error for bytes that are no proposal
   * @example
   * ```ts
   * const { proposals } = await room.leave();
   * (await hub.propose(roomId, { proposals })).code; // 'success'
   * ```
   */
  async propose(roomId: string, request: ProposeRequest): Promise<UpdateResult> {
    checkId(roomId, 'roomId', this.limits);
    const proposals = request.proposals.map((p, i) => checkBytes(p, `proposals[${i}]`, this.limits));
    if (proposals.length === 0) throw new MimiError('delivery/bad-request', 'a proposal update carries at least one proposal', { path: ['proposals'] });
    checkCount(proposals.length, 'proposals.length', 1, this.limits.maxNotifyEvents);
    const provider = request.provider === undefined ? undefined : checkId(request.provider, 'provider', this.limits).toLowerCase();
    const check = this.checker.checkProposal?.bind(this.checker);
    const epochs = check === undefined ? [] : proposals.map((p) => this.checker.epochOf(p));
    return this.writes.enqueue<UpdateResult>(roomId, async (w) => {
      if (check === undefined) return { code: 'notAllowed', description: 'this hub holds no proposals (its checker has no checkProposal)' };
      const current = w.record.snapshot;
      const wrong = epochs.find((e) => e !== current.epoch);
      if (wrong !== undefined) return { code: 'wrongEpoch', currentEpoch: current.epoch, description: `a proposal is for epoch ${wrong}, the room is at ${current.epoch}` };
      let snapshot = current;
      const events: NewEvent[] = [];
      for (const proposal of proposals) {
        const verdict = await check(snapshot, proposal);
        if (!verdict.ok) return verdict.code === 'invalidProposal' ? { code: 'invalidProposal', description: verdict.description, invalidProposals: [] } : { code: 'notAllowed', description: verdict.description };
        if (provider !== undefined && domainOf(verdict.proposer) !== provider) return { code: 'notAllowed', description: `the proposer ${verdict.proposer} is not a user of ${provider}` };
        snapshot = { ...verdict.next, epoch: current.epoch };
        events.push({ hubTime: w.hubTime, kind: EventKind.proposal, sender: verdict.proposer, message: proposal });
      }
      w.events.push(...events);
      // Same epoch, same members: the followers do not change (a proposal takes effect only when committed).
      w.record = { ...w.record, snapshot };
      w.changed = true;
      return { code: 'success', acceptedTimestamp: w.hubTime, seq: w.last + w.events.length };
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
    const expires = request.expires === undefined ? undefined : checkCount(request.expires, 'expires', 0);
    const epoch = this.checker.epochOf(message);
    return this.writes.enqueue<SubmitResult>(roomId, async (w) => {
      const { snapshot } = w.record;
      if (!snapshot.members.includes(sender)) return { code: 'notAllowed', description: `${sender} is not an active participant` };
      if (epoch < snapshot.epoch) return { code: 'epochTooOld', currentEpoch: snapshot.epoch };
      if (epoch > snapshot.epoch) return { code: 'notAllowed', description: `epoch ${epoch} is ahead of the room's ${snapshot.epoch}` };
      // draft "Hub processing": the context is the sending URI, the room and the hub time this event is stamped with.
      const franked = frankSubmitted(this.franking, message, { senderUri: sender, roomUri: roomId, acceptedTimestamp: BigInt(w.hubTime) });
      if ('refused' in franked) return { code: 'notAllowed', description: franked.refused };
      const frank = franked.frank === undefined ? {} : { frank: franked.frank };
      const seq = w.last + w.events.length + 1;
      w.events.push({ hubTime: w.hubTime, kind: EventKind.message, sender, message, ...(expires !== undefined ? { expires } : {}), ...frank });
      return { code: 'accepted', acceptedTimestamp: w.hubTime, seq, ...frank };
    });
  }

  /**
   * Removes what the room's policies no longer allow the hub to keep (DL11): expired messages become
   * tombstones; each room's oldest events, once every follower has them and they are older than the room's
   * retention window, are deleted. {@link Hub.tick} calls it every `retention.sweepEveryMs`.
   * @param now - the time to sweep at (default the hub clock)
   * @returns what was removed
   * @example
   * ```ts
   * const { expired, pruned } = await hub.sweep();
   * ```
   */
  async sweep(now: number = this.clock.now()): Promise<SweepReport> {
    checkCount(now, 'now', 0);
    await this.fanout.flush(); // what followers hold decides what may go: their acknowledgements first (DL17)
    const report = await this.store.transaction((tx) => sweepHub(tx, now, this.retention));
    if (report.expired > 0) this.fanout.erase((e) => e.expires !== undefined && e.expires <= now);
    return report;
  }

  /**
   * Erases one user's data on request (DL12): every event they sent becomes a tombstone (same sequence number
   * and hub time, no sender, no bytes), their key packages and client registrations are deleted. A room
   * whose state still names them (they are a member, or banned) is listed in the report and not changed:
   * remove them with a commit first.
   * @param userUri - the user
   * @returns what was erased and which rooms still name the user
   * @throws {@link MimiError} `delivery/bad-request`
   * @example
   * ```ts
   * const report = await hub.eraseUser('mimi://a.example/u/alice');
   * report.retainedIn; // [] once she has left every room
   * ```
   */
  async eraseUser(userUri: string): Promise<ErasureReport> {
    const user = checkId(userUri, 'userUri', this.limits);
    const report = await this.store.transaction((tx) => eraseUserAtHub(tx, user));
    this.fanout.erase((e) => e.sender === user);
    return report;
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
      // Retention may have removed the log's oldest part: what is gone is withheld like history (DL11).
      const firstAvailable = Math.max(await this.firstAvailable(tx, roomId, entry, room.snapshot.historySeconds), await firstHeld(tx, roomId));
      const end = entry.until ?? (await tx.lastSeq(roomId));
      const start = Math.max(after, firstAvailable - 1);
      const events = start >= end ? [] : await tx.events(roomId, start, Math.min(limit, end - start));
      const reached = events.length > 0 ? events[events.length - 1]!.seq : start;
      return { events, complete: reached >= end, firstAvailable };
    });
  }

  /**
   * Validates the messages of an abuse report for one of this hub's rooms (draft "Report abuse", HT19): each
   * server_frank must be this hub's and its integrity signature verify.
   * @param roomId - the room
   * @param messages - the reported messages
   * @throws {@link MimiError} `delivery/no-such-room`, `protocol/server-frank-mismatch`, `protocol/frank-*`, `content/*`
   * @example
   * ```ts
   * await hub.checkAbuseReport(roomId, report.messages);
   * ```
   */
  async checkAbuseReport(roomId: string, messages: readonly AbusiveMessage[]): Promise<void> {
    await this.roomSnapshot(roomId);
    checkAbusiveMessages(this.franking, roomId, messages);
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
    const now = this.clock.now();
    if (this.retention.sweepEveryMs > 0 && (this.nextSweep === undefined || now >= this.nextSweep)) {
      // The first tick only schedules: a restarted hub does not sweep before it has fanned out.
      if (this.nextSweep !== undefined) await this.sweep(now);
      this.nextSweep = now + this.retention.sweepEveryMs;
    }
    await this.fanout.tick();
    await this.welcomes.tick();
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
   * Stops fanning out, waits for acknowledgements and queued writes being recorded, and gives up this
   * process's fanout leases so another process (or a restart) takes over at once (the store stays open: the
   * caller owns it).
   * @example
   * ```ts
   * await hub.stop();
   * ```
   */
  async stop(): Promise<void> {
    this.fanout.stop();
    await this.fanout.flush();
    while (this.writes.busy) await new Promise((r) => setTimeout(r, 1));
    await this.fanout.releaseLeases();
  }

  private async room(tx: StoreTransaction, roomId: string): Promise<HubRoomRecord> {
    const bytes = await tx.get(Namespace.room, roomId);
    if (!bytes) throw new MimiError('delivery/no-such-room', `no room ${roomId}`);
    return decodeHubRoom(bytes, roomId);
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

function randomId(): string {
  // Web Crypto is global in browsers and in Node ≥ 19: the core needs no `node:` import for it.
  return globalThis.crypto.randomUUID();
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
