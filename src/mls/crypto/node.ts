/**
 * A ts-mls `CryptoProvider` on node:crypto (OpenSSL), for RFC 9420 §17.1 cipher suites
 * 0x0001 (X25519 / AES-128-GCM / SHA-256 / Ed25519) and 0x0003 (X25519 / ChaCha20-Poly1305 /
 * SHA-256 / Ed25519). Other suites are delegated to ts-mls's default provider.
 *
 * Only import this module under Node: it imports `node:crypto` statically.
 *
 * @module
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hash as nodeOneShotHash,
  randomBytes,
  randomFillSync,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { defaultCryptoProvider, type Ciphersuite, type CiphersuiteImpl, type CryptoProvider, type Signature } from 'ts-mls';
import { CryptoError } from 'ts-mls/mlsError.js';
import { Lru, bytesKey, makeHash, makeHpke, makeKdf, type AeadPrim, type DhPrim, type KemKey, type SyncHash } from './common.js';

/** Options for {@link createNodeCryptoProvider}. */
export interface NodeCryptoProviderOptions {
  /** Maximum number of imported signature keys kept (public and private each). Default 1024. */
  keyCacheSize?: number;
}

// RFC 8410 DER prefixes: PKCS#8 private key and SubjectPublicKeyInfo for Ed25519 (1.3.101.112) and X25519 (1.3.101.110).
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

const toU8 = (b: Uint8Array): Uint8Array => new Uint8Array(b); // copy out of Node's Buffer (pool) into a plain Uint8Array

/**
 * CSPRNG bytes served from a 4 KiB pool refilled by `randomFillSync`: ts-mls asks for a 4-byte reuse guard on
 * every message sent *and* received (RFC 9420 §6.3.2), and each `randomBytes` call costs ~6 µs in Node 20,
 * 2–4% of a message. Every byte is handed out once and overwritten in the pool (copies are returned).
 */
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;
function pooledRandomBytes(n: number): Uint8Array {
  if (n > POOL_SIZE / 4) return toU8(randomBytes(n));
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.slice(poolOffset, poolOffset + n);
  pool.fill(0, poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
const unb64u = (s: string | undefined): Uint8Array => toU8(Buffer.from(s ?? '', 'base64url'));
const ZERO32 = b64u(new Uint8Array(32));

function nodeHash(alg: 'sha256' | 'sha384' | 'sha512', size: number): SyncHash {
  const block = alg === 'sha256' ? 64 : 128;
  const oneShot = typeof nodeOneShotHash === 'function';
  const digest = (data: Uint8Array): Buffer =>
    oneShot ? (nodeOneShotHash(alg, data, 'buffer') as unknown as Buffer) : createHash(alg).update(data).digest();
  const ipad = new Uint8Array(block);
  const opad = new Uint8Array(block);
  return {
    size,
    digest: (data) => toU8(digest(data)),
    hmac(key, data) {
      // Long inputs: streaming createHmac avoids copying the data (one-shot wins only below ~1 KiB).
      if (!oneShot || data.length > 1024) return toU8(createHmac(alg, key).update(data).digest());
      // RFC 2104 HMAC over the one-shot hash (about 2x faster than createHmac for short inputs).
      const k = key.length > block ? digest(key) : key;
      ipad.fill(0x36);
      opad.fill(0x5c);
      for (let i = 0; i < k.length; i++) {
        ipad[i]! ^= k[i]!;
        opad[i]! ^= k[i]!;
      }
      const inner = new Uint8Array(block + data.length);
      inner.set(ipad, 0);
      inner.set(data, block);
      const outer = new Uint8Array(block + size);
      outer.set(opad, 0);
      outer.set(digest(inner), block);
      inner.fill(0, 0, block);
      const mac = toU8(digest(outer));
      outer.fill(0);
      ipad.fill(0);
      opad.fill(0);
      return mac;
    },
  };
}

/**
 * Imports a raw 32-byte OKP private key. JWK import is ~10x faster than PKCS#8 DER in Node 20
 * (OpenSSL 3 decoders); Node derives the public key from `d` and ignores `x`, which we fill with
 * zeros; if a runtime ever rejects that, fall back to DER.
 */
function okpPrivate(crv: 'X25519' | 'Ed25519', raw: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(raw), x: ZERO32 }, format: 'jwk' });
  } catch {
    const prefix = crv === 'X25519' ? X25519_PKCS8 : ED25519_PKCS8;
    return createPrivateKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'pkcs8' });
  }
}

function okpPublic(crv: 'X25519' | 'Ed25519', raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv, x: b64u(raw) }, format: 'jwk' });
}

function nodeAead(kind: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'): AeadPrim {
  const keyLength = kind === 'aes-128-gcm' ? 16 : 32;
  const id = kind === 'aes-128-gcm' ? 1 : kind === 'aes-256-gcm' ? 2 : 3;
  const check = (key: Uint8Array, nonce: Uint8Array) => {
    if (key.length !== keyLength) throw new CryptoError(`AEAD: key must be ${keyLength} bytes`);
    if (nonce.length !== 12) throw new CryptoError('AEAD: nonce must be 12 bytes');
  };
  return {
    id,
    keyLength,
    nonceLength: 12,
    seal(key, nonce, aad, pt) {
      check(key, nonce);
      const c = createCipheriv(kind as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
      if (aad.length > 0) c.setAAD(aad, { plaintextLength: pt.length });
      const a = c.update(pt);
      const b = c.final();
      const tag = c.getAuthTag();
      const out = new Uint8Array(a.length + b.length + 16);
      out.set(a, 0);
      out.set(b, a.length);
      out.set(tag, a.length + b.length);
      return out;
    },
    open(key, nonce, aad, ct) {
      check(key, nonce);
      if (ct.length < 16) throw new CryptoError('AEAD: ciphertext shorter than the tag');
      const n = ct.length - 16;
      const d = createDecipheriv(kind as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
      d.setAuthTag(ct.subarray(n));
      if (aad.length > 0) d.setAAD(aad, { plaintextLength: n });
      const a = d.update(ct.subarray(0, n));
      let b: Buffer;
      try {
        b = d.final();
      } catch {
        throw new CryptoError('AEAD: authentication failed');
      }
      const out = new Uint8Array(a.length + b.length);
      out.set(a, 0);
      out.set(b, a.length);
      return out;
    },
  };
}

function nodeX25519(): DhPrim {
  const privObj = (k: KemKey): KeyObject => (k.native ??= okpPrivate('X25519', k.raw)) as KeyObject;
  const pubObj = (k: KemKey): KeyObject => (k.native ??= okpPublic('X25519', k.raw)) as KeyObject;
  return {
    kemId: 0x0020,
    publicLength: 32,
    privateLength: 32,
    secretLength: 32,
    randomPrivate: () => toU8(randomBytes(32)),
    publicFromPrivate(sk) {
      return unb64u(createPublicKey(privObj(sk)).export({ format: 'jwk' }).x);
    },
    ephemeral() {
      // one OpenSSL key generation instead of importing random bytes and deriving the public key (~30% less)
      const { privateKey, publicKey } = generateKeyPairSync('x25519');
      return { type: 'private', raw: new Uint8Array(0), native: privateKey, pub: unb64u(publicKey.export({ format: 'jwk' }).x) };
    },
    dh(sk, pk) {
      // OpenSSL refuses an all-zero X25519 output (RFC 9180 §7.1.4); we check again anyway.
      const z = diffieHellman({ privateKey: privObj(sk), publicKey: pubObj(pk) });
      if (z.every((x) => x === 0)) throw new CryptoError('X25519: all-zero shared secret');
      return toU8(z);
    },
  };
}

/** Verifications queued in one microtask turn: at least this many go to libuv's thread pool together. */
const BATCH_THRESHOLD = 16;

interface Pending {
  key: KeyObject;
  message: Uint8Array;
  signature: Uint8Array;
  resolve: (ok: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Ed25519 verifications started in the same microtask turn (a commit's 2 × N key-package signatures, which
 * `proposals.ts` starts together) run on libuv's thread pool, so all cores verify; fewer run synchronously, as
 * before (a message's single verification gains nothing from a thread hop). Same verdicts either way.
 */
function verifyBatcher(): { verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): Promise<boolean> } {
  let queue: Pending[] = [];
  const flush = (): void => {
    const jobs = queue;
    queue = [];
    if (jobs.length < BATCH_THRESHOLD) {
      for (const j of jobs) {
        try {
          j.resolve(nodeVerify(null, j.message, j.key, j.signature));
        } catch (e) {
          j.reject(e);
        }
      }
      return;
    }
    for (const j of jobs) {
      nodeVerify(null, j.message, j.key, j.signature, (err, ok) => (err ? j.reject(new CryptoError('Ed25519: verification failed')) : j.resolve(ok)));
    }
  };
  return {
    verify(key, message, signature) {
      return new Promise<boolean>((resolve, reject) => {
        if (queue.length === 0) queueMicrotask(flush);
        queue.push({ key, message, signature, resolve, reject });
      });
    },
  };
}

function nodeEd25519(cacheSize: number): Signature {
  const batch = verifyBatcher();
  const pubCache = new Lru<string, KeyObject>(cacheSize);
  const privCache = new Lru<string, KeyObject>(cacheSize);
  // Private-key cache entries are keyed by a keyed hash of the key (with a per-provider random
  // salt), so raw private key bytes never become a (non-clearable) string.
  const salt = randomBytes(32);
  const privKey = (signKey: Uint8Array): KeyObject => {
    const id = createHmac('sha256', salt).update(signKey).digest('base64');
    return privCache.getOrSet(id, () => {
      // ts-mls's default provider produces 48-byte PKCS#8 keys, noble 32-byte seeds: accept both.
      let k: KeyObject;
      try {
        k = signKey.length === 32 ? okpPrivate('Ed25519', signKey) : createPrivateKey({ key: Buffer.from(signKey), format: 'der', type: 'pkcs8' });
      } catch {
        throw new CryptoError('Ed25519: invalid private key');
      }
      if (k.asymmetricKeyType !== 'ed25519') throw new CryptoError('Ed25519: invalid private key');
      return k;
    });
  };
  const pubKey = (publicKey: Uint8Array): KeyObject => {
    if (publicKey.length !== 32) throw new CryptoError('Ed25519: public key must be 32 bytes');
    return pubCache.getOrSet(bytesKey(publicKey), () => {
      try {
        return okpPublic('Ed25519', publicKey);
      } catch {
        throw new CryptoError('Ed25519: invalid public key');
      }
    });
  };
  return {
    async sign(signKey, message) {
      return toU8(nodeSign(null, message, privKey(signKey)));
    },
    async verify(publicKey, message, signature) {
      const k = pubKey(publicKey);
      if (signature.length !== 64) return false;
      return batch.verify(k, message, signature);
    },
    async keygen() {
      const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      return { signKey: unb64u(jwk.d), publicKey: unb64u(jwk.x) };
    },
  };
}

/**
 * Cipher suite names this provider implements itself (others go to ts-mls's default provider).
 *
 * @example
 * ```ts
 * NODE_PROVIDER_SUITES.includes('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'); // true
 * ```
 */
export const NODE_PROVIDER_SUITES = [
  'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519',
] as const;

/**
 * Creates a ts-mls `CryptoProvider` backed by node:crypto: synchronous SHA-256/HMAC/HKDF,
 * AES-128-GCM or ChaCha20-Poly1305, Ed25519 with an LRU cache of imported keys, and RFC 9180 HPKE
 * base mode with DHKEM(X25519, HKDF-SHA256). Suites other than 0x0001 and 0x0003 are delegated to
 * ts-mls's `defaultCryptoProvider`.
 *
 * @param options - cache size
 * @returns the provider
 * @throws never at creation; ts-mls `CryptoError` from the primitives on bad keys or failed authentication
 * @example
 * ```ts
 * import { createNodeCryptoProvider } from 'mimi-kit/mls/node-crypto';
 * const cs = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'), createNodeCryptoProvider());
 * ```
 */
export function createNodeCryptoProvider(options: NodeCryptoProviderOptions = {}): CryptoProvider {
  const cacheSize = options.keyCacheSize ?? 1024;
  const impls = new Map<string, CiphersuiteImpl>();
  return {
    async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
      const hit = impls.get(cs.name);
      if (hit) return hit;
      const aeadKind =
        cs.name === 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'
          ? ('aes-128-gcm' as const)
          : cs.name === 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519'
            ? ('chacha20-poly1305' as const)
            : undefined;
      if (aeadKind === undefined) return defaultCryptoProvider.getCiphersuiteImpl(cs);
      const h = nodeHash('sha256', 32);
      const impl: CiphersuiteImpl = {
        hash: makeHash(h),
        kdf: makeKdf(h),
        signature: nodeEd25519(cacheSize),
        hpke: makeHpke(nodeX25519(), h, 0x0001, nodeAead(aeadKind), (a, b) =>
          Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
        ),
        rng: { randomBytes: pooledRandomBytes },
        name: cs.name,
      };
      impls.set(cs.name, impl);
      return impl;
    },
  };
}

/**
 * A shared node:crypto provider with default options: the default of `mimi-kit/mls` under Node.
 *
 * @example
 * ```ts
 * import { nodeCryptoProvider } from 'mimi-kit/mls/node-crypto';
 * const room = await createRoom({ identity, roomUri, roomState, verifier, cryptoProvider: nodeCryptoProvider });
 * ```
 */
export const nodeCryptoProvider: CryptoProvider = createNodeCryptoProvider();

/**
 * Primitive factories, exported for the cross-implementation tests only.
 *
 * @internal
 */
export const _nodePrimitives = { nodeHash, nodeAead, nodeX25519, nodeEd25519 };
