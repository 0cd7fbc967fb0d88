// HT16 over real HTTPS with real MLS: an accepted commit's Welcome goes from the hub to the provider of the joining
// client only (draft-ietf-mimi-protocol-06 §5.6), which keeps it for that client; the client joins with it, starts
// reading after the commit that added it, and follows the room from there. The joiner's identity and provider are
// the scenario's own (dave, b.example), not read from the code under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlsUpdateChecker, Namespace, mlsRoomSnapshot } from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';
import { exportGroupInfo, generateKeyPackage, joinFromWelcome, type ClientIdentity, type CommitOutcome } from '../../src/mls/index.js';
import { parseMlsMessage } from '../../src/protocol/index.js';
import { roomStateToJson } from '../../src/room/index.js';
import { ROOM, client, threeUsers, type Net } from '../mls/helpers.js';
import { Loopback, startProvider, stopProvider, until, type Provider } from './support.js';

const DAVE = 'mimi://b.example/u/dave';
const loop = new Loopback();
let a: Provider;
let b: Provider;
let net: Net;
let ids: { a1: ClientIdentity; b1: ClientIdentity; b2: ClientIdentity; c1: ClientIdentity };
let realWelcome: Uint8Array | undefined;
const hex = (x: Uint8Array): string => Buffer.from(x).toString('hex');

async function commitOverHttps(out: CommitOutcome): Promise<string> {
  const groupInfo = await exportGroupInfo(out.room);
  // HandshakeBundle.welcome is the bare Welcome (Protocol PR6): the 4-byte MLSMessage header goes.
  const welcome = out.welcome === undefined ? {} : { welcome: out.welcome.subarray(4) };
  const r = await a.client.update('a.example', ROOM, {
    bundle: { kind: 'commit', proposalOrCommit: parseMlsMessage(out.commit), ...welcome, groupInfoOption: { representation: 'full', groupInfo }, ratchetTreeOption: { representation: 'outOfBand' } },
  });
  return r.responseCode;
}

const queued = async (): Promise<number> => a.store.transaction(async (tx) => (await tx.keys(Namespace.welcomeOut)).length);

beforeAll(async () => {
  const u = await threeUsers();
  net = u.net;
  ids = u;
  const checker = new MlsUpdateChecker();
  a = await startProvider({ domain: 'a.example', net: loop, hub: true, checker });
  b = await startProvider({ domain: 'b.example', net: loop, checker });
  const room = net.room(u.a1);
  await a.hub!.createRoom(ROOM, mlsRoomSnapshot(room.groupView(), Number(room.epoch), await exportGroupInfo(room)));
}, 60_000);

afterAll(async () => {
  await stopProvider(b);
  await stopProvider(a);
});

describe('Welcome routing over HTTPS (HT16)', () => {
  it('reaches only the joining client at its provider; it joins and follows the room from the commit on', async () => {
    const d1 = await client(net.store, DAVE, '1');
    const kp = await generateKeyPackage(d1);
    const out = await net.room(ids.a1).addParticipant(DAVE, 4, [kp.keyPackage]);
    expect(parseMlsMessage(out.welcome!).wireFormat).toBe('mlsWelcome');
    realWelcome = out.welcome;
    expect(await commitOverHttps(out)).toBe('success');
    net.rooms.set(ids.a1.clientUri, out.room);
    await until([a, b], async () => (await b.follower.welcomes(d1.clientUri)).length === 1 && (await queued()) === 0);
    const [w] = await b.follower.welcomes(d1.clientUri);
    // The commit is the room log's first event here (the hub's room was created at the current epoch).
    expect(w).toMatchObject({ roomId: ROOM, hub: 'a.example', seq: 1 });
    expect(hex(w!.welcome)).toBe(hex(out.welcome!));
    // Nobody else holds it: not carol at the same provider, not the hub's own clients.
    expect(await b.follower.welcomes(ids.c1.clientUri)).toEqual([]);
    expect(await a.follower.welcomes(ids.b1.clientUri)).toEqual([]);
    expect(await a.store.transaction(async (tx) => tx.keys(Namespace.welcome))).toEqual([]);

    const joined = await joinFromWelcome({ welcome: w!.welcome, keyPackage: kp, verifier: net.store.verifier });
    net.rooms.set(d1.clientUri, joined);
    expect(await b.follower.acceptWelcome(d1.clientUri, ROOM)).toBe(1);
    expect(await b.follower.welcomes(d1.clientUri)).toEqual([]);
    expect(roomStateToJson(joined.roomState)).toEqual(roomStateToJson(net.room(ids.a1).roomState));

    // The next commit reaches dave through his provider's queue, and only what follows his Welcome.
    const next = await net.room(ids.a1).update();
    expect(await commitOverHttps(next)).toBe('success');
    net.rooms.set(ids.a1.clientUri, next.room);
    await until([a, b], async () => (await b.store.transaction(async (tx) => tx.lastSeq(ROOM))) === 2);
    const batch = await b.follower.next(d1.clientUri, ROOM);
    expect(batch.events.map((e) => [e.seq, e.kind])).toEqual([[2, 'commit']]);
    net.rooms.set(d1.clientUri, (await net.room(d1).processHandshake(batch.events[0]!.message)).room);
    expect(net.room(d1).epoch).toBe(net.room(ids.a1).epoch);
  }, 60_000);

  it('a Welcome naming a client of another provider is refused (http/misdirected) and nothing is held', async () => {
    const err = await a.client.welcome('b.example', { hub: 'a.example', roomId: ROOM, seq: 9, hubTime: 1, clients: ['mimi://c.example/d/x/1'], welcome: realWelcome! }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MimiError);
    expect((err as MimiError).code).toBe('http/misdirected');
    expect(await b.follower.welcomes('mimi://c.example/d/x/1')).toEqual([]);
  });
});
