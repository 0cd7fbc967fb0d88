/**
 * What this client sends: commits (RFC 9420 §12.4, built by mimi-kit's commit builder, D7) and standalone
 * proposals (§12.1), each checked first with `mimi-kit/room`'s commit / proposal check — the check every receiver
 * and the hub run — so a client never sends what the others refuse.
 *
 * @module
 */
import { createProposal, encodeMlsMessage, type ClientState, type Proposal } from 'ts-mls';
import { MimiError } from '../errors.js';
import type { RoomState } from '../room/index.js';
import { mapError } from './authService.js';
import { createMimiCommit } from './commit.js';
import { checkLeafComponents, componentsOf } from './components.js';
import { choosePending } from './pending.js';
import { checkCommitPolicy, checkProposalPolicy, type ResolvedProposal } from './policy.js';
import { roomChangeProposal, type Inner } from './roomInternals.js';

/** A commit this client built, before it becomes a room value. */
export interface BuiltCommit {
  readonly commit: Uint8Array;
  readonly welcome?: Uint8Array;
  readonly state: ClientState;
  readonly droppedProposals: number;
}

/**
 * Builds a commit of `proposals` (by value), `newRoomState` (as a GroupContextExtensions proposal) and the pending
 * proposals that keep it valid and allowed (D20).
 *
 * @param i - the room
 * @param proposals - proposals by value
 * @param newRoomState - the room state to install, if it changes
 * @param authorize - false only for tests of receivers (no policy check)
 * @returns the commit, the Welcome and the new state
 * @throws {@link MimiError} `mls/policy-refused` (and the room check's structural codes), `mls/component-unsupported`,
 *   `mls/invalid-commit`
 */
export async function buildCommit(i: Inner, proposals: readonly Proposal[], newRoomState: RoomState | undefined, authorize: boolean): Promise<BuiltCommit> {
  const { state, cs, tracker } = i;
  const extra = [...proposals];
  if (newRoomState !== undefined) extra.push(roomChangeProposal(state.groupContext.extensions, newRoomState));
  // Decision D26: a client joins only if its leaf advertises every component the room requires.
  const required = componentsOf(state.groupContext.extensions);
  for (const p of extra) if (p.proposalType === 'add') checkLeafComponents(required, p.add.keyPackage.leafNode);
  const self = state.privatePath.leafIndex;
  const own: ResolvedProposal[] = extra.map((proposal) => ({ proposal, senderLeafIndex: self, byValue: true }));
  // The same check every receiver and the hub run (mimi-kit/room checkRoomCommit).
  const policy = (all: readonly ResolvedProposal[]): MimiError | undefined => {
    try {
      checkCommitPolicy(state, self, all);
      return undefined;
    } catch (e) {
      if (e instanceof MimiError) return e;
      throw e;
    }
  };
  // Decision D20: only pending proposals that keep the commit valid (RFC 9420 §12.2) and allowed.
  const pending = choosePending(state, own, (all) => !authorize || policy(all) === undefined);
  if (authorize) {
    const refused = policy([...pending.proposals, ...own]);
    if (refused) throw refused;
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
  return {
    commit: res.commitBytes,
    ...(res.welcome !== undefined ? { welcome: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: res.welcome }) } : {}),
    state: res.newState,
    droppedProposals: pending.dropped,
  };
}

/**
 * Builds standalone proposals (PublicMessages), each checked as every receiver checks it on receipt
 * (`checkRoomProposal`); the commit that takes them is checked by its committer, the members and the hub.
 *
 * @param i - the room
 * @param props - the proposals, in order
 * @returns the encoded proposals and the state holding them
 * @throws {@link MimiError} `mls/policy-refused` and the room check's structural codes
 */
export async function buildProposals(i: Inner, props: readonly Proposal[]): Promise<{ proposals: Uint8Array[]; state: ClientState }> {
  const self = i.state.privatePath.leafIndex;
  for (const proposal of props) checkProposalPolicy(i.state, { proposal, senderLeafIndex: self });
  let s = i.state;
  const out: Uint8Array[] = [];
  for (const p of props) {
    const r = await createProposal(s, true, p, i.cs);
    s = r.newState;
    out.push(encodeMlsMessage(r.message));
  }
  return { proposals: out, state: s };
}
