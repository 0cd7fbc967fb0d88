/**
 * A MIMI provider process in one object: Hub + Follower + KeyMaterialStore on one store, the MIMI endpoints
 * (`mimi-kit/http`) on a mutual-TLS listener, the local client API and `/metrics` on a loopback listener,
 * the fanout/retry timer, structured logs and metrics, and a graceful stop. `mimi serve` is this class
 * behind flags; tests and `mimi demo` start it directly.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { Follower } from '../delivery/follower.js';
import { Hub } from '../delivery/hub.js';
import { KeyMaterialStore } from '../delivery/keyMaterial.js';
import type { HubFranking } from '../delivery/franking.js';
import { mlsRoomSnapshot, type UpdateChecker } from '../delivery/checker.js';
import type { DeliveryStore } from '../delivery/store/types.js';
import type { ClientBatch, Clock, HeldWelcome, KeyMaterialClaim } from '../delivery/index.js';
import { createMimiHandler, httpFollowerTransport, httpHubTransport, MimiHttpClient, type FetchLike, type MimiHandler } from '../http/index.js';
import { createMtlsFetch, startMimiServer, type MimiServer, type MtlsFetch } from '../http/node/index.js';
import { decodeAbuseReport, parseMlsMessage, type AbuseReport } from '../protocol/index.js';
import { roomStateFromJson } from '../room/index.js';
import { domainOfUri, readTlsMaterial, type ProviderConfig } from './config.js';
import { createLocalApiHandler, MAX_LOCAL_BODY, type ClientOperations, type CreateRoomRequest, type LocalSubmitResult, type LocalUpdateResult, type ProviderStatus } from './localApi.js';
import { loadFrankingKeyFile } from './franking.js';
import { bareKeyPackage, bareWelcome, fromRemoteUpdate, signedRequestFor, wrapKeyPackage } from './framing.js';
import { abuseReportSink, type AbuseReportSink } from './abuse.js';
import { countOutcome, observedFetch, observedHandler, observedTransport, round, wireObserver, type WireObserver } from './wire.js';
import { createLogger, type Logger } from './logger.js';
import { ProviderMetrics, timedStore } from './metrics.js';
import { describeStore, openStore } from './store.js';

/** Options of {@link Provider.start}. */
export interface ProviderOptions {
  /** The validated configuration (`parseProviderConfig`). */
  readonly config: ProviderConfig;
  /** The hub's commit check (draft-ietf-mimi-protocol-06 §5.3). */
  readonly checker: UpdateChecker;
  /** Logger (default: JSON lines on standard output at the configured level). */
  readonly logger?: Logger;
  /** Hub time (default the system clock). */
  readonly clock?: Clock;
  /** An already open store (default: `openStore(config.store)`); the provider closes it on stop. */
  readonly store?: DeliveryStore;
  /** The hub's franking keys (draft-ietf-mimi-protocol-06 "Hub processing", HT19); without them nothing is franked. */
  readonly franking?: HubFranking;
  /**
   * Receives each abuse report a peer sends for a room hubbed here (draft-ietf-mimi-protocol-06 "Report abuse"),
   * after the hub has checked every reported message's frank (HT19). Default: a `warn` log line for the
   * operator. Either way it is counted in `mimi_abuse_reports_total`.
   */
  readonly onAbuseReport?: (roomId: string, report: AbuseReport, peer: string) => Promise<void>;
}

/** What {@link Provider.stop} did. */
export interface StopReport {
  /** True when every fanout was acknowledged before the bound. */
  readonly flushed: boolean;
  /** Deliveries still unacknowledged (resent after a restart on the same store). */
  readonly backlog: number;
  /** Time the stop took, ms. */
  readonly ms: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A running provider.
 *
 * @example
 * ```ts
 * import { Provider, parseProviderConfig } from 'mimi-kit/provider';
 * const provider = await Provider.start({ config: parseProviderConfig(json), checker });
 * console.log(provider.mimiUrl, provider.localUrl);
 * process.once('SIGTERM', () => void provider.stop());
 * ```
 */
export class Provider implements ClientOperations {
  /** This provider's domain. */
  readonly domain: string;
  /** Metrics (also served at `<localUrl>/metrics`). */
  readonly metrics: ProviderMetrics;
  /** The logger. */
  readonly log: Logger;
  /** The MIMI handler (mutual TLS listener), exposed for in-process use. */
  readonly mimiHandler: MimiHandler;
  /** The local listener's handler (client API and /metrics). */
  readonly localHandler: (request: Request) => Promise<Response>;
  readonly #config: ProviderConfig;
  readonly #store: DeliveryStore;
  readonly #hub: Hub;
  readonly #follower: Follower;
  readonly #keys: KeyMaterialStore;
  readonly #client: MimiHttpClient;
  readonly #clock: Clock;
  readonly #frankingPublicKey: Uint8Array | undefined;
  readonly #wire: WireObserver;
  readonly #tls: ReturnType<typeof readTlsMaterial> | undefined;
  #mtls: MtlsFetch | undefined;
  readonly #abuse: AbuseReportSink;
  #mimiServer: MimiServer | undefined;
  #localServer: MimiServer | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking: Promise<void> | undefined;
  #closing = false;
  #stopped: Promise<StopReport> | undefined;

  private constructor(options: ProviderOptions, store: DeliveryStore) {
    const config = options.config;
    this.#config = config;
    this.domain = config.domain;
    this.#clock = options.clock ?? Date;
    this.log = options.logger ?? createLogger({ level: config.logLevel, base: { domain: config.domain } });
    let hub: Hub | undefined;
    let follower: Follower | undefined;
    this.metrics = new ProviderMetrics({ backlog: () => hub!.backlog(), openGaps: () => (follower!.settled() ? 0 : 1) });
    this.#store = timedStore(store, this.metrics.storeSeconds);
    this.#wire = wireObserver({ log: this.log, metrics: this.metrics, clock: this.#clock });

    const tls = (this.#tls = config.tls ? readTlsMaterial(config.tls) : undefined);
    const origins = new Map(Object.entries(config.peers).map(([d, url]) => [new URL(url).origin, d]));
    if (tls) this.#mtls = createMtlsFetch({ ...tls, servername: (url) => origins.get(url.origin) ?? url.hostname });
    const base: FetchLike = this.#mtls ?? (globalThis.fetch as unknown as FetchLike);
    this.#client = new MimiHttpClient({ domain: config.domain, fetch: observedFetch(this.#wire, base, origins), resolve: (d) => this.#peerUrl(d) });

    // DL4: the hub's own domain follows its rooms; these calls stay in the process.
    const locals: { local?: Follower; hub?: Hub } = {};
    this.#follower = follower = new Follower({
      domain: config.domain,
      store: this.#store,
      clock: this.#clock,
      gapTimeoutMs: config.gapTimeoutMs,
      // One store for both: our hub's rooms are delivered from its log, not copied (DL17).
      sharesStoreWithHub: true,
      hubs: httpHubTransport(this.#client, {
        get local(): Hub {
          return locals.hub!;
        },
      }),
    });
    locals.local = follower;
    this.#frankingPublicKey = options.franking?.frankingPublicKey;
    this.#hub = hub = new Hub({ domain: config.domain, store: this.#store, clock: this.#clock, checker: options.checker, transport: observedTransport(this.#wire, httpFollowerTransport(this.#client, locals)), ...(options.franking ? { franking: options.franking } : {}) });
    locals.hub = hub;
    this.#keys = new KeyMaterialStore(this.#store, {}, this.#clock);
    this.#abuse = abuseReportSink({ log: this.log, metrics: this.metrics, onAbuseReport: options.onAbuseReport });

    const inner = createMimiHandler({
      domain: config.domain,
      hub,
      follower,
      keyMaterial: this.#keys,
      checker: options.checker,
      reportAbuse: (roomId, report, peer) => this.#abuse(roomId, report, peer),
      hostAliases: ['127.0.0.1', 'localhost', '::1', config.host],
      onRequest: (entry) => {
        const slot = this.#wire.requestLog.getStore();
        if (slot) slot.entry = entry;
      },
      onError: (e) => this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'internal error'),
    });
    this.mimiHandler = observedHandler(this.#wire, inner);
    const local = createLocalApiHandler({
      token: config.local.token,
      operations: this,
      metrics: () => this.metrics.render(),
      onRequest: (e) => this.log.debug({ api: 'client', route: e.route, status: e.status, ms: round(e.ms), ...(e.code ? { code: e.code } : {}) }, 'client request'),
    });
    this.localHandler = async (request) => {
      if (this.#closing && new URL(request.url).pathname !== '/metrics') {
        return new Response(JSON.stringify({ error: 'provider/shutting-down', message: 'the provider is stopping' }), { status: 503, headers: { 'content-type': 'application/json' } });
      }
      return local(request);
    };
  }

  /**
   * Opens the store, starts both listeners and the fanout timer.
   * @param options - configuration, checker, logger, clock
   * @returns the running provider
   * @throws {@link MimiError} `provider/unreadable-file`, `provider/unsupported-store`, `http/bad-certificate`, `http/network` (cannot listen)
   * @example
   * ```ts
   * const provider = await Provider.start({ config, checker });
   * ```
   */
  static async start(options: ProviderOptions): Promise<Provider> {
    // The franking key file is read (or created) before anything opens, so a bad one stops the start cleanly.
    if (options.franking === undefined && options.config.frankingKeyFile !== undefined) options = { ...options, franking: loadFrankingKeyFile(options.config.frankingKeyFile) };
    const store = options.store ?? (await openStore(options.config.store));
    let provider: Provider;
    try {
      provider = new Provider(options, store);
    } catch (e) {
      await store.close();
      throw e;
    }
    try {
      await provider.#listen();
    } catch (e) {
      await provider.#release();
      throw e;
    }
    return provider;
  }

  /**
   * The public key of the hub's franking signature key (HT19), for the rooms' `franking_agent` component;
   * undefined when the hub does not frank.
   */
  get frankingPublicKey(): Uint8Array | undefined {
    return this.#frankingPublicKey;
  }

  /** Base URL of the MIMI listener. */
  get mimiUrl(): string {
    return this.#mimiServer!.url;
  }

  /** Base URL of the local listener (client API, /metrics). */
  get localUrl(): string {
    return this.#localServer!.url;
  }

  async #listen(): Promise<void> {
    const c = this.#config;
    const tls = this.#tls;
    const onError = (e: unknown) => this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'connection error');
    this.#mimiServer = await startMimiServer({ handler: this.mimiHandler, host: c.host, port: c.port, tls: tls ?? { plainHttp: true }, onError });
    // The local listener is plain HTTP on loopback (config schema): local clients and scrapers hold no provider certificate.
    this.#localServer = await startMimiServer({ handler: (r) => this.localHandler(r), host: c.local.host, port: c.local.port, tls: { plainHttp: true }, maxBodyBytes: MAX_LOCAL_BODY, onError });
    this.#timer = setInterval(() => void this.#tick(), c.tickMs);
    this.log.info({ mimi: this.mimiUrl, local: this.localUrl, store: describeStore(c.store), tls: tls ? 'mutual' : 'plain HTTP', peers: Object.keys(c.peers) }, 'listening');
  }

  /** One fanout/retry/gap round; concurrent calls share the round in progress. */
  #tick(): Promise<void> {
    this.#ticking ??= (async () => {
      try {
        await this.#hub.tick();
        await this.#follower.tick();
      } catch (e) {
        this.log.warn({ err: e instanceof Error ? e.message : String(e), ...(e instanceof MimiError ? { code: e.code } : {}) }, 'fanout round failed');
      } finally {
        this.#ticking = undefined;
      }
    })();
    return this.#ticking;
  }

  #peerUrl(domain: string): string {
    const url = this.#config.peers[domain];
    if (url === undefined) throw new MimiError('provider/unknown-peer', `no URL configured for provider ${domain} (--peer ${domain}=URL)`, { details: { domain } });
    return url.replace(/\/+$/, '');
  }

  #hubOf(roomId: string): string {
    const d = domainOfUri(roomId);
    if (d === undefined) throw new MimiError('provider/bad-request', `${roomId} is not a mimi:// room URI`, { path: ['roomId'] });
    return d;
  }

  #ownUser(uri: string, field: string): void {
    if (domainOfUri(uri) !== this.domain) throw new MimiError('provider/bad-request', `${uri} is not a user of ${this.domain}`, { path: [field] });
  }

  /**
   * Stores a key package (as an MLSMessage, what `generateKeyPackage` gives) for one of this provider's users.
   * @param user - user URI at this domain
   * @param client - client URI
   * @param keyPackage - the MLSMessage bytes
   * @example
   * ```ts
   * await provider.publishKeyPackage(user, client, kp.keyPackage);
   * ```
   */
  async publishKeyPackage(user: string, client: string, keyPackage: Uint8Array): Promise<void> {
    this.#ownUser(user, 'user');
    // The keyMaterial endpoint answers bare KeyPackages (draft-ietf-mimi-protocol-06 §5.2 ClientKeyMaterial).
    await this.#keys.publish(user, client, bareKeyPackage(keyPackage));
  }

  /**
   * Claims a user's key packages, here or over MIMI.
   * @param user - user URI
   * @param signedRequest - the requesting client's KeyMaterialRequest (for a user of another provider)
   * @returns the claim, key packages as MLSMessages
   * @example
   * ```ts
   * const claim = await provider.claimKeyPackages('mimi://a.example/u/bob');
   * ```
   */
  async claimKeyPackages(user: string, signedRequest?: Uint8Array): Promise<KeyMaterialClaim> {
    const domain = domainOfUri(user);
    if (domain === undefined) throw new MimiError('provider/bad-request', `${user} is not a mimi:// user URI`, { path: ['user'] });
    const claim: KeyMaterialClaim = domain === this.domain ? await this.#localClaim(user, signedRequest) : await this.#remoteClaim(domain, user, signedRequest);
    return { ...claim, clients: claim.clients.map((c) => (c.clientStatus === 'success' ? { ...c, keyPackage: wrapKeyPackage(c.keyPackage) } : c)) };
  }

  /** A claim here: with the client's signed request, matched to its suites and capabilities as a peer's would be (HT10). */
  async #localClaim(user: string, signedRequest: Uint8Array | undefined): Promise<KeyMaterialClaim> {
    if (signedRequest === undefined) return this.#keys.claim(user);
    const request = signedRequestFor(user, signedRequest);
    return this.#keys.claim(user, { acceptableCiphersuites: request.acceptableCiphersuites, requiredCapabilities: request.requiredCapabilities });
  }

  async #remoteClaim(domain: string, user: string, signedRequest: Uint8Array | undefined): Promise<KeyMaterialClaim> {
    if (signedRequest === undefined) throw new MimiError('provider/bad-request', `claiming key packages of ${user} at ${domain} needs the client's signed KeyMaterialRequest`, { path: ['request'] });
    const request = signedRequestFor(user, signedRequest);
    this.#ownUser(request.requestingUser, 'request');
    const r = await this.#client.keyMaterial(domain, request);
    const status = r.userStatus === 'success' || r.userStatus === 'partialSuccess' || r.userStatus === 'noCompatibleMaterial' ? r.userStatus : 'userUnknown';
    return { userStatus: status, userUri: r.userUri, clients: r.clients };
  }

  /**
   * Creates a room hubbed here.
   * @param request - room id (at this domain), epoch, the group as the creator shows it
   * @throws {@link MimiError} `provider/not-hub`, `room/invalid-json`, `delivery/room-exists`
   * @example
   * ```ts
   * const g = room.groupView();
   * await provider.createRoom({ roomId, epoch: 0, roomState: roomStateToJson(g.state), members: g.members, extensions: g.extensions });
   * ```
   */
  async createRoom(request: CreateRoomRequest): Promise<void> {
    if (this.#hubOf(request.roomId) !== this.domain) throw new MimiError('provider/not-hub', `${request.roomId} is not a room of ${this.domain}`, { path: ['roomId'] });
    const group = { state: roomStateFromJson(request.roomState), members: request.members, extensions: request.extensions };
    await this.#hub.createRoom(request.roomId, mlsRoomSnapshot(group, request.epoch), request.groupInfo);
    this.log.info({ room: request.roomId }, 'room created');
  }

  /**
   * Sends a commit to the room's hub: this provider's, or another over MIMI (with the GroupInfo the
   * HandshakeBundle requires).
   * @param roomId - the room
   * @param request - commit (PublicMessage MLSMessage) and the new epoch's GroupInfo
   * @returns the hub's answer
   * @example
   * ```ts
   * const r = await provider.update(roomId, { commit, groupInfo });
   * ```
   */
  async update(roomId: string, request: { commit: Uint8Array; groupInfo?: Uint8Array; welcome?: Uint8Array }): Promise<LocalUpdateResult> {
    const hub = this.#hubOf(roomId);
    if (hub === this.domain) {
      const r = await this.#hub.update(roomId, request);
      countOutcome(this.metrics, 'commit', r.code);
      if (r.code === 'success') {
        void this.#tick();
        return { code: 'success', acceptedTimestamp: r.acceptedTimestamp };
      }
      return r.code === 'wrongEpoch' ? { code: r.code, currentEpoch: r.currentEpoch, description: r.description } : { code: r.code, description: r.description };
    }
    if (request.groupInfo === undefined) throw new MimiError('provider/bad-request', 'a commit for another provider\'s hub needs the GroupInfo of the new epoch (HandshakeBundle)', { path: ['groupInfo'] });
    const r = await this.#client.update(hub, roomId, {
      bundle: {
        kind: 'commit',
        proposalOrCommit: parseMlsMessage(request.commit),
        // HandshakeBundle.welcome is a bare Welcome (Protocol PR6): the MLSMessage header goes (HT16).
        ...(request.welcome === undefined ? {} : { welcome: bareWelcome(request.welcome) }),
        groupInfoOption: { representation: 'full', groupInfo: request.groupInfo },
        ratchetTreeOption: { representation: 'outOfBand' },
      },
    });
    return fromRemoteUpdate(r);
  }

  /**
   * Sends standalone proposals (e.g. a member's `leave()`) to the room's hub: this provider's, or another over
   * MIMI as a proposal HandshakeBundle (draft-ietf-mimi-protocol-06 §5.3; docs/decisions.md HT15). The hub holds
   * them for the epoch and fans them out, so another member can commit them by reference.
   * @param roomId - the room
   * @param request - the proposals (PublicMessage MLSMessages), in order
   * @returns the hub's answer
   * @example
   * ```ts
   * const { proposals } = await room.leave();
   * await provider.propose(roomId, { proposals });
   * ```
   */
  async propose(roomId: string, request: { proposals: readonly Uint8Array[] }): Promise<LocalUpdateResult> {
    const hub = this.#hubOf(roomId);
    if (hub === this.domain) {
      const r = await this.#hub.propose(roomId, { proposals: request.proposals, provider: this.domain });
      if (r.code === 'success') void this.#tick();
      if (r.code === 'success') return { code: 'success', acceptedTimestamp: r.acceptedTimestamp };
      return r.code === 'wrongEpoch' ? { code: r.code, currentEpoch: r.currentEpoch, description: r.description } : { code: r.code, description: r.description };
    }
    const [first, ...more] = request.proposals;
    if (first === undefined) throw new MimiError('provider/bad-request', 'no proposals', { path: ['proposals'] });
    const r = await this.#client.update(hub, roomId, { bundle: { kind: 'proposal', proposalOrCommit: parseMlsMessage(first), moreProposals: more.map((m) => parseMlsMessage(m)) } });
    return fromRemoteUpdate(r);
  }

  /**
   * Sends an application message of one of this provider's users to the room's hub.
   * @param roomId - the room
   * @param request - PrivateMessage MLSMessage and sender
   * @returns the hub's answer
   * @example
   * ```ts
   * await provider.submit(roomId, { message, sendingUri: 'mimi://b.example/u/carol' });
   * ```
   */
  async submit(roomId: string, request: { message: Uint8Array; sendingUri: string; expires?: number }): Promise<LocalSubmitResult> {
    this.#ownUser(request.sendingUri, 'sender');
    const hub = this.#hubOf(roomId);
    if (hub === this.domain) {
      const r = await this.#hub.submitMessage(roomId, request);
      countOutcome(this.metrics, 'message', r.code);
      if (r.code === 'accepted') void this.#tick();
      if (r.code === 'accepted') return { code: 'accepted', acceptedTimestamp: r.acceptedTimestamp, ...(r.frank ? { frank: r.frank } : {}) };
      return r.code === 'epochTooOld' ? { code: r.code, currentEpoch: r.currentEpoch } : { code: r.code, description: r.description };
    }
    const r = await this.#client.submitMessage(hub, roomId, { appMessage: parseMlsMessage(request.message), sendingUri: request.sendingUri }, request.expires === undefined ? {} : { expires: request.expires });
    if (r.statusCode === 'accepted') return { code: 'accepted', acceptedTimestamp: Number(r.acceptedTimestamp), ...(r.frank ? { frank: r.frank } : {}) };
    if (r.statusCode === 'epochTooOld') return { code: 'epochTooOld', currentEpoch: Number(r.currentEpoch) };
    return { code: 'notAllowed', description: 'the hub refused the message' };
  }

  /**
   * Reports abuse in a room for one of this provider's users (draft-ietf-mimi-protocol-06 "Report abuse"): to
   * the room's hub over MIMI, or, for a room hubbed here, checked (each message's frank, HT19) and handled as a
   * peer's report is.
   * @param roomId - the room
   * @param report - the AbuseReport bytes (`encodeAbuseReport`); its reportingUser is a user here, or empty
   * @throws {@link MimiError} `provider/bad-request`, `protocol/*` (not an AbuseReport), `delivery/bad-request`
   *   (a frank that does not verify), `delivery/no-such-room`, `http/*` (the remote hub refused it)
   * @example
   * ```ts
   * await provider.reportAbuse(roomId, encodeAbuseReport({ reportingUser: bob, allegedAbuserUri: mallory, reasonCode: 1, note: 'spam', messages, abuseExtensions: [] }));
   * ```
   */
  async reportAbuse(roomId: string, report: Uint8Array): Promise<void> {
    const body = decodeAbuseReport(report);
    if (body.reportingUser !== '') this.#ownUser(body.reportingUser, 'report');
    const hub = this.#hubOf(roomId);
    if (hub !== this.domain) return this.#client.reportAbuse(hub, roomId, body);
    await this.#hub.checkAbuseReport(roomId, body.messages);
    await this.#abuse(roomId, body, this.domain);
  }

  /**
   * The next events of a client (Follower.next).
   * @param client - client URI
   * @param roomId - the room
   * @param limit - most events
   * @returns the batch
   * @example
   * ```ts
   * const { events } = await provider.next(client, roomId, 100);
   * ```
   */
  next(client: string, roomId: string, limit: number): Promise<ClientBatch> {
    return this.#follower.next(client, roomId, limit);
  }

  /**
   * Acknowledges a client's events (Follower.ack).
   * @param client - client URI
   * @param roomId - the room
   * @param seq - last processed
   * @example
   * ```ts
   * await provider.ack(client, roomId, 12);
   * ```
   */
  ack(client: string, roomId: string, seq: number): Promise<void> {
    return this.#follower.ack(client, roomId, seq);
  }

  /**
   * The Welcomes routed here for a client (Follower.welcomes, HT16).
   * @param client - client URI
   * @returns one per room
   * @example
   * ```ts
   * const [w] = await provider.welcomes('mimi://b.example/d/carol/laptop');
   * ```
   */
  welcomes(client: string): Promise<HeldWelcome[]> {
    return this.#follower.welcomes(client);
  }

  /**
   * Takes a client's Welcome once it joined (Follower.acceptWelcome): its cursor starts after the adding commit.
   * @param client - client URI
   * @param roomId - the room
   * @returns the client's cursor
   * @example
   * ```ts
   * await provider.acceptWelcome('mimi://b.example/d/carol/laptop', roomId);
   * ```
   */
  acceptWelcome(client: string, roomId: string): Promise<number> {
    return this.#follower.acceptWelcome(client, roomId);
  }

  /**
   * Backlog, gaps and followed rooms.
   * @returns the status
   * @example
   * ```ts
   * (await provider.status()).backlog; // 0
   * ```
   */
  async status(): Promise<ProviderStatus> {
    return { domain: this.domain, backlog: await this.#hub.backlog(), settled: this.#follower.settled(), rooms: await this.#follower.rooms() };
  }

  /**
   * Stops gracefully: refuses new client requests, stops accepting MIMI connections, keeps fanning out until
   * every delivery is acknowledged or `shutdownTimeoutMs` passes, then closes the listeners and the store.
   * What is not acknowledged stays in the store and is resent by a provider restarted on it.
   * @returns what was flushed
   * @example
   * ```ts
   * process.once('SIGTERM', async () => { const r = await provider.stop(); process.exitCode = 0; });
   * ```
   */
  stop(): Promise<StopReport> {
    this.#stopped ??= (async () => {
      const t0 = performance.now();
      this.#closing = true;
      this.log.info({}, 'stopping');
      await this.#mimiServer?.close(1000);
      const deadline = t0 + this.#config.shutdownTimeoutMs;
      let backlog = await this.#hub.backlog();
      while (backlog > 0 && performance.now() < deadline) {
        await this.#tick();
        await sleep(Math.min(this.#config.tickMs, 25));
        backlog = await this.#hub.backlog();
      }
      await this.#release();
      const report = { flushed: backlog === 0, backlog, ms: round(performance.now() - t0) };
      this.log.info(report, 'stopped');
      return report;
    })();
    return this.#stopped;
  }

  async #release(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#ticking;
    await this.#hub.stop();
    await this.#mimiServer?.close(1000);
    await this.#localServer?.close(1000);
    await this.#mtls?.close();
    await this.#store.close();
  }
}

