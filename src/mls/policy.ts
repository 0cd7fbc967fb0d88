/**
 * The MLS side of the room's commit check: ts-mls proposals and state turned into the neutral view of
 * `mimi-kit/room`'s {@link checkRoomCommit} / {@link checkRoomProposal} (the same functions the hub runs on
 * commits it decodes itself), and their refusals turned into the adapter's error codes. The rules live in
 * `src/room/commit.ts`; nothing here decides.
 *
 * @module
 */
import type { ClientState, Extension, KeyPackage, LeafNode, Proposal, ProposalWithSender, RatchetTree } from 'ts-mls';
import { extensionTypeToNumber } from 'ts-mls/extension.js';
import type { MimiError } from '../errors.js';
import {
  APP_DATA_DICTIONARY_EXTENSION,
  checkRoomCommit,
  checkRoomProposal,
  decodeAppDataDictionary,
  ProposalType,
  type CommitAccepted,
  type CommitInput,
  type CommitProposal,
  type CommitRefusal as RoomCommitRefusal,
  type GroupMember,
  type GroupView,
  type ProposalBody,
  type RoomAction as EngineRoomAction,
  type RoomState,
} from '../room/index.js';
import { mlsError } from './errors.js';
import { decodeClientIdentity } from './identity.js';

/**
 * One room action, in `mimi-kit/room`'s vocabulary (the only one in the project).
 * @deprecated kept as an alias of `mimi-kit/room`'s `RoomAction`; import it from there.
 */
export type RoomAction = EngineRoomAction;

/**
 * Why a commit is refused (carried in `details.refusal` of `mls/policy-refused`): `mimi-kit/room`'s commit
 * refusal (code, message, actor, action, offending proposal).
 */
export type CommitRefusal = RoomCommitRefusal;

/** A member (leaf) of the MLS group, in the adapter's field names. */
export interface LeafMember {
  readonly leafIndex: number;
  readonly userUri: string;
  readonly clientUri: string;
}

/** A proposal of a commit with its sender and whether it is carried by value. */
export type ResolvedProposal = ProposalWithSender & { readonly byValue: boolean };

/**
 * The members of a ratchet tree, by leaf index (a leaf whose credential is no MIMI identity cannot be there:
 * the authentication service refuses it).
 *
 * @param tree - the ratchet tree
 * @returns leaf index → member
 */
export function membersOf(tree: RatchetTree): Map<number, LeafMember> {
  const out = new Map<number, LeafMember>();
  tree.forEach((n, i) => {
    if (n === undefined || n.nodeType !== 'leaf' || i % 2 !== 0) return;
    const id = identityOfLeaf(n.leaf);
    if (id !== undefined) out.set(i / 2, { leafIndex: i / 2, userUri: id.userUri, clientUri: id.clientUri });
  });
  return out;
}

function identityOfLeaf(leaf: LeafNode): { userUri: string; clientUri: string } | undefined {
  if (leaf.credential.credentialType !== 'basic') return undefined;
  try {
    return decodeClientIdentity(leaf.credential.identity);
  } catch {
    return undefined;
  }
}

/**
 * The user and client URIs of a key package's credential (decision D2).
 *
 * @param kp - the key package
 * @returns the URIs
 * @throws {@link MimiError} `mls/bad-key-package` when the credential is not a basic MIMI identity
 */
export function identityOfKeyPackage(kp: KeyPackage): { userUri: string; clientUri: string } {
  const c = kp.leafNode.credential;
  if (c.credentialType !== 'basic') throw mlsError('mls/bad-key-package', 'key package credential is not basic');
  try {
    return decodeClientIdentity(c.identity);
  } catch (e) {
    throw mlsError('mls/bad-key-package', 'key package credential is not a MIMI client identity', undefined, e);
  }
}

/** The GroupContext extensions by number (ts-mls names the ones RFC 9420 registers). */
export function extensionsByNumber(extensions: readonly Extension[]): { extensionType: number; extensionData: Uint8Array }[] {
  return extensions.map((e) => ({ extensionType: extensionTypeToNumber(e.extensionType), extensionData: e.extensionData }));
}

/**
 * The room state a GroupContext carries, `active` from the members.
 *
 * @param extensions - GroupContext extensions
 * @param members - the members whose users are active
 * @returns the room state
 * @throws {@link MimiError} `mls/bad-state` without an app_data_dictionary, `room/*` for a bad one
 */
export function roomStateOf(extensions: readonly Extension[], members: ReadonlyMap<number, LeafMember>): RoomState {
  const data = extensions.find((e) => extensionTypeToNumber(e.extensionType) === APP_DATA_DICTIONARY_EXTENSION)?.extensionData;
  if (data === undefined) throw mlsError('mls/bad-state', 'the group has no app_data_dictionary extension');
  return decodeAppDataDictionary(data, { activeUsers: new Set([...members.values()].map((m) => m.userUri)) });
}

/**
 * The group as the room check sees it: room state, roster, extensions.
 *
 * @param state - the ts-mls state
 * @returns the view
 */
export function groupViewOf(state: ClientState): GroupView {
  const members = membersOf(state.ratchetTree);
  const roster: GroupMember[] = [...members.values()].map((m) => {
    const leaf = state.ratchetTree[m.leafIndex * 2];
    const signatureKey = leaf?.nodeType === 'leaf' ? leaf.leaf.signaturePublicKey : undefined;
    return { leafIndex: m.leafIndex, user: m.userUri, client: m.clientUri, ...(signatureKey !== undefined ? { signatureKey } : {}) };
  });
  return { state: roomStateOf(state.groupContext.extensions, members), members: roster, extensions: extensionsByNumber(state.groupContext.extensions) };
}

const TYPE_NUMBERS: Readonly<Record<string, number>> = ProposalType;

/**
 * What a ts-mls proposal does, in the room check's terms.
 *
 * @param p - the proposal
 * @returns the neutral body
 * @throws {@link MimiError} `mls/bad-key-package` for an Add whose credential is no MIMI identity
 */
export function proposalBodyOf(p: Proposal): ProposalBody {
  switch (p.proposalType) {
    case 'add': {
      const id = identityOfKeyPackage(p.add.keyPackage);
      return { type: 'add', user: id.userUri, client: id.clientUri, signatureKey: p.add.keyPackage.leafNode.signaturePublicKey };
    }
    case 'remove':
      return { type: 'remove', leafIndex: p.remove.removed };
    case 'update': {
      const id = identityOfLeaf(p.update.leafNode);
      // No MIMI identity: never a successor of a member's (D21).
      return { type: 'update', user: id?.userUri ?? '', client: id?.clientUri ?? '', signatureKey: p.update.leafNode.signaturePublicKey };
    }
    case 'group_context_extensions':
      return { type: 'group_context_extensions', extensions: extensionsByNumber(p.groupContextExtensions.extensions) };
    default:
      return { type: 'other', proposalType: typeof p.proposalType === 'number' ? p.proposalType : (TYPE_NUMBERS[p.proposalType] ?? 0xffff) };
  }
}

/**
 * A commit in the room check's terms.
 *
 * @param committer - the committer's leaf
 * @param proposals - the proposals with senders, in commit order
 * @param path - the UpdatePath's leaf, when there is one
 * @returns the input of `checkRoomCommit`
 */
export function commitInputOf(committer: number, proposals: readonly ResolvedProposal[], path?: LeafNode): CommitInput {
  const out: CommitProposal[] = proposals.map((p) => ({ sender: p.senderLeafIndex ?? -1, byValue: p.byValue, proposal: proposalBodyOf(p.proposal) }));
  const id = path === undefined ? undefined : identityOfLeaf(path);
  return { committer, proposals: out, ...(path !== undefined ? { path: { user: id?.userUri ?? '', client: id?.clientUri ?? '', signatureKey: path.signaturePublicKey } } : {}) };
}

/**
 * A room refusal as the adapter's error: structural refusals keep the codes members have always raised
 * (`mls/proposal-not-allowed` D19, `mls/invalid-commit` D20, `mls/credential-rejected` D21,
 * `mls/extension-not-allowed` D22, `mls/not-member`); policy refusals are `mls/policy-refused` with the
 * refusal in `details.refusal`.
 *
 * @param r - the refusal
 * @returns the error to throw
 */
export function refusalError(r: RoomCommitRefusal): MimiError {
  const d = r.details ?? {};
  switch (r.code) {
    case 'room/proposal-not-allowed':
      return mlsError('mls/proposal-not-allowed', r.message, { proposalType: d.proposalType, position: d.position });
    case 'room/invalid-commit':
      if (r.actor === undefined) return mlsError('mls/invalid-commit', r.message);
      break;
    case 'room/identity-change':
      return mlsError('mls/credential-rejected', r.message, {
        reason: 'not a successor credential',
        leafIndex: d.leafIndex,
        userUri: d.user,
        clientUri: d.client,
        ...(d.newUser !== '' ? { newUserUri: d.newUser, newClientUri: d.newClient } : {}),
      });
    case 'room/extension-not-allowed':
      return mlsError('mls/extension-not-allowed', r.message, { extensionType: d.extensionType });
    case 'room/not-member':
      return mlsError('mls/not-member', r.message);
    default:
      break;
  }
  return mlsError('mls/policy-refused', `refused by room policy: ${r.message}`, { refusal: r });
}

/**
 * Checks a commit against the room policy (`mimi-kit/room`'s `checkRoomCommit`).
 *
 * @param state - the state before the commit
 * @param committer - the committer's leaf
 * @param proposals - the commit's proposals with senders
 * @param path - the UpdatePath's leaf, when present
 * @returns the accepted commit (group after it)
 * @throws {@link MimiError} see {@link refusalError}; `mls/bad-key-package` for an Add that is no MIMI identity
 */
export function checkCommitPolicy(state: ClientState, committer: number, proposals: readonly ResolvedProposal[], path?: LeafNode): CommitAccepted {
  const v = checkRoomCommit(groupViewOf(state), commitInputOf(committer, proposals, path));
  if (!v.ok) throw refusalError(v.refusal);
  return v;
}

/**
 * Checks a standalone proposal on receipt (`mimi-kit/room`'s `checkRoomProposal`).
 *
 * @param state - the state in force
 * @param p - the proposal and its sender
 * @throws {@link MimiError} see {@link refusalError}
 */
export function checkProposalPolicy(state: ClientState, p: ProposalWithSender): void {
  const r = checkRoomProposal(groupViewOf(state), { sender: p.senderLeafIndex ?? -1, byValue: false, proposal: proposalBodyOf(p.proposal) });
  if (r !== undefined) throw refusalError(r);
}
