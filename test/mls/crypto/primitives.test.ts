/**
 * Each primitive of mimi-kit's crypto providers cross-checked against independent implementations:
 * ts-mls's default provider (WebCrypto + @hpke/core), @noble/curves / @noble/hashes and node:crypto,
 * plus RFC 5869 and RFC 9180 test vectors.
 */
import { createHash, createHmac, hkdfSync, sign as nodeSign, generateKeyPairSync } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { defaultCryptoProvider, getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import { _browserPrimitives, createBrowserCryptoProvider } from '../../../src/mls/crypto/browser.js';
import { makeHpke, Lru, hkdfExpand, hkdfExtract } from '../../../src/mls/crypto/common.js';
import { _nodePrimitives, createNodeCryptoProvider } from '../../../src/mls/crypto/node.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
const ab = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer as ArrayBuffer;
const rand = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const SUITE1 = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');

const cases: [string, () => Promise<CiphersuiteImpl>][] = [
  ['node', () => getCiphersuiteImpl(SUITE1, createNodeCryptoProvider())],
  ['browser (WebCrypto Ed25519)', () => getCiphersuiteImpl(SUITE1, createBrowserCryptoProvider({ ed25519: 'webcrypto' }))],
  ['browser (noble Ed25519)', () => getCiphersuiteImpl(SUITE1, createBrowserCryptoProvider({ ed25519: 'noble' }))],
];

let ref: CiphersuiteImpl;
beforeAll(async () => {
  ref = await getCiphersuiteImpl(SUITE1, defaultCryptoProvider);
});

describe.each(cases)('%s provider, suite 0x0001', (_name, make) => {
  let cs: CiphersuiteImpl;
  beforeAll(async () => {
    cs = await make();
  });

  it('has the suite name and the AES-128-GCM key/nonce sizes', () => {
    expect(cs.name).toBe('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
    expect(cs.hpke.keyLength).toBe(ref.hpke.keyLength);
    expect(cs.hpke.nonceLength).toBe(ref.hpke.nonceLength);
    expect(cs.kdf.size).toBe(32);
    expect(cs.rng.randomBytes(17)).toHaveLength(17);
  });

  it('random bytes are never handed out twice, across pool refills and for large requests', () => {
    const seen = new Set<string>();
    // 1000 × 16 bytes crosses the node provider's 4 KiB pool several times
    for (let i = 0; i < 1000; i++) {
      const b = cs.rng.randomBytes(16);
      expect(b).toHaveLength(16);
      seen.add(toHex(b));
      b.fill(0); // a returned array is the caller's own: zeroing it changes nothing later
    }
    expect(seen.size).toBe(1000);
    const big = cs.rng.randomBytes(5000);
    expect(big).toHaveLength(5000);
    expect(new Set(big).size).toBeGreaterThan(200); // all 256 values expected; a zeroed pool would give 1
  });

  it('SHA-256 digest equals node:crypto and the default provider', async () => {
    for (const n of [0, 1, 55, 64, 1000]) {
      const d = rand(n);
      const ours = await cs.hash.digest(d);
      expect(toHex(ours)).toBe(createHash('sha256').update(d).digest('hex'));
      expect(toHex(ours)).toBe(toHex(await ref.hash.digest(d)));
    }
    // FIPS 180-2 example: SHA-256("abc")
    expect(toHex(await cs.hash.digest(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('HMAC-SHA256 equals node:crypto and the default provider, and verifyMac checks it', async () => {
    for (const [kl, dl] of [
      [0, 0],
      [32, 10],
      [64, 100],
      [100, 33],
      [32, 5000],
    ] as const) {
      const k = rand(kl);
      const d = rand(dl);
      const mac = await cs.hash.mac(k, d);
      expect(toHex(mac)).toBe(createHmac('sha256', k).update(d).digest('hex'));
      // WebCrypto (default provider) refuses zero-length HMAC keys; RFC 2104 allows them
      if (kl > 0) expect(toHex(mac)).toBe(toHex(await ref.hash.mac(k, d)));
      expect(await cs.hash.verifyMac(k, mac, d)).toBe(true);
      const bad = new Uint8Array(mac);
      bad[0]! ^= 1;
      expect(await cs.hash.verifyMac(k, bad, d)).toBe(false);
      expect(await cs.hash.verifyMac(k, mac.subarray(0, 31), d)).toBe(false);
    }
  });

  it('HKDF matches RFC 5869 A.1 and node:crypto hkdfSync', async () => {
    // RFC 5869 Appendix A.1 (SHA-256, basic test case)
    const ikm = hex('0b'.repeat(22));
    const salt = hex('000102030405060708090a0b0c');
    const info = hex('f0f1f2f3f4f5f6f7f8f9');
    const prk = await cs.kdf.extract(salt, ikm);
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(toHex(await cs.kdf.expand(prk, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
    for (const len of [1, 16, 32, 33, 100, 255 * 32]) {
      const s = rand(16);
      const i = rand(20);
      const k = rand(32);
      const ours = await cs.kdf.expand(await cs.kdf.extract(s, k), i, len);
      expect(toHex(ours)).toBe(toHex(new Uint8Array(hkdfSync('sha256', k, s, i, len))));
    }
    // empty salt = HashLen zero bytes (RFC 5869 §2.2), as in the default provider
    const k = rand(32);
    expect(toHex(await cs.kdf.extract(new Uint8Array(0), k))).toBe(toHex(await ref.kdf.extract(new Uint8Array(0), k)));
    await expect(cs.kdf.expand(rand(32), new Uint8Array(0), 255 * 32 + 1)).rejects.toThrow();
  });

  it('AEAD (AES-128-GCM) interoperates with the default provider both ways', async () => {
    for (const [aadLen, ptLen] of [
      [0, 0],
      [0, 35],
      [13, 1],
      [40, 1000],
    ] as const) {
      const key = rand(16);
      const nonce = rand(12);
      const aad = rand(aadLen);
      const pt = rand(ptLen);
      const c1 = await cs.hpke.encryptAead(key, nonce, aad, pt);
      expect(c1).toHaveLength(ptLen + 16);
      expect(toHex(await ref.hpke.decryptAead(key, nonce, aad, c1))).toBe(toHex(pt));
      const c2 = await ref.hpke.encryptAead(key, nonce, aad, pt);
      expect(toHex(c1)).toBe(toHex(c2)); // deterministic given key and nonce
      expect(toHex(await cs.hpke.decryptAead(key, nonce, aad, c2))).toBe(toHex(pt));
      // aad undefined and empty are the same
      if (aadLen === 0) expect(toHex(await cs.hpke.decryptAead(key, nonce, undefined, c2))).toBe(toHex(pt));
    }
  });

  it('AEAD rejects tampered ciphertext, tag, AAD, wrong key/nonce and bad lengths', async () => {
    const key = rand(16);
    const nonce = rand(12);
    const aad = utf8('aad');
    const ct = await cs.hpke.encryptAead(key, nonce, aad, utf8('hello world'));
    for (const i of [0, ct.length - 1]) {
      const bad = new Uint8Array(ct);
      bad[i]! ^= 0x80;
      await expect(cs.hpke.decryptAead(key, nonce, aad, bad)).rejects.toThrow();
      await expect(ref.hpke.decryptAead(key, nonce, aad, bad)).rejects.toThrow();
    }
    await expect(cs.hpke.decryptAead(key, nonce, utf8('aaD'), ct)).rejects.toThrow();
    await expect(cs.hpke.decryptAead(rand(16), nonce, aad, ct)).rejects.toThrow();
    await expect(cs.hpke.decryptAead(key, rand(12), aad, ct)).rejects.toThrow();
    await expect(cs.hpke.decryptAead(key, nonce, aad, ct.subarray(0, 15))).rejects.toThrow();
    await expect(cs.hpke.decryptAead(key, nonce, aad, new Uint8Array(0))).rejects.toThrow();
    await expect(cs.hpke.encryptAead(rand(15), nonce, aad, ct)).rejects.toThrow();
    await expect(cs.hpke.encryptAead(rand(32), nonce, aad, ct)).rejects.toThrow();
    await expect(cs.hpke.encryptAead(key, rand(11), aad, ct)).rejects.toThrow();
  });

  it('Ed25519: ours verify with default and noble, theirs verify with ours', async () => {
    const ours = await cs.signature.keygen();
    expect(ours.signKey).toHaveLength(32);
    expect(ours.publicKey).toHaveLength(32);
    expect(toHex(ed25519.getPublicKey(ours.signKey))).toBe(toHex(ours.publicKey));
    const msg = rand(200);
    const sig = await cs.signature.sign(ours.signKey, msg);
    expect(await ref.signature.verify(ours.publicKey, msg, sig)).toBe(true);
    expect(ed25519.verify(sig, msg, ours.publicKey)).toBe(true);
    expect(await cs.signature.verify(ours.publicKey, msg, sig)).toBe(true);
    // Ed25519 is deterministic (RFC 8032): same signature as noble
    expect(toHex(sig)).toBe(toHex(ed25519.sign(msg, ours.signKey)));

    // the default provider's keygen returns 48-byte PKCS#8 private keys: we must sign with those too
    const theirs = await ref.signature.keygen();
    expect(theirs.signKey).toHaveLength(48);
    const sig2 = await ref.signature.sign(theirs.signKey, msg);
    expect(await cs.signature.verify(theirs.publicKey, msg, sig2)).toBe(true);
    const sig3 = await cs.signature.sign(theirs.signKey, msg);
    expect(toHex(sig3)).toBe(toHex(sig2));

    // node:crypto-made signature
    const kp = generateKeyPairSync('ed25519');
    const pub = new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
    expect(await cs.signature.verify(pub, msg, new Uint8Array(nodeSign(null, msg, kp.privateKey)))).toBe(true);
  });

  it('Ed25519 matches RFC 8032 §7.1 TEST 1', async () => {
    const sk = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const pk = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig =
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
    expect(toHex(await cs.signature.sign(sk, new Uint8Array(0)))).toBe(sig);
    expect(await cs.signature.verify(pk, new Uint8Array(0), hex(sig))).toBe(true);
  });

  it('Ed25519 rejects tampered signatures/messages and malformed keys like the default provider', async () => {
    const { signKey, publicKey } = await cs.signature.keygen();
    const msg = utf8('msg');
    const sig = await cs.signature.sign(signKey, msg);
    const bad = new Uint8Array(sig);
    bad[5]! ^= 1;
    expect(await cs.signature.verify(publicKey, msg, bad)).toBe(false);
    expect(await ref.signature.verify(publicKey, msg, bad)).toBe(false);
    expect(await cs.signature.verify(publicKey, utf8('msh'), sig)).toBe(false);
    expect(await cs.signature.verify(publicKey, msg, sig.subarray(0, 63))).toBe(false);
    const other = await cs.signature.keygen();
    expect(await cs.signature.verify(other.publicKey, msg, sig)).toBe(false);
    // malformed public key: the default provider rejects (WebCrypto DataError); so do we
    await expect(ref.signature.verify(publicKey.subarray(0, 31), msg, sig)).rejects.toThrow();
    await expect(cs.signature.verify(publicKey.subarray(0, 31), msg, sig)).rejects.toThrow();
    await expect(cs.signature.verify(new Uint8Array(33), msg, sig)).rejects.toThrow();
    // malformed private key
    await expect(ref.signature.sign(signKey.subarray(0, 31), msg)).rejects.toThrow();
    await expect(cs.signature.sign(signKey.subarray(0, 31), msg)).rejects.toThrow();
    await expect(cs.signature.sign(new Uint8Array(64), msg)).rejects.toThrow();
  });

  it('Ed25519 key caches stay correct across many keys (LRU eviction)', async () => {
    const keys = await Promise.all(Array.from({ length: 40 }, () => cs.signature.keygen()));
    const msg = utf8('x');
    for (let round = 0; round < 2; round++) {
      for (const k of keys) {
        const s = await cs.signature.sign(k.signKey, msg);
        expect(await ref.signature.verify(k.publicKey, msg, s)).toBe(true);
        expect(await cs.signature.verify(k.publicKey, msg, s)).toBe(true);
      }
    }
  });

  it('HPKE derives the same X25519 key pairs as @hpke/core (default provider)', async () => {
    for (let i = 0; i < 5; i++) {
      const ikm = rand(32);
      const a = await cs.hpke.deriveKeyPair(ikm);
      const b = await ref.hpke.deriveKeyPair(ikm);
      expect(toHex(await cs.hpke.exportPublicKey(a.publicKey))).toBe(toHex(await ref.hpke.exportPublicKey(b.publicKey)));
      expect(toHex(await cs.hpke.exportPrivateKey(a.privateKey))).toBe(toHex(await ref.hpke.exportPrivateKey(b.privateKey)));
    }
  });

  it('HPKE seal with ours opens with the default provider, and vice versa', async () => {
    const { privateKey, publicKey } = await cs.hpke.generateKeyPair();
    const skBytes = await cs.hpke.exportPrivateKey(privateKey);
    const pkBytes = await cs.hpke.exportPublicKey(publicKey);
    const refSk = await ref.hpke.importPrivateKey(skBytes);
    const refPk = await ref.hpke.importPublicKey(pkBytes);
    for (const aad of [undefined, utf8('aad')]) {
      const info = rand(20);
      const pt = rand(77);
      const s1 = await cs.hpke.seal(publicKey, pt, info, aad);
      expect(s1.enc).toHaveLength(32);
      expect(toHex(await ref.hpke.open(refSk, s1.enc, s1.ct, info, aad))).toBe(toHex(pt));
      const s2 = await ref.hpke.seal(refPk, pt, info, aad);
      const ourSk = await cs.hpke.importPrivateKey(skBytes);
      expect(toHex(await cs.hpke.open(ourSk, s2.enc, s2.ct, info, aad))).toBe(toHex(pt));
    }
    // exporter interface (used by MLS external init, RFC 9420 §8.3)
    const ctx = rand(10);
    const e1 = await cs.hpke.exportSecret(publicKey, ctx, 32, new Uint8Array(0));
    expect(toHex(await ref.hpke.importSecret(refSk, ctx, e1.enc, 32, new Uint8Array(0)))).toBe(toHex(e1.secret));
    const e2 = await ref.hpke.exportSecret(refPk, ctx, 32, new Uint8Array(0));
    expect(toHex(await cs.hpke.importSecret(privateKey, ctx, e2.enc, 32, new Uint8Array(0)))).toBe(toHex(e2.secret));
  });

  it('HPKE with a large repeated info (Welcome with the tree) stays correct across the info_hash cache', async () => {
    const info = rand(5000);
    const info2 = new Uint8Array(info);
    info2[4999]! ^= 1; // same length, differs in the last byte
    for (const inf of [info, info, info2, info, new Uint8Array(info2)]) {
      const { privateKey, publicKey } = await cs.hpke.generateKeyPair();
      const refSk = await ref.hpke.importPrivateKey(await cs.hpke.exportPrivateKey(privateKey));
      const { ct, enc } = await cs.hpke.seal(publicKey, utf8('gs'), inf);
      expect(dec(await ref.hpke.open(refSk, enc, ct, inf))).toBe('gs');
      const other = inf === info ? info2 : info;
      await expect(ref.hpke.open(refSk, enc, ct, other)).rejects.toThrow();
      await expect(cs.hpke.open(privateKey, enc, ct, other)).rejects.toThrow();
    }
  });

  it('HPKE open fails on tampered ct/enc/info/aad, wrong key, and malformed keys', async () => {
    const { privateKey, publicKey } = await cs.hpke.generateKeyPair();
    const info = utf8('info');
    const { ct, enc } = await cs.hpke.seal(publicKey, utf8('secret'), info, utf8('a'));
    const badCt = new Uint8Array(ct);
    badCt[0]! ^= 1;
    const badEnc = new Uint8Array(enc);
    badEnc[3]! ^= 1;
    await expect(cs.hpke.open(privateKey, enc, badCt, info, utf8('a'))).rejects.toThrow();
    await expect(cs.hpke.open(privateKey, badEnc, ct, info, utf8('a'))).rejects.toThrow();
    await expect(cs.hpke.open(privateKey, enc, ct, utf8('infx'), utf8('a'))).rejects.toThrow();
    await expect(cs.hpke.open(privateKey, enc, ct, info, utf8('b'))).rejects.toThrow();
    await expect(cs.hpke.open(privateKey, enc.subarray(0, 31), ct, info, utf8('a'))).rejects.toThrow();
    const other = await cs.hpke.generateKeyPair();
    await expect(cs.hpke.open(other.privateKey, enc, ct, info, utf8('a'))).rejects.toThrow();
    await expect(cs.hpke.importPublicKey(new Uint8Array(31))).rejects.toThrow();
    await expect(cs.hpke.importPrivateKey(new Uint8Array(33))).rejects.toThrow();
    await expect(ref.hpke.importPrivateKey(new Uint8Array(33))).rejects.toThrow();
    // all-zero / small-order public key: X25519 output is all zeros, must be refused (RFC 9180 §7.1.4)
    const zeroPk = await cs.hpke.importPublicKey(new Uint8Array(32));
    await expect(cs.hpke.seal(zeroPk, utf8('x'), info)).rejects.toThrow();
    await expect(cs.hpke.open(privateKey, new Uint8Array(32), ct, info, utf8('a'))).rejects.toThrow();
  });
});

describe('RFC 9180 A.1.1 DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode', () => {
  // Values from RFC 9180 Appendix A.1.1; every one is also recomputed below with @hpke/core.
  const ikmE = '7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234';
  const skEm = '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736';
  const pkEm = '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431';
  const ikmR = '6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037';
  const skRm = '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8';
  const info = '4f6465206f6e2061204772656369616e2055726e'; // "Ode on a Grecian Urn"
  const pt = '4265617574792069732074727574682c20747275746820626561757479';
  const aad0 = '436f756e742d30'; // "Count-0"
  const ct0 = 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a';
  const exported = '3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee'; // context "", L = 32

  it('@hpke/core agrees with the vector (sanity check of the expected values)', async () => {
    const kem = new DhkemX25519HkdfSha256();
    const e = await kem.deriveKeyPair(ab(hex(ikmE)));
    expect(toHex(await kem.serializePublicKey(e.publicKey))).toBe(pkEm);
    expect(toHex(await kem.serializePrivateKey(e.privateKey))).toBe(skEm);
    const r = await kem.deriveKeyPair(ab(hex(ikmR)));
    expect(toHex(await kem.serializePrivateKey(r.privateKey))).toBe(skRm);
    const suite = new CipherSuite({ kem, kdf: new HkdfSha256(), aead: new Aes128Gcm() });
    const ctx = await suite.createRecipientContext({ recipientKey: r.privateKey, enc: ab(hex(pkEm)), info: ab(hex(info)) });
    expect(toHex(await ctx.open(ab(hex(ct0)), ab(hex(aad0))))).toBe(pt);
  });

  const prims: [string, () => Parameters<typeof makeHpke>][] = [
    [
      'node',
      () => [_nodePrimitives.nodeX25519(), _nodePrimitives.nodeHash('sha256', 32), 1, _nodePrimitives.nodeAead('aes-128-gcm')],
    ],
    ['browser', () => [_browserPrimitives.nobleX25519(), _browserPrimitives.nobleSha256, 1, _browserPrimitives.webAesGcm()]],
  ];
  it.each(prims)('%s HPKE reproduces the vector (deterministic ephemeral key)', async (_n, mk) => {
    const [dh, h, kdfId, aead] = mk();
    // the vector's ephemeral key replaces the random one (and the node primitive's own key generation)
    const det = { ...dh, randomPrivate: () => hex(skEm) };
    delete det.ephemeral;
    const fixed = makeHpke(det, h, kdfId, aead);
    const r = await fixed.deriveKeyPair(hex(ikmR));
    expect(toHex(await fixed.exportPrivateKey(r.privateKey))).toBe(skRm);
    const e = await fixed.deriveKeyPair(hex(ikmE));
    expect(toHex(await fixed.exportPublicKey(e.publicKey))).toBe(pkEm);
    const sealed = await fixed.seal(r.publicKey, hex(pt), hex(info), hex(aad0));
    expect(toHex(sealed.enc)).toBe(pkEm);
    expect(toHex(sealed.ct)).toBe(ct0);
    expect(toHex(await fixed.open(r.privateKey, hex(pkEm), hex(ct0), hex(info), hex(aad0)))).toBe(pt);
    const ex = await fixed.exportSecret(r.publicKey, new Uint8Array(0), 32, hex(info));
    expect(toHex(ex.enc)).toBe(pkEm);
    expect(toHex(ex.secret)).toBe(exported);
    expect(toHex(await fixed.importSecret(r.privateKey, new Uint8Array(0), hex(pkEm), 32, hex(info)))).toBe(exported);
  });
});

describe('node HPKE ephemeral keys (generated by OpenSSL, decision D32)', () => {
  it('a seal by the node HPKE (fresh ephemeral each time) opens with the noble HPKE, and vice versa', async () => {
    const node = makeHpke(_nodePrimitives.nodeX25519(), _nodePrimitives.nodeHash('sha256', 32), 1, _nodePrimitives.nodeAead('aes-128-gcm'));
    const noble = makeHpke(_browserPrimitives.nobleX25519(), _browserPrimitives.nobleSha256, 1, _browserPrimitives.webAesGcm());
    const r = await noble.deriveKeyPair(utf8('an input keying material of 32 b'));
    const rPub = await node.importPublicKey(await noble.exportPublicKey(r.publicKey));
    const encs = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const sealed = await node.seal(rPub, utf8(`pt ${i}`), utf8('info'), utf8('aad'));
      encs.add(toHex(sealed.enc));
      expect(new TextDecoder().decode(await noble.open(r.privateKey, sealed.enc, sealed.ct, utf8('info'), utf8('aad')))).toBe(`pt ${i}`);
    }
    expect(encs.size).toBe(8);
    const rPriv = await node.importPrivateKey(await noble.exportPrivateKey(r.privateKey));
    const back = await noble.seal(r.publicKey, utf8('back'), utf8('info'), utf8('aad'));
    expect(new TextDecoder().decode(await node.open(rPriv, back.enc, back.ct, utf8('info'), utf8('aad')))).toBe('back');
  });
});

describe('suite 0x0003 (ChaCha20-Poly1305) on the node provider', () => {
  it('interoperates with the default provider when @hpke/chacha20poly1305 is installed, else works standalone', async () => {
    const s3 = getCiphersuiteFromName('MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519');
    const cs = await getCiphersuiteImpl(s3, createNodeCryptoProvider());
    expect(cs.hpke.keyLength).toBe(32);
    const key = rand(32);
    const nonce = rand(12);
    const ct = await cs.hpke.encryptAead(key, nonce, utf8('a'), utf8('chacha'));
    expect(new TextDecoder().decode(await cs.hpke.decryptAead(key, nonce, utf8('a'), ct))).toBe('chacha');
    const bad = new Uint8Array(ct);
    bad[0]! ^= 1;
    await expect(cs.hpke.decryptAead(key, nonce, utf8('a'), bad)).rejects.toThrow();
    const { chacha20poly1305 } = await import('@noble/ciphers/chacha.js').catch(() => ({ chacha20poly1305: undefined }));
    if (chacha20poly1305) expect(toHex(chacha20poly1305(key, nonce, utf8('a')).decrypt(ct))).toBe(toHex(utf8('chacha')));
    const kp = await cs.hpke.generateKeyPair();
    const sealed = await cs.hpke.seal(kp.publicKey, utf8('pt'), utf8('info'));
    expect(new TextDecoder().decode(await cs.hpke.open(kp.privateKey, sealed.enc, sealed.ct, utf8('info')))).toBe('pt');
  });
});

describe('internals', () => {
  it('Lru evicts the least recently used entry', () => {
    const l = new Lru<string, number>(2);
    l.getOrSet('a', () => 1);
    l.getOrSet('b', () => 2);
    l.getOrSet('a', () => 99); // touch a
    l.getOrSet('c', () => 3); // evicts b
    expect(l.size).toBe(2);
    expect(l.getOrSet('a', () => 100)).toBe(1);
    expect(l.getOrSet('b', () => 200)).toBe(200);
  });

  it('browser X25519 public keys (fixed-base Edwards path) equal noble x25519 and node:crypto', () => {
    const dh = _browserPrimitives.nobleX25519();
    const ndh = _nodePrimitives.nodeX25519();
    for (let i = 0; i < 30; i++) {
      const raw = rand(32);
      const expected = toHex(x25519.getPublicKey(raw));
      expect(toHex(dh.publicFromPrivate({ type: 'private', raw }))).toBe(expected);
      expect(toHex(ndh.publicFromPrivate({ type: 'private', raw }))).toBe(expected);
    }
  });

  it('hkdfExtract/hkdfExpand equal node:crypto hkdfSync', () => {
    const h = _nodePrimitives.nodeHash('sha256', 32);
    const ikm = rand(40);
    const salt = rand(7);
    const info = rand(9);
    expect(toHex(hkdfExpand(h, hkdfExtract(h, salt, ikm), info, 77))).toBe(toHex(new Uint8Array(hkdfSync('sha256', ikm, salt, info, 77))));
  });
});
