/**
 * A ts-mls `CryptoProvider` for browsers (and any runtime with WebCrypto), for RFC 9420 §17.1
 * cipher suite 0x0001 (X25519 / AES-128-GCM / SHA-256 / Ed25519): synchronous SHA-256, HMAC and
 * HKDF and X25519 from @noble/hashes / @noble/curves, AES-128-GCM from WebCrypto, Ed25519 from
 * WebCrypto with cached `CryptoKey`s when the runtime supports it, otherwise @noble/curves.
 * Other suites are delegated to ts-mls's default provider.
 *
 * @module
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type Ciphersuite, type CiphersuiteImpl, type CryptoProvider, type Signature } from 'ts-mls';
import { CryptoError } from 'ts-mls/mlsError.js';
import { Lru, bytesKey, concat, makeHash, makeHpke, makeKdf, type AeadPrim, type DhPrim, type SyncHash } from './common.js';
import { MimiError } from '../../errors.js';

/** Options for {@link createBrowserCryptoProvider}. */
export interface BrowserCryptoProviderOptions {
  /** Maximum number of imported signature keys kept (public and private each). Default 1024. */
  keyCacheSize?: number;
  /**
   * Ed25519 backend: `'webcrypto'` (cached CryptoKeys; needs WebCrypto Ed25519), `'noble'`
   * (@noble/curves), or `'auto'` (WebCrypto when a probe succeeds, else noble). Default `'auto'`.
   */
  ed25519?: 'auto' | 'webcrypto' | 'noble';
  /**
   * The provider for cipher suites other than 0x0001 (for example ts-mls's `defaultCryptoProvider`).
   * Without one they are refused with `mls/unknown-ciphersuite`: a default fallback would put every
   * curve, ChaCha20-Poly1305 and the HPKE EC code into every browser bundle (about 30 kB gzip).
   */
  otherSuites?: CryptoProvider;
}

// RFC 8410 PKCS#8 prefix for a raw Ed25519 private key (WebCrypto imports Ed25519 private keys only as PKCS#8).
const ED25519_PKCS8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new CryptoError('WebCrypto is not available');
  return s;
};

/** Copy into a fresh ArrayBuffer-backed array (WebCrypto rejects SharedArrayBuffer views under strict typings). */
const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

const nobleSha256: SyncHash = {
  size: 32,
  digest: (data) => sha256(data),
  hmac: (key, data) => hmac(sha256, key, data),
};

function webAesGcm(): AeadPrim {
  const check = (key: Uint8Array, nonce: Uint8Array) => {
    if (key.length !== 16) throw new CryptoError('AEAD: key must be 16 bytes');
    if (nonce.length !== 12) throw new CryptoError('AEAD: nonce must be 12 bytes');
  };
  // MLS message keys are used once (RFC 9420 §9.1 deletion schedule), so caching AES CryptoKeys by
  // key bytes would never hit; each call imports its key.
  const importKey = (key: Uint8Array, use: KeyUsage) => subtle().importKey('raw', ab(key), { name: 'AES-GCM' }, false, [use]);
  return {
    id: 1,
    keyLength: 16,
    nonceLength: 12,
    async seal(key, nonce, aad, pt) {
      check(key, nonce);
      const k = await importKey(key, 'encrypt');
      const params: AesGcmParams = { name: 'AES-GCM', iv: ab(nonce), tagLength: 128 };
      if (aad.length > 0) params.additionalData = ab(aad);
      return new Uint8Array(await subtle().encrypt(params, k, ab(pt)));
    },
    async open(key, nonce, aad, ct) {
      check(key, nonce);
      if (ct.length < 16) throw new CryptoError('AEAD: ciphertext shorter than the tag');
      const k = await importKey(key, 'decrypt');
      const params: AesGcmParams = { name: 'AES-GCM', iv: ab(nonce), tagLength: 128 };
      if (aad.length > 0) params.additionalData = ab(aad);
      try {
        return new Uint8Array(await subtle().decrypt(params, k, ab(ct)));
      } catch {
        throw new CryptoError('AEAD: authentication failed');
      }
    },
  };
}

const ED_ORDER = ed25519.Point.Fn.ORDER;

/**
 * X25519 public key of a private key via a fixed-base Edwards multiplication (noble keeps precomputed
 * tables for the base point; ~2x faster than the Montgomery ladder of `x25519.getPublicKey`).
 * RFC 7748 §5: clamp the scalar; the base point has prime order L, so k·B = (k mod L)·B, and the
 * birational map u = (1 + y) / (1 - y) (RFC 7748 §4.1) gives the Montgomery u-coordinate.
 */
function x25519PublicFast(sk: Uint8Array): Uint8Array {
  const c = new Uint8Array(sk);
  c[0]! &= 248;
  c[31]! &= 127;
  c[31]! |= 64;
  let n = 0n;
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(c[i]!);
  c.fill(0);
  return ed25519.utils.toMontgomery(ed25519.Point.BASE.multiply(n % ED_ORDER).toBytes());
}

function nobleX25519(): DhPrim {
  return {
    kemId: 0x0020,
    publicLength: 32,
    privateLength: 32,
    secretLength: 32,
    randomPrivate: () => globalThis.crypto.getRandomValues(new Uint8Array(32)),
    publicFromPrivate: (sk) => x25519PublicFast(sk.raw),
    dh(sk, pk) {
      const z = x25519.getSharedSecret(sk.raw, pk.raw); // noble throws on an all-zero result
      if (z.every((x) => x === 0)) throw new CryptoError('X25519: all-zero shared secret');
      return z;
    },
  };
}

function seedOf(signKey: Uint8Array): Uint8Array {
  if (signKey.length === 32) return signKey;
  // ts-mls's default provider stores 48-byte PKCS#8 keys: accept exactly that shape.
  if (signKey.length === 48 && signKey.subarray(0, 16).every((b, i) => b === ED25519_PKCS8[i])) return signKey.subarray(16);
  throw new CryptoError('Ed25519: invalid private key');
}

function nobleEd25519(): Signature {
  return {
    async sign(signKey, message) {
      return ed25519.sign(message, seedOf(signKey));
    },
    async verify(publicKey, message, signature) {
      if (publicKey.length !== 32) throw new CryptoError('Ed25519: public key must be 32 bytes');
      if (signature.length !== 64) return false;
      // zip215: false = RFC 8032 strict verification, as OpenSSL and WebCrypto do.
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    },
    async keygen() {
      const signKey = ed25519.utils.randomSecretKey();
      return { signKey, publicKey: ed25519.getPublicKey(signKey) };
    },
  };
}

function webEd25519(cacheSize: number): Signature {
  const pubCache = new Lru<string, Promise<CryptoKey>>(cacheSize);
  // Private-key entries are keyed by a keyed hash of the key (per-provider random salt), so raw
  // private key bytes never become a (non-clearable) string.
  const privCache = new Lru<string, Promise<CryptoKey>>(cacheSize);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const privKey = (signKey: Uint8Array): Promise<CryptoKey> => {
    const seed = seedOf(signKey);
    return privCache.getOrSet(bytesKey(hmac(sha256, salt, seed)), () => {
      const p = subtle().importKey('pkcs8', ab(concat(ED25519_PKCS8, seed)), { name: 'Ed25519' }, false, ['sign']);
      p.catch(() => undefined);
      return p;
    });
  };
  const pubKey = (publicKey: Uint8Array): Promise<CryptoKey> => {
    if (publicKey.length !== 32) throw new CryptoError('Ed25519: public key must be 32 bytes');
    return pubCache.getOrSet(bytesKey(publicKey), () => {
      const p = subtle().importKey('raw', ab(publicKey), { name: 'Ed25519' }, false, ['verify']);
      p.catch(() => undefined);
      return p;
    });
  };
  return {
    async sign(signKey, message) {
      let k: CryptoKey;
      try {
        k = await privKey(signKey);
      } catch {
        throw new CryptoError('Ed25519: invalid private key');
      }
      return new Uint8Array(await subtle().sign({ name: 'Ed25519' }, k, ab(message)));
    },
    async verify(publicKey, message, signature) {
      let k: CryptoKey;
      try {
        k = await pubKey(publicKey);
      } catch {
        throw new CryptoError('Ed25519: invalid public key');
      }
      if (signature.length !== 64) return false;
      return subtle().verify({ name: 'Ed25519' }, k, ab(signature), ab(message));
    },
    async keygen() {
      const signKey = ed25519.utils.randomSecretKey();
      return { signKey, publicKey: ed25519.getPublicKey(signKey) };
    },
  };
}

let webEd25519Probe: Promise<boolean> | undefined;

/**
 * Whether this runtime's WebCrypto implements Ed25519 (probed once).
 *
 * @returns true when `crypto.subtle` can generate an Ed25519 key
 * @example
 * ```ts
 * if (await hasWebCryptoEd25519()) console.log('native Ed25519');
 * ```
 */
export function hasWebCryptoEd25519(): Promise<boolean> {
  webEd25519Probe ??= (async () => {
    try {
      await subtle().generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      return true;
    } catch {
      return false;
    }
  })();
  return webEd25519Probe;
}

/**
 * Creates a ts-mls `CryptoProvider` for browsers: `@noble` SHA-256/HMAC/HKDF/X25519 (synchronous,
 * no WebCrypto round trips), WebCrypto AES-128-GCM, Ed25519 on WebCrypto with cached CryptoKeys
 * (or @noble/curves), and RFC 9180 HPKE base mode with DHKEM(X25519, HKDF-SHA256). Suites other
 * than 0x0001 go to `options.otherSuites` or are refused.
 *
 * @param options - cache size and Ed25519 backend
 * @returns the provider
 * @throws never at creation; ts-mls `CryptoError` from the primitives on bad keys or failed authentication
 * @example
 * ```ts
 * const cs = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'), createBrowserCryptoProvider());
 * ```
 */
export function createBrowserCryptoProvider(options: BrowserCryptoProviderOptions = {}): CryptoProvider {
  const cacheSize = options.keyCacheSize ?? 1024;
  const mode = options.ed25519 ?? 'auto';
  const impls = new Map<string, Promise<CiphersuiteImpl>>();
  return {
    getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
      if (cs.name !== 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519') {
        if (options.otherSuites !== undefined) return options.otherSuites.getCiphersuiteImpl(cs);
        return Promise.reject(new MimiError('mls/unknown-ciphersuite', `the browser crypto provider implements MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 only, not ${cs.name}; pass options.otherSuites`));
      }
      let p = impls.get(cs.name);
      if (p === undefined) {
        p = (async () => {
          const useWeb = mode === 'webcrypto' || (mode === 'auto' && (await hasWebCryptoEd25519()));
          return {
            hash: makeHash(nobleSha256),
            kdf: makeKdf(nobleSha256),
            signature: useWeb ? webEd25519(cacheSize) : nobleEd25519(),
            hpke: makeHpke(nobleX25519(), nobleSha256, 0x0001, webAesGcm()),
            rng: { randomBytes: (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)) },
            name: cs.name,
          };
        })();
        impls.set(cs.name, p);
      }
      return p;
    },
  };
}

/**
 * A shared browser provider with default options: the default of `mimi-kit/mls` outside Node.
 *
 * @example
 * ```ts
 * const room = await createRoom({ identity, roomUri, roomState, verifier, cryptoProvider: browserCryptoProvider });
 * ```
 */
export const browserCryptoProvider: CryptoProvider = createBrowserCryptoProvider();

/**
 * Primitive factories, exported for the cross-implementation tests only.
 *
 * @internal
 */
export const _browserPrimitives = { nobleSha256, webAesGcm, nobleX25519, nobleEd25519, webEd25519 };
