/**
 * The value types of a MIMI room (`mimi-kit/mls`): members, commit outcomes, handshake and decryption results,
 * room options.
 *
 * @module
 */
import type { CryptoProvider } from 'ts-mls';
import type { MimiContent } from '../content/index.js';
import type { CredentialVerifier } from './identity.js';
import type { MimiRoom } from './mimiRoom.js';

/** A member of the room's MLS group: one client of one participant. */
export interface RoomMember {
  /** MLS leaf index. */
  readonly leafIndex: number;
  /** The participant (user) URI. */
  readonly userUri: string;
  /** The client URI. */
  readonly clientUri: string;
}

/** What a commit we created produces; adopt `room` once the hub accepted `commit`. */
export interface CommitOutcome {
  /** The commit, an encoded MLSMessage (PublicMessage) for the hub. */
  readonly commit: Uint8Array;
  /** Welcome for added clients (encoded MLSMessage), when clients were added. */
  readonly welcome?: Uint8Array;
  /** The room after the commit (the previous room stays usable until the hub accepts). */
  readonly room: MimiRoom;
  /**
   * Pending proposals the commit leaves out because they conflict (RFC 9420 §12.2) or the policy refuses
   * them in this combination (decision D20); their proposers propose again in the next epoch.
   */
  readonly droppedProposals?: number;
}

/** Result of {@link MimiRoom.processHandshake}. */
export interface HandshakeResult {
  /** The room after the message. */
  readonly room: MimiRoom;
  /** `proposal`: stored until committed; `commit`: a new epoch. */
  readonly kind: 'proposal' | 'commit';
  /** Sender (proposer or committer). */
  readonly sender: RoomMember;
  /** Clients added by the commit. */
  readonly added: readonly RoomMember[];
  /** Clients removed by the commit. */
  readonly removed: readonly RoomMember[];
  /** Whether the room state (participants, roles, metadata, policy) changed. */
  readonly roomStateChanged: boolean;
  /** Whether this client was removed by the commit (the room is then read-only). */
  readonly selfRemoved: boolean;
  /**
   * How many of this client's own pending proposals the commit did not cover (decision D20): propose
   * them again (e.g. call {@link MimiRoom.leave} again) in the new epoch. 0 for proposals.
   */
  readonly ownProposalsDropped: number;
}

/** Result of {@link MimiRoom.decryptContent}: the content and the values derived on receipt. */
export interface DecryptedContent {
  /** The room after decryption (ratchet advanced, message recorded against replay). */
  readonly room: MimiRoom;
  /** The decoded MIMI content. */
  readonly content: MimiContent;
  /** The exact content bytes received. */
  readonly contentBytes: Uint8Array;
  /** draft-ietf-mimi-content §2.3 message ID, computed on `contentBytes`. */
  readonly messageId: Uint8Array;
  /** User of the sending client (from its credential). */
  readonly senderUserUri: string;
  /** The sending client (from its credential). */
  readonly senderClientUri: string;
  /** Sender's MLS leaf index. */
  readonly senderLeafIndex: number;
  /** Hub-accepted timestamp (milliseconds since the epoch) as given by the caller. */
  readonly hubTimestamp: number;
}

/** Options shared by room constructors. */
export interface RoomOptions {
  /** The authentication service: vouches for every credential (required, no default). */
  readonly verifier: CredentialVerifier;
  /** Epochs whose keys are kept for late application messages (default 4, ts-mls default). */
  readonly retainEpochs?: number;
  /**
   * The MLS crypto provider of this room (default: the platform's: node:crypto under Node, `@noble` +
   * WebCrypto in browsers; see docs/browser.md). Any provider interoperates with any other.
   */
  readonly cryptoProvider?: CryptoProvider;
}
