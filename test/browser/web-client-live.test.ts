// The example client's Node-testable parts (no browser): the page's base64 against Node's Buffer (a second
// implementation), the example's credential rule, the front end (pass-through with the query, session), and the
// page's transport run in Node against two providers in this process over HTTPS with mutual TLS.
import { createServer, get, type IncomingMessage } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MimiError } from 'mimi-kit/content';
import { ChatClient } from '../../examples/web-client/src/client.js';
import { fromBase64, toBase64, ProviderApi } from '../../examples/web-client/src/providerApi.js';
import { ProviderTransport, exampleVerifier } from '../../examples/web-client/src/providerTransport.js';
import { startFrontEnd, type FrontEnd } from '../../examples/web-client/server.js';
import { BOB, startRemoteRoom, type RemoteRoom } from '../../examples/web-client/remote.js';
import { startPair, TOKEN, type Pair } from '../provider/support.js';

describe('example web client: base64 and credentials', () => {
  it('base64 agrees with Buffer both ways, across the 32 KiB chunks of the encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(text)).toEqual(new Uint8Array(bytes));
      }),
      { numRuns: 60 },
    );
    // fast-check favours short arrays: the chunk edges explicitly.
    for (const n of [0x7fff, 0x8000, 0x8001, 0x10000 + 7]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    }
  });

  it('refuses text that is not base64 with a MimiError', () => {
    for (const bad of ['a-b', 'QQ==x', 'Zm9v!']) {
      const e = (() => {
        try {
          fromBase64(bad);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(e).toBeInstanceOf(MimiError);
      expect((e as MimiError).code).toBe('provider/upstream');
    }
  });

  it('accepts a credential only for a device of the user at the user’s provider (draft-mahy-mimi-identity §4 URI forms)', () => {
    const key = new Uint8Array(32);
    const ok = (userUri: string, clientUri: string) => exampleVerifier({ userUri, clientUri, signaturePublicKey: key });
    expect(ok('mimi://a.example/u/alice', 'mimi://a.example/d/alice/laptop')).toBe(true);
    expect(ok('mimi://b.example/u/bob', 'mimi://b.example/d/bob/browser-1a2b')).toBe(true);
    expect(ok('mimi://a.example/u/alice', 'mimi://b.example/d/alice/laptop')).toBe(false); // another provider
    expect(ok('mimi://a.example/u/alice', 'mimi://a.example/d/mallory/laptop')).toBe(false); // another user
    expect(ok('mimi://a.example/u/alice', 'mimi://a.example/u/alice')).toBe(false); // not a device
    expect(ok('mimi://a.example/d/alice/x', 'mimi://a.example/d/alice/x')).toBe(false);
    expect(ok('mimi://a.example/u/alice', 'mimi://a.example/d/alice')).toBe(false); // no device name
  });
});

describe('example web client: the front end', () => {
  const seen: { method: string; url: string; auth: string; body: string }[] = [];
  let fake: ReturnType<typeof createServer>;
  let fakeUrl: string;
  let outer: string;
  let root: string;
  let fe: FrontEnd;
  let sessions = 0;

  beforeAll(async () => {
    // A stand-in for the provider's local listener: records what reaches it, answers 418 with a JSON body.
    fake = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(418, { 'content-type': 'application/json' }).end('{"error":"x","message":"teapot"}');
      });
    });
    await new Promise<void>((ok) => fake.listen(0, '127.0.0.1', () => ok()));
    fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
    outer = mkdtempSync(join(tmpdir(), 'mimi-fe-'));
    root = join(outer, 'site');
    mkdirSync(root);
    writeFileSync(join(outer, 'secret.txt'), 'not for the page');
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    fe = await startFrontEnd({
      root,
      providerUrl: fakeUrl,
      session: () => ({ user: BOB, client: `mimi://b.example/d/bob/browser-${++sessions}`, roomId: 'mimi://a.example/r/x', token: 'tok' }),
    });
  });
  afterAll(async () => {
    await fe?.close();
    await new Promise<void>((ok) => fake.close(() => ok()));
    rmSync(outer, { recursive: true, force: true });
  });

  it('passes /v1/* through unchanged: method, path, bearer token, body, and the answer with its status', async () => {
    const body = JSON.stringify({ roomId: 'mimi://a.example/r/x', client: 'c' });
    const r = await fetch(`${fe.url}v1/events`, { method: 'POST', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body });
    expect(r.status).toBe(418);
    expect(await r.json()).toEqual({ error: 'x', message: 'teapot' });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/v1/events', auth: 'Bearer tok', body });
  });

  it('refuses a body over the local API limit before reaching the provider', async () => {
    const before = seen.length;
    const r = await fetch(`${fe.url}v1/submit`, { method: 'POST', headers: { authorization: 'Bearer tok' }, body: new Uint8Array((2 << 20) + 4096) });
    expect(r.status).toBe(413);
    expect(seen.length).toBe(before);
  });

  it('hands a fresh client URI per page load, and passes GET /v1/welcomes through with its query; no mailbox of its own', async () => {
    const s1 = (await (await fetch(`${fe.url}session.json`)).json()) as { client: string };
    const s2 = (await (await fetch(`${fe.url}session.json`)).json()) as { client: string };
    expect(s1.client).not.toBe(s2.client);
    const q = `v1/welcomes?client=${encodeURIComponent(s1.client)}`;
    const r = await fetch(`${fe.url}${q}`, { headers: { authorization: 'Bearer tok' } });
    expect(r.status).toBe(418);
    expect(seen.at(-1)).toEqual({ method: 'GET', url: `/${q}`, auth: 'Bearer tok', body: '' });
    // The old front-end mailbox is gone: the Welcome comes from the provider only.
    expect((await fetch(`${fe.url}welcome?client=${encodeURIComponent(s1.client)}`, { headers: { authorization: 'Bearer tok' } })).status).toBe(404);
  });

  it('serves no file outside its folder', async () => {
    // Raw request lines: fetch would normalize the dot segments away before sending.
    const raw = (path: string) =>
      new Promise<number>((ok, ko) => {
        const u = new URL(fe.url);
        get({ host: u.hostname, port: u.port, path }, (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        }).on('error', ko);
      });
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/nope.js']) expect(await raw(p), p).toBe(404);
    expect(await raw('/')).toBe(200);
  });
});

describe('example web client: the page’s transport in Node, over two providers', () => {
  let pair: Pair;
  let remote: RemoteRoom;
  beforeAll(async () => {
    pair = await startPair();
    remote = await startRemoteRoom({ url: pair.a.localUrl, token: TOKEN });
  }, 60_000);
  afterAll(async () => {
    remote?.close();
    await pair?.stop();
  });

  it('joins through b.example, finds the history sent while it was joining, and Alice decrypts its reply', async () => {
    const transport = new ProviderTransport({ api: new ProviderApi({ url: pair.b.localUrl, token: TOKEN }), userUri: BOB, clientUri: 'mimi://b.example/d/bob/node', pollMs: 20 });
    const bob = new ChatClient(transport, remote.roomId);
    const joined = bob.start();
    expect(await remote.addUser(BOB)).toEqual(['mimi://b.example/d/bob/node']);
    await remote.playHistory(); // before the Welcome is used: these events reach b.example with the add commit
    await joined;
    // The Welcome reached the page's transport only through b.example, which the hub sent it to over MIMI.
    expect(pair.logs.b.some((l) => l['msg'] === 'request' && l['endpoint'] === 'notify' && l['peer'] === 'a.example' && l['outcome'] === 'welcome')).toBe(true);
    expect(await new ProviderApi({ url: pair.b.localUrl, token: TOKEN }).welcomes('mimi://b.example/d/bob/node')).toEqual([]);
    try {
      const until = async (f: () => boolean, what: string) => {
        const end = Date.now() + 15_000;
        while (!f()) {
          if (Date.now() > end) throw new Error(`timed out: ${what}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      // The history ends with an edit and a delete of earlier messages: wait for all of it, not the first three events.
      await until(() => {
        const e = bob.conversation.view().entries;
        return e.length === 3 && e[0]!.edited === true && e[2]!.state === 'deleted';
      }, 'the whole history at Bob');
      const view = bob.conversation.view().entries;
      expect(view.map((e) => [e.sender, e.state, e.edited])).toEqual([
        ['mimi://a.example/u/alice', 'visible', true],
        ['mimi://a.example/u/carol', 'visible', false],
        ['mimi://a.example/u/carol', 'deleted', false],
      ]);
      expect(bob.conversation.render(view[0]!).text).toBe('Morning! The planning meeting moves to 3:30 pm. (edited)');
      const id = await bob.reply(view[1]!.id, 'Thanks, Carol');
      await until(() => remote.alice.conversation.view().entries.some((e) => e.id === id), 'the reply at Alice');
      const atAlice = remote.alice.conversation.view().entries.find((e) => e.id === id)!;
      expect(atAlice.sender).toBe(BOB);
      expect(atAlice.replyTo?.id).toBe(view[1]!.id);
      expect(remote.alice.conversation.render(atAlice).html).toContain('<p>Thanks, Carol</p>');
    } finally {
      transport.close();
    }
  }, 60_000);
});
