/**
 * Processing a handshake message (proposal or commit, as a PublicMessage) from the hub: sender, replay, epoch,
 * UpdatePath, the MLS checks and `mimi-kit/room`'s commit check (`handshakeChecks.ts`), then ts-mls
 * (`processMimiCommit`, decision D29).
 *
 * @module
 */
import { type ClientState, type IncomingMessageCallback } from 'ts-mls';
import { unprotectPublicMessage } from 'ts-mls/messageProtectionPublic.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CommitAccepted } from '../room/index.js';
import { mapError } from './authService.js';
import { pathRequired } from './commit.js';
import { mlsError } from './errors.js';
import { checkIncomingCommit, checkIncomingProposal } from './handshakeChecks.js';
import { decodeMessage } from './keyPackages.js';
import { membersOf } from './policy.js';
import { processMimiCommit } from './processCommit.js';
import { bytesToBase64, hex, SEEN_LIMIT, type Inner } from './roomInternals.js';
import type { HandshakeResult } from './roomTypes.js';

/** What processing produced, before it becomes a room value: the result with the new state instead of a room. */
export interface Processed extends Omit<HandshakeResult, 'room'> {
  readonly state: ClientState;
  readonly seen: readonly string[];
}

// Every check ran before ts-mls (below); ts-mls's own validation still runs inside processMimiCommit.
const acceptChecked: IncomingMessageCallback = () => 'accept';

/**
 * Processes a handshake message for the room value `i`.
 *
 * @param i - the room
 * @param isMember - whether this client is still a member
 * @param bytes - the encoded MLSMessage
 * @returns the new state and what changed
 * @throws {@link MimiError} see `MimiRoom.processHandshake`
 */
export async function processHandshakeMessage(i: Inner, isMember: boolean, bytes: Uint8Array): Promise<Processed> {
  const { state, cs, tracker } = i;
  const msg = decodeMessage(bytes);
  if (msg.wireformat !== 'mls_public_message') {
    throw mlsError('mls/bad-message', `handshake messages must be PublicMessages, got ${msg.wireformat}`);
  }
  const pm = msg.publicMessage;
  const content = pm.content;
  if (hex(content.groupId) !== hex(state.groupContext.groupId)) throw mlsError('mls/wrong-group', 'message for another group');
  const digest = hex(sha256(bytes));
  if (i.seen.includes(digest)) throw mlsError('mls/replay', 'message already processed');
  if (!isMember) throw mlsError('mls/not-member', 'this client is no longer a member of the room');
  if (content.epoch < state.groupContext.epoch) {
    throw mlsError('mls/epoch-too-old', `handshake for epoch ${content.epoch}, current ${state.groupContext.epoch}`, { epoch: content.epoch.toString() });
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
  // Decisions D10, D19–D26: the MLS checks and the room's commit check, all before ts-mls applies anything. A
  // refusal is reported only for an authenticated sender (membership tag and signature, RFC 9420 §6.2; verified on
  // this failure path only, ts-mls verifies again on the success path): an outsider's forgery stays mls/not-member.
  let verdict: CommitAccepted | undefined;
  try {
    if (content.contentType === 'proposal') {
      checkIncomingProposal(state, { proposal: content.proposal, senderLeafIndex: content.sender.leafIndex });
    } else if (content.contentType === 'commit') {
      verdict = checkIncomingCommit(state, content.commit, content.sender.leafIndex);
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
  tracker.rejected = undefined;
  let res;
  try {
    // Decision D29: ts-mls's processCommit rebuilt with the linear proposal application.
    res = await processMimiCommit(state, pm, cs, undefined, acceptChecked);
  } catch (e) {
    throw mapError(e, tracker, 'mls/invalid-commit');
  }
  const seen = [...i.seen, digest].slice(-SEEN_LIMIT);
  if (content.contentType !== 'commit' || verdict === undefined) {
    return { state: res.newState, seen, kind: 'proposal', sender, added: [], removed: [], roomStateChanged: false, selfRemoved: false, ownProposalsDropped: 0 };
  }
  const removedSet = new Set(verdict.removed.map((r) => r.leafIndex));
  const removed = [...members.values()].filter((m) => removedSet.has(m.leafIndex));
  const after = membersOf(res.newState.ratchetTree);
  const before = new Set([...members.values()].filter((m) => !removedSet.has(m.leafIndex)).map((m) => m.leafIndex));
  const added = [...after.values()].filter((m) => !before.has(m.leafIndex));
  const selfRemoved = res.newState.groupActiveState.kind === 'removedFromGroup';
  const covered = new Set(content.commit.proposals.flatMap((p) => (p.proposalOrRefType === 'reference' ? [bytesToBase64(p.reference)] : [])));
  const self = state.privatePath.leafIndex;
  const ownProposalsDropped = selfRemoved ? 0 : Object.entries(state.unappliedProposals).filter(([ref, p]) => p.senderLeafIndex === self && !covered.has(ref)).length;
  return { state: res.newState, seen, kind: 'commit', sender, added, removed, roomStateChanged: verdict.roomStateChanged, selfRemoved, ownProposalsDropped };
}
