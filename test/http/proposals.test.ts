// HT15 over real HTTPS with real MLS (ts-mls through src/mls): a member leaves by proposals (draft-ietf-mimi-protocol-06
// §5.3, the HandshakeBundle's proposal case), the hub holds and fans them out, another member commits them by
// reference, the hub accepts the commit and every member ends in the same room. Expected rosters are written here
// from the scenario (alice; bob, with two clients, leaves; carol at b.example commits), and the commit's references are read with the
// protocol codecs, not the hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlsUpdateChecker, groupViewOfSnapshot, mlsRoomSnapshot } from '../../src/delivery/index.js';
import { exportGroupInfo, type ClientIdentity } from '../../src/mls/index.js';
import { decodePublicMessage, parseMlsMessage } from '../../src/protocol/index.js';
import { roomStateToJson } from '../../src/room/index.js';
import { ALICE, CAROL, ROOM, threeUsers, type Net } from '../mls/helpers.js';
import { Loopback, startProvider, stopProvider, until, type Provider } from './support.js';

const loop = new Loopback();
let a: Provider;
let b: Provider;
let net: Net;
let ids: { a1: ClientIdentity; b1: ClientIdentity; b2: ClientIdentity; c1: ClientIdentity };
/** Messages a client made itself: it already holds their effect, so it does not process them from the log. */
const own = new Map<string, Set<string>>();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function count(p: Provider): Promise<number> {
  return p.store.transaction(async (tx) => tx.lastSeq(ROOM));
}

/** The client reads its provider's queue in order and processes every handshake message it did not make. */
async function feed(p: Provider, id: ClientIdentity): Promise<string[]> {
  const kinds: string[] = [];
  for (;;) {
    const batch = await p.follower.next(id.clientUri, ROOM, 50);
    if (batch.events.length === 0) return kinds;
    for (const e of batch.events) {
      kinds.push(e.kind);
      if (own.get(id.clientUri)?.has(hex(e.message))) continue;
      const room = net.room(id);
      if (room.isMember) net.rooms.set(id.clientUri, (await room.processHandshake(e.message)).room);
    }
    await p.follower.ack(id.clientUri, ROOM, batch.events.at(-1)!.seq);
  }
}

function mine(id: ClientIdentity, bytes: Uint8Array): void {
  const s = own.get(id.clientUri) ?? new Set<string>();
  s.add(hex(bytes));
  own.set(id.clientUri, s);
}

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

describe('proposals through the hub over HTTPS (HT15)', () => {
  it('a provider may not send proposals of another provider\'s user: notAllowed, nothing held or logged', async () => {
    const { proposals } = await net.room(ids.b1).leave(); // bob is a.example's; the room held is thrown away
    const before = await a.hub!.roomSnapshot(ROOM);
    const r = await b.client.update('a.example', ROOM, { bundle: { kind: 'proposal', proposalOrCommit: parseMlsMessage(proposals[0]!), moreProposals: proposals.slice(1).map(parseMlsMessage) } });
    expect(r.responseCode).toBe('notAllowed');
    expect(await count(a)).toBe(0);
    expect(hex((await a.hub!.roomSnapshot(ROOM)).state)).toBe(hex(before.state));
  });

  it('bob leaves by proposals, carol (another provider) commits them by reference, the hub accepts, every member converges', async () => {
    const { proposals, room } = await net.room(ids.b2).leave();
    expect(proposals.length).toBeGreaterThan(0);
    net.rooms.set(ids.b2.clientUri, room);
    for (const p of proposals) mine(ids.b2, p);
    const r = await a.client.update('a.example', ROOM, { bundle: { kind: 'proposal', proposalOrCommit: parseMlsMessage(proposals[0]!), moreProposals: proposals.slice(1).map(parseMlsMessage) } });
    expect(r.responseCode).toBe('success');
    const n = proposals.length;
    await until([a, b], async () => (await count(b)) === n);
    for (const id of [ids.a1, ids.b1, ids.b2]) expect(await feed(a, id)).toEqual(Array(n).fill('proposal'));
    expect(await feed(b, ids.c1)).toEqual(Array(n).fill('proposal'));

    const out = await net.room(ids.c1).commitPending();
    // The commit cites every proposal by reference (RFC 9420 §12.4): without the hub holding them it would be invalidProposal.
    const cited = decodePublicMessage(out.commit).commit!.proposals;
    expect(cited.map((p) => p.kind)).toEqual(Array(n).fill('reference'));
    mine(ids.c1, out.commit);
    const groupInfo = await exportGroupInfo(out.room);
    const res = await b.client.update('a.example', ROOM, {
      bundle: { kind: 'commit', proposalOrCommit: parseMlsMessage(out.commit), groupInfoOption: { representation: 'full', groupInfo }, ratchetTreeOption: { representation: 'outOfBand' } },
    });
    expect(res.responseCode).toBe('success');
    net.rooms.set(ids.c1.clientUri, out.room);
    await until([a, b], async () => (await count(b)) === n + 1);
    for (const id of [ids.a1, ids.b1, ids.b2]) expect(await feed(a, id)).toEqual(['commit']);
    expect(await feed(b, ids.c1)).toEqual(['commit']);

    const views = [ids.a1, ids.c1].map((id) => roomStateToJson(net.room(id).roomState));
    expect(views[1]).toEqual(views[0]);
    expect(net.room(ids.a1).roomState.participants.filter((p) => p.active !== false).map((p) => p.user)).toEqual([ALICE, CAROL]);
    expect(net.room(ids.b1).isMember).toBe(false);
    expect(net.room(ids.b2).isMember).toBe(false);
    const snap = await a.hub!.roomSnapshot(ROOM);
    expect([...snap.members].sort()).toEqual([ALICE, CAROL].sort());
    expect(roomStateToJson(groupViewOfSnapshot(snap).state)).toEqual(views[0]);
    expect(snap.epoch).toBe(Number(net.room(ids.a1).epoch));
    expect(net.room(ids.c1).epoch).toBe(net.room(ids.a1).epoch);
  }, 60_000);
});
