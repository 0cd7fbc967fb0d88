/**
 * The hub's commit check (draft-ietf-mimi-protocol-06 §5.3: the hub refuses a change the room policy forbids).
 * The hub is not an MLS member and the delivery core loads no MLS code, so {@link UpdateChecker} is the seam:
 *
 * - {@link MlsUpdateChecker} reads a PublicMessage commit itself (`mimi-kit/protocol`'s pure RFC 9420 framing
 *   decoder) and runs `mimi-kit/room`'s `checkRoomCommit`, the function every member runs on the same commit;
 *   the room snapshot keeps the roster (leaf index → client and signature key, RFC 9420 §7.7), the GroupContext
 *   extensions and, from the GroupInfo each committer sends, the GroupContext its signature covers
 *   (docs/decisions.md "Room" #37);
 * - {@link PolicyUpdateChecker} is the earlier stand-in over caller-decoded operations (DL6), kept for harnesses
 *   that frame commits their own way.
 *
 * @module
 */
import { bytesToHex, hexToBytes } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import { decodeClientIdentity } from '../mls/identity.js';
import { decodeGroupInfo, decodePublicMessage, type LeafNodeView, type ProposalView } from '../protocol/mlsFraming.js';
import { checkMlsMessage } from '../protocol/mlsStructures.js';
import { framedContentSignatureValid, groupInfoSignatureValid, proposalRef } from '../protocol/mlsAuth.js';
import { bytesEqual } from '../room/bytes.js';
import {
  checkRoomCommit,
  checkRoomProposal,
  planRoomOperation,
  roomStateFromJson,
  roomStateToJson,
  type CommitProposal,
  type GroupExtension,
  type GroupView,
  type ProposalBody,
  type RoomOperation,
  type RoomState,
} from '../room/index.js';
import type { RoomSnapshot } from './types.js';

/** The draft's refusal codes of an update (draft-ietf-mimi-protocol-06 §5.3 UpdateResponseCode) a checker may give. */
export type CheckRefusalCode = 'notAllowed' | 'invalidProposal';

/** A checker's verdict on one commit. */
export type UpdateVerdict =
  | {
      readonly ok: true;
      /** The committer's user URI (stamped on the log event). */
      readonly committer: string;
      /** The room after the commit; the hub sets the epoch (current + 1, RFC 9420 §12.4). */
      readonly next: Omit<RoomSnapshot, 'epoch'>;
      /**
       * The client URIs of the leaves the commit adds (from their credentials): the recipients of its Welcome,
       * which the hub routes to their providers (HT16). Absent when the checker does not know them.
       */
      readonly joiners?: readonly string[];
    }
  | {
      readonly ok: false;
      readonly code: CheckRefusalCode;
      /** Human-readable, for UpdateRoomResponse.errorDescription. */
      readonly description: string;
      /** ProposalRefs of the invalid proposals (`invalidProposal`). */
      readonly invalidProposals?: readonly Uint8Array[];
    };

/** Reads and checks MLS handshake and application messages for a hub. */
export interface UpdateChecker {
  /**
   * The epoch an MLSMessage (PublicMessage commit or PrivateMessage) is for (RFC 9420 §6: plaintext in both).
   * @param message - the MLSMessage bytes
   * @throws {@link MimiError} when the bytes are not such a message
   */
  epochOf(message: Uint8Array): number;
  /**
   * Checks a commit for the room's current epoch against the room's policy.
   * @param current - the room as the hub holds it
   * @param commit - the MLSMessage bytes
   * @param groupInfo - the GroupInfo for the new epoch the committer sent along (draft-ietf-mimi-protocol-06 §5.3
   *   HandshakeBundle.groupInfoOption), when it sent one
   */
  checkCommit(current: RoomSnapshot, commit: Uint8Array, groupInfo?: Uint8Array): UpdateVerdict | Promise<UpdateVerdict>;
  /**
   * Checks a standalone proposal (draft-ietf-mimi-protocol-06 §5.3, the `proposal` case of the HandshakeBundle) for
   * the room's current epoch; an accepted one is held in the returned snapshot (same epoch) so that a later commit
   * may cite it by reference. Optional: a checker without it holds no proposals.
   * @param current - the room as the hub holds it
   * @param proposal - the MLSMessage bytes (a PublicMessage proposal)
   */
  checkProposal?(current: RoomSnapshot, proposal: Uint8Array): ProposalVerdict | Promise<ProposalVerdict>;
}

/** A checker's verdict on one standalone proposal. */
export type ProposalVerdict =
  | {
      readonly ok: true;
      /** The proposer's user URI. */
      readonly proposer: string;
      /** The RFC 9420 §5.2 ProposalRef a commit cites it by. */
      readonly ref: Uint8Array;
      /** The room with the proposal held (same epoch). */
      readonly next: Omit<RoomSnapshot, 'epoch'>;
    }
  | { readonly ok: false; readonly code: CheckRefusalCode; readonly description: string };

/** What {@link PolicyUpdateChecker} needs read out of a commit. */
export interface DecodedCommit {
  /** The epoch the commit is for. */
  readonly epoch: number;
  /** The committer's user URI. */
  readonly committer: string;
  /** The room changes, in order (empty for a key update). */
  readonly operations: readonly RoomOperation[];
}

/** Reads a commit; throws a MimiError on bytes that are not one. */
export type CommitDecoder = (commit: Uint8Array) => DecodedCommit;

const utf8 = new TextEncoder();
const utf8Decode = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes a room state as a hub snapshot's `state` (UTF-8 JSON of `roomStateToJson`: unlike the
 * app_data_dictionary it keeps who is active).
 *
 * @param state - the room state
 * @param epoch - the MLS epoch
 * @returns the snapshot
 * @example
 * ```ts
 * import { createRoom } from 'mimi-kit/room';
 * import { roomSnapshot } from 'mimi-kit/delivery';
 * const room = createRoom({ preset: 'moderated', creator: 'mimi://a.example/u/alice', roomUri: 'mimi://a.example/r/club' });
 * roomSnapshot(room, 0).members; // ['mimi://a.example/u/alice']
 * ```
 */
export function roomSnapshot(state: RoomState, epoch: number): RoomSnapshot {
  return { epoch, state: utf8.encode(JSON.stringify(roomStateToJson(state))), members: activeMembers(state), historySeconds: historySeconds(state) };
}

/**
 * The room state inside a snapshot made by {@link roomSnapshot}.
 *
 * @param snapshot - the snapshot
 * @returns the room state
 * @throws {@link MimiError} `delivery/corrupt-store` when the bytes are not a room state
 * @example
 * ```ts
 * roomStateOf(roomSnapshot(room, 0)).participants.length; // 1
 * ```
 */
export function roomStateOf(snapshot: Pick<RoomSnapshot, 'state'>): RoomState {
  try {
    const v: unknown = JSON.parse(utf8Decode.decode(snapshot.state));
    // A snapshot made by mlsRoomSnapshot wraps the room state with the roster.
    const room = typeof v === 'object' && v !== null && (v as { v?: unknown }).v === GROUP_SNAPSHOT_VERSION ? (v as { room: unknown }).room : v;
    return roomStateFromJson(room);
  } catch (e) {
    throw new MimiError('delivery/corrupt-store', 'the stored room state is not a room state', { cause: e });
  }
}

const GROUP_SNAPSHOT_VERSION = 2;

interface GroupJson {
  readonly v: typeof GROUP_SNAPSHOT_VERSION;
  readonly room: unknown;
  readonly members: readonly { readonly leafIndex: number; readonly user: string; readonly client: string; readonly signatureKey?: string }[];
  readonly extensions: readonly { readonly extensionType: number; readonly extensionData: string }[];
  /** The GroupContext of the snapshot's epoch (hex), from the GroupInfo the last committer sent: signatures are checked against it. */
  readonly context?: string;
  /** Its cipher suite. */
  readonly cipherSuite?: number;
  /** Standalone proposals held for this epoch (MLSMessage hex), by ProposalRef (hex). */
  readonly pending?: readonly { readonly ref: string; readonly message: string }[];
}

/** What a group snapshot holds: the group and, when known, the epoch's GroupContext. */
interface HubGroup {
  readonly group: GroupView;
  readonly context?: { readonly bytes: Uint8Array; readonly cipherSuite: number };
  readonly pending?: readonly { readonly ref: string; readonly message: string }[];
}

function encodeGroup(g: HubGroup): Uint8Array {
  const json: GroupJson = {
    v: GROUP_SNAPSHOT_VERSION,
    room: roomStateToJson(g.group.state),
    members: g.group.members.map((m) => ({
      leafIndex: m.leafIndex,
      user: m.user,
      client: m.client,
      ...(m.signatureKey !== undefined ? { signatureKey: bytesToHex(m.signatureKey) } : {}),
    })),
    extensions: g.group.extensions.map((e) => ({ extensionType: e.extensionType, extensionData: bytesToHex(e.extensionData) })),
    ...(g.context ? { context: bytesToHex(g.context.bytes), cipherSuite: g.context.cipherSuite } : {}),
    ...(g.pending && g.pending.length > 0 ? { pending: g.pending } : {}),
  };
  return utf8.encode(JSON.stringify(json));
}

function decodeGroup(snapshot: Pick<RoomSnapshot, 'state'>): HubGroup {
  let v: GroupJson;
  try {
    v = JSON.parse(utf8Decode.decode(snapshot.state)) as GroupJson;
  } catch (e) {
    throw new MimiError('delivery/corrupt-store', 'the stored room state is not a group snapshot', { cause: e });
  }
  const ok =
    typeof v === 'object' && v !== null && v.v === GROUP_SNAPSHOT_VERSION && Array.isArray(v.members) && Array.isArray(v.extensions) &&
    v.members.every((m) => Number.isSafeInteger(m?.leafIndex) && typeof m.user === 'string' && typeof m.client === 'string' && (m.signatureKey === undefined || typeof m.signatureKey === 'string')) &&
    v.extensions.every((e) => Number.isInteger(e?.extensionType) && typeof e.extensionData === 'string') &&
    (v.context === undefined || (typeof v.context === 'string' && Number.isInteger(v.cipherSuite))) &&
    (v.pending === undefined || (Array.isArray(v.pending) && v.pending.every((p) => typeof p?.ref === 'string' && typeof p.message === 'string')));
  if (!ok) throw new MimiError('delivery/corrupt-store', 'the stored room state is not a group snapshot (made by mlsRoomSnapshot)');
  try {
    const group: GroupView = {
      state: roomStateFromJson(v.room),
      members: v.members.map((m) => ({ leafIndex: m.leafIndex, user: m.user, client: m.client, ...(m.signatureKey !== undefined ? { signatureKey: hexToBytes(m.signatureKey) } : {}) })),
      extensions: v.extensions.map((e) => ({ extensionType: e.extensionType, extensionData: hexToBytes(e.extensionData) })),
    };
    return {
      group,
      ...(v.context !== undefined ? { context: { bytes: hexToBytes(v.context), cipherSuite: v.cipherSuite! } } : {}),
      ...(v.pending !== undefined ? { pending: v.pending } : {}),
    };
  } catch (e) {
    throw new MimiError('delivery/corrupt-store', 'the stored room state is not a group snapshot', { cause: e });
  }
}

function sameExtensions(a: readonly GroupExtension[], b: readonly GroupExtension[]): boolean {
  return a.length === b.length && a.every((e, i) => e.extensionType === b[i]!.extensionType && bytesEqual(e.extensionData, b[i]!.extensionData));
}

/**
 * Checks the GroupInfo a committer (or a room's creator) hands over for `epoch` against the group the hub computed:
 * same group, epoch and GroupContext extensions, signed by `signer` with its leaf key (RFC 9420 §12.4.3
 * GroupInfoTBS). Returns its GroupContext, or why it does not fit.
 */
function groupContextFrom(groupInfo: Uint8Array, expect: { epoch: number; groupId?: Uint8Array; signer?: number; group: GroupView }): { bytes: Uint8Array; cipherSuite: number } | string {
  let gi;
  try {
    gi = decodeGroupInfo(groupInfo);
  } catch (e) {
    return `the GroupInfo does not decode: ${e instanceof Error ? e.message : String(e)}`;
  }
  const gc = gi.groupContext;
  if (gc.epoch !== BigInt(expect.epoch)) return `the GroupInfo is for epoch ${gc.epoch}, not ${expect.epoch}`;
  if (expect.groupId !== undefined && !bytesEqual(gc.groupId, expect.groupId)) return 'the GroupInfo is for another group';
  if (expect.signer !== undefined && gi.signer !== expect.signer) return `the GroupInfo is signed by leaf ${gi.signer}, not by the committer`;
  if (!sameExtensions(gc.extensions, expect.group.extensions)) return "the GroupInfo's GroupContext extensions are not the ones the commit produces";
  const key = expect.group.members.find((m) => m.leafIndex === gi.signer)?.signatureKey;
  if (key === undefined) return `no signature key known for leaf ${gi.signer}`;
  if (!groupInfoSignatureValid(gi, key)) return 'the GroupInfo signature does not verify';
  return { bytes: gc.bytes, cipherSuite: gc.cipherSuite };
}


/**
 * Encodes the group of an MLS room as a hub snapshot for {@link MlsUpdateChecker}: the room state (JSON, with
 * who is active), the roster (leaf index → client and signature key) and the GroupContext extensions; with the
 * room's GroupInfo for `epoch`, also its GroupContext, so the checker verifies the next commit's signature.
 *
 * @param group - the group (`MimiRoom.groupView()` in `mimi-kit/mls`, or `newGroupView` of `mimi-kit/room`)
 * @param epoch - the MLS epoch
 * @param groupInfo - the GroupInfo of that epoch (bare RFC 9420 GroupInfo), checked against `group`
 * @returns the snapshot
 * @throws {@link MimiError} `delivery/bad-request` when the GroupInfo does not fit the group
 * @example
 * ```ts
 * import { mlsRoomSnapshot } from 'mimi-kit/delivery';
 * await hub.createRoom(room.roomUri, mlsRoomSnapshot(room.groupView(), Number(room.epoch), groupInfo));
 * ```
 */
export function mlsRoomSnapshot(group: GroupView, epoch: number, groupInfo?: Uint8Array): RoomSnapshot {
  let context: { bytes: Uint8Array; cipherSuite: number } | undefined;
  if (groupInfo !== undefined) {
    const c = groupContextFrom(groupInfo, { epoch, group });
    if (typeof c === 'string') throw new MimiError('delivery/bad-request', c);
    context = c;
  }
  return { epoch, state: encodeGroup({ group, ...(context ? { context } : {}) }), members: activeMembers(group.state), historySeconds: historySeconds(group.state) };
}

/**
 * The group inside a snapshot made by {@link mlsRoomSnapshot}.
 *
 * @param snapshot - the snapshot
 * @returns the group view
 * @throws {@link MimiError} `delivery/corrupt-store` when the bytes are not one
 * @example
 * ```ts
 * groupViewOfSnapshot(await hub.roomSnapshot(roomId)).members.length; // 3
 * ```
 */
export function groupViewOfSnapshot(snapshot: Pick<RoomSnapshot, 'state'>): GroupView {
  return decodeGroup(snapshot).group;
}

function activeMembers(state: RoomState): string[] {
  // draft-ietf-mimi-protocol-06 §5.4: the sender must be an active participant; role 1 is "banned".
  return state.participants.filter((p) => p.active && p.role > 1).map((p) => p.user);
}

function historySeconds(state: RoomState): number {
  // room-policy §5.10: forbidden (or no component: DL5) shares nothing from before a join.
  const h = state.policy.history;
  return h === undefined || h.historySharing === 'forbidden' ? 0 : h.maxTimePeriod;
}

/**
 * @deprecated use {@link MlsUpdateChecker}, which reads MLS commits itself. Kept for harnesses whose commits are
 * not MLS (the delivery tests' stand-in framing).
 *
 * The hub's commit check over `mimi-kit/room`'s authorization engine: each decoded operation must be allowed
 * for the committer, in order, on the state the previous one produced; any refusal is `notAllowed`
 * with the engine's refusal in the description.
 *
 * @example
 * ```ts
 * import { PolicyUpdateChecker } from 'mimi-kit/delivery';
 * const checker = new PolicyUpdateChecker({ decodeCommit: myDecoder, epochOf: myEpochReader });
 * ```
 */
export class PolicyUpdateChecker implements UpdateChecker {
  private readonly decode: CommitDecoder;
  private readonly readEpoch: (message: Uint8Array) => number;

  /**
   * Creates the checker.
   * @param options - how to read commits and the epoch of any MLSMessage
   */
  constructor(options: { readonly decodeCommit: CommitDecoder; readonly epochOf: (message: Uint8Array) => number }) {
    this.decode = options.decodeCommit;
    this.readEpoch = options.epochOf;
  }

  /**
   * The epoch of an MLSMessage, by the injected reader.
   * @param message - MLSMessage bytes
   * @returns the epoch
   * @example
   * ```ts
   * checker.epochOf(commitBytes); // 3
   * ```
   */
  epochOf(message: Uint8Array): number {
    return this.readEpoch(message);
  }

  /**
   * Authorizes the commit's operations for its committer.
   * @param current - the room
   * @param commit - MLSMessage bytes
   * @returns the verdict
   * @example
   * ```ts
   * const v = checker.checkCommit(snapshot, commitBytes);
   * if (!v.ok) console.log(v.code); // 'notAllowed'
   * ```
   */
  checkCommit(current: RoomSnapshot, commit: Uint8Array, groupInfo?: Uint8Array): UpdateVerdict {
    const decoded = this.decode(commit);
    // draft-ietf-mimi-protocol-06 §5.3: a removed or banned user may not commit; only a join is by a non-member.
    const joining = decoded.operations.length > 0 && decoded.operations.every((op) => op.type === 'join');
    if (!joining && !current.members.includes(decoded.committer)) {
      return { ok: false, code: 'notAllowed', description: `${decoded.committer} is not an active participant` };
    }
    let state = roomStateOf(current);
    for (const [i, op] of decoded.operations.entries()) {
      const r = planRoomOperation(state, decoded.committer, op);
      if (!r.ok) return { ok: false, code: 'notAllowed', description: `operation ${i} (${op.type}): ${r.refusal.code}: ${r.refusal.message}` };
      state = r.state;
    }
    const { state: bytes, members, historySeconds: seconds } = roomSnapshot(state, current.epoch + 1);
    return { ok: true, committer: decoded.committer, next: { state: bytes, members, historySeconds: seconds } };
  }
}

function identityOf(leaf: LeafNodeView): { user: string; client: string } | undefined {
  if (leaf.credential.credentialType !== 1 || leaf.credential.identity === undefined) return undefined;
  try {
    const id = decodeClientIdentity(leaf.credential.identity);
    return { user: id.userUri, client: id.clientUri };
  } catch {
    return undefined;
  }
}

function bodyOf(p: ProposalView): ProposalBody | string {
  switch (p.kind) {
    case 'add': {
      // Decision D2: the joining client's URIs are in its basic credential.
      const id = identityOf(p.keyPackage.leafNode);
      return id === undefined ? 'an Add whose credential is not a MIMI client identity' : { type: 'add', ...id, signatureKey: p.keyPackage.leafNode.signatureKey };
    }
    case 'update': {
      const id = identityOf(p.leafNode);
      return { type: 'update', user: id?.user ?? '', client: id?.client ?? '', signatureKey: p.leafNode.signatureKey };
    }
    case 'remove':
      return { type: 'remove', leafIndex: p.removed };
    case 'groupContextExtensions':
      return { type: 'group_context_extensions', extensions: p.extensions };
    default:
      return { type: 'other', proposalType: p.proposalType };
  }
}

/**
 * The hub's commit check over MLS: decodes the PublicMessage commit by value (RFC 9420 §6, §12.1, §12.4, pure
 * codecs, no ts-mls) and runs `mimi-kit/room`'s `checkRoomCommit` on the group the snapshot holds — the same
 * check, on the same view, as every member's `processHandshake`. A refusal is `notAllowed` with the room's
 * refusal code in the description; a commit citing proposals by reference the hub does not hold is
 * `invalidProposal` with those references (the hub stores no standalone proposals yet). When the snapshot holds
 * the epoch's GroupContext (from the GroupInfo the previous committer, or the creator, sent), the commit's
 * signature is verified with the committer's leaf key (RFC 9420 §6.1); the GroupInfo sent with a commit must fit
 * its outcome (docs/decisions.md "Room" #37).
 *
 * @example
 * ```ts
 * import { Hub, MemoryStore, MlsUpdateChecker, mlsRoomSnapshot } from 'mimi-kit/delivery';
 * const hub = new Hub({ domain: 'a.example', store: new MemoryStore(), clock: Date, checker: new MlsUpdateChecker(), transport });
 * await hub.createRoom(room.roomUri, mlsRoomSnapshot(room.groupView(), Number(room.epoch)));
 * ```
 */
export class MlsUpdateChecker implements UpdateChecker {
  private readonly requireGroupInfo: boolean;

  /**
   * Creates the checker.
   * @param options - `requireGroupInfo`: refuse (`notAllowed`) a commit sent without the new epoch's GroupInfo
   *   (the draft's HandshakeBundle always has one; without it the next commit's signature cannot be checked)
   */
  constructor(options: { readonly requireGroupInfo?: boolean } = {}) {
    this.requireGroupInfo = options.requireGroupInfo ?? false;
  }

  /**
   * The epoch of a PublicMessage or PrivateMessage (RFC 9420 §6: in the clear in both).
   * @param message - MLSMessage bytes
   * @returns the epoch
   * @throws {@link MimiError} `delivery/bad-request` for anything else
   * @example
   * ```ts
   * new MlsUpdateChecker().epochOf(commitBytes); // 3
   * ```
   */
  epochOf(message: Uint8Array): number {
    let epoch: bigint | undefined;
    try {
      epoch = checkMlsMessage(message).epoch; // checked in place: the hub keeps the bytes it was given
    } catch (e) {
      throw new MimiError('delivery/bad-request', 'not an MLSMessage', { cause: e });
    }
    if (epoch === undefined || epoch > BigInt(Number.MAX_SAFE_INTEGER)) throw new MimiError('delivery/bad-request', 'not a PublicMessage or PrivateMessage with an epoch');
    return Number(epoch);
  }

  /**
   * Decodes and checks a commit against the group in `current`.
   * @param current - the room (a snapshot made by {@link mlsRoomSnapshot})
   * @param commit - MLSMessage bytes (a PublicMessage commit)
   * @param groupInfo - the new epoch's GroupInfo the committer sent, checked against the commit's outcome and kept
   *   to verify the next commit
   * @returns the verdict, with the next snapshot when accepted
   * @throws {@link MimiError} `delivery/bad-request` when the bytes are no PublicMessage commit,
   *   `delivery/corrupt-store` when the snapshot is not a group snapshot
   * @example
   * ```ts
   * const v = new MlsUpdateChecker().checkCommit(snapshot, commitBytes);
   * if (!v.ok) console.log(v.code, v.description); // 'notAllowed' 'room/missing-capability: …'
   * ```
   */
  checkCommit(current: RoomSnapshot, commit: Uint8Array, groupInfo?: Uint8Array): UpdateVerdict {
    let m;
    try {
      m = decodePublicMessage(commit);
    } catch (e) {
      throw new MimiError('delivery/bad-request', 'the update is not a PublicMessage', { cause: e });
    }
    if (m.contentType !== 'commit' || m.commit === undefined) throw new MimiError('delivery/bad-request', `the update carries a ${m.contentType}, not a commit`);
    // Decision D6: no external senders or external commits.
    if (m.sender.type !== 'member') return { ok: false, code: 'notAllowed', description: `a commit from a ${m.sender.type} sender is not accepted` };
    const leaf = m.sender.leafIndex;
    const { group, context } = decodeGroup(current);
    if (context !== undefined) {
      // RFC 9420 §6.1: the committer signs FramedContentTBS with its leaf key, over the epoch's GroupContext.
      const key = group.members.find((x) => x.leafIndex === leaf)?.signatureKey;
      if (key === undefined || !framedContentSignatureValid(m, context, key)) {
        return { ok: false, code: 'notAllowed', description: `the commit's signature does not verify for leaf ${leaf}` };
      }
    }
    const held = new Map((decodeGroup(current).pending ?? []).map((p) => [p.ref, p.message]));
    const unknown = m.commit.proposals.flatMap((p) => (p.kind === 'reference' && !held.has(bytesToHex(p.reference)) ? [p.reference] : []));
    if (unknown.length > 0) {
      return { ok: false, code: 'invalidProposal', description: 'the commit cites proposals by reference the hub does not hold', invalidProposals: unknown };
    }
    const proposals: CommitProposal[] = [];
    for (const p of m.commit.proposals) {
      let view: ProposalView;
      let sender = leaf;
      if (p.kind === 'proposal') view = p.proposal;
      else {
        // Held proposals were decoded and checked when they arrived (checkProposal).
        const pm = decodePublicMessage(hexToBytes(held.get(bytesToHex(p.reference))!));
        view = pm.proposal!;
        sender = pm.sender.type === 'member' ? pm.sender.leafIndex : -1;
      }
      const body = bodyOf(view);
      if (typeof body === 'string') return { ok: false, code: 'notAllowed', description: body };
      proposals.push({ sender, byValue: p.kind === 'proposal', proposal: body });
    }
    const pathLeaf = m.commit.path?.leafNode;
    const pathId = pathLeaf === undefined ? undefined : { ...(identityOf(pathLeaf) ?? { user: '', client: '' }), signatureKey: pathLeaf.signatureKey };
    const v = checkRoomCommit(group, { committer: m.sender.leafIndex, proposals, ...(pathId ? { path: pathId } : {}) });
    if (!v.ok) return { ok: false, code: 'notAllowed', description: `${v.refusal.code}: ${v.refusal.message}` };
    let next: { bytes: Uint8Array; cipherSuite: number } | undefined;
    if (groupInfo !== undefined) {
      const c = groupContextFrom(groupInfo, { epoch: current.epoch + 1, groupId: m.groupId, signer: m.sender.leafIndex, group: v.group });
      if (typeof c === 'string') return { ok: false, code: 'notAllowed', description: c };
      next = c;
    } else if (this.requireGroupInfo) {
      return { ok: false, code: 'notAllowed', description: 'the update carries no GroupInfo for the new epoch' };
    }
    const state = encodeGroup({ group: v.group, ...(next ? { context: next } : {}) });
    // RFC 9420 §12.4.3.1: the Welcome is for the clients whose leaves the commit adds.
    const before = new Set(group.members.map((x) => x.client));
    const joiners = v.group.members.filter((x) => !before.has(x.client)).map((x) => x.client);
    return { ok: true, committer: v.committer.user, next: { state, members: activeMembers(v.group.state), historySeconds: historySeconds(v.group.state) }, joiners };
  }

  /**
   * Decodes and checks a standalone proposal (RFC 9420 §12.1) with `mimi-kit/room`'s `checkRoomProposal`, the
   * check every member runs on receipt, and its signature when the epoch's GroupContext is known; an accepted one
   * is held by its ProposalRef (RFC 9420 §5.2) until the epoch ends.
   * @param current - the room (a snapshot made by {@link mlsRoomSnapshot})
   * @param proposal - MLSMessage bytes (a PublicMessage proposal)
   * @returns the verdict, with the snapshot holding the proposal when accepted
   * @throws {@link MimiError} `delivery/bad-request` when the bytes are no PublicMessage proposal
   * @example
   * ```ts
   * const v = new MlsUpdateChecker().checkProposal(snapshot, proposalBytes);
   * if (v.ok) await store.saveSnapshot({ ...v.next, epoch: snapshot.epoch });
   * ```
   */
  checkProposal(current: RoomSnapshot, proposal: Uint8Array): ProposalVerdict {
    let m;
    try {
      m = decodePublicMessage(proposal);
    } catch (e) {
      throw new MimiError('delivery/bad-request', 'the proposal is not a PublicMessage', { cause: e });
    }
    if (m.contentType !== 'proposal' || m.proposal === undefined) throw new MimiError('delivery/bad-request', `the message carries a ${m.contentType}, not a proposal`);
    // Decision D6: no external senders.
    if (m.sender.type !== 'member') return { ok: false, code: 'notAllowed', description: `a proposal from a ${m.sender.type} sender is not accepted` };
    if (m.epoch !== BigInt(current.epoch)) return { ok: false, code: 'notAllowed', description: `the proposal is for epoch ${m.epoch}, the room is at ${current.epoch}` };
    const leaf = m.sender.leafIndex;
    const hub = decodeGroup(current);
    const member = hub.group.members.find((x) => x.leafIndex === leaf);
    if (hub.context !== undefined && (member?.signatureKey === undefined || !framedContentSignatureValid(m, hub.context, member.signatureKey))) {
      return { ok: false, code: 'notAllowed', description: `the proposal's signature does not verify for leaf ${leaf}` };
    }
    const body = bodyOf(m.proposal);
    if (typeof body === 'string') return { ok: false, code: 'notAllowed', description: body };
    const refusal = checkRoomProposal(hub.group, { sender: leaf, byValue: false, proposal: body });
    if (refusal !== undefined) return { ok: false, code: 'notAllowed', description: `${refusal.code}: ${refusal.message}` };
    // Without a known GroupContext the suite is taken as 0x0001, the one mimi-kit rooms use.
    const ref = proposalRef(m, hub.context?.cipherSuite ?? 1);
    const pending = [...(hub.pending ?? []).filter((p) => p.ref !== bytesToHex(ref)), { ref: bytesToHex(ref), message: bytesToHex(proposal) }];
    return { ok: true, proposer: member!.user, ref, next: { state: encodeGroup({ ...hub, pending }), members: current.members, historySeconds: current.historySeconds } };
  }
}
