/**
 * The linear proposal application (src/mls/proposals.ts) and commit processing (src/mls/processCommit.ts)
 * against ts-mls 1.6.4's own `applyProposals` / `processPublicMessage` (the independent implementation):
 * same resulting group state and epoch authenticator, same refusals (class and message) on corrupted
 * commits. docs/decisions.md (MLS adapter) D29.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  generateKeyPackage,
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
import { applyProposals, makePskIndex } from 'ts-mls/clientState.js';
import { encode } from 'ts-mls/codec/tlsEncoder.js';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import { ratchetTreeEncoder } from 'ts-mls/ratchetTree.js';
import { toLeafIndex } from 'ts-mls/treemath.js';
import { createMimiCommit } from '../../src/mls/commit.js';
import { joinFromWelcomeFast } from '../../src/mls/join.js';
import { processMimiCommit } from '../../src/mls/processCommit.js';
import { applyMemberProposals } from '../../src/mls/proposals.js';
import { mimiSuite } from '../../src/mls/suite.js';

const enc = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

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
const add = (m: Member | KeyPackage): Proposal => ({ proposalType: 'add', add: { keyPackage: 'kp' in m ? m.kp : m } });

/**
 * alice and bob in a group of `size` members, after a Remove commit of two members (so parent nodes are
 * filled, leaves blank: Adds then fill the blanks and list themselves as unmerged, then extend the tree).
 */
async function group(size: number): Promise<{ cs: CiphersuiteImpl; alice: ClientState; bob: ClientState }> {
  const cs = await mimiSuite();
  const ms = await Promise.all(Array.from({ length: size }, (_, i) => member(cs, `m${i}`)));
  let alice = await createGroup(enc.encode('g'), ms[0]!.kp, ms[0]!.priv, [], cs);
  const first = await createMimiCommit(alice, cs, ms.slice(1).map(add), []);
  alice = first.newState;
  let bob = await joinGroup(first.welcome!, ms[1]!.kp, ms[1]!.priv, emptyPskIndex, cs);
  const rm: Proposal[] = [3, 5].map((removed) => ({ proposalType: 'remove', remove: { removed } }));
  const second = await createMimiCommit(alice, cs, rm, []);
  bob = (await processPublicMessage(bob, pub(second.commit), emptyPskIndex, cs)).newState;
  return { cs, alice: second.newState, bob };
}

type Outcome = { ok: true; tree: string; added: string; ext: string; path: boolean; self: boolean } | { ok: false; error: string };

async function outcome(f: () => Promise<Awaited<ReturnType<typeof applyProposals>>>): Promise<Outcome> {
  try {
    const r = await f();
    if (r.additionalResult.kind !== 'memberCommit') throw new Error('not a member commit');
    return {
      ok: true,
      tree: hex(encode(ratchetTreeEncoder)(r.tree)),
      added: r.additionalResult.addedLeafNodes.map(([l]) => l).join(','),
      ext: JSON.stringify(r.additionalResult.extensions.map((e) => [e.extensionType, hex(e.extensionData)])),
      path: r.needsUpdatePath,
      self: r.selfRemoved,
    };
  } catch (e) {
    return { ok: false, error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

const byValue = (ps: readonly Proposal[]): ProposalOrRef[] => ps.map((proposal) => ({ proposalOrRefType: 'proposal', proposal }));

describe('linear proposal application (decision D29)', () => {
  it('processing a commit adding 40 clients gives the same group state and epoch authenticator as ts-mls', async () => {
    const { cs, alice, bob } = await group(8);
    const joiners = await Promise.all(Array.from({ length: 40 }, (_, i) => member(cs, `j${i}`)));
    const res = await createMimiCommit(alice, cs, joiners.map(add), []);
    const theirs = await processPublicMessage(bob, pub(res.commit), emptyPskIndex, cs);
    const ours = await processMimiCommit(bob, pub(res.commit), cs);
    expect(hex(encodeGroupState(ours.newState))).toBe(hex(encodeGroupState(theirs.newState)));
    expect(hex(ours.newState.keySchedule.epochAuthenticator)).toBe(hex(res.newState.keySchedule.epochAuthenticator));
    // the two blanked leaves (3, 5) are filled first, then the tree is extended (RFC 9420 §12.1.1)
    expect(ours.newState.ratchetTree.length).toBe(2 * 64 - 1);
    // (ts-mls's own joinGroup refuses this valid tree: decision D17; the adapter's join accepts it)
    const j = await joinFromWelcomeFast(res.welcome!, joiners[39]!.kp, joiners[39]!.priv, cs, bob.clientConfig);
    expect(hex(j.keySchedule.epochAuthenticator)).toBe(hex(ours.newState.keySchedule.epochAuthenticator));
  });

  it('a commit mixing Removes, Adds and a GroupContextExtensions change: same state as ts-mls', async () => {
    const { cs, alice, bob } = await group(6);
    const joiners = await Promise.all(Array.from({ length: 3 }, (_, i) => member(cs, `k${i}`)));
    const gce: Proposal = { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [{ extensionType: 0xf0a1, extensionData: Uint8Array.of(1, 2) }] } };
    const rm: Proposal = { proposalType: 'remove', remove: { removed: 4 } };
    const res = await createMimiCommit(alice, cs, [rm, ...joiners.map(add), gce], []);
    const theirs = await processPublicMessage(bob, pub(res.commit), emptyPskIndex, cs);
    const ours = await processMimiCommit(bob, pub(res.commit), cs);
    expect(hex(encodeGroupState(ours.newState))).toBe(hex(encodeGroupState(theirs.newState)));
  });

  it('gives the same verdict and error as ts-mls applyProposals on corrupted proposal lists (fast-check)', async () => {
    const { cs, alice } = await group(8);
    const pool = await Promise.all(Array.from({ length: 6 }, (_, i) => member(cs, `p${i}`)));
    const existing = alice.ratchetTree.flatMap((n) => (n?.nodeType === 'leaf' ? [n.leaf] : []));
    const flip = (b: Uint8Array, i: number): Uint8Array => {
      const c = b.slice();
      c[i % c.length]! ^= 1;
      return c;
    };
    // Each corruption turns one valid proposal into one ts-mls must refuse (or, for some, may accept).
    const corrupt = (kp: KeyPackage, kind: number, i: number): Proposal[] => {
      switch (kind) {
        case 0: return [add(kp)];
        case 1: return [add({ ...kp, signature: flip(kp.signature, i) })];
        case 2: return [add({ ...kp, leafNode: { ...kp.leafNode, signature: flip(kp.leafNode.signature, i) } })];
        case 3: return [add({ ...kp, cipherSuite: 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519' })];
        case 4: return [add({ ...kp, initKey: kp.leafNode.hpkePublicKey })];
        case 5: return [add(kp), add(kp)];
        case 6: return [add({ ...kp, leafNode: { ...kp.leafNode, signaturePublicKey: existing[i % existing.length]!.signaturePublicKey } })];
        case 7: return [{ proposalType: 'remove', remove: { removed: 0 } }];
        case 8: return [{ proposalType: 'remove', remove: { removed: 3 } }]; // blank leaf
        case 9: return [{ proposalType: 'remove', remove: { removed: 2 } }, { proposalType: 'remove', remove: { removed: 2 } }];
        case 10: return [{ proposalType: 'remove', remove: { removed: 2 } }, add({ ...kp, leafNode: { ...kp.leafNode, signaturePublicKey: existing[2]!.signaturePublicKey } })];
        case 11: return [add({ ...kp, leafNode: { ...kp.leafNode, capabilities: { ...kp.leafNode.capabilities, credentials: [] } } })];
        default: return [add({ ...kp, version: 'mls10' }), { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [] } }, { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [] } }];
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 5 }), fc.nat(400), fc.boolean(), async (kind, at, i, sentByClient) => {
        const ps: Proposal[] = [];
        pool.forEach((m, k) => ps.push(...(k === at ? corrupt(m.kp, kind, i) : [add(m)])));
        const list = byValue(ps);
        const theirs = await outcome(() => applyProposals(alice, list, toLeafIndex(0), makePskIndex(alice, {}), sentByClient, cs));
        const ours = await outcome(() => applyMemberProposals(alice, list, 0, sentByClient, cs));
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 120 },
    );
  });

  it('a corrupted key package in a received commit is refused with ts-mls error, and the state is unchanged', async () => {
    const { cs, alice, bob } = await group(8);
    const joiners = await Promise.all(Array.from({ length: 5 }, (_, i) => member(cs, `q${i}`)));
    const before = hex(encodeGroupState(bob));
    // the committer's own check would refuse it, so build the commit as ts-mls would with the bad key package
    const bad = { ...joiners[2]!.kp, signature: joiners[2]!.kp.signature.map((b, k) => (k === 0 ? b ^ 1 : b)) };
    const ps = [...joiners.slice(0, 2).map(add), add(bad), ...joiners.slice(3).map(add)];
    await expect(createMimiCommit(alice, cs, ps, [])).rejects.toThrow('Invalid keypackage signature');
    await expect(applyProposals(alice, byValue(ps), toLeafIndex(0), makePskIndex(alice, {}), true, cs)).rejects.toThrow('Invalid keypackage signature');
    expect(hex(encodeGroupState(bob))).toBe(before);
  });
});
