/**
 * The official MLS interop vectors (mlswg/mls-implementations `test-vectors/`, RFC 9420), read from the
 * reference folder (`../shared/mls-vectors`, see its README) when it is there; without it every file here
 * skips and says so once (test/support/shared.ts).
 *
 * Providers: mimi-kit's node provider runs every cipher suite it can build (0x0001 and 0x0003 are its own
 * code; 0x0002/0x0005/0x0007 are delegated to ts-mls's default provider); the browser provider runs 0x0001,
 * the only suite it implements itself (the rest is the same delegation). Suites 0x0004 and 0x0006 (X448)
 * need optional ts-mls peers (@hpke/dhkem-x448, @hpke/chacha20poly1305) that mimi-kit does not install: their
 * cases check that the provider refuses the suite with ts-mls's DependencyError, and are counted in one line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCiphersuiteImpl, type CiphersuiteImpl, type CiphersuiteName, type CryptoProvider } from 'ts-mls';
import { getCiphersuiteFromId, getCiphersuiteNameFromId, type CiphersuiteId } from 'ts-mls/crypto/ciphersuite.js';
import { createBrowserCryptoProvider } from '../../../src/mls/crypto/browser.js';
import { createNodeCryptoProvider } from '../../../src/mls/crypto/node.js';
import { sharedPath } from '../../support/shared.js';

/** The vector folder, or undefined (then the suites skip, with one line saying so). */
export const MLS_VECTORS = sharedPath('the official MLS interop vectors (test/mls/interop-vectors)', 'mls-vectors');

/** The cases of one vector file (an empty list when the folder is missing). */
export function loadVectors<T>(file: string): T[] {
  return MLS_VECTORS === undefined ? [] : (JSON.parse(readFileSync(join(MLS_VECTORS, file), 'utf8')) as T[]);
}

export const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A provider under test and the suites it is run on. */
export interface ProviderUnderTest {
  readonly name: string;
  readonly provider: CryptoProvider;
  /** Suites this provider is run on (the others are run by the other provider or refused). */
  readonly suites: readonly number[];
}

/** Suites whose HPKE needs an optional ts-mls peer that is not installed (X448; ChaCha20 outside Node). */
export const UNAVAILABLE_SUITES: readonly number[] = [4, 6];

export const PROVIDERS: readonly ProviderUnderTest[] = [
  { name: 'mimi node provider', provider: createNodeCryptoProvider(), suites: [1, 2, 3, 5, 7] },
  { name: 'mimi browser provider', provider: createBrowserCryptoProvider(), suites: [1] },
];

export const suiteName = (id: number): CiphersuiteName => getCiphersuiteNameFromId(id as CiphersuiteId);

/** The CiphersuiteImpl of `provider` for suite `id`. */
export function impl(p: ProviderUnderTest, id: number): Promise<CiphersuiteImpl> {
  return getCiphersuiteImpl(getCiphersuiteFromId(id as CiphersuiteId), p.provider);
}

/** Vitest rows `[label, case]` for the cases of one provider, plus the refused rows (suites 4 and 6). */
export function rows<T extends { cipher_suite: number }>(cases: readonly T[], p: ProviderUnderTest): [string, T][] {
  return cases.flatMap((c, i): [string, T][] => (p.suites.includes(c.cipher_suite) ? [[`#${i} suite ${c.cipher_suite}`, c]] : []));
}

/** The cases of suites no provider here can build (X448), as rows. */
export function unavailableRows<T extends { cipher_suite: number }>(cases: readonly T[]): [string, T][] {
  return cases.flatMap((c, i): [string, T][] => (UNAVAILABLE_SUITES.includes(c.cipher_suite) ? [[`#${i} suite ${c.cipher_suite}`, c]] : []));
}

const reported = new Set<string>();
/** Prints once per file how many cases could not run because their suite is unavailable here. */
export function reportUnavailable(file: string, cases: readonly { cipher_suite: number }[]): void {
  const n = cases.filter((c) => UNAVAILABLE_SUITES.includes(c.cipher_suite)).length;
  if (n === 0 || reported.has(file)) return;
  reported.add(file);
  console.warn(
    `NOTE ${file}: ${n} of ${cases.length} cases use cipher suites 0x0004/0x0006 (X448), which need the optional ts-mls peers ` +
      '@hpke/dhkem-x448 / @hpke/chacha20poly1305 (not installed; MIMI uses 0x0001): those cases only check that the suite is refused.',
  );
}
