/**
 * The hub's commit check, injected (draft-ietf-mimi-protocol-06 §5.3: the hub refuses a change the room policy
 * forbids). The hub is not an MLS member and the delivery core loads no MLS code, so reading an MLSMessage is
 * the checker's job: {@link UpdateChecker} is the seam where the pure commit-vs-policy checks of the coming
 * "one vocabulary for room changes" refactor plug in.
 *
 * {@link PolicyUpdateChecker} is the implementation that uses what exists today: `mimi-kit/room`'s
 * `planRoomOperation` over operations a caller-given {@link CommitDecoder} reads out of the commit (a
 * temporary adapter, docs/decisions.md "Delivery" DL6).
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { planRoomOperation, roomStateFromJson, roomStateToJson, type RoomOperation, type RoomState } from '../room/index.js';
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
   */
  checkCommit(current: RoomSnapshot, commit: Uint8Array): UpdateVerdict | Promise<UpdateVerdict>;
}

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
    return roomStateFromJson(JSON.parse(utf8Decode.decode(snapshot.state)));
  } catch (e) {
    throw new MimiError('delivery/corrupt-store', 'the stored room state is not a room state', { cause: e });
  }
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
  checkCommit(current: RoomSnapshot, commit: Uint8Array): UpdateVerdict {
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
