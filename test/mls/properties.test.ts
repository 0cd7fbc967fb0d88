/**
 * The properties of the "End-to-end encrypted rooms with MLS" issue, each in its own test.
 */
import { describe, expect, it } from 'vitest';
import { createCommit, decodeMlsMessage, emptyPskIndex, encodeMlsMessage, processPrivateMessage, type ClientState, type KeyPackage } from 'ts-mls';
import { mimiSuite } from '../../src/mls/suite.js';
import { encodeContent, plainText } from '../../src/content/index.js';
import { MimiError } from '../../src/errors.js';
import {
  APP_DATA_DICTIONARY,
  createRoom,
  generateKeyPackage,
  joinFromWelcome,
  loadRoom,
  type CommitOutcome,
  type MimiRoom,
} from '../../src/mls/index.js';
import { createRoom as createRoomState, encodeAppDataDictionary } from '../../src/room/index.js';
import { ALICE, BOB, CAROL, ROOM, TrustStore, client, threeUsers } from './helpers.js';

const text = (t: string, senderUri: string, roomUri = ROOM): Uint8Array => encodeContent(plainText(t, { senderUri, roomUri }));

async function rejects(p: Promise<unknown>, code: string): Promise<MimiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MimiError);
    expect((e as MimiError).code).toBe(code);
    return e as MimiError;
  }
  throw new Error(`expected ${code}, but it was accepted`);
}

/** RFC 9420 §17.4 "Path Required" column, written out here independently of the adapter. */
const PATH_REQUIRED: Record<string, boolean> = {
  add: false,
  update: true,
  remove: true,
  psk: false,
  reinit: false,
  external_init: true,
  group_context_extensions: true,
};

/** Decodes a commit we sent and says whether RFC 9420 requires a path and whether it has one. */
function pathStatus(commit: Uint8Array): { required: boolean; present: boolean; types: string[] } {
  const decoded = decodeMlsMessage(commit, 0);
  if (decoded === undefined || decoded[0].wireformat !== 'mls_public_message') throw new Error('commit is not a PublicMessage');
  const content = decoded[0].publicMessage.content;
  if (content.contentType !== 'commit') throw new Error('not a commit');
  const types = content.commit.proposals.map((p) => (p.proposalOrRefType === 'proposal' ? String(p.proposal.proposalType) : 'reference'));
  // By-reference proposals in our flows are leave proposals (remove + group_context_extensions).
  const required = types.length === 0 || types.some((t) => t === 'reference' || PATH_REQUIRED[t] === true);
  return { required, present: content.commit.path !== undefined, types };
}

function rawKeyPackage(bytes: Uint8Array): KeyPackage {
  const m = decodeMlsMessage(bytes, 0)![0];
  if (m.wireformat !== 'mls_key_package') throw new Error('not a key package');
  return m.keyPackage;
}

describe('mls properties', () => {
  it('a removed client (own-client removal) cannot decrypt anything sent after its removal', async () => {
    const { net, a1, b1, b2 } = await threeUsers();
    const out = await net.room(b1).removeOwnClient(b2.clientUri);
    const res = await net.deliver(b1, out);
    expect(res.get(b2.clientUri)?.selfRemoved).toBe(true);
    const msg = await net.send(a1, text('after removal', ALICE));
    await rejects(net.room(b2).decryptContent(msg, { hubTimestamp: 1 }), 'mls/not-member');
    expect((await net.receive(b1, msg)).senderUserUri).toBe(ALICE);
  });

  it('a kicked client cannot decrypt anything sent after the kick', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const stale = net.room(b1); // bob's state before the kick, kept by an attacker
    await net.deliver(c1, await net.room(c1).kick(BOB));
    expect(net.room(b1).isMember).toBe(false);
    expect(net.room(b2).isMember).toBe(false);
    expect(net.room(a1).roomState.participants.some((p) => p.user === BOB)).toBe(true); // kick keeps the participant
    const msg = await net.send(a1, text('after kick', ALICE));
    await rejects(net.room(b1).decryptContent(msg, { hubTimestamp: 1 }), 'mls/not-member');
    // Even the pre-kick state cannot: the message is from a later epoch.
    await rejects(stale.decryptContent(msg, { hubTimestamp: 1 }), 'mls/wrong-epoch');
  });

  it('a banned client cannot decrypt anything sent after the ban', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    await net.deliver(c1, await net.room(c1).ban(BOB));
    expect(net.room(a1).roomState.participants.find((p) => p.user === BOB)?.role).toBe(1);
    const msg = await net.send(a1, text('after ban', ALICE));
    for (const b of [b1, b2]) await rejects(net.room(b).decryptContent(msg, { hubTimestamp: 1 }), 'mls/not-member');
    // Below the adapter too: ts-mls itself, given the banned client's last state, cannot decrypt it.
    const pm = decodeMlsMessage(msg, 0)![0];
    if (pm.wireformat !== 'mls_private_message') throw new Error('expected private');
    for (const b of [b1, b2]) {
      await expect(processPrivateMessage(net.room(b).internalState as ClientState, pm.privateMessage, emptyPskIndex, await mimiSuite())).rejects.toThrow();
    }
    expect((await net.receive(c1, msg)).senderUserUri).toBe(ALICE);
  });

  it('a banned user cannot be re-added without an unban by someone allowed to unban', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    await net.deliver(c1, await net.room(c1).ban(BOB));
    const kp = await generateKeyPackage(b1);
    // Locally refused by the engine's invite: bob is in the list with the banned role (the target is banned:
    // room/target-banned, decision Room #31).
    const local = await rejects(net.room(c1).addParticipant(BOB, 4, [kp.keyPackage]), 'mls/policy-refused');
    expect(local.details?.refusal).toMatchObject({ code: 'room/target-banned', action: { type: 'invite', user: BOB } });
    await rejects(net.room(c1).addClients([kp.keyPackage]), 'mls/policy-refused');
    // A forged commit adding bob's client anyway is refused by every other member.
    const forged = await net.room(c1).commitWith(
      [{ proposalType: 'add', add: { keyPackage: rawKeyPackage(kp.keyPackage) } }],
      undefined,
      { authorize: false },
    );
    const e = await rejects(net.room(a1).processHandshake(forged.commit), 'mls/policy-refused');
    expect((e.details?.refusal as { code: string }).code).toBe('room/banned');
    // Carol (moderator) has canUnban; after the unban, bob's clients can be added again.
    await net.deliver(c1, await net.room(c1).unban(BOB, 4));
    expect(net.room(a1).roomState.participants.find((p) => p.user === BOB)?.role).toBe(4);
    const kp2 = await generateKeyPackage(b1);
    await net.deliver(c1, await net.room(c1).addClients([kp2.keyPackage]), [kp2]);
    expect(net.room(b1).isMember).toBe(true);
    const msg = await net.send(a1, text('welcome back', ALICE));
    expect((await net.receive(b1, msg)).senderUserUri).toBe(ALICE);
  });

  it('an unban by a user not allowed to unban is refused by every other member', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    // dave is banned by carol; bob (speaker, no canUnban) tries to unban him.
    const dave = await client(net.store, 'mimi://b.example/u/dave', '1');
    const kp = await generateKeyPackage(dave);
    await net.deliver(a1, await net.room(a1).addParticipant('mimi://b.example/u/dave', 4, [kp.keyPackage]), [kp]);
    await net.deliver(c1, await net.room(c1).ban('mimi://b.example/u/dave'));
    // bob is a speaker: no canUnban.
    await rejects(net.room(b1).unban('mimi://b.example/u/dave', 4), 'mls/policy-refused');
    const forged = await net.room(b1).commitWith([], {
      ...net.room(b1).roomState,
      participants: net.room(b1).roomState.participants.map((p) => (p.user === 'mimi://b.example/u/dave' ? { ...p, role: 4 } : p)),
    }, { authorize: false });
    for (const other of [a1, b2, c1]) {
      const before = net.room(other).epoch;
      const e = await rejects(net.room(other).processHandshake(forged.commit), 'mls/policy-refused');
      expect((e.details?.refusal as { code: string }).code).toMatch(/^room\//);
      expect(net.room(other).epoch).toBe(before);
    }
  });

  it('every commit that RFC 9420 requires a path for carries one (decoded from the wire)', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const sent: { what: string; out: CommitOutcome }[] = [];
    const run = async (who: typeof a1, what: string, out: CommitOutcome, joiners: Awaited<ReturnType<typeof generateKeyPackage>>[] = []): Promise<void> => {
      sent.push({ what, out });
      await net.deliver(who, out, joiners);
    };
    await run(a1, 'update (empty)', await net.room(a1).update());
    await run(c1, 'setMetadata (GCE only)', await net.room(c1).setMetadata({ ...net.room(c1).roomState.metadata!, subject: 'news' }));
    await run(a1, 'changeRole (GCE only)', await net.room(a1).changeRole(BOB, 3));
    await run(a1, 'changeRole back', await net.room(a1).changeRole(BOB, 4));
    await run(b1, 'removeOwnClient (remove)', await net.room(b1).removeOwnClient(b2.clientUri));
    const kp = await generateKeyPackage(b2);
    await run(b1, 'addOwnClient (add only)', await net.room(b1).addOwnClient(kp.keyPackage), [kp]);
    const dave = await client(net.store, 'mimi://b.example/u/dave', '1');
    const dkp = await generateKeyPackage(dave);
    await run(c1, 'addParticipant (add + GCE)', await net.room(c1).addParticipant('mimi://b.example/u/dave', 4, [dkp.keyPackage]), [dkp]);
    await run(c1, 'kick (removes)', await net.room(c1).kick('mimi://b.example/u/dave'));
    await run(c1, 'ban (removes + GCE)', await net.room(c1).ban(BOB));
    await run(c1, 'unban (GCE only)', await net.room(c1).unban(BOB, 4));
    await run(a1, 'removeParticipant (GCE, no clients)', await net.room(a1).removeParticipant('mimi://b.example/u/dave'));
    const e1 = await client(net.store, 'mimi://b.example/u/erin', '1');
    const e2 = await client(net.store, 'mimi://b.example/u/erin', '2');
    const ekps = [await generateKeyPackage(e1), await generateKeyPackage(e2)];
    await run(c1, 'addParticipant (2 adds + GCE)', await net.room(c1).addParticipant('mimi://b.example/u/erin', 4, ekps.map((k) => k.keyPackage)), ekps);
    const { proposals, room } = await net.room(e2).leave();
    await net.deliverProposals(e2, proposals, room);
    await run(a1, 'commitPending (leave: removes + GCE by reference)', await net.room(a1).commitPending());
    let required = 0;
    for (const { what, out } of sent) {
      const s = pathStatus(out.commit);
      if (s.required) {
        required++;
        expect(s.present, `${what}: ${s.types.join(',')}`).toBe(true);
      }
    }
    expect(required).toBe(sent.length - 1); // all but the add-only commit
    // And every member ended in the same epoch.
    const epochs = new Set([...net.rooms.values()].filter((r) => r.isMember).map((r) => r.epoch));
    expect(epochs.size).toBe(1);
  });

  // ts-mls 1.6.4 defect (docs/decisions.md (MLS adapter) D7.1): createCommit omits the UpdatePath on a commit whose
  // proposals are only Add / GroupContextExtensions (RFC 9420 §12.4, §17.4). The adapter does not use
  // createCommit (src/mls/commit.ts); this test pins the defect and flips when ts-mls is fixed.
  it.fails('ts-mls 1.6.4 createCommit carries a path on a GroupContextExtensions-only commit', async () => {
    const { net, a1 } = await threeUsers();
    const state = net.room(a1).internalState as ClientState;
    const res = await createCommit(
      { state, cipherSuite: await (await import('../../src/mls/suite.js')).mimiSuite() },
      { extraProposals: [{ proposalType: 'group_context_extensions', groupContextExtensions: { extensions: state.groupContext.extensions } }], wireAsPublicMessage: true },
    );
    expect(pathStatus(encodeMlsMessage(res.commit)).present).toBe(true);
  });

  // ts-mls 1.6.4 defect (D7.2): with Remove + GroupContextExtensions, createCommit encrypts the path to the
  // old GroupContext while receivers use the new extensions: nobody can process the commit. Flips when fixed.
  it.fails('ts-mls 1.6.4 createCommit makes Remove + GroupContextExtensions commits that members can process', async () => {
    const { net, a1, c1 } = await threeUsers();
    const state = net.room(c1).internalState as ClientState;
    const bobLeaf = net.room(c1).members.find((m) => m.userUri === BOB)!.leafIndex;
    const rs = net.room(c1).roomState;
    const changed = state.groupContext.extensions.map((e) =>
      e.extensionType === APP_DATA_DICTIONARY ? { ...e, extensionData: encodeAppDataDictionary({ ...rs, metadata: { ...rs.metadata!, subject: 'x' } }) } : e,
    );
    const res = await createCommit(
      { state, cipherSuite: await (await import('../../src/mls/suite.js')).mimiSuite() },
      {
        extraProposals: [
          { proposalType: 'remove', remove: { removed: bobLeaf } },
          { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: changed } },
        ],
        wireAsPublicMessage: true,
      },
    );
    await net.room(a1).processHandshake(encodeMlsMessage(res.commit));
  });

  it('a commit from a non-member is rejected by every other member with a typed error, states unchanged', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    // Mallory runs her own group under the same group_id and forges a commit for the room's epoch.
    const mallory = await client(net.store, 'mimi://m.example/u/mallory', '1');
    const mRoom = await createRoom({
      identity: mallory,
      roomUri: ROOM,
      roomState: createRoomState({ preset: 'moderated', creator: 'mimi://m.example/u/mallory', roomUri: ROOM }),
      verifier: net.store.verifier,
    });
    const { commit } = await mRoom.update();
    const msg = decodeMlsMessage(commit, 0)![0];
    if (msg.wireformat !== 'mls_public_message') throw new Error('expected public');
    msg.publicMessage.content.epoch = net.room(a1).epoch;
    const forged = encodeMlsMessage(msg);
    for (const who of [a1, b1, b2, c1]) {
      const before = net.room(who).epoch;
      await rejects(net.room(who).processHandshake(forged), 'mls/not-member');
      expect(net.room(who).epoch).toBe(before);
    }
    // A sender leaf that does not exist in the room is refused too.
    msg.publicMessage.content.sender = { senderType: 'member', leafIndex: 9 };
    await rejects(net.room(a1).processHandshake(encodeMlsMessage(msg)), 'mls/not-member');
    // The room still works.
    const m = await net.send(a1, text('still fine', ALICE));
    expect((await net.receive(c1, m)).senderUserUri).toBe(ALICE);
  });

  it('a message from a non-member is rejected by every other member with a typed error, states unchanged', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const mallory = await client(net.store, 'mimi://m.example/u/mallory', '1');
    const mRoom = await createRoom({
      identity: mallory,
      roomUri: ROOM,
      roomState: createRoomState({ preset: 'moderated', creator: 'mimi://m.example/u/mallory', roomUri: ROOM }),
      verifier: net.store.verifier,
    });
    const { message } = await mRoom.encryptUnchecked(text('hello from outside', 'mimi://m.example/u/mallory'));
    const msg = decodeMlsMessage(message, 0)![0];
    if (msg.wireformat !== 'mls_private_message') throw new Error('expected private');
    msg.privateMessage.epoch = net.room(a1).epoch;
    const forged = encodeMlsMessage(msg);
    for (const who of [a1, b1, b2, c1]) {
      const before = net.room(who);
      await rejects(before.decryptContent(forged, { hubTimestamp: 1 }), 'mls/not-member');
      expect(net.room(who)).toBe(before);
    }
    // A client removed from the room cannot talk from its stale state either (decision D8).
    const stale = net.room(b2);
    await net.deliver(b1, await net.room(b1).removeOwnClient(b2.clientUri));
    const { message: late } = await stale.encryptContent(text('zombie', BOB));
    await rejects(net.room(a1).decryptContent(late, { hubTimestamp: 1 }), 'mls/not-member');
    const ok = await net.send(b1, text('bob is fine', BOB));
    expect((await net.receive(a1, ok)).senderClientUri).toBe(b1.clientUri);
  });

  it('a replayed message is rejected with mls/replay, state unchanged', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    const m = await net.send(a1, text('once', ALICE));
    await net.receive(b1, m);
    const before = net.room(b1);
    await rejects(before.decryptContent(m, { hubTimestamp: 1 }), 'mls/replay');
    // A replayed commit as well.
    const out = await net.room(c1).update();
    await net.deliver(c1, out);
    await rejects(net.room(a1).processHandshake(out.commit), 'mls/replay');
    // The room survives a save/load with its replay window.
    const loaded = await loadRoom(net.room(b1).save(), { verifier: net.store.verifier });
    await rejects(loaded.decryptContent(m, { hubTimestamp: 1 }), 'mls/replay');
  });

  it('a message from an old epoch beyond the retention window is rejected with mls/epoch-too-old', async () => {
    const { net, a1, c1 } = await threeUsers();
    const inWindow = await net.send(c1, text('late but ok', CAROL));
    const tooOld = await net.send(c1, text('far too late', CAROL));
    await net.deliver(a1, await net.room(a1).update());
    // One epoch later, still inside the (default 4-epoch) window.
    expect((await net.receive(a1, inWindow)).senderUserUri).toBe(CAROL);
    for (let k = 0; k < 4; k++) await net.deliver(a1, await net.room(a1).update());
    const before = net.room(a1);
    await rejects(before.decryptContent(tooOld, { hubTimestamp: 1 }), 'mls/epoch-too-old');
    expect(net.room(a1)).toBe(before);
  });

  it('a message whose senderUri is not the sending client\'s user is rejected with mls/sender-mismatch', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    // bob's client claims to be alice.
    const bytes = text('I am alice', ALICE);
    await rejects(net.room(b1).encryptContent(bytes), 'mls/sender-mismatch'); // refused locally
    const { message } = await net.room(b1).encryptUnchecked(bytes);
    for (const who of [a1, c1]) {
      const before = net.room(who);
      await rejects(before.decryptContent(message, { hubTimestamp: 1 }), 'mls/sender-mismatch');
    }
    // And a message for another room.
    const { message: other } = await net.room(b1).encryptUnchecked(text('wrong room', BOB, 'mimi://a.example/r/other'));
    await rejects(net.room(a1).decryptContent(other, { hubTimestamp: 1 }), 'mls/room-mismatch');
  });

  it('an unauthorized commit (an ordinary user kicking a moderator) is rejected by every other member with the refusal, states unchanged', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    // Locally: bob (speaker) has no canKick.
    const local = await rejects(net.room(b1).kick(CAROL), 'mls/policy-refused');
    expect(local.details?.refusal).toMatchObject({ code: 'room/missing-capability' });
    const carolLeaf = net.room(b1).members.find((m) => m.userUri === CAROL)!.leafIndex;
    const forged = await net.room(b1).commitWith([{ proposalType: 'remove', remove: { removed: carolLeaf } }], undefined, { authorize: false });
    for (const who of [a1, b2, c1]) {
      const before = net.room(who);
      const e = await rejects(before.processHandshake(forged.commit), 'mls/policy-refused');
      expect(e.details?.refusal).toMatchObject({ code: 'room/missing-capability', actor: BOB, action: { type: 'kick', user: CAROL } });
      expect(net.room(who).epoch).toBe(before.epoch);
    }
    // Every state is still usable: a legitimate commit and a message go through.
    await net.deliver(a1, await net.room(a1).update());
    const m = await net.send(c1, text('still here', CAROL));
    expect((await net.receive(b2, m)).senderUserUri).toBe(CAROL);
  });

  it('a forged participant-list change (ordinary user promoting itself) is refused with the engine refusal', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    const rs = net.room(b1).roomState;
    const forged = await net.room(b1).commitWith([], { ...rs, participants: rs.participants.map((p) => (p.user === BOB ? { ...p, role: 6 } : p)) }, { authorize: false });
    for (const who of [a1, c1]) {
      const e = await rejects(net.room(who).processHandshake(forged.commit), 'mls/policy-refused');
      expect((e.details?.refusal as { actor: string }).actor).toBe(BOB);
    }
    // A ban that forgets to remove the banned user's clients is refused too.
    const rs2 = net.room(c1).roomState;
    const halfBan = await net.room(c1).commitWith([], { ...rs2, participants: rs2.participants.map((p) => (p.user === BOB ? { ...p, role: 1 } : p)) }, { authorize: false });
    const e = await rejects(net.room(a1).processHandshake(halfBan.commit), 'mls/policy-refused');
    // The banned role allows no active participant: the proposed room state itself is invalid.
    expect((e.details?.refusal as { code: string }).code).toBe('room/invalid-state');
    // A participant removal that leaves the user's clients in the group is refused.
    const rs3 = net.room(a1).roomState;
    const halfRemove = await net.room(a1).commitWith([], { ...rs3, participants: rs3.participants.filter((p) => p.user !== BOB) }, { authorize: false });
    const e2 = await rejects(net.room(c1).processHandshake(halfRemove.commit), 'mls/policy-refused');
    expect((e2.details?.refusal as { code: string }).code).toBe('room/clients-not-removed');
  });

  it('multi-device: a user\'s second client receives what the first sent to the room', async () => {
    const { net, b1, b2 } = await threeUsers();
    const bytes = text('from my phone', BOB);
    const m = await net.send(b1, bytes);
    const got = await net.receive(b2, m, 1_700_000_000_000);
    expect(got.contentBytes).toEqual(bytes);
    expect(got.senderClientUri).toBe(b1.clientUri);
    expect(got.senderUserUri).toBe(BOB);
    expect(got.hubTimestamp).toBe(1_700_000_000_000);
    expect(got.senderLeafIndex).toBe(net.room(b2).members.find((x) => x.clientUri === b1.clientUri)!.leafIndex);
  });

  it('multi-device: removing one client leaves the user a participant', async () => {
    const { net, a1, b1, b2 } = await threeUsers();
    await net.deliver(b1, await net.room(b1).removeOwnClient(b2.clientUri));
    const rs = net.room(a1).roomState;
    expect(rs.participants.find((p) => p.user === BOB)).toMatchObject({ role: 4, active: true });
    expect(net.room(a1).members.map((m) => m.clientUri)).not.toContain(b2.clientUri);
    expect(net.room(a1).members.map((m) => m.clientUri)).toContain(b1.clientUri);
  });

  it('adding one\'s own client: the new device joins and receives', async () => {
    const { net, a1, c1 } = await threeUsers();
    const c2 = await client(net.store, CAROL, '2');
    const kp = await generateKeyPackage(c2);
    await net.deliver(c1, await net.room(c1).addOwnClient(kp.keyPackage), [kp]);
    const m = await net.send(a1, text('hi both carols', ALICE));
    expect((await net.receive(c2, m)).senderUserUri).toBe(ALICE);
    // Adding a client of someone else through addOwnClient is refused.
    const other = await generateKeyPackage(await client(net.store, BOB, '9'));
    await rejects(net.room(c1).addOwnClient(other.keyPackage), 'mls/bad-key-package');
  });

  it('leave: the user proposes, another member commits; the leaver is out of the list and the group', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const { proposals, room } = await net.room(b1).leave();
    await net.deliverProposals(b1, proposals, room);
    await net.deliver(a1, await net.room(a1).commitPending());
    expect(net.room(b1).isMember).toBe(false);
    expect(net.room(b2).isMember).toBe(false);
    expect(net.room(c1).roomState.participants.some((p) => p.user === BOB)).toBe(false);
    const m = await net.send(c1, text('bye bob', CAROL));
    await rejects(net.room(b1).decryptContent(m, { hubTimestamp: 1 }), 'mls/not-member');
  });

  it('group state can be saved and restored (bytes)', async () => {
    const { net, a1, c1 } = await threeUsers();
    const saved = net.room(c1).save();
    const restored = await loadRoom(saved, { verifier: net.store.verifier });
    expect(restored.epoch).toBe(net.room(c1).epoch);
    expect(restored.roomUri).toBe(ROOM);
    const m = await net.send(a1, text('after restore', ALICE));
    expect((await restored.decryptContent(m, { hubTimestamp: 1 })).senderUserUri).toBe(ALICE);
    const out = await restored.update();
    await net.room(a1).processHandshake(out.commit);
    await rejects(loadRoom(new Uint8Array([9, 9, 9]), { verifier: net.store.verifier }), 'mls/bad-state');
  });

  it('a rejected or failed commit leaves the previous state usable: nothing is lost', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    // Carol prepares a commit the hub then rejects; she keeps using her previous room.
    const carolBefore = net.room(c1);
    const pending = await carolBefore.update();
    expect(pending.room.epoch).toBe(carolBefore.epoch + 1n);
    // Meanwhile alice's commit wins at the hub.
    await net.deliver(a1, await net.room(a1).setMetadata({ ...net.room(a1).roomState.metadata!, name: 'Renamed' }));
    expect(net.room(c1).roomState.metadata?.name).toBe('Renamed');
    // A corrupted commit fails without damage.
    const bad = (await net.room(a1).update()).commit.slice();
    bad[bad.length - 5] = (bad[bad.length - 5] ?? 0) ^ 0xff;
    const before = net.room(b1);
    await expect(before.processHandshake(bad)).rejects.toBeInstanceOf(MimiError);
    const m = await net.send(c1, text('all good', CAROL));
    expect((await before.decryptContent(m, { hubTimestamp: 1 })).senderUserUri).toBe(CAROL);
  });

  it('credentials are checked by the caller-supplied verifier; a refused credential is mls/credential-rejected', async () => {
    const store = new TrustStore();
    const a1 = await client(store, ALICE, '1');
    const alice = await createRoom({ identity: a1, roomUri: ROOM, roomState: createRoomState({ preset: 'moderated', creator: ALICE, roomUri: ROOM }), verifier: store.verifier });
    // An impostor claims bob's client URI with its own key: the trust store does not vouch for it.
    const rogue = await client(new TrustStore(), BOB, '1');
    const kp = await generateKeyPackage(rogue);
    await rejects(alice.addParticipant(BOB, 4, [kp.keyPackage]), 'mls/credential-rejected');
    // A joiner whose verifier refuses the room's members refuses the Welcome.
    const b1 = await client(store, BOB, '1');
    const kpb = await generateKeyPackage(b1);
    const out = await alice.addParticipant(BOB, 4, [kpb.keyPackage]);
    await rejects(joinFromWelcome({ welcome: out.welcome!, keyPackage: kpb, verifier: () => false }), 'mls/credential-rejected');
    const bob: MimiRoom = await joinFromWelcome({ welcome: out.welcome!, keyPackage: kpb, verifier: store.verifier });
    expect(bob.members).toHaveLength(2);
    // No verifier, no room.
    await rejects(
      createRoom({ identity: a1, roomUri: ROOM, roomState: createRoomState({ preset: 'moderated', creator: ALICE, roomUri: ROOM }), verifier: undefined as never }),
      'mls/credential-rejected',
    );
  });

  it('handshake messages are PublicMessages and application messages PrivateMessages', async () => {
    const { net, a1 } = await threeUsers();
    const out = await net.room(a1).update();
    expect(decodeMlsMessage(out.commit, 0)![0].wireformat).toBe('mls_public_message');
    const m = await net.send(a1, text('x', ALICE));
    expect(decodeMlsMessage(m, 0)![0].wireformat).toBe('mls_private_message');
    expect(out.welcome).toBeUndefined();
  });
});
