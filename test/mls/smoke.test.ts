import { describe, expect, it } from 'vitest';
import { encodeContent, plainText } from '../../src/content/index.js';
import { ALICE, BOB, ROOM, TrustStore, aliceRoom, client, invite } from './helpers.js';

describe('mls smoke', () => {
  it('creates a room, adds a participant with two clients, and exchanges a message', async () => {
    const store = new TrustStore();
    const a1 = await client(store, ALICE, '1');
    const b1 = await client(store, BOB, '1');
    const b2 = await client(store, BOB, '2');
    const alice = await aliceRoom(store, a1);
    const r = await invite(store, alice, [], BOB, 4, [b1, b2]);
    expect(r.committer.members.map((m) => m.clientUri).sort()).toEqual([a1.clientUri, b1.clientUri, b2.clientUri].sort());
    const bytes = encodeContent(plainText('hi', { senderUri: ALICE, roomUri: ROOM }));
    const { message } = await r.committer.encryptContent(bytes);
    const got = await r.joined[1]!.decryptContent(message, { hubTimestamp: Date.now() });
    expect(got.senderUserUri).toBe(ALICE);
    expect(got.contentBytes).toEqual(bytes);
  });
});
