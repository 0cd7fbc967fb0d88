/**
 * The Node fast path (no WHATWG Request/Response on mimi-kit's own server and client path) must be invisible:
 * the same answers as the standard path, byte for byte, for good and refused requests; the lighter request's
 * headers read as `Headers` reads them; the lazy Response reads as a Response over the same bytes.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMimiHandler, type MimiHandler } from '../../src/http/index.js';
import { startMimiServer } from '../../src/http/node/index.js';
import { bytesOf, bytesResponse, liteRequest, recentUrls } from '../../src/http/fast.js';
import { DIRECTORY_PATH, encodeConsentEntry, encodeIdentifierRequest } from '../../src/protocol/index.js';

/** One raw HTTP/1.1 exchange on a fresh connection; the answer without its Date line. */
function exchange(port: number, raw: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(raw));
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').replace(/\r\nDate: [^\r]*/i, '')));
  });
}

const REQUESTS: readonly string[] = [
  // refused by From (a repeated From joins into something that is no mimi@<domain>)
  'POST /identifierQuery/a.example HTTP/1.1\r\nHost: a.example\r\nFrom: mimi@z.example\r\nFrom: mimi@y.example\r\nContent-Type: application/mimi-content\r\nContent-Length: 2\r\nConnection: close\r\n\r\n\0\0',
  // padded From, Content-Type with parameters: reaches the decoder
  'POST /identifierQuery/a.example HTTP/1.1\r\nHost: a.example\r\nFrom:   mimi@z.example  \r\ncontent-type: Application/MIMI-Content ; x=1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n\0\0',
  // wrong media type, chunked body
  'POST /identifierQuery/a.example HTTP/1.1\r\nHost: a.example\r\nFrom: mimi@z.example\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n\0\0\r\n0\r\n\r\n',
  // another provider's Host
  'POST /identifierQuery/a.example HTTP/1.1\r\nHost: b.example\r\nFrom: mimi@z.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
  // credentials in the Host: no URL Fetch accepts
  'POST /identifierQuery/a.example HTTP/1.1\r\nHost: u:p@a.example\r\nFrom: mimi@z.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
  // a forbidden method
  'TRACE / HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n',
  // the directory, GET and a wrong method
  `GET ${DIRECTORY_PATH} HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n`,
  `PUT ${DIRECTORY_PATH} HTTP/1.1\r\nHost: a.example\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx`,
  // unknown endpoint, unauthenticated, percent-encoded target
  'POST /nothing/x HTTP/1.1\r\nHost: a.example\r\nFrom: mimi@z.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
  'POST /identifierQuery/a%2Eexample HTTP/1.1\r\nHost: a.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
];

describe('Node fast path', () => {
  it('answers every request exactly as the WHATWG Request path does', async () => {
    const make = (): MimiHandler =>
      createMimiHandler({ domain: 'a.example', hostAliases: ['127.0.0.1'], identifierQuery: async () => ({ responseCode: 'notFound', uri: [], foundProfiles: [], idResponseExtensions: [] }) });
    const direct = make();
    const inner = make();
    // A wrapper is not mimi-kit's own handler: the server builds a standard Request for it.
    const wrapped: MimiHandler = (request, peer) => inner(request, peer);
    const fast = await startMimiServer({ handler: direct, tls: { plainHttp: true } });
    const standard = await startMimiServer({ handler: wrapped, tls: { plainHttp: true } });
    try {
      for (const raw of REQUESTS) {
        const a = await exchange(fast.port, raw);
        const b = await exchange(standard.port, raw);
        expect(a, raw).toBe(b);
        expect(a).toMatch(/^HTTP\/1\.1 \d{3} /);
      }
    } finally {
      await fast.close();
      await standard.close();
    }
  });

  it('answers a 200 with bytes and a 201 without a body exactly as the WHATWG Request path does', async () => {
    const make = (): MimiHandler =>
      createMimiHandler({
        domain: 'a.example',
        identifierQuery: async () => ({ responseCode: 'notFound', uri: [], foundProfiles: [], idResponseExtensions: [] }),
        consent: async () => 'accepted',
      });
    const direct = make();
    const inner = make();
    const wrapped: MimiHandler = (request, peer) => inner(request, peer);
    const fast = await startMimiServer({ handler: direct, tls: { plainHttp: true } });
    const standard = await startMimiServer({ handler: wrapped, tls: { plainHttp: true } });
    const post = (path: string, body: Uint8Array): Buffer =>
      Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: a.example\r\nFrom: mimi@z.example\r\nContent-Type: application/mimi-content\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, 'latin1'), body]);
    const query = encodeIdentifierRequest({ queryElements: [{ searchType: 'nick', searchValue: 'x' }], idRequestExtensions: [] });
    const entry = encodeConsentEntry({ consentOperation: 'request', requesterUri: 'mimi://z.example/u/zoe', targetUri: 'mimi://a.example/u/ann', clientKeyPackages: [], consentExtensions: [] });
    try {
      for (const [raw, status] of [
        [post('/identifierQuery/a.example', query), 200],
        [post(`/requestConsent/${encodeURIComponent('mimi://a.example/u/ann')}`, entry), 201],
      ] as const) {
        const a = await exchange(fast.port, raw);
        expect(a).toBe(await exchange(standard.port, raw));
        expect(a.startsWith(`HTTP/1.1 ${status} `), a).toBe(true);
      }
    } finally {
      await fast.close();
      await standard.close();
    }
  });

  it('reads headers as Headers does (repeats joined, names without case, hop-by-hop fields absent)', () => {
    const names = ['From', 'content-type', 'Content-Length', 'X-Mimi-Expires', 'connection', 'Keep-Alive', 'Upgrade', 'accept'];
    const name = fc.constantFrom(...names).chain((n) => fc.boolean().map((up) => (up ? n.toUpperCase() : n)));
    const value = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '@', ';', ',', '=', '<', '>'), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (fields) => {
        const raw = fields.flat();
        const expected = new Headers();
        for (const [k, v] of fields) if (!/^(connection|keep-alive|transfer-encoding|upgrade)$/i.test(k)) expected.append(k, v);
        const lite = liteRequest('https://a.example/x', 'POST', raw, undefined);
        for (const n of names) expect(lite.headers.get(n)).toBe(expected.get(n));
      }),
    );
  });

  it('reuses a parsed URL only while nobody changed it, and throws as new URL does', () => {
    const parse = recentUrls(2);
    const href = 'https://a.example:8443/notify/mimi%3A%2F%2Fa.example%2Fr%2F1';
    const u = parse(href);
    expect(u.href).toBe(href);
    expect(parse(href)).toBe(u);
    // Someone changed it: the next request gets the URL it asked for, parsed afresh.
    u.port = '9';
    const fresh = parse(href);
    expect(fresh).not.toBe(u);
    expect([fresh.port, fresh.pathname]).toEqual(['8443', '/notify/mimi%3A%2F%2Fa.example%2Fr%2F1']);
    u.search = '';
    fresh.searchParams.set('x', '1');
    expect(parse(href).search).toBe('');
    expect(() => parse('https://')).toThrow(TypeError);
    // Bounded: more URLs than it holds are still parsed right.
    for (let i = 0; i < 5; i++) expect(parse(`https://a.example/${i}`).pathname).toBe(`/${i}`);
    expect(parse(href).href).toBe(href);
  });

  it('a bytes Response reads like a Response over the same bytes', async () => {
    const bytes = new TextEncoder().encode('{"a":1}');
    const make = () => bytesResponse(bytes, 202, { 'content-type': 'application/json' });
    const r = make();
    expect(r).toBeInstanceOf(Response);
    expect([r.status, r.ok, r.statusText, r.headers.get('content-type'), r.bodyUsed]).toEqual([202, true, '', 'application/json', false]);
    expect(bytesOf(r)).toBe(bytes);
    expect(await r.clone().text()).toBe('{"a":1}');
    expect(await r.json()).toEqual({ a: 1 });
    expect(r.bodyUsed).toBe(true);
    expect(bytesOf(r)).toBeUndefined();
    await expect(r.text()).rejects.toThrow(TypeError);
    expect(() => r.clone()).toThrow(TypeError);
    const s = make();
    const chunks: number[] = [];
    const reader = s.body!.getReader();
    for (let c = await reader.read(); !c.done; c = await reader.read()) chunks.push(...c.value);
    expect(new TextDecoder().decode(new Uint8Array(chunks))).toBe('{"a":1}');
    expect(s.bodyUsed).toBe(true);
    expect(new Uint8Array(await make().arrayBuffer())).toEqual(bytes);
    expect(await (await make().blob()).text()).toBe('{"a":1}');
  });
});
