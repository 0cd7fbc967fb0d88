/**
 * A provider's franking keys from one secret file (draft-ietf-mimi-protocol-06 "Message Franking", HT19): the
 * hub's HMAC `hub_key` and the Ed25519 franking signature key pair (cipher suite 1, MIMI's suite) are derived
 * from 32 secret bytes with HKDF-SHA256 (RFC 5869) under two labels, so an operator keeps and rotates one file.
 *
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { HubFranking } from '../delivery/franking.js';
import { MimiError } from '../errors.js';

const enc = new TextEncoder();

/**
 * The franking keys derived from a 32-byte secret.
 *
 * @param secret - 32 secret bytes
 * @returns the hub franking configuration (suite 1, Ed25519)
 * @throws {@link MimiError} `provider/bad-config` when the secret is not 32 bytes
 * @example
 * ```ts
 * import { frankingFromSecret } from 'mimi-kit/provider';
 * const franking = frankingFromSecret(crypto.getRandomValues(new Uint8Array(32)));
 * franking.frankingPublicKey.length; // 32: publish it in the rooms' franking_agent component
 * ```
 */
export function frankingFromSecret(secret: Uint8Array): HubFranking {
  if (secret.length !== 32) throw new MimiError('provider/bad-config', `the franking secret must be 32 bytes, not ${secret.length}`, { path: ['frankingKeyFile'] });
  const hubKey = hkdf(sha256, secret, undefined, enc.encode('mimi-kit franking hub_key'), 32);
  const frankingPrivateKey = hkdf(sha256, secret, undefined, enc.encode('mimi-kit franking signature key'), 32);
  return { hubKey, frankingPrivateKey, frankingPublicKey: ed25519.getPublicKey(frankingPrivateKey), cipherSuite: 1 };
}

/**
 * Reads the franking secret file (base64url of 32 bytes), creating it (mode 0600) with fresh random bytes when
 * it does not exist yet.
 *
 * @param path - the file
 * @returns the franking configuration
 * @throws {@link MimiError} `provider/unreadable-file`, `provider/bad-config`
 * @example
 * ```ts
 * const franking = loadFrankingKeyFile('/var/lib/mimi/franking-key');
 * ```
 */
export function loadFrankingKeyFile(path: string): HubFranking {
  try {
    if (!existsSync(path)) writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new MimiError('provider/unreadable-file', `cannot create the franking key file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new MimiError('provider/unreadable-file', `cannot read the franking key file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) throw new MimiError('provider/bad-config', `${path} must hold 32 bytes in base64url (43 characters)`, { path: ['frankingKeyFile'] });
  return frankingFromSecret(new Uint8Array(Buffer.from(text, 'base64url')));
}
