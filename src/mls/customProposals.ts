/**
 * draft-ietf-mls-extensions AppDataUpdate (0x0008) and SelfRemove (0x000a) on top of ts-mls 1.6.4
 * (docs/decisions.md (MLS adapter) D27).
 *
 * ts-mls's `applyProposals` skips every custom proposal ("this skips any custom proposals"), so on its own
 * a SelfRemove would remove nobody and an AppDataUpdate would leave the GroupContext unchanged: the key
 * schedule would diverge from any peer's. The transcript hashes are not the problem: they cover the
 * FramedContent as sent, custom proposals included. So the commit builder (`commit.ts`) and the commit
 * processor (`processCommit.ts`) hand ts-mls an *effective* proposal list (SelfRemove → a Remove of its
 * sender's leaf; AppDataUpdate dropped), sign / verify the real list, and set the GroupContext extensions
 * themselves from the AppDataUpdates (draft §4.7 "Updating Application Data in the GroupContext").
 *
 * @module
 */
import type { ClientState, Extension, Proposal } from 'ts-mls';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import { extensionTypeToNumber } from 'ts-mls/extension.js';
import { decodeAppDataUpdate, decodeComponentDictionary, encodeAppDataUpdate, encodeComponentDictionary } from '../room/components.js';
import type { AppDataUpdate, ComponentData } from '../room/types.js';
import { mlsError } from './errors.js';

/** draft-ietf-mls-extensions "MLS Proposal Types": app_data_update (suggested 0x0008). */
export const PROPOSAL_APP_DATA_UPDATE = 0x0008;
/** draft-ietf-mls-extensions "MLS Proposal Types": self_remove (suggested 0x000a). */
export const PROPOSAL_SELF_REMOVE = 0x000a;

const APP_DATA_DICTIONARY = 0x0006;

/**
 * An AppDataUpdate proposal (ts-mls custom proposal, data = the draft's `AppDataUpdate` struct).
 *
 * @param update - the update
 * @returns the proposal
 * @example
 * ```ts
 * appDataUpdateProposal({ componentId: 0x8000, op: 'remove' }); // { proposalType: 8, proposalData: 80 00 02 }
 * ```
 */
export function appDataUpdateProposal(update: AppDataUpdate): Proposal {
  return { proposalType: PROPOSAL_APP_DATA_UPDATE, proposalData: encodeAppDataUpdate(update) };
}

/**
 * A SelfRemove proposal (`struct {} SelfRemove`: no data). Send it as a standalone PublicMessage.
 *
 * @returns the proposal
 * @example
 * ```ts
 * selfRemoveProposal(); // { proposalType: 10, proposalData: Uint8Array [] }
 * ```
 */
export function selfRemoveProposal(): Proposal {
  return { proposalType: PROPOSAL_SELF_REMOVE, proposalData: new Uint8Array(0) };
}

/**
 * Application logic of one component (draft §4.7): the updates of one commit for that component, in
 * order, and its current data; returns `new_data`, or throws to declare the update invalid.
 */
export type ComponentLogic = (componentId: number, updates: readonly Uint8Array[], current: Uint8Array | undefined) => Uint8Array;

/**
 * Applies a commit's AppDataUpdates to GroupContext extensions exactly as draft-ietf-mls-extensions §4.7
 * says: per component ID (in order of first appearance), a single `remove` deletes an existing entry; one
 * or more `update`s go to the component's logic, whose `new_data` replaces or is inserted (sorted); the
 * dictionary is appended to the extensions when absent. Anything else makes the list invalid.
 *
 * @param extensions - the extensions after any GroupContextExtensions proposal
 * @param updates - the AppDataUpdates, in commit order
 * @param logic - the application logic
 * @returns the new extensions (the dictionary replaced in place)
 * @throws {@link MimiError} `mls/invalid-commit`
 * @example
 * ```ts
 * applyAppDataUpdates(gc.extensions, [{ componentId: 0x8000, op: 'update', update: data }], (_id, u) => u.at(-1)!);
 * ```
 */
export function applyAppDataUpdates(extensions: readonly Extension[], updates: readonly AppDataUpdate[], logic: ComponentLogic): Extension[] {
  if (updates.length === 0) return [...extensions];
  const at = extensions.findIndex((e) => extensionTypeToNumber(e.extensionType) === APP_DATA_DICTIONARY);
  let entries: ComponentData[];
  try {
    entries = at < 0 ? [] : decodeComponentDictionary(extensions[at]!.extensionData);
  } catch (e) {
    throw mlsError('mls/invalid-commit', 'the GroupContext app_data_dictionary does not decode', undefined, e);
  }
  const groups = new Map<number, AppDataUpdate[]>();
  for (const u of updates) groups.set(u.componentId, [...(groups.get(u.componentId) ?? []), u]);
  for (const [id, g] of groups) {
    const hex = `0x${id.toString(16).padStart(4, '0')}`;
    const i = entries.findIndex((e) => e.componentId === id);
    if (g.length === 1 && g[0]!.op === 'remove') {
      if (i < 0) throw mlsError('mls/invalid-commit', `AppDataUpdate removes component ${hex}, which has no state (draft-ietf-mls-extensions §4.7)`);
      entries = entries.filter((_, k) => k !== i);
      continue;
    }
    const data: Uint8Array[] = [];
    for (const u of g) {
      if (u.op !== 'update') throw mlsError('mls/invalid-commit', `AppDataUpdate for ${hex} mixes remove with other operations (draft-ietf-mls-extensions §4.7)`);
      data.push(u.update);
    }
    const next = logic(id, data, i < 0 ? undefined : entries[i]!.data);
    entries = i < 0 ? [...entries, { componentId: id, data: next }].sort((a, b) => a.componentId - b.componentId) : entries.map((e, k) => (k === i ? { componentId: id, data: next } : e));
  }
  const ext: Extension = { extensionType: APP_DATA_DICTIONARY, extensionData: encodeComponentDictionary(entries) };
  return at < 0 ? [...extensions, ext] : extensions.map((e, k) => (k === at ? ext : e));
}

/** What a commit's custom proposals do, and the list ts-mls can apply. */
export interface EffectiveProposals {
  /** The list for ts-mls `applyProposals`: SelfRemoves become Removes by value, AppDataUpdates are left out. */
  readonly forTsMls: ProposalOrRef[];
  /** The AppDataUpdates in commit order, with their senders' leaves. */
  readonly appDataUpdates: readonly { readonly update: AppDataUpdate; readonly sender: number }[];
  /** Leaves removed by SelfRemove. */
  readonly selfRemoved: readonly number[];
}

function base64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

/**
 * Splits a commit's proposals into what ts-mls applies and what we apply (SelfRemove, AppDataUpdate).
 *
 * @param state - the state the commit applies to (its stored proposals)
 * @param proposals - the commit's proposals
 * @param committer - the committer's leaf
 * @returns the effective list and the custom effects
 * @throws {@link MimiError} `mls/invalid-commit` (unknown reference, SelfRemove by value or by the committer,
 *   a malformed AppDataUpdate), `mls/proposal-not-allowed` (another custom type)
 * @example
 * ```ts
 * const { forTsMls, appDataUpdates } = effectiveProposals(state, commit.proposals, committer);
 * ```
 */
export function effectiveProposals(state: ClientState, proposals: readonly ProposalOrRef[], committer: number): EffectiveProposals {
  const forTsMls: ProposalOrRef[] = [];
  const appDataUpdates: { update: AppDataUpdate; sender: number }[] = [];
  const selfRemoved: number[] = [];
  for (const p of proposals) {
    const stored = p.proposalOrRefType === 'reference' ? state.unappliedProposals[base64(p.reference)] : undefined;
    if (p.proposalOrRefType === 'reference' && stored === undefined) throw mlsError('mls/invalid-commit', 'the commit references a proposal this member does not hold');
    const proposal = p.proposalOrRefType === 'proposal' ? p.proposal : stored!.proposal;
    const sender = p.proposalOrRefType === 'proposal' ? committer : stored!.senderLeafIndex;
    const type = proposal.proposalType;
    if (typeof type !== 'number') {
      forTsMls.push(p);
      continue;
    }
    if (type === PROPOSAL_APP_DATA_UPDATE && 'proposalData' in proposal) {
      let update: AppDataUpdate;
      try {
        update = decodeAppDataUpdate(proposal.proposalData);
      } catch (e) {
        throw mlsError('mls/invalid-commit', 'an AppDataUpdate proposal does not decode (draft-ietf-mls-extensions §4.7)', undefined, e);
      }
      appDataUpdates.push({ update, sender: sender ?? -1 });
    } else if (type === PROPOSAL_SELF_REMOVE && 'proposalData' in proposal) {
      // draft-ietf-mls-extensions "SelfRemove Proposal": only by reference; the leaf is the proposal's sender.
      if (p.proposalOrRefType !== 'reference' || sender === undefined) throw mlsError('mls/invalid-commit', 'SelfRemove is only allowed in a commit by reference');
      if (sender === committer) throw mlsError('mls/invalid-commit', 'a committer cannot commit its own SelfRemove (RFC 9420 §12.2)');
      if (proposal.proposalData.length !== 0) throw mlsError('mls/invalid-commit', 'SelfRemove carries no data');
      selfRemoved.push(sender);
      forTsMls.push({ proposalOrRefType: 'proposal', proposal: { proposalType: 'remove', remove: { removed: sender } } });
    } else {
      throw mlsError('mls/proposal-not-allowed', `custom proposal type 0x${type.toString(16).padStart(4, '0')} is not supported`, { proposalType: type });
    }
  }
  return { forTsMls, appDataUpdates, selfRemoved };
}

/**
 * The extensions after a commit's AppDataUpdates ({@link applyAppDataUpdates}); unchanged when there are none.
 *
 * @param extensions - the extensions after any GroupContextExtensions proposal
 * @param updates - the commit's AppDataUpdates with senders
 * @param logic - the application logic; without it, AppDataUpdates are not accepted
 * @returns the new extensions
 * @throws {@link MimiError} `mls/proposal-not-allowed` (no logic), `mls/invalid-commit`
 * @example
 * ```ts
 * withAppDataUpdates(gc.extensions, effective.appDataUpdates, logic);
 * ```
 */
export function withAppDataUpdates(
  extensions: readonly Extension[],
  updates: EffectiveProposals['appDataUpdates'],
  logic: ComponentLogic | undefined,
): Extension[] {
  if (updates.length === 0) return [...extensions];
  if (logic === undefined) throw mlsError('mls/proposal-not-allowed', 'AppDataUpdate proposals are not accepted here', { proposalType: PROPOSAL_APP_DATA_UPDATE });
  return applyAppDataUpdates(extensions, updates.map((u) => u.update), logic);
}
