import { createCommit, createGroup, defaultCapabilities, defaultLifetime, emptyPskIndex, generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl, joinGroup, type Proposal } from 'ts-mls';
import { createNodeCryptoProvider } from '../../../src/mls/crypto/node.js';
const S = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
const cs = await getCiphersuiteImpl(S, createNodeCryptoProvider());
if (process.env.NOCACHE) { const orig = cs.hpke.seal; let k = 0; cs.hpke.seal = (pk, pt, info, aad) => orig(pk, pt, (info[info.length-1]! ^= 0, info = new Uint8Array([...info.subarray(0, info.length - 1), (k++ & 1) ? info[info.length-1]! : info[info.length-1]!])), aad); }
const enc = new TextEncoder();
const mk = async (n: string) => generateKeyPackage({ credentialType: 'basic', identity: enc.encode(n) }, defaultCapabilities(), defaultLifetime, [], cs);
const a = await mk('a');
const g = await createGroup(enc.encode('g'), a.publicPackage, a.privatePackage, [], cs);
const N = 1000; const js = []; for (let i = 0; i < N; i++) js.push(await mk('m' + i));
const props: Proposal[] = js.map((j) => ({ proposalType: 'add', add: { keyPackage: j.publicPackage } }));
for (const rt of [false, true]) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const cm = await createCommit({ state: g, cipherSuite: cs }, { extraProposals: props, ratchetTreeExtension: rt });
  const cpu = process.cpuUsage(c0);
  console.log('ratchetTreeExtension', rt, 'wall', (performance.now() - t0).toFixed(0), 'cpu', ((cpu.user + cpu.system) / 1000).toFixed(0));
  const t1 = performance.now();
  await joinGroup(cm.welcome!, js[N-1]!.publicPackage, js[N-1]!.privatePackage, emptyPskIndex, cs, rt ? undefined : cm.newState.ratchetTree);
  console.log('  join wall', (performance.now() - t1).toFixed(0));
}
