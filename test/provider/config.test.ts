// The provider configuration at its boundary: every bad field is a MimiError with a stable code and the path of
// the field (never a ZodError), defaults are filled in, and store specifications name what they say.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { parseProviderConfig, readTlsMaterial, domainOfUri } from '../../src/provider/config.js';
import { describeStore, openStore, parseStoreSpec } from '../../src/provider/store.js';

const TOKEN = 'x'.repeat(16);
const base = { domain: 'a.example', store: 'memory:', plainHttp: true, local: { token: TOKEN } };

function refusal(input: unknown): MimiError {
  try {
    parseProviderConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(MimiError);
    return e as MimiError;
  }
  throw new Error('accepted');
}

describe('parseProviderConfig', () => {
  it('fills in the defaults and lower-cases domains', () => {
    const c = parseProviderConfig({ ...base, domain: 'A.Example', peers: { 'B.EXAMPLE': 'https://127.0.0.1:4443' } });
    expect(c).toMatchObject({ domain: 'a.example', host: '127.0.0.1', port: 0, logLevel: 'info', shutdownTimeoutMs: 5000, local: { host: '127.0.0.1', port: 0, token: TOKEN } });
    expect(c.peers).toEqual({ 'b.example': 'https://127.0.0.1:4443' });
  });

  it.each([
    ['a domain that is no DNS name', { ...base, domain: 'a_example!' }, 'provider/bad-config', ['domain']],
    ['a missing store', { domain: 'a.example', plainHttp: true, local: { token: TOKEN } }, 'provider/bad-config', ['store']],
    ['a port past 65535', { ...base, port: 65536 }, 'provider/bad-config', ['port']],
    ['a fractional port', { ...base, port: 80.5 }, 'provider/bad-config', ['port']],
    ['a token under 16 characters', { ...base, local: { token: 'short' } }, 'provider/bad-config', ['local', 'token']],
    ['a local listener off loopback', { ...base, local: { token: TOKEN, host: '0.0.0.0' } }, 'provider/bad-config', ['local', 'host']],
    ['a peer URL that is not http(s)', { ...base, peers: { 'b.example': 'ftp://b.example' } }, 'provider/bad-config', ['peers', 'b.example']],
    ['an unknown field', { ...base, colour: 'red' }, 'provider/bad-config', []],
    ['an unknown log level', { ...base, logLevel: 'loud' }, 'provider/bad-config', ['logLevel']],
    ['neither certificates nor plain HTTP', { domain: 'a.example', store: 'memory:', local: { token: TOKEN } }, 'provider/no-tls', ['tls']],
    ['certificates and plain HTTP', { ...base, tls: { cert: 'c', key: 'k', ca: 'a' } }, 'provider/no-tls', ['plainHttp']],
  ])('refuses %s', (_what, input, code, path) => {
    const e = refusal(input);
    expect(e.code).toBe(code);
    expect(e.path).toEqual(path);
    expect(e.constructor.name).toBe('MimiError');
  });

  it('refuses input that is not an object, and a getter that throws, as bad config', () => {
    expect(refusal(null).code).toBe('provider/bad-config');
    expect(refusal('a.example').code).toBe('provider/bad-config');
    const hostile = { ...base, get port(): number {
      throw new Error('boom');
    } };
    expect(refusal(hostile).code).toBe('provider/bad-config');
  });
});

describe('readTlsMaterial', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pem = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n';
  writeFileSync(join(dir, 'c.pem'), pem);
  writeFileSync(join(dir, 'not.pem'), 'hello');

  it('reads the three PEM files', () => {
    const f = join(dir, 'c.pem');
    expect(readTlsMaterial({ cert: f, key: f, ca: f })).toEqual({ cert: pem, key: pem, ca: pem });
  });

  it('names the field of a missing file and of a file that is not PEM', () => {
    const f = join(dir, 'c.pem');
    for (const [tls, field] of [
      [{ cert: f, key: join(dir, 'missing.pem'), ca: f }, 'key'],
      [{ cert: f, key: f, ca: join(dir, 'not.pem') }, 'ca'],
    ] as const) {
      try {
        readTlsMaterial(tls);
        throw new Error('read');
      } catch (e) {
        expect((e as MimiError).code).toBe('provider/unreadable-file');
        expect((e as MimiError).path).toEqual(['tls', field]);
      }
    }
  });
});

describe('store specifications', () => {
  it('a path is an SQLite data directory, memory: keeps nothing, a scheme is a URL', () => {
    expect(parseStoreSpec('./data/a')).toEqual({ kind: 'sqlite', directory: resolve('./data/a') });
    expect(parseStoreSpec('memory:')).toEqual({ kind: 'memory' });
    expect(parseStoreSpec('postgres://u@db/mimi')).toEqual({ kind: 'url', scheme: 'postgres', url: 'postgres://u@db/mimi' });
    // A Windows drive letter is one letter: still a path.
    expect(parseStoreSpec('C:\\data').kind).toBe('sqlite');
  });

  it('a URL scheme this build has no store for is provider/unsupported-store', async () => {
    await expect(openStore('redis://localhost/0')).rejects.toMatchObject({ code: 'provider/unsupported-store' });
  });

  it('opens memory: and a data directory (which survives a reopen)', async () => {
    const m = await openStore('memory:');
    expect(await m.transaction((tx) => tx.lastSeq('r'))).toBe(0);
    await m.close();
    const dir = mkdtempSync(join(tmpdir(), 'mimi-store-'));
    try {
      const s1 = await openStore(dir);
      await s1.transaction((tx) => tx.put('room', 'k', new Uint8Array([7])));
      await s1.close();
      const s2 = await openStore(dir);
      expect(await s2.transaction((tx) => tx.get('room', 'k'))).toEqual(new Uint8Array([7]));
      await s2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs never show a store password', () => {
    expect(describeStore('postgres://mimi:s3cret@db:5432/mimi')).toBe('postgres://mimi:***@db:5432/mimi');
    expect(describeStore('memory:')).toBe('memory: (nothing kept)');
  });
});

describe('domainOfUri', () => {
  it('is the authority of a mimi:// URI, lower case', () => {
    expect(domainOfUri('mimi://A.example/r/club')).toBe('a.example');
    expect(domainOfUri('https://a.example/r/club')).toBeUndefined();
    expect(domainOfUri('mimi://a.example')).toBeUndefined();
  });
});
