// HT14 over real HTTPS: tombstones (DL12 erasure, DL11 expiry), the sender's declared expiry and the room's history
// window cross the notify and history bodies. Expected values are written here from the scenario (which sequence
// number holds what), not read back from the code under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Namespace, roomSnapshot, type LogEvent } from '../../src/delivery/index.js';
import { decodeFollowedRoom } from '../../src/delivery/records.js';
import { parseMlsMessage } from '../../src/protocol/index.js';
import type { FetchLike } from '../../src/http/index.js';
import { ALICE, BOB, Loopback, ROOM, appMessage, readTestMessage, startProvider, stopProvider, twoProviderRoom, until, type Provider } from './support.js';

const net = new Loopback();
let a: Provider;
let b: Provider;
/** While set, a's notifies to b fail (b looks down), so the hub keeps them for a retry. */
let blocked = false;

const block = (f: FetchLike): FetchLike => {
  const g = ((url, init) => (blocked && url.includes('/notify/') ? Promise.reject(new Error('b is down')) : f(url, init))) as FetchLike;
  return Object.assign(g, f.enforcesTimeout === undefined ? {} : { enforcesTimeout: f.enforcesTimeout });
};

async function held(p: Provider): Promise<LogEvent[]> {
  return p.store.transaction(async (tx) => tx.events(ROOM, 0, 1000));
}

const show = (e: LogEvent): string => (e.kind === 'erased' ? `${e.seq}:erased` : `${e.seq}:${readTestMessage(e.message).body ?? e.kind}`);

beforeAll(async () => {
  a = await startProvider({ domain: 'a.example', net, hub: true, wrapFetch: block });
  b = await startProvider({ domain: 'b.example', net });
  // A room sharing an hour of history (room-policy §5.10 max_time_period), so the window is not the default 0.
  await a.hub!.createRoom(ROOM, { ...roomSnapshot(twoProviderRoom(), 0), historySeconds: 3600 });
});

afterAll(async () => {
  await stopProvider(b);
  await stopProvider(a);
});

describe('HT14 over HTTPS', () => {
  it('the declared expiry crosses submitMessage and notify; the history window crosses notify', async () => {
    const expires = Date.now() + 60_000;
    const r = await b.client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, 'fleeting')), sendingUri: BOB }, { expires });
    expect(r.statusCode).toBe('accepted');
    await until([a, b], async () => (await held(b)).length === 1);
    expect((await held(a))[0]).toMatchObject({ seq: 1, sender: BOB, expires });
    expect((await held(b))[0]).toMatchObject({ seq: 1, sender: BOB, expires });
    const followed = await b.store.transaction(async (tx) => tx.get(Namespace.followed, ROOM));
    expect(decodeFollowedRoom(followed!).historySeconds).toBe(3600);
    // The follower's own sweep then tombstones its copy at that time (DL11), keeping the number.
    expect((await b.follower.sweep(expires)).expired).toBe(1);
    expect((await held(b)).map(show)).toEqual(['1:erased']);
  });

  it('a bad expiry header is delivery/bad-request and nothing is stored', async () => {
    const res = await b.fetch(`${net.resolve('a.example')}/submitMessage/${encodeURIComponent(ROOM)}`, {
      method: 'POST',
      headers: { from: 'mimi@b.example', 'content-type': 'application/octet-stream', 'mimi-kit-expires': 'soon' },
      body: new Uint8Array([0]),
    });
    expect(res.status).toBe(400);
    expect((await res.json()) as { code: string }).toMatchObject({ code: 'delivery/bad-request' });
    expect((await held(a)).length).toBe(1);
  });

  it('an erasure at the hub before the follower got the events reaches it as tombstones, numbers kept', async () => {
    blocked = true;
    for (const body of ['bob-secret-1', 'bob-secret-2']) {
      const r = await b.client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, body)), sendingUri: BOB });
      expect(r.statusCode).toBe('accepted');
    }
    expect((await a.hub!.submitMessage(ROOM, { message: appMessage(0, 'alice-after'), sendingUri: ALICE })).code).toBe('accepted');
    await a.hub!.tick(); // fails: b is down
    // seq 1 (bob's first, now expired at b only), 2 and 3 bob's, 4 alice's.
    expect((await a.hub!.eraseUser(BOB)).events).toBe(3);
    blocked = false;
    await until([a, b], async () => (await held(b)).length === 4);
    expect((await held(b)).map(show)).toEqual(['1:erased', '2:erased', '3:erased', '4:alice-after']);
    const bytes = (await held(b)).map((e) => Buffer.from(e.message).toString('latin1')).join('|');
    expect(bytes).not.toContain('bob-secret');
    expect((await b.follower.next('bob-phone', ROOM)).events.map(show)).toEqual(['1:erased', '2:erased', '3:erased', '4:alice-after']);
  });

  it('history over HTTPS after the erasure serves the tombstones in place', async () => {
    const page = await b.client.history('a.example', { requester: 'b.example', roomId: ROOM, after: 0, limit: 10 });
    expect(page.complete).toBe(true);
    expect(page.events.map(show)).toEqual(['1:erased', '2:erased', '3:erased', '4:alice-after']);
    expect(page.events[1]).toMatchObject({ sender: '', message: new Uint8Array(0) });
  });
});
