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
