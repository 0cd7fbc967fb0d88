// The mutual-TLS fetch against a plain node:https server that misbehaves on purpose: answers over the size
// limit (declared or streamed), answers that never come, aborts; and MimiHttpClient over it directly (its
// lighter path) or behind a wrapper (the standard Response path) must fail the same way.
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { MimiHttpClient, type FetchLike } from '../../src/http/index.js';
import { createMtlsFetch, type MtlsFetch } from '../../src/http/node/index.js';
import { pki } from './support.js';

type Mode = 'small' | 'declared' | 'streamed' | 'silent' | 'empty' | 'problem';
let mode: Mode = 'small';
let server: Server;
let url: string;
let connections = 0;
const held: ServerResponse[] = [];

function answer(res: ServerResponse): void {
  switch (mode) {
    case 'small':
      res.writeHead(200, { 'content-type': 'text/plain', 'x-two': ['1', '2'] });
      return void res.end('hello');
    case 'declared':
      // Declares 1000 bytes, sends 10 and stalls: only the declaration can refuse it.
      res.writeHead(200, { 'content-length': 1000 });
      res.write('0123456789');
      return void held.push(res);
    case 'streamed':
      // Chunked, no length: 3 × 60 bytes, then stalls.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 3; i++) res.write('x'.repeat(60));
      return void held.push(res);
    case 'silent':
      return void held.push(res);
    case 'empty':
      res.writeHead(204);
      return void res.end();
    case 'problem':
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      return void res.end('{"type":"urn:mimi-kit:error:http/not-found","title":"http/not-found","status":404,"detail":"nobody","code":"http/not-found"}');
  }
}

beforeAll(async () => {
  const { ca, cert } = pki();
  const a = cert('a.example');
  server = createServer({ cert: a.certPem, key: a.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  server.on('secureConnection', () => void connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const r of held) r.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function mtls(): MtlsFetch {
  const { ca, cert } = pki();
  const b = cert('b.example');
  return createMtlsFetch({ cert: b.certPem, key: b.keyPem, ca: ca.certPem, servername: () => 'a.example', connections: 1 });
}

const init = (extra: Partial<Parameters<FetchLike>[1]> = {}): Parameters<FetchLike>[1] => ({ method: 'POST', headers: { from: 'mimi@b.example' }, body: new Uint8Array([1, 2]), ...extra });

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('createMtlsFetch', () => {
  it('answers a standard Response: status, repeated fields joined, body; a 204 has no body', async () => {
    const f = mtls();
    try {
      mode = 'small';
      const r = await f(`${url}/x`, init());
      expect(r).toBeInstanceOf(Response);
      expect([r.status, r.headers.get('x-two'), r.headers.get('content-type'), await r.text()]).toEqual([200, '1, 2', 'text/plain', 'hello']);
      mode = 'empty';
      const e = await f(`${url}/x`, init());
      expect([e.status, e.body]).toEqual([204, null]);
    } finally {
      await f.close();
    }
  });

  it('refuses an answer over maxResponseBytes, declared or streamed, and does not reuse its connection', async () => {
    const f = mtls();
    try {
      for (const m of ['declared', 'streamed'] as const) {
        mode = m;
        const e = await failure(f(`${url}/x`, init({ maxResponseBytes: 100 })));
        expect(e, m).toBeInstanceOf(MimiError);
        expect(e).toMatchObject({ code: 'http/body-too-large', details: { max: 100 } });
        // The next request works, on a new connection (the refused one had bytes in flight).
        const before = connections;
        mode = 'small';
        expect((await f(`${url}/x`, init())).status).toBe(200);
        expect(connections).toBe(before + 1);
      }
    } finally {
      await f.close();
    }
  });

  it('gives up on an answer that does not come within timeoutMs (undici headers timeout)', async () => {
    const f = mtls();
    try {
      mode = 'silent';
      const t0 = Date.now();
      const e = await failure(f(`${url}/x`, init({ timeoutMs: 300 })));
      expect(e).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    } finally {
      await f.close();
    }
  });

  it('stops at an abort signal with its reason, whether aborted before or while waiting', async () => {
    const f = mtls();
    try {
      mode = 'silent';
      const reason = new Error('caller gave up');
      expect(await failure(f(`${url}/x`, init({ signal: AbortSignal.abort(reason) })))).toBe(reason);
      const c = new AbortController();
      const pending = failure(f(`${url}/x`, init({ signal: c.signal })));
      setTimeout(() => c.abort(reason), 100);
      expect(await pending).toBe(reason);
      // Without a reason of its own, the signal's default (an AbortError DOMException).
      const d = new AbortController();
      const other = failure(f(`${url}/x`, init({ signal: d.signal })));
      setTimeout(() => d.abort(), 50);
      expect(await other).toMatchObject({ name: 'AbortError' });
    } finally {
      await f.close();
    }
  });
});

describe('MimiHttpClient over the mTLS fetch, directly and behind a wrapper', () => {
  const query = { queryElements: [{ searchType: 'nick' as const, searchValue: 'x' }], idRequestExtensions: [] };

  it('fails the same way on both paths', async () => {
    const f = mtls();
    // A wrapper is not mimi-kit's own fetch: the client reads its Response the standard way.
    const wrapped: FetchLike = (u, i) => f(u, i);
    const clients = [f, wrapped].map((fetch) => new MimiHttpClient({ domain: 'b.example', fetch, resolve: () => url, maxResponseBytes: 150, timeoutMs: 300 }));
    try {
      for (const [m, code] of [
        ['problem', 'http/not-found'],
        ['declared', 'http/body-too-large'],
        ['streamed', 'http/body-too-large'],
        ['silent', 'http/network'],
        ['empty', 'http/bad-response'],
      ] as const) {
        mode = m;
        for (const client of clients) {
          const e = await failure(client.identifierQuery('a.example', query));
          expect(e, m).toBeInstanceOf(MimiError);
          expect((e as MimiError).code, m).toBe(code);
        }
      }
    } finally {
      await f.close();
    }
  });
});
