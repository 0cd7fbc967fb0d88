/**
 * Ciphersuite selection: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (0x0001, RFC 9420 §17.1),
 * through the default fast provider of src/mls/crypto or one the caller chose.
 *
 * @module
 */
import type { CiphersuiteImpl, CryptoProvider } from 'ts-mls';
import { getMimiCiphersuite } from './crypto/index.js';

let cached: Promise<CiphersuiteImpl> | undefined;
const byProvider = new WeakMap<CryptoProvider, Promise<CiphersuiteImpl>>();

/**
 * The ciphersuite implementation every room uses (0x0001), created once per provider.
 *
 * @param provider - the caller's crypto provider, or `undefined` for the default one
 * @returns the ts-mls ciphersuite implementation
 * @internal
 */
export function mimiSuite(provider?: CryptoProvider): Promise<CiphersuiteImpl> {
  if (provider === undefined) return (cached ??= getMimiCiphersuite(1));
  let cs = byProvider.get(provider);
  if (cs === undefined) {
    cs = getMimiCiphersuite(1, provider);
    byProvider.set(provider, cs);
  }
  return cs;
}
