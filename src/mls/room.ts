/**
 * MIMI rooms as MLS groups (RFC 9420, draft-ietf-mimi-protocol §3.2 and §8): the adapter over ts-mls.
 *
 * Users are participants (room state in the app_data_dictionary GroupContext extension), their
 * clients are MLS members. Handshake messages are PublicMessages, application messages
 * PrivateMessages. Every incoming commit is checked against the room policy before it is accepted.
 *
 * Rooms are immutable values: every operation returns a new {@link MimiRoom}; a refused or failed
 * operation throws and leaves the previous room usable.
 *
 * @module
 */
import {
  createApplicationMessage,
  createGroup,
  createProposal,
  decodeGroupState,
  decodeMlsMessage,
  defaultKeyRetentionConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  processPrivateMessage,
  type CiphersuiteImpl,
  type ClientConfig,
  type CryptoProvider,
  type ClientState,
  type Credential,
  type Extension,
  type IncomingMessageCallback,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Proposal,
  type ProposalWithSender,
  type RatchetTree,
} from 'ts-mls';
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { unprotectPublicMessage } from 'ts-mls/messageProtectionPublic.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MimiError } from '../errors.js';
import { decodeContent, messageId, type MimiContent } from '../content/index.js';
import { ROLE_BANNED, type RoomMetadata, type RoomState } from '../room/index.js';
import { mimiCapabilities } from './capabilities.js';
import { createMimiCommit, pathRequired } from './commit.js';
import { APP_DATA_DICTIONARY_TYPE, requiredCapabilitiesExtension, withRoomData } from './extensions.js';
import { checkIncomingCommit, checkIncomingProposal } from './handshakeChecks.js';
import { checkComponentsUnderstood, checkLeafComponents, componentsOf, keepRequiredComponents, leafComponentsExtension, withRequiredComponents } from './components.js';
import { decodeExternalSenders, EXTERNAL_SENDERS_TYPE, type ExternalSender } from './externalSenders.js';
import { checkKeyPackageLifetime, checkLeafLifetime, keyPackageLifetime, nowSeconds } from './lifetime.js';
import { choosePending } from './pending.js';
import { decodeSavedRoom, encodeSavedRoom } from './savedState.js';
import { joinFromWelcomeFast } from './join.js';
import { processMimiCommit } from './processCommit.js';
import { signatureKeyEqualityConfig } from './proposals.js';
import { mlsError } from './errors.js';
import { checkIdentityUris, decodeClientIdentity, encodeClientIdentity, type CredentialVerifier } from './identity.js';
import { checkClientRemoval, checkCommit, checkRoomChange, type CommitRefusal, type CommitView, type LeafMember } from './policy.js';
import { decodeRoom, encodeRoom } from './roomBridge.js';
import { mimiSuite } from './suite.js';

/**
 * draft-ietf-mls-extensions §4.6: the app_data_dictionary GroupContext extension type (suggested value
 * 0x0006) carrying the room state.
 *
 * @example
 * ```ts
 * APP_DATA_DICTIONARY; // 6
 * ```
 */
export const APP_DATA_DICTIONARY = APP_DATA_DICTIONARY_TYPE;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });
const SEEN_LIMIT = 4096;

// ---------------------------------------------------------------------------------------------
// Identity and key packages
// ---------------------------------------------------------------------------------------------

const identityKeys = new WeakMap<ClientIdentity, { signKey: Uint8Array; publicKey: Uint8Array }>();

/**
 * A client's long-term MLS identity: its URIs and signature key pair (Ed25519, ciphersuite 0x0001).
 * Create with {@link createClientIdentity}; the private key never leaves the object.
 *
 * @example
 * ```ts
 * const id = await createClientIdentity({ userUri, clientUri });
 * trustStore.register(id.clientUri, id.userUri, id.signaturePublicKey);
 * ```
 */
export class ClientIdentity {
  /** The user URI (`mimi://provider/u/…`). */
  readonly userUri: string;
  /** The client URI (`mimi://provider/d/…`). */
  readonly clientUri: string;
  /** The signature public key carried in every leaf of this client. */
  readonly signaturePublicKey: Uint8Array;

  /** @internal */
  constructor(userUri: string, clientUri: string, keys: { signKey: Uint8Array; publicKey: Uint8Array }) {
    this.userUri = userUri;
    this.clientUri = clientUri;
    this.signaturePublicKey = keys.publicKey;
    identityKeys.set(this, keys);
    Object.freeze(this);
  }
}

/**
 * Creates a client identity: the user and client URIs (draft-mahy-mimi-identity §4) and a signature
 * key pair (generated unless given).
 *
 * @param options - `userUri`, `clientUri`, optional raw Ed25519 `signatureKeys`, optional `cryptoProvider`
 *   for the key generation (default: the platform's, see docs/browser.md)
 * @returns the identity
 * @throws {@link MimiError} `mls/bad-uri` when the URIs are not a user and a client URI of one provider
 * @example
 * ```ts
 * const alice1 = await createClientIdentity({ userUri: 'mimi://a.example/u/alice', clientUri: 'mimi://a.example/d/alice/1' });
 * ```
 */
export async function createClientIdentity(options: {
  userUri: string;
  clientUri: string;
  signatureKeys?: { signKey: Uint8Array; publicKey: Uint8Array };
  cryptoProvider?: CryptoProvider;
}): Promise<ClientIdentity> {
  checkIdentityUris(options.userUri, options.clientUri);
  const keys = options.signatureKeys ?? (await (await mimiSuite(options.cryptoProvider)).signature.keygen());
  return new ClientIdentity(options.userUri, options.clientUri, { signKey: keys.signKey, publicKey: keys.publicKey });
}

const kpSecrets = new WeakMap<KeyPackageBundle, { pub: KeyPackage; priv: PrivateKeyPackage }>();

/**
 * A key package (public bytes to publish) with its private keys (kept by the client, needed by
 * {@link joinFromWelcome}).
 *
 * @example
 * ```ts
 * const kp = await generateKeyPackage(bob1);
 * provider.publish(kp.keyPackage);
 * ```
 */
export class KeyPackageBundle {
  /** The KeyPackage as an encoded MLSMessage (RFC 9420 §6), to upload to the provider. */
  readonly keyPackage: Uint8Array;
  /** The client the key package is for. */
  readonly clientUri: string;
  /** The user of that client. */
  readonly userUri: string;

  /** @internal use {@link generateKeyPackage} */
  constructor(identity: ClientIdentity, secrets: unknown) {
    const { pub, priv } = secrets as { pub: KeyPackage; priv: PrivateKeyPackage };
    this.keyPackage = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: pub });
    this.clientUri = identity.clientUri;
    this.userUri = identity.userUri;
    kpSecrets.set(this, { pub, priv });
    Object.freeze(this);
  }
}

function credentialOf(identity: ClientIdentity): Credential {
  // Decision D2 (docs/decisions.md (MLS adapter)): a basic credential carrying client_uri and user_uri.
  return { credentialType: 'basic', identity: encodeClientIdentity(identity.userUri, identity.clientUri) };
}

async function makeKeyPackage(identity: ClientIdentity, provider?: CryptoProvider): Promise<{ pub: KeyPackage; priv: PrivateKeyPackage }> {
  const cs = await mimiSuite(provider);
  const keys = identityKeys.get(identity);
  if (keys === undefined) throw mlsError('mls/bad-identity', 'not a ClientIdentity from createClientIdentity');
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credentialOf(identity),
    // RFC 9420 §7.2 / §13: app_data_dictionary listed so rooms may require it; GREASE (§13.5). Decisions D16, D22.
    mimiCapabilities(cs.name),
    keyPackageLifetime(nowSeconds()),
    [],
    keys,
    cs,
    // draft-ietf-mls-extensions §4.6: app_data_dictionary users advertise app_components (decision D26).
    [leafComponentsExtension()],
  );
  return { pub: publicPackage, priv: privatePackage };
}

/**
 * Generates a key package for a client (RFC 9420 §10).
 *
 * @param identity - the client
 * @param options - optional `cryptoProvider` (default: the platform's, see docs/browser.md)
 * @returns the bundle: `keyPackage` bytes to publish, private keys kept inside
 * @throws {@link MimiError} `mls/bad-identity`
 * @example
 * ```ts
 * const kp = await generateKeyPackage(bob1);
 * upload(kp.keyPackage);
 * ```
 */
export async function generateKeyPackage(identity: ClientIdentity, options: { cryptoProvider?: CryptoProvider } = {}): Promise<KeyPackageBundle> {
  const { pub, priv } = await makeKeyPackage(identity, options.cryptoProvider);
  return new KeyPackageBundle(identity, { pub, priv });
}

function decodeMessage(bytes: Uint8Array): MLSMessage {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw mlsError('mls/bad-message', 'not an MLSMessage', undefined, e);
  }
  if (decoded === undefined || decoded[1] !== bytes.length) throw mlsError('mls/bad-message', 'not an MLSMessage');
  return decoded[0];
}

/**
 * The user and client URIs a key package claims (not verified here: the verifier checks them when the
 * key package is used).
 *
 * @param bytes - an encoded KeyPackage (MLSMessage)
 * @returns the claimed user and client URIs
 * @throws {@link MimiError} `mls/bad-key-package`
 * @example
 * ```ts
 * inspectKeyPackage(kp.keyPackage).userUri; // 'mimi://a.example/u/bob'
 * ```
 */
export function inspectKeyPackage(bytes: Uint8Array): { userUri: string; clientUri: string } {
  return identityOfKeyPackage(parseKeyPackage(bytes));
}

function parseKeyPackage(bytes: Uint8Array): KeyPackage {
  let msg: MLSMessage;
  try {
    msg = decodeMessage(bytes);
  } catch (e) {
    throw mlsError('mls/bad-key-package', 'not an encoded KeyPackage', undefined, e);
  }
  if (msg.wireformat !== 'mls_key_package') throw mlsError('mls/bad-key-package', `expected a key package, got ${msg.wireformat}`);
  return msg.keyPackage;
}

/** A key package received from a provider, to add: decoded and within its lifetime (decision D23). */
function receivedKeyPackage(bytes: Uint8Array): KeyPackage {
  const kp = parseKeyPackage(bytes);
  checkKeyPackageLifetime(kp);
  return kp;
}

function identityOfKeyPackage(kp: KeyPackage): { userUri: string; clientUri: string } {
  const c = kp.leafNode.credential;
  if (c.credentialType !== 'basic') throw mlsError('mls/bad-key-package', 'key package credential is not basic');
  try {
    return decodeClientIdentity(c.identity);
  } catch (e) {
    throw mlsError('mls/bad-key-package', 'key package credential is not a MIMI client identity', undefined, e);
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication service
// ---------------------------------------------------------------------------------------------

interface AuthTracker {
  rejected: { userUri?: string; clientUri?: string; reason: string } | undefined;
}

// ts-mls's default equality with an early exit (public keys): proposals.ts, decision D18.
const fastKeyPackageEquality = signatureKeyEqualityConfig;

function makeConfig(verifier: CredentialVerifier, retainEpochs: number | undefined): { config: ClientConfig; tracker: AuthTracker } {
  if (typeof verifier !== 'function') throw mlsError('mls/credential-rejected', 'a credential verifier is required');
  const tracker: AuthTracker = { rejected: undefined };
  const config: ClientConfig = {
    keyRetentionConfig: retainEpochs === undefined ? defaultKeyRetentionConfig : { ...defaultKeyRetentionConfig, retainKeysForEpochs: retainEpochs },
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: fastKeyPackageEquality,
    paddingConfig: defaultPaddingConfig,
    // RFC 9420 §5.3.1: never ts-mls's defaultAuthenticationService (accepts everything).
    authService: {
      async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
        if (credential.credentialType !== 'basic') {
          tracker.rejected = { reason: 'not a basic credential' };
          return false;
        }
        let id: { userUri: string; clientUri: string };
        try {
          id = decodeClientIdentity(credential.identity);
        } catch {
          tracker.rejected = { reason: 'not a MIMI client identity' };
          return false;
        }
        let ok = false;
        try {
          ok = (await verifier({ userUri: id.userUri, clientUri: id.clientUri, signaturePublicKey })) === true;
        } catch {
          ok = false;
        }
        if (!ok) tracker.rejected = { userUri: id.userUri, clientUri: id.clientUri, reason: 'verifier refused' };
        return ok;
      },
    },
  };
  return { config, tracker };
}

// ---------------------------------------------------------------------------------------------
// Room
// ---------------------------------------------------------------------------------------------

/** A member of the room's MLS group: one client of one participant. */
export interface RoomMember {
  /** MLS leaf index. */
  readonly leafIndex: number;
  /** The participant (user) URI. */
  readonly userUri: string;
  /** The client URI. */
  readonly clientUri: string;
}

/** What a commit we created produces; adopt `room` once the hub accepted `commit`. */
export interface CommitOutcome {
  /** The commit, an encoded MLSMessage (PublicMessage) for the hub. */
  readonly commit: Uint8Array;
  /** Welcome for added clients (encoded MLSMessage), when clients were added. */
  readonly welcome?: Uint8Array;
  /** The room after the commit (the previous room stays usable until the hub accepts). */
  readonly room: MimiRoom;
  /**
   * Pending proposals the commit leaves out because they conflict (RFC 9420 §12.2) or the policy refuses
   * them in this combination (decision D20); their proposers propose again in the next epoch.
   */
  readonly droppedProposals?: number;
}

/** Result of {@link MimiRoom.processHandshake}. */
export interface HandshakeResult {
  /** The room after the message. */
  readonly room: MimiRoom;
  /** `proposal`: stored until committed; `commit`: a new epoch. */
  readonly kind: 'proposal' | 'commit';
  /** Sender (proposer or committer). */
  readonly sender: RoomMember;
  /** Clients added by the commit. */
  readonly added: readonly RoomMember[];
  /** Clients removed by the commit. */
  readonly removed: readonly RoomMember[];
  /** Whether the room state (participants, roles, metadata, policy) changed. */
  readonly roomStateChanged: boolean;
  /** Whether this client was removed by the commit (the room is then read-only). */
  readonly selfRemoved: boolean;
  /**
   * How many of this client's own pending proposals the commit did not cover (decision D20): propose
   * them again (e.g. call {@link MimiRoom.leave} again) in the new epoch. 0 for proposals.
   */
  readonly ownProposalsDropped: number;
}

/** Result of {@link MimiRoom.decryptContent}: the content and the values derived on receipt. */
export interface DecryptedContent {
  /** The room after decryption (ratchet advanced, message recorded against replay). */
  readonly room: MimiRoom;
  /** The decoded MIMI content. */
  readonly content: MimiContent;
  /** The exact content bytes received. */
  readonly contentBytes: Uint8Array;
  /** draft-ietf-mimi-content §2.3 message ID, computed on `contentBytes`. */
  readonly messageId: Uint8Array;
  /** User of the sending client (from its credential). */
  readonly senderUserUri: string;
  /** The sending client (from its credential). */
  readonly senderClientUri: string;
  /** Sender's MLS leaf index. */
  readonly senderLeafIndex: number;
  /** Hub-accepted timestamp (milliseconds since the epoch) as given by the caller. */
  readonly hubTimestamp: number;
}

/** Options shared by room constructors. */
export interface RoomOptions {
  /** The authentication service: vouches for every credential (required, no default). */
  readonly verifier: CredentialVerifier;
  /** Epochs whose keys are kept for late application messages (default 4, ts-mls default). */
  readonly retainEpochs?: number;
  /**
   * The MLS crypto provider of this room (default: the platform's: node:crypto under Node, `@noble` +
   * WebCrypto in browsers; see docs/browser.md). Any provider interoperates with any other.
   */
  readonly cryptoProvider?: CryptoProvider;
}

const ROOM_TAG: unique symbol = Symbol('MimiRoom');

interface Inner {
  readonly [ROOM_TAG]: true;
  readonly state: ClientState;
  readonly cs: CiphersuiteImpl;
  readonly verifier: CredentialVerifier;
  readonly tracker: AuthTracker;
  readonly retainEpochs: number | undefined;
  readonly roomUri: string;
  readonly seen: readonly string[];
  /**
   * Nonce-reuse guard shared by every room value of one epoch lineage: counts encryptions; a value may
   * encrypt only if no other value of the lineage encrypted after it was derived (decision D13).
   */
  readonly guard: { encrypts: number };
  readonly guardSeen: number;
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function membersOf(tree: RatchetTree): Map<number, LeafMember> {
  const out = new Map<number, LeafMember>();
  tree.forEach((n, i) => {
    if (n === undefined || n.nodeType !== 'leaf' || i % 2 !== 0) return;
    const c = n.leaf.credential;
    if (c.credentialType !== 'basic') return;
    try {
      const id = decodeClientIdentity(c.identity);
      out.set(i / 2, { leafIndex: i / 2, userUri: id.userUri, clientUri: id.clientUri });
    } catch {
      // unreachable: the authentication service refuses such leaves
    }
  });
  return out;
}

function roomExtension(extensions: readonly Extension[]): Uint8Array | undefined {
  return extensions.find((e) => e.extensionType === APP_DATA_DICTIONARY)?.extensionData;
}

function roomStateOf(extensions: readonly Extension[], members: ReadonlyMap<number, LeafMember>): RoomState {
  const data = roomExtension(extensions);
  if (data === undefined) throw mlsError('mls/bad-state', 'the group has no app_data_dictionary extension');
  return decodeRoom(data, new Set([...members.values()].map((m) => m.userUri)));
}

function roomExtensions(state: RoomState): Extension[] {
  // Decision D26: the GroupContext requires app_components and the room's components.
  return [requiredCapabilitiesExtension(), { extensionType: APP_DATA_DICTIONARY, extensionData: encodeRoom(withRequiredComponents(state, encodeRoom)) }];
}

/** A GroupContextExtensions proposal installing `state`, keeping every other extension as it is (decision D21). */
function roomChangeProposal(current: readonly Extension[], state: RoomState): Proposal {
  return { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: withRoomData(current, encodeRoom(keepRequiredComponents(current, state))) } };
}

function mapError(e: unknown, tracker: AuthTracker, fallback: 'mls/invalid-commit' | 'mls/decrypt-failed' | 'mls/bad-message'): MimiError {
  if (e instanceof MimiError) return e;
  if (tracker.rejected !== undefined) {
    return mlsError('mls/credential-rejected', `credential rejected: ${tracker.rejected.reason}`, { ...tracker.rejected }, e);
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (/membership/i.test(msg)) return mlsError('mls/not-member', 'membership tag invalid: sender is not a member', undefined, e);
  if (/Update path is required/i.test(msg)) return mlsError('mls/path-missing', 'commit lacks a required UpdatePath', undefined, e);
  return mlsError(fallback, msg, undefined, e);
}

function ownProposals(inline: readonly Proposal[], self: number): ProposalWithSender[] {
  return inline.map((proposal) => ({ proposal, senderLeafIndex: self }));
}

function viewOf(state: ClientState, committer: number, proposals: readonly ProposalWithSender[]): CommitView {
  const members = membersOf(state.ratchetTree);
  const before = roomStateOf(state.groupContext.extensions, members);
  let after = before;
  let roomChangeSender: number | undefined;
  const removes: { leafIndex: number; sender: number }[] = [];
  const adds: { userUri: string; clientUri: string; sender: number }[] = [];
  const removedUsers = new Set<number>();
  for (const p of proposals) {
    const sender = p.senderLeafIndex ?? -1;
    const pr = p.proposal;
    if (pr.proposalType === 'remove') {
      removes.push({ leafIndex: pr.remove.removed, sender });
      removedUsers.add(pr.remove.removed);
    } else if (pr.proposalType === 'add') {
      adds.push({ ...identityOfKeyPackage(pr.add.keyPackage), sender });
    }
  }
  for (const p of proposals) {
    const pr = p.proposal;
    if (pr.proposalType === 'group_context_extensions') {
      const remaining = new Map([...members].filter(([leaf]) => !removedUsers.has(leaf)));
      after = roomStateOf(pr.groupContextExtensions.extensions, remaining);
      roomChangeSender = p.senderLeafIndex;
    }
  }
  return { before, after, roomChangeSender, committer, members, removes, adds };
}

function refusedError(r: CommitRefusal): MimiError {
  return mlsError('mls/policy-refused', `refused by room policy: ${r.message}`, { refusal: r });
}

/**
 * RFC 9420 §17.4 "Path Required": whether a commit with these proposal types needs an UpdatePath
 * (update, remove, external_init, group_context_extensions, or no proposal at all).
 *
 * @param proposalTypes - ts-mls proposal type names (`add`, `remove`, `group_context_extensions`, …)
 * @returns true when RFC 9420 requires a path
 * @example
 * ```ts
 * commitRequiresPath(['add']); // false
 * commitRequiresPath(['add', 'group_context_extensions']); // true
 * ```
 */
export function commitRequiresPath(proposalTypes: readonly string[]): boolean {
  return pathRequired(proposalTypes);
}

/**
 * A MIMI room as seen by one client: MLS group state plus room state. Immutable: operations return
 * a new room; keep the old one until the hub accepted the commit.
 *
 * @example
 * ```ts
 * const { commit, room: next } = await room.changeRole(bobUri, 5);
 * hub.submit(commit).then(() => (room = next));
 * ```
 */
export class MimiRoom {
  readonly #i: Inner;

  /** @internal use {@link createRoom}, {@link joinFromWelcome} or {@link loadRoom} */
  constructor(inner: unknown) {
    if (typeof inner !== 'object' || inner === null || !(ROOM_TAG in inner)) throw mlsError('mls/bad-state', 'use createRoom, joinFromWelcome or loadRoom');
    this.#i = inner as Inner;
  }

  /** The room URI (also the MLS group_id, UTF-8; decision D4). */
  get roomUri(): string {
    return this.#i.roomUri;
  }

  /** The MLS epoch. */
  get epoch(): bigint {
    return this.#i.state.groupContext.epoch;
  }

  /** Whether this client is still a member. */
  get isMember(): boolean {
    return this.#i.state.groupActiveState.kind === 'active';
  }

  /** This client's leaf index. */
  get ownLeafIndex(): number {
    return this.#i.state.privatePath.leafIndex;
  }

  /** This client as a member. */
  get self(): RoomMember {
    const m = membersOf(this.#i.state.ratchetTree).get(this.ownLeafIndex);
    if (m === undefined) throw mlsError('mls/not-member', 'this client is no longer a member');
    return m;
  }

  /** The members (clients) of the group, by leaf index. */
  get members(): readonly RoomMember[] {
    return [...membersOf(this.#i.state.ratchetTree).values()];
  }

  /** The room state carried in the group context (participant list, roles, metadata, policy). */
  get roomState(): RoomState {
    const members = membersOf(this.#i.state.ratchetTree);
    return roomStateOf(this.#i.state.groupContext.extensions, members);
  }

  /**
   * The GroupContext's `external_senders` (RFC 9420 §12.1.8.1, a list; decoded by mimi-kit, decision D25):
   * who may send external proposals. Empty when the extension is absent.
   *
   * @throws {@link MimiError} `mls/bad-extension` when the extension does not decode as the list
   */
  get externalSenders(): readonly ExternalSender[] {
    const e = this.#i.state.groupContext.extensions.find((x) => x.extensionType === 'external_senders' || x.extensionType === EXTERNAL_SENDERS_TYPE);
    return e === undefined ? [] : decodeExternalSenders(e.extensionData);
  }

  /** Number of pending (received, uncommitted) proposals. */
  get pendingProposals(): number {
    return Object.keys(this.#i.state.unappliedProposals).length;
  }

  #with(state: ClientState, seen?: readonly string[]): MimiRoom {
    // Same epoch: same sending ratchet lineage, share the guard. New epoch: fresh secret tree, fresh guard.
    const sameEpoch = state.groupContext.epoch === this.#i.state.groupContext.epoch;
    const guard = sameEpoch ? this.#i.guard : { encrypts: 0 };
    return new MimiRoom({ ...this.#i, state, seen: seen ?? this.#i.seen, guard, guardSeen: sameEpoch ? this.#i.guardSeen : 0 });
  }

  #user(): string {
    return this.self.userUri;
  }

  #clientsOf(userUri: string): LeafMember[] {
    return [...membersOf(this.#i.state.ratchetTree).values()].filter((m) => m.userUri === userUri);
  }

  #requireMember(): void {
    if (!this.isMember) throw mlsError('mls/not-member', 'this client is no longer a member of the room');
  }

  /**
   * Creates, authorizes (unless `authorize: false`, for tests of receivers) and signs a commit.
   * @internal
   */
  async commitWith(proposals: readonly unknown[], newRoomState: RoomState | undefined, opts: { authorize?: boolean } = {}): Promise<CommitOutcome> {
    this.#requireMember();
    const { state, cs, tracker } = this.#i;
    const extra = [...(proposals as readonly Proposal[])];
    if (newRoomState !== undefined) extra.push(roomChangeProposal(state.groupContext.extensions, newRoomState));
    // Decision D26: a client joins only if its leaf advertises every component the room requires.
    const required = componentsOf(state.groupContext.extensions);
    for (const p of extra) if (p.proposalType === 'add') checkLeafComponents(required, p.add.keyPackage.leafNode);
    const self = this.ownLeafIndex;
    const own = ownProposals(extra, self);
    const policy = (all: readonly ProposalWithSender[]): CommitRefusal | undefined => {
      try {
        return checkCommit(viewOf(state, self, all));
      } catch (e) {
        return { code: e instanceof MimiError ? e.code : 'mls/bad-room-state', message: e instanceof Error ? e.message : String(e) };
      }
    };
    // Decision D20: only pending proposals that keep the commit valid (RFC 9420 §12.2) and allowed.
    const pending = choosePending(state, own, (all) => opts.authorize === false || policy(all) === undefined);
    if (opts.authorize !== false) {
      const refusal = policy([...pending.proposals, ...own]);
      if (refusal) throw refusedError(refusal);
    }
    tracker.rejected = undefined;
    let res;
    try {
      // Decision D7: our own commit builder (path per RFC 9420 §17.4, provisional context with the new extensions).
      res = await createMimiCommit(state, cs, extra, pending.refs);
    } catch (e) {
      throw mapError(e, tracker, 'mls/invalid-commit');
    }
    // Do not zero res.consumed: the old state must stay usable until the hub accepts (ts-mls.md §3 #2).
    const out: { commit: Uint8Array; welcome?: Uint8Array; room: MimiRoom; droppedProposals: number } = {
      commit: encodeMlsMessage(res.commit),
      room: this.#with(res.newState),
      droppedProposals: pending.dropped,
    };
    if (res.welcome !== undefined) out.welcome = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: res.welcome });
    return out;
  }

  #newState(mutate: (s: RoomState) => RoomState): RoomState {
    return mutate(this.roomState);
  }

  /**
   * Adds a participant with all of the given clients in one commit, together with the
   * participant-list update (draft-ietf-mimi-protocol §8.5).
   *
   * @param userUri - the new participant
   * @param role - their role_index
   * @param keyPackages - one key package per client of that user (may be empty: inactive participant)
   * @returns the commit, the Welcome and the room after the commit
   * @throws {@link MimiError} `mls/bad-key-package` (not that user's), `mls/policy-refused`, `mls/credential-rejected`
   * @example
   * ```ts
   * const { commit, welcome, room: next } = await room.addParticipant(bobUri, 2, [bob1Kp, bob2Kp]);
   * ```
   */
  async addParticipant(userUri: string, role: number, keyPackages: readonly Uint8Array[]): Promise<CommitOutcome> {
    const kps = keyPackages.map(receivedKeyPackage);
    for (const kp of kps) {
      if (identityOfKeyPackage(kp).userUri !== userUri) throw mlsError('mls/bad-key-package', `key package is not a client of ${userUri}`);
    }
    const next = this.#newState((s) => {
      if (s.participants.some((p) => p.user === userUri)) {
        throw mlsError('mls/policy-refused', `${userUri} is already in the participant list`, {
          refusal: { code: s.participants.find((p) => p.user === userUri)?.role === ROLE_BANNED ? 'room/banned' : 'room/already-participant', message: 'already listed' },
        });
      }
      return { ...s, participants: [...s.participants, { user: userUri, role, active: kps.length > 0 }] };
    });
    return this.commitWith(kps.map((keyPackage) => ({ proposalType: 'add', add: { keyPackage } })), next);
  }

  /**
   * Adds clients of an existing participant (e.g. one's own new device, or an unbanned user's clients).
   *
   * @param keyPackages - key packages of clients of one participant
   * @returns the commit and Welcome
   * @throws {@link MimiError} `mls/bad-key-package`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit, welcome } = await room.addClients([alice2Kp]);
   * ```
   */
  async addClients(keyPackages: readonly Uint8Array[]): Promise<CommitOutcome> {
    const kps = keyPackages.map(receivedKeyPackage);
    return this.commitWith(kps.map((keyPackage) => ({ proposalType: 'add', add: { keyPackage } })), undefined);
  }

  /**
   * Adds another client of this client's own user (canAddOwnClient).
   *
   * @param keyPackage - the new client's key package
   * @returns the commit and Welcome
   * @throws {@link MimiError} `mls/bad-key-package` when the key package is another user's
   * @example
   * ```ts
   * const { commit, welcome } = await room.addOwnClient(alice2Kp.keyPackage);
   * ```
   */
  async addOwnClient(keyPackage: Uint8Array): Promise<CommitOutcome> {
    const kp = receivedKeyPackage(keyPackage);
    if (identityOfKeyPackage(kp).userUri !== this.#user()) throw mlsError('mls/bad-key-package', 'key package is not a client of this user');
    return this.commitWith([{ proposalType: 'add', add: { keyPackage: kp } }], undefined);
  }

  /**
   * Removes another client of this client's own user; the user stays a participant (canRemoveOwnClient).
   *
   * @param clientUri - the client to remove (not this one)
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.removeOwnClient('mimi://a.example/d/alice/2');
   * ```
   */
  async removeOwnClient(clientUri: string): Promise<CommitOutcome> {
    const m = this.#clientsOf(this.#user()).find((c) => c.clientUri === clientUri);
    if (m === undefined) throw mlsError('mls/not-found', `${clientUri} is not a client of this user in the room`);
    if (m.leafIndex === this.ownLeafIndex) throw mlsError('mls/unsupported', 'a client cannot commit its own removal; use leave()');
    return this.commitWith([{ proposalType: 'remove', remove: { removed: m.leafIndex } }], undefined);
  }

  #removeAll(userUri: string): Proposal[] {
    return this.#clientsOf(userUri).map((m) => ({ proposalType: 'remove', remove: { removed: m.leafIndex } }) as Proposal);
  }

  #requireParticipant(userUri: string): number {
    const p = this.roomState.participants.find((x) => x.user === userUri);
    if (p === undefined) throw mlsError('mls/not-found', `${userUri} is not a participant`);
    return p.role;
  }

  /**
   * Kicks a user: removes all of their clients, they stay in the participant list (canKick,
   * draft-ietf-mimi-room-policy §6.3).
   *
   * @param userUri - the user
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.kick(bobUri);
   * ```
   */
  async kick(userUri: string): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    return this.commitWith(this.#removeAll(userUri), undefined);
  }

  /**
   * Removes a participant and all of their clients (canRemoveParticipant).
   *
   * @param userUri - the user
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.removeParticipant(bobUri);
   * ```
   */
  async removeParticipant(userUri: string): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    const next = this.#newState((s) => ({ ...s, participants: s.participants.filter((p) => p.user !== userUri) }));
    return this.commitWith(this.#removeAll(userUri), next);
  }

  /**
   * Bans a user: role 1 ("banned") and all of their clients removed (canBan).
   *
   * @param userUri - the user
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.ban(bobUri);
   * ```
   */
  async ban(userUri: string): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    const next = this.#newState((s) => ({
      ...s,
      participants: s.participants.map((p) => (p.user === userUri ? { ...p, role: ROLE_BANNED, active: false } : p)),
    }));
    return this.commitWith(this.#removeAll(userUri), next);
  }

  /**
   * Unbans a user: role 1 → `role` (canUnban). Their clients are not added (add them afterwards).
   *
   * @param userUri - the banned user
   * @param role - the new role
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.unban(bobUri, 2);
   * ```
   */
  async unban(userUri: string, role: number): Promise<CommitOutcome> {
    if (this.#requireParticipant(userUri) !== ROLE_BANNED) throw mlsError('mls/not-found', `${userUri} is not banned`);
    return this.changeRole(userUri, role);
  }

  /**
   * Changes a participant's role (canChangeUserRole).
   *
   * @param userUri - the participant
   * @param role - the new role_index
   * @returns the commit (clients are removed too when the new role allows no active participants)
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.changeRole(bobUri, 3);
   * ```
   */
  async changeRole(userUri: string, role: number): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    const next = this.#newState((s) => ({ ...s, participants: s.participants.map((p) => (p.user === userUri ? { ...p, role } : p)) }));
    const maxActive = next.roles.find((r) => r.index === role)?.maxActive;
    return this.commitWith(maxActive === 0 ? this.#removeAll(userUri) : [], next);
  }

  /**
   * Replaces the room metadata (draft-ietf-mimi-protocol §8.6).
   *
   * @param metadata - the new metadata (its roomUri must be this room's or empty)
   * @returns the commit
   * @throws {@link MimiError} `mls/room-mismatch`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.setMetadata({ ...room.roomState.metadata!, name: 'New name' });
   * ```
   */
  async setMetadata(metadata: RoomMetadata): Promise<CommitOutcome> {
    if (metadata.roomUri !== '' && metadata.roomUri !== this.roomUri) throw mlsError('mls/room-mismatch', 'metadata roomUri is another room');
    return this.commitWith([], this.#newState((s) => ({ ...s, metadata })));
  }

  /**
   * Commits a whole new room state (roles, policy, …) in one GroupContextExtensions commit.
   *
   * @param roomState - the new state
   * @returns the commit
   * @throws {@link MimiError} `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.setRoomState(next);
   * ```
   */
  async setRoomState(roomState: RoomState): Promise<CommitOutcome> {
    return this.commitWith([], roomState);
  }

  /**
   * An empty commit: fresh path secrets for this client (RFC 9420 §12.4, post-compromise security).
   *
   * @returns the commit
   * @throws {@link MimiError} `mls/not-member`
   * @example
   * ```ts
   * const { commit } = await room.update();
   * ```
   */
  async update(): Promise<CommitOutcome> {
    return this.commitWith([], undefined);
  }

  /**
   * Commits the pending proposals (e.g. another user's leave).
   *
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found` (nothing pending), `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.commitPending();
   * ```
   */
  async commitPending(): Promise<CommitOutcome> {
    if (this.pendingProposals === 0) throw mlsError('mls/not-found', 'no pending proposals');
    return this.commitWith([], undefined);
  }

  /**
   * Leaves the room: proposals (PublicMessages) removing this user from the participant list and
   * all of its clients. Another member commits them ({@link MimiRoom.commitPending}): RFC 9420
   * §12.2 forbids a committer to remove itself.
   *
   * @returns the proposals for the hub and the room holding them
   * @throws {@link MimiError} `mls/policy-refused`
   * @example
   * ```ts
   * const { proposals, room: leaving } = await room.leave();
   * ```
   */
  async leave(): Promise<{ proposals: Uint8Array[]; room: MimiRoom }> {
    this.#requireMember();
    const user = this.#user();
    const next = this.#newState((s) => ({ ...s, participants: s.participants.filter((p) => p.user !== user) }));
    const props: Proposal[] = [...this.#removeAll(user), roomChangeProposal(this.#i.state.groupContext.extensions, next)];
    // Authorize as if committed by another member: the leave is attributed to this user.
    const { state, cs } = this.#i;
    // Only this leave's own proposals: another pending leave is committed (or dropped) on its own (D20).
    const view = viewOf(state, this.ownLeafIndex, ownProposals(props, this.ownLeafIndex));
    const refusal = checkCommit(view);
    if (refusal) throw refusedError(refusal);
    let s = state;
    const out: Uint8Array[] = [];
    for (const p of props) {
      const r = await createProposal(s, true, p, cs);
      s = r.newState;
      out.push(encodeMlsMessage(r.message));
    }
    return { proposals: out, room: this.#with(s) };
  }

  /**
   * Processes a handshake message (proposal or commit, as a PublicMessage) from the hub: checks the
   * sender, replay, epoch, UpdatePath and room policy, then applies it.
   *
   * @param bytes - the encoded MLSMessage
   * @returns the new room and what changed
   * @throws {@link MimiError} `mls/bad-message`, `mls/wrong-group`, `mls/not-member`, `mls/replay`,
   *   `mls/epoch-too-old`, `mls/wrong-epoch`, `mls/path-missing`, `mls/policy-refused` (refusal in
   *   `details.refusal`), `mls/credential-rejected`, `mls/invalid-commit`. The room is unchanged.
   * @example
   * ```ts
   * const { room: next, added } = await room.processHandshake(commitBytes);
   * ```
   */
  async processHandshake(bytes: Uint8Array): Promise<HandshakeResult> {
    const { state, cs, tracker } = this.#i;
    const msg = decodeMessage(bytes);
    if (msg.wireformat !== 'mls_public_message') {
      throw mlsError('mls/bad-message', `handshake messages must be PublicMessages, got ${msg.wireformat}`);
    }
    const pm = msg.publicMessage;
    const content = pm.content;
    if (hex(content.groupId) !== hex(state.groupContext.groupId)) throw mlsError('mls/wrong-group', 'message for another group');
    const digest = hex(sha256(bytes));
    if (this.#i.seen.includes(digest)) throw mlsError('mls/replay', 'message already processed');
    this.#requireMember();
    if (content.epoch < state.groupContext.epoch) {
      throw mlsError('mls/epoch-too-old', `handshake for epoch ${content.epoch}, current ${state.groupContext.epoch}`, {
        epoch: content.epoch.toString(),
      });
    }
    if (content.epoch > state.groupContext.epoch) {
      throw mlsError('mls/wrong-epoch', `handshake for future epoch ${content.epoch}`, { epoch: content.epoch.toString() });
    }
    if (content.sender.senderType !== 'member') {
      // Decision D6: no external senders (ts-mls 1.6.4 mis-encodes external_senders).
      throw mlsError('mls/not-member', `sender type ${content.sender.senderType} is not accepted`);
    }
    const members = membersOf(state.ratchetTree);
    const sender = members.get(content.sender.leafIndex);
    if (sender === undefined) throw mlsError('mls/not-member', `no member at leaf ${content.sender.leafIndex}`);
    // Decisions D19–D23: allowlisted proposal types, RFC 9420 §12.2 validity, successor credentials,
    // extension changes, lifetimes: all before ts-mls applies anything. A refusal is reported only for an
    // authenticated sender (membership tag and signature, RFC 9420 §6.2; verified on this failure path only,
    // ts-mls verifies again on the success path): an outsider's forgery stays mls/not-member.
    try {
      if (content.contentType === 'proposal') {
        checkIncomingProposal(state, { proposal: content.proposal, senderLeafIndex: content.sender.leafIndex });
      } else if (content.contentType === 'commit') {
        checkIncomingCommit(state, content.commit, content.sender.leafIndex);
      } else {
        throw mlsError('mls/bad-message', 'application messages must be PrivateMessages');
      }
    } catch (refused) {
      try {
        await unprotectPublicMessage(state.keySchedule.membershipKey, state.groupContext, state.ratchetTree, pm, cs);
      } catch (e) {
        throw mapError(e, tracker, 'mls/invalid-commit');
      }
      throw refused;
    }

    let view: CommitView | undefined;
    if (content.contentType === 'commit') {
      // RFC 9420 §12.4: check the path is there when required (decision D7 for GCE-only commits).
      const types = content.commit.proposals.map((p) =>
        p.proposalOrRefType === 'proposal'
          ? String(p.proposal.proposalType)
          : String(state.unappliedProposals[bytesToBase64(p.reference)]?.proposal.proposalType ?? 'unknown'),
      );
      if (content.commit.path === undefined && pathRequired(types)) {
        throw mlsError('mls/path-missing', 'commit lacks the UpdatePath RFC 9420 §12.4 requires', { proposalTypes: types });
      }
    }
    let refusal: CommitRefusal | undefined;
    const callback: IncomingMessageCallback = (incoming) => {
      try {
        if (incoming.kind === 'commit') {
          view = viewOf(state, incoming.senderLeafIndex ?? -1, incoming.proposals);
          refusal = checkCommit(view);
        } else {
          refusal = checkProposal(state, incoming.proposal);
        }
      } catch (e) {
        const err = e instanceof MimiError ? e : undefined;
        refusal = { code: err?.code ?? 'mls/bad-room-state', message: err?.message ?? String(e) };
      }
      return refusal === undefined ? 'accept' : 'reject';
    };
    tracker.rejected = undefined;
    let res;
    try {
      // Decision D29: ts-mls's processCommit rebuilt with the linear proposal application.
      res = await processMimiCommit(state, pm, cs, undefined, callback);
    } catch (e) {
      throw mapError(e, tracker, 'mls/invalid-commit');
    }
    if (res.actionTaken === 'reject') throw refusedError(refusal ?? { code: 'mls/refused', message: 'refused' });
    const seen = [...this.#i.seen, digest].slice(-SEEN_LIMIT);
    const room = this.#with(res.newState, seen);
    if (content.contentType !== 'commit' || view === undefined) {
      return { room, kind: 'proposal', sender, added: [], removed: [], roomStateChanged: false, selfRemoved: false, ownProposalsDropped: 0 };
    }
    const v: CommitView = view;
    const removedSet = new Set(v.removes.map((r) => r.leafIndex));
    const removed = [...members.values()].filter((m) => removedSet.has(m.leafIndex));
    const after = membersOf(res.newState.ratchetTree);
    const before = new Set([...members.values()].filter((m) => !removedSet.has(m.leafIndex)).map((m) => m.leafIndex));
    const added = [...after.values()].filter((m) => !before.has(m.leafIndex));
    const selfRemoved = res.newState.groupActiveState.kind === 'removedFromGroup';
    const covered = new Set(content.commit.proposals.flatMap((p) => (p.proposalOrRefType === 'reference' ? [bytesToBase64(p.reference)] : [])));
    const ownProposalsDropped = selfRemoved
      ? 0
      : Object.entries(state.unappliedProposals).filter(([ref, p]) => p.senderLeafIndex === this.ownLeafIndex && !covered.has(ref)).length;
    return {
      room,
      kind: 'commit',
      sender,
      added,
      removed,
      roomStateChanged: JSON.stringify(v.before) !== JSON.stringify(v.after),
      selfRemoved,
      ownProposalsDropped,
    };
  }

  /**
   * Encrypts bytes as an application message without any content check (tests of receivers only).
   * @internal
   */
  async encryptUnchecked(bytes: Uint8Array): Promise<{ message: Uint8Array; room: MimiRoom }> {
    const res = await createApplicationMessage(this.#i.state, bytes, this.#i.cs);
    return {
      message: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: res.privateMessage }),
      room: this.#with(res.newState),
    };
  }

  /**
   * Encrypts MIMI content bytes as an MLS application message (PrivateMessage).
   *
   * The content's senderUri/roomUri extensions, when present, must be this user and this room.
   * The returned room replaces this one: this room can no longer encrypt (nonce reuse guard).
   *
   * @param contentBytes - encoded MIMI content (draft-ietf-mimi-content)
   * @returns the MLSMessage bytes and the next room
   * @throws {@link MimiError} `mls/sender-mismatch`, `mls/room-mismatch`, `mls/bad-state` (this room already
   *   encrypted, or proposals pending), `mls/not-member`, `content/*`
   * @example
   * ```ts
   * const { message, room: next } = await room.encryptContent(encodeContent(c));
   * ```
   */
  async encryptContent(contentBytes: Uint8Array): Promise<{ message: Uint8Array; room: MimiRoom }> {
    this.#requireMember();
    if (this.#i.guard.encrypts !== this.#i.guardSeen) {
      throw mlsError('mls/bad-state', 'another value of this room already encrypted in this epoch; use the room that encryptContent returned');
    }
    const c = decodeContent(contentBytes, { checks: false });
    const user = this.#user();
    if (c.extensions.senderUri !== undefined && c.extensions.senderUri !== user) {
      throw mlsError('mls/sender-mismatch', `content senderUri ${c.extensions.senderUri} is not ${user}`);
    }
    if (c.extensions.roomUri !== undefined && c.extensions.roomUri !== this.roomUri) {
      throw mlsError('mls/room-mismatch', `content roomUri ${c.extensions.roomUri} is not ${this.roomUri}`);
    }
    if (this.pendingProposals > 0) {
      // ts-mls and OpenMLS refuse too. commitPending() always yields a valid commit (decision D20), so
      // this lasts one commit at most.
      throw mlsError('mls/bad-state', 'proposals are pending: commit them first (commitPending)', { pendingProposals: this.pendingProposals });
    }
    let res;
    try {
      res = await createApplicationMessage(this.#i.state, contentBytes, this.#i.cs);
    } catch (e) {
      throw mapError(e, this.#i.tracker, 'mls/bad-message');
    }
    this.#i.guard.encrypts++;
    const next = new MimiRoom({ ...this.#i, state: res.newState, guardSeen: this.#i.guard.encrypts });
    return {
      message: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: res.privateMessage }),
      room: next,
    };
  }

  /**
   * Decrypts an application message and checks it: the sender is a member, not a replay, from a
   * retained epoch; the content's senderUri is the user of the sending client and its roomUri this room.
   *
   * @param bytes - the MLSMessage (PrivateMessage)
   * @param options - `hubTimestamp`: the hub-accepted time (ms), returned and used by content checks
   * @returns the content, its bytes, message ID, sender and the next room
   * @throws {@link MimiError} `mls/bad-message`, `mls/wrong-group`, `mls/not-member`, `mls/replay`,
   *   `mls/epoch-too-old`, `mls/wrong-epoch`, `mls/decrypt-failed`, `mls/sender-mismatch`,
   *   `mls/room-mismatch`, `content/*`. The room is unchanged.
   * @example
   * ```ts
   * const r = await room.decryptContent(bytes, { hubTimestamp: Date.now() });
   * ```
   */
  async decryptContent(bytes: Uint8Array, options: { hubTimestamp: number }): Promise<DecryptedContent> {
    const { state, cs, tracker } = this.#i;
    const msg = decodeMessage(bytes);
    if (msg.wireformat !== 'mls_private_message') throw mlsError('mls/bad-message', `expected a PrivateMessage, got ${msg.wireformat}`);
    const pm = msg.privateMessage;
    if (hex(pm.groupId) !== hex(state.groupContext.groupId)) throw mlsError('mls/wrong-group', 'message for another group');
    const digest = hex(sha256(bytes));
    if (this.#i.seen.includes(digest)) throw mlsError('mls/replay', 'message already processed');
    if (!this.isMember) throw mlsError('mls/not-member', 'this client is no longer a member of the room');
    if (pm.contentType !== 'application') throw mlsError('mls/bad-message', 'handshake messages must be PublicMessages');
    const current = state.groupContext.epoch;
    if (pm.epoch > current) throw mlsError('mls/wrong-epoch', `message from future epoch ${pm.epoch}`, { epoch: pm.epoch.toString() });
    const hist = pm.epoch < current ? state.historicalReceiverData.get(pm.epoch) : undefined;
    if (pm.epoch < current && hist === undefined) {
      throw mlsError('mls/epoch-too-old', `message from epoch ${pm.epoch} is beyond the retention window`, { epoch: pm.epoch.toString() });
    }
    const senderDataSecret = hist?.senderDataSecret ?? state.keySchedule.senderDataSecret;
    const tree = hist?.ratchetTree ?? state.ratchetTree;
    let senderData;
    try {
      senderData = await decryptSenderData(pm, senderDataSecret, cs);
    } catch {
      senderData = undefined;
    }
    // RFC 9420 §6.3.2: only members of the epoch hold sender_data_secret.
    if (senderData === undefined) throw mlsError('mls/not-member', 'sender data does not decrypt: the sender is not a member');
    const sender = membersOf(tree).get(senderData.leafIndex);
    if (sender === undefined) throw mlsError('mls/not-member', `no member at leaf ${senderData.leafIndex}`);
    if (hist !== undefined) {
      // Decision D8: a late message from a retained epoch is accepted only if its sender is still a
      // member now; a removed client could otherwise keep talking in the epochs before its removal.
      const now = membersOf(state.ratchetTree).get(senderData.leafIndex);
      if (now === undefined || now.clientUri !== sender.clientUri) {
        throw mlsError('mls/not-member', `${sender.clientUri} is no longer a member`, { epoch: pm.epoch.toString() });
      }
    }
    let res;
    try {
      res = await processPrivateMessage(state, pm, emptyPskIndex, cs);
    } catch (e) {
      throw mapError(e, tracker, 'mls/decrypt-failed');
    }
    if (res.kind !== 'applicationMessage') throw mlsError('mls/bad-message', 'not an application message');
    const contentBytes = res.message;
    const content = decodeContent(contentBytes, { hubTimestamp: options.hubTimestamp });
    if (content.extensions.senderUri !== undefined && content.extensions.senderUri !== sender.userUri) {
      throw mlsError('mls/sender-mismatch', `senderUri ${content.extensions.senderUri} is not the user of ${sender.clientUri}`, {
        senderUri: content.extensions.senderUri,
        credentialUser: sender.userUri,
      });
    }
    if (content.extensions.roomUri !== undefined && content.extensions.roomUri !== this.roomUri) {
      throw mlsError('mls/room-mismatch', `roomUri ${content.extensions.roomUri} is not ${this.roomUri}`);
    }
    // draft-ietf-mimi-content §2.3: computed on the received bytes with the authenticated sender.
    const id = messageId(contentBytes, { senderUri: sender.userUri, roomUri: this.roomUri });
    const seen = [...this.#i.seen, digest].slice(-SEEN_LIMIT);
    return {
      room: this.#with(res.newState, seen),
      content,
      contentBytes,
      messageId: id,
      senderUserUri: sender.userUri,
      senderClientUri: sender.clientUri,
      senderLeafIndex: senderData.leafIndex,
      hubTimestamp: options.hubTimestamp,
    };
  }

  /**
   * Serializes the room (MLS group state, room URI, replay window) for storage.
   * The bytes contain private keys: store them encrypted.
   *
   * @returns the bytes for {@link loadRoom}
   * @example
   * ```ts
   * const saved = room.save();
   * ```
   */
  save(): Uint8Array {
    // Decision D24: format 2, with an integrity digest (src/mls/savedState.ts).
    return encodeSavedRoom({ roomUri: this.roomUri, seen: this.#i.seen, group: encodeGroupState(this.#i.state) });
  }

  /** @internal the ts-mls state, for tests inside src/mls and test/mls only */
  get internalState(): unknown {
    return this.#i.state;
  }
}

function bytesToBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function checkProposal(state: ClientState, p: ProposalWithSender): CommitRefusal | undefined {
  // A proposal is stored until committed; the full check runs on the commit. Here: the proposer is a
  // participant and a room change it proposes is authorized for it (so it cannot poison later commits).
  const members = membersOf(state.ratchetTree);
  const sender = p.senderLeafIndex === undefined ? undefined : members.get(p.senderLeafIndex);
  if (sender === undefined) return { code: 'mls/not-member', message: 'proposal from a non-member' };
  const pr = p.proposal;
  const before = roomStateOf(state.groupContext.extensions, members);
  if (pr.proposalType === 'remove') {
    const target = members.get(pr.remove.removed);
    if (target === undefined) return { code: 'mls/not-member', message: 'remove of a non-member' };
    // A leaving user removes its own clients; other removals need canKick (or come with a ban/removal
    // whose GroupContextExtensions proposal is checked on its own).
    if (target.userUri === sender.userUri) return undefined;
    return checkClientRemoval(before, sender.userUri, target.userUri);
  }
  if (pr.proposalType === 'group_context_extensions') {
    const after = roomStateOf(pr.groupContextExtensions.extensions, members);
    return checkRoomChange(before, after, sender.userUri);
  }
  if (pr.proposalType === 'add') return undefined; // checked with the commit
  if (pr.proposalType === 'update') return undefined; // same user and client (handshakeChecks.ts), new keys only
  return { code: 'mls/unsupported-proposal', message: `proposal type ${String(pr.proposalType)} is not used by MIMI rooms` };
}

/**
 * Creates a room: a new MLS group whose GroupContext carries the room state (app_data_dictionary,
 * draft-ietf-mimi-protocol §8) with this client as the only member.
 *
 * @param options - the creating client's identity, the room URI, the initial room state (the creator
 *   must be a participant), the credential verifier, optional `retainEpochs` and `cryptoProvider`
 * @returns the room
 * @throws {@link MimiError} `mls/bad-uri`, `mls/bad-state` (creator not a participant, metadata of
 *   another room), `mls/credential-rejected`
 * @example
 * ```ts
 * const room = await createRoom({ identity: alice1, roomUri, roomState: createRoom(...), verifier });
 * ```
 */
export async function createRoom(options: {
  identity: ClientIdentity;
  roomUri: string;
  roomState: RoomState;
  verifier: CredentialVerifier;
  retainEpochs?: number;
  cryptoProvider?: CryptoProvider;
}): Promise<MimiRoom> {
  const { identity, roomUri, roomState, verifier } = options;
  const parsed = /^mimi:\/\/[^/]+\/r\/.+$/.test(roomUri);
  if (!parsed) throw mlsError('mls/bad-uri', `not a mimi room URI: ${roomUri}`);
  const me = roomState.participants.find((p) => p.user === identity.userUri);
  if (me === undefined || me.role === 0 || me.role === ROLE_BANNED) throw mlsError('mls/bad-state', 'the creator must be a participant');
  if (roomState.metadata !== undefined && roomState.metadata.roomUri !== '' && roomState.metadata.roomUri !== roomUri) {
    throw mlsError('mls/room-mismatch', 'room metadata names another room');
  }
  const cs = await mimiSuite(options.cryptoProvider);
  const { config, tracker } = makeConfig(verifier, options.retainEpochs);
  const ok = await config.authService.validateCredential(credentialOf(identity), identity.signaturePublicKey);
  if (!ok) throw mlsError('mls/credential-rejected', 'the verifier refused the creator credential', { ...tracker.rejected });
  const { pub, priv } = await makeKeyPackage(identity, options.cryptoProvider);
  let state: ClientState;
  try {
    state = await createGroup(utf8.encode(roomUri), pub, priv, roomExtensions(roomState), cs, config);
  } catch (e) {
    throw mapError(e, tracker, 'mls/bad-message');
  }
  return new MimiRoom({ [ROOM_TAG]: true, state, cs, verifier, tracker, retainEpochs: options.retainEpochs, roomUri, seen: [], guard: { encrypts: 0 }, guardSeen: 0 });
}

function checkJoinedState(room: MimiRoom, state: ClientState): void {
  // Decision D23: no leaf with a lifetime beyond the maximum (not re-checked against the clock: a member's
  // key-package leaf stays until it updates).
  const now = nowSeconds();
  for (const n of state.ratchetTree) if (n?.nodeType === 'leaf') checkLeafLifetime(n.leaf, { now, current: false });
  // Decision D26: a room requiring components we do not understand, or a member not advertising them, is refused;
  // decision D25: external_senders must decode as the RFC 9420 §12.1.8.1 list.
  const required = componentsOf(state.groupContext.extensions);
  checkComponentsUnderstood(required);
  for (const n of state.ratchetTree) if (n?.nodeType === 'leaf') checkLeafComponents(required, n.leaf);
  void room.externalSenders;
  const rs = room.roomState;
  for (const m of room.members) {
    const role = rs.participants.find((p) => p.user === m.userUri)?.role ?? 0;
    if (role === 0 || role === ROLE_BANNED) throw mlsError('mls/bad-state', `member ${m.clientUri} is not an allowed participant`);
  }
}

/**
 * Joins a room from a Welcome (RFC 9420 §12.4.3.1); the ratchet tree travels in the Welcome.
 *
 * @param options - the Welcome bytes, the key package bundle it was made for, the verifier, optional
 *   `retainEpochs` and `cryptoProvider`
 * @returns the room
 * @throws {@link MimiError} `mls/bad-message`, `mls/decrypt-failed` (not for this key package),
 *   `mls/credential-rejected`, `mls/bad-state` (room state inconsistent with the members)
 * @example
 * ```ts
 * const bobRoom = await joinFromWelcome({ welcome, keyPackage: bob1Kp, verifier });
 * ```
 */
export async function joinFromWelcome(options: {
  welcome: Uint8Array;
  keyPackage: KeyPackageBundle;
  verifier: CredentialVerifier;
  retainEpochs?: number;
  cryptoProvider?: CryptoProvider;
}): Promise<MimiRoom> {
  const msg = decodeMessage(options.welcome);
  if (msg.wireformat !== 'mls_welcome') throw mlsError('mls/bad-message', `expected a Welcome, got ${msg.wireformat}`);
  const secrets = kpSecrets.get(options.keyPackage);
  if (secrets === undefined) throw mlsError('mls/bad-key-package', 'not a KeyPackageBundle from generateKeyPackage');
  const cs = await mimiSuite(options.cryptoProvider);
  const { config, tracker } = makeConfig(options.verifier, options.retainEpochs);
  let state: ClientState;
  try {
    state = await joinFromWelcomeFast(msg.welcome, secrets.pub, secrets.priv, cs, config);
  } catch (e) {
    throw mapError(e, tracker, 'mls/decrypt-failed');
  }
  let roomUri: string;
  try {
    roomUri = fromUtf8.decode(state.groupContext.groupId);
  } catch (e) {
    throw mlsError('mls/bad-state', 'group_id is not a room URI', undefined, e);
  }
  const room = new MimiRoom({ [ROOM_TAG]: true, state, cs, verifier: options.verifier, tracker, retainEpochs: options.retainEpochs, roomUri, seen: [], guard: { encrypts: 0 }, guardSeen: 0 });
  checkJoinedState(room, state);
  return room;
}

/**
 * Restores a room saved with {@link MimiRoom.save}.
 *
 * @param bytes - the saved bytes
 * @param options - the verifier (not serialized), retention and crypto provider
 * @returns the room
 * @throws {@link MimiError} `mls/bad-state` for bytes that are not a saved room
 * @example
 * ```ts
 * const again = await loadRoom(saved, { verifier });
 * ```
 */
export async function loadRoom(bytes: Uint8Array, options: RoomOptions): Promise<MimiRoom> {
  const { roomUri, seen, group } = decodeSavedRoom(bytes);
  let decoded;
  try {
    decoded = decodeGroupState(group, 0);
  } catch (e) {
    throw mlsError('mls/bad-state', 'not a saved room: group state', undefined, e);
  }
  if (decoded === undefined || decoded[1] !== group.length) throw mlsError('mls/bad-state', 'not a saved room: group state');
  const cs = await mimiSuite(options.cryptoProvider);
  const { config, tracker } = makeConfig(options.verifier, options.retainEpochs);
  // ts-mls.md §2.1: clientConfig is not serialized; re-attach it.
  const state: ClientState = { ...decoded[0], clientConfig: config };
  return new MimiRoom({ [ROOM_TAG]: true, state, cs, verifier: options.verifier, tracker, retainEpochs: options.retainEpochs, roomUri, seen: [...seen], guard: { encrypts: 0 }, guardSeen: 0 });
}
