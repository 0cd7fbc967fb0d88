// Welcomes and proposals through the local client API of two providers over HTTPS with mutual TLS (HT15, HT16):
// Alice (a.example, the hub) adds Carol (b.example) with a commit that carries its Welcome; Carol's client finds
// the Welcome only at its own provider, which got it from the hub over MIMI, joins with it and reads the room
// from the event after the commit that added her. Carol then leaves by proposals sent through b.example; Alice
// reads them as `proposal` events and commits them by reference. Rosters expected here are the scenario's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGroupInfo, generateKeyPackage, joinFromWelcome, type ClientIdentity, type MimiRoom } from '../../src/mls/index.js';
import { encodeContent, plainText } from '../../src/content/index.js';
import type { ClientBatch } from '../../src/delivery/index.js';
import { decodePublicMessage } from '../../src/protocol/index.js';
import { LocalApiClient } from '../../src/provider/client.js';
import { roomStateToJson } from '../../src/room/index.js';
import { ALICE, CAROL, ROOM, TrustStore, aliceRoom, client } from '../mls/helpers.js';
import { startPair, TOKEN, type Pair } from './support.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Polls a client's `next` until the events handed so far, together, satisfy `done`; returns them all. */
async function collectUntil(what: string, next: () => Promise<ClientBatch>, done: (got: readonly ClientBatch['events'][number][]) => boolean): Promise<ClientBatch['events'][number][]> {
  const got: ClientBatch['events'][number][] = [];
  return until(what, async () => {
    got.push(...(await next()).events);
    return done(got) ? got : undefined;
  });
}

describe('Welcomes and proposals through the providers (local API over HTTPS)', () => {
  let pair: Pair;
  let a: LocalApiClient;
  let b: LocalApiClient;
  const trust = new TrustStore();
  let a1: ClientIdentity;
  let c1: ClientIdentity;
  let alice: MimiRoom;
  let carol: MimiRoom;
  let addSeq = 0;

  beforeAll(async () => {
    pair = await startPair();
    a = new LocalApiClient({ url: pair.a.localUrl, token: TOKEN });
    b = new LocalApiClient({ url: pair.b.localUrl, token: TOKEN });
    a1 = await client(trust, ALICE, 'laptop');
    c1 = await client(trust, CAROL, 'laptop');
    alice = await aliceRoom(trust, a1);
    const g = alice.groupView();
    await a.createRoom({ roomId: ROOM, epoch: 0, roomState: roomStateToJson(g.state), members: g.members, extensions: g.extensions });
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
  });

  it('a Welcome for a client at the other provider reaches it only through the providers', async () => {
    expect(await b.welcomes(c1.clientUri)).toEqual([]);
    const kp = await generateKeyPackage(c1);
    const out = await alice.addParticipant(CAROL, 4, [kp.keyPackage]);
    const r = await a.update(ROOM, { commit: out.commit, groupInfo: await exportGroupInfo(out.room), welcome: out.welcome! });
    expect(r.code).toBe('success');
    alice = out.room;
    const [w] = await until('the Welcome at b.example', async () => {
      const held = await b.welcomes(c1.clientUri);
      return held.length > 0 ? held : undefined;
    });
    // The hub's first event is the commit that added Carol (seq 1), held for her by her provider as sent.
    expect(w).toMatchObject({ roomId: ROOM, hub: 'a.example', seq: 1 });
    expect(hex(w!.welcome)).toBe(hex(out.welcome!));
    addSeq = w!.seq;
    // It crossed the wire: b.example's MIMI listener logged the hub's Welcome; a.example holds none for Carol.
    expect(pair.logs.b.some((l) => l['msg'] === 'request' && l['endpoint'] === 'notify' && l['peer'] === 'a.example' && l['outcome'] === 'welcome')).toBe(true);
    expect(await a.welcomes(c1.clientUri)).toEqual([]);

    carol = await joinFromWelcome({ welcome: w!.welcome, keyPackage: kp, verifier: trust.verifier });
    expect(await b.acceptWelcome(c1.clientUri, ROOM)).toBe(addSeq);
    expect(await b.welcomes(c1.clientUri)).toEqual([]);
    await expect(b.acceptWelcome(c1.clientUri, ROOM)).rejects.toMatchObject({ code: 'delivery/no-such-room' });

    // Carol is handed what follows the commit that added her, not the commit itself.
    const { message, room } = await alice.encryptContent(encodeContent(plainText('welcome, Carol', { senderUri: ALICE, roomUri: ROOM })));
    alice = room;
    expect((await a.submit(ROOM, { message, sendingUri: ALICE })).code).toBe('accepted');
    const events = await until('the message at b.example', async () => {
      const batch = await b.next(c1.clientUri, ROOM, 10);
      return batch.events.length > 0 ? batch.events : undefined;
    });
    expect(events.map((e) => [e.seq, e.kind])).toEqual([[addSeq + 1, 'message']]);
    const got = await carol.decryptContent(events[0]!.message, { hubTimestamp: events[0]!.hubTime });
    carol = got.room;
    expect(got.senderUserUri).toBe(ALICE);
    await b.ack(c1.clientUri, ROOM, events[0]!.seq);
  }, 60_000);

  it('a member leaves by proposals through its provider; another member commits them by reference', async () => {
    const { proposals, room } = await carol.leave();
    carol = room;
    const r = await b.propose(ROOM, { proposals });
    expect(r.code).toBe('success');
    // b.example forwarded them to the hub as an update (HT15's proposal HandshakeBundle).
    expect(pair.logs.a.some((l) => l['msg'] === 'request' && l['endpoint'] === 'update' && l['peer'] === 'b.example' && l['status'] === 200)).toBe(true);

    // Alice reads her events from her cursor 0: her own commit and message (skipped), then Carol's proposals.
    // `next` hands each event once: what a poll got before the proposals arrived is kept, not asked for again.
    const mine = new Set<number>([1, 2]);
    const pending = await collectUntil(
      'the proposals at a.example',
      () => a.next(a1.clientUri, ROOM, 50),
      (got) => got.filter((e) => !mine.has(e.seq)).length === proposals.length,
    );
    expect(pending.map((e) => e.kind)).toEqual(['commit', 'message', ...proposals.map(() => 'proposal')]);
    for (const e of pending) if (!mine.has(e.seq)) alice = (await alice.processHandshake(e.message)).room;
    await a.ack(a1.clientUri, ROOM, pending.at(-1)!.seq);
    expect(alice.pendingProposals).toBe(proposals.length);

    const out = await alice.commitPending();
    expect(decodePublicMessage(out.commit).commit!.proposals.map((p) => p.kind)).toEqual(proposals.map(() => 'reference'));
    expect((await a.update(ROOM, { commit: out.commit, groupInfo: await exportGroupInfo(out.room) })).code).toBe('success');
    alice = out.room;
    expect(alice.roomState.participants.filter((p) => p.active !== false).map((p) => p.user)).toEqual([ALICE]);

    // Carol's client reads its own proposals and the commit that removes her; processing it ends her membership.
    const seen = await collectUntil(
      'the commit at b.example',
      () => b.next(c1.clientUri, ROOM, 50),
      (got) => got.some((e) => e.kind === 'commit'),
    );
    expect(seen.map((e) => e.kind)).toEqual([...proposals.map(() => 'proposal'), 'commit']);
    carol = (await carol.processHandshake(seen.at(-1)!.message)).room;
    expect(carol.isMember).toBe(false);

    // The hub counted one update of proposals (b.example's) apart from the two commits (Carol's add, her removal).
    const metrics = await (await globalThis.fetch(`${pair.a.localUrl}/metrics`)).text();
    expect(metrics).toMatch(/^mimi_events_accepted_total\{kind="proposal"\} 1$/m);
    expect(metrics).toMatch(/^mimi_events_accepted_total\{kind="commit"\} 2$/m);
  }, 60_000);
});
