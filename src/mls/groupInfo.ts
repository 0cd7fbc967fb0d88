/**
 * The GroupInfo of a room's current epoch (RFC 9420 §12.4.3), signed by this client, without the
 * ratchet_tree extension: what a committer puts in the MIMI update's HandshakeBundle.groupInfoOption
 * (draft-ietf-mimi-protocol-06 §5.3) so that the hub can serve it to joiners.
 *
 * @module
 */
import type { ClientState } from 'ts-mls';
import { createGroupInfo } from 'ts-mls/createCommit.js';
import { encodeGroupInfo } from 'ts-mls/groupInfo.js';
import type { CryptoProvider } from 'ts-mls';
import { mimiSuite } from './suite.js';
import type { MimiRoom } from './mimiRoom.js';

/**
 * Exports the room's GroupInfo for its current epoch, as bare RFC 9420 GroupInfo bytes (not an MLSMessage).
 *
 * @param room - the room, after the commit was applied (e.g. `CommitOutcome.room`)
 * @param options - optional `cryptoProvider` (default: the platform's)
 * @returns the encoded GroupInfo
 * @example
 * ```ts
 * const out = await room.changeRole(carol, 5);
 * const groupInfo = await exportGroupInfo(out.room); // HandshakeBundle.groupInfoOption.groupInfo
 * ```
 */
export async function exportGroupInfo(room: MimiRoom, options: { cryptoProvider?: CryptoProvider } = {}): Promise<Uint8Array> {
  const state = room.internalState as ClientState;
  const cs = await mimiSuite(options.cryptoProvider);
  // RFC 9420 §12.4.3: GroupInfo = GroupContext, extensions, confirmation_tag, signer, signature.
  return encodeGroupInfo(await createGroupInfo(state.groupContext, state.confirmationTag, state, [], cs));
}
