/** Shared fixtures for test/mls: identities, a trust store verifier, and a hub that fans out. */
import { createRoom as createRoomState } from '../../src/room/index.js';
import {
  createClientIdentity,
  createRoom,
  generateKeyPackage,
  joinFromWelcome,
  type ClientIdentity,
  type CredentialVerifier,
  type MimiRoom,
  type CommitOutcome,
  type HandshakeResult,
  type KeyPackageBundle,
} from '../../src/mls/index.js';

export const ROOM = 'mimi://a.example/r/clubhouse';
export const ALICE = 'mimi://a.example/u/alice';
export const BOB = 'mimi://a.example/u/bob';
export const CAROL = 'mimi://b.example/u/carol';

/** A trust store: the provider vouches for (client URI, user URI, signature key) triples it issued. */
export class TrustStore {
  readonly #keys = new Map<string, string>();
  add(id: ClientIdentity): void {
    this.#keys.set(id.clientUri, `${id.userUri} ${Buffer.from(id.signaturePublicKey).toString('hex')}`);
  }
  readonly verifier: CredentialVerifier = (c) =>
    this.#keys.get(c.clientUri) === `${c.userUri} ${Buffer.from(c.signaturePublicKey).toString('hex')}`;
}

export async function client(store: TrustStore, userUri: string, device: string): Promise<ClientIdentity> {
  const local = userUri.split('/u/')[1] ?? 'x';
  const provider = userUri.split('/')[2] ?? 'a.example';
  const id = await createClientIdentity({ userUri, clientUri: `mimi://${provider}/d/${local}/${device}` });
  store.add(id);
  return id;
}

/** A room created by alice (moderated preset: alice is owner). */
export async function aliceRoom(store: TrustStore, alice: ClientIdentity, preset: 'moderated' | 'cooperative' = 'moderated'): Promise<MimiRoom> {
  const roomState = createRoomState({ preset, creator: ALICE, roomUri: ROOM, name: 'Clubhouse' });
  return createRoom({ identity: alice, roomUri: ROOM, roomState, verifier: store.verifier });
}

/** Adds `user` (all given clients) and returns the committer's new room plus the joiners' rooms. */
export async function invite(
  store: TrustStore,
  committer: MimiRoom,
  others: MimiRoom[],
  userUri: string,
  role: number,
  ids: ClientIdentity[],
): Promise<{ committer: MimiRoom; others: MimiRoom[]; joined: MimiRoom[] }> {
  const kps = await Promise.all(ids.map((i) => generateKeyPackage(i)));
  const out = await committer.addParticipant(userUri, role, kps.map((k) => k.keyPackage));
  const nextOthers = await Promise.all(others.map(async (o) => (await o.processHandshake(out.commit)).room));
  const joined = await Promise.all(kps.map((kp) => joinFromWelcome({ welcome: out.welcome!, keyPackage: kp, verifier: store.verifier })));
  return { committer: out.room, others: nextOthers, joined };
}



/** In-memory hub: every client's current room, fan-out of commits, joins from Welcomes. */
export class Net {
  readonly rooms = new Map<string, MimiRoom>();
  readonly ids = new Map<string, ClientIdentity>();
  constructor(readonly store: TrustStore) {}

  room(id: ClientIdentity): MimiRoom {
    const r = this.rooms.get(id.clientUri);
    if (r === undefined) throw new Error(`no room for ${id.clientUri}`);
    return r;
  }

  /** The hub accepted `out` from `from`: the committer adopts it, every other member processes it. */
  async deliver(from: ClientIdentity, out: CommitOutcome, joiners: KeyPackageBundle[] = []): Promise<Map<string, HandshakeResult>> {
    const results = new Map<string, HandshakeResult>();
    for (const [uri, r] of this.rooms) {
      if (uri === from.clientUri || !r.isMember) continue;
      const res = await r.processHandshake(out.commit);
      results.set(uri, res);
      this.rooms.set(uri, res.room);
    }
    this.rooms.set(from.clientUri, out.room);
    for (const kp of joiners) {
      this.rooms.set(kp.clientUri, await joinFromWelcome({ welcome: out.welcome!, keyPackage: kp, verifier: this.store.verifier }));
    }
    return results;
  }

  /** Proposals from `from` are processed by every other member. */
  async deliverProposals(from: ClientIdentity, proposals: Uint8Array[], room: MimiRoom): Promise<void> {
    this.rooms.set(from.clientUri, room);
    for (const p of proposals) {
      for (const [uri, r] of this.rooms) {
        if (uri === from.clientUri || !r.isMember) continue;
        this.rooms.set(uri, (await r.processHandshake(p)).room);
      }
    }
  }

  /** `from` sends content; returns the message bytes. */
  async send(from: ClientIdentity, contentBytes: Uint8Array): Promise<Uint8Array> {
    const { message, room } = await this.room(from).encryptContent(contentBytes);
    this.rooms.set(from.clientUri, room);
    return message;
  }

  /** `to` receives a message (room advanced). */
  async receive(to: ClientIdentity, message: Uint8Array, hubTimestamp = Date.now()): Promise<Awaited<ReturnType<MimiRoom['decryptContent']>>> {
    const r = await this.room(to).decryptContent(message, { hubTimestamp });
    this.rooms.set(to.clientUri, r.room);
    return r;
  }
}

/**
 * alice (super_admin, 1 client), bob (speaker, 2 clients), carol (moderator, b.example, 1 client)
 * in a moderated room created by alice.
 */
export async function threeUsers(): Promise<{ net: Net; a1: ClientIdentity; b1: ClientIdentity; b2: ClientIdentity; c1: ClientIdentity }> {
  const store = new TrustStore();
  const net = new Net(store);
  const a1 = await client(store, ALICE, '1');
  const b1 = await client(store, BOB, '1');
  const b2 = await client(store, BOB, '2');
  const c1 = await client(store, CAROL, '1');
  net.rooms.set(a1.clientUri, await aliceRoom(store, a1));
  let kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
  await net.deliver(a1, await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage)), kps);
  kps = [await generateKeyPackage(c1)];
  await net.deliver(a1, await net.room(a1).addParticipant(CAROL, 5, kps.map((k) => k.keyPackage)), kps);
  return { net, a1, b1, b2, c1 };
}
