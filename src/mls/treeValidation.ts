/**
 * Ratchet-tree validation for a joiner (RFC 9420 §12.4.3.1, "Joining via Welcome Message": verify the
 * integrity of the ratchet tree), computing every tree hash once.
 *
 * ts-mls 1.6.4's `validateRatchetTree` recomputes the tree hash of a sibling subtree for every leaf while
 * checking parent hashes (RFC 9420 §7.9.2), and copies the whole tree each time: quadratic in the group size
 * once parent nodes are filled (7.6 s of a 7.7 s join at 1000 members). This module checks the same things in
 * the same order with the same verdicts, but computes the tree hash of every node once (RFC 9420 §7.8) and
 * each parent hash at most once per side; subtree hashes "with the unmerged leaves removed" are recomputed
 * only along the paths of those leaves. It is tested against ts-mls's own `validateRatchetTree` on valid and
 * corrupted trees (`test/mls/treeValidation.test.ts`).
 *
 * The unmerged-leaves check follows RFC 9420 §12.4.3.1 rather than ts-mls: every entry of a parent node's
 * `unmerged_leaves` must be a non-blank leaf descending from that parent (ts-mls only rejects an entry that is
 * both blank and outside the subtree; the hash shortcut relies on the stricter rule), and every non-blank node
 * between the leaf and that parent must list it (ts-mls demands the same list on the leaf's whole direct path,
 * which rejects valid trees once a member of the other half commits).
 *
 * @module
 */
import type { CiphersuiteImpl, LeafNode } from 'ts-mls';
import type { AuthenticationService } from 'ts-mls/authenticationService.js';
import type { GroupContext } from 'ts-mls/groupContext.js';
import type { LifetimeConfig } from 'ts-mls/lifetimeConfig.js';
import type { RatchetTree } from 'ts-mls/ratchetTree.js';
import { validateLeafNodeUpdateOrCommit } from 'ts-mls/clientState.js';
import { extensionsSupportedByCapabilities } from 'ts-mls/extension.js';
import { encodeLeafNode, verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import { CodecError, CryptoVerificationError, ValidationError, type MlsError } from 'ts-mls/mlsError.js';
import { encodeParentHashInput } from 'ts-mls/parentHash.js';
import { decodeRequiredCapabilities } from 'ts-mls/requiredCapabilities.js';
import { encodeLeafNodeHashInput, encodeParentNodeHashInput } from 'ts-mls/treeHash.js';
import { leafWidth, left as leftOf, parent as parentOf, right as rightOf, rootFromNodeWidth, toNodeIndex } from 'ts-mls/treemath.js';
import { bytesToBase64 } from 'ts-mls/util/byteArray.js';
import { bytesEqual } from '../room/bytes.js';

type Hash = CiphersuiteImpl['hash'];
type Capabilities = LeafNode['capabilities'];
type RequiredCapabilities = NonNullable<ReturnType<typeof decodeRequiredCapabilities>>[0];

const EMPTY = new Uint8Array(0);

// RFC 9420 Appendix C tree math, on plain numbers (ts-mls's functions take branded indices).
const left = (x: number): number => leftOf(toNodeIndex(x));
const right = (x: number): number => rightOf(toNodeIndex(x));
/** Parent of a non-root node `x` in a tree of `nodeWidth` nodes. */
const parentIn = (x: number, nodeWidth: number): number => parentOf(toNodeIndex(x), leafWidth(nodeWidth));
/** First and last leaf index under node `x` (x has level k: 2^k - 1 nodes on each side). */
function leafRange(x: number): [number, number] {
  let k = 0;
  while (((x >> k) & 1) === 1) k++;
  const half = (1 << k) - 1;
  return [(x - half) / 2, (x + half) / 2];
}

/**
 * Tree hashes of a ratchet tree (RFC 9420 §7.8), each node hashed once; nodes past the end of the array are
 * blank, as in ts-mls.
 *
 * @internal
 */
export class TreeHashes {
  readonly #tree: RatchetTree;
  readonly #h: Hash;
  readonly #memo = new Map<number, Uint8Array>();
  /** Root of the tree as ts-mls's `treeHashRoot` takes it. */
  readonly root: number;

  /**
   * @param tree - the ratchet tree (not modified)
   * @param h - the ciphersuite's hash
   */
  constructor(tree: RatchetTree, h: Hash) {
    this.#tree = tree;
    this.#h = h;
    this.root = rootFromNodeWidth(tree.length);
  }

  /**
   * @param x - node index
   * @returns the tree hash of the subtree rooted at `x`
   */
  async of(x: number): Promise<Uint8Array> {
    return this.#hash(x, undefined);
  }

  /**
   * The tree hash of the subtree at `x` in the tree with the leaves `removed` blanked and dropped from every
   * parent's `unmerged_leaves` (RFC 9420 §7.9.2, original sibling tree hash). Only subtrees holding a
   * removed leaf are recomputed: a subtree without one cannot list it as unmerged (checked before).
   *
   * @param x - node index
   * @param removed - leaf indices
   * @returns the tree hash
   */
  async without(x: number, removed: readonly number[]): Promise<Uint8Array> {
    return this.#hash(x, removed.length === 0 ? undefined : new Set(removed));
  }

  async #hash(x: number, removed: ReadonlySet<number> | undefined): Promise<Uint8Array> {
    const affected = removed !== undefined && touches(x, removed);
    if (!affected) {
      const cached = this.#memo.get(x);
      if (cached !== undefined) return cached;
    }
    const node = this.#tree[x];
    let digest: Uint8Array;
    if (x % 2 === 0) {
      if (node?.nodeType === 'parent') throw new ValidationError('Received Ratchet Tree is not structurally sound');
      const leafIndex = x / 2;
      const leafNode = affected && removed.has(leafIndex) ? undefined : node?.leaf;
      digest = await this.#h.digest(encodeLeafNodeHashInput({ nodeType: 'leaf', leafIndex, leafNode }));
    } else {
      if (node?.nodeType === 'leaf') throw new ValidationError('Received Ratchet Tree is not structurally sound');
      const leftHash = await this.#hash(left(x), affected ? removed : undefined);
      const rightHash = await this.#hash(right(x), affected ? removed : undefined);
      const parentNode =
        node === undefined || !affected
          ? node?.parent
          : { ...node.parent, unmergedLeaves: node.parent.unmergedLeaves.filter((l) => !removed.has(l)) };
      digest = await this.#h.digest(encodeParentNodeHashInput({ nodeType: 'parent', parentNode, leftHash, rightHash }));
    }
    if (!affected) this.#memo.set(x, digest);
    return digest;
  }
}

function touches(x: number, removed: ReadonlySet<number>): boolean {
  const [lo, hi] = leafRange(x);
  for (const l of removed) if (l >= lo && l <= hi) return true;
  return false;
}

/**
 * RFC 9420 §7.9.2: every non-blank parent node is covered by exactly one chain of parent hashes starting at a
 * leaf, as ts-mls's `verifyParentHashes` decides it (walking up from every non-blank leaf).
 */
async function parentHashesValid(tree: RatchetTree, hashes: TreeHashes, h: Hash): Promise<boolean> {
  const rootIndex = hashes.root;
  const parents: number[] = [];
  for (let i = 1; i < tree.length; i += 2) if (tree[i] !== undefined) parents.push(i);
  if (parents.length === 0) return true;
  const memo = new Map<number, Uint8Array>(); // key: 2 * P + (D on P's right side ? 1 : 0)
  const firstNonBlankAncestor = (x: number): number => {
    let p = x;
    while (p !== rootIndex) {
      p = parentIn(p, tree.length);
      if (tree[p] !== undefined) return p;
    }
    return rootIndex;
  };
  const parentHashFor = async (x: number): Promise<[Uint8Array, number]> => {
    const p = firstNonBlankAncestor(x);
    const pNode = tree[p];
    if (pNode === undefined) return [EMPTY, p]; // blank root (RFC 9420 §7.9: empty parent hash)
    if (pNode.nodeType !== 'parent') throw new ValidationError('Received Ratchet Tree is not structurally sound');
    const key = 2 * p + (x < p ? 0 : 1);
    let ph = memo.get(key);
    if (ph === undefined) {
      const sibling = x < p ? right(p) : left(p);
      const originalSiblingTreeHash = await hashes.without(sibling, pNode.parent.unmergedLeaves);
      ph = await h.digest(encodeParentHashInput({ encryptionKey: pNode.parent.hpkePublicKey, parentHash: pNode.parent.parentHash, originalSiblingTreeHash }));
      memo.set(key, ph);
    }
    return [ph, p];
  };
  const coverage = new Map<number, number>();
  for (let i = 0; i < tree.length; i += 2) {
    if (tree[i] === undefined) continue;
    let current = i;
    while (current !== rootIndex) {
      const node = tree[current];
      if (node === undefined) break;
      const expected = node.nodeType === 'parent' ? node.parent.parentHash : node.leaf.leafNodeSource === 'commit' ? node.leaf.parentHash : undefined;
      const [ph, p] = await parentHashFor(current);
      if (expected === undefined || !bytesEqual(ph, expected)) break;
      coverage.set(p, (coverage.get(p) ?? 0) + 1);
      current = p;
    }
  }
  return parents.every((p) => coverage.get(p) === 1);
}

function capabilitiesSupported(caps: RequiredCapabilities, c: Capabilities): boolean {
  return caps.credentialTypes.every((t) => c.credentials.includes(t)) && caps.extensionTypes.every((e) => c.extensions.includes(e)) && caps.proposalTypes.every((p) => c.proposals.includes(p));
}

/** The checks ts-mls applies to a key_package leaf found in a received tree (validateLeafNodeKeyPackage, not exported). */
async function validateKeyPackageLeaf(
  leaf: LeafNode,
  groupContext: GroupContext,
  config: LifetimeConfig,
  authService: AuthenticationService,
  cs: CiphersuiteImpl,
): Promise<MlsError | undefined> {
  if (!(await verifyLeafNodeSignatureKeyPackage(leaf as Parameters<typeof verifyLeafNodeSignatureKeyPackage>[0], cs.signature))) {
    return new CryptoVerificationError('Could not verify leaf node signature');
  }
  if (config.validateLifetimeOnReceive && leaf.leafNodeSource === 'key_package') {
    const now = BigInt(Math.floor(Date.now() / 1000));
    if (leaf.lifetime.notBefore > now || leaf.lifetime.notAfter < now) return new ValidationError('Current time not within Lifetime');
  }
  if (!(await authService.validateCredential(leaf.credential, leaf.signaturePublicKey))) return new ValidationError('Could not validate credential');
  const required = groupContext.extensions.find((e) => e.extensionType === 'required_capabilities');
  if (required !== undefined) {
    const caps = decodeRequiredCapabilities(required.extensionData, 0);
    if (caps === undefined) return new CodecError('Could not decode required_capabilities');
    if (!capabilitiesSupported(caps[0], leaf.capabilities)) return new ValidationError('LeafNode does not support required capabilities');
  }
  if (!extensionsSupportedByCapabilities(leaf.extensions, leaf.capabilities)) return new ValidationError('LeafNode contains extension not listed in capabilities');
  return undefined;
}

/**
 * Validates a received ratchet tree as ts-mls's `validateRatchetTree` does (RFC 9420 §12.4.3.1): structure,
 * unique HPKE and signature keys, every leaf (signature, credential, capabilities), unmerged leaves,
 * credential types supported by every member, parent hashes (§7.9.2) and the tree hash against the
 * GroupContext (§7.8); linear in the tree size.
 *
 * @param tree - the ratchet tree from the Welcome
 * @param groupContext - the GroupContext of the GroupInfo
 * @param config - lifetime configuration
 * @param authService - the credential check
 * @param treeHash - the expected root tree hash
 * @param cs - ciphersuite
 * @returns the first error found (ts-mls's error classes and messages), or `undefined` when valid
 * @internal
 */
export async function validateRatchetTree(
  tree: RatchetTree,
  groupContext: GroupContext,
  config: LifetimeConfig,
  authService: AuthenticationService,
  treeHash: Uint8Array,
  cs: CiphersuiteImpl,
): Promise<MlsError | undefined> {
  const unsound = (): MlsError => new ValidationError('Received Ratchet Tree is not structurally sound');
  const hpkeKeys = new Set<string>();
  const signatureKeys = new Set<string>();
  const credentialTypes = new Set<string>();
  for (let i = 0; i < tree.length; i++) {
    const n = tree[i];
    if (n === undefined) continue;
    if (n.nodeType === 'leaf') {
      if (i % 2 !== 0) return unsound();
      const hpkeKey = bytesToBase64(n.leaf.hpkePublicKey);
      if (hpkeKeys.has(hpkeKey)) return new ValidationError('hpke keys not unique');
      hpkeKeys.add(hpkeKey);
      const signatureKey = bytesToBase64(n.leaf.signaturePublicKey);
      if (signatureKeys.has(signatureKey)) return new ValidationError('signature keys not unique');
      signatureKeys.add(signatureKey);
      credentialTypes.add(n.leaf.credential.credentialType);
      const err =
        n.leaf.leafNodeSource === 'key_package'
          ? await validateKeyPackageLeaf(n.leaf, groupContext, config, authService, cs)
          : await validateLeafNodeUpdateOrCommit(n.leaf, i / 2, groupContext, authService, cs.signature);
      if (err !== undefined) return err;
    } else {
      if (i % 2 === 0) return unsound();
      const hpkeKey = bytesToBase64(n.parent.hpkePublicKey);
      if (hpkeKeys.has(hpkeKey)) return new ValidationError('hpke keys not unique');
      hpkeKeys.add(hpkeKey);
      const [lo, hi] = leafRange(i);
      for (const leaf of n.parent.unmergedLeaves) {
        const leafNode = 2 * leaf;
        // RFC 9420 §12.4.3.1: a non-blank leaf below this parent (stricter than ts-mls, see the module comment).
        if (!Number.isInteger(leaf) || leaf < lo || leaf > hi || tree[leafNode]?.nodeType !== 'leaf') {
          return new ValidationError('Unmerged leaf did not represent a non-blank descendant leaf node');
        }
        // RFC 9420 §12.4.3.1: every non-blank intermediate node between the leaf and this parent lists it too.
        // (ts-mls 1.6.4 instead requires every non-blank node on the leaf's whole direct path, root included,
        // to carry the *same* list, and so rejects valid trees: docs/decisions.md (MLS adapter) D17.)
        for (let p = parentIn(leafNode, tree.length); p !== i; p = parentIn(p, tree.length)) {
          const mid = tree[p];
          if (mid === undefined) continue;
          if (mid.nodeType !== 'parent') return unsound();
          if (!mid.parent.unmergedLeaves.includes(leaf)) {
            return new ValidationError('non-blank intermediate node must list leaf node in its unmerged_leaves');
          }
        }
      }
    }
  }
  for (const n of tree) {
    if (n?.nodeType !== 'leaf') continue;
    for (const t of credentialTypes) {
      if (!n.leaf.capabilities.credentials.includes(t as (typeof n.leaf.capabilities.credentials)[number])) {
        return new ValidationError('LeafNode has credential that is not supported by member of the group');
      }
    }
  }
  const hashes = new TreeHashes(tree, cs.hash);
  if (!(await parentHashesValid(tree, hashes, cs.hash))) return new CryptoVerificationError('Unable to verify parent hash');
  if (!bytesEqual(treeHash, await hashes.of(hashes.root))) return new ValidationError('Unable to verify tree hash');
  return undefined;
}

/**
 * The leaf index of `leaf` in `tree` (ts-mls's `findLeafIndex`, which encodes every leaf twice): candidates
 * are found by HPKE key, then compared by encoding.
 *
 * @param tree - ratchet tree
 * @param leaf - the joiner's leaf node
 * @returns the leaf index, or `undefined`
 * @internal
 */
export function findLeafIndex(tree: RatchetTree, leaf: LeafNode): number | undefined {
  let mine: Uint8Array | undefined;
  for (let i = 0; i < tree.length; i += 2) {
    const n = tree[i];
    if (n?.nodeType !== 'leaf' || !bytesEqual(n.leaf.hpkePublicKey, leaf.hpkePublicKey)) continue;
    mine ??= encodeLeafNode(leaf);
    if (bytesEqual(encodeLeafNode(n.leaf), mine)) return i / 2;
  }
  return undefined;
}

