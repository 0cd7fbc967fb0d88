/**
 * Encode-once: ts-mls 1.6.4 re-encodes every KeyPackage of a commit from its object form for each use (its
 * KeyPackageTBS and LeafNodeTBS signatures, the FramedContentTBS signature, the membership tag, the confirmed
 * transcript hash, the wire message, the KeyPackageRef, the tree hash, the ratchet tree), about ten encodings per
 * Add. This module encodes each KeyPackage and LeafNode object once with ts-mls's own encoders, keeps the bytes
 * (a `WeakMap` on the object: ts-mls never mutates a decoded or created KeyPackage / LeafNode), and derives the
 * other byte strings from them by slicing (the TBS structs of RFC 9420 §10 and §7.2 are the encoded struct without
 * its trailing `signature<V>`), so every result is byte for byte what ts-mls computes
 * (docs/decisions.md (MLS adapter) D31).
 *
 * @module
 * @internal
 */
import type { KeyPackage, LeafNode } from 'ts-mls';
import { contramapBufferEncoders, encode, type BufferEncoder } from 'ts-mls/codec/tlsEncoder.js';
import { uint64Encoder } from 'ts-mls/codec/number.js';
import { lengthEncoder, varLenDataEncoder, varLenTypeEncoder } from 'ts-mls/codec/variableLength.js';
import { optionalEncoder } from 'ts-mls/codec/optional.js';
import { contentTypeEncoder } from 'ts-mls/contentType.js';
import type { Hash } from 'ts-mls/crypto/hash.js';
import { refhash } from 'ts-mls/crypto/hash.js';
import { verifyWithLabel } from 'ts-mls/crypto/signature.js';
import type { Signature } from 'ts-mls/crypto/signature.js';
import { extensionEncoder } from 'ts-mls/extension.js';
import type { FramedContent } from 'ts-mls/framedContent.js';
import { keyPackageEncoder } from 'ts-mls/keyPackage.js';
import { leafNodeEncoder } from 'ts-mls/leafNode.js';
import { parentNodeEncoder } from 'ts-mls/parentNode.js';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import { proposalOrRefEncoder } from 'ts-mls/proposalOrRefType.js';
import type { RatchetTree } from 'ts-mls/ratchetTree.js';
import { senderEncoder } from 'ts-mls/sender.js';
import { updatePathEncoder } from 'ts-mls/updatePath.js';
import { InternalError } from 'ts-mls/mlsError.js';
import { isLeaf, left, nodeToLeafIndex, right, rootFromNodeWidth, type NodeIndex } from 'ts-mls/treemath.js';
import { concatBytes } from '../bytes.js';

const kpCache = new WeakMap<KeyPackage, Uint8Array>();
const leafCache = new WeakMap<LeafNode, Uint8Array>();

/** Size of an encoded `opaque x<V>` (RFC 9420 §2.1.2 variable-length vector). */
function vecSize(n: number): number {
  return lengthEncoder(n)[0] + n;
}

/**
 * The KeyPackage as ts-mls's `keyPackageEncoder` encodes it (RFC 9420 §10), encoded once per object; its
 * LeafNode's encoding (a slice of it) is remembered too.
 *
 * @param kp - a KeyPackage object (treated as immutable, as ts-mls does)
 * @returns the encoded KeyPackage (do not modify)
 * @example
 * ```ts
 * const ref = await refhash('MLS 1.0 KeyPackage Reference', keyPackageBytes(kp), cs.hash);
 * ```
 * @internal
 */
export function keyPackageBytes(kp: KeyPackage): Uint8Array {
  let b = kpCache.get(kp);
  if (b === undefined) {
    b = encode(keyPackageEncoder)(kp);
    kpCache.set(kp, b);
    // KeyPackageTBS = version(2) cipher_suite(2) init_key<V> leaf_node extensions<V>; then signature<V>.
    const start = 4 + vecSize(kp.initKey.length);
    const end = b.length - vecSize(kp.signature.length) - varLenTypeEncoder(extensionEncoder)(kp.extensions)[0];
    if (!leafCache.has(kp.leafNode)) leafCache.set(kp.leafNode, b.subarray(start, end));
  }
  return b;
}

/**
 * The LeafNode as ts-mls's `leafNodeEncoder` encodes it (RFC 9420 §7.2), encoded once per object.
 *
 * @param leaf - a LeafNode object (treated as immutable)
 * @returns the encoded LeafNode (do not modify)
 * @example
 * ```ts
 * const bytes = leafNodeBytes(kp.leafNode);
 * ```
 * @internal
 */
export function leafNodeBytes(leaf: LeafNode): Uint8Array {
  let b = leafCache.get(leaf);
  if (b === undefined) {
    b = encode(leafNodeEncoder)(leaf);
    leafCache.set(leaf, b);
  }
  return b;
}

/**
 * ts-mls's `verifyKeyPackage` (RFC 9420 §10.1: KeyPackageTBS signed with the leaf's signature key) over the
 * cached encoding: KeyPackageTBS is the KeyPackage without its trailing `signature<V>`.
 *
 * @param kp - the KeyPackage
 * @param s - signature primitives
 * @returns whether the signature verifies
 * @example
 * ```ts
 * if (!(await verifyKeyPackageCached(kp, cs.signature))) throw new CryptoVerificationError('Invalid keypackage signature');
 * ```
 * @internal
 */
export function verifyKeyPackageCached(kp: KeyPackage, s: Signature): Promise<boolean> {
  const b = keyPackageBytes(kp);
  return verifyWithLabel(kp.leafNode.signaturePublicKey, 'KeyPackageTBS', b.subarray(0, b.length - vecSize(kp.signature.length)), kp.signature, s);
}

/**
 * ts-mls's `verifyLeafNodeSignatureKeyPackage` (RFC 9420 §7.3) over the cached encoding: for a `key_package`
 * leaf, LeafNodeTBS carries no group_id / leaf_index, so it is the LeafNode without its trailing `signature<V>`.
 *
 * @param leaf - a LeafNode whose source is `key_package`
 * @param s - signature primitives
 * @returns whether the signature verifies
 * @example
 * ```ts
 * const ok = await verifyKeyPackageLeafCached(kp.leafNode, cs.signature);
 * ```
 * @internal
 */
export function verifyKeyPackageLeafCached(leaf: LeafNode, s: Signature): Promise<boolean> {
  if (leaf.leafNodeSource !== 'key_package') throw new InternalError('not a key_package leaf');
  const b = leafNodeBytes(leaf);
  return verifyWithLabel(leaf.signaturePublicKey, 'LeafNodeTBS', b.subarray(0, b.length - vecSize(leaf.signature.length)), leaf.signature, s);
}

/**
 * ts-mls's `makeKeyPackageRef` (RFC 9420 §5.2) over the cached encoding.
 *
 * @param kp - the KeyPackage
 * @param h - hash primitives
 * @returns the KeyPackageRef
 * @example
 * ```ts
 * const ref = await keyPackageRefCached(kp, cs.hash);
 * ```
 * @internal
 */
export function keyPackageRefCached(kp: KeyPackage, h: Hash): Promise<Uint8Array> {
  return refhash('MLS 1.0 KeyPackage Reference', keyPackageBytes(kp), h);
}

// ProposalOrRef { type = proposal (1) } Proposal { type = add (1) } Add { KeyPackage }: RFC 9420 §12.1, §12.4.
const ADD_BY_VALUE = new Uint8Array([0x01, 0x00, 0x01]);

const proposalOrRefCached: BufferEncoder<ProposalOrRef> = (p) => {
  if (p.proposalOrRefType !== 'proposal' || p.proposal.proposalType !== 'add') return proposalOrRefEncoder(p);
  const kp = keyPackageBytes(p.proposal.add.keyPackage);
  return [3 + kp.length, (offset, buffer) => {
    const v = new Uint8Array(buffer);
    v.set(ADD_BY_VALUE, offset);
    v.set(kp, offset + 3);
  }];
};

type CommitContent = Extract<FramedContent, { contentType: 'commit' }>;

// ts-mls's framedContentEncoder for a commit (group_id<V> epoch sender authenticated_data<V> content_type Commit),
// with the Adds written from the cached KeyPackage encodings.
const commitContentEncoder: BufferEncoder<CommitContent> = contramapBufferEncoders(
  [varLenDataEncoder, uint64Encoder, senderEncoder, varLenDataEncoder, contentTypeEncoder, varLenTypeEncoder(proposalOrRefCached), optionalEncoder(updatePathEncoder)],
  (fc: CommitContent) => [fc.groupId, fc.epoch, fc.sender, fc.authenticatedData, fc.contentType, fc.commit.proposals, fc.commit.path] as const,
);

/**
 * A commit's FramedContent (RFC 9420 §6), byte for byte as ts-mls's `framedContentEncoder`, with each Add's
 * KeyPackage taken from the cache.
 *
 * @param fc - the commit's FramedContent
 * @returns its encoding
 * @example
 * ```ts
 * const fcBytes = encodeCommitContent(content);
 * ```
 * @internal
 */
export function encodeCommitContent(fc: CommitContent): Uint8Array {
  return encode(commitContentEncoder)(fc);
}

const u8 = (n: number): Uint8Array => new Uint8Array([n]);
const u32 = (n: number): Uint8Array => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const LEAF = 1;
const PARENT = 2;
const encodeParent = encode(optionalEncoder(parentNodeEncoder));

/**
 * ts-mls's `treeHashRoot` (RFC 9420 §7.8 TreeHashInput) with the leaves' cached encodings.
 *
 * @param tree - the ratchet tree (array of nodes, RFC 9420 Appendix C layout)
 * @param h - hash primitives
 * @returns the root's tree hash
 * @example
 * ```ts
 * const treeHash = await treeHashRootCached(tree, cs.hash);
 * ```
 * @internal
 */
export function treeHashRootCached(tree: RatchetTree, h: Hash): Promise<Uint8Array> {
  return treeHashCached(tree, rootFromNodeWidth(tree.length), h);
}

/**
 * ts-mls's `treeHash` of the subtree rooted at `index` (RFC 9420 §7.8) with the leaves' cached encodings.
 *
 * @param tree - the ratchet tree
 * @param index - the subtree's root node
 * @param h - hash primitives
 * @returns the subtree's tree hash
 * @example
 * ```ts
 * const siblingHash = await treeHashCached(tree, sibling, cs.hash);
 * ```
 * @internal
 */
export async function treeHashCached(tree: RatchetTree, index: NodeIndex, h: Hash): Promise<Uint8Array> {
  const hashAt = async (x: NodeIndex): Promise<Uint8Array> => {
    const node = tree[x];
    if (isLeaf(x)) {
      if (node?.nodeType === 'parent') throw new InternalError('Somehow found parent node in leaf position');
      const index = u32(nodeToLeafIndex(x));
      return h.digest(node === undefined ? concatBytes([u8(LEAF), index, u8(0)]) : concatBytes([u8(LEAF), index, u8(1), leafNodeBytes(node.leaf)]));
    }
    if (node?.nodeType === 'leaf') throw new InternalError('Somehow found leaf node in parent position');
    const l = await hashAt(left(x));
    const r = await hashAt(right(x));
    return h.digest(concatBytes([u8(PARENT), encodeParent(node?.parent), encodeVarLen(l), encodeVarLen(r)]));
  };
  return hashAt(index);
}

/**
 * `opaque data<V>` (RFC 9420 §2.1.2): the minimal variable-length size prefix, then the bytes.
 *
 * @param b - the bytes
 * @returns the encoded vector
 * @example
 * ```ts
 * encodeVarLen(new Uint8Array(64)).length; // 66 (two-byte length)
 * ```
 * @internal
 */
export function encodeVarLen(b: Uint8Array): Uint8Array {
  const [n, write] = lengthEncoder(b.length);
  const out = new Uint8Array(n + b.length);
  write(0, out.buffer);
  out.set(b, n);
  return out;
}

/**
 * The ratchet tree as ts-mls's `ratchetTreeEncoder` encodes it (RFC 9420 §12.4.3.3: `optional<Node> nodes<V>`,
 * trailing blank nodes stripped), with the leaves' cached encodings.
 *
 * @param tree - the ratchet tree
 * @returns its encoding, for the `ratchet_tree` extension
 * @example
 * ```ts
 * const ext = { extensionType: 'ratchet_tree', extensionData: encodeRatchetTreeCached(tree) };
 * ```
 * @internal
 */
export function encodeRatchetTreeCached(tree: RatchetTree): Uint8Array {
  let last = tree.length - 1;
  while (last >= 0 && tree[last] === undefined) last--;
  const parts: Uint8Array[] = [];
  for (let i = 0; i <= last; i++) {
    const n = tree[i];
    if (n === undefined) parts.push(u8(0));
    else if (n.nodeType === 'leaf') parts.push(u8(1), u8(LEAF), leafNodeBytes(n.leaf));
    else parts.push(u8(1), u8(PARENT), encode(parentNodeEncoder)(n.parent));
  }
  return encodeVarLen(concatBytes(parts));
}

export { concatBytes };

