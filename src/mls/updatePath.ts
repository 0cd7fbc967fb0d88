/**
 * UpdatePath creation and application (RFC 9420 §7.5–§7.9, §12.4.1/§12.4.2) as ts-mls 1.6.4's `createUpdatePath`
 * and `applyUpdatePath` do them, step for step with the same errors, but with the parent hashes' sibling tree
 * hashes and the new tree hash computed from the leaves' cached encodings (`encoding.ts`): ts-mls re-encodes every
 * leaf of the copath subtrees, about twice the tree per commit on each side (docs/decisions.md (MLS adapter) D32).
 *
 * @module
 * @internal
 */
import type { CiphersuiteImpl, GroupContext, PrivateKey } from 'ts-mls';
import { encode } from 'ts-mls/codec/tlsEncoder.js';
import { encryptWithLabel } from 'ts-mls/crypto/hpke.js';
import type { Hash } from 'ts-mls/crypto/hash.js';
import { deriveSecret } from 'ts-mls/crypto/kdf.js';
import { groupContextEncoder } from 'ts-mls/groupContext.js';
import { signLeafNodeCommit } from 'ts-mls/leafNode.js';
import { InternalError, ValidationError } from 'ts-mls/mlsError.js';
import { parentHashInputEncoder } from 'ts-mls/parentHash.js';
import {
  filteredDirectPath,
  filteredDirectPathAndCopathResolution,
  findFirstNonBlankAncestor,
  getHpkePublicKey,
  removeLeaves,
  type RatchetTree,
} from 'ts-mls/ratchetTree.js';
import { directPath, leafToNodeIndex, leafWidth, left, right, root, type LeafIndex, type NodeIndex } from 'ts-mls/treemath.js';
import type { PathSecret, UpdatePath } from 'ts-mls/updatePath.js';
import { bytesToBase64 } from 'ts-mls/util/byteArray.js';
import { constantTimeEqual } from 'ts-mls/util/constantTimeCompare.js';
import { treeHashCached, treeHashRootCached } from './encoding.js';

/** ts-mls's `calculateParentHash` (RFC 9420 §7.9) with the cached subtree hash. */
async function parentHashOf(tree: RatchetTree, nodeIndex: NodeIndex, h: Hash): Promise<[Uint8Array, NodeIndex | undefined]> {
  const rootIndex = root(leafWidth(tree.length));
  if (nodeIndex === rootIndex) return [new Uint8Array(), undefined];
  const parentNodeIndex = findFirstNonBlankAncestor(tree, nodeIndex);
  const parentNode = tree[parentNodeIndex];
  if (parentNodeIndex === rootIndex && parentNode === undefined) return [new Uint8Array(), parentNodeIndex];
  const siblingIndex = nodeIndex < parentNodeIndex ? right(parentNodeIndex) : left(parentNodeIndex);
  if (parentNode === undefined || parentNode.nodeType === 'leaf') throw new InternalError('Expected non-blank parent Node');
  // RFC 9420 §7.9.2: the sibling's tree hash without the parent's unmerged leaves
  const originalSiblingTreeHash = await treeHashCached(removeLeaves(tree, parentNode.parent.unmergedLeaves as LeafIndex[]), siblingIndex, h);
  const input = { encryptionKey: parentNode.parent.hpkePublicKey, parentHash: parentNode.parent.parentHash, originalSiblingTreeHash };
  return [await h.digest(encode(parentHashInputEncoder)(input)), parentNodeIndex];
}

function blankDirectPath(tree: RatchetTree, sender: LeafIndex): void {
  for (const n of directPath(leafToNodeIndex(sender), leafWidth(tree.length))) tree[n] = undefined;
}

/**
 * ts-mls's `createUpdatePath` (same steps, same randomness use, same result), plus the new tree's hash, which the
 * committer needs for the GroupContext anyway.
 *
 * @param originalTree - the tree after the commit's proposals
 * @param sender - the committer's leaf
 * @param groupContext - the provisional GroupContext (RFC 9420 §12.4.1: new extensions, old epoch and tree hash)
 * @param signaturePrivateKey - the committer's signature key
 * @param cs - ciphersuite
 * @param excludeNodes - leaves added by the commit (they receive the path secret in the Welcome)
 * @returns the new tree, the UpdatePath, the path secrets, the new leaf's private key and the new tree hash
 * @throws ts-mls's `InternalError` on a malformed tree
 * @example
 * ```ts
 * const [tree, path, secrets, leafKey, treeHash] = await createUpdatePathCached(res.tree, self, provisional, sk, cs, exclude);
 * ```
 * @internal
 */
export async function createUpdatePathCached(
  originalTree: RatchetTree,
  sender: LeafIndex,
  groupContext: GroupContext,
  signaturePrivateKey: Uint8Array,
  cs: CiphersuiteImpl,
  excludeNodes: readonly NodeIndex[] = [],
): Promise<[RatchetTree, UpdatePath, PathSecret[], PrivateKey, Uint8Array]> {
  const originalLeafNode = originalTree[leafToNodeIndex(sender)];
  if (originalLeafNode === undefined || originalLeafNode.nodeType === 'parent') throw new InternalError('Expected non-blank leaf node');
  const pathSecret = cs.rng.randomBytes(cs.kdf.size);
  const leafKeypair = await cs.hpke.deriveKeyPair(await deriveSecret(pathSecret, 'node', cs.kdf));
  const fdp = filteredDirectPathAndCopathResolution(sender, originalTree);
  const tree = originalTree.slice();
  blankDirectPath(tree, sender);
  // RFC 9420 §7.5: path_secret[n] = DeriveSecret(path_secret[n-1], "path"), node keys from DeriveSecret(., "node")
  const exclude = new Set(excludeNodes);
  const ps: PathSecret[] = [{ secret: pathSecret, nodeIndex: leafToNodeIndex(sender), sendTo: [] }];
  for (const { nodeIndex, resolution } of fdp) {
    const next = await deriveSecret(ps[0]!.secret, 'path', cs.kdf);
    const { publicKey } = await cs.hpke.deriveKeyPair(await deriveSecret(next, 'node', cs.kdf));
    tree[nodeIndex] = { nodeType: 'parent', parent: { hpkePublicKey: await cs.hpke.exportPublicKey(publicKey), parentHash: new Uint8Array(), unmergedLeaves: [] } };
    ps.unshift({ nodeIndex, secret: next, sendTo: exclude.size === 0 ? resolution : resolution.filter((n) => !exclude.has(n)) });
  }
  // RFC 9420 §7.9: parent hashes from the root down
  for (let x = fdp.length - 1; x >= 0; x--) {
    const { nodeIndex } = fdp[x]!;
    const [parentHash] = await parentHashOf(tree, nodeIndex, cs.hash);
    const current = tree[nodeIndex];
    if (current === undefined || current.nodeType === 'leaf') throw new InternalError('Expected non-blank parent node');
    tree[nodeIndex] = { nodeType: 'parent', parent: { ...current.parent, parentHash } };
  }
  const [leafParentHash] = await parentHashOf(tree, leafToNodeIndex(sender), cs.hash);
  const leafNode = await signLeafNodeCommit(
    {
      leafNodeSource: 'commit',
      hpkePublicKey: await cs.hpke.exportPublicKey(leafKeypair.publicKey),
      extensions: originalLeafNode.leaf.extensions,
      capabilities: originalLeafNode.leaf.capabilities,
      credential: originalLeafNode.leaf.credential,
      signaturePublicKey: originalLeafNode.leaf.signaturePublicKey,
      parentHash: leafParentHash,
      groupId: groupContext.groupId,
      leafIndex: sender,
    },
    signaturePrivateKey,
    cs.signature,
  );
  tree[leafToNodeIndex(sender)] = { nodeType: 'leaf', leaf: leafNode };
  const treeHash = await treeHashRootCached(tree, cs.hash);
  // RFC 9420 §12.4.1: path secrets encrypted to the provisional GroupContext with the new tree hash and epoch
  const context = encode(groupContextEncoder)({ ...groupContext, treeHash, epoch: groupContext.epoch + 1n });
  const pathSecrets = ps.slice(0, ps.length - 1).reverse();
  const nodes = await Promise.all(
    pathSecrets.map(async (p) => {
      const target = tree[p.nodeIndex];
      if (target === undefined) throw new InternalError('blank path node');
      return {
        hpkePublicKey: getHpkePublicKey(target),
        encryptedPathSecret: await Promise.all(
          p.sendTo.map(async (n) => {
            const recipient = originalTree[n];
            if (recipient === undefined) throw new InternalError('blank resolution node');
            // the receivers do not have the new public keys yet: the *original* tree's keys (ts-mls's choice)
            const { ct, enc } = await encryptWithLabel(await cs.hpke.importPublicKey(getHpkePublicKey(recipient)), 'UpdatePathNode', context, p.secret, cs.hpke);
            return { ciphertext: ct, kemOutput: enc };
          }),
        ),
      };
    }),
  );
  return [tree, { leafNode, nodes }, pathSecrets, leafKeypair.privateKey, treeHash];
}

/**
 * ts-mls's `applyUpdatePath` for a member's commit (RFC 9420 §12.4.2: the path's keys installed, parent hashes
 * recomputed and the leaf's parent_hash checked), same checks and errors.
 *
 * @param tree - the tree after the commit's proposals
 * @param sender - the committer's leaf
 * @param path - the commit's UpdatePath
 * @param h - hash primitives
 * @returns the new tree
 * @throws ts-mls's `ValidationError` (same key as before, keys already in the tree, wrong length, parent hash)
 * @example
 * ```ts
 * const tree = await applyUpdatePathCached(result.tree, sender, commit.path, cs.hash);
 * ```
 * @internal
 */
export async function applyUpdatePathCached(tree: RatchetTree, sender: LeafIndex, path: UpdatePath, h: Hash): Promise<RatchetTree> {
  const old = tree[leafToNodeIndex(sender)];
  if (old === undefined || old.nodeType === 'parent') throw new InternalError('Leaf node not defined or is parent');
  if (constantTimeEqual(old.leaf.hpkePublicKey, path.leafNode.hpkePublicKey)) {
    throw new ValidationError("Public key in the LeafNode is the same as the committer's current leaf node");
  }
  const parentKeys = new Set<string>();
  for (const n of tree) if (n?.nodeType === 'parent') parentKeys.add(bytesToBase64(n.parent.hpkePublicKey));
  if (path.nodes.some((n) => parentKeys.has(bytesToBase64(n.hpkePublicKey)))) {
    throw new ValidationError('Public keys in the UpdatePath may not appear in a node of the new ratchet tree');
  }
  const copy = tree.slice();
  copy[leafToNodeIndex(sender)] = { nodeType: 'leaf', leaf: path.leafNode };
  const reverseFilteredDirectPath = filteredDirectPath(sender, tree).reverse();
  blankDirectPath(copy, sender);
  const reverseUpdatePath = path.nodes.slice().reverse();
  if (reverseUpdatePath.length !== reverseFilteredDirectPath.length) throw new ValidationError('Invalid length of UpdatePath');
  for (const [level, nodeIndex] of reverseFilteredDirectPath.entries()) {
    const [parentHash] = await parentHashOf(copy, nodeIndex, h);
    copy[nodeIndex] = { nodeType: 'parent', parent: { hpkePublicKey: reverseUpdatePath[level]!.hpkePublicKey, unmergedLeaves: [], parentHash } };
  }
  const [leafParentHash] = await parentHashOf(copy, leafToNodeIndex(sender), h);
  if (!constantTimeEqual(leafParentHash, path.leafNode.parentHash)) {
    throw new ValidationError('Parent hash did not match the UpdatePath');
  }
  return copy;
}
