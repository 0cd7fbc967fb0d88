/**
 * The joiner's ratchet-tree validation (src/mls/treeValidation.ts) against ts-mls 1.6.4's own
 * `validateRatchetTree` (the second implementation), on trees reached through the adapter and on corrupted
 * copies of them, and the tree-hash cache against ts-mls's `treeHash`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClientState } from 'ts-mls';
import { defaultAuthenticationService } from 'ts-mls/authenticationService.js';
import { validateRatchetTree as tsMlsValidate } from 'ts-mls/clientState.js';
import { defaultLifetimeConfig } from 'ts-mls/lifetimeConfig.js';
import { removeLeaves, type RatchetTree } from 'ts-mls/ratchetTree.js';
import { treeHash } from 'ts-mls/treeHash.js';
import { toLeafIndex, toNodeIndex } from 'ts-mls/treemath.js';
import { mimiSuite } from '../../src/mls/suite.js';
import { TreeHashes, validateRatchetTree } from '../../src/mls/treeValidation.js';
import { generateKeyPackage, joinFromWelcome } from '../../src/mls/index.js';
import { MimiError } from '../../src/errors.js';
import { encodeContent, plainText } from '../../src/content/index.js';
import { CAROL, ROOM, client, threeUsers, type Net } from './helpers.js';

const DAVE = 'mimi://a.example/u/dave';
const ERIN = 'mimi://b.example/u/erin';
const FRANK = 'mimi://a.example/u/frank';
const state = (net: Net, id: Parameters<Net['room']>[0]): ClientState => net.room(id).internalState as ClientState;

/**
 * RFC 9420 §12.4.3.1, written out independently: for every non-blank parent P and leaf L in
 * P.unmerged_leaves, L is a non-blank descendant of P and every non-blank node strictly between L and P
 * lists L too.
 */
function unmergedLeavesValidPerRfc(tree: RatchetTree): boolean {
  const parentOf = (x: number, root: number): number | undefined => {
    // walk down from the root to find x's parent
    let p = root;
    for (;;) {
      let k = 0;
      while (((p >> k) & 1) === 1) k++;
      if (k === 0) return undefined;
      const l = p ^ (1 << (k - 1));
      const r = p ^ (3 << (k - 1));
      const next = x < p ? l : r;
      if (next === x) return p;
      p = next;
    }
  };
  let root = 0;
  while (root * 2 + 1 < tree.length) root = root * 2 + 1;
  for (let i = 1; i < tree.length; i += 2) {
    const n = tree[i];
    if (n?.nodeType !== 'parent') continue;
    for (const leaf of n.parent.unmergedLeaves) {
      if (tree[2 * leaf]?.nodeType !== 'leaf') return false;
      const chain: number[] = [];
      let x: number | undefined = 2 * leaf;
      while (x !== undefined && x !== i) {
        x = parentOf(x, root);
        if (x !== undefined) chain.push(x);
      }
      if (x !== i) return false; // not a descendant
      for (const mid of chain.slice(0, -1)) {
        const m = tree[mid];
        if (m !== undefined && (m.nodeType !== 'parent' || !m.parent.unmergedLeaves.includes(leaf))) return false;
      }
    }
  }
  return true;
}

/**
 * Trees reached by a room's life: invites by different members, own clients added and removed, updates,
 * kicks. Returns the states of one member after every step.
 */
async function lifeOfARoom(): Promise<ClientState[]> {
  const { net, a1, b1, b2, c1 } = await threeUsers();
  const out: ClientState[] = [state(net, a1)];
  const step = async (): Promise<void> => {
    out.push(state(net, a1));
  };
  await net.deliver(c1, await net.room(c1).update());
  await step();
  await net.deliver(b2, await net.room(b2).removeOwnClient(b1.clientUri));
  await step();
  await net.deliver(a1, await net.room(a1).update());
  await step();
  const d1 = await client(net.store, DAVE, '1');
  let kps = [await generateKeyPackage(d1)];
  await net.deliver(c1, await net.room(c1).addParticipant(DAVE, 4, kps.map((k) => k.keyPackage)), kps);
  await step();
  const e1 = await client(net.store, ERIN, '1');
  const e2 = await client(net.store, ERIN, '2');
  kps = [await generateKeyPackage(e1), await generateKeyPackage(e2)];
  await net.deliver(a1, await net.room(a1).addParticipant(ERIN, 4, kps.map((k) => k.keyPackage)), kps);
  await step();
  await net.deliver(e2, await net.room(e2).update());
  await step();
  await net.deliver(a1, await net.room(a1).kick(DAVE));
  await step();
  return out;
}

const cases = lifeOfARoom();

async function both(tree: RatchetTree, s: ClientState, expectedHash = s.groupContext.treeHash) {
  const cs = await mimiSuite();
  const ours = await validateRatchetTree(tree, s.groupContext, defaultLifetimeConfig, defaultAuthenticationService, expectedHash, cs);
  const theirs = await tsMlsValidate(tree, s.groupContext, defaultLifetimeConfig, defaultAuthenticationService, expectedHash, cs);
  return { ours: ours?.message, theirs: theirs?.message };
}

const TS_MLS_UNMERGED = 'non-blank intermediate node must list leaf node in its unmerged_leaves';

describe('joiner ratchet-tree validation (RFC 9420 §12.4.3.1)', () => {
  it('tree hashes of every node equal ts-mls treeHash, also with unmerged leaves removed (RFC 9420 §7.8, §7.9.2)', async () => {
    const cs = await mimiSuite();
    for (const s of await cases) {
      const tree = s.ratchetTree;
      const hashes = new TreeHashes(tree, cs.hash);
      for (let x = 0; x < tree.length; x++) expect(await hashes.of(x)).toEqual(await treeHash(tree, toNodeIndex(x), cs.hash));
      const leaves = tree.flatMap((n, i) => (i % 2 === 0 && n !== undefined ? [i / 2] : []));
      for (const removed of [leaves.slice(0, 1), leaves.slice(-2), leaves.filter((_, k) => k % 2 === 1)]) {
        const stripped = removeLeaves(tree, removed.map(toLeafIndex));
        for (let x = 0; x < tree.length; x++) expect(await hashes.without(x, removed)).toEqual(await treeHash(stripped, toNodeIndex(x), cs.hash));
      }
    }
  });

  it('agrees with ts-mls validateRatchetTree on every tree of a room, except where ts-mls breaks the RFC unmerged-leaves rule', async () => {
    let compared = 0;
    for (const s of await cases) {
      const r = await both(s.ratchetTree, s);
      expect(r.ours).toBeUndefined();
      if (r.theirs !== undefined) {
        // the only difference allowed: ts-mls 1.6.4's unmerged-leaves check (decisions D9), on a tree the RFC accepts
        expect(r.theirs).toBe(TS_MLS_UNMERGED);
        expect(unmergedLeavesValidPerRfc(s.ratchetTree)).toBe(true);
      } else compared++;
    }
    expect(compared).toBeGreaterThan(3);
  });

  it('gives the same verdict and error as ts-mls on corrupted trees (fast-check)', async () => {
    const all = await cases;
    type Mutation = { kind: number; at: number; byte: number; extra: number };
    const mutate = (tree: RatchetTree, m: Mutation): RatchetTree => {
      const t = tree.slice();
      const nonBlank = t.flatMap((n, i) => (n === undefined ? [] : [i]));
      const i = nonBlank[m.at % nonBlank.length]!;
      const n = t[i]!;
      const flip = (b: Uint8Array): Uint8Array => {
        const c = b.slice();
        if (c.length > 0) c[m.byte % c.length] = c[m.byte % c.length]! ^ (1 + (m.extra % 255));
        return c;
      };
      switch (m.kind) {
        case 0: // a key flipped
          t[i] = n.nodeType === 'parent' ? { ...n, parent: { ...n.parent, hpkePublicKey: flip(n.parent.hpkePublicKey) } } : { ...n, leaf: { ...n.leaf, hpkePublicKey: flip(n.leaf.hpkePublicKey) } };
          break;
        case 1: // a parent hash or a signature flipped
          t[i] = n.nodeType === 'parent' ? { ...n, parent: { ...n.parent, parentHash: flip(n.parent.parentHash) } } : { ...n, leaf: { ...n.leaf, signature: flip(n.leaf.signature) } };
          break;
        case 2: // a node blanked
          t[i] = undefined;
          break;
        case 3: {
          // an unmerged leaf added to a parent
          if (n.nodeType === 'parent') t[i] = { ...n, parent: { ...n.parent, unmergedLeaves: [...n.parent.unmergedLeaves, m.extra % ((t.length + 1) / 2)] } };
          break;
        }
        case 4: {
          // two non-blank nodes swapped
          const j = nonBlank[(m.at + 1 + m.extra) % nonBlank.length]!;
          [t[i], t[j]] = [t[j], t[i]];
          break;
        }
        default: {
          // a duplicate key: another node's HPKE key copied
          const j = nonBlank[(m.at + 1 + m.extra) % nonBlank.length]!;
          const other = t[j]!;
          const key = other.nodeType === 'parent' ? other.parent.hpkePublicKey : other.leaf.hpkePublicKey;
          t[i] = n.nodeType === 'parent' ? { ...n, parent: { ...n.parent, hpkePublicKey: key } } : { ...n, leaf: { ...n.leaf, hpkePublicKey: key } };
        }
      }
      return t;
    };
    let rejectedByBoth = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.record({ kind: fc.nat(5), at: fc.nat(1000), byte: fc.nat(1000), extra: fc.nat(1000) }),
        async (c, m) => {
          const s = all[c]!;
          const tree = mutate(s.ratchetTree, m);
          const r = await both(tree, s);
          if (r.ours === r.theirs) {
            if (r.ours !== undefined) rejectedByBoth++;
            return;
          }
          // Differences allowed only where the RFC unmerged-leaves rule decides, and then ours follows it.
          const rfc = unmergedLeavesValidPerRfc(tree);
          // ts-mls stops at its unmerged-leaves rule on a tree the RFC rule accepts: ours goes on to the later
          // checks (parent hashes, tree hash), which may accept or refuse it.
          if (r.theirs === TS_MLS_UNMERGED && rfc) expect(r.ours === undefined || ['Unable to verify parent hash', 'Unable to verify tree hash'].includes(r.ours)).toBe(true);
          else if (r.ours === 'Unmerged leaf did not represent a non-blank descendant leaf node' || r.ours === TS_MLS_UNMERGED) expect(rfc).toBe(false);
          else expect(r).toEqual({ ours: r.theirs, theirs: r.theirs });
        },
      ),
      { numRuns: 600, seed: 9420 },
    );
    expect(rejectedByBoth).toBeGreaterThan(100);
  });

  it('a wrong expected tree hash is refused', async () => {
    const s = (await cases)[0]!;
    const wrong = s.groupContext.treeHash.slice();
    wrong[0] = wrong[0]! ^ 1;
    expect(await both(s.ratchetTree, s, wrong)).toEqual({ ours: 'Unable to verify tree hash', theirs: 'Unable to verify tree hash' });
  });

  /**
   * alice kicks carol (leaf 3 blank; alice's path refills node 3, whose other half holds bob), then dave
   * (leaf 4, outside node 3) invites erin into leaf 3: the Add lists erin as unmerged at nodes 3 and 7, then
   * dave's path refreshes the root 7 (RFC 9420 §12.4.2 applies the Add before the path). Node 3 lists erin,
   * the root does not: a valid tree by RFC 9420 §12.4.3.1.
   */
  async function unmergedBelowRefreshedRoot() {
    const { net, a1, c1 } = await threeUsers();
    const d1 = await client(net.store, DAVE, '1');
    let kps = [await generateKeyPackage(d1)];
    await net.deliver(a1, await net.room(a1).addParticipant(DAVE, 5, kps.map((k) => k.keyPackage)), kps);
    await net.deliver(a1, await net.room(a1).kick(CAROL));
    net.rooms.delete(c1.clientUri);
    const e1 = await client(net.store, ERIN, '1');
    kps = [await generateKeyPackage(e1)];
    await net.deliver(d1, await net.room(d1).addParticipant(ERIN, 4, kps.map((k) => k.keyPackage)), kps);
    return { net, a1, d1, e1 };
  }

  it('a joiner accepts unmerged leaves below a refreshed ancestor (RFC 9420 §12.4.3.1), and the room goes on', async () => {
    const { net, a1, d1, e1 } = await unmergedBelowRefreshedRoot();
    const tree = state(net, a1).ratchetTree;
    const node3 = tree[3];
    expect(node3?.nodeType === 'parent' && node3.parent.unmergedLeaves).toEqual([3]);
    const root = tree[7];
    expect(root?.nodeType === 'parent' && root.parent.unmergedLeaves).toEqual([]);
    // erin joined through the adapter (net.deliver), and reads what dave sends next
    expect(net.room(e1).members.map((m) => m.userUri)).toContain(DAVE);
    const msg = await net.send(d1, encodeContent(plainText('welcome erin', { senderUri: DAVE, roomUri: ROOM })));
    expect((await net.receive(e1, msg)).senderUserUri).toBe(DAVE);
    // and a later joiner too
    const f1 = await client(net.store, FRANK, '1');
    const kps = [await generateKeyPackage(f1)];
    await net.deliver(a1, await net.room(a1).addParticipant(FRANK, 4, kps.map((k) => k.keyPackage)), kps);
    expect(net.room(f1).members.map((m) => m.clientUri).sort()).toEqual(net.room(e1).members.map((m) => m.clientUri).sort());
  });

  // ts-mls 1.6.4 defect (docs/decisions.md D9): validateRatchetTree demands that every non-blank node on an
  // unmerged leaf's whole direct path carry the same unmerged list, so ts-mls's joinGroup refuses this valid
  // tree. The adapter validates with src/mls/treeValidation.ts; this flips when ts-mls is fixed.
  it.fails('ts-mls 1.6.4 validateRatchetTree accepts unmerged leaves below a refreshed ancestor', async () => {
    const { net, e1 } = await unmergedBelowRefreshedRoot();
    const s = state(net, e1);
    expect(unmergedLeavesValidPerRfc(s.ratchetTree)).toBe(true);
    const r = await both(s.ratchetTree, s);
    expect(r.theirs).toBeUndefined();
  });
});

describe('joinFromWelcome (src/mls/join.ts) refuses bad Welcomes with typed errors', () => {
  it('a Welcome for another key package, a tampered Welcome, and bytes that are not a Welcome', async () => {
    const { net, a1 } = await threeUsers();
    const d1 = await client(net.store, DAVE, '1');
    const d2 = await client(net.store, DAVE, '2');
    const [kp1, kp2] = [await generateKeyPackage(d1), await generateKeyPackage(d2)];
    const out = await net.room(a1).addParticipant(DAVE, 4, [kp1.keyPackage]);
    const welcome = out.welcome!;
    const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'accepted', (e: unknown) => (e instanceof MimiError ? e.code : `untyped ${String(e)}`));
    expect(await code(joinFromWelcome({ welcome, keyPackage: kp2, verifier: net.store.verifier }))).toBe('mls/decrypt-failed');
    // every byte of the encrypted GroupInfo's last 64 bytes, flipped in turn, is refused
    for (let k = 1; k <= 64; k += 9) {
      const bad = welcome.slice();
      bad[bad.length - k] = bad[bad.length - k]! ^ 0x40;
      expect(await code(joinFromWelcome({ welcome: bad, keyPackage: kp1, verifier: net.store.verifier }))).toMatch(/^mls\//);
    }
    expect(await code(joinFromWelcome({ welcome: out.commit, keyPackage: kp1, verifier: net.store.verifier }))).toBe('mls/bad-message');
    expect(await code(joinFromWelcome({ welcome: welcome.slice(0, 40), keyPackage: kp1, verifier: net.store.verifier }))).toBe('mls/bad-message');
    // and the genuine one still works
    expect((await joinFromWelcome({ welcome, keyPackage: kp1, verifier: net.store.verifier })).members.some((m) => m.clientUri === d1.clientUri)).toBe(true);
  });
});
