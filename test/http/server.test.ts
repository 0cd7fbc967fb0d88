// The Node server's lifecycle: graceful close lets a request in progress finish and refuses new
// connections; bad credentials are refused up front; keep-alive reuses one connection.
import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { createMimiHandler, MimiHttpClient, type MimiHandler } from '../../src/http/index.js';
import { createMtlsFetch, startMimiServer } from '../../src/http/node/index.js';
import { pki } from './support.js';

function credentials(domain: string) {
  const { ca, cert } = pki();
  const c = cert(domain);
  return { cert: c.certPem, key: c.keyPem, ca: ca.certPem };
}

describe('startMimiServer', () => {
  it('closes gracefully: the request in progress is answered, later connections are refused', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((r) => (entered = r));
    const inner = createMimiHandler({ domain: 'a.example', hostAliases: ['127.0.0.1'], identifierQuery: async () => ({ responseCode: 'notFound', uri: [], foundProfiles: [], idResponseExtensions: [] }) });
    const handler: MimiHandler = async (req, peer) => {
      entered();
      await gate;
      return inner(req, peer);
    };
    const server = await startMimiServer({ handler, tls: credentials('a.example') });
    const fetch = createMtlsFetch({ ...credentials('b.example'), servername: () => 'a.example' });
    const client = new MimiHttpClient({ domain: 'b.example', fetch, resolve: () => server.url });
    const pending = client.identifierQuery('a.example', { queryElements: [{ searchType: 'nick', searchValue: 'x' }], idRequestExtensions: [] });
    await inside;
    const closed = server.close(5000);
    release();
    expect((await pending).responseCode).toBe('notFound');
    await closed;
    const later = createMtlsFetch({ ...credentials('b.example'), servername: () => 'a.example' });
    const again = new MimiHttpClient({ domain: 'b.example', fetch: later, resolve: () => server.url });
    await expect(again.identifierQuery('a.example', { queryElements: [{ searchType: 'nick', searchValue: 'x' }], idRequestExtensions: [] })).rejects.toMatchObject({ code: 'http/network' });
    await fetch.close();
    await later.close();
  });

  it('keeps connections alive: twenty requests, one TLS connection', async () => {
    const handler = createMimiHandler({ domain: 'a.example', hostAliases: ['127.0.0.1'], identifierQuery: async () => ({ responseCode: 'notFound', uri: [], foundProfiles: [], idResponseExtensions: [] }) });
    const server = await startMimiServer({ handler, tls: credentials('a.example') });
    const fetch = createMtlsFetch({ ...credentials('b.example'), servername: () => 'a.example', connections: 1 });
    const client = new MimiHttpClient({ domain: 'b.example', fetch, resolve: () => server.url });
    for (let i = 0; i < 20; i++) await client.identifierQuery('a.example', { queryElements: [{ searchType: 'nick', searchValue: `x${i}` }], idRequestExtensions: [] });
    expect(server.stats).toEqual({ connections: 1, requests: 20 });
    await fetch.close();
    await server.close();
  });

  it('refuses credentials that do not load, before listening', async () => {
    const handler = createMimiHandler({ domain: 'a.example' });
    await expect(startMimiServer({ handler, tls: { cert: 'nope', key: 'nope', ca: 'nope' } })).rejects.toBeInstanceOf(MimiError);
    expect(() => createMtlsFetch({ cert: 'nope', key: 'nope', ca: 'nope' })).toThrow(expect.objectContaining({ code: 'http/bad-certificate' }));
  });
});
