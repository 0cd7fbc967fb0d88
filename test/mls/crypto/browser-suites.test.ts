import { describe, expect, it } from 'vitest';
import { defaultCryptoProvider, getCiphersuiteFromName, getCiphersuiteImpl } from 'ts-mls';
import { createBrowserCryptoProvider } from '../../../src/mls/crypto/browser.js';
import { MimiError } from '../../../src/errors.js';

// The browser provider implements suite 0x0001 only, so that a browser bundle carries no other curve.
describe('browser crypto provider: other cipher suites', () => {
  const p256 = getCiphersuiteFromName('MLS_128_DHKEMP256_AES128GCM_SHA256_P256');

  it('refuses a suite other than 0x0001 with mls/unknown-ciphersuite when no fallback is given', async () => {
    const err = await getCiphersuiteImpl(p256, createBrowserCryptoProvider()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MimiError);
    expect((err as MimiError).code).toBe('mls/unknown-ciphersuite');
  });

  it('hands such a suite to options.otherSuites', async () => {
    const impl = await getCiphersuiteImpl(p256, createBrowserCryptoProvider({ otherSuites: defaultCryptoProvider }));
    // RFC 9420 §17.1: suite 0x0002 uses SHA-256 (32-byte output) and P-256 signatures.
    expect((await impl.hash.digest(new Uint8Array([0x61, 0x62, 0x63]))).length).toBe(32);
    expect(impl.name).toBe('MLS_128_DHKEMP256_AES128GCM_SHA256_P256');
  });
});
