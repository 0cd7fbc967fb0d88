// Graceful stop and restart on the same data directories: a hub whose follower is down keeps what it could not
// deliver, stops within its bound, and after a restart (hub and follower on their SQLite stores) the follower's
// client receives every message exactly once, in order, and can decrypt it (real MLS, real HTTPS with mTLS).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plainText, encodeContent } from '../../src/content/index.js';
import { render } from '../../src/fallback/index.js';
import { createClientIdentity, createRoom, generateKeyPackage, joinFromWelcome, type CredentialVerifier } from '../../src/mls/index.js';
import type { Provider } from '../../src/provider/provider.js';
import { createRoom as createRoomState, roomStateToJson } from '../../src/room/index.js';
import { certificates, freePort, startOne } from './support.js';

const ROOM = 'mimi://a.example/r/restart';
const ALICE = 'mimi://a.example/u/alice';
const CAROL = 'mimi://b.example/u/carol';
const CAROL_CLIENT = 'mimi://b.example/d/carol/1';
const anyone: CredentialVerifier = () => true;

async function eventually<T>(f: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('provider stop and restart', () => {
  const certs = certificates(['a.example', 'b.example']);
  const data = mkdtempSync(join(tmpdir(), 'mimi-restart-'));
  const running: Provider[] = [];
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    certs.cleanup();
    rmSync(data, { recursive: true, force: true });
  });

  it('keeps undelivered fanout through a bounded stop and delivers it after a restart', async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    const start = async (d: 'a' | 'b', shutdownTimeoutMs?: number) => {
      const { provider } = await startOne({
        domain: `${d}.example`,
        port: d === 'a' ? pa : pb,
        peer: d === 'a' ? 'b.example' : 'a.example',
        peerPort: d === 'a' ? pb : pa,
        certs,
        store: join(data, d),
        ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs }),
      });
      running.push(provider);
      return provider;
    };
    let a = await start('a', 300);
    let b = await start('b');

    // Alice (a.example) creates the room and adds Carol (b.example) with a key package Carol published at b.
    const alice = await createClientIdentity({ userUri: ALICE, clientUri: 'mimi://a.example/d/alice/1' });
    const carol = await createClientIdentity({ userUri: CAROL, clientUri: CAROL_CLIENT });
    let room = await createRoom({ identity: alice, roomUri: ROOM, roomState: createRoomState({ preset: 'moderated', creator: ALICE, roomUri: ROOM }), verifier: anyone });
    const g = room.groupView();
    await a.createRoom({ roomId: ROOM, epoch: 0, roomState: roomStateToJson(g.state), members: g.members, extensions: g.extensions });
    const kp = await generateKeyPackage(carol);
    await b.publishKeyPackage(CAROL, CAROL_CLIENT, kp.keyPackage);
    const claimed = await b.claimKeyPackages(CAROL);
    expect(claimed.userStatus).toBe('success');
    const add = await room.addParticipant(CAROL, 4, claimed.clients.flatMap((c) => (c.clientStatus === 'success' ? [c.keyPackage] : [])));
    expect((await a.update(ROOM, { commit: add.commit })).code).toBe('success');
    room = add.room;
    let carolRoom = await joinFromWelcome({ welcome: add.welcome!, keyPackage: kp, verifier: anyone });
    // The add commit reaches b.example (its first event of the room); Carol's client acknowledges it.
    await eventually(async () => ((await b.status()).rooms.includes(ROOM) && (await b.ack(CAROL_CLIENT, ROOM, 1), true)) || undefined);

    // b.example goes down; Alice sends three messages the hub cannot deliver to it.
    expect((await b.stop()).flushed).toBe(true);
    const texts = ['one', 'two', 'three'];
    for (const t of texts) {
      const enc = await room.encryptContent(encodeContent(plainText(t, { senderUri: ALICE, roomUri: ROOM })));
      room = enc.room;
      expect((await a.submit(ROOM, { message: enc.message, sendingUri: ALICE })).code).toBe('accepted');
    }
    expect((await a.status()).backlog).toBeGreaterThan(0);
    const stop = await a.stop();
    // Bounded: 300 ms of draining, then the listeners and the store close.
    expect(stop.flushed).toBe(false);
    expect(stop.backlog).toBe(3);
    expect(stop.ms).toBeLessThan(3000);

    // Both come back on the same data directories (and ports): the hub resends from its durable cursor.
    a = await start('a');
    b = await start('b');
    const batch = await eventually(async () => {
      const r = await b.next(CAROL_CLIENT, ROOM, 10);
      return r.events.length >= 3 ? r : undefined;
    });
    expect(batch.events.map((e) => e.seq)).toEqual([2, 3, 4]);
    const got: string[] = [];
    for (const e of batch.events) {
      const d = await carolRoom.decryptContent(e.message, { hubTimestamp: e.hubTime });
      carolRoom = d.room;
      got.push(render(d.content).text);
    }
    expect(got).toEqual(texts);
    await b.ack(CAROL_CLIENT, ROOM, 4);
    expect((await b.next(CAROL_CLIENT, ROOM, 10)).events).toEqual([]);
    await eventually(async () => ((await a.status()).backlog === 0 ? true : undefined));
  }, 60_000);
});
