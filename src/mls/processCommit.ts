/**
 * Processing a member's commit (RFC 9420 §12.4.2): ts-mls 1.6.4's `processPublicMessage` / `processCommit`
 * sequence rebuilt from its exported building blocks (as `join.ts` does for joins), with two substitutions:
 *
 * - the custom proposals (docs/decisions.md (MLS adapter) D27): ts-mls applies the *effective* list of
 *   `customProposals.ts` (SelfRemove → Remove of its sender), we apply the AppDataUpdates to the extensions
 *   (draft-ietf-mls-extensions §4.7); the transcript hash covers the commit as sent;
 * - `applyProposals` by the linear `applyMemberProposals` of `proposals.ts` (ts-mls's N² Add checks and tree
 *   copies; D29);
 * - the encode-once framing, tree hashes, UpdatePath and secret tree of `framing.ts`, `encoding.ts`,
 *   `updatePath.ts` and `secretTree.ts` (same bytes as ts-mls's; D31, D32).
 *
 * Otherwise the steps, their order and their errors are ts-mls's. Proposals and non-member senders go to
 * ts-mls's own `processPublicMessage`.
 *
 * @module
 */
import type { CiphersuiteImpl, ClientState, IncomingMessageCallback, PublicMessage } from 'ts-mls';
import type { NewStateWithActionTaken } from 'ts-mls/processMessages.js';
import { processPublicMessage } from 'ts-mls/processMessages.js';
import { acceptAll } from 'ts-mls/incomingMessageAction.js';
import { addHistoricalReceiverData, throwIfDefined, validateLeafNodeCredentialAndKeyUniqueness, validateLeafNodeUpdateOrCommit } from 'ts-mls/clientState.js';
import { applyUpdatePathSecret } from 'ts-mls/createCommit.js';
import { deriveSecret } from 'ts-mls/crypto/kdf.js';
import { verifyConfirmationTag } from 'ts-mls/framedContent.js';
import { initializeEpoch } from 'ts-mls/keySchedule.js';
import { CryptoVerificationError, InternalError, ValidationError } from 'ts-mls/mlsError.js';
import { pathToRoot } from 'ts-mls/pathSecrets.js';
import { mergePrivateKeyPaths, toPrivateKeyPath } from 'ts-mls/privateKeyPath.js';
import { emptyPskIndex } from 'ts-mls/pskIndex.js';
import { leafToNodeIndex, leafWidth, root, toLeafIndex, toNodeIndex } from 'ts-mls/treemath.js';
import { zeroOutUint8Array } from 'ts-mls/util/byteArray.js';
import { pathRequired } from './commit.js';
import { effectiveProposals, withAppDataUpdates, type ComponentLogic } from './customProposals.js';
import { applyMemberProposals } from './proposals.js';
import { treeHashRootCached } from './encoding.js';
import { confirmedTranscriptHash, unprotectCommit } from './framing.js';
import { createSecretTreeFast } from './secretTree.js';
import { applyUpdatePathCached } from './updatePath.js';

/**
 * Processes a handshake PublicMessage as ts-mls's `processPublicMessage(state, pm, emptyPskIndex, cs,
 * callback)` does (same result, same errors), plus SelfRemove and AppDataUpdate (D27).
 *
 * @param state - the receiver's state (not modified)
 * @param pm - the PublicMessage
 * @param cs - ciphersuite
 * @param logic - the application logic of AppDataUpdate proposals (without it they are refused)
 * @param callback - ts-mls's synchronous accept/reject hook (sees the effective proposals)
 * @returns the new state and the action taken
 * @throws ts-mls's `ValidationError`, `CryptoVerificationError`, `CodecError`, as its `processPublicMessage`;
 *   {@link MimiError} `mls/invalid-commit`, `mls/proposal-not-allowed` for custom proposals (D27)
 * @example
 * ```ts
 * const { newState } = await processMimiCommit(state, pm, cs, logic, callback);
 * ```
 * @internal
 */
export async function processMimiCommit(
  state: ClientState,
  pm: PublicMessage,
  cs: CiphersuiteImpl,
  logic?: ComponentLogic,
  callback: IncomingMessageCallback = acceptAll,
): Promise<NewStateWithActionTaken> {
  if (pm.content.contentType !== 'commit' || pm.content.sender.senderType !== 'member') {
    return processPublicMessage(state, pm, emptyPskIndex, cs, callback);
  }
  if (pm.content.epoch < state.groupContext.epoch) throw new ValidationError('Cannot process message, epoch too old');
  // Decision D31: ts-mls's unprotectPublicMessage from one encoding of the FramedContent, kept for the transcript hash.
  const encoded = await unprotectCommit(pm, state.groupContext, state.keySchedule.membershipKey, state.ratchetTree, cs);
  const content = { content: pm.content, auth: pm.auth };
  const from = pm.content.sender;
  if (from.senderType !== 'member') throw new InternalError('not a member commit');
  if (content.content.epoch !== state.groupContext.epoch) throw new ValidationError('Could not validate epoch');
  const sender = toLeafIndex(from.leafIndex);
  const commit = content.content.commit;
  const effective = effectiveProposals(state, commit.proposals, sender);
  const result = await applyMemberProposals(state, effective.forTsMls, sender, false, cs);
  if (result.additionalResult.kind !== 'memberCommit') throw new InternalError('not a member commit');
  const { extensions } = result.additionalResult;
  const groupContext =
    effective.appDataUpdates.length > 0
      ? { ...state.groupContext, extensions: withAppDataUpdates(extensions.length > 0 ? extensions : state.groupContext.extensions, effective.appDataUpdates, logic) }
      : extensions.length > 0
        ? { ...state.groupContext, extensions }
        : state.groupContext;
  const action = callback({ kind: 'commit', senderLeafIndex: sender, proposals: result.allProposals });
  if (action === 'reject') return { newState: state, actionTaken: action, consumed: [] };
  if (commit.path !== undefined) {
    throwIfDefined(await validateLeafNodeUpdateOrCommit(commit.path.leafNode as Parameters<typeof validateLeafNodeUpdateOrCommit>[0], sender, state.groupContext, state.clientConfig.authService, cs.signature));
    throwIfDefined(await validateLeafNodeCredentialAndKeyUniqueness(result.tree, commit.path.leafNode, sender));
  }
  // Without custom proposals ts-mls's rule; with them RFC 9420 §17.4 with AppDataUpdate "Path Required: N" (D27).
  const needsPath =
    effective.appDataUpdates.length === 0
      ? result.needsUpdatePath
      : pathRequired([...result.allProposals.map((p) => String(p.proposal.proposalType)), ...effective.appDataUpdates.map(() => 'app_data_update')]);
  if (needsPath && commit.path === undefined) throw new ValidationError('Update path is required');
  if (result.selfRemoved) {
    return {
      newState: { ...state, ratchetTree: result.tree, unappliedProposals: {}, groupActiveState: { kind: 'removedFromGroup' } },
      actionTaken: action,
      consumed: [],
    };
  }
  const added = result.additionalResult.addedLeafNodes.map((l) => leafToNodeIndex(toLeafIndex(l[0])));
  let privatePath = state.privatePath;
  let commitSecret: Uint8Array = new Uint8Array(cs.kdf.size);
  let tree = result.tree;
  let newTreeHash: Uint8Array | undefined;
  if (commit.path !== undefined) {
    // ts-mls's applyTreeUpdate / updatePrivateKeyPath (member sender), RFC 9420 §12.4.2.
    // Decision D32: ts-mls's applyUpdatePath with the cached tree hashes.
    tree = await applyUpdatePathCached(result.tree, sender, commit.path, cs.hash);
    // ts-mls hashes the same tree twice (here and for the new GroupContext); once is enough (D31).
    newTreeHash = await treeHashRootCached(tree, cs.hash);
    const provisional = { ...groupContext, treeHash: newTreeHash, epoch: groupContext.epoch + 1n };
    const secret = await applyUpdatePathSecret(tree, state.privatePath, sender, provisional, commit.path, added, cs);
    const pathSecrets = await pathToRoot(tree, toNodeIndex(secret.nodeIndex), secret.pathSecret, cs.kdf);
    privatePath = mergePrivateKeyPaths(state.privatePath, await toPrivateKeyPath(pathSecrets, state.privatePath.leafIndex, cs));
    const rootSecret = pathSecrets[root(leafWidth(tree.length))];
    if (rootSecret === undefined) throw new InternalError('Could not find secret for root');
    commitSecret = await deriveSecret(rootSecret, 'path', cs.kdf);
  }
  newTreeHash ??= await treeHashRootCached(tree, cs.hash);
  if (content.auth.contentType !== 'commit') throw new ValidationError('Received content as commit, but not auth');
  const updatedGroupContext = {
    ...groupContext,
    epoch: groupContext.epoch + 1n,
    treeHash: newTreeHash,
    confirmedTranscriptHash: await confirmedTranscriptHash(encoded, content.auth.signature, groupContext.confirmedTranscriptHash, state.confirmationTag, cs.hash),
  };
  const epochSecrets = await initializeEpoch(state.keySchedule.initSecret, commitSecret, updatedGroupContext, result.pskSecret, cs.kdf);
  if (!(await verifyConfirmationTag(epochSecrets.keySchedule.confirmationKey, content.auth.confirmationTag, updatedGroupContext.confirmedTranscriptHash, cs.hash))) {
    throw new CryptoVerificationError('Could not verify confirmation tag');
  }
  const secretTree = await createSecretTreeFast(leafWidth(tree.length), epochSecrets.encryptionSecret, cs.kdf);
  const [historicalReceiverData, consumedEpochData] = addHistoricalReceiverData(state);
  zeroOutUint8Array(commitSecret);
  zeroOutUint8Array(epochSecrets.joinerSecret);
  zeroOutUint8Array(epochSecrets.encryptionSecret);
  return {
    newState: {
      ...state,
      secretTree,
      ratchetTree: tree,
      privatePath,
      groupContext: updatedGroupContext,
      keySchedule: epochSecrets.keySchedule,
      confirmationTag: content.auth.confirmationTag,
      historicalReceiverData,
      unappliedProposals: {},
      groupActiveState: { kind: 'active' },
    },
    actionTaken: action,
    consumed: [...consumedEpochData, state.keySchedule.initSecret],
  };
}
