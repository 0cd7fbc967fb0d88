/**
 * The encode-once commit path (docs/decisions.md (MLS adapter) D31–D33): src/mls/encoding.ts, framing.ts and
 * secretTree.ts against ts-mls 1.6.4's own encoders and functions (the independent implementation), byte for
 * byte, and whole commits exchanged with plain ts-mls running its default (noble) crypto provider: a commit built
 * by the optimised path is processed by ts-mls's `processPublicMessage` and its Welcome joined by ts-mls's
 * `joinGroup`, and a ts-mls `createCommit` is processed by `processMimiCommit`, to the same epoch authenticator,
 * tree hash and confirmed transcript hash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultCryptoProvider,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPublicMessage,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Proposal,
  type PublicMessage,
} from 'ts-mls';
import { encode } from 'ts-mls/codec/tlsEncoder.js';
import { createContentCommitSignature, encodeFramedContent, type FramedContent } from 'ts-mls/framedContent.js';
import { encodeKeyPackage, encodeKeyPackageTBS, makeKeyPackageRef, verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { protectPublicMessage } from 'ts-mls/messageProtectionPublic.js';
import { encodeLeafNode, encodeLeafNodeTBS, verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import { ratchetTreeEncoder, type RatchetTree } from 'ts-mls/ratchetTree.js';
import { createSecretTree, secretTreeEncoder } from 'ts-mls/secretTree.js';
import { treeHashRoot } from 'ts-mls/treeHash.js';
import { toLeafIndex } from 'ts-mls/treemath.js';
import { applyUpdatePath, type UpdatePath } from 'ts-mls/updatePath.js';
import { createMimiCommit } from '../../src/mls/commit.js';
import {
  encodeCommitContent,
  encodeRatchetTreeCached,
  keyPackageBytes,
  keyPackageRefCached,
  leafNodeBytes,
  treeHashRootCached,
  verifyKeyPackageCached,
  verifyKeyPackageLeafCached,
} from '../../src/mls/encoding.js';
import { processMimiCommit } from '../../src/mls/processCommit.js';
import { applyMemberProposals } from '../../src/mls/proposals.js';
import { createSecretTreeFast } from '../../src/mls/secretTree.js';
import { applyUpdatePathCached } from '../../src/mls/updatePath.js';
import { mimiSuite } from '../../src/mls/suite.js';

const enc = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const SUITE = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');

interface Member {
  kp: KeyPackage;
  priv: PrivateKeyPackage;
}

async function member(cs: CiphersuiteImpl, name: string): Promise<Member> {
  const { publicPackage, privatePackage } = await generateKeyPackage({ credentialType: 'basic', identity: enc.encode(name) }, defaultCapabilities(), defaultLifetime, [], cs);
  return { kp: publicPackage, priv: privatePackage };
}

const pub = (m: MLSMessage): PublicMessage => {
  if (m.wireformat !== 'mls_public_message') throw new Error('not public');
  return m.publicMessage;
};
const add = (m: Member): Proposal => ({ proposalType: 'add', add: { keyPackage: m.kp } });
type CommitContent = Extract<FramedContent, { contentType: 'commit' }>;
const commitContent = (m: MLSMessage): CommitContent => {
  const c = pub(m).content;
  if (c.contentType !== 'commit') throw new Error('not a commit');
  return c;
};

/** alice and bob in a group of `size`, after a Remove of leaves 3 and 5 (blank leaves, unmerged-free parents). */
async function group(cs: CiphersuiteImpl, size: number): Promise<{ alice: ClientState; bob: ClientState; ms: Member[] }> {
  const ms = await Promise.all(Array.from({ length: size }, (_, i) => member(cs, `m${i}`)));
  let alice = await createGroup(enc.encode('g'), ms[0]!.kp, ms[0]!.priv, [], cs);
  const first = await createMimiCommit(alice, cs, ms.slice(1).map(add), []);
  alice = first.newState;
  let bob = await joinGroup(first.welcome!, ms[1]!.kp, ms[1]!.priv, emptyPskIndex, cs);
  const rm: Proposal[] = [3, 5].map((removed) => ({ proposalType: 'remove', remove: { removed } }));
  const second = await createMimiCommit(alice, cs, rm, []);
  bob = (await processPublicMessage(bob, pub(second.commit), emptyPskIndex, cs)).newState;
  return { alice: second.newState, bob, ms };
}

describe('encode-once (decision D31): byte for byte as ts-mls', () => {
  it('key packages: the encoding, both TBS slices, the reference and the signature verdicts are ts-mls’s', async () => {
    const cs = await mimiSuite();
    const ms = await Promise.all(Array.from({ length: 4 }, (_, i) => member(cs, `k${i}-${'x'.repeat(i * 40)}`)));
    for (const { kp } of ms) {
      expect(hex(keyPackageBytes(kp))).toBe(hex(encodeKeyPackage(kp)));
      expect(hex(leafNodeBytes(kp.leafNode))).toBe(hex(encodeLeafNode(kp.leafNode)));
      const b = keyPackageBytes(kp);
      // KeyPackageTBS is the KeyPackage without signature<V> (64 bytes, 2-byte length): RFC 9420 §10
      expect(hex(b.subarray(0, b.length - 66))).toBe(hex(encodeKeyPackageTBS(kp)));
      const l = leafNodeBytes(kp.leafNode);
      expect(hex(l.subarray(0, l.length - 66))).toBe(hex(encodeLeafNodeTBS(kp.leafNode as Parameters<typeof encodeLeafNodeTBS>[0])));
      expect(hex(await keyPackageRefCached(kp, cs.hash))).toBe(hex(await makeKeyPackageRef(kp, cs.hash)));
    }
    // flipping any one bit of any field the signatures cover (or of the signatures) gives ts-mls's verdicts
    const fields = ['initKey', 'signature', 'leaf.hpkePublicKey', 'leaf.signature', 'leaf.identity', 'leaf.signaturePublicKey'] as const;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...fields), fc.nat(600), async (k, field, bit) => {
        const kp0 = ms[k]!.kp;
        const flip = (b: Uint8Array): Uint8Array => {
          const c = b.slice();
          c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
          return c;
        };
        const leaf = kp0.leafNode;
        const kp: KeyPackage =
          field === 'initKey' ? { ...kp0, initKey: flip(kp0.initKey) }
          : field === 'signature' ? { ...kp0, signature: flip(kp0.signature) }
          : field === 'leaf.hpkePublicKey' ? { ...kp0, leafNode: { ...leaf, hpkePublicKey: flip(leaf.hpkePublicKey) } }
          : field === 'leaf.signature' ? { ...kp0, leafNode: { ...leaf, signature: flip(leaf.signature) } }
          : field === 'leaf.signaturePublicKey' ? { ...kp0, leafNode: { ...leaf, signaturePublicKey: flip(leaf.signaturePublicKey) } }
          : { ...kp0, leafNode: { ...leaf, credential: { credentialType: 'basic', identity: flip(enc.encode(`k${k}`)) } } };
        const theirs = [await verifyKeyPackage(kp, cs.signature).catch(() => 'throws'), await verifyLeafNodeSignatureKeyPackage(kp.leafNode as Parameters<typeof verifyLeafNodeSignatureKeyPackage>[0], cs.signature).catch(() => 'throws')];
        const ours = [await verifyKeyPackageCached(kp, cs.signature).catch(() => 'throws'), await verifyKeyPackageLeafCached(kp.leafNode, cs.signature).catch(() => 'throws')];
        expect(ours).toEqual(theirs);
        expect(theirs).not.toEqual([true, true]);
      }),
      { numRuns: 60 },
    );
  });

  it('a commit’s FramedContent: any mix of Adds, Removes, references, a GCE and a path encodes as ts-mls encodes it (fast-check)', async () => {
    const cs = await mimiSuite();
    const { alice, ms } = await group(cs, 8);
    const joiners = await Promise.all(Array.from({ length: 5 }, (_, i) => member(cs, `j${i}`)));
    // a real UpdatePath, and a real commit's header fields
    const real = commitContent((await createMimiCommit(alice, cs, [{ proposalType: 'remove', remove: { removed: 2 } }], [])).commit);
    const pool: ProposalOrRef[] = [
      ...joiners.map((j): ProposalOrRef => ({ proposalOrRefType: 'proposal', proposal: add(j) })),
      { proposalOrRefType: 'proposal', proposal: { proposalType: 'remove', remove: { removed: 6 } } },
      // (an Update carrying a key_package leaf: invalid in a group, but the encoding is what is compared)
      { proposalOrRefType: 'proposal', proposal: { proposalType: 'update', update: { leafNode: ms[1]!.kp.leafNode } } } as unknown as ProposalOrRef,
      { proposalOrRefType: 'proposal', proposal: { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [{ extensionType: 0xf0a1, extensionData: Uint8Array.of(1, 2, 3) }] } } },
      { proposalOrRefType: 'reference', reference: new Uint8Array(32).fill(7) },
      { proposalOrRefType: 'proposal', proposal: { proposalType: 0xf0f0, proposalData: Uint8Array.of(9) } },
    ];
    await fc.assert(
      fc.property(fc.array(fc.nat(pool.length - 1), { maxLength: 12 }), fc.boolean(), fc.uint8Array({ maxLength: 70 }), (picks, withPath, aad) => {
        const content: CommitContent = { ...real, authenticatedData: aad, commit: { proposals: picks.map((i) => pool[i]!), path: withPath ? real.commit.path : undefined } };
        expect(hex(encodeCommitContent(content))).toBe(hex(encodeFramedContent(content)));
      }),
      { numRuns: 200 },
    );
  });

  it('tree hash and ratchet tree encoding: blank leaves, unmerged leaves, extended trees, as ts-mls', async () => {
    const cs = await mimiSuite();
    const { alice, bob } = await group(cs, 8);
    const joiners = await Promise.all(Array.from({ length: 12 }, (_, i) => member(cs, `t${i}`)));
    // Adds fill leaves 3 and 5 (listed as unmerged on their parents) then extend the tree (no path: Adds only)
    const r = await createMimiCommit(alice, cs, joiners.map(add), []);
    const after = (await processMimiCommit(bob, pub(r.commit), cs)).newState;
    for (const s of [alice, bob, r.newState, after]) {
      expect(hex(await treeHashRootCached(s.ratchetTree, cs.hash))).toBe(hex(await treeHashRoot(s.ratchetTree, cs.hash)));
      expect(hex(encodeRatchetTreeCached(s.ratchetTree))).toBe(hex(encode(ratchetTreeEncoder)(s.ratchetTree)));
    }
    expect(after.ratchetTree.some((n) => n?.nodeType === 'parent' && n.parent.unmergedLeaves.length > 0)).toBe(true);
    expect(hex(after.groupContext.treeHash)).toBe(hex(await treeHashRoot(after.ratchetTree, cs.hash)));
  });

  it('the commit’s wire bytes are encodeMlsMessage of the commit it returns', async () => {
    const cs = await mimiSuite();
    const { alice } = await group(cs, 6);
    const joiners = await Promise.all(Array.from({ length: 3 }, (_, i) => member(cs, `w${i}`)));
    for (const ps of [joiners.map(add), [{ proposalType: 'remove', remove: { removed: 4 } } as Proposal, ...joiners.map(add)], []]) {
      const r = await createMimiCommit(alice, cs, ps, []);
      expect(hex(r.commitBytes)).toBe(hex(encodeMlsMessage(r.commit)));
    }
  });
});

describe('error order on a received commit (decision D33)', () => {
  it('a bad key package in a received commit whose confirmation tag is also wrong: ts-mls’s key-package error, state unchanged', async () => {
    const cs = await mimiSuite();
    const { alice, bob } = await group(cs, 6);
    const joiners = await Promise.all(Array.from({ length: 20 }, (_, i) => member(cs, `d${i}`)));
    const r = await createMimiCommit(alice, cs, [{ proposalType: 'remove', remove: { removed: 4 } }, ...joiners.map(add)], []);
    const pm = pub(r.commit);
    if (pm.content.contentType !== 'commit' || pm.auth.contentType !== 'commit') throw new Error('not a commit');
    // the last joiner's key-package signature flipped (the last Add: ts-mls leaves no unhandled rejection then),
    // the commit re-signed and re-tagged by alice (ts-mls's own functions): the transcript changes, so the (old)
    // confirmation tag no longer verifies either
    const last = pm.content.commit.proposals.length - 1;
    const proposals = pm.content.commit.proposals.map((p, i): ProposalOrRef =>
      i === last && p.proposalOrRefType === 'proposal' && p.proposal.proposalType === 'add'
        ? { proposalOrRefType: 'proposal', proposal: { proposalType: 'add', add: { keyPackage: { ...p.proposal.add.keyPackage, signature: p.proposal.add.keyPackage.signature.map((b, k) => (k === 3 ? b ^ 4 : b)) } } } }
        : p,
    );
    const { signature, framedContent } = await createContentCommitSignature(alice.groupContext, 'mls_public_message', { proposals, path: pm.content.commit.path }, pm.content.sender, pm.content.authenticatedData, alice.signaturePrivateKey, cs.signature);
    const forged = await protectPublicMessage(alice.keySchedule.membershipKey, alice.groupContext, { wireformat: 'mls_public_message', content: framedContent, auth: { contentType: 'commit', signature, confirmationTag: pm.auth.confirmationTag } }, cs);
    const before = hex(encodeGroupState(bob));
    await expect(processPublicMessage(bob, forged, emptyPskIndex, cs)).rejects.toThrow('Invalid keypackage signature');
    await expect(processMimiCommit(bob, forged, cs)).rejects.toThrow('Invalid keypackage signature');
    // with the key package intact, the wrong confirmation tag is what both report
    const { signature: s2, framedContent: f2 } = await createContentCommitSignature(alice.groupContext, 'mls_public_message', { proposals: pm.content.commit.proposals, path: pm.content.commit.path }, pm.content.sender, Uint8Array.of(1), alice.signaturePrivateKey, cs.signature);
    const forged2 = await protectPublicMessage(alice.keySchedule.membershipKey, alice.groupContext, { wireformat: 'mls_public_message', content: f2, auth: { contentType: 'commit', signature: s2, confirmationTag: pm.auth.confirmationTag } }, cs);
    await expect(processPublicMessage(bob, forged2, emptyPskIndex, cs)).rejects.toThrow('Could not verify confirmation tag');
    await expect(processMimiCommit(bob, forged2, cs)).rejects.toThrow('Could not verify confirmation tag');
    expect(hex(encodeGroupState(bob))).toBe(before);
    // and the commit as sent is processed to the committer's epoch
    expect(hex((await processMimiCommit(bob, pm, cs)).newState.keySchedule.epochAuthenticator)).toBe(hex(r.newState.keySchedule.epochAuthenticator));
  });
});

describe('UpdatePath with cached tree hashes (decision D32)', () => {
  it('applyUpdatePathCached gives ts-mls applyUpdatePath’s tree, and its errors on tampered paths', async () => {
    const cs = await mimiSuite();
    const { alice, bob } = await group(cs, 9);
    const joiners = await Promise.all(Array.from({ length: 6 }, (_, i) => member(cs, `u${i}`)));
    // Adds first (unmerged leaves on parents), then a Remove with a path over them
    const a = await createMimiCommit(alice, cs, joiners.map(add), []);
    const bob2 = (await processMimiCommit(bob, pub(a.commit), cs)).newState;
    const r = await createMimiCommit(a.newState, cs, [{ proposalType: 'remove', remove: { removed: 7 } }], []);
    const c = commitContent(r.commit);
    const path = c.commit.path!;
    const before = await applyMemberProposals(bob2, c.commit.proposals, 0, false, cs);
    const sender = toLeafIndex(0);
    const outcome = async (f: () => Promise<RatchetTree>): Promise<string> => {
      try {
        return hex(encode(ratchetTreeEncoder)(await f()));
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
    };
    const flip = (b: Uint8Array): Uint8Array => b.map((x, i) => (i === 0 ? x ^ 1 : x));
    const committerLeaf = bob2.ratchetTree[0];
    const existingParent = bob2.ratchetTree.find((x) => x?.nodeType === 'parent');
    if (committerLeaf?.nodeType !== 'leaf' || existingParent?.nodeType !== 'parent') throw new Error('unexpected tree');
    const leafKey = committerLeaf.leaf.hpkePublicKey;
    const parentKey = existingParent.parent.hpkePublicKey;
    const variants: UpdatePath[] = [
      path,
      { ...path, nodes: path.nodes.slice(1) },
      { ...path, nodes: path.nodes.map((n, i) => (i === 1 ? { ...n, hpkePublicKey: flip(n.hpkePublicKey) } : n)) },
      { ...path, leafNode: { ...path.leafNode, parentHash: flip(path.leafNode.parentHash) } },
      { ...path, leafNode: { ...path.leafNode, hpkePublicKey: leafKey } },
      { ...path, nodes: path.nodes.map((n, i) => (i === 0 ? { ...n, hpkePublicKey: parentKey } : n)) },
    ];
    const results: string[] = [];
    for (const v of variants) {
      const ours = await outcome(() => applyUpdatePathCached(before.tree, sender, v, cs.hash));
      const theirs = await outcome(() => applyUpdatePath(before.tree, sender, v, cs.hash));
      expect(ours).toBe(theirs);
      results.push(ours.startsWith('ValidationError') ? ours : 'tree');
    }
    expect(results[0]).toBe('tree');
    expect(new Set(results.slice(1))).toEqual(
      new Set([
        'ValidationError: Invalid length of UpdatePath',
        'ValidationError: Parent hash did not match the UpdatePath',
        "ValidationError: Public key in the LeafNode is the same as the committer's current leaf node",
        'ValidationError: Public keys in the UpdatePath may not appear in a node of the new ratchet tree',
      ]),
    );
  });
});

describe('secret tree (decision D32)', () => {
  it('is ts-mls’s createSecretTree, value for value, for 1 to 64 leaves', async () => {
    const cs = await mimiSuite();
    for (const width of [1, 2, 4, 8, 64]) {
      const secret = cs.rng.randomBytes(32);
      const ours = await createSecretTreeFast(width, secret, cs.kdf);
      const theirs = await createSecretTree(width, secret, cs.kdf);
      expect(ours).toEqual(theirs);
      expect(hex(encode(secretTreeEncoder)(ours))).toBe(hex(encode(secretTreeEncoder)(theirs)));
    }
  });
});

describe('interop with plain ts-mls (default crypto provider)', () => {
  it('a commit of the optimised path is processed by ts-mls processPublicMessage and joined by ts-mls joinGroup to the same epoch', async () => {
    const fast = await mimiSuite();
    const plain = await getCiphersuiteImpl(SUITE, defaultCryptoProvider);
    const ms = await Promise.all(Array.from({ length: 4 }, (_, i) => member(fast, `a${i}`)));
    let alice = await createGroup(enc.encode('interop'), ms[0]!.kp, ms[0]!.priv, [], fast);
    const first = await createMimiCommit(alice, fast, ms.slice(1).map(add), []);
    alice = first.newState;
    let bob = await joinGroup(first.welcome!, ms[1]!.kp, ms[1]!.priv, emptyPskIndex, plain);
    expect(hex(bob.keySchedule.epochAuthenticator)).toBe(hex(alice.keySchedule.epochAuthenticator));
    // Adds + a Remove (UpdatePath) + a GroupContextExtensions change, in one commit
    const joiners = await Promise.all(Array.from({ length: 10 }, (_, i) => member(fast, `b${i}`)));
    const gce: Proposal = { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [{ extensionType: 0xf0a1, extensionData: Uint8Array.of(5) }] } };
    const r = await createMimiCommit(alice, fast, [{ proposalType: 'remove', remove: { removed: 3 } }, ...joiners.map(add)], []);
    const decoded = r.commit;
    const theirs = await processPublicMessage(bob, pub(decoded), emptyPskIndex, plain);
    bob = theirs.newState;
    expect(hex(bob.keySchedule.epochAuthenticator)).toBe(hex(r.newState.keySchedule.epochAuthenticator));
    expect(hex(bob.groupContext.treeHash)).toBe(hex(r.newState.groupContext.treeHash));
    expect(hex(bob.groupContext.confirmedTranscriptHash)).toBe(hex(r.newState.groupContext.confirmedTranscriptHash));
    expect(hex(bob.groupContext.treeHash)).toBe(hex(await treeHashRoot(bob.ratchetTree, plain.hash)));
    const joined = await joinGroup(r.welcome!, joiners[9]!.kp, joiners[9]!.priv, emptyPskIndex, plain);
    expect(hex(joined.keySchedule.epochAuthenticator)).toBe(hex(r.newState.keySchedule.epochAuthenticator));
    // and the optimised receiver agrees with plain ts-mls on the same commit, state for state
    const carolFast = await joinGroup(first.welcome!, ms[2]!.kp, ms[2]!.priv, emptyPskIndex, fast);
    const carolPlain = await joinGroup(first.welcome!, ms[2]!.kp, ms[2]!.priv, emptyPskIndex, plain);
    const ours = await processMimiCommit(carolFast, pub(decoded), fast);
    const theirsCarol = await processPublicMessage(carolPlain, pub(decoded), emptyPskIndex, plain);
    expect(hex(encodeGroupState(ours.newState))).toBe(hex(encodeGroupState(theirsCarol.newState)));
    // a GroupContextExtensions commit (UpdatePath encrypted to the provisional context, D7)
    const g = await createMimiCommit(r.newState, fast, [gce], []);
    const bobAfter = await processPublicMessage(bob, pub(g.commit), emptyPskIndex, plain);
    expect(hex(bobAfter.newState.keySchedule.epochAuthenticator)).toBe(hex(g.newState.keySchedule.epochAuthenticator));
    expect(bobAfter.newState.groupContext.extensions.some((e) => e.extensionType === 0xf0a1)).toBe(true);
  });

  it('a commit made by plain ts-mls createCommit is processed by processMimiCommit to the committer’s epoch', async () => {
    const fast = await mimiSuite();
    const plain = await getCiphersuiteImpl(SUITE, defaultCryptoProvider);
    const ms = await Promise.all(Array.from({ length: 4 }, (_, i) => member(plain, `p${i}`)));
    const alice0 = await createGroup(enc.encode('interop2'), ms[0]!.kp, ms[0]!.priv, [], plain);
    const first = await createCommit({ state: alice0, cipherSuite: plain }, { extraProposals: ms.slice(1).map(add), ratchetTreeExtension: true });
    const bob = await joinGroup(first.welcome!, ms[1]!.kp, ms[1]!.priv, emptyPskIndex, fast);
    const joiners = await Promise.all(Array.from({ length: 8 }, (_, i) => member(plain, `q${i}`)));
    const gce: Proposal = { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [{ extensionType: 0xf0a1, extensionData: Uint8Array.of(6) }] } };
    for (const extra of [joiners.map(add), [{ proposalType: 'remove', remove: { removed: 2 } } as Proposal, ...joiners.map(add)], [gce]]) {
      const c = await createCommit({ state: first.newState, cipherSuite: plain }, { extraProposals: extra, wireAsPublicMessage: true });
      const ours = await processMimiCommit(bob, pub(c.commit), fast);
      expect(hex(ours.newState.keySchedule.epochAuthenticator)).toBe(hex(c.newState.keySchedule.epochAuthenticator));
      expect(hex(ours.newState.groupContext.treeHash)).toBe(hex(c.newState.groupContext.treeHash));
      expect(hex(ours.newState.groupContext.confirmedTranscriptHash)).toBe(hex(c.newState.groupContext.confirmedTranscriptHash));
      const theirs = await processPublicMessage(bob, pub(c.commit), emptyPskIndex, plain);
      expect(hex(encodeGroupState(ours.newState))).toBe(hex(encodeGroupState(theirs.newState)));
    }
  });

  it('a tampered commit is refused as ts-mls refuses it (membership tag, then signature)', async () => {
    const fast = await mimiSuite();
    const { alice, bob } = await group(fast, 7);
    const r = await createMimiCommit(alice, fast, [{ proposalType: 'remove', remove: { removed: 4 } }], []);
    const pm = pub(r.commit);
    if (pm.senderType !== 'member') throw new Error('not from a member');
    const badTag = { ...pm, membershipTag: pm.membershipTag.map((b, i) => (i === 0 ? b ^ 1 : b)) } as PublicMessage;
    await expect(processMimiCommit(bob, badTag, fast)).rejects.toThrow('Could not verify membership');
    await expect(processPublicMessage(bob, badTag, emptyPskIndex, fast)).rejects.toThrow('Could not verify membership');
    if (pm.auth.contentType !== 'commit') throw new Error('not a commit');
    const badSig = { ...pm, auth: { ...pm.auth, signature: pm.auth.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) } } as PublicMessage;
    // the tag covers the signature: ts-mls reports the tag first
    await expect(processMimiCommit(bob, badSig, fast)).rejects.toThrow('Could not verify membership');
    await expect(processPublicMessage(bob, badSig, emptyPskIndex, fast)).rejects.toThrow('Could not verify membership');
    // a bad signature under a valid membership tag (re-tagged with ts-mls's protectPublicMessage)
    const retagged = await protectPublicMessage(bob.keySchedule.membershipKey, bob.groupContext, { wireformat: 'mls_public_message', content: badSig.content, auth: badSig.auth }, fast);
    await expect(processMimiCommit(bob, retagged, fast)).rejects.toThrow('Signature invalid');
    await expect(processPublicMessage(bob, retagged, emptyPskIndex, fast)).rejects.toThrow('Signature invalid');
  });
});
