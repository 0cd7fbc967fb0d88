/**
 * Applying a member commit's proposals (RFC 9420 §12.2, §12.3) in linear time.
 *
 * ts-mls 1.6.4's `applyProposals` is quadratic in the number of Adds: `validateProposals` compares every pair
 * of Add proposals and every Add with every leaf, `applyTreeMutations` searches the first blank leaf from the
 * start and copies the whole tree for every Add, and the proposal lists are rebuilt by spreading at each step.
 * This module performs the same checks, in the same order, with the same error classes and messages, and
 * returns the same result (tree, added leaves, extensions, path requirement), with every list built once and
 * one tree copy for all Adds (docs/decisions.md (MLS adapter) D29). Commits with PreSharedKey, ReInit or
 * ExternalInit proposals (which MIMI rooms refuse before this point, D19) and a non-default key-package
 * equality are handed to ts-mls's own `applyProposals` unchanged.
 *
 * Where ts-mls starts every key-package validation at once (its `reduce` over async callbacks) and so reports
 * the failure of the *last* failing Add, this module does the same: all validations are started together and
 * the last failure wins. Starting them together also lets the crypto provider verify their signatures in a
 * batch (src/mls/crypto/node.ts).
 *
 * @module
 */
import type { CiphersuiteImpl, ClientState, KeyPackage, LeafNode } from 'ts-mls';
import type { ApplyProposalsResult } from 'ts-mls/clientState.js';
import {
  applyProposals as tsApplyProposals,
  makePskIndex,
  throwIfDefined,
  validateLeafNodeCredentialAndKeyUniqueness,
  validateLeafNodeUpdateOrCommit,
} from 'ts-mls/clientState.js';
import type { Extension } from 'ts-mls/extension.js';
import { extensionsSupportedByCapabilities } from 'ts-mls/extension.js';
import { decodeExternalSender } from 'ts-mls/externalSender.js';
import type { GroupContext } from 'ts-mls/groupContext.js';
import { defaultKeyPackageEqualityConfig } from 'ts-mls/keyPackageEqualityConfig.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import type { LifetimeConfig } from 'ts-mls/lifetimeConfig.js';
import { CodecError, CryptoVerificationError, InternalError, ValidationError, type MlsError } from 'ts-mls/mlsError.js';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import type { RatchetTree } from 'ts-mls/ratchetTree.js';
import { removeLeafNode, updateLeafNode } from 'ts-mls/ratchetTree.js';
import { decodeRequiredCapabilities } from 'ts-mls/requiredCapabilities.js';
import { directPath, leafToNodeIndex, leafWidth, toLeafIndex, toNodeIndex } from 'ts-mls/treemath.js';
import type { ProposalWithSender } from 'ts-mls/unappliedProposals.js';
import type { AuthenticationService } from 'ts-mls/authenticationService.js';
import type { Signature } from 'ts-mls/crypto/signature.js';
import { bytesToBase64 } from 'ts-mls/util/byteArray.js';
import { bytesEqual } from '../room/bytes.js';
import { verifyKeyPackageCached, verifyKeyPackageLeafCached } from './encoding.js';

type Capabilities = LeafNode['capabilities'];
type RequiredCapabilities = NonNullable<ReturnType<typeof decodeRequiredCapabilities>>[0];
type Of<T extends string> = Extract<ProposalWithSender['proposal'], { proposalType: T }>;
interface Grouped {
  add: { proposal: Of<'add'>; senderLeafIndex: number | undefined }[];
  update: { proposal: Of<'update'>; senderLeafIndex: number | undefined }[];
  remove: { proposal: Of<'remove'>; senderLeafIndex: number | undefined }[];
  gce: { proposal: Of<'group_context_extensions'>; senderLeafIndex: number | undefined }[];
  other: number;
}

function capabilitiesSupported(caps: RequiredCapabilities, c: Capabilities): boolean {
  return caps.credentialTypes.every((t) => c.credentials.includes(t)) && caps.extensionTypes.every((e) => c.extensions.includes(e)) && caps.proposalTypes.every((p) => c.proposals.includes(p));
}

/**
 * ts-mls's default key-package equality ("represent the same client", RFC 9420 §12.2: same signature key)
 * with an early exit instead of a constant-time compare: signature public keys are public.
 *
 * @example
 * ```ts
 * const config: ClientConfig = { ...defaultClientConfig, keyPackageEqualityConfig: signatureKeyEqualityConfig };
 * ```
 * @internal
 */
export const signatureKeyEqualityConfig: ClientState['clientConfig']['keyPackageEqualityConfig'] = {
  compareKeyPackages: (a, b) => bytesEqual(a.leafNode.signaturePublicKey, b.leafNode.signaturePublicKey),
  compareKeyPackageToLeafNode: (a, b) => bytesEqual(a.leafNode.signaturePublicKey, b.signaturePublicKey),
};

/** Whether the state's key-package equality is "same signature key": only then are Adds compared through a map. */
function signatureKeyEquality(state: ClientState): boolean {
  const c = state.clientConfig.keyPackageEqualityConfig;
  return c === defaultKeyPackageEqualityConfig || c === signatureKeyEqualityConfig;
}

/**
 * Applies a member commit's proposals as ts-mls's `applyProposals` does (same checks, order, errors and
 * result), linear in the number of proposals plus the tree size.
 *
 * @param state - the group state before the commit (not modified)
 * @param proposals - the commit's proposals (by value or reference)
 * @param committerLeafIndex - the committer's leaf
 * @param sentByClient - true when creating the commit (lifetimes are then checked, as ts-mls does)
 * @param cs - ciphersuite
 * @returns ts-mls's `ApplyProposalsResult`
 * @throws ts-mls's `ValidationError`, `CryptoVerificationError` or `CodecError`, as its `applyProposals` does
 * @example
 * ```ts
 * const res = await applyMemberProposals(state, commit.proposals, senderLeafIndex, false, cs);
 * ```
 * @internal
 */
export async function applyMemberProposals(
  state: ClientState,
  proposals: readonly ProposalOrRef[],
  committerLeafIndex: number,
  sentByClient: boolean,
  cs: CiphersuiteImpl,
): Promise<ApplyProposalsResult> {
  const allProposals: ProposalWithSender[] = [];
  for (const cur of proposals) {
    if (cur.proposalOrRefType === 'proposal') {
      allProposals.push({ proposal: cur.proposal, senderLeafIndex: committerLeafIndex });
      continue;
    }
    const p = state.unappliedProposals[bytesToBase64(cur.reference)];
    if (p === undefined) throw new ValidationError('Could not find proposal with supplied reference');
    allProposals.push(p);
  }
  const g: Grouped = { add: [], update: [], remove: [], gce: [], other: 0 };
  for (const p of allProposals) {
    const { proposal, senderLeafIndex } = p;
    if (typeof proposal.proposalType === 'number') continue; // ts-mls skips custom proposals
    if (proposal.proposalType === 'add') g.add.push({ proposal, senderLeafIndex });
    else if (proposal.proposalType === 'update') g.update.push({ proposal, senderLeafIndex });
    else if (proposal.proposalType === 'remove') g.remove.push({ proposal, senderLeafIndex });
    else if (proposal.proposalType === 'group_context_extensions') g.gce.push({ proposal, senderLeafIndex });
    else g.other++;
  }
  if (g.other > 0 || !signatureKeyEquality(state)) {
    return tsApplyProposals(state, [...proposals], toLeafIndex(committerLeafIndex), makePskIndex(state, {}), sentByClient, cs);
  }
  const { clientConfig: config, groupContext: gc, ratchetTree: tree } = state;
  throwIfDefined(await validateProposals(g, committerLeafIndex, gc, config.authService, tree));
  const extensions = g.gce.flatMap((p) => p.proposal.groupContextExtensions.extensions);
  const [mutated, addedLeafNodes] = await applyTreeMutations(tree, g, gc, sentByClient, config.authService, config.lifetimeConfig, cs.signature);
  const selfRemoved = mutated[leafToNodeIndex(toLeafIndex(state.privatePath.leafIndex))] === undefined;
  return {
    tree: mutated,
    pskSecret: new Uint8Array(cs.kdf.size),
    pskIds: [],
    additionalResult: { kind: 'memberCommit', addedLeafNodes, extensions },
    needsUpdatePath: allProposals.length === 0 || g.update.length > 0 || g.remove.length > 0,
    selfRemoved,
    allProposals,
  };
}

/** ts-mls's `validateProposals` (RFC 9420 §12.2), each check in its order, with maps instead of pair loops. */
async function validateProposals(g: Grouped, committer: number, gc: GroupContext, authService: AuthenticationService, tree: RatchetTree): Promise<MlsError | undefined> {
  if (g.update.some((o) => o.senderLeafIndex !== undefined && o.senderLeafIndex === committer)) {
    return new ValidationError('Commit cannot contain an update proposal sent by committer');
  }
  if (g.remove.some((o) => o.proposal.remove.removed === committer)) {
    return new ValidationError('Commit cannot contain a remove proposal removing committer');
  }
  const updated = new Set<number | undefined>();
  let clash = false;
  for (const u of g.update) {
    if (updated.has(u.senderLeafIndex)) clash = true;
    updated.add(u.senderLeafIndex);
  }
  const removed = new Set<number>();
  for (const r of g.remove) {
    const l = r.proposal.remove.removed;
    if (removed.has(l) || updated.has(l)) clash = true;
    removed.add(l);
  }
  if (clash) return new ValidationError('Commit cannot contain multiple update and/or remove proposals that apply to the same leaf');
  const addKeys = new Set<string>();
  for (const a of g.add) {
    const k = bytesToBase64(a.proposal.add.keyPackage.leafNode.signaturePublicKey);
    if (addKeys.has(k)) return new ValidationError('Commit cannot contain multiple Add proposals that contain KeyPackages that represent the same client');
    addKeys.add(k);
  }
  // An Add for a client already in the group, unless that client's leaf is removed by this commit.
  const keptKeys = new Set<string>();
  for (let i = 0; i < tree.length; i += 2) {
    const n = tree[i];
    if (n?.nodeType === 'leaf' && !removed.has(i / 2)) keptKeys.add(bytesToBase64(n.leaf.signaturePublicKey));
  }
  for (const k of addKeys) if (keptKeys.has(k)) return new ValidationError('Commit cannot contain an Add proposal for someone already in the group');
  if (!g.add.every((a) => extensionsSupportedByCapabilities(gc.extensions, a.proposal.add.keyPackage.leafNode.capabilities))) {
    return new ValidationError("Added leaf node that doesn't support extension in GroupContext");
  }
  if (g.gce.length > 1) return new ValidationError('Commit cannot contain multiple GroupContextExtensions proposals');
  const all: Extension[] = g.gce.flatMap((p) => p.proposal.groupContextExtensions.extensions);
  const required = all.find((e) => e.extensionType === 'required_capabilities');
  if (required !== undefined) {
    const caps = decodeRequiredCapabilities(required.extensionData, 0);
    if (caps === undefined) return new CodecError('Could not decode required_capabilities');
    for (const n of tree) {
      if (n?.nodeType === 'leaf' && !capabilitiesSupported(caps[0], n.leaf.capabilities)) return new ValidationError('Not all members support required capabilities');
    }
    if (!g.add.every((a) => capabilitiesSupported(caps[0], a.proposal.add.keyPackage.leafNode.capabilities))) {
      return new ValidationError('Commit contains add proposals of member without required capabilities');
    }
  }
  // ts-mls's validateExternalSenders (not exported): one ExternalSender per extension, as ts-mls 1.6.4 reads it.
  for (const e of all) {
    if (e.extensionType !== 'external_senders') continue;
    const decoded = decodeExternalSender(e.extensionData, 0);
    if (decoded === undefined) return new CodecError('Could not decode external_senders');
    if (!(await authService.validateCredential(decoded[0].credential, decoded[0].signaturePublicKey))) {
      return new ValidationError('Could not validate external credential');
    }
  }
  return undefined;
}

/**
 * ts-mls's `applyTreeMutations`: Updates, then Removes, then Adds (each Add into the leftmost blank leaf, or
 * by extending the tree, and listed as unmerged on its non-blank ancestors: RFC 9420 §12.1.1, §7.7).
 * Adds share one tree copy; parent nodes are copied before their `unmerged_leaves` change (the input
 * tree belongs to the previous state).
 */
async function applyTreeMutations(
  tree: RatchetTree,
  g: Grouped,
  gc: GroupContext,
  sentByClient: boolean,
  authService: AuthenticationService,
  lifetime: LifetimeConfig,
  s: Signature,
): Promise<[RatchetTree, [ReturnType<typeof toLeafIndex>, KeyPackage][]]> {
  let acc = tree;
  for (const { senderLeafIndex, proposal } of g.update) {
    if (senderLeafIndex === undefined) throw new InternalError('No sender index found for update proposal');
    throwIfDefined(await validateLeafNodeUpdateOrCommit(proposal.update.leafNode as Parameters<typeof validateLeafNodeUpdateOrCommit>[0], senderLeafIndex, gc, authService, s));
    throwIfDefined(await validateLeafNodeCredentialAndKeyUniqueness(tree, proposal.update.leafNode, senderLeafIndex));
    acc = updateLeafNode(acc, proposal.update.leafNode, toLeafIndex(senderLeafIndex));
  }
  for (const { proposal } of g.remove) {
    if (tree[leafToNodeIndex(toLeafIndex(proposal.remove.removed))] === undefined) throw new ValidationError('Tried to remove empty leaf node');
    acc = removeLeafNode(acc, toLeafIndex(proposal.remove.removed));
  }
  if (g.add.length === 0) return [acc, []];
  // Every Add validated against the tree before the commit, all started together (see the module comment).
  const treeChecks = new Map<string, Promise<ValidationError | undefined>>();
  const results = await Promise.all(
    g.add.map(({ proposal }) => validateKeyPackage(proposal.add.keyPackage, gc, tree, treeChecks, sentByClient, lifetime, authService, s)),
  );
  for (let i = results.length - 1; i >= 0; i--) throwIfDefined(results[i]);
  const out: RatchetTree = acc.slice();
  const copied = new Set<number>();
  const added: [ReturnType<typeof toLeafIndex>, KeyPackage][] = [];
  let cursor = 0;
  for (const { proposal } of g.add) {
    while (cursor < out.length && out[cursor] !== undefined) cursor += 2;
    const leafNode = proposal.add.keyPackage.leafNode;
    if (cursor >= out.length) {
      // ts-mls's extendTree: [...tree, blank root, the leaf, blanks]
      const width = out.length;
      out.push(undefined, { nodeType: 'leaf', leaf: leafNode });
      for (let i = 0; i < width - 1; i++) out.push(undefined);
      cursor = width + 1;
    } else {
      for (const p of directPath(toNodeIndex(cursor), leafWidth(out.length))) {
        const node = out[p];
        if (node?.nodeType !== 'parent') continue;
        if (copied.has(p)) node.parent.unmergedLeaves.push(cursor / 2);
        else {
          out[p] = { nodeType: 'parent', parent: { ...node.parent, unmergedLeaves: [...node.parent.unmergedLeaves, cursor / 2] } };
          copied.add(p);
        }
      }
      out[cursor] = { nodeType: 'leaf', leaf: leafNode };
    }
    added.push([toLeafIndex(cursor / 2), proposal.add.keyPackage]);
  }
  return [out, added];
}

/** ts-mls's `validateKeyPackage` (not exported), RFC 9420 §12.2 / §10.1, same order and messages. */
async function validateKeyPackage(
  kp: KeyPackage,
  gc: GroupContext,
  tree: RatchetTree,
  treeChecks: Map<string, Promise<ValidationError | undefined>>,
  sentByClient: boolean,
  lifetime: LifetimeConfig,
  authService: AuthenticationService,
  s: Signature,
): Promise<MlsError | undefined> {
  if (kp.cipherSuite !== gc.cipherSuite) return new ValidationError('Invalid CipherSuite');
  if (kp.version !== gc.version) return new ValidationError('Invalid mls version');
  const leaf = kp.leafNode;
  // Both signatures are started now, in the same turn for every Add, so the provider sends them to the thread pool
  // in one batch (D29, D33); their verdicts are read below in ts-mls's order. Decision D31: both TBS structs are slices of
  // the KeyPackage's one encoding (ts-mls encodes each from scratch).
  const both = (async () =>
    Promise.all([
      leaf.leafNodeSource === 'key_package' ? verifyKeyPackageLeafCached(leaf, s) : verifyLeafNodeSignatureKeyPackage(leaf as Parameters<typeof verifyLeafNodeSignatureKeyPackage>[0], s),
      verifyKeyPackageCached(kp, s),
    ]))();
  both.catch(() => undefined); // read (and rethrown) below, unless an earlier check fails first
  // ts-mls checks the tree (its key uniqueness, every member supporting the credential type) without the new
  // leaf: the verdict depends on the credential type only, so it is computed once per type.
  const type = String(kp.leafNode.credential.credentialType);
  let treeCheck = treeChecks.get(type);
  if (treeCheck === undefined) {
    treeCheck = validateLeafNodeCredentialAndKeyUniqueness(tree, kp.leafNode);
    treeChecks.set(type, treeCheck);
  }
  const treeErr = await treeCheck;
  if (treeErr !== undefined) return treeErr;
  const [leafOk, kpOk] = await both;
  if (!leafOk) return new CryptoVerificationError('Could not verify leaf node signature');
  if ((sentByClient || lifetime.validateLifetimeOnReceive) && leaf.leafNodeSource === 'key_package') {
    const now = BigInt(Math.floor(Date.now() / 1000));
    if (leaf.lifetime.notBefore > now || leaf.lifetime.notAfter < now) return new ValidationError('Current time not within Lifetime');
  }
  if (!(await authService.validateCredential(leaf.credential, leaf.signaturePublicKey))) return new ValidationError('Could not validate credential');
  const required = gc.extensions.find((e) => e.extensionType === 'required_capabilities');
  if (required !== undefined) {
    const caps = decodeRequiredCapabilities(required.extensionData, 0);
    if (caps === undefined) return new CodecError('Could not decode required_capabilities');
    if (!capabilitiesSupported(caps[0], leaf.capabilities)) return new ValidationError('LeafNode does not support required capabilities');
  }
  if (!extensionsSupportedByCapabilities(leaf.extensions, leaf.capabilities)) return new ValidationError('LeafNode contains extension not listed in capabilities');
  if (!kpOk) return new CryptoVerificationError('Invalid keypackage signature');
  if (bytesEqual(kp.initKey, kp.leafNode.hpkePublicKey)) return new ValidationError('Cannot have identicial init and encryption keys');
  return undefined;
}
