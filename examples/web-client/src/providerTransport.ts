/**
 * The page as a member of a room served by `mimi serve`: a {@link Transport} whose room is an MLS group held
 * in the page (mimi-kit/mls, the browser crypto provider), reached only through the user's own provider's
 * local client API (`providerApi.ts`). The provider forwards what the page submits to the room's hub over
 * MIMI (draft-ietf-mimi-protocol-06 §5.4) and hands back the room's events one by one; the page decrypts
 * them, processes commits, and acknowledges its cursor.
 *
 * Joining: the page publishes a fresh key package at its provider, a member claims it over MIMI and adds the
 * user with a commit carrying the Welcome; the hub routes the Welcome to the page's provider (docs/decisions.md
 * HT16), where the page polls for it (`GET /v1/welcomes`), joins, and takes it (`/v1/welcomes/accept`): its
 * event stream starts after the commit that added it.
 *
 * @module
 */
import { MimiError, bytesToHex } from 'mimi-kit/content';
import { createClientIdentity, generateKeyPackage, joinFromWelcome, parseMimiUri, type ClientIdentity, type CommitOutcome, type CredentialVerifier, type MimiRoom } from 'mimi-kit/mls';
import type { ProviderApi, ProviderEvent } from './providerApi.js';
import type { DeliveredMessage, JoinResult, Transport, TransportEvent } from './transport.js';

/**
 * The example's authentication service: a credential is accepted when its client URI is one of the user's
 * devices at the user's provider (`mimi://p/d/<user>/<device>` for `mimi://p/u/<user>`). The example has no
 * identity service to ask which signature key a provider issued (RFC 9420 §5.3.1); a real client must.
 *
 * @example
 * ```ts
 * exampleVerifier({ userUri: 'mimi://a.example/u/alice', clientUri: 'mimi://a.example/d/alice/laptop', signaturePublicKey }); // true
 * ```
 */
export const exampleVerifier: CredentialVerifier = (c) => {
  const u = parseMimiUri(c.userUri);
  const d = parseMimiUri(c.clientUri);
  return u?.kind === 'u' && d?.kind === 'd' && u.provider === d.provider && u.segments.length === 1 && d.segments.length === 2 && d.segments[0] === u.segments[0];
};

/** Options of {@link ProviderTransport}. */
export interface ProviderTransportOptions {
  /** The user's own provider's local API. */
  readonly api: ProviderApi;
  readonly userUri: string;
  readonly clientUri: string;
  /** Called on each poll that finds no Welcome yet (e.g. to say the page waits to be added). */
  readonly onWaiting?: () => void;
  /** The client's identity (default: a fresh one, made with the platform's crypto provider). */
  readonly identity?: ClientIdentity;
  /** Pause between polls of an empty event stream (ms, default 250). */
  readonly pollMs?: number;
}

/**
 * A transport over the provider, with the MLS room in the page.
 *
 * @example
 * ```ts
 * const transport = new ProviderTransport({ api, userUri, clientUri });
 * const client = new ChatClient(transport, roomId);
 * await client.start(); // publishes a key package, waits for the Welcome at the provider, joins
 * ```
 */
export class ProviderTransport implements Transport {
  readonly user: string;
  readonly #o: ProviderTransportOptions;
  readonly #listeners = new Set<(e: TransportEvent) => void>();
  /** Hex of the MLS messages this page submitted: applied when sent, skipped when read back. */
  readonly #own = new Set<string>();
  readonly #stop = new AbortController();
  #room: MimiRoom | undefined;
  #roomId = '';
  #cursor = 0;
  /** One MLS state change at a time: sending and receiving both advance the group's ratchets. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ProviderTransportOptions) {
    this.#o = options;
    this.user = options.userUri;
  }

  /** The room as this page holds it (after {@link join}). */
  get room(): MimiRoom | undefined {
    return this.#room;
  }

  #serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(f, f);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Joins: a fresh identity and key package (browser crypto), published at the provider; then the Welcome,
   * once the hub has routed it there.
   * @param roomUri - the room id
   * @returns the room state; no backlog (messages before the join are of epochs this client has no key for)
   * @example
   * ```ts
   * const { state } = await transport.join(roomId);
   * ```
   */
  async join(roomUri: string): Promise<JoinResult> {
    this.#roomId = roomUri;
    if (this.#room === undefined) {
      const identity = this.#o.identity ?? (await createClientIdentity({ userUri: this.#o.userUri, clientUri: this.#o.clientUri }));
      const kp = await generateKeyPackage(identity);
      await this.#o.api.publishKeyPackage(this.#o.userUri, this.#o.clientUri, kp.keyPackage);
      const held = await this.#welcome(roomUri);
      this.#room = await joinFromWelcome({ welcome: held.welcome, keyPackage: kp, verifier: exampleVerifier });
      // Events before the adding commit are of epochs this client has no key for: the provider skips them.
      this.#cursor = await this.#o.api.acceptWelcome(this.#o.clientUri, roomUri);
    }
    void this.#poll();
    return { state: this.#room.roomState, backlog: [] };
  }

  /**
   * Starts from a room this client created (its hub already holds it): {@link join} then only starts polling.
   * @param room - the creator's room
   * @example
   * ```ts
   * transport.attach(await createRoom({ identity, roomUri, roomState, verifier: exampleVerifier }));
   * ```
   */
  attach(room: MimiRoom): void {
    this.#room = room;
  }

  /**
   * Makes a commit on the current room and submits it to the hub through the provider; applied once accepted.
   * @param make - builds the commit from the room (e.g. `(r) => r.addClients(keyPackages)`)
   * @returns the outcome
   * @throws {@link MimiError} `provider/upstream` when the hub refuses it
   * @example
   * ```ts
   * await transport.commit((r) => r.addClients(kps)); // the hub routes the Welcome to the joiners' providers
   * ```
   */
  commit(make: (room: MimiRoom) => Promise<CommitOutcome>): Promise<CommitOutcome> {
    return this.#serial(async () => {
      const out = await make(this.#room!);
      const hex = bytesToHex(out.commit);
      this.#own.add(hex);
      // The Welcome goes with the commit: the hub routes it to the joiners' providers (HT16).
      const r = await this.#o.api.update(this.#roomId, { commit: out.commit, ...(out.welcome === undefined ? {} : { welcome: out.welcome }) });
      if (r.code !== 'success') {
        this.#own.delete(hex);
        throw new MimiError('provider/upstream', `the hub refused the commit: ${r.code}${r.description ? ` (${r.description})` : ''}`);
      }
      this.#room = out.room;
      this.#emit({ type: 'room', state: out.room.roomState });
      return out;
    });
  }

  /**
   * Encrypts, submits through the provider; resolves with the hub's timestamp once accepted.
   * @param bytes - encoded MIMI content
   * @returns the hub's accepted timestamp
   * @throws {@link MimiError} `provider/upstream` when the hub refuses it (`notAllowed`, `epochTooOld`)
   * @example
   * ```ts
   * await transport.send(encodeContent(markdown('hi', { senderUri, roomUri })));
   * ```
   */
  send(bytes: Uint8Array): Promise<{ readonly hubTimestamp: number }> {
    return this.#serial(async () => {
      const room = this.#room;
      if (room === undefined) throw new MimiError('provider/upstream', 'join the room before sending');
      const { message, room: next } = await room.encryptContent(bytes);
      const hex = bytesToHex(message);
      this.#own.add(hex);
      const r = await this.#o.api.submit(this.#roomId, { message, sendingUri: this.user });
      if (r.code !== 'accepted') {
        this.#own.delete(hex);
        throw new MimiError('provider/upstream', `the hub refused the message: ${r.code}${'description' in r ? ` (${r.description})` : ''}`);
      }
      this.#room = next;
      const delivered: DeliveredMessage = { type: 'message', sender: this.user, hubTimestamp: r.acceptedTimestamp, bytes: bytes.slice() };
      // Delivered before any event read after it (still inside the one-at-a-time section): an answer to this
      // message must not reach the conversation before the message itself.
      this.#emit(delivered);
      return { hubTimestamp: r.acceptedTimestamp };
    });
  }

  /**
   * Subscribes to deliveries and room changes.
   * @param listener - called for each
   * @returns the function that unsubscribes
   * @example
   * ```ts
   * const stop = transport.onEvent((e) => e.type === 'message' && console.log(e.sender));
   * ```
   */
  onEvent(listener: (event: TransportEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stops polling (the provider keeps the cursor acknowledged so far).
   * @example
   * ```ts
   * transport.close();
   * ```
   */
  close(): void {
    this.#stop.abort();
  }

  #emit(e: TransportEvent): void {
    for (const l of this.#listeners) l(e);
  }

  async #fetch(): Promise<ProviderEvent[]> {
    try {
      return (await this.#o.api.next(this.#o.clientUri, this.#roomId, 100)).events.filter((e) => e.seq > this.#cursor);
    } catch (e) {
      // The provider may not follow the room yet: the hub's first notify is on the way.
      if (e instanceof MimiError && e.code === 'delivery/no-such-room') return [];
      throw e;
    }
  }

  /** Polls the provider until the hub's Welcome for this client and room is there. */
  async #welcome(roomUri: string): Promise<{ welcome: Uint8Array }> {
    while (!this.#stop.signal.aborted) {
      const held = (await this.#o.api.welcomes(this.#o.clientUri)).find((w) => w.roomId === roomUri);
      if (held !== undefined) return held;
      this.#o.onWaiting?.();
      await this.#sleep();
    }
    throw new MimiError('provider/upstream', 'stopped before a Welcome arrived');
  }

  #sleep(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.#o.pollMs ?? 250));
  }

  async #poll(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      try {
        const events = await this.#fetch();
        for (const e of events) await this.#serial(() => this.#process(e));
        if (events.length > 0) await this.#o.api.ack(this.#o.clientUri, this.#roomId, this.#cursor);
        else await this.#sleep();
      } catch (e) {
        console.warn(`event stream: ${e instanceof Error ? e.message : String(e)}`);
        await this.#sleep();
      }
    }
  }

  async #process(e: ProviderEvent): Promise<void> {
    const room = this.#room!;
    this.#cursor = e.seq;
    const hex = bytesToHex(e.message);
    if (e.kind === 'erased' || this.#own.delete(hex)) return;
    if (e.kind === 'commit' || e.kind === 'proposal') {
      // A proposal (a member's leave) is held until a commit cites it (RFC 9420 §12.4); a commit applies.
      const r = await room.processHandshake(e.message);
      this.#room = r.room;
      if (r.roomStateChanged) this.#emit({ type: 'room', state: r.room.roomState });
      return;
    }
    try {
      const got = await room.decryptContent(e.message, { hubTimestamp: e.hubTime });
      this.#room = got.room;
      // The sender is the one the MLS credential authenticates (draft-ietf-mimi-content §3.7), not the content's claim.
      this.#emit({ type: 'message', sender: got.senderUserUri, hubTimestamp: got.hubTimestamp, bytes: got.contentBytes });
    } catch (err) {
      console.warn(`dropped event ${e.seq}: ${err instanceof MimiError ? err.code : 'undecryptable'}`);
    }
  }
}
