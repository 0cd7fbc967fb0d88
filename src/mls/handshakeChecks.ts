/**
 * Structural checks of incoming handshake messages, run before ts-mls applies anything
 * (docs/decisions.md (MLS adapter) D19–D23):
 *
 * - an explicit allowlist of proposal types per sender role and position (standalone proposal, by value
 *   in a commit, by reference in a commit); everything else (ReInit, PSK, ExternalInit from a member,
 *   custom types) is `mls/proposal-not-allowed`;
 * - the commit validity rules of RFC 9420 §12.2 that a committer could otherwise use to freeze the room
 *   (two GroupContextExtensions proposals, two changes to one leaf, removing or updating the committer):
 *   `mls/invalid-commit`;
 * - RFC 9420 §5.3.1 credential succession: an Update or an UpdatePath keeps the member's user and client
 *   URIs (`mls/credential-rejected`; the verifier still approves the key, as ts-mls asks it);
 * - GroupContextExtensions changes limited to the room state (`extensions.ts`);
 * - key package lifetimes of Adds (`lifetime.ts`).
 *
 * The room policy (`policy.ts`) then authorizes what is left.
 *
 * @module
 */
import type { ClientState, LeafNode, Proposal, ProposalWithSender } from 'ts-mls';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import { checkComponentsUnchanged, checkLeafComponents, componentsOf } from './components.js';
import { checkExtensionChange } from './extensions.js';
import { mlsError } from './errors.js';
import { decodeClientIdentity } from './identity.js';
import { checkKeyPackageLifetime } from './lifetime.js';

/**
 * The proposal types a MIMI room accepts from a member, by where they appear. Non-member senders
 * (external senders, new-member proposals and commits) are refused before this (decision D6).
 */
export const ALLOWED_PROPOSALS = {
  /** Standalone proposals (and the same proposals committed by reference). */
  proposal: ['add', 'remove', 'update', 'group_context_extensions'],
  /** Proposals carried by value in a commit: an Update by value would be the committer's own (RFC 9420 §12.2). */
  commitByValue: ['add', 'remove', 'group_context_extensions'],
} as const;

/** Where a proposal appears: a key of {@link ALLOWED_PROPOSALS}. */
export type ProposalPosition = keyof typeof ALLOWED_PROPOSALS;

function typeName(p: Proposal): string {
  return typeof p.proposalType === 'number' ? `0x${p.proposalType.toString(16).padStart(4, '0')}` : p.proposalType;
}

/**
 * Refuses a proposal type outside {@link ALLOWED_PROPOSALS} for its position.
 *
 * @param p - the proposal
 * @param position - where it appears
 * @throws {@link MimiError} `mls/proposal-not-allowed`
 */
export function checkProposalType(p: Proposal, position: ProposalPosition): void {
  const allowed: readonly string[] = ALLOWED_PROPOSALS[position];
  if (typeof p.proposalType === 'number' || !allowed.includes(p.proposalType)) {
    throw mlsError('mls/proposal-not-allowed', `proposal type ${typeName(p)} is not accepted ${position === 'proposal' ? 'from a member' : 'by value in a commit'} in a MIMI room`, {
      proposalType: typeName(p),
      position,
    });
  }
}

function leafAt(state: ClientState, leafIndex: number): LeafNode | undefined {
  const n = state.ratchetTree[leafIndex * 2];
  return n?.nodeType === 'leaf' ? n.leaf : undefined;
}

function identityOf(leaf: LeafNode): { userUri: string; clientUri: string } | undefined {
  if (leaf.credential.credentialType !== 'basic') return undefined;
  try {
    return decodeClientIdentity(leaf.credential.identity);
  } catch {
    return undefined;
  }
}

/**
 * RFC 9420 §5.3.1: a member's new leaf (Update proposal, UpdatePath) must carry a credential that is a
 * valid successor of its current one: here, the same user URI and client URI (draft-mahy-mimi-identity).
 *
 * @param state - the receiver's state (current tree)
 * @param leafIndex - the member's leaf
 * @param next - the new leaf node
 * @throws {@link MimiError} `mls/credential-rejected` (details: old and new URIs), `mls/not-member`
 */
export function checkSuccessor(state: ClientState, leafIndex: number, next: LeafNode): void {
  const current = leafAt(state, leafIndex);
  if (current === undefined) throw mlsError('mls/not-member', `no member at leaf ${leafIndex}`);
  const was = identityOf(current);
  const now = identityOf(next);
  if (was === undefined || now === undefined || was.userUri !== now.userUri || was.clientUri !== now.clientUri) {
    throw mlsError('mls/credential-rejected', 'a member cannot change its user or client URI (RFC 9420 §5.3.1 successor credential)', {
      reason: 'not a successor credential',
      leafIndex,
      ...(was !== undefined ? { userUri: was.userUri, clientUri: was.clientUri } : {}),
      ...(now !== undefined ? { newUserUri: now.userUri, newClientUri: now.clientUri } : {}),
    });
  }
}

/**
 * Checks one proposal's content against the state in force: Update → successor credential,
 * GroupContextExtensions → only the room state changes, Add → key package lifetime.
 *
 * @param state - the receiver's state
 * @param p - the proposal and its sender leaf
 * @throws {@link MimiError} `mls/credential-rejected`, `mls/extension-not-allowed`, `mls/bad-key-package`
 */
export function checkProposalContent(state: ClientState, p: ProposalWithSender): void {
  const pr = p.proposal;
  // Decision D26: new leaves advertise the room's required app_components, which never change.
  if (pr.proposalType === 'update') {
    if (p.senderLeafIndex === undefined) throw mlsError('mls/not-member', 'update from a non-member');
    checkSuccessor(state, p.senderLeafIndex, pr.update.leafNode);
    checkLeafComponents(componentsOf(state.groupContext.extensions), pr.update.leafNode);
  } else if (pr.proposalType === 'group_context_extensions') {
    checkExtensionChange(state.groupContext.extensions, pr.groupContextExtensions.extensions);
    checkComponentsUnchanged(state.groupContext.extensions, pr.groupContextExtensions.extensions);
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
export function resolveCommitProposals(
  state: ClientState,
  proposals: readonly ProposalOrRef[],
  committer: number,
): (ProposalWithSender & { byValue: boolean })[] {
  return proposals.map((p) => {
    if (p.proposalOrRefType === 'proposal') return { proposal: p.proposal, senderLeafIndex: committer, byValue: true };
    const stored = state.unappliedProposals[base64(p.reference)];
    if (stored === undefined) throw mlsError('mls/invalid-commit', 'the commit references a proposal this member does not hold');
    return { ...stored, byValue: false };
  });
}

/**
 * RFC 9420 §12.2 commit validity, the rules that matter for liveness: at most one GroupContextExtensions
 * proposal; at most one Update or Remove per leaf; no Remove of the committer; no Update by the committer.
 *
 * @param proposals - the commit's proposals with senders
 * @param committer - the committer's leaf
 * @returns the reason the set is invalid, or `undefined`
 */
export function commitValidityError(proposals: readonly ProposalWithSender[], committer: number): string | undefined {
  let gce = 0;
  const touched = new Set<number>();
  for (const { proposal: pr, senderLeafIndex } of proposals) {
    if (pr.proposalType === 'group_context_extensions' && ++gce > 1) return 'more than one GroupContextExtensions proposal';
    if (pr.proposalType === 'remove' || pr.proposalType === 'update') {
      const leaf = pr.proposalType === 'remove' ? pr.remove.removed : (senderLeafIndex ?? -1);
      if (leaf === committer) return pr.proposalType === 'remove' ? 'a Remove of the committer' : 'an Update by the committer';
      if (touched.has(leaf)) return `two Update/Remove proposals for leaf ${leaf}`;
      touched.add(leaf);
    }
  }
  return undefined;
}

/**
 * All checks of an incoming standalone proposal from a member, before ts-mls stores it.
 *
 * @param state - the receiver's state
 * @param p - the proposal and its sender
 * @throws {@link MimiError} `mls/proposal-not-allowed`, `mls/credential-rejected`, `mls/extension-not-allowed`, `mls/bad-key-package`
 */
export function checkIncomingProposal(state: ClientState, p: ProposalWithSender): void {
  checkProposalType(p.proposal, 'proposal');
  checkProposalContent(state, p);
}

/**
 * All checks of an incoming commit from a member, before ts-mls applies it.
 *
 * @param state - the receiver's state
 * @param commit - the commit's proposals and UpdatePath leaf
 * @param committer - the committer's leaf
 * @throws {@link MimiError} `mls/proposal-not-allowed`, `mls/invalid-commit`, `mls/credential-rejected`,
 *   `mls/extension-not-allowed`, `mls/bad-key-package`
 */
export function checkIncomingCommit(
  state: ClientState,
  commit: { readonly proposals: readonly ProposalOrRef[]; readonly path?: { readonly leafNode: LeafNode } | undefined },
  committer: number,
): void {
  const all = resolveCommitProposals(state, commit.proposals, committer);
  for (const p of all) checkProposalType(p.proposal, p.byValue ? 'commitByValue' : 'proposal');
  const invalid = commitValidityError(all, committer);
  if (invalid !== undefined) throw mlsError('mls/invalid-commit', `RFC 9420 §12.2 forbids ${invalid} in a commit`);
  for (const p of all) checkProposalContent(state, p);
  if (commit.path !== undefined) {
    checkSuccessor(state, committer, commit.path.leafNode);
    checkLeafComponents(componentsOf(state.groupContext.extensions), commit.path.leafNode);
  }
}
