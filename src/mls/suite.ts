/**
 * Ciphersuite selection: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (0x0001, RFC 9420 §17.1),
 * through the fast provider of src/mls/crypto.
 *
 * @module
 */
import type { CiphersuiteImpl } from 'ts-mls';
import { getMimiCiphersuite } from './crypto/index.js';

let cached: Promise<CiphersuiteImpl> | undefined;

/**
 * The ciphersuite implementation every room uses (0x0001), created once.
 *
 * @returns the ts-mls ciphersuite implementation
 * @internal
 */
export function mimiSuite(): Promise<CiphersuiteImpl> {
  cached ??= getMimiCiphersuite(1);
  return cached;
}
