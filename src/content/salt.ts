/**
 * The per-message salt (draft-ietf-mimi-content §3.1, §9.2 "Generating the random salt").
 *
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MimiError } from '../errors.js';

/**
 * Length of the salt in octets (§3.1).
 * @example
 * ```ts
 * import { generateSalt, SALT_LENGTH } from 'mimi-kit/content';
 * generateSalt().length === SALT_LENGTH; // 16
 * ```
 */
export const SALT_LENGTH = 16;

/**
 * A fresh 16-octet salt from the platform CSPRNG (`crypto.getRandomValues`).
 *
 * @returns 16 random octets
 * @throws {@link MimiError} `content/no-random` when no Web Crypto random source exists
 * @example
 * ```ts
 * const salt = generateSalt();
 * ```
 */
export function generateSalt(): Uint8Array<ArrayBuffer> {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array<ArrayBuffer>) => unknown } }).crypto;
  if (c?.getRandomValues === undefined) throw new MimiError('content/no-random', 'crypto.getRandomValues is not available');
  const salt = new Uint8Array(SALT_LENGTH);
  c.getRandomValues(salt);
  return salt;
}

/**
 * Derives a salt as in draft-ietf-mimi-content §9.2:
 * `salt = HMAC_SHA256(salt_base_secret, nonce)[0..15]`, where `salt_base_secret` is exported from the MLS
 * key schedule (e.g. MLS-Exporter with label "salt_base_secret") and `nonce` is generated locally.
 *
 * @param saltBaseSecret - the HMAC key (the exported salt_base_secret)
 * @param nonce - a locally generated nonce, never reused with the same secret
 * @returns the first 16 octets of the HMAC
 * @throws {@link MimiError} `content/invalid-salt-input` when either input is empty or not a Uint8Array
 * @example
 * ```ts
 * const salt = deriveSalt(exportedSecret, crypto.getRandomValues(new Uint8Array(16)));
 * ```
 */
export function deriveSalt(saltBaseSecret: Uint8Array, nonce: Uint8Array): Uint8Array<ArrayBuffer> {
  if (!(saltBaseSecret instanceof Uint8Array) || saltBaseSecret.length === 0) {
    throw new MimiError('content/invalid-salt-input', 'saltBaseSecret must be a non-empty Uint8Array');
  }
  if (!(nonce instanceof Uint8Array) || nonce.length === 0) {
    throw new MimiError('content/invalid-salt-input', 'nonce must be a non-empty Uint8Array');
  }
  return hmac(sha256, saltBaseSecret, nonce).slice(0, SALT_LENGTH);
}
