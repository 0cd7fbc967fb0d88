// The local client API at its boundary: the bearer token, routes, JSON shapes (base64 bytes), the body bound,
// status codes of MimiErrors, and /metrics without a token (loopback only). A recording fake provider is
// behind it, so each test sees exactly what reached the provider (nothing, for a refused request).
import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { LocalApiClient } from '../../src/provider/client.js';
import { createLocalApiHandler, MAX_LOCAL_BODY, type ClientOperations } from '../../src/provider/localApi.js';

const TOKEN = 'local-token-0123456789';

function fake(): { ops: ClientOperations; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const ops: ClientOperations = {
    publishKeyPackage: async (...a) => void calls.push(['publish', ...a]),
    claimKeyPackages: async (user, req) => {
      calls.push(['claim', user, req]);
      return {
        userStatus: 'partialSuccess',
        userUri: user,
        clients: [
          { clientStatus: 'success', clientUri: 'mimi://a.example/d/bob/1', keyPackage: new Uint8Array([1, 2, 255]) },
          { clientStatus: 'nothingCompatible', clientUri: 'mimi://a.example/d/bob/2', clientCapabilities: { versions: [1], cipherSuites: [2], extensions: [], proposals: [], credentials: [1] } },
          { clientStatus: 'nothingCompatible', clientUri: 'mimi://a.example/d/bob/3' },
        ],
      };
    },
    createRoom: async (r) => void calls.push(['createRoom', r]),
    update: async (roomId, r) => {
      calls.push(['update', roomId, r]);
      return { code: 'wrongEpoch', currentEpoch: 3, description: 'the room is at epoch 3' };
    },
    submit: async (roomId, r) => {
      calls.push(['submit', roomId, r]);
      return { code: 'accepted', acceptedTimestamp: 1700000000000 };
    },
    reportAbuse: async (roomId, report) => void calls.push(['reportAbuse', roomId, report]),
    next: async (client, roomId, limit) => {
      calls.push(['next', client, roomId, limit]);
      if (roomId === 'mimi://a.example/r/none') throw new MimiError('delivery/no-such-room', 'no room');
      return { events: [{ seq: 1, hubTime: 5, kind: 'message', sender: 'mimi://a.example/u/alice', message: new Uint8Array([9, 8]) }], complete: true, firstSeq: 1 };
    },
    ack: async (...a) => void calls.push(['ack', ...a]),
    propose: async (roomId, r) => {
      calls.push(['propose', roomId, r]);
      return { code: 'success', acceptedTimestamp: 1700000000001 };
    },
    welcomes: async (client) => {
      calls.push(['welcomes', client]);
      return [{ roomId: 'mimi://a.example/r/x', hub: 'a.example', seq: 4, hubTime: 7, welcome: new Uint8Array([0, 1, 0, 3, 250]) }];
    },
    acceptWelcome: async (client, roomId) => {
      calls.push(['acceptWelcome', client, roomId]);
      if (roomId === 'mimi://a.example/r/none') throw new MimiError('delivery/no-such-room', 'no Welcome held');
      return 4;
    },
    status: async () => ({ domain: 'a.example', backlog: 0, settled: true, rooms: [] }),
  };
  return { ops, calls };
}

function setup() {
  const { ops, calls } = fake();
  const handler = createLocalApiHandler({ token: TOKEN, operations: ops, metrics: async () => ({ body: 'mimi_up 1\n', contentType: 'text/plain; version=0.0.4' }) });
  const fetch = async (url: string, init: RequestInit) => handler(new Request(url, init));
  return { handler, calls, client: new LocalApiClient({ url: 'http://127.0.0.1:1', token: TOKEN, fetch }) };
}

const post = (path: string, body: string, token = TOKEN) =>
  new Request(`http://127.0.0.1${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

describe('the local client API', () => {
  it('round-trips every operation through the client, bytes as base64', async () => {
    const { client, calls } = setup();
    await client.publishKeyPackage('mimi://a.example/u/bob', 'mimi://a.example/d/bob/1', new Uint8Array([0, 1, 0, 5, 7]));
    const claim = await client.claimKeyPackages('mimi://b.example/u/carol', new Uint8Array([4, 4]));
    expect(claim.clients[0]).toEqual({ clientStatus: 'success', clientUri: 'mimi://a.example/d/bob/1', keyPackage: new Uint8Array([1, 2, 255]) });
    // HT10's nothingCompatible crosses the local API with the client's capabilities, or without when it has none.
    expect(claim.userStatus).toBe('partialSuccess');
    expect(claim.clients.slice(1)).toEqual([
      { clientStatus: 'nothingCompatible', clientUri: 'mimi://a.example/d/bob/2', clientCapabilities: { versions: [1], cipherSuites: [2], extensions: [], proposals: [], credentials: [1] } },
      { clientStatus: 'nothingCompatible', clientUri: 'mimi://a.example/d/bob/3' },
    ]);
    expect(await client.update('mimi://a.example/r/x', { commit: new Uint8Array([1]) })).toEqual({ code: 'wrongEpoch', currentEpoch: 3, description: 'the room is at epoch 3' });
    expect(await client.submit('mimi://a.example/r/x', { message: new Uint8Array([2]), sendingUri: 'mimi://a.example/u/alice' })).toEqual({ code: 'accepted', acceptedTimestamp: 1700000000000 });
    await client.reportAbuse('mimi://a.example/r/x', new Uint8Array([3, 0, 255]));
    const batch = await client.next('mimi://a.example/d/alice/1', 'mimi://a.example/r/x', 10);
    expect(batch.events[0]!.message).toEqual(new Uint8Array([9, 8]));
    await client.ack('mimi://a.example/d/alice/1', 'mimi://a.example/r/x', 1);
    expect(await client.status()).toEqual({ domain: 'a.example', backlog: 0, settled: true, rooms: [] });
    expect(calls).toEqual([
      ['publish', 'mimi://a.example/u/bob', 'mimi://a.example/d/bob/1', new Uint8Array([0, 1, 0, 5, 7])],
      ['claim', 'mimi://b.example/u/carol', new Uint8Array([4, 4])],
      ['update', 'mimi://a.example/r/x', { commit: new Uint8Array([1]) }],
      ['submit', 'mimi://a.example/r/x', { message: new Uint8Array([2]), sendingUri: 'mimi://a.example/u/alice' }],
      ['reportAbuse', 'mimi://a.example/r/x', new Uint8Array([3, 0, 255])],
      ['next', 'mimi://a.example/d/alice/1', 'mimi://a.example/r/x', 10],
      ['ack', 'mimi://a.example/d/alice/1', 'mimi://a.example/r/x', 1],
    ]);
  });

  it('round-trips the Welcome and proposal routes: welcome on update, GET welcomes, accept, propose', async () => {
    const { client, calls, handler } = setup();
    const room = 'mimi://a.example/r/x';
    await client.update(room, { commit: new Uint8Array([1]), groupInfo: new Uint8Array([2]), welcome: new Uint8Array([0, 1, 0, 3]) });
    const carol = 'mimi://b.example/d/carol/1';
    expect(await client.welcomes(carol)).toEqual([{ roomId: room, hub: 'a.example', seq: 4, hubTime: 7, welcome: new Uint8Array([0, 1, 0, 3, 250]) }]);
    expect(await client.acceptWelcome(carol, room)).toBe(4);
    expect(await client.propose(room, { proposals: [new Uint8Array([5]), new Uint8Array([6, 7])] })).toEqual({ code: 'success', acceptedTimestamp: 1700000000001 });
    expect(calls).toEqual([
      ['update', room, { commit: new Uint8Array([1]), groupInfo: new Uint8Array([2]), welcome: new Uint8Array([0, 1, 0, 3]) }],
      ['welcomes', carol],
      ['acceptWelcome', carol, room],
      ['propose', room, { proposals: [new Uint8Array([5]), new Uint8Array([6, 7])] }],
    ]);
    // The wire shape, written by hand: bytes as base64 ([0,1,0,3,250] is "AAEAA/o=").
    const res = await handler(new Request(`http://127.0.0.1/v1/welcomes?client=${encodeURIComponent(carol)}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(await res.text()).toBe('{"welcomes":[{"roomId":"mimi://a.example/r/x","hub":"a.example","seq":4,"hubTime":7,"welcome":"AAEAA/o="}]}');
    await expect(client.acceptWelcome(carol, 'mimi://a.example/r/none')).rejects.toMatchObject({ code: 'delivery/no-such-room' });
  });

  it('refuses bad Welcome and proposal requests before the provider sees them', async () => {
    const { handler, calls } = setup();
    const get = (q: string, token = TOKEN) => handler(new Request(`http://127.0.0.1/v1/welcomes${q}`, { headers: { authorization: `Bearer ${token}` } }));
    expect((await get('?client=c', 'wrong-token-0123456789')).status).toBe(401);
    for (const q of ['', '?client=', `?client=${'c'.repeat(2049)}`]) {
      const res = await get(q);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'provider/bad-request', message: expect.stringMatching(/^client/) });
    }
    for (const body of [{ roomId: 'r', proposals: [] }, { roomId: 'r', proposals: ['not base64!'] }, { roomId: 'r' }, { roomId: 'r', proposals: Array(1001).fill('AA==') }]) {
      expect((await handler(post('/v1/propose', JSON.stringify(body)))).status).toBe(400);
    }
    expect((await handler(post('/v1/welcomes/accept', JSON.stringify({ roomId: 'r' })))).status).toBe(400);
    expect((await handler(post('/v1/update', JSON.stringify({ roomId: 'r', commit: 'AA==', welcome: '%%' })))).status).toBe(400);
    // POST on the GET route, GET on the POST routes: not found.
    expect((await handler(post('/v1/welcomes', '{}'))).status).toBe(404);
    expect((await handler(new Request('http://127.0.0.1/v1/propose', { headers: { authorization: `Bearer ${TOKEN}` } }))).status).toBe(404);
    expect(calls).toEqual([]);
  });

  it('refuses a request without the token, or with another one, before the provider sees it', async () => {
    const { handler, calls } = setup();
    const body = JSON.stringify({ roomId: 'r', client: 'c' });
    for (const req of [new Request('http://127.0.0.1/v1/events', { method: 'POST', body }), post('/v1/events', body, 'local-token-0123456789X'), post('/v1/events', body, '')]) {
      const res = await handler(req);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'provider/unauthorized' });
    }
    expect(calls).toEqual([]);
  });

  it('serves /metrics without a token, and nothing else without one', async () => {
    const { handler } = setup();
    const res = await handler(new Request('http://127.0.0.1/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await res.text()).toBe('mimi_up 1\n');
  });

  it.each([
    ['not JSON', '/v1/events', '{', 400, 'provider/bad-request'],
    ['a missing field', '/v1/events', JSON.stringify({ roomId: 'r' }), 400, 'provider/bad-request'],
    ['an unknown field', '/v1/ack', JSON.stringify({ roomId: 'r', client: 'c', seq: 1, extra: 1 }), 400, 'provider/bad-request'],
    ['a negative seq', '/v1/ack', JSON.stringify({ roomId: 'r', client: 'c', seq: -1 }), 400, 'provider/bad-request'],
    ['bytes that are not base64', '/v1/update', JSON.stringify({ roomId: 'r', commit: 'not base64!' }), 400, 'provider/bad-request'],
    ['an unknown route', '/v1/nothing', '{}', 404, 'provider/not-found'],
    ['a room the provider does not hold', '/v1/events', JSON.stringify({ roomId: 'mimi://a.example/r/none', client: 'c' }), 404, 'delivery/no-such-room'],
  ])('answers %s with its status and code', async (_what, path, body, status, code) => {
    const { handler } = setup();
    const res = await handler(post(path, body));
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: code });
  });

  it('stops reading a body past the bound and changes nothing', async () => {
    const { handler, calls } = setup();
    const big = JSON.stringify({ roomId: 'r', commit: 'A'.repeat(MAX_LOCAL_BODY) });
    const res = await handler(post('/v1/update', big));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/larger than/);
    expect(calls).toEqual([]);
  });

  it('a failure that is not a MimiError is 500 "internal" and echoes nothing of it', async () => {
    const { ops } = fake();
    const handler = createLocalApiHandler({ token: TOKEN, operations: { ...ops, status: () => Promise.reject(new Error('secret path /etc/x')) }, metrics: async () => ({ body: '', contentType: 'text/plain' }) });
    const res = await handler(new Request('http://127.0.0.1/v1/status', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('{"error":"internal","message":"internal error"}');
  });

  it('the client turns an error answer into the MimiError it names', async () => {
    const { client } = setup();
    await expect(client.next('c', 'mimi://a.example/r/none', 1)).rejects.toMatchObject({ code: 'delivery/no-such-room' });
    const bad = new LocalApiClient({ url: 'http://127.0.0.1:1', token: 'wrong-token-123456789', fetch: async (u, i) => setup().handler(new Request(u, i)) });
    await expect(bad.status()).rejects.toMatchObject({ code: 'provider/unauthorized' });
    const down = new LocalApiClient({ url: 'http://127.0.0.1:1', token: TOKEN, fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    await expect(down.status()).rejects.toMatchObject({ code: 'provider/upstream' });
    const garbled = new LocalApiClient({ url: 'http://127.0.0.1:1', token: TOKEN, fetch: async () => new Response('{"domain":1}', { status: 200 }) });
    await expect(garbled.status()).rejects.toMatchObject({ code: 'provider/upstream' });
  });
});
