/**
 * The clients of `mimi demo` and how they reach the room: every client lives in the demo process and talks
 * only to its own provider through the provider's local client API ({@link ClientOperations}); where the
 * providers run (two processes over HTTPS, or in this process) is the caller's. Commits and messages go to
 * the room's hub, a commit's Welcome with it (the hub routes it to the joiners' providers, where each joiner
 * takes it), a leave as proposals; each client reads its events (commits, proposals, messages) back in order
 * from its provider, processes them with its own copy of the MLS group, and acknowledges them.
 *
 * @module
 */
import { encodeContent, messageId, type MimiContent } from '../content/index.js';
import { bytesToHex } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import { Conversation } from '../fallback/index.js';
import { joinFromWelcome, type ClientIdentity, type CommitOutcome, type CredentialVerifier, type KeyPackageBundle, type MimiRoom } from '../mls/index.js';
import { authorize } from '../room/index.js';
import type { LogEvent } from '../delivery/index.js';
import type { ClientOperations } from '../provider/localApi.js';
import { exportGroupInfo } from '../mls/groupInfo.js';

/** Display names of the demo's users. */
export const NAMES: Record<string, string> = {};

/** "Alice (phone)" for mimi://a.example/d/alice/phone. */
export function clientName(clientUri: string, userUri: string): string {
  return `${NAMES[userUri] ?? userUri} (${clientUri.split('/').pop()})`;
}

/** `n word(s)`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Each provider vouches for the (client, user, signature key) triples it issued. */
export class TrustStore {
  readonly #issued = new Map<string, string>();
  /** Records an identity as issued. */
  issue(id: ClientIdentity): void {
    this.#issued.set(id.clientUri, `${id.userUri} ${bytesToHex(id.signaturePublicKey)}`);
  }
  /** The verifier every client's MLS group uses. */
  readonly verifier: CredentialVerifier = (c) => this.#issued.get(c.clientUri) === `${c.userUri} ${bytesToHex(c.signaturePublicKey)}`;
}

/** One client: its identity, its copy of the MLS group, its own conversation view, its cursor. */
export interface DemoClient {
  readonly id: ClientIdentity;
  /** Its provider's domain. */
  readonly domain: string;
  room?: MimiRoom;
  conversation?: Conversation;
  /** Hex IDs of the messages sent while this client was not a member (it cannot read them). */
  readonly missed: Set<string>;
  /** Last event processed and acknowledged. */
  cursor: number;
}

/** How long a client waits for its provider to hand it an event before the demo fails. */
const SYNC_TIMEOUT_MS = 20_000;

/** The signing half of a client identity, kept by the demo to sign its KeyMaterialRequests. */
export type SignKey = (data: Uint8Array) => Uint8Array;

/** The room as the demo's clients see it. */
export class DemoRoom {
  readonly clients = new Map<string, DemoClient>();
  /** Every application message sent, by kind. */
  readonly sent: { id: string; kind: string }[] = [];
  /** Content message ID (hex) by the hex of the MLS message that carried it. */
  readonly #contentId = new Map<string, string>();
  /** MLS messages (hex) each client submitted: applied when sent, skipped when read back. */
  readonly #own = new Map<string, string>();
  /** Sequence number of each event (by MLS message hex), as the first client read it. */
  readonly #seqOf = new Map<string, number>();
  /** Per event (MLS message hex): the clients that could not read it. */
  readonly #unreadable = new Map<string, string[]>();
  /** The hub time of the last accepted event. */
  lastHubTime = 0;

  constructor(
    readonly roomId: string,
    readonly providers: Readonly<Record<string, ClientOperations>>,
    readonly trust: TrustStore,
    readonly log: (line: string) => void,
    readonly keyMaterialRequest: (by: ClientIdentity, user: string) => Uint8Array,
  ) {}

  /** Adds a client of the provider its URI names. */
  add(id: ClientIdentity): void {
    const domain = /^mimi:\/\/([^/]+)\//.exec(id.clientUri)?.[1];
    if (!domain || !this.providers[domain]) throw new MimiError('demo/no-room', `no provider for ${id.clientUri}`);
    this.clients.set(id.clientUri, { id, domain, missed: new Set(), cursor: 0 });
  }

  client(id: ClientIdentity): DemoClient {
    const c = this.clients.get(id.clientUri);
    if (!c) throw new MimiError('demo/no-room', `${id.clientUri} is not known`);
    return c;
  }

  provider(c: DemoClient): ClientOperations {
    return this.providers[c.domain]!;
  }

  room(id: ClientIdentity): MimiRoom {
    const r = this.client(id).room;
    if (!r) throw new MimiError('demo/no-room', `${id.clientUri} is not in the room`);
    return r;
  }

  conversation(c: DemoClient): Conversation {
    // Edits and deletes of others' messages are allowed when this client's copy of the room policy says so.
    c.conversation ??= new Conversation({
      authorize: (req) =>
        authorize(this.room(c.id).roomState, req.actor, { type: 'message', action: req.kind === 'delete' ? 'deleteOther' : 'editOwn' }).allowed,
    });
    return c.conversation;
  }

  /** Publishes fresh key packages for clients at their own providers. */
  async publish(bundles: readonly KeyPackageBundle[]): Promise<void> {
    for (const kp of bundles) await this.provider(this.clients.get(kp.clientUri)!).publishKeyPackage(kp.userUri, kp.clientUri, kp.keyPackage);
  }

  /**
   * Claims a user's key packages through the claiming client's provider; for a user of another provider the
   * client signs a KeyMaterialRequest and its provider sends it over MIMI.
   */
  async claim(by: ClientIdentity, user: string): Promise<Uint8Array[]> {
    const c = this.client(by);
    const remote = !user.startsWith(`mimi://${c.domain}/`);
    const claim = await this.provider(c).claimKeyPackages(user, remote ? this.keyMaterialRequest(by, user) : undefined);
    const got = claim.clients.flatMap((k) => (k.clientStatus === 'success' ? [k.keyPackage] : []));
    if (got.length === 0) throw new MimiError('demo/no-recipient', `no key package for ${user} (${claim.userStatus})`);
    return got;
  }

  /**
   * Sends a commit (with the new epoch's GroupInfo, and its Welcome when it adds clients) to the hub through
   * the committer's provider; once accepted, every other client reads it back from its own provider and
   * checks it. The hub routes the Welcome to the joiners' providers (HT16): each joiner takes it from its own
   * provider, joins, and is handed the room's events from the one after the commit that added it.
   */
  async commit(from: ClientIdentity, what: string, out: CommitOutcome, joiners: KeyPackageBundle[] = []): Promise<void> {
    const c = this.client(from);
    const welcome = joiners.length > 0 ? { welcome: out.welcome! } : {};
    const r = await this.provider(c).update(this.roomId, { commit: out.commit, groupInfo: await exportGroupInfo(out.room), ...welcome });
    if (r.code !== 'success') throw new MimiError('demo/hub-refused', `the hub refused ${what}: ${r.code} (${'description' in r ? r.description : ''})`);
    c.room = out.room;
    const hex = bytesToHex(out.commit);
    this.#own.set(hex, from.clientUri);
    this.lastHubTime = r.acceptedTimestamp;
    const checkedBy = await this.sync(hex, from);
    const via = new Set<string>();
    for (const kp of joiners) {
      const j = this.clients.get(kp.clientUri)!;
      const held = await this.#welcomeOf(j, hex);
      j.room = await joinFromWelcome({ welcome: held.welcome, keyPackage: kp, verifier: this.trust.verifier });
      // Its history starts after the commit that added it: the provider moves its cursor there.
      j.cursor = await this.provider(j).acceptWelcome(j.id.clientUri, this.roomId);
      via.add(j.domain);
    }
    const checked = checkedBy === 0 ? 'checked by the hub; no other member yet' : `checked by the hub and by the ${plural(checkedBy, 'other member client')}`;
    const hubDomain = /^mimi:\/\/([^/]+)\//.exec(this.roomId)?.[1];
    const where = [...via].map((d) => (d === hubDomain ? `${d} (the hub's own)` : `${d} over MIMI`)).join(' and ');
    const joined = joiners.length > 0 ? `; ${plural(joiners.length, 'client')} joined by the Welcome the hub routed to their provider ${where}` : '';
    this.log(`  commit  ${clientName(from.clientUri, from.userUri)}: ${what} (epoch ${out.room.epoch}, event ${this.#seqOf.get(hex) ?? '?'}, ${checked}${joined})`);
  }

  /**
   * Waits for the Welcome of the commit carrying `hex` at the joiner's own provider (an older one, of a commit
   * that added it before, is not it).
   */
  async #welcomeOf(j: DemoClient, hex: string): Promise<{ welcome: Uint8Array; seq: number }> {
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (;;) {
      const w = (await this.provider(j).welcomes(j.id.clientUri)).find((h) => h.roomId === this.roomId);
      const seq = this.#seqOf.get(hex);
      if (w !== undefined && (seq === undefined || w.seq >= seq)) {
        if (seq === undefined) this.#seqOf.set(hex, w.seq);
        return w;
      }
      if (Date.now() > deadline) throw new MimiError('demo/no-recipient', `no Welcome reached ${j.id.clientUri} at ${j.domain} within ${SYNC_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /**
   * Two clients commit in the same epoch, through their own providers: the hub accepts the first and answers
   * the second `wrongEpoch` (draft-ietf-mimi-protocol-06 §5.3: one commit per epoch); the second client
   * processes the winner's commit like everyone else and commits again in the new epoch.
   */
  async race(first: ClientIdentity, second: ClientIdentity, what: string, make: (room: MimiRoom) => Promise<CommitOutcome>): Promise<void> {
    const [outFirst, outSecond] = [await make(this.room(first)), await make(this.room(second))];
    await this.commit(first, what, outFirst);
    const r = await this.provider(this.client(second)).update(this.roomId, { commit: outSecond.commit, groupInfo: await exportGroupInfo(outSecond.room) });
    if (r.code !== 'wrongEpoch') throw new MimiError('demo/hub-refused', `the hub answered ${r.code} to a second commit in one epoch, not wrongEpoch`);
    const winner = clientName(first.clientUri, first.userUri);
    this.log(`  refused ${clientName(second.clientUri, second.userUri)}: ${what} in epoch ${outSecond.room.epoch - 1n}, the same as ${winner}'s: the hub answers wrongEpoch (the room is at epoch ${r.currentEpoch}); the client drops it and, having processed ${winner}'s commit, commits again`);
    await this.commit(second, `${what} again`, await make(this.room(second)));
  }

  /**
   * A user leaves by proposals (RFC 9420 §12.2: a member cannot commit its own removal): its client sends them
   * to the hub through its provider, the hub holds them for the epoch and fans them out as `proposal` events,
   * every other member client processes them, and `committer` commits them by reference.
   */
  async leave(from: ClientIdentity, committer: ClientIdentity): Promise<void> {
    const c = this.client(from);
    const { proposals, room } = await this.room(from).leave();
    const r = await this.provider(c).propose(this.roomId, { proposals });
    if (r.code !== 'success') throw new MimiError('demo/hub-refused', `the hub refused the leave: ${r.code} (${'description' in r ? r.description : ''})`);
    c.room = room;
    for (const p of proposals) this.#own.set(bytesToHex(p), from.clientUri);
    this.lastHubTime = r.acceptedTimestamp;
    const last = bytesToHex(proposals.at(-1)!);
    const heldBy = await this.sync(last, from);
    const first = this.#seqOf.get(bytesToHex(proposals[0]!));
    const events = first === undefined ? '' : `events ${first}–${this.#seqOf.get(last)}, `;
    this.log(`  leave   ${clientName(from.clientUri, from.userUri)}: ${NAMES[from.userUri] ?? from.userUri} leaves by ${plural(proposals.length, 'proposal')} sent through ${c.domain} (${events}held by the hub for the epoch and by the ${plural(heldBy, 'other member client')})`);
    const out = await this.room(committer).commitPending();
    await this.commit(committer, `commit ${NAMES[from.userUri] ?? from.userUri}'s leave (the ${plural(proposals.length, 'proposal')}, by reference)`, out);
  }

  /** Encrypts and submits a message; every other client reads it back from its provider. */
  async send(from: ClientIdentity, kind: string, build: (o: { senderUri: string; roomUri: string }) => MimiContent): Promise<Uint8Array> {
    const content = build({ senderUri: from.userUri, roomUri: this.roomId });
    const bytes = encodeContent(content);
    const c = this.client(from);
    const { message, room } = await this.room(from).encryptContent(bytes);
    const id = messageId(bytes);
    const hex = bytesToHex(message);
    this.#contentId.set(hex, bytesToHex(id));
    this.#own.set(hex, from.clientUri);
    const r = await this.provider(c).submit(this.roomId, { message, sendingUri: from.userUri });
    if (r.code !== 'accepted') throw new MimiError('demo/hub-refused', `the hub refused the message: ${r.code}`);
    c.room = room;
    this.lastHubTime = r.acceptedTimestamp;
    this.conversation(c).add({ id, sender: from.userUri, hubTimestamp: r.acceptedTimestamp, content });
    const readers = await this.sync(hex, from);
    const cannotRead = this.#unreadable.get(hex) ?? [];
    if (readers === 0) throw new MimiError('demo/no-recipient', 'nobody received the message');
    this.sent.push({ id: bytesToHex(id), kind });
    const time = new Date(r.acceptedTimestamp).toISOString().slice(11, 16);
    this.log(`  ${time} ${clientName(from.clientUri, from.userUri)}: ${kind}`);
    if (cannotRead.length > 0) this.log(`        removed clients cannot read it: ${cannotRead.join(', ')}`);
    return id;
  }

  /**
   * Every other client that holds a copy of the group reads its events up to the one carrying `hex`.
   * @returns how many member clients processed it (commit checked, or message decrypted)
   */
  async sync(hex: string, from: ClientIdentity): Promise<number> {
    let processed = 0;
    for (const c of this.clients.values()) {
      if (c.room === undefined || c.id.clientUri === from.clientUri) continue;
      // A member processes every event or the demo fails; a removed client reads nothing new.
      const wasMember = c.room.isMember;
      await this.catchUp(c, hex);
      if (wasMember) processed++;
    }
    return processed;
  }

  /** Reads, processes and acknowledges a client's events up to the one carrying `hex`. */
  async catchUp(c: DemoClient, hex: string): Promise<void> {
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    const provider = this.provider(c);
    const reached = () => this.#seqOf.has(hex) && c.cursor >= this.#seqOf.get(hex)!;
    while (!reached()) {
      let events: readonly LogEvent[] = [];
      try {
        events = (await provider.next(c.id.clientUri, this.roomId, 100)).events;
      } catch (e) {
        // The provider may not follow the room yet: its first fanout is on the way.
        if (!(e instanceof MimiError && e.code === 'delivery/no-such-room')) throw e;
      }
      const before = c.cursor;
      for (const e of events) {
        if (e.seq <= c.cursor) continue;
        const eventHex = bytesToHex(e.message);
        if (!this.#seqOf.has(eventHex)) this.#seqOf.set(eventHex, e.seq);
        if (c.room !== undefined && this.#own.get(eventHex) !== c.id.clientUri) await this.#process(c, e, eventHex);
        c.cursor = e.seq;
        if (eventHex === hex) break;
      }
      if (c.cursor > before) await provider.ack(c.id.clientUri, this.roomId, c.cursor);
      else if (Date.now() > deadline) throw new MimiError('demo/no-recipient', `${c.id.clientUri} did not receive an event within ${SYNC_TIMEOUT_MS} ms`);
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  async #process(c: DemoClient, e: LogEvent, hex: string): Promise<void> {
    const room = c.room!;
    if (e.kind === 'erased') return; // a tombstone (retention or erasure) carries nothing to process
    if (e.kind === 'commit' || e.kind === 'proposal') {
      // A proposal (e.g. a leave) is held by every member until a commit cites it (RFC 9420 §12.4).
      if (room.isMember) c.room = (await room.processHandshake(e.message)).room;
      return;
    }
    if (!room.isMember) {
      // A removed client still holds its old state; it must not be able to read new messages.
      try {
        await room.decryptContent(e.message, { hubTimestamp: e.hubTime });
      } catch (err) {
        const name = `${clientName(c.id.clientUri, c.id.userUri)} (${err instanceof MimiError ? err.code : 'error'})`;
        this.#unreadable.set(hex, [...(this.#unreadable.get(hex) ?? []), name]);
        const id = this.#contentId.get(hex);
        if (id !== undefined) c.missed.add(id);
        return;
      }
      throw new MimiError('demo/leak', `${c.id.clientUri} decrypted a message sent after its removal`);
    }
    const got = await room.decryptContent(e.message, { hubTimestamp: e.hubTime });
    c.room = got.room;
    if (bytesToHex(got.messageId) !== this.#contentId.get(hex)) throw new MimiError('demo/no-recipient', `${c.id.clientUri} computed another message ID`);
    this.conversation(c).add({ id: got.messageId, sender: got.senderUserUri, hubTimestamp: got.hubTimestamp, content: got.content });
  }
}
