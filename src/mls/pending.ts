/**
 * Which pending proposals a committer includes (RFC 9420 §12.2; docs/decisions.md (MLS adapter) D20).
 *
 * A commit "SHOULD include all valid proposals" but MUST NOT include two GroupContextExtensions proposals,
 * two changes to one leaf, a Remove of the committer or the committer's own Updates. Committing every
 * pending proposal blindly (as ts-mls's `createCommit` does) lets two concurrent leaves, or one member
 * sending two GroupContextExtensions proposals, make every later commit invalid: the room freezes.
 *
 * So the committer takes each sender's proposals as one unit, in arrival order, cut before the sender's
 * second GroupContextExtensions proposal (a leave — Removes of the leaver's clients plus its participant
 * list change — stays whole), and includes a unit only when the commit stays valid and the room policy
 * allows it; the rest is dropped (proposers see `ownProposalsDropped` and propose again in the next
 * epoch). Dropping, not merging: a merged GroupContextExtensions proposal would be sent by value by the
 * committer and authorized for the committer, not for the users who proposed each change.
 *
 * @module
 */
import type { ClientState, ProposalWithSender } from 'ts-mls';
import { checkCommitValidity } from '../room/index.js';
import { ALLOWED_PROPOSALS, checkProposalContent } from './handshakeChecks.js';
import { commitInputOf, type ResolvedProposal } from './policy.js';

/** The outcome of {@link choosePending}. */
export interface PendingChoice {
  /** References (base64, as ts-mls keys them) of the pending proposals to commit, in arrival order. */
  readonly refs: readonly string[];
  /** The chosen proposals with their senders (by reference). */
  readonly proposals: readonly ResolvedProposal[];
  /** How many pending proposals are left out. */
  readonly dropped: number;
}

/**
 * Chooses the pending proposals to commit next to `own` (the committer's proposals by value).
 *
 * @param state - the committer's state
 * @param own - the committer's proposals, sender = committer
 * @param accept - the room policy on a candidate set (own + chosen + unit)
 * @returns the chosen references and proposals
 */
export function choosePending(state: ClientState, own: readonly ResolvedProposal[], accept: (all: readonly ResolvedProposal[]) => boolean): PendingChoice {
  const self = state.privatePath.leafIndex;
  const allowed: readonly string[] = ALLOWED_PROPOSALS.proposal;
  const entries = Object.entries(state.unappliedProposals);
  // Units: per sender, in order of first arrival, a new unit at each GroupContextExtensions proposal after the first.
  const units: [string, ProposalWithSender][][] = [];
  const open = new Map<number, { unit: [string, ProposalWithSender][]; gce: boolean }>();
  let dropped = 0;
  for (const [ref, p] of entries) {
    const type = p.proposal.proposalType;
    // RFC 9420 §12.2: the committer's own Updates are superseded by its path; unknown types never get stored.
    if (typeof type === 'number' || !allowed.includes(type) || (type === 'update' && p.senderLeafIndex === self)) {
      dropped++;
      continue;
    }
    const sender = p.senderLeafIndex ?? -1;
    const isGce = type === 'group_context_extensions';
    let cur = open.get(sender);
    if (cur === undefined || (isGce && cur.gce)) {
      cur = { unit: [], gce: false };
      open.set(sender, cur);
      units.push(cur.unit);
    }
    cur.unit.push([ref, p]);
    cur.gce ||= isGce;
  }
  const refs: string[] = [];
  const chosen: ResolvedProposal[] = [];
  const valid = (candidate: readonly ResolvedProposal[]): boolean => {
    try {
      return checkCommitValidity(commitInputOf(self, candidate)) === undefined;
    } catch {
      return false; // an Add whose credential is no MIMI identity
    }
  };
  for (const unit of units) {
    const candidate: ResolvedProposal[] = [...own, ...chosen, ...unit.map(([, p]) => ({ ...p, byValue: false }))];
    let ok = valid(candidate);
    if (ok) {
      try {
        for (const [, p] of unit) checkProposalContent(state, p);
      } catch {
        ok = false; // e.g. a key package that expired since it was proposed
      }
    }
    if (ok && accept(candidate)) {
      for (const [ref, p] of unit) {
        refs.push(ref);
        chosen.push({ ...p, byValue: false });
      }
    } else {
      dropped += unit.length;
    }
  }
  return { refs, proposals: chosen, dropped };
}
