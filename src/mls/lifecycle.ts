/**
 * A room's lifecycle (RFC 9420 §11, §12.4.3.1): creating the group with the room state in its GroupContext,
 * joining from a Welcome (with the checks a joiner makes of the tree and the room), and restoring a saved room.
 *
 * @module
 */
import { createGroup, decodeGroupState, type ClientState, type CryptoProvider } from 'ts-mls';
import { ROLE_BANNED, type RoomState } from '../room/index.js';
import { makeConfig, mapError } from './authService.js';
import { credentialOf, type ClientIdentity } from './clientIdentity.js';
import { checkComponentsUnderstood, checkLeafComponents, componentsOf } from './components.js';
import { mlsError } from './errors.js';
import type { CredentialVerifier } from './identity.js';
import { joinFromWelcomeFast } from './join.js';
import { decodeMessage, keyPackageSecrets, makeKeyPackage, type KeyPackageBundle } from './keyPackages.js';
import { checkLeafLifetime, nowSeconds } from './lifetime.js';
import { MimiRoom } from './mimiRoom.js';
import { roomExtensions, ROOM_TAG } from './roomInternals.js';
import type { RoomOptions } from './roomTypes.js';
import { decodeSavedRoom } from './savedState.js';
import { mimiSuite } from './suite.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Creates a room: a new MLS group whose GroupContext carries the room state (app_data_dictionary,
 * draft-ietf-mimi-protocol §8) with this client as the only member.
 *
 * @param options - the creating client's identity, the room URI, the initial room state (the creator
 *   must be a participant), the credential verifier, optional `retainEpochs` and `cryptoProvider`
 * @returns the room
 * @throws {@link MimiError} `mls/bad-uri`, `mls/bad-state` (creator not a participant, metadata of
 *   another room), `mls/credential-rejected`
 * @example
 * ```ts
 * const room = await createRoom({ identity: alice1, roomUri, roomState: createRoom(...), verifier });
 * ```
 */
export async function createRoom(options: {
  identity: ClientIdentity;
  roomUri: string;
  roomState: RoomState;
  verifier: CredentialVerifier;
  retainEpochs?: number;
  cryptoProvider?: CryptoProvider;
}): Promise<MimiRoom> {
  const { identity, roomUri, roomState, verifier } = options;
  const parsed = /^mimi:\/\/[^/]+\/r\/.+$/.test(roomUri);
  if (!parsed) throw mlsError('mls/bad-uri', `not a mimi room URI: ${roomUri}`);
  const me = roomState.participants.find((p) => p.user === identity.userUri);
  if (me === undefined || me.role === 0 || me.role === ROLE_BANNED) throw mlsError('mls/bad-state', 'the creator must be a participant');
  if (roomState.metadata !== undefined && roomState.metadata.roomUri !== '' && roomState.metadata.roomUri !== roomUri) {
    throw mlsError('mls/room-mismatch', 'room metadata names another room');
  }
  const cs = await mimiSuite(options.cryptoProvider);
  const { config, tracker } = makeConfig(verifier, options.retainEpochs);
  const ok = await config.authService.validateCredential(credentialOf(identity), identity.signaturePublicKey);
  if (!ok) throw mlsError('mls/credential-rejected', 'the verifier refused the creator credential', { ...tracker.rejected });
  const { pub, priv } = await makeKeyPackage(identity, options.cryptoProvider);
  let state: ClientState;
  try {
    state = await createGroup(utf8.encode(roomUri), pub, priv, roomExtensions(roomState), cs, config);
  } catch (e) {
    throw mapError(e, tracker, 'mls/bad-message');
  }
  return new MimiRoom({ [ROOM_TAG]: true, state, cs, verifier, tracker, retainEpochs: options.retainEpochs, roomUri, seen: [], guard: { encrypts: 0 }, guardSeen: 0 });
}

function checkJoinedState(room: MimiRoom, state: ClientState): void {
  // Decision D23: no leaf with a lifetime beyond the maximum (not re-checked against the clock: a member's
  // key-package leaf stays until it updates).
  const now = nowSeconds();
  for (const n of state.ratchetTree) if (n?.nodeType === 'leaf') checkLeafLifetime(n.leaf, { now, current: false });
  // Decision D26: a room requiring components we do not understand, or a member not advertising them, is refused;
  // decision D25: external_senders must decode as the RFC 9420 §12.1.8.1 list.
  const required = componentsOf(state.groupContext.extensions);
  checkComponentsUnderstood(required);
  for (const n of state.ratchetTree) if (n?.nodeType === 'leaf') checkLeafComponents(required, n.leaf);
  void room.externalSenders;
  const rs = room.roomState;
  for (const m of room.members) {
    const role = rs.participants.find((p) => p.user === m.userUri)?.role ?? 0;
    if (role === 0 || role === ROLE_BANNED) throw mlsError('mls/bad-state', `member ${m.clientUri} is not an allowed participant`);
  }
}

/**
 * Joins a room from a Welcome (RFC 9420 §12.4.3.1); the ratchet tree travels in the Welcome.
 *
 * @param options - the Welcome bytes, the key package bundle it was made for, the verifier, optional
 *   `retainEpochs` and `cryptoProvider`
 * @returns the room
 * @throws {@link MimiError} `mls/bad-message`, `mls/decrypt-failed` (not for this key package),
 *   `mls/credential-rejected`, `mls/bad-state` (room state inconsistent with the members)
 * @example
 * ```ts
 * const bobRoom = await joinFromWelcome({ welcome, keyPackage: bob1Kp, verifier });
 * ```
 */
export async function joinFromWelcome(options: {
  welcome: Uint8Array;
  keyPackage: KeyPackageBundle;
  verifier: CredentialVerifier;
  retainEpochs?: number;
  cryptoProvider?: CryptoProvider;
}): Promise<MimiRoom> {
  const msg = decodeMessage(options.welcome);
  if (msg.wireformat !== 'mls_welcome') throw mlsError('mls/bad-message', `expected a Welcome, got ${msg.wireformat}`);
  const secrets = keyPackageSecrets(options.keyPackage);
  if (secrets === undefined) throw mlsError('mls/bad-key-package', 'not a KeyPackageBundle from generateKeyPackage');
  const cs = await mimiSuite(options.cryptoProvider);
  const { config, tracker } = makeConfig(options.verifier, options.retainEpochs);
  let state: ClientState;
  try {
    state = await joinFromWelcomeFast(msg.welcome, secrets.pub, secrets.priv, cs, config);
  } catch (e) {
    throw mapError(e, tracker, 'mls/decrypt-failed');
  }
  let roomUri: string;
  try {
    roomUri = fromUtf8.decode(state.groupContext.groupId);
  } catch (e) {
    throw mlsError('mls/bad-state', 'group_id is not a room URI', undefined, e);
  }
  const room = new MimiRoom({ [ROOM_TAG]: true, state, cs, verifier: options.verifier, tracker, retainEpochs: options.retainEpochs, roomUri, seen: [], guard: { encrypts: 0 }, guardSeen: 0 });
  checkJoinedState(room, state);
  return room;
}

/**
 * Restores a room saved with {@link MimiRoom.save}.
 *
 * @param bytes - the saved bytes
 * @param options - the verifier (not serialized), retention and crypto provider
 * @returns the room
 * @throws {@link MimiError} `mls/bad-state` for bytes that are not a saved room
 * @example
 * ```ts
 * const again = await loadRoom(saved, { verifier });
 * ```
 */
export async function loadRoom(bytes: Uint8Array, options: RoomOptions): Promise<MimiRoom> {
  const { roomUri, seen, group } = decodeSavedRoom(bytes);
  let decoded;
  try {
    decoded = decodeGroupState(group, 0);
  } catch (e) {
    throw mlsError('mls/bad-state', 'not a saved room: group state', undefined, e);
  }
  if (decoded === undefined || decoded[1] !== group.length) throw mlsError('mls/bad-state', 'not a saved room: group state');
  const cs = await mimiSuite(options.cryptoProvider);
  const { config, tracker } = makeConfig(options.verifier, options.retainEpochs);
  // ts-mls.md §2.1: clientConfig is not serialized; re-attach it.
  const state: ClientState = { ...decoded[0], clientConfig: config };
  return new MimiRoom({ [ROOM_TAG]: true, state, cs, verifier: options.verifier, tracker, retainEpochs: options.retainEpochs, roomUri, seen: [...seen], guard: { encrypts: 0 }, guardSeen: 0 });
}
