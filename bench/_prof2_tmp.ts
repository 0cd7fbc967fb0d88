import { createCommit, createGroup, defaultCapabilities, defaultLifetime, emptyPskIndex, generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl, joinGroup, processMessage, acceptAll, type Proposal, type CiphersuiteImpl } from 'ts-mls';
import { createNodeCryptoProvider } from '../src/mls/crypto/node.js';
const stats: Record<string, [number, number]> = {};
function wrap(cs: CiphersuiteImpl): CiphersuiteImpl {
  const w = (o: any, pre: string) => { const r: any = { ...o }; for (const k of Object.keys(o)) if (typeof o[k] === 'function') r[k] = async (...a: any[]) => { const t = performance.now(); try { return await o[k](...a); } finally { const s = (stats[pre + k] ??= [0, 0]); s[0]++; s[1] += performance.now() - t; } }; return r; };
  return { ...cs, hash: w(cs.hash, 'hash.'), kdf: w(cs.kdf, 'kdf.'), signature: w(cs.signature, 'sig.'), hpke: w(cs.hpke, 'hpke.') };
}
const S = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
const cs = wrap(await getCiphersuiteImpl(S, createNodeCryptoProvider()));
const enc = new TextEncoder();
const mk = async (n: string) => generateKeyPackage({ credentialType: 'basic', identity: enc.encode(n) }, defaultCapabilities(), defaultLifetime, [], cs);
const a = await mk('a'), b = await mk('b');
const g = await createGroup(enc.encode('g'), a.publicPackage, a.privatePackage, [], cs);
const c = await createCommit({ state: g, cipherSuite: cs }, { extraProposals: [{ proposalType: 'add', add: { keyPackage: b.publicPackage } }], ratchetTreeExtension: true });
let alice = c.newState, bob = await joinGroup(c.welcome!, b.publicPackage, b.privatePackage, emptyPskIndex, cs);
const N = Number(process.argv[2]);
const js = []; for (let i = 0; i < N; i++) js.push(await mk('m' + i));
const props: Proposal[] = js.map((j) => ({ proposalType: 'add', add: { keyPackage: j.publicPackage } }));
const dump = (label: string, ms: number) => { let tot = 0; const rows = Object.entries(stats).sort((x, y) => y[1][1] - x[1][1]); for (const [, v] of rows) tot += v[1]; console.log(`${label}: ${ms.toFixed(0)} ms, in crypto (sum of async spans) ${tot.toFixed(0)} ms`); for (const [k, v] of rows.slice(0, 8)) console.log(`   ${k} x${v[0]} ${v[1].toFixed(0)}ms`); for (const k in stats) delete stats[k]; };
for (const k in stats) delete stats[k];
let t0 = performance.now();
const cm = await createCommit({ state: alice, cipherSuite: cs }, { extraProposals: props });
dump('commit', performance.now() - t0); t0 = performance.now();
await processMessage(cm.commit as any, bob, emptyPskIndex, acceptAll, cs);
dump('process', performance.now() - t0); t0 = performance.now();
await joinGroup(cm.welcome!, js[N-1]!.publicPackage, js[N-1]!.privatePackage, emptyPskIndex, cs, cm.newState.ratchetTree);
dump('join', performance.now() - t0);
