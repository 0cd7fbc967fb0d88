/**
 * MIMI rooms as MLS groups (RFC 9420, draft-ietf-mimi-protocol §3.2 and §8): the adapter over ts-mls, one
 * module per seam — client identities (`clientIdentity.ts`), key packages (`keyPackages.ts`), the
 * authentication service (`authService.ts`), the room lifecycle (`lifecycle.ts`: create, join, load), handshake
 * processing (`handshake.ts`, checks in `handshakeChecks.ts` and `mimi-kit/room`'s commit check through
 * `policy.ts`) and the {@link MimiRoom} class (`mimiRoom.ts`). This module gathers what `mimi-kit/mls` exports.
 *
 * @module
 */
import { APP_DATA_DICTIONARY_TYPE } from './extensions.js';

/**
 * draft-ietf-mls-extensions §4.6: the app_data_dictionary GroupContext extension type (suggested value
 * 0x0006) carrying the room state.
 *
 * @example
 * ```ts
 * APP_DATA_DICTIONARY; // 6
 * ```
 */
export const APP_DATA_DICTIONARY = APP_DATA_DICTIONARY_TYPE;

export { ClientIdentity, createClientIdentity } from './clientIdentity.js';
export { KeyPackageBundle, generateKeyPackage, inspectKeyPackage } from './keyPackages.js';
export { MimiRoom, commitRequiresPath } from './mimiRoom.js';
export { createRoom, joinFromWelcome, loadRoom } from './lifecycle.js';
export type { CommitOutcome, DecryptedContent, HandshakeResult, RoomMember, RoomOptions } from './roomTypes.js';
