/**
 * Platform-neutral pieces shared by the node:crypto and browser providers: a bounded LRU cache,
 * RFC 5869 HKDF on top of a synchronous HMAC, and RFC 9180 HPKE base mode (DHKEM) on top of
 * pluggable DH / AEAD primitives, all shaped as the ts-mls 1.6.4 `Hpke`, `Kdf` and `Hash` interfaces.
 *
 * Nothing here imports `node:*`, so browsers can load it.
 *
 * @module
 * @internal
 */
import type { Hash, Hpke, Kdf, PrivateKey, PublicKey } from 'ts-mls';
import { CryptoError } from 'ts-mls/mlsError.js';
import { concatBytes } from '../../bytes.js';

/**
 * A small least-recently-used map with a fixed capacity (used for imported key objects).
 *
 * @internal
 */
export class Lru<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();

  /**
   * @param max - maximum number of entries kept (oldest evicted first)
   */
  constructor(max: number) {
    this.#max = max;
  }

  /**
   * Returns the cached value, or computes, stores and returns it.
   *
   * @param key - cache key
   * @param make - computes the value on a miss (exceptions propagate and nothing is stored)
   * @returns the value
   */
  getOrSet(key: K, make: () => V): V {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    const v = make();
    this.#map.set(key, v);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    return v;
  }

  /** Number of entries currently held. */
  get size(): number {
    return this.#map.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.#map.clear();
  }
}

/**
 * Bytes → string usable as a Map key (one char per byte). Only used for public data.
 *
 * @param b - bytes
 * @returns a binary string
 * @internal
 */
export function bytesKey(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/** Concatenates byte strings. @internal */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** Big-endian 2-byte integer (RFC 9180 I2OSP(n, 2)). @internal */
export function i2osp2(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

const utf8 = new TextEncoder();

/** Constant-time byte comparison. @internal */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Synchronous hash primitives for one hash function. @internal */
export interface SyncHash {
  /** Output length in bytes (Nh). */
  size: number;
  digest(data: Uint8Array): Uint8Array;
  hmac(key: Uint8Array, data: Uint8Array): Uint8Array;
}

/** RFC 5869 HKDF-Extract. @internal */
export function hkdfExtract(h: SyncHash, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  // RFC 5869 §2.2: an absent salt is HashLen zero bytes; HMAC pads short keys with zeros anyway.
  return h.hmac(salt.length === 0 ? new Uint8Array(h.size) : salt, ikm);
}

/** RFC 5869 HKDF-Expand. @internal */
export function hkdfExpand(h: SyncHash, prk: Uint8Array, info: Uint8Array, len: number): Uint8Array {
  if (!Number.isInteger(len) || len < 0 || len > 255 * h.size) throw new CryptoError(`HKDF-Expand: invalid length ${len}`);
  if (len <= h.size) {
    // one block (every MLS ExpandWithLabel but the exporter): T(1) = HMAC(PRK, info | 0x01)
    const one = new Uint8Array(info.length + 1);
    one.set(info, 0);
    one[info.length] = 1;
    const t1 = h.hmac(prk, one);
    return len === t1.length ? t1 : t1.slice(0, len);
  }
  const out = new Uint8Array(len);
  let t: Uint8Array = new Uint8Array(0);
  const buf = new Uint8Array(h.size + info.length + 1);
  for (let i = 1, o = 0; o < len; i++) {
    // T(i) = HMAC(PRK, T(i-1) | info | i)
    let n = 0;
    buf.set(t, 0);
    n += t.length;
    buf.set(info, n);
    n += info.length;
    buf[n++] = i;
    t = h.hmac(prk, buf.subarray(0, n));
    out.set(t.subarray(0, Math.min(h.size, len - o)), o);
    o += h.size;
  }
  return out;
}

/**
 * ts-mls `Hash` on synchronous primitives.
 *
 * @internal
 */
export function makeHash(h: SyncHash): Hash {
  return {
    async digest(data) {
      return h.digest(data);
    },
    async mac(key, data) {
      return h.hmac(key, data);
    },
    async verifyMac(key, mac, data) {
      return equalBytes(h.hmac(key, data), mac);
    },
  };
}

/**
 * ts-mls `Kdf` (HKDF) on synchronous primitives.
 *
 * @internal
 */
export function makeKdf(h: SyncHash): Kdf {
  return {
    async extract(salt, ikm) {
      return hkdfExtract(h, salt, ikm);
    },
    async expand(prk, info, len) {
      return hkdfExpand(h, prk, info, len);
    },
    size: h.size,
  };
}

/** AEAD primitive (key, nonce, aad, data); `open` throws on authentication failure. @internal */
export interface AeadPrim {
  /** RFC 9180 AEAD id. */
  id: number;
  keyLength: number;
  nonceLength: number;
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array | Promise<Uint8Array>;
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Diffie-Hellman group primitive for DHKEM (RFC 9180 §4.1). @internal */
export interface DhPrim {
  /** RFC 9180 KEM id (0x0020 for DHKEM(X25519, HKDF-SHA256)). */
  kemId: number;
  /** Npk = Nenc, Nsk, Nsecret. */
  publicLength: number;
  privateLength: number;
  secretLength: number;
  /** Random private key bytes. */
  randomPrivate(): Uint8Array;
  /** Public key bytes for private key bytes (throws on a bad key). */
  publicFromPrivate(sk: KemKey): Uint8Array;
  /** DH(sk, pk); must throw if the result is the all-zero value (RFC 9180 §7.1.4). */
  dh(sk: KemKey, pk: KemKey): Uint8Array;
  /**
   * Optional: a fresh random key pair for one encapsulation (RFC 9180 §4.1 GenerateKeyPair), as a private key
   * handle with `pub` (and `native`) filled and `raw` empty: it never leaves `encap`. Faster than importing
   * random bytes and deriving the public key where the platform generates key objects directly.
   */
  ephemeral?(): KemKey;
}

/**
 * Our HPKE key handle. ts-mls types these as `CryptoKey` but treats them as opaque values that
 * only travel back into the same `Hpke` object; `native` caches a platform key object.
 *
 * @internal
 */
export interface KemKey {
  type: 'private' | 'public';
  raw: Uint8Array;
  native?: unknown;
  pub?: Uint8Array;
}

const HPKE_V1 = utf8.encode('HPKE-v1');

function asKey(k: PrivateKey | PublicKey, type: 'private' | 'public'): KemKey {
  const kk = k as unknown as KemKey;
  if (kk === null || typeof kk !== 'object' || kk.type !== type || !(kk.raw instanceof Uint8Array)) {
    throw new CryptoError(`HPKE: not a ${type} key from this provider`);
  }
  return kk;
}

/**
 * RFC 9180 HPKE, base mode only (mode_base = 0x00), single-shot seal/open and the secret export
 * API, with DHKEM over `dh`, HKDF over `h`, and `aead`. Shaped as ts-mls 1.6.4 `Hpke`.
 *
 * @internal
 */
export function makeHpke(
  dhp: DhPrim,
  h: SyncHash,
  kdfId: number,
  aead: AeadPrim,
  bytesEqual: (a: Uint8Array, b: Uint8Array) => boolean = equalBytes,
): Hpke {
  // RFC 9180 §4.1: suite_id = concat("KEM", I2OSP(kem_id, 2))
  const kemSuite = concat(utf8.encode('KEM'), i2osp2(dhp.kemId));
  // RFC 9180 §5.1: suite_id = concat("HPKE", I2OSP(kem_id,2), I2OSP(kdf_id,2), I2OSP(aead_id,2))
  const hpkeSuite = concat(utf8.encode('HPKE'), i2osp2(dhp.kemId), i2osp2(kdfId), i2osp2(aead.id));
  const labeledExtract = (suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array) =>
    hkdfExtract(h, salt, concat(HPKE_V1, suite, utf8.encode(label), ikm));
  const labeledExpand = (suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, len: number) =>
    hkdfExpand(h, prk, concat(i2osp2(len), HPKE_V1, suite, utf8.encode(label), info), len);
  const empty = new Uint8Array(0);
  // Base mode: psk = default_psk = "", psk_id = default_psk_id = "".
  const pskIdHash = labeledExtract(hpkeSuite, empty, 'psk_id_hash', empty);

  const priv = (raw: Uint8Array): KemKey => {
    if (raw.length !== dhp.privateLength) throw new CryptoError(`HPKE: private key must be ${dhp.privateLength} bytes`);
    return { type: 'private', raw: new Uint8Array(raw) };
  };
  const pub = (raw: Uint8Array): KemKey => {
    if (raw.length !== dhp.publicLength) throw new CryptoError(`HPKE: public key must be ${dhp.publicLength} bytes`);
    return { type: 'public', raw: new Uint8Array(raw) };
  };
  const publicOf = (sk: KemKey): Uint8Array => (sk.pub ??= dhp.publicFromPrivate(sk));

  // RFC 9180 §4.1 ExtractAndExpand
  const extractAndExpand = (dh: Uint8Array, kemContext: Uint8Array) =>
    labeledExpand(kemSuite, labeledExtract(kemSuite, empty, 'eae_prk', dh), 'shared_secret', kemContext, dhp.secretLength);

  const encap = (pkR: KemKey) => {
    // RFC 9180 §4.1 Encap: a fresh ephemeral key pair for every encapsulation (a Welcome has one per joiner).
    const skE = dhp.ephemeral !== undefined ? dhp.ephemeral() : priv(dhp.randomPrivate());
    const enc = publicOf(skE);
    const dh = dhp.dh(skE, pkR);
    return { sharedSecret: extractAndExpand(dh, concat(enc, pkR.raw)), enc };
  };
  const decap = (enc: Uint8Array, skR: KemKey) => {
    const pkE = pub(enc);
    const dh = dhp.dh(skR, pkE);
    return extractAndExpand(dh, concat(enc, publicOf(skR)));
  };
  // RFC 9180 §5.1 KeySchedule, mode_base
  // A Welcome seals the GroupSecrets of every new member with the same info (RFC 9420 §12.4.3.1:
  // EncryptWithLabel(init_key, "Welcome", encrypted_group_info, …)), which holds the whole ratchet
  // tree when it travels in the GroupInfo. Remember the last info_hash (public data) so N joiners
  // cost one hash of it instead of N: the Welcome builder (src/mls/commit.ts) passes the same buffer
  // for every joiner, recognised by identity; other callers, by content.
  let lastInfo: Uint8Array | undefined;
  let lastInfoRef: Uint8Array | undefined;
  let lastInfoHash: Uint8Array | undefined;
  const infoHashOf = (info: Uint8Array): Uint8Array => {
    if (lastInfoHash !== undefined && lastInfo !== undefined && lastInfo.length === info.length) {
      if (info === lastInfoRef || bytesEqual(lastInfo, info)) return lastInfoHash;
    }
    const ih = labeledExtract(hpkeSuite, empty, 'info_hash', info);
    if (info.length >= 1024) {
      lastInfo = new Uint8Array(info);
      lastInfoRef = info;
      lastInfoHash = ih;
    }
    return ih;
  };
  const keySchedule = (sharedSecret: Uint8Array, info: Uint8Array) => {
    const infoHash = infoHashOf(info);
    const ctx = concat(new Uint8Array([0]), pskIdHash, infoHash);
    const secret = labeledExtract(hpkeSuite, sharedSecret, 'secret', empty);
    return {
      key: labeledExpand(hpkeSuite, secret, 'key', ctx, aead.keyLength),
      // single-shot: sequence number 0, so nonce = base_nonce
      nonce: labeledExpand(hpkeSuite, secret, 'base_nonce', ctx, aead.nonceLength),
      // the exporter secret only when the secret export API asks for it (seal/open never use it)
      exporter: () => labeledExpand(hpkeSuite, secret, 'exp', ctx, h.size),
    };
  };
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof CryptoError) throw e;
      throw new CryptoError(`HPKE: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return {
    async open(privateKey, kemOutput, ciphertext, info, aad) {
      const skR = asKey(privateKey, 'private');
      const { key, nonce } = wrap(() => keySchedule(decap(kemOutput, skR), info));
      try {
        return await aead.open(key, nonce, aad ?? empty, ciphertext);
      } catch (e) {
        if (e instanceof CryptoError) throw e;
        throw new CryptoError('HPKE: open failed');
      }
    },
    async seal(publicKey, plaintext, info, aad) {
      const pkR = asKey(publicKey, 'public');
      const { sharedSecret, enc } = wrap(() => encap(pkR));
      const { key, nonce } = keySchedule(sharedSecret, info);
      return { ct: await aead.seal(key, nonce, aad ?? empty, plaintext), enc };
    },
    async exportSecret(publicKey, exporterContext, length, info) {
      const pkR = asKey(publicKey, 'public');
      return wrap(() => {
        const { sharedSecret, enc } = encap(pkR);
        const { exporter } = keySchedule(sharedSecret, info);
        return { enc, secret: labeledExpand(hpkeSuite, exporter(), 'sec', exporterContext, length) };
      });
    },
    async importSecret(privateKey, exporterContext, kemOutput, length, info) {
      const skR = asKey(privateKey, 'private');
      return wrap(() => {
        const { exporter } = keySchedule(decap(kemOutput, skR), info);
        return labeledExpand(hpkeSuite, exporter(), 'sec', exporterContext, length);
      });
    },
    async importPrivateKey(k) {
      return wrap(() => {
        const key = priv(k);
        publicOf(key); // validates the key now, as @hpke/core does on import
        return key as unknown as PrivateKey;
      });
    },
    async importPublicKey(k) {
      return pub(k) as unknown as PublicKey;
    },
    async exportPublicKey(k) {
      return new Uint8Array(asKey(k, 'public').raw);
    },
    async exportPrivateKey(k) {
      return new Uint8Array(asKey(k, 'private').raw);
    },
    async encryptAead(key, nonce, aad, plaintext) {
      return aead.seal(key, nonce, aad ?? empty, plaintext);
    },
    async decryptAead(key, nonce, aad, ciphertext) {
      try {
        return await aead.open(key, nonce, aad ?? empty, ciphertext);
      } catch (e) {
        if (e instanceof CryptoError) throw e;
        throw new CryptoError('AEAD: decryption failed');
      }
    },
    async deriveKeyPair(ikm) {
      // RFC 9180 §7.1.3 DeriveKeyPair for X25519/X448
      return wrap(() => {
        const dkpPrk = labeledExtract(kemSuite, empty, 'dkp_prk', ikm);
        const sk = priv(labeledExpand(kemSuite, dkpPrk, 'sk', empty, dhp.privateLength));
        const pk: KemKey = { type: 'public', raw: publicOf(sk) };
        return { privateKey: sk as unknown as PrivateKey, publicKey: pk as unknown as PublicKey };
      });
    },
    async generateKeyPair() {
      return wrap(() => {
        const sk = priv(dhp.randomPrivate());
        const pk: KemKey = { type: 'public', raw: publicOf(sk) };
        return { privateKey: sk as unknown as PrivateKey, publicKey: pk as unknown as PublicKey };
      });
    },
    keyLength: aead.keyLength,
    nonceLength: aead.nonceLength,
  };
}
