// Retention, scrollback and expiry (DL11): what the hub and the followers keep, decided by the room's history
// and logging policy components (room-policy §5.9, §5.10) and the operator's settings. Every expected count is
// worked out by hand from the schedule in the test (times on a fake clock).
import { describe, expect, it } from 'vitest';
import { applyRoomOperation, type RoomState } from '../../src/room/index.js';
import { Follower, Hub, MemoryStore, Namespace, retentionSeconds, roomSnapshot, DEFAULT_RETENTION, type NotifyRequest } from '../../src/delivery/index.js';
import { ALICE, BOB, FakeClock, ROOM, bodyOf, fakeMessage, settle, testChecker, threeMemberRoom } from './support.js';

const HOUR = 3_600_000;
const DOMAINS = ['a.example', 'b.example', 'c.example'];

function setup(state: RoomState, options: { loggedSeconds?: number; down?: string[] } = {}) {
  const clock = new FakeClock();
  const hubStore = new MemoryStore();
  const followers = new Map<string, Follower>();
  const down = new Set(options.down ?? []);
  const hub = new Hub({
    domain: 'a.example',
    store: hubStore,
    clock,
    checker: testChecker(),
    transport: {
      notify: async (to: string, req: NotifyRequest) => {
        if (down.has(to)) throw new Error(`${to} is down`);
        await followers.get(to)!.notify(req.hub, req);
      },
    },
    retention: { sweepEveryMs: 0, ...(options.loggedSeconds !== undefined ? { loggedSeconds: options.loggedSeconds } : {}) },
  });
  for (const d of DOMAINS) followers.set(d, new Follower({ domain: d, store: new MemoryStore(), clock, hubs: { history: async (_h, r) => hub.history(r) } }));
  const send = async (n: number, body = 'm') => {
    for (let i = 0; i < n; i++) expect((await hub.submitMessage(ROOM, { message: fakeMessage(0, `${body}${i}`), sendingUri: BOB })).code).toBe('accepted');
  };
  const deliver = async () => {
    await hub.tick();
    await settle(); // the acknowledgements are written
  };
  const held = async () => (await hubStore.transaction((tx) => tx.events(ROOM, 0, 1000))).map((e) => e.seq);
  return { clock, hub, hubStore, followers, send, deliver, held, down, init: () => hub.createRoom(ROOM, roomSnapshot(state, 0)) };
}

const logged: RoomState = applyRoomOperation(threeMemberRoom(), ALICE, {
  type: 'setPolicy',
  policies: { logging: { logging: 'required', loggingClients: ['mimi://a.example/d/archiver'], machineReadablePolicy: '', humanReadablePolicy: '' } },
}).state;
const sharing = threeMemberRoom({ history: { historySharing: 'optional', rolesThatCanShare: [2, 3, 4], automaticallyShare: true, maxTimePeriod: 3600 } });

describe('hub retention (DL11)', () => {
  it('the window is the history max_time_period, or the operator archive period while logging is active', () => {
    expect(retentionSeconds(roomSnapshot(threeMemberRoom(), 0), DEFAULT_RETENTION)).toBe(0);
    expect(retentionSeconds(roomSnapshot(sharing, 0), DEFAULT_RETENTION)).toBe(3600);
    expect(retentionSeconds(roomSnapshot(logged, 0), { ...DEFAULT_RETENTION, loggedSeconds: 86_400 })).toBe(86_400);
    // the operator's cap wins over the policies
    expect(retentionSeconds(roomSnapshot(sharing, 0), { ...DEFAULT_RETENTION, maxSeconds: 60 })).toBe(60);
    // optional logging with no logging client is not active (room-policy §5.9)
    const optional = applyRoomOperation(threeMemberRoom(), ALICE, {
      type: 'setPolicy',
      policies: { logging: { logging: 'optional', loggingClients: [], machineReadablePolicy: '', humanReadablePolicy: '' } },
    }).state;
    expect(retentionSeconds(roomSnapshot(optional, 0), { ...DEFAULT_RETENTION, loggedSeconds: 86_400 })).toBe(0);
  });

  it('history forbidden, no logging: once every follower has them, all but the last event go; history then starts after them', async () => {
    const h = setup(threeMemberRoom());
    await h.init();
    await h.send(5);
    await h.deliver();
    h.clock.t += 1000;
    expect(await h.hub.sweep()).toEqual({ expired: 0, pruned: 4 });
    expect(await h.held()).toEqual([5]); // the last event stays: hub times keep ascending from it
    const page = await h.hub.history({ requester: 'b.example', roomId: ROOM, after: 0, limit: 10 });
    expect(page.firstAvailable).toBe(5);
    expect(page.events.map((e) => e.seq)).toEqual([5]);
    // numbering goes on after the removed events
    await h.send(1);
    expect(await h.held()).toEqual([5, 6]);
  });

  it('an undelivered event is kept for a follower that is down, until undeliveredSeconds', async () => {
    const h = setup(threeMemberRoom(), { down: ['c.example'] });
    await h.init();
    await h.send(3);
    await h.deliver();
    h.clock.t += 6 * 86_400_000;
    expect((await h.hub.sweep()).pruned).toBe(0);
    h.clock.t += 86_400_000 + 1; // now more than 7 days after: c.example is given up on
    expect((await h.hub.sweep()).pruned).toBe(2);
    expect(await h.held()).toEqual([3]);
  });

  it('history sharing for 3600 s: delivered events older than an hour go, younger ones stay', async () => {
    const h = setup(sharing);
    await h.init();
    await h.send(3); // seq 1–3 at t0
    h.clock.t += 2 * HOUR;
    await h.send(2); // seq 4–5 at t0 + 2 h
    await h.deliver();
    h.clock.t += 1000;
    expect((await h.hub.sweep()).pruned).toBe(3);
    expect(await h.held()).toEqual([4, 5]);
  });

  it('logging required: the operator archive period applies (kept after 2 h, gone after 25 h)', async () => {
    const h = setup(logged, { loggedSeconds: 86_400 });
    await h.init();
    await h.send(4);
    await h.deliver();
    h.clock.t += 2 * HOUR;
    expect((await h.hub.sweep()).pruned).toBe(0);
    h.clock.t += 23 * HOUR;
    expect((await h.hub.sweep()).pruned).toBe(3);
  });

  it('tick sweeps on its schedule', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const hub = new Hub({ domain: 'a.example', store, clock, checker: testChecker(), transport: { notify: async () => undefined }, retention: { sweepEveryMs: 1000 } });
    await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    expect((await hub.submitMessage(ROOM, { message: fakeMessage(0, 'x'), sendingUri: BOB, expires: clock.t + 500 })).code).toBe('accepted');
    await hub.tick(); // schedules the first sweep at +1000
    clock.t += 999;
    await hub.tick();
    expect((await store.transaction((tx) => tx.events(ROOM, 0, 1)))[0]!.kind).toBe('message');
    clock.t += 1;
    await hub.tick();
    expect((await store.transaction((tx) => tx.events(ROOM, 0, 1)))[0]!.kind).toBe('erased');
    await hub.stop();
  });
});

describe('expiry (the content expires, DL11) and scrollback for a new member', () => {
  it('an expired message becomes a tombstone at the hub and in every follower copy; its number stays', async () => {
    const h = setup(threeMemberRoom());
    await h.init();
    const t0 = h.clock.t;
    await h.hub.submitMessage(ROOM, { message: fakeMessage(0, 'lasting'), sendingUri: BOB });
    await h.hub.submitMessage(ROOM, { message: fakeMessage(0, 'fleeting'), sendingUri: BOB, expires: t0 + 500 });
    await h.deliver();
    expect((await h.hub.sweep(t0 + 499)).expired).toBe(0);
    expect((await h.hub.sweep(t0 + 500)).expired).toBe(1);
    const b = h.followers.get('b.example')!;
    expect((await b.sweep(t0 + 500)).expired).toBe(1);
    const { events } = await b.next('bob-phone', ROOM);
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'message'],
      [2, 'erased'],
    ]);
    expect(events[1]!.message).toEqual(new Uint8Array(0));
    expect(events[1]!.sender).toBe('');
  });

  it('a client that joins sees max_time_period of scrollback and no more; with sharing forbidden, only what follows', async () => {
    const h = setup(sharing);
    await h.init();
    await h.send(2, 'old'); // seq 1–2 at t0
    h.clock.t += 2 * HOUR;
    await h.send(2, 'recent'); // seq 3–4 at t0 + 2 h
    await h.deliver();
    h.clock.t += 1000;
    const b = h.followers.get('b.example')!;
    expect(await b.join('new-laptop', ROOM)).toBe(2);
    expect((await b.next('new-laptop', ROOM)).events.map((e) => bodyOf(e.message))).toEqual(['recent0', 'recent1']);
    // joining again keeps the cursor
    expect(await b.join('new-laptop', ROOM)).toBe(2);

    const f = setup(threeMemberRoom());
    await f.init();
    await f.send(3);
    await f.deliver();
    const fb = f.followers.get('b.example')!;
    expect(await fb.join('new-laptop', ROOM)).toBe(3);
    expect((await fb.next('new-laptop', ROOM)).events).toEqual([]);
    await f.send(1, 'after');
    await f.deliver();
    expect((await fb.next('new-laptop', ROOM)).events.map((e) => bodyOf(e.message))).toEqual(['after0']);
  });

  it('a follower with a retention period removes older events from its copy; its clients see complete: false', async () => {
    const clock = new FakeClock();
    const h = setup(threeMemberRoom());
    h.clock.t = clock.t;
    await h.init();
    await h.send(3);
    h.clock.t += 2 * HOUR;
    await h.send(1);
    await h.deliver();
    const store = new MemoryStore();
    const f = new Follower({ domain: 'b.example', store, clock: h.clock, hubs: { history: async (_x, r) => h.hub.history(r) }, retention: { seconds: 3600, sweepEveryMs: 0 } });
    const events = await h.hubStore.transaction((tx) => tx.events(ROOM, 0, 10));
    await f.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't', events });
    expect((await f.sweep()).pruned).toBe(3);
    const batch = await f.next('c1', ROOM);
    expect(batch.events.map((e) => e.seq)).toEqual([4]);
    expect(batch.complete).toBe(false);
    expect(batch.firstSeq).toBe(4);
  });

  it('a sweep forgets seen transaction ids whose events are held; a late repeat then changes nothing', async () => {
    const h = setup(threeMemberRoom());
    await h.init();
    await h.send(3);
    const events = await h.hubStore.transaction((tx) => tx.events(ROOM, 0, 10));
    const store = new MemoryStore();
    const f = new Follower({ domain: 'b.example', store, clock: h.clock, hubs: { history: async (_x, r) => h.hub.history(r) }, retention: { sweepEveryMs: 0 } });
    await f.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't1', events: events.slice(0, 2) });
    await f.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't3', events: events.slice(2) });
    const seen = () => store.transaction((tx) => tx.keys(Namespace.txn));
    expect(await seen()).toHaveLength(2);
    await f.sweep();
    expect(await seen()).toEqual([]);
    await f.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't1', events: events.slice(0, 2) });
    expect((await f.next('c', ROOM)).events.map((e) => e.seq)).toEqual([1, 2, 3]);
    // an id whose events are not all held yet is kept
    await f.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't9', events: [{ ...events[0]!, seq: 9 }] });
    await f.sweep();
    expect(await seen()).toEqual(['a.example\u0000t9']); // the repeat of t1 is forgotten again, t9 (seq 4–8 missing) kept
  });

  it('a store shared by the hub and its own follower (DL4): the hub prunes nothing there, its local clients keep their scrollback', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    let local: Follower | undefined;
    const hub = new Hub({
      domain: 'a.example',
      store,
      clock,
      checker: testChecker(),
      transport: { notify: async (to, req) => void (to === 'a.example' ? await local!.notify(req.hub, req) : undefined) },
      retention: { sweepEveryMs: 0 },
    });
    local = new Follower({ domain: 'a.example', store, clock, hubs: { history: async (_h, r) => hub.history(r) } });
    await hub.createRoom(ROOM, roomSnapshot(threeMemberRoom(), 0));
    for (let i = 0; i < 3; i++) await hub.submitMessage(ROOM, { message: fakeMessage(0, `m${i}`), sendingUri: BOB });
    await hub.tick();
    await settle();
    clock.t += 8 * 86_400_000; // past every window, even the undelivered one (b and c never acknowledged)
    expect((await hub.sweep()).pruned).toBe(0);
    expect((await local.next('alice-phone', ROOM)).events.map((e) => bodyOf(e.message))).toEqual(['m0', 'm1', 'm2']);
  });

  it('bad input to the new calls is delivery/bad-request (or no-such-room) and changes nothing', async () => {
    const h = setup(threeMemberRoom());
    await h.init();
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
    expect(await code(h.hub.sweep(-1))).toBe('delivery/bad-request');
    expect(await code(h.hub.eraseUser(''))).toBe('delivery/bad-request');
    expect(await code(h.hub.submitMessage(ROOM, { message: fakeMessage(0, 'x'), sendingUri: BOB, expires: -5 }))).toBe('delivery/bad-request');
    expect(await code(h.hub.submitMessage(ROOM, { message: fakeMessage(0, 'x'), sendingUri: BOB, expires: 1.5 }))).toBe('delivery/bad-request');
    const b = h.followers.get('b.example')!;
    expect(await code(b.join('c', 'mimi://a.example/r/none'))).toBe('delivery/no-such-room');
    const e = { seq: 1, hubTime: 1, kind: 'message' as const, sender: BOB, message: fakeMessage(0, 'x') };
    expect(await code(b.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't', events: [e], historySeconds: -1 }))).toBe('delivery/bad-request');
    // a tombstone with content is refused, an honest one accepted
    const tomb = { seq: 1, hubTime: 1, kind: 'erased' as const, sender: '', message: new Uint8Array(0) };
    expect(await code(b.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't', events: [{ ...tomb, sender: BOB }] }))).toBe('delivery/bad-request');
    expect(await code(b.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't', events: [{ ...tomb, message: new Uint8Array(1) }] }))).toBe('delivery/bad-request');
    expect(await h.hubStore.transaction((tx) => tx.lastSeq(ROOM))).toBe(0);
    expect(await b.rooms()).toEqual([]);
    expect(await code(b.notify('a.example', { hub: 'a.example', roomId: ROOM, txn: 't', events: [tomb] }))).toBe('ok');
    expect(() => new Hub({ domain: 'a.example', store: new MemoryStore(), clock: h.clock, checker: testChecker(), transport: { notify: async () => undefined }, retention: { loggedSeconds: -1 } })).toThrow(
      expect.objectContaining({ code: 'delivery/bad-request' }),
    );
  });
});
