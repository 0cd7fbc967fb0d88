/**
 * Fast crypto providers for ts-mls (RFC 9420 §5.1 cipher suites): the default one, chosen per platform,
 * and the ciphersuite lookup that honours a provider the caller chose.
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
let platformProvider: CryptoProvider | undefined;

/** True under Node.js (not in browsers, even with a `process` shim lacking `versions.node`). */
function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p !== 'undefined' && typeof p.versions?.node === 'string';
}

/**
 * Registers the provider of the platform entry point (`mimi-kit/mls` under the `node` export condition
 * registers the node:crypto provider), so that bundles for Node keep the fast path without the dynamic
 * import below, which a bundler cannot follow. Decision "Browser" B2 in docs/decisions.md.
 *
 * @param provider - the platform's provider
 * @internal
 */
export function registerPlatformCryptoProvider(provider: CryptoProvider): void {
  platformProvider = provider;
  cachedProvider = Promise.resolve(provider);
}

/**
 * The crypto provider mimi-kit uses when the caller chooses none, chosen once per process: the
 * node:crypto provider under Node.js, the browser provider (@noble + WebCrypto) elsewhere. Both implement
 * cipher suites 0x0001 (and Node also 0x0003) themselves and delegate other suites to ts-mls's default
 * provider. Browser bundles never see `node:crypto`: the `node` build of `mimi-kit/mls` registers its
 * provider statically, and unbundled sources load it by a dynamic import that bundlers do not follow.
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
    if (platformProvider !== undefined) return platformProvider;
    if (isNode()) {
      try {
        // The specifier is a variable so browser bundlers do not follow it into node:crypto; a Node
        // bundle without the `node` condition lands in the catch and uses the portable provider.
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
 * The ts-mls ciphersuite implementation for an MLS cipher suite id (RFC 9420 §17.1), from the caller's
 * provider or the default one.
 *
 * @param id - cipher suite id, default 0x0001 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
 * @param provider - the crypto provider (default {@link defaultMimiCryptoProvider})
 * @returns the ts-mls `CiphersuiteImpl`
 * @throws MimiError `mls/unknown-ciphersuite` when ts-mls does not know the id
 * @example
 * ```ts
 * const cs = await getMimiCiphersuite(1);
 * const inBrowser = await getMimiCiphersuite(1, browserCryptoProvider);
 * ```
 */
export async function getMimiCiphersuite(id = 1, provider?: CryptoProvider): Promise<CiphersuiteImpl> {
  const name = (Object.keys(ciphersuites) as CiphersuiteName[]).find((n) => ciphersuites[n] === id);
  if (name === undefined) throw new MimiError('mls/unknown-ciphersuite', `unknown MLS cipher suite ${id}`, { details: { id } });
  return (provider ?? (await defaultMimiCryptoProvider())).getCiphersuiteImpl(getCiphersuiteFromName(name));
}
