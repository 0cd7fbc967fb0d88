/**
 * The page's counterparts in a live room (Node): Alice, who creates the room at her provider a.example (its
 * hub), and Carol, also at a.example. Each is the same {@link ChatClient} over the same
 * {@link ProviderTransport} as the page, talking to a.example's local client API; the page's user (Bob at
 * b.example) is added once his key package, published by the page at b.example, can be claimed over MIMI.
 *
 * @module
 */
import { generateKeyPairSync } from 'node:crypto';
import { LocalApiClient } from '../../src/provider/client.js';
import { createClientIdentity, createRoom as createMlsRoom, encodeClientIdentity, inspectKeyPackage, type ClientIdentity } from 'mimi-kit/mls';
import { basicCredential, encodeKeyMaterialRequest, signKeyMaterialRequest } from 'mimi-kit/protocol';
import { createRoom, roomStateToJson } from 'mimi-kit/room';
import { ChatClient } from './src/client.js';
import { ProviderApi } from './src/providerApi.js';
import { ProviderTransport, exampleVerifier } from './src/providerTransport.js';

/** The live room and its users. */
export const LIVE_ROOM = 'mimi://a.example/r/engineering';
export const ALICE = 'mimi://a.example/u/alice';
export const CAROL = 'mimi://a.example/u/carol';
/** The page's user and client. */
export const BOB = 'mimi://b.example/u/bob';
export const BOB_CLIENT = 'mimi://b.example/d/bob/browser';
/** draft-ietf-mimi-room-policy §A.1 cooperative preset: role 2 is an ordinary participant. */
const ORDINARY = 2;

/** Alice and Carol, ready. */
export interface RemoteRoom {
  readonly roomId: string;
  readonly alice: ChatClient;
  readonly carol: ChatClient;
  /**
   * Claims the user's key packages through a.example (over MIMI for a user elsewhere) until one is there and
   * adds the user's clients; the hub routes the commit's Welcome to their provider (HT16).
   * @returns the client URIs added
   */
  addUser(user: string, timeoutMs?: number): Promise<string[]>;
  /**
   * Keeps adding the user's new clients (each page load is a new client) until {@link RemoteRoom.close}.
   * @returns when stopped
   */
  watchUser(user: string, onAdded?: (clients: readonly string[]) => void): Promise<void>;
  /** Plays a short history: a message, its edit, a reply, a reaction, a deleted message. */
  playHistory(): Promise<void>;
  /** Alice answers every new message of the given user with a reply (off by default). */
  autoAnswer(user: string | undefined): void;
  /** Stops polling. */
  close(): void;
}

async function device(user: string, name: string): Promise<{ id: ClientIdentity; signKey: Uint8Array }> {
  const [, , host, , local] = user.split('/');
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const signatureKeys = { signKey: new Uint8Array(Buffer.from(jwk.d!, 'base64url')), publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) };
  const id = await createClientIdentity({ userUri: user, clientUri: `mimi://${host}/d/${local}/${name}`, signatureKeys });
  return { id, signKey: signatureKeys.signKey };
}

/** Resolves once `client` has the message `hex` in its conversation. */
function seen(client: ChatClient, hex: Promise<string>): Promise<string> {
  return hex.then(
    (id) =>
      new Promise((resolve) => {
        if (client.conversation.view().entries.some((e) => e.id === id || e.versionId === id)) return resolve(id);
        const stop = client.onChange((e) => {
          if (e.type === 'message' && e.id === id) {
            stop();
            resolve(id);
          }
        });
      }),
  );
}

/**
 * Creates the room at a.example with Alice (the creator) and Carol, both polling a.example.
 *
 * @param options - a.example's local API URL and token
 * @returns the room's members on a.example
 * @example
 * ```ts
 * const room = await startRemoteRoom({ url: a.localUrl, token });
 * await room.addUser(BOB); // the page at b.example finds the Welcome at its provider
 * await room.playHistory();
 * ```
 */
export async function startRemoteRoom(options: { url: string; token: string; pollMs?: number; roomId?: string }): Promise<RemoteRoom> {
  const roomId = options.roomId ?? LIVE_ROOM;
  const hubApi = new LocalApiClient({ url: options.url, token: options.token });
  const api = new ProviderApi({ url: options.url, token: options.token });
  const [a, c] = [await device(ALICE, 'laptop'), await device(CAROL, 'laptop')];
  const state = createRoom({
    preset: 'cooperative',
    creator: ALICE,
    creatorProfile: { displayName: 'Alice' },
    roomUri: roomId,
    name: 'Engineering',
    members: [
      { user: CAROL, role: ORDINARY, profile: { displayName: 'Carol' } },
      { user: BOB, role: ORDINARY, profile: { displayName: 'Bob' } },
    ],
  });
  const created = await createMlsRoom({ identity: a.id, roomUri: roomId, roomState: state, verifier: exampleVerifier });
  const group = created.groupView();
  await hubApi.createRoom({ roomId: roomId, epoch: Number(created.epoch), roomState: roomStateToJson(group.state), members: group.members, extensions: group.extensions });
  const pollMs = options.pollMs ?? 50;
  const aliceT = new ProviderTransport({ api, userUri: ALICE, clientUri: a.id.clientUri, identity: a.id, pollMs });
  aliceT.attach(created);
  const alice = new ChatClient(aliceT, roomId);
  await alice.start();

  // Carol joins like the page does: her Welcome is held for her by her provider (a.example, the hub itself).
  const carolT = new ProviderTransport({ api, userUri: CAROL, clientUri: c.id.clientUri, identity: c.id, pollMs });
  const carol = new ChatClient(carolT, roomId);
  const carolJoined = carol.start();
  const claim = async (user: string, deadline: number): Promise<Uint8Array[]> => {
    for (;;) {
      // draft-ietf-mimi-protocol-06 §5.2: the requesting client signs its KeyMaterialRequest; a.example sends it on.
      const remote = !user.startsWith('mimi://a.example/');
      const request = remote
        ? encodeKeyMaterialRequest(
            signKeyMaterialRequest(
              {
                requestingUser: ALICE,
                targetUser: user,
                roomId: roomId,
                acceptableCiphersuites: [1],
                requiredCapabilities: { extensionTypes: [], proposalTypes: [], credentialTypes: [] },
                requesterSignatureKey: a.id.signaturePublicKey,
                requesterCredential: basicCredential(encodeClientIdentity(ALICE, a.id.clientUri)),
              },
              1,
              a.signKey,
            ),
          )
        : undefined;
      const got = await hubApi.claimKeyPackages(user, request).then(
        (r) => r.clients.flatMap((k) => (k.clientStatus === 'success' ? [{ client: k.clientUri, kp: k.keyPackage }] : [])),
        () => [],
      );
      if (got.length > 0) return got.map((g) => g.kp);
      if (Date.now() > deadline) throw new Error(`no key package of ${user} could be claimed`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const addUser = async (user: string, timeoutMs = 60_000): Promise<string[]> => {
    const kps = await claim(user, Date.now() + timeoutMs);
    const clients = kps.map((kp) => inspectKeyPackage(kp).clientUri);
    await aliceT.commit((r) => r.addClients(kps)); // with its Welcome, which the hub routes
    return clients;
  };
  // Carol's key package, published by her transport at a.example, claimed there by Alice.
  await addUser(CAROL);
  await carolJoined;

  let answering: string | undefined;
  const replies = ['Noted, thanks!', 'Sounds good.', 'Got it.'];
  let turn = 0;
  alice.onChange((e) => {
    if (e.type === 'message' && e.kind === 'message' && e.sender === answering) void alice.reply(e.id, replies[turn++ % replies.length]!).catch(() => undefined);
  });

  let closed = false;
  return {
    roomId,
    alice,
    carol,
    addUser,
    async watchUser(user, onAdded) {
      while (!closed) {
        await addUser(user, 1000).then(onAdded, () => undefined);
      }
    },
    async playHistory() {
      const plan = await seen(carol, alice.send('Morning! The **planning** meeting moves to 3 pm.'));
      await seen(carol, alice.edit(plan, 'Morning! The **planning** meeting moves to 3:30 pm.'));
      await seen(alice, carol.reply(plan, 'Works for me. I will book the room.'));
      await seen(alice, carol.toggleReaction(plan, '👍'));
      const oops = await seen(alice, carol.send('Wrong room, sorry.'));
      await seen(alice, carol.remove(oops));
    },
    autoAnswer(user) {
      answering = user;
    },
    close() {
      closed = true;
      aliceT.close();
      carolT.close();
    },
  };
}
