// Refusals over real HTTPS: mutual-TLS failures (no client certificate, a certificate from another CA, a
// certificate naming another domain), wrong Host, malformed, mistyped and oversized bodies. None crashes the
// server and none changes what either provider has stored (store dumps compared before and after).
import { request as httpsRequest } from 'node:https';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMlsMessage } from '../../src/protocol/index.js';
import { createMimiHandler, MediaType, MimiHttpClient, encodeSequencedNotify, type FetchLike } from '../../src/http/index.js';
import { createDemoCa, createMtlsFetch, issueCertificate, startMimiServer } from '../../src/http/node/index.js';
import { BOB, Loopback, ROOM, appMessage, dump, mtlsFetchFor, openRoom, pki, startProvider, stopProvider, until, drain, type Provider } from './support.js';
import { asyncCode as code } from '../support/errorCode.js';

const net = new Loopback();
let a: Provider;
let b: Provider;
let before: { a: string; b: string };

const submit = (client: MimiHttpClient, sendingUri = BOB) => client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, 'refused?')), sendingUri });

/** A raw HTTPS request with b.example's certificate (to set Host, Content-Length and bodies by hand). */
function raw(opts: { path: string; headers?: Record<string, string | number>; body?: Uint8Array; domain?: string }): Promise<{ status: number; body: string }> {
  const { ca, cert } = pki();
  const c = cert(opts.domain ?? 'b.example');
  const url = new URL(net.resolve('a.example'));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: url.port, path: opts.path, method: 'POST', cert: c.certPem, key: c.keyPem, ca: ca.certPem, servername: 'a.example', headers: { from: `mimi@${opts.domain ?? 'b.example'}`, ...opts.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  a = await startProvider({ domain: 'a.example', net, hub: true });
  b = await startProvider({ domain: 'b.example', net });
  await openRoom(a);
  await submit(b.client);
  const got: string[] = [];
  await until([a, b], async () => {
    got.push(...(await drain(b, 'bob-phone')));
    return got.length === 1 && (await a.hub!.backlog()) === 0;
  });
  await a.hub!.stop(); // no more fanout: what is stored now must stay as it is (the refusals below)
  before = { a: await dump(a.store), b: await dump(b.store) };
});

afterAll(async () => {
  await stopProvider(a);
  await stopProvider(b);
});

describe('mutual TLS (draft-ietf-mimi-protocol-06 "Transport layer")', () => {
  it('refuses the handshake of a client without a certificate', async () => {
    const { ca } = pki();
    const agent = new Agent({ connect: { ca: ca.certPem, servername: 'a.example' } });
    const bare: FetchLike = async (url, init) => (await undiciFetch(url, { ...init, dispatcher: agent } as Parameters<typeof undiciFetch>[1])) as unknown as Response;
    const client = new MimiHttpClient({ domain: 'b.example', fetch: bare, resolve: net.resolve });
    expect(await code(submit(client))).toBe('http/network');
    await agent.close();
  });

  it('refuses the handshake of a client whose certificate is from another CA', async () => {
    const other = createDemoCa({ commonName: 'someone else' });
    const forged = issueCertificate(other, { domain: 'b.example' });
    const fetch = createMtlsFetch({ cert: forged.certPem, key: forged.keyPem, ca: pki().ca.certPem, servername: net.servername });
    expect(await code(submit(new MimiHttpClient({ domain: 'b.example', fetch, resolve: net.resolve })))).toBe('http/network');
    await fetch.close();
  });

  it('refuses a request that speaks for another domain than its certificate names (From, sender fields)', async () => {
    const cFetch = mtlsFetchFor('c.example', net);
    // c.example's certificate, claiming to be b.example in From
    const liar = new MimiHttpClient({ domain: 'b.example', fetch: cFetch, resolve: net.resolve });
    expect(await code(submit(liar))).toBe('http/forbidden');
    // honest From, but the sendingUri is bob at b.example
    const c = new MimiHttpClient({ domain: 'c.example', fetch: cFetch, resolve: net.resolve });
    expect(await code(submit(c))).toBe('http/forbidden');
    // honest in every field, but c.example has no participant in the room: the draft's notAllowed
    expect(await submit(c, 'mimi://c.example/u/carol')).toEqual({ statusCode: 'notAllowed' });
    // c.example is not the hub of a room at a.example: its notify to b is refused
    const events = [{ seq: 2, hubTime: Date.now(), kind: 'message' as const, sender: BOB, message: appMessage(0, 'forged') }];
    expect(await code(c.notify('b.example', { hub: 'c.example', roomId: ROOM, txn: 'x', events }))).toBe('http/forbidden');
    // nor a follower of it: no history
    expect(await code(c.history('a.example', { requester: 'c.example', roomId: ROOM, after: 0, limit: 10 }))).toBe('delivery/not-allowed');
    await cFetch.close();
  });

  it('answers 421 to a request whose Host names another provider', async () => {
    const r = await raw({ path: `/submitMessage/${encodeURIComponent(ROOM)}`, headers: { host: 'c.example' }, body: new Uint8Array([1]) });
    expect(r.status).toBe(421);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'http/misdirected', status: 421 });
  });
});

describe('malformed and oversized bodies', () => {
  it('answers 400 with the protocol code for a body that does not decode, 415 for a notify of another type', async () => {
    const path = `/submitMessage/${encodeURIComponent(ROOM)}`;
    const truncated = await raw({ path, body: new Uint8Array([1, 0, 1]) });
    expect(truncated.status).toBe(400);
    expect(JSON.parse(truncated.body).code).toMatch(/^protocol\//);
    const trailing = await raw({ path, body: new Uint8Array([...new Uint8Array([1]), ...appMessage(0, 'x'), 0, 0, 0]) });
    expect(trailing.status).toBe(400);
    const empty = await raw({ path, body: new Uint8Array(0) });
    expect(empty.status).toBe(400);
    // a notify body in the draft's plain FanoutMessage framing (no sequence numbers) cannot be ordered: 415
    const notify = await raw({ path: `/notify/${encodeURIComponent(ROOM)}`, body: new Uint8Array([0]), domain: 'a.example', headers: { 'content-type': MediaType.body } });
    expect(notify.status).toBe(415);
  });

  it('answers 400 to a SequencedNotify that breaks the delivery rules (not ascending), and stores nothing', async () => {
    const e = (seq: number) => ({ seq, hubTime: 1, kind: 'message' as const, sender: BOB, message: appMessage(0, `m${seq}`) });
    const body = encodeSequencedNotify({ txn: 't', events: [e(5), e(4)] });
    const url = new URL(net.resolve('b.example'));
    const { ca, cert } = pki();
    const c = cert('a.example');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: url.port, path: `/notify/${encodeURIComponent(ROOM)}`, method: 'POST', cert: c.certPem, key: c.keyPem, ca: ca.certPem, servername: 'b.example', headers: { 'content-type': MediaType.sequencedNotify }, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(400);
  });

  it('answers 413 to a declared Content-Length over the limit without reading the body', async () => {
    const r = await raw({ path: `/submitMessage/${encodeURIComponent(ROOM)}`, headers: { 'content-length': 50 * 1024 * 1024 }, body: new Uint8Array(0) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).code).toBe('http/body-too-large');
  });

  it('answers 413 to a chunked body over the limit, and stops reading it', async () => {
    const { ca, cert } = pki();
    const c = cert('b.example');
    const url = new URL(net.resolve('a.example'));
    const chunk = new Uint8Array(64 * 1024).fill(1);
    const total = 256 * 1024 * 1024;
    let written = 0;
    const status = await new Promise<number>((resolve, reject) => {
      let answered = false;
      const req = httpsRequest(
        { host: '127.0.0.1', port: url.port, path: `/submitMessage/${encodeURIComponent(ROOM)}`, method: 'POST', cert: c.certPem, key: c.keyPem, ca: ca.certPem, servername: 'a.example', headers: { 'transfer-encoding': 'chunked' }, agent: false },
        (res) => {
          answered = true;
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => (answered ? undefined : reject(e)));
      const pump = (): void => {
        while (!answered && written < total) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    // the 2 MiB limit, plus what the socket buffers held when the answer came: far from the 256 MiB offered
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('peers that go away', () => {
  it('survives an upload aborted halfway and keeps serving', async () => {
    const { ca, cert } = pki();
    const c = cert('b.example');
    const url = new URL(net.resolve('a.example'));
    await new Promise<void>((resolve) => {
      const req = httpsRequest({ host: '127.0.0.1', port: url.port, path: `/submitMessage/${encodeURIComponent(ROOM)}`, method: 'POST', cert: c.certPem, key: c.keyPem, ca: ca.certPem, servername: 'a.example', headers: { 'content-length': 1000 }, agent: false });
      req.on('error', () => resolve());
      req.write(new Uint8Array(10), () => setTimeout(() => (req.destroy(), resolve()), 20));
    });
    const dir = await b.client.directory('a.example');
    expect(dir.submitMessage).toBe('https://a.example/submitMessage/{roomId}');
  });
});

describe('the web-standard handler alone', () => {
  it('reads a streamed body only up to the limit and cancels the rest', async () => {
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const handler = createMimiHandler({ domain: 'a.example', hub: a.hub!, maxBodyBytes: 10 * 1024 });
    const request = new Request(`https://a.example/submitMessage/${encodeURIComponent(ROOM)}`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    const res = await handler(request, { domain: 'b.example' });
    expect(res.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThanOrEqual(13); // 10 KiB in 1 KiB chunks, the one past the limit, and the stream's read-ahead
  });

  it('answers 401 to an unauthenticated peer and 500 (without details) when the hub fails unexpectedly', async () => {
    const errors: unknown[] = [];
    const broken = { submitMessage: async () => Promise.reject(new TypeError('store exploded')) } as unknown as NonNullable<Parameters<typeof createMimiHandler>[0]['hub']>;
    const handler = createMimiHandler({ domain: 'a.example', hub: broken, onError: (e) => errors.push(e) });
    const body = new Uint8Array([1, ...appMessage(0, 'x'), BOB.length, ...new TextEncoder().encode(BOB)]);
    const url = `https://a.example/submitMessage/${encodeURIComponent(ROOM)}`;
    expect((await handler(new Request(url, { method: 'POST', body }), {})).status).toBe(401);
    const res = await handler(new Request(url, { method: 'POST', body }), { domain: 'b.example' });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('exploded');
    expect(errors).toHaveLength(1);
  });

  it('serves plain HTTP only when asked, taking the peer from From (unauthenticated)', async () => {
    const seen: (string | undefined)[] = [];
    const handler = createMimiHandler({ domain: 'a.example', hostAliases: ['127.0.0.1'], identifierQuery: async (_q, peer) => (seen.push(peer), { responseCode: 'notFound', uri: [], foundProfiles: [], idResponseExtensions: [] }) });
    const server = await startMimiServer({ handler, tls: { plainHttp: true } });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = new MimiHttpClient({ domain: 'z.example', resolve: () => server.url });
      const r = await client.identifierQuery('a.example', { queryElements: [{ searchType: 'nick', searchValue: 'x' }], idRequestExtensions: [] });
      expect(r.responseCode).toBe('notFound');
      expect(seen).toEqual(['z.example']);
      const anonymous = await fetch(`${server.url}/identifierQuery/a.example`, { method: 'POST', body: new Uint8Array([0, 0]) });
      expect(anonymous.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe('after every refusal above', () => {
  it('neither provider stored or changed a byte', async () => {
    expect(before.a).toContain('log/'); // the dump sees the room's log (one accepted message)
    expect(await dump(a.store)).toBe(before.a);
    expect(await dump(b.store)).toBe(before.b);
  });
});
