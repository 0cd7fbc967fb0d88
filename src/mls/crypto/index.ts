/**
 * Fast crypto providers for ts-mls (RFC 9420 §5.1 cipher suites), chosen per platform.
 *
 * @module
 */
import {
  ciphersuites,
  getCiphersuiteFromName,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type CryptoProvider,
} from 'ts-mls';
import { MimiError } from '../../errors.js';

let cachedProvider: Promise<CryptoProvider> | undefined;

/** True under Node.js (not in browsers, even with a `process` shim lacking `versions.node`). */
function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p !== 'undefined' && typeof p.versions?.node === 'string';
}

/**
 * The crypto provider mimi-kit uses by default, chosen once per process: the node:crypto provider
 * under Node.js, the browser provider (@noble + WebCrypto) elsewhere. Both implement cipher suites
 * 0x0001 (and Node also 0x0003) themselves and delegate other suites to ts-mls's default provider.
 * The Node module is loaded by dynamic import, so browser bundles never see `node:crypto`.
 *
 * @returns a ts-mls `CryptoProvider`
 * @throws never (falls back to the browser provider if the Node module cannot load)
 * @example
 * ```ts
 * const provider = await defaultMimiCryptoProvider();
 * const cs = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'), provider);
 * ```
 */
export function defaultMimiCryptoProvider(): Promise<CryptoProvider> {
  cachedProvider ??= (async () => {
    if (isNode()) {
      try {
        // The specifier is a variable so browser bundlers do not follow it into node:crypto; a Node
        // bundle that dropped node.js lands in the catch and uses the portable provider.
        const spec = './node.js';
        const m = (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec)) as typeof import('./node.js');
        return m.nodeCryptoProvider;
      } catch {
        // fall through to the portable provider
      }
    }
    const b = await import('./browser.js');
    return b.browserCryptoProvider;
  })();
  return cachedProvider;
}

/**
 * The ts-mls ciphersuite implementation for an MLS cipher suite id (RFC 9420 §17.1).
 *
 * @param id - cipher suite id, default 0x0001 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
 * @returns the ts-mls `CiphersuiteImpl`
 * @throws MimiError `mls/unknown-ciphersuite` when ts-mls does not know the id
 * @example
 * ```ts
 * const cs = await getMimiCiphersuite(1);
 * ```
 */
export async function getMimiCiphersuite(id = 1): Promise<CiphersuiteImpl> {
  const name = (Object.keys(ciphersuites) as CiphersuiteName[]).find((n) => ciphersuites[n] === id);
  if (name === undefined) throw new MimiError('mls/unknown-ciphersuite', `unknown MLS cipher suite ${id}`, { details: { id } });
  const provider = await defaultMimiCryptoProvider();
  return provider.getCiphersuiteImpl(getCiphersuiteFromName(name));
}
