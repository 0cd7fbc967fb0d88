import { createCommit, createGroup, defaultCapabilities, defaultLifetime, emptyPskIndex, generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl, joinGroup, createApplicationMessage, processPrivateMessage, processMessage, acceptAll, type Proposal } from 'ts-mls';
import { createNodeCryptoProvider } from '../src/mls/crypto/node.js';
const cs = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'), createNodeCryptoProvider());
const enc = new TextEncoder();
const mk = async (n: string) => generateKeyPackage({ credentialType: 'basic', identity: enc.encode(n) }, defaultCapabilities(), defaultLifetime, [], cs);
const a = await mk('a'), b = await mk('b');
const g = await createGroup(enc.encode('g'), a.publicPackage, a.privatePackage, [], cs);
const c = await createCommit({ state: g, cipherSuite: cs }, { extraProposals: [{ proposalType: 'add', add: { keyPackage: b.publicPackage } }], ratchetTreeExtension: true });
let alice = c.newState, bob = await joinGroup(c.welcome!, b.publicPackage, b.privatePackage, emptyPskIndex, cs);
const mode = process.argv[2];
if (mode === 'msg') {
  const msg = enc.encode('a 35-byte application message here.');
  const t0 = performance.now();
  for (let i = 0; i < 3000; i++) {
    const m = await createApplicationMessage(alice, msg, cs); alice = m.newState;
    const r = await processPrivateMessage(bob, m.privateMessage, emptyPskIndex, cs); bob = r.newState;
  }
  console.log('per msg', (performance.now() - t0) / 3000);
} else {
  const N = Number(mode);
  const js = []; for (let i = 0; i < N; i++) js.push(await mk('m' + i));
  const props: Proposal[] = js.map((j) => ({ proposalType: 'add', add: { keyPackage: j.publicPackage } }));
  let t0 = performance.now();
  const cm = await createCommit({ state: alice, cipherSuite: cs }, { extraProposals: props });
  console.log('commit', performance.now() - t0); t0 = performance.now();
  await processMessage(cm.commit as any, bob, emptyPskIndex, acceptAll, cs);
  console.log('process', performance.now() - t0); t0 = performance.now();
  await joinGroup(cm.welcome!, js[N-1]!.publicPackage, js[N-1]!.privatePackage, emptyPskIndex, cs, cm.newState.ratchetTree);
  console.log('join', performance.now() - t0);
}
