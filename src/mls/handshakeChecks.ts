/**
 * The MLS-specific checks of incoming handshake messages, run before ts-mls applies anything
 * (docs/decisions.md (MLS adapter) D19–D26), and the hand-over to the room's commit check:
 *
 * - key package lifetimes of Adds (`lifetime.ts`, D23);
 * - new leaves (Add, Update, UpdatePath) advertise the room's required app_components (`components.ts`, D26);
 * - then `mimi-kit/room`'s `checkRoomCommit` / `checkRoomProposal` (through `policy.ts`): the proposal-type
 *   allowlist (D19), RFC 9420 §12.2 validity (D20), successor credentials (D21), GroupContextExtensions limited
 *   to the room state (D22) and the room policy (D10) — the same functions the hub runs.
 *
 * @module
 */
import type { ClientState, LeafNode, ProposalWithSender } from 'ts-mls';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import { ALLOWED_PROPOSALS as ROOM_ALLOWED_PROPOSALS, type CommitAccepted } from '../room/index.js';
import { checkLeafComponents, componentsOf } from './components.js';
import { mlsError } from './errors.js';
import { checkKeyPackageLifetime } from './lifetime.js';
import { checkCommitPolicy, checkProposalPolicy, type ResolvedProposal } from './policy.js';

/**
 * The proposal types a MIMI room accepts from a member, by where they appear: `mimi-kit/room`'s list.
 * @deprecated alias of `mimi-kit/room`'s `ALLOWED_PROPOSALS`.
 */
export const ALLOWED_PROPOSALS = ROOM_ALLOWED_PROPOSALS;

/**
 * Checks one proposal's MLS content against the state in force: Add → key package lifetime; Add and Update →
 * the new leaf advertises the required components.
 *
 * @param state - the receiver's state
 * @param p - the proposal and its sender leaf
 * @throws {@link MimiError} `mls/bad-key-package`, `mls/component-unsupported`
 */
export function checkProposalContent(state: ClientState, p: ProposalWithSender): void {
  const pr = p.proposal;
  // Decision D26: new leaves advertise the room's required app_components, which never change.
  if (pr.proposalType === 'update') {
    checkLeafComponents(componentsOf(state.groupContext.extensions), pr.update.leafNode);
  } else if (pr.proposalType === 'add') {
    checkKeyPackageLifetime(pr.add.keyPackage);
    checkLeafComponents(componentsOf(state.groupContext.extensions), pr.add.keyPackage.leafNode);
  }
}

function base64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

/**
 * The proposals of a commit with their senders: by value from the committer, by reference from the
 * stored proposals.
 *
 * @param state - the receiver's state
 * @param proposals - the commit's proposals
 * @param committer - the committer's leaf
 * @returns the proposals with senders and whether each was by value
 * @throws {@link MimiError} `mls/invalid-commit` for an unknown reference
 */
export function resolveCommitProposals(state: ClientState, proposals: readonly ProposalOrRef[], committer: number): ResolvedProposal[] {
  return proposals.map((p) => {
    if (p.proposalOrRefType === 'proposal') return { proposal: p.proposal, senderLeafIndex: committer, byValue: true };
    const stored = state.unappliedProposals[base64(p.reference)];
    if (stored === undefined) throw mlsError('mls/invalid-commit', 'the commit references a proposal this member does not hold');
    return { ...stored, byValue: false };
  });
}

/**
 * All checks of an incoming standalone proposal from a member, before ts-mls stores it.
 *
 * @param state - the receiver's state
 * @param p - the proposal and its sender
 * @throws {@link MimiError} `mls/bad-key-package`, `mls/component-unsupported`, then the room check's
 *   (`mls/proposal-not-allowed`, `mls/credential-rejected`, `mls/extension-not-allowed`, `mls/policy-refused`)
 */
export function checkIncomingProposal(state: ClientState, p: ProposalWithSender): void {
  checkProposalContent(state, p);
  checkProposalPolicy(state, p);
}

/**
 * All checks of an incoming commit from a member, before ts-mls applies it.
 *
 * @param state - the receiver's state
 * @param commit - the commit's proposals and UpdatePath leaf
 * @param committer - the committer's leaf
 * @returns the room check's verdict (group after the commit)
 * @throws {@link MimiError} `mls/invalid-commit`, `mls/bad-key-package`, `mls/component-unsupported`, then the room
 *   check's (`mls/proposal-not-allowed`, `mls/credential-rejected`, `mls/extension-not-allowed`, `mls/policy-refused`)
 */
export function checkIncomingCommit(
  state: ClientState,
  commit: { readonly proposals: readonly ProposalOrRef[]; readonly path?: { readonly leafNode: LeafNode } | undefined },
  committer: number,
): CommitAccepted {
  const all = resolveCommitProposals(state, commit.proposals, committer);
  const allowed: readonly string[] = ALLOWED_PROPOSALS.proposal;
  // Content checks only for the types the room knows; the room check refuses the others (D19).
  for (const p of all) if (typeof p.proposal.proposalType === 'string' && allowed.includes(p.proposal.proposalType)) checkProposalContent(state, p);
  if (commit.path !== undefined) checkLeafComponents(componentsOf(state.groupContext.extensions), commit.path.leafNode);
  return checkCommitPolicy(state, committer, all, commit.path?.leafNode);
}
