/**
 * The secret tree of a new epoch (RFC 9420 §9), built as ts-mls 1.6.4's `createSecretTree` builds it: every node's
 * secret derived from the root (`tree_node_[left|right]_secret = ExpandWithLabel(parent, "tree", "left"|"right",
 * KDF.Nh)`), and for every node the two ratchet roots (`ExpandWithLabel(secret, "handshake"|"application", "",
 * KDF.Nh)`), so the saved state is byte for byte ts-mls's. ts-mls encodes the four KDFLabel structs afresh for each
 * of the ~3 × 2N derivations; they do not depend on the node, so they are encoded once here
 * (docs/decisions.md (MLS adapter) D32).
 *
 * @module
 * @internal
 */
import type { Kdf } from 'ts-mls/crypto/kdf.js';
import type { SecretTree, SecretTreeNode } from 'ts-mls/secretTree.js';
import { InternalError } from 'ts-mls/mlsError.js';
import { isLeaf, left, nodeWidth, right, root, type NodeIndex } from 'ts-mls/treemath.js';
import { concatBytes, encodeVarLen } from './encoding.js';

const utf8 = new TextEncoder();

/** KDFLabel (RFC 9420 §8): uint16 length ‖ opaque label<V> = "MLS 1.0 " + label ‖ opaque context<V>. */
function kdfLabel(length: number, label: string, context: Uint8Array): Uint8Array {
  return concatBytes([new Uint8Array([length >>> 8, length & 0xff]), encodeVarLen(utf8.encode(`MLS 1.0 ${label}`)), encodeVarLen(context)]);
}

const labels = new Map<number, { left: Uint8Array; right: Uint8Array; handshake: Uint8Array; application: Uint8Array }>();

function labelsFor(size: number) {
  let l = labels.get(size);
  if (l === undefined) {
    l = {
      left: kdfLabel(size, 'tree', utf8.encode('left')),
      right: kdfLabel(size, 'tree', utf8.encode('right')),
      handshake: kdfLabel(size, 'handshake', new Uint8Array()),
      application: kdfLabel(size, 'application', new Uint8Array()),
    };
    labels.set(size, l);
  }
  return l;
}

/**
 * ts-mls's `createSecretTree` with the KDFLabels encoded once (same values, same structure).
 *
 * @param leafWidth - number of leaves of the ratchet tree
 * @param encryptionSecret - the epoch's encryption_secret (the root's secret)
 * @param kdf - the ciphersuite's KDF
 * @returns the secret tree, as ts-mls stores it in `ClientState.secretTree`
 * @example
 * ```ts
 * const secretTree = await createSecretTreeFast(leafWidth(tree.length), epoch.encryptionSecret, cs.kdf);
 * ```
 * @internal
 */
export async function createSecretTreeFast(leafWidth: number, encryptionSecret: Uint8Array, kdf: Kdf): Promise<SecretTree> {
  const size = kdf.size;
  const l = labelsFor(size);
  const secrets: Uint8Array[] = new Array<Uint8Array>(nodeWidth(leafWidth));
  const top = root(leafWidth);
  secrets[top] = encryptionSecret;
  const stack: NodeIndex[] = [top];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (isLeaf(x)) continue;
    const s = secrets[x];
    if (s === undefined) throw new InternalError('Bad node index for secret tree');
    const [a, b] = [left(x), right(x)];
    secrets[a] = await kdf.expand(s, l.left, size);
    secrets[b] = await kdf.expand(s, l.right, size);
    stack.push(b, a);
  }
  const out: SecretTreeNode[] = new Array<SecretTreeNode>(secrets.length);
  for (let i = 0; i < secrets.length; i++) {
    const s = secrets[i];
    if (s === undefined) throw new InternalError('Bad node index for secret tree');
    const application = { secret: await kdf.expand(s, l.application, size), generation: 0, unusedGenerations: {} };
    const handshake = { secret: await kdf.expand(s, l.handshake, size), generation: 0, unusedGenerations: {} };
    out[i] = { handshake, application };
  }
  return out;
}
