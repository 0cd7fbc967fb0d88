/**
 * Commit creation that works around two ts-mls 1.6.4 defects (docs/decisions.md (MLS adapter) D7):
 *
 * 1. `createCommit` omits the UpdatePath when the proposals are only Add / GroupContextExtensions,
 *    although RFC 9420 §12.4 and the "Path Required" column of §17.4 require one for
 *    GroupContextExtensions.
 * 2. When a commit carries both a GroupContextExtensions proposal and a path (e.g. Remove + GCE),
 *    `createCommit` encrypts the path secrets to the *old* GroupContext, while RFC 9420 §12.4.1/§12.4.2
 *    (and ts-mls's own receiver) use the provisional GroupContext carrying the *new* extensions: the
 *    receivers fail to decrypt (AEAD failure) and the commit cannot be processed.
 *
 * This module composes ts-mls's own exported building blocks (package subpath exports `ts-mls/*.js`
 * of the pinned 1.6.4 build) in the order of RFC 9420 §12.4.1, with the path decided by §17.4 and the
 * provisional GroupContext carrying the new extensions. Only PublicMessage commits, no PSKs, no
 * ReInit, no external init: what MIMI rooms use.
 *
 * @module
 */
import type { CiphersuiteImpl, ClientState, MLSMessage, Proposal, PublicMessage, Welcome } from 'ts-mls';
import { addHistoricalReceiverData, checkCanSendHandshakeMessages, type ApplyProposalsResult } from 'ts-mls/clientState.js';
import { createGroupInfo } from 'ts-mls/createCommit.js';
import { createConfirmationTag } from 'ts-mls/framedContent.js';
import { initializeEpoch } from 'ts-mls/keySchedule.js';
import { getCommitSecret, pathToPathSecrets } from 'ts-mls/pathSecrets.js';
import { mergePrivateKeyPaths, toPrivateKeyPath, updateLeafKey } from 'ts-mls/privateKeyPath.js';
import { createSecretTreeFast } from './secretTree.js';
import { createUpdatePathCached } from './updatePath.js';
import { isAncestor, leafToNodeIndex, leafWidth, toLeafIndex, toNodeIndex, type LeafIndex } from 'ts-mls/treemath.js';
import { filteredDirectPathAndCopathResolution } from 'ts-mls/ratchetTree.js';
import { ValidationError } from 'ts-mls/mlsError.js';
import { encryptGroupInfo } from 'ts-mls/welcome.js';
import { composeBufferEncoders, encode } from 'ts-mls/codec/tlsEncoder.js';
import { varLenDataEncoder } from 'ts-mls/codec/variableLength.js';
import { groupSecretsEncoder } from 'ts-mls/groupSecrets.js';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import type { GroupContext } from 'ts-mls/groupContext.js';
import { effectiveProposals, withAppDataUpdates, type ComponentLogic } from './customProposals.js';
import { applyMemberProposals } from './proposals.js';
import { encodeRatchetTreeCached, keyPackageRefCached, treeHashRootCached } from './encoding.js';
import { confirmedTranscriptHash, encodeCommit, protectCommit, signCommit } from './framing.js';

/**
 * RFC 9420 §17.4 "Path Required" column: Y for update, remove, external_init, group_context_extensions;
 * an empty commit needs a path too (§12.4).
 *
 * @param types - ts-mls proposal type names of the commit
 * @returns whether an UpdatePath is required
 */
export function pathRequired(types: readonly string[]): boolean {
  return types.length === 0 || types.some((t) => t === 'update' || t === 'remove' || t === 'external_init' || t === 'group_context_extensions');
}

const WELCOME_LABEL = new TextEncoder().encode('MLS 1.0 Welcome');

function base64ToBytes(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

/** The result of {@link createMimiCommit}, as ts-mls's `createCommit` returns it. */
export interface MimiCommitResult {
  newState: ClientState;
  welcome: Welcome | undefined;
  commit: MLSMessage;
  /** `commit` encoded (`encodeMlsMessage(commit)`, computed with the framing: D31) */
  commitBytes: Uint8Array;
}

/**
 * Creates a commit (PublicMessage, ratchet tree in the Welcome's GroupInfo) covering the pending
 * proposals and `extra`, with an UpdatePath whenever RFC 9420 §17.4 requires one, encrypted to the
 * provisional GroupContext (new epoch, tree hash and extensions; RFC 9420 §12.4.1).
 *
 * @param state - the committer's state (not modified)
 * @param cs - ciphersuite
 * @param extra - proposals by value
 * @param pending - references (base64) of the pending proposals to cover (default: all of them; the room
 *   passes the valid subset chosen by `pending.ts`, RFC 9420 §12.2)
 * @param appData - the application logic of AppDataUpdate proposals (required when the commit has any; D27)
 * @returns the new (pending) state, the Welcome (when clients were added), the commit
 */
export async function createMimiCommit(
  state: ClientState,
  cs: CiphersuiteImpl,
  extra: readonly Proposal[],
  pending: readonly string[] = Object.keys(state.unappliedProposals),
  appData?: ComponentLogic,
): Promise<MimiCommitResult> {
  checkCanSendHandshakeMessages(state);
  const self = toLeafIndex(state.privatePath.leafIndex);
  const refs: ProposalOrRef[] = pending.map((r) => ({ proposalOrRefType: 'reference', reference: base64ToBytes(r) }));
  const proposals: ProposalOrRef[] = [...refs, ...extra.map((proposal): ProposalOrRef => ({ proposalOrRefType: 'proposal', proposal }))];
  // Decision D27: ts-mls skips custom proposals; it applies the effective list (SelfRemove → Remove), we the AppDataUpdates.
  const effective = effectiveProposals(state, proposals, self);
  // Decision D29: ts-mls's applyProposals rebuilt linear (same checks, order and errors).
  const res = await applyMemberProposals(state, effective.forTsMls, self, true, cs);
  return buildCommit(state, cs, proposals, self, effective, res, appData);
}

/** RFC 9420 §12.4.1 from the applied proposals on. */
async function buildCommit(
  state: ClientState,
  cs: CiphersuiteImpl,
  proposals: ProposalOrRef[],
  self: LeafIndex,
  effective: ReturnType<typeof effectiveProposals>,
  res: ApplyProposalsResult,
  appData: ComponentLogic | undefined,
): Promise<MimiCommitResult> {
  if (res.additionalResult.kind !== 'memberCommit') throw new Error(`unsupported commit kind ${res.additionalResult.kind}`);
  const { addedLeafNodes, extensions } = res.additionalResult;
  // AppDataUpdates count as proposals: a commit of only AppDataUpdates is not empty and needs no path (D27).
  const types = [...res.allProposals.map((p) => String(p.proposal.proposalType)), ...effective.appDataUpdates.map(() => 'app_data_update')];
  // Defect 1 workaround: decide the path from RFC 9420 §17.4, not from ts-mls's needsUpdatePath.
  const needsPath = pathRequired(types);
  const newExtensions = withAppDataUpdates(extensions.length > 0 ? extensions : state.groupContext.extensions, effective.appDataUpdates, appData);
  // Defect 2 workaround: the provisional GroupContext carries the new extensions (RFC 9420 §12.4.1).
  const provisional: GroupContext = { ...state.groupContext, extensions: newExtensions };
  const exclude = addedLeafNodes.map(([leaf]) => leafToNodeIndex(leaf));
  // Decision D32: ts-mls's createUpdatePath with the cached tree hashes (it also returns the new tree hash).
  const [tree, updatePath, pathSecrets, newPrivateKey, pathTreeHash] = needsPath
    ? await createUpdatePathCached(res.tree, self, provisional, state.signaturePrivateKey, cs, exclude)
    : [res.tree, undefined, [], undefined, undefined];
  const privatePath = mergePrivateKeyPaths(
    newPrivateKey !== undefined ? updateLeafKey(state.privatePath, await cs.hpke.exportPrivateKey(newPrivateKey)) : state.privatePath,
    await toPrivateKeyPath(pathToPathSecrets(pathSecrets), state.privatePath.leafIndex, cs),
  );
  const last = pathSecrets.at(-1);
  const commitSecret = last === undefined ? new Uint8Array(cs.kdf.size) : await getCommitSecret(tree, toNodeIndex(last.nodeIndex), last.secret, cs.kdf);
  // RFC 9420 §6.1: the commit is signed over the *current* GroupContext. Decision D31: the FramedContent is
  // encoded once for the signature, the transcript hash, the membership tag and the wire message.
  const framedContent = {
    contentType: 'commit' as const,
    commit: { proposals, path: updatePath },
    groupId: state.groupContext.groupId,
    epoch: state.groupContext.epoch,
    sender: { senderType: 'member' as const, leafIndex: state.privatePath.leafIndex },
    authenticatedData: new Uint8Array(),
  };
  const encoded = encodeCommit(framedContent, state.groupContext);
  const signature = await signCommit(encoded, state.signaturePrivateKey, cs);
  const treeHash = pathTreeHash ?? (await treeHashRootCached(tree, cs.hash));
  const groupContext: GroupContext = {
    ...provisional,
    epoch: provisional.epoch + 1n,
    treeHash,
    confirmedTranscriptHash: await confirmedTranscriptHash(encoded, signature, provisional.confirmedTranscriptHash, state.confirmationTag, cs.hash),
  };
  const epoch = await initializeEpoch(state.keySchedule.initSecret, commitSecret, groupContext, res.pskSecret, cs.kdf);
  const confirmationTag = await createConfirmationTag(epoch.keySchedule.confirmationKey, groupContext.confirmedTranscriptHash, cs.hash);
  const wire = await protectCommit(encoded, signature, confirmationTag, state.keySchedule.membershipKey, state.groupContext, cs.hash);
  const publicMessage: PublicMessage = {
    content: framedContent,
    auth: { contentType: 'commit', signature, confirmationTag },
    senderType: 'member',
    membershipTag: wire.membershipTag,
  };
  let welcome: Welcome | undefined;
  if (addedLeafNodes.length > 0) {
    // RFC 9420 §12.4.3: GroupInfo with the ratchet_tree extension, GroupSecrets per new member.
    // Decision D31: the tree is encoded from the leaves' cached encodings (ts-mls's createGroupInfoWithRatchetTree).
    const groupInfo = await createGroupInfo(groupContext, confirmationTag, state, [{ extensionType: 'ratchet_tree', extensionData: encodeRatchetTreeCached(tree) }], cs);
    const encryptedGroupInfo = await encryptGroupInfo(groupInfo, epoch.welcomeSecret, cs);
    // EncryptWithLabel(init_key, "Welcome", encrypted_group_info, group_secrets) for every joiner
    // (RFC 9420 §12.4.3.1, §5.1.3): the EncryptContext holds the whole tree, so it is encoded once and the
    // same buffer is passed to every seal (ts-mls's encryptGroupSecrets re-encodes it per joiner, and our
    // HPKE then hashes it once: src/mls/crypto/common.ts).
    const welcomeContext = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]))([WELCOME_LABEL, encryptedGroupInfo]);
    const noAad = new Uint8Array(0);
    const secrets = [];
    // ts-mls's firstCommonAncestor recomputes the committer's filtered direct path for every joiner.
    const filteredPath = filteredDirectPathAndCopathResolution(self, tree).map((e) => e.nodeIndex);
    for (const [leaf, keyPackage] of addedLeafNodes) {
      const ancestor = filteredPath.find((n) => isAncestor(leafToNodeIndex(leaf), n, tree.length));
      if (ancestor === undefined) throw new ValidationError('Could not find common ancestor');
      const pathSecret = pathSecrets.find((p) => p.nodeIndex === ancestor)?.secret;
      const plaintext = encode(groupSecretsEncoder)({ joinerSecret: epoch.joinerSecret, pathSecret, psks: res.pskIds });
      const egs = await cs.hpke.seal(await cs.hpke.importPublicKey(keyPackage.initKey), plaintext, welcomeContext, noAad);
      secrets.push({ newMember: await keyPackageRefCached(keyPackage, cs.hash), encryptedGroupSecrets: { kemOutput: egs.enc, ciphertext: egs.ct } });
    }
    welcome = { cipherSuite: groupContext.cipherSuite, secrets, encryptedGroupInfo };
  }
  const [historicalReceiverData] = addHistoricalReceiverData(state);
  const newState: ClientState = {
    groupContext,
    ratchetTree: tree,
    secretTree: await createSecretTreeFast(leafWidth(tree.length), epoch.encryptionSecret, cs.kdf),
    keySchedule: epoch.keySchedule,
    privatePath,
    unappliedProposals: {},
    historicalReceiverData,
    confirmationTag,
    signaturePrivateKey: state.signaturePrivateKey,
    groupActiveState: res.selfRemoved ? { kind: 'removedFromGroup' } : { kind: 'active' },
    clientConfig: state.clientConfig,
  };
  return { newState, welcome, commit: { version: 'mls10', wireformat: 'mls_public_message', publicMessage }, commitBytes: wire.bytes };
}
