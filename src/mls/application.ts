/**
 * Application messages (RFC 9420 §6.3 PrivateMessage) of a room on receipt: sender authentication (sender data,
 * D11), replay and retention-window checks (D8), and the content checks against the sending client's credential
 * (draft-ietf-mimi-content §2.3, D15).
 *
 * @module
 */
import { createApplicationMessage, emptyPskIndex, encodeMlsMessage, processPrivateMessage, type ClientState } from 'ts-mls';
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeContent, messageId } from '../content/index.js';
import { mapError } from './authService.js';
import { mlsError } from './errors.js';
import { decodeMessage } from './keyPackages.js';
import { membersOf } from './policy.js';
import { hex, SEEN_LIMIT, type Inner } from './roomInternals.js';
import type { DecryptedContent } from './roomTypes.js';

/** What decryption produced, before it becomes a room value. */
export type Decrypted = Omit<DecryptedContent, 'room'> & { readonly state: ClientState; readonly seen: readonly string[] };

/**
 * Decrypts and checks an application message for the room value `i`.
 *
 * @param i - the room
 * @param isMember - whether this client is still a member
 * @param bytes - the MLSMessage (PrivateMessage)
 * @param options - the hub timestamp
 * @returns the content and the new state
 * @throws {@link MimiError} see `MimiRoom.decryptContent`
 */
export async function decryptApplication(i: Inner, isMember: boolean, bytes: Uint8Array, options: { hubTimestamp: number }): Promise<Decrypted> {
    const { state, cs, tracker } = i;
    const msg = decodeMessage(bytes);
    if (msg.wireformat !== 'mls_private_message') throw mlsError('mls/bad-message', `expected a PrivateMessage, got ${msg.wireformat}`);
    const pm = msg.privateMessage;
    if (hex(pm.groupId) !== hex(state.groupContext.groupId)) throw mlsError('mls/wrong-group', 'message for another group');
    const digest = hex(sha256(bytes));
    if (i.seen.includes(digest)) throw mlsError('mls/replay', 'message already processed');
    if (!isMember) throw mlsError('mls/not-member', 'this client is no longer a member of the room');
    if (pm.contentType !== 'application') throw mlsError('mls/bad-message', 'handshake messages must be PublicMessages');
    const current = state.groupContext.epoch;
    if (pm.epoch > current) throw mlsError('mls/wrong-epoch', `message from future epoch ${pm.epoch}`, { epoch: pm.epoch.toString() });
    const hist = pm.epoch < current ? state.historicalReceiverData.get(pm.epoch) : undefined;
    if (pm.epoch < current && hist === undefined) {
      throw mlsError('mls/epoch-too-old', `message from epoch ${pm.epoch} is beyond the retention window`, { epoch: pm.epoch.toString() });
    }
    const senderDataSecret = hist?.senderDataSecret ?? state.keySchedule.senderDataSecret;
    const tree = hist?.ratchetTree ?? state.ratchetTree;
    let senderData;
    try {
      senderData = await decryptSenderData(pm, senderDataSecret, cs);
    } catch {
      senderData = undefined;
    }
    // RFC 9420 §6.3.2: only members of the epoch hold sender_data_secret.
    if (senderData === undefined) throw mlsError('mls/not-member', 'sender data does not decrypt: the sender is not a member');
    const sender = membersOf(tree).get(senderData.leafIndex);
    if (sender === undefined) throw mlsError('mls/not-member', `no member at leaf ${senderData.leafIndex}`);
    if (hist !== undefined) {
      // Decision D8: a late message from a retained epoch is accepted only if its sender is still a
      // member now; a removed client could otherwise keep talking in the epochs before its removal.
      const now = membersOf(state.ratchetTree).get(senderData.leafIndex);
      if (now === undefined || now.clientUri !== sender.clientUri) {
        throw mlsError('mls/not-member', `${sender.clientUri} is no longer a member`, { epoch: pm.epoch.toString() });
      }
    }
    let res;
    try {
      res = await processPrivateMessage(state, pm, emptyPskIndex, cs);
    } catch (e) {
      throw mapError(e, tracker, 'mls/decrypt-failed');
    }
    if (res.kind !== 'applicationMessage') throw mlsError('mls/bad-message', 'not an application message');
    const contentBytes = res.message;
    const content = decodeContent(contentBytes, { hubTimestamp: options.hubTimestamp });
    if (content.extensions.senderUri !== undefined && content.extensions.senderUri !== sender.userUri) {
      throw mlsError('mls/sender-mismatch', `senderUri ${content.extensions.senderUri} is not the user of ${sender.clientUri}`, {
        senderUri: content.extensions.senderUri,
        credentialUser: sender.userUri,
      });
    }
    if (content.extensions.roomUri !== undefined && content.extensions.roomUri !== i.roomUri) {
      throw mlsError('mls/room-mismatch', `roomUri ${content.extensions.roomUri} is not ${i.roomUri}`);
    }
    // draft-ietf-mimi-content §2.3: computed on the received bytes with the authenticated sender.
    const id = messageId(contentBytes, { senderUri: sender.userUri, roomUri: i.roomUri });
    const seen = [...i.seen, digest].slice(-SEEN_LIMIT);
    return {
      state: res.newState,
      seen,
      content,
      contentBytes,
      messageId: id,
      senderUserUri: sender.userUri,
      senderClientUri: sender.clientUri,
      senderLeafIndex: senderData.leafIndex,
      hubTimestamp: options.hubTimestamp,
    };
}

/**
 * Encrypts MIMI content for the room value `i` after the content checks (its senderUri / roomUri, when present,
 * are this user and this room; no proposals pending).
 *
 * @param i - the room
 * @param user - this client's user
 * @param pendingProposals - how many proposals are pending
 * @param contentBytes - encoded MIMI content
 * @param authenticatedData - the PrivateMessage's authenticated_data (RFC 9420 §6.3), e.g. a SafeAAD with the
 *   `frank_aad` item (draft-ietf-mimi-protocol-06 "Client creation and sending"); empty by default
 * @returns the MLSMessage bytes and the new state
 * @throws {@link MimiError} see `MimiRoom.encryptContent`
 */
export async function encryptApplication(i: Inner, user: string, pendingProposals: number, contentBytes: Uint8Array, authenticatedData?: Uint8Array): Promise<{ state: ClientState; message: Uint8Array }> {
  const c = decodeContent(contentBytes, { checks: false });
  if (c.extensions.senderUri !== undefined && c.extensions.senderUri !== user) {
    throw mlsError('mls/sender-mismatch', `content senderUri ${c.extensions.senderUri} is not ${user}`);
  }
  if (c.extensions.roomUri !== undefined && c.extensions.roomUri !== i.roomUri) {
    throw mlsError('mls/room-mismatch', `content roomUri ${c.extensions.roomUri} is not ${i.roomUri}`);
  }
  if (pendingProposals > 0) {
    // ts-mls and OpenMLS refuse too. commitPending() always yields a valid commit (decision D20), so this lasts
    // one commit at most.
    throw mlsError('mls/bad-state', 'proposals are pending: commit them first (commitPending)', { pendingProposals });
  }
  let res;
  try {
    res = await createApplicationMessage(i.state, contentBytes, i.cs, authenticatedData);
  } catch (e) {
    throw mapError(e, i.tracker, 'mls/bad-message');
  }
  return { state: res.newState, message: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: res.privateMessage }) };
}
