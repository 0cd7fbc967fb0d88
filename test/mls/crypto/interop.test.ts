/**
 * End-to-end ts-mls flows where members use different crypto providers (mimi-kit node, mimi-kit
 * browser, ts-mls default). Every message crosses as encoded bytes (RFC 9420 §6 MLSMessage), so a
 * passing flow proves wire compatibility of HPKE, AEAD, signatures and the key schedule.
 */
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
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
  processMessage,
  type CiphersuiteImpl,
  type ClientState,
  type CryptoProvider,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Welcome,
} from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { createBrowserCryptoProvider } from '../../../src/mls/crypto/browser.js';
import { defaultMimiCryptoProvider, getMimiCiphersuite } from '../../../src/mls/crypto/index.js';
import { createNodeCryptoProvider, nodeCryptoProvider } from '../../../src/mls/crypto/node.js';
import { MimiError } from '../../../src/errors.js';

const SUITE1 = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Encode and decode, as on the wire. */
function wire(m: MLSMessage): MLSMessage {
  const d = decodeMlsMessage(encodeMlsMessage(m), 0);
  if (d === undefined) throw new Error('decode failed');
  return d[0];
}

function welcomeOf(w: Welcome | undefined): Welcome {
  if (w === undefined) throw new Error('no welcome');
  const m = wire({ version: 'mls10', wireformat: 'mls_welcome', welcome: w } as MLSMessage);
  if (m.wireformat !== 'mls_welcome') throw new Error('not a welcome');
  return m.welcome;
}

async function keyPackage(name: string, cs: CiphersuiteImpl): Promise<{ kp: KeyPackage; priv: PrivateKeyPackage }> {
  const r = await generateKeyPackage({ credentialType: 'basic', identity: enc.encode(name) }, defaultCapabilities(), defaultLifetime, [], cs);
  return { kp: r.publicPackage, priv: r.privatePackage };
}

async function send(from: ClientState, text: string, cs: CiphersuiteImpl): Promise<{ state: ClientState; msg: MLSMessage }> {
  const r = await createApplicationMessage(from, enc.encode(text), cs);
  return { state: r.newState, msg: wire({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: r.privateMessage } as MLSMessage) };
}

async function receive(to: ClientState, msg: MLSMessage, cs: CiphersuiteImpl): Promise<{ state: ClientState; text?: string }> {
  const r = await processMessage(msg as Parameters<typeof processMessage>[0], to, emptyPskIndex, acceptAll, cs);
  if (r.kind === 'applicationMessage') return { state: r.newState, text: dec.decode(r.message) };
  return { state: r.newState };
}

const providers: Record<string, () => CryptoProvider> = {
  'mimi node': () => createNodeCryptoProvider(),
  'mimi browser (WebCrypto Ed25519)': () => createBrowserCryptoProvider({ ed25519: 'webcrypto' }),
  'mimi browser (noble Ed25519)': () => createBrowserCryptoProvider({ ed25519: 'noble' }),
  'ts-mls default': () => defaultCryptoProvider,
};

const pairs: [string, string][] = [
  ['mimi node', 'ts-mls default'],
  ['ts-mls default', 'mimi node'],
  ['mimi browser (WebCrypto Ed25519)', 'ts-mls default'],
  ['ts-mls default', 'mimi browser (noble Ed25519)'],
  ['mimi browser (noble Ed25519)', 'mimi node'],
];

describe.each(pairs)('alice on %s, bob on %s (carol on alice’s provider)', (pa, pb) => {
  it('create, add by commit + Welcome, messages both ways, add by the other side, remove', async () => {
    // each member has its own provider instance (no shared caches)
    const csA = await getCiphersuiteImpl(SUITE1, providers[pa]!());
    const csB = await getCiphersuiteImpl(SUITE1, providers[pb]!());
    const csC = await getCiphersuiteImpl(SUITE1, providers[pa]!());
    const a = await keyPackage('alice', csA);
    const b = await keyPackage('bob', csB);
    const c = await keyPackage('carol', csC);

    // Alice creates the group and adds Bob (ratchet tree in the Welcome)
    let alice = await createGroup(enc.encode('interop-group'), a.kp, a.priv, [], csA);
    const add = await createCommit(
      { state: alice, cipherSuite: csA },
      { extraProposals: [{ proposalType: 'add', add: { keyPackage: b.kp } }], ratchetTreeExtension: true },
    );
    alice = add.newState;
    let bob = await joinGroup(welcomeOf(add.welcome), b.kp, b.priv, emptyPskIndex, csB);
    expect(bob.groupContext.epoch).toBe(alice.groupContext.epoch);
    expect(Buffer.from(bob.keySchedule.epochAuthenticator).equals(Buffer.from(alice.keySchedule.epochAuthenticator))).toBe(true);

    // application messages both ways
    let s = await send(alice, 'hello bob', csA);
    alice = s.state;
    let r = await receive(bob, s.msg, csB);
    bob = r.state;
    expect(r.text).toBe('hello bob');
    s = await send(bob, 'hello alice', csB);
    bob = s.state;
    r = await receive(alice, s.msg, csA);
    alice = r.state;
    expect(r.text).toBe('hello alice');

    // Bob (other provider) commits an Add of Carol, tree out of band; Alice processes it
    const addC = await createCommit({ state: bob, cipherSuite: csB }, { extraProposals: [{ proposalType: 'add', add: { keyPackage: c.kp } }] });
    bob = addC.newState;
    alice = (await receive(alice, wire(addC.commit), csA)).state;
    let carol = await joinGroup(welcomeOf(addC.welcome), c.kp, c.priv, emptyPskIndex, csC, bob.ratchetTree);
    for (const st of [alice, carol]) {
      expect(Buffer.from(st.keySchedule.epochAuthenticator).equals(Buffer.from(bob.keySchedule.epochAuthenticator))).toBe(true);
    }
    s = await send(carol, 'hi all', csC);
    carol = s.state;
    r = await receive(alice, s.msg, csA);
    alice = r.state;
    expect(r.text).toBe('hi all');
    r = await receive(bob, s.msg, csB);
    bob = r.state;
    expect(r.text).toBe('hi all');

    // Alice removes Carol (leaf 2); Bob processes; Carol learns she is removed
    const rm = await createCommit({ state: alice, cipherSuite: csA }, { extraProposals: [{ proposalType: 'remove', remove: { removed: 2 } }] });
    alice = rm.newState;
    bob = (await receive(bob, wire(rm.commit), csB)).state;
    carol = (await receive(carol, wire(rm.commit), csC)).state;
    expect(carol.groupActiveState.kind).toBe('removedFromGroup');
    expect(Buffer.from(bob.keySchedule.epochAuthenticator).equals(Buffer.from(alice.keySchedule.epochAuthenticator))).toBe(true);

    s = await send(bob, 'carol is gone', csB);
    bob = s.state;
    r = await receive(alice, s.msg, csA);
    expect(r.text).toBe('carol is gone');
    await expect(receive(carol, s.msg, csC)).rejects.toThrow();
  });

  it('rejects a tampered application message and a tampered Welcome, like the default provider', async () => {
    const csA = await getCiphersuiteImpl(SUITE1, providers[pa]!());
    const csB = await getCiphersuiteImpl(SUITE1, providers[pb]!());
    const a = await keyPackage('alice', csA);
    const b = await keyPackage('bob', csB);
    let alice = await createGroup(enc.encode('g2'), a.kp, a.priv, [], csA);
    const add = await createCommit(
      { state: alice, cipherSuite: csA },
      { extraProposals: [{ proposalType: 'add', add: { keyPackage: b.kp } }], ratchetTreeExtension: true },
    );
    alice = add.newState;
    const w = welcomeOf(add.welcome);
    // tampered Welcome: HPKE ciphertext of the GroupSecrets, then the encrypted GroupInfo
    const first = w.secrets[0]!;
    const badCt = new Uint8Array(first.encryptedGroupSecrets.ciphertext);
    badCt[0]! ^= 1;
    const w1: Welcome = { ...w, secrets: [{ ...first, encryptedGroupSecrets: { ...first.encryptedGroupSecrets, ciphertext: badCt } }] };
    await expect(joinGroup(w1, b.kp, b.priv, emptyPskIndex, csB)).rejects.toThrow();
    const badGi = new Uint8Array(w.encryptedGroupInfo);
    badGi[badGi.length - 1]! ^= 1;
    await expect(joinGroup({ ...w, encryptedGroupInfo: badGi }, b.kp, b.priv, emptyPskIndex, csB)).rejects.toThrow();
    // wrong private key (someone else's key package)
    const other = await keyPackage('mallory', csB);
    await expect(joinGroup(w, b.kp, other.priv, emptyPskIndex, csB)).rejects.toThrow();

    const bob = await joinGroup(w, b.kp, b.priv, emptyPskIndex, csB);
    const s = await send(alice, 'integrity', csA);
    const bytes = encodeMlsMessage(s.msg);
    for (const pos of [bytes.length - 1, bytes.length - 20]) {
      const t = new Uint8Array(bytes);
      t[pos]! ^= 0x01;
      const m = decodeMlsMessage(t, 0)![0];
      await expect(receive(bob, m, csB)).rejects.toThrow();
    }
    // untampered still decrypts
    expect((await receive(bob, s.msg, csB)).text).toBe('integrity');
  });
});

describe('switching provider mid-life', () => {
  it('a member created on the default provider (48-byte PKCS#8 signature key) continues on the node provider after a state round trip', async () => {
    const csDefault = await getCiphersuiteImpl(SUITE1, defaultCryptoProvider);
    const csNode = await getCiphersuiteImpl(SUITE1, createNodeCryptoProvider());
    const csBob = await getCiphersuiteImpl(SUITE1, createBrowserCryptoProvider());
    const a = await keyPackage('alice', csDefault);
    expect(a.priv.signaturePrivateKey).toHaveLength(48);
    const b = await keyPackage('bob', csBob);
    let alice = await createGroup(enc.encode('switch'), a.kp, a.priv, [], csDefault);
    // persist and reload Alice's state, then continue with our provider
    alice = { ...decodeGroupState(encodeGroupState(alice), 0)![0], clientConfig: alice.clientConfig };
    const add = await createCommit(
      { state: alice, cipherSuite: csNode },
      { extraProposals: [{ proposalType: 'add', add: { keyPackage: b.kp } }], ratchetTreeExtension: true },
    );
    alice = add.newState;
    let bob = await joinGroup(welcomeOf(add.welcome), b.kp, b.priv, emptyPskIndex, csBob);
    const s = await send(alice, 'switched', csNode);
    const r = await receive(bob, s.msg, csBob);
    bob = r.state;
    expect(r.text).toBe('switched');
    const back = await send(bob, 'ack', csBob);
    expect((await receive(s.state, back.msg, csDefault)).text).toBe('ack');
  });
});

describe('index: defaultMimiCryptoProvider / getMimiCiphersuite', () => {
  it('picks the node:crypto provider under Node', async () => {
    expect(await defaultMimiCryptoProvider()).toBe(nodeCryptoProvider);
    expect(await defaultMimiCryptoProvider()).toBe(await defaultMimiCryptoProvider());
  });

  it('returns suite 0x0001 by default and 0x0003 on request, both from our provider', async () => {
    const cs1 = await getMimiCiphersuite();
    expect(cs1.name).toBe('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
    expect(cs1).toBe(await nodeCryptoProvider.getCiphersuiteImpl(SUITE1));
    const cs3 = await getMimiCiphersuite(3);
    expect(cs3.name).toBe('MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519');
  });

  it('falls back to ts-mls’s default provider for other suites (P-256, 0x0002)', async () => {
    const cs2 = await getMimiCiphersuite(2);
    expect(cs2.name).toBe('MLS_128_DHKEMP256_AES128GCM_SHA256_P256');
    const kp = await cs2.signature.keygen();
    const sig = await cs2.signature.sign(kp.signKey, enc.encode('p256'));
    expect(await cs2.signature.verify(kp.publicKey, enc.encode('p256'), sig)).toBe(true);
  });

  it('throws MimiError for an unknown suite id', async () => {
    await expect(getMimiCiphersuite(0x7777)).rejects.toBeInstanceOf(MimiError);
    await expect(getMimiCiphersuite(0x7777)).rejects.toMatchObject({ code: 'mls/unknown-ciphersuite' });
  });
});
