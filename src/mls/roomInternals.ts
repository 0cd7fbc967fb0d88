/**
 * Internals shared by the room class, its lifecycle and its handshake processing: the value a room wraps, and
 * the GroupContext extensions that carry the room state (draft-ietf-mimi-protocol §8, draft-ietf-mls-extensions
 * §4.6). Not exported from `mimi-kit/mls`.
 *
 * @module
 */
import type { CiphersuiteImpl, ClientState, Extension, Proposal } from 'ts-mls';
import { encodeAppDataDictionary, type RoomState } from '../room/index.js';
import type { AuthTracker } from './authService.js';
import { keepRequiredComponents, withRequiredComponents } from './components.js';
import { APP_DATA_DICTIONARY_TYPE, requiredCapabilitiesExtension, withRoomData } from './extensions.js';
import type { CredentialVerifier } from './identity.js';

/** How many processed messages a room remembers against replay (decision D11). */
export const SEEN_LIMIT = 4096;

/** Only the room modules may build a room value. */
export const ROOM_TAG: unique symbol = Symbol('MimiRoom');

/** What a room value holds. */
export interface Inner {
  readonly [ROOM_TAG]: true;
  readonly state: ClientState;
  readonly cs: CiphersuiteImpl;
  readonly verifier: CredentialVerifier;
  readonly tracker: AuthTracker;
  readonly retainEpochs: number | undefined;
  readonly roomUri: string;
  readonly seen: readonly string[];
  /**
   * Nonce-reuse guard shared by every room value of one epoch lineage: counts encryptions; a value may
   * encrypt only if no other value of the lineage encrypted after it was derived (decision D13).
   */
  readonly guard: { encrypts: number };
  readonly guardSeen: number;
}

export function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function bytesToBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

/** The GroupContext extensions of a new room. Decision D26: it requires app_components and the room's components. */
export function roomExtensions(state: RoomState): Extension[] {
  return [requiredCapabilitiesExtension(), { extensionType: APP_DATA_DICTIONARY_TYPE, extensionData: encodeAppDataDictionary(withRequiredComponents(state, encodeAppDataDictionary)) }];
}

/** A GroupContextExtensions proposal installing `state`, keeping every other extension as it is (decision D22). */
export function roomChangeProposal(current: readonly Extension[], state: RoomState): Proposal {
  return { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: withRoomData(current, encodeAppDataDictionary(keepRequiredComponents(current, state))) } };
}
