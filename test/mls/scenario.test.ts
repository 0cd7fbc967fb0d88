/**
 * Full scenario: a room across two providers (alice and bob at a.example, carol at b.example, each with
 * two clients) exchanging every kind of content, with invite, role change, kick, ban, unban, leave and
 * a moderator deleting a message; every member's conversation view ends equal.
 */
import { describe, expect, it } from 'vitest';
import {
  alternatives,
  attachment,
  decodeContent,
  deleteMessage,
  edit,
  encodeContent,
  expiring,
  html,
  markdown,
  mention,
  messageId,
  plainText,
  reaction,
  reply,
  singlePart,
  unlike,
  type MimiContent,
} from '../../src/content/index.js';
import { Conversation } from '../../src/fallback/index.js';
import { generateKeyPackage, type ClientIdentity } from '../../src/mls/index.js';
import { authorize } from '../../src/room/index.js';
import { ALICE, BOB, CAROL, Net, ROOM, TrustStore, aliceRoom, client } from './helpers.js';

describe('mls scenario', () => {
  it('a room across two providers: every kind of content, invite, role change, kick, ban, unban, leave, moderator delete; every view ends equal', async () => {
    const store = new TrustStore();
    const net = new Net(store);
    const a1 = await client(store, ALICE, '1');
    const a2 = await client(store, ALICE, '2');
    const b1 = await client(store, BOB, '1');
    const b2 = await client(store, BOB, '2');
    const c1 = await client(store, CAROL, '1');
    const c2 = await client(store, CAROL, '2');
    const all = [a1, a2, b1, b2, c1, c2];

    // Each client keeps its own conversation; edits/deletes of others' messages are authorized by the
    // room policy as that client currently sees it.
    const convs = new Map<string, Conversation>();
    const convOf = (id: ClientIdentity): Conversation => {
      let c = convs.get(id.clientUri);
      if (c === undefined) {
        c = new Conversation({
          authorize: (req) => authorize(net.room(id).roomState, req.actor, { type: 'message', action: req.kind === 'delete' ? 'deleteOther' : 'editOwn' }).allowed,
        });
        convs.set(id.clientUri, c);
      }
      return c;
    };
    let clock = 1_700_000_000_000;
    const ids: Record<string, Uint8Array> = {};

    /** `from` sends; every current member (including the sender's other clients) receives it. */
    const say = async (from: ClientIdentity, name: string, build: (o: { senderUri: string; roomUri: string }) => MimiContent): Promise<void> => {
      const bytes = encodeContent(build({ senderUri: from.userUri, roomUri: ROOM }));
      const msg = await net.send(from, bytes);
      const ts = (clock += 1000);
      ids[name] = messageId(bytes, { senderUri: from.userUri, roomUri: ROOM });
      convOf(from).add({ id: ids[name], sender: from.userUri, hubTimestamp: ts, content: decodeContent(bytes) });
      for (const to of all) {
        if (to === from || !net.rooms.get(to.clientUri)?.isMember) continue;
        const got = await net.receive(to, msg, ts);
        expect(got.messageId).toEqual(ids[name]);
        expect(got.senderUserUri).toBe(from.userUri);
        convOf(to).add({ id: got.messageId, sender: got.senderUserUri, hubTimestamp: got.hubTimestamp, content: got.content });
      }
    };

    // alice creates the room on a.example and adds her second client.
    net.rooms.set(a1.clientUri, await aliceRoom(store, a1));
    let kps = [await generateKeyPackage(a2)];
    await net.deliver(a1, await net.room(a1).addOwnClient(kps[0]!.keyPackage), kps);
    // invite bob (same provider) and carol (b.example), each with both clients in one commit.
    kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
    await net.deliver(a1, await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage)), kps);
    kps = [await generateKeyPackage(c1), await generateKeyPackage(c2)];
    await net.deliver(a2, await net.room(a2).addParticipant(CAROL, 4, kps.map((k) => k.keyPackage)), kps);
    // role change: carol becomes moderator.
    await net.deliver(a1, await net.room(a1).changeRole(CAROL, 5));
    expect(net.room(c2).roomState.participants.find((p) => p.user === CAROL)?.role).toBe(5);

    // every kind of content
    await say(a1, 'hello', (o) => plainText('Hello everyone', o));
    await say(b1, 'md', (o) => markdown('**bold** from bob', o));
    await say(c2, 'html', (o) => html('<p>hi from <b>carol</b></p>', o));
    await say(b2, 'reply', (o) => reply(ids['hello']!, 'hi alice!', o));
    await say(c1, 'react', (o) => reaction(ids['hello']!, '\u2764', o));
    await say(a2, 'edit', (o) => edit(ids['hello']!, 'Hello everyone (edited)', o));
    await say(b1, 'file', (o) => attachment({ url: 'https://a.example/f/1', contentType: 'image/png', size: 1234 }, o));
    await say(c2, 'alt', (o) => alternatives([singlePart('text/plain;charset=utf-8', 'plain'), singlePart('text/markdown;variant=GFM-MIMI', '*md*')], o));
    await say(a1, 'mention', (o) => mention(['hey ', { uri: BOB, display: 'Bob' }], { ...o, format: 'markdown' }));
    await say(b2, 'expiring', (o) => expiring('gone soon', { relative: true, time: 3600 }, o));
    await say(c1, 'unlike', (o) => unlike(ids['react']!, o));
    await say(b1, 'rude', (o) => plainText('something rude', o));
    // a moderator deletes bob's message
    await say(c2, 'modDelete', (o) => deleteMessage(ids['rude']!, o));

    // kick bob (his clients leave, he stays listed), then alice re-adds his clients
    await net.deliver(c1, await net.room(c1).kick(BOB));
    expect(net.room(b1).isMember || net.room(b2).isMember).toBe(false);
    await say(a1, 'whileKicked', (o) => plainText('bob cannot read this', o));
    kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
    await net.deliver(a1, await net.room(a1).addClients(kps.map((k) => k.keyPackage)), kps);
    // ban bob, unban him, re-add his clients
    await net.deliver(c2, await net.room(c2).ban(BOB));
    await say(c1, 'whileBanned', (o) => plainText('bob is banned', o));
    await net.deliver(c2, await net.room(c2).unban(BOB, 4));
    kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
    await net.deliver(c2, await net.room(c2).addClients(kps.map((k) => k.keyPackage)), kps);
    await say(b1, 'back', (o) => plainText('I am back', o));
    // bob leaves: his client proposes, carol commits
    const { proposals, room } = await net.room(b2).leave();
    await net.deliverProposals(b2, proposals, room);
    await net.deliver(c1, await net.room(c1).commitPending());
    expect(net.room(a1).roomState.participants.map((p) => p.user).sort()).toEqual([ALICE, CAROL].sort());
    await say(a2, 'bye', (o) => plainText('bye bob', o));

    // every member's conversation view ends equal (and every member's MLS view too)
    const members = all.filter((id) => net.room(id).isMember);
    expect(members.map((m) => m.clientUri).sort()).toEqual([a1, a2, c1, c2].map((m) => m.clientUri).sort());
    const now = clock + 1000;
    const views = members.map((m) => JSON.stringify(convOf(m).view(now)));
    for (const v of views) expect(v).toBe(views[0]);
    const epochs = new Set(members.map((m) => net.room(m).epoch));
    expect(epochs.size).toBe(1);
    const states = members.map((m) => JSON.stringify(net.room(m).roomState));
    for (const s of states) expect(s).toBe(states[0]);
    // the moderator's delete was applied, not rejected
    const view = convOf(a1).view(now);
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const rude = view.entries.find((e) => e.id === hex(ids['rude']!));
    expect(rude).toMatchObject({ state: 'deleted', deletedBy: CAROL });
    expect(view.entries.find((e) => e.id === hex(ids['hello']!))).toMatchObject({ edited: true });
    expect(view.rejectedCount).toBe(0);
    expect(view.entries.some((e) => e.id === hex(ids['back']!))).toBe(true);
  });
});
