/** Receiver checks beyond the headline properties. */
import { describe, expect, it } from 'vitest';
import { createCommit, createProposal, decodeMlsMessage, encodeMlsMessage, type ClientState, type KeyPackage } from 'ts-mls';
import { encodeContent, plainText } from '../../src/content/index.js';
import { MimiError } from '../../src/errors.js';
import { APP_DATA_DICTIONARY, createRoom, generateKeyPackage } from '../../src/mls/index.js';
import { mimiSuite } from '../../src/mls/suite.js';
import { createRoom as createRoomState, encodeAppDataDictionary } from '../../src/room/index.js';
import { ALICE, BOB, ROOM, client, threeUsers } from './helpers.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
  return 'accepted';
}

function rawKeyPackage(bytes: Uint8Array): KeyPackage {
  const m = decodeMlsMessage(bytes, 0)![0];
  if (m.wireformat !== 'mls_key_package') throw new Error('not a key package');
  return m.keyPackage;
}

describe('mls receiver checks', () => {
  it('a commit lacking the UpdatePath RFC 9420 requires is refused with mls/path-missing', async () => {
    const { net, a1, c1 } = await threeUsers();
    // ts-mls 1.6.4 createCommit makes exactly such a commit (GroupContextExtensions only, no path).
    const state = net.room(c1).internalState as ClientState;
    const rs = net.room(c1).roomState;
    const extensions = state.groupContext.extensions.map((e) =>
      e.extensionType === APP_DATA_DICTIONARY ? { ...e, extensionData: encodeAppDataDictionary({ ...rs, metadata: { ...rs.metadata!, subject: 'x' } }) } : e,
    );
    const res = await createCommit(
      { state, cipherSuite: await mimiSuite() },
      { extraProposals: [{ proposalType: 'group_context_extensions', groupContextExtensions: { extensions } }], wireAsPublicMessage: true },
    );
    const before = net.room(a1);
    expect(await code(before.processHandshake(encodeMlsMessage(res.commit)))).toBe('mls/path-missing');
    expect(net.room(a1)).toBe(before);
  });

  it('added clients must belong to participants; a client URI is in the group once', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    const mallory = await client(net.store, 'mimi://m.example/u/mallory', '1');
    const kp = await generateKeyPackage(mallory);
    const forged = await net.room(c1).commitWith([{ proposalType: 'add', add: { keyPackage: rawKeyPackage(kp.keyPackage) } }], undefined, { authorize: false });
    const e = (await net.room(a1).processHandshake(forged.commit).catch((x: unknown) => x)) as MimiError;
    expect(e.code).toBe('mls/policy-refused');
    expect(e.details?.refusal).toMatchObject({ code: 'room/not-participant' });
    // A second leaf for an existing client URI (same URI, new key) is refused.
    const again = await client(net.store, BOB, '1');
    const kp2 = await generateKeyPackage(again);
    const dup = await net.room(b1).commitWith([{ proposalType: 'add', add: { keyPackage: rawKeyPackage(kp2.keyPackage) } }], undefined, { authorize: false });
    const e2 = (await net.room(a1).processHandshake(dup.commit).catch((x: unknown) => x)) as MimiError;
    expect(e2.details?.refusal).toMatchObject({ code: 'room/duplicate-client' });
  });

  it('messages for another group, from a future epoch, or encrypted twice from one room value are refused', async () => {
    const { net, a1, c1 } = await threeUsers();
    const other = await createRoom({
      identity: a1,
      roomUri: 'mimi://a.example/r/other',
      roomState: createRoomState({ preset: 'moderated', creator: ALICE, roomUri: 'mimi://a.example/r/other' }),
      verifier: net.store.verifier,
    });
    const { message } = await other.encryptContent(encodeContent(plainText('x', { senderUri: ALICE })));
    expect(await code(net.room(c1).decryptContent(message, { hubTimestamp: 1 }))).toBe('mls/wrong-group');
    // Nonce-reuse guard (D13): a stale value of the room, or one derived from it, cannot encrypt again.
    const r = net.room(a1);
    const fromCarol = await net.room(c1).encryptContent(encodeContent(plainText('hi', { senderUri: 'mimi://b.example/u/carol' })));
    const derived = (await r.decryptContent(fromCarol.message, { hubTimestamp: 1 })).room;
    const one = await r.encryptContent(encodeContent(plainText('one', { senderUri: ALICE, roomUri: ROOM })));
    expect(await code(r.encryptContent(encodeContent(plainText('two', { senderUri: ALICE, roomUri: ROOM }))))).toBe('mls/bad-state');
    expect(await code(derived.encryptContent(encodeContent(plainText('two', { senderUri: ALICE, roomUri: ROOM }))))).toBe('mls/bad-state');
    await one.room.encryptContent(encodeContent(plainText('two', { senderUri: ALICE, roomUri: ROOM })));
    const pending = await net.room(c1).update();
    const { message: future } = await pending.room.encryptContent(encodeContent(plainText('future', { senderUri: 'mimi://b.example/u/carol' })));
    expect(await code(net.room(a1).decryptContent(future, { hubTimestamp: 1 }))).toBe('mls/wrong-epoch');
    // Handshake messages must be PublicMessages.
    expect(await code(net.room(a1).processHandshake(future))).toBe('mls/bad-message');
    expect(await code(net.room(a1).processHandshake(new Uint8Array([1, 2, 3])))).toBe('mls/bad-message');
  });

  it('an unauthorized proposal is refused on receipt, so it cannot poison later commits', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    const state = net.room(b1).internalState as ClientState;
    const rs = net.room(b1).roomState;
    const promoted = encodeAppDataDictionary({ ...rs, participants: rs.participants.map((p) => (p.user === BOB ? { ...p, role: 6 } : p)) });
    const extensions = state.groupContext.extensions.map((e) => (e.extensionType === APP_DATA_DICTIONARY ? { ...e, extensionData: promoted } : e));
    const { message } = await createProposal(state, true, { proposalType: 'group_context_extensions', groupContextExtensions: { extensions } }, await mimiSuite());
    for (const who of [a1, c1]) {
      const e = (await net.room(who).processHandshake(encodeMlsMessage(message)).catch((x: unknown) => x)) as MimiError;
      expect(e.code).toBe('mls/policy-refused');
      expect(net.room(who).pendingProposals).toBe(0);
    }
    // alice's next commit is unaffected.
    await net.deliver(a1, await net.room(a1).update());
  });
});
