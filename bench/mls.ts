/**
 * MLS crypto provider benchmark (ts-mls 1.6.4, cipher suite 0x0001): mimi-kit's node:crypto and
 * browser providers against ts-mls's default provider (baseline), for application messages and
 * for one commit adding N members. `BENCH_QUICK=1` skips N = 1000.
 */
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultCryptoProvider,
  defaultLifetime,
  emptyPskIndex,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processMessage,
  processPrivateMessage,
  type CiphersuiteImpl,
  type ClientState,
  type CryptoProvider,
  type KeyPackage,
  type PrivateKeyPackage,
  type Proposal,
} from 'ts-mls';
import { createBrowserCryptoProvider } from '../src/mls/crypto/browser.js';
import { createNodeCryptoProvider } from '../src/mls/crypto/node.js';
import { measure, measureOnce, report, type Measurement } from './lib.js';

const SUITE = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
const enc = new TextEncoder();

interface Member {
  kp: KeyPackage;
  priv: PrivateKeyPackage;
}

async function member(name: string, cs: CiphersuiteImpl): Promise<Member> {
  const { publicPackage, privatePackage } = await generateKeyPackage(
    { credentialType: 'basic', identity: enc.encode(name) },
    defaultCapabilities(),
    defaultLifetime,
    [],
    cs,
  );
  return { kp: publicPackage, priv: privatePackage };
}

/** Alice creates a group and adds Bob (commit + Welcome, tree in the Welcome). */
async function pair(cs: CiphersuiteImpl): Promise<{ alice: ClientState; bob: ClientState }> {
  const a = await member('alice', cs);
  const b = await member('bob', cs);
  const alice0 = await createGroup(enc.encode('bench-group'), a.kp, a.priv, [], cs);
  const add: Proposal = { proposalType: 'add', add: { keyPackage: b.kp } };
  const c = await createCommit({ state: alice0, cipherSuite: cs }, { extraProposals: [add], ratchetTreeExtension: true });
  const bob = await joinGroup(c.welcome!, b.kp, b.priv, emptyPskIndex, cs);
  return { alice: c.newState, bob };
}

async function messages(label: string, cs: CiphersuiteImpl, baseline: boolean): Promise<Measurement> {
  let { alice, bob } = await pair(cs);
  const msg = enc.encode('a 35-byte application message here.');
  let n = 0;
  return measure(
    'message 35 B: encrypt+decrypt',
    label,
    async () => {
      const sender = n % 2 === 0 ? alice : bob;
      const receiver = n % 2 === 0 ? bob : alice;
      const m = await createApplicationMessage(sender, msg, cs);
      const r = await processPrivateMessage(receiver, m.privateMessage, emptyPskIndex, cs);
      if (r.kind !== 'applicationMessage' || r.message.length !== msg.length) throw new Error('bad decrypt');
      if (n % 2 === 0) {
        alice = m.newState;
        bob = r.newState;
      } else {
        bob = m.newState;
        alice = r.newState;
      }
      n++;
    },
    { minTimeMs: 1500, minSamples: 20, warmup: 10, baseline },
  );
}

async function bigCommit(label: string, cs: CiphersuiteImpl, n: number, baseline: boolean): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const { alice, bob } = await pair(cs);
  const t0 = performance.now();
  const joiners: Member[] = [];
  for (let i = 0; i < n; i++) joiners.push(await member(`m${i}`, cs));
  const kpMs = performance.now() - t0;
  const proposals: Proposal[] = joiners.map((j) => ({ proposalType: 'add', add: { keyPackage: j.kp } }));
  const commit = await measureOnce(`commit +${n}`, label, () =>
    createCommit({ state: alice, cipherSuite: cs }, { extraProposals: proposals, ratchetTreeExtension: false }),
  );
  commit.m.extra = { keyPackagesMs: Math.round(kpMs) };
  if (baseline) commit.m.baseline = true;
  out.push(commit.m);
  const proc = await measureOnce(`process +${n} (existing member)`, label, () =>
    processMessage(commit.result.commit as Parameters<typeof processMessage>[0], bob, emptyPskIndex, acceptAll, cs),
  );
  if (proc.result.kind !== 'newState') throw new Error('commit not processed');
  if (baseline) proc.m.baseline = true;
  out.push(proc.m);
  const last = joiners[n - 1]!;
  const tree = commit.result.newState.ratchetTree;
  const join = await measureOnce(`join by Welcome (N=${n})`, label, () =>
    joinGroup(commit.result.welcome!, last.kp, last.priv, emptyPskIndex, cs, tree),
  );
  if (baseline) join.m.baseline = true;
  out.push(join.m);
  if (n === 1000 && !baseline) {
    commit.m.target = '≤ 1.5 s';
    commit.m.targetMet = commit.m.medianMs <= 1500;
    join.m.target = '≤ 0.5 s';
    join.m.targetMet = join.m.medianMs <= 500;
  }
  return out;
}

/** Runs the suite and writes bench/results/mls.json. */
export async function run(): Promise<void> {
  const providers: [string, CryptoProvider][] = [
    ['ts-mls default', defaultCryptoProvider],
    ['mimi-kit node', createNodeCryptoProvider()],
    ['mimi-kit browser (noble+WebCrypto)', createBrowserCryptoProvider()],
  ];
  const impls: [string, CiphersuiteImpl][] = [];
  for (const [l, p] of providers) impls.push([l, await getCiphersuiteImpl(SUITE, p)]);
  const ms: Measurement[] = [];
  for (const [l, cs] of impls) ms.push(await messages(l, cs, l === 'ts-mls default'));
  const base = ms[0]!;
  const node = ms[1]!;
  node.target = '≤ 1 ms and ≥ 8× faster than default';
  node.targetMet = node.medianMs <= 1 && base.medianMs / node.medianMs >= 8;

  const sizes = process.env.BENCH_QUICK === '1' ? [10, 100] : [10, 100, 1000];
  for (const n of sizes) {
    for (const [l, cs] of impls) {
      if (n === 1000 && l.startsWith('mimi-kit browser') && process.env.BENCH_MLS_ALL !== '1') continue;
      ms.push(...(await bigCommit(l, cs, n, l === 'ts-mls default')));
    }
  }
  report('mls', ms);
}
