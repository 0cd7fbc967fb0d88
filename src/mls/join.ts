/**
 * Joining from a Welcome (RFC 9420 §12.4.3.1) with a linear-time ratchet-tree validation.
 *
 * The steps, their order and their errors are those of ts-mls 1.6.4's `joinGroupWithExtensions`, composed from
 * its exported building blocks (as `commit.ts` does for commits); two steps are replaced:
 * `validateRatchetTree` by {@link validateRatchetTree} of `treeValidation.ts` (each tree hash computed once,
 * instead of once per leaf: 7.6 s of a 7.7 s join at 1000 members; RFC 9420 unmerged-leaves rule) and
 * `findLeafIndex` (which encodes every leaf twice). Resumption and branch PSKs are refused: MIMI rooms
 * use none (docs/decisions.md (MLS adapter) D17).
 *
 * @module
 */
import type { CiphersuiteImpl, ClientConfig, ClientState, KeyPackage, PrivateKeyPackage, Welcome } from 'ts-mls';
import { throwIfDefined } from 'ts-mls/clientState.js';
import { extensionsSupportedByCapabilities } from 'ts-mls/extension.js';
import { ratchetTreeFromExtension, verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { deriveKeySchedule } from 'ts-mls/keySchedule.js';
import { CodecError, CryptoVerificationError, UsageError, ValidationError } from 'ts-mls/mlsError.js';
import { pathToRoot } from 'ts-mls/pathSecrets.js';
import { mergePrivateKeyPaths, toPrivateKeyPath } from 'ts-mls/privateKeyPath.js';
import { accumulatePskSecret, emptyPskIndex } from 'ts-mls/pskIndex.js';
import { createSecretTreeFast } from './secretTree.js';
import { leafToNodeIndex, leafWidth, toLeafIndex } from 'ts-mls/treemath.js';
import { firstCommonAncestor } from 'ts-mls/updatePath.js';
import { zeroOutUint8Array } from 'ts-mls/util/byteArray.js';
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js';
import { findLeafIndex, validateRatchetTree } from './treeValidation.js';

/**
 * Joins a group from a Welcome whose GroupInfo carries the ratchet tree.
 *
 * @param welcome - the Welcome
 * @param keyPackage - the key package it was made for
 * @param privateKeys - its private keys
 * @param cs - ciphersuite
 * @param clientConfig - configuration (credential check, lifetimes, retention)
 * @returns the joined state
 * @throws ts-mls's `ValidationError`, `CryptoVerificationError`, `CodecError` or `UsageError`, as its
 *   `joinGroup` does for the same input
 * @internal
 */
export async function joinFromWelcomeFast(
  welcome: Welcome,
  keyPackage: KeyPackage,
  privateKeys: PrivateKeyPackage,
  cs: CiphersuiteImpl,
  clientConfig: ClientConfig,
): Promise<ClientState> {
  const keyPackageRef = await makeKeyPackageRef(keyPackage, cs.hash);
  const privKey = await cs.hpke.importPrivateKey(privateKeys.initPrivateKey);
  const groupSecrets = await decryptGroupSecrets(privKey, keyPackageRef, welcome, cs.hpke);
  if (groupSecrets === undefined) throw new CodecError('Could not decode group secrets');
  if (groupSecrets.psks.some((p) => p.psktype === 'resumption')) throw new ValidationError('No prior state passed for resumption');
  const zeroes = new Uint8Array(cs.kdf.size);
  const [pskSecret] = await accumulatePskSecret(groupSecrets.psks, emptyPskIndex, cs, zeroes);
  const gi = await decryptGroupInfo(welcome, groupSecrets.joinerSecret, pskSecret, cs);
  if (gi === undefined) throw new CodecError('Could not decode group info');
  if (!extensionsSupportedByCapabilities(gi.groupContext.extensions, keyPackage.leafNode.capabilities)) {
    throw new UsageError('client does not support every extension in the GroupContext');
  }
  const tree = ratchetTreeFromExtension(gi);
  if (tree === undefined) throw new UsageError('No RatchetTree passed and no ratchet_tree extension');
  const signerNode = tree[leafToNodeIndex(toLeafIndex(gi.signer))];
  if (signerNode === undefined) throw new ValidationError('Could not find signer leafNode');
  if (signerNode.nodeType === 'parent') throw new ValidationError('Expected non blank leaf node');
  if (!(await clientConfig.authService.validateCredential(signerNode.leaf.credential, signerNode.leaf.signaturePublicKey))) {
    throw new ValidationError('Could not validate credential');
  }
  if (!(await verifyGroupInfoSignature(gi, signerNode.leaf.signaturePublicKey, cs.signature))) {
    throw new CryptoVerificationError('Could not verify groupInfo signature');
  }
  if (gi.groupContext.cipherSuite !== keyPackage.cipherSuite) {
    throw new ValidationError('cipher suite in the GroupInfo does not match the cipher_suite in the KeyPackage');
  }
  throwIfDefined(await validateRatchetTree(tree, gi.groupContext, clientConfig.lifetimeConfig, clientConfig.authService, gi.groupContext.treeHash, cs));
  const newLeaf = findLeafIndex(tree, keyPackage.leafNode);
  if (newLeaf === undefined) throw new ValidationError('Could not find own leaf when processing welcome');
  const ownPath = { leafIndex: newLeaf, privateKeys: { [leafToNodeIndex(toLeafIndex(newLeaf))]: privateKeys.hpkePrivateKey } };
  const ancestor = firstCommonAncestor(tree, toLeafIndex(newLeaf), toLeafIndex(gi.signer));
  const privatePath =
    groupSecrets.pathSecret === undefined
      ? ownPath
      : mergePrivateKeyPaths(await toPrivateKeyPath(await pathToRoot(tree, ancestor, groupSecrets.pathSecret, cs.kdf), newLeaf, cs), ownPath);
  const [keySchedule, encryptionSecret] = await deriveKeySchedule(groupSecrets.joinerSecret, pskSecret, gi.groupContext, cs.kdf);
  if (!(await verifyGroupInfoConfirmationTag(gi, groupSecrets.joinerSecret, pskSecret, cs))) {
    throw new CryptoVerificationError('Could not verify confirmation tag');
  }
  const secretTree = await createSecretTreeFast(leafWidth(tree.length), encryptionSecret, cs.kdf);
  zeroOutUint8Array(encryptionSecret);
  zeroOutUint8Array(groupSecrets.joinerSecret);
  return {
    groupContext: gi.groupContext,
    ratchetTree: tree,
    privatePath,
    signaturePrivateKey: privateKeys.signaturePrivateKey,
    confirmationTag: gi.confirmationTag,
    unappliedProposals: {},
    keySchedule,
    secretTree,
    historicalReceiverData: new Map(),
    groupActiveState: { kind: 'active' },
    clientConfig,
  };
}
