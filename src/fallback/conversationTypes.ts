/**
 * The public shapes of the conversation view: its options, what {@link Conversation.add} returns, and the
 * timeline a view gives (entries, reactions, reply targets, topics, rejections).
 *
 * @module
 */
import type { MimiContent } from '../content/mimiContent.js';
import type { AuthorizeAction } from './types.js';

/** Options of a {@link Conversation}. */
export interface ConversationOptions {
  /**
   * Room policy: may the actor edit/delete a message it did not send? Default: never (draft §9.3
   * "Receiving clients MUST NOT allow parties other than the original sender ... unless there is a
   * specific, concrete authorization policy").
   */
  readonly authorize?: AuthorizeAction;
  /** Most relations (edits, deletes, reactions, unlikes) kept while their target is unknown. Default 10 000. */
  readonly maxPending?: number;
  /** Most rejections kept for reporting (the count is always exact). Default 1 000. */
  readonly maxRejections?: number;
  /**
   * When the local user read a message (ms), for relative expiry. Default: relative expiry counts from
   * the hub timestamp (docs/decisions.md (Fallback) D5).
   */
  readonly readAt?: (idHex: string) => number | undefined;
}

/** Why an edit or delete was not applied. */
export interface Rejection {
  /** Hex ID of the rejected edit/delete. */
  readonly id: string;
  readonly kind: 'edit' | 'delete';
  readonly actor: string;
  /** Hex ID of the targeted original. */
  readonly targetId: string;
  readonly targetSender: string;
  readonly reason: 'not-authorized' | 'bad-target';
}

/** The result of {@link Conversation.add}. */
export type AddOutcome =
  | { readonly status: 'added' }
  | { readonly status: 'applied' }
  | { readonly status: 'pending' }
  | { readonly status: 'duplicate' }
  | { readonly status: 'rejected'; readonly rejection: Rejection };

/** Reactions with one key on one message. */
export interface ReactionSummary {
  /** The reaction (an emoji, or a description of a non-text reaction). */
  readonly key: string;
  /** Distinct senders (one reaction per sender per key). */
  readonly count: number;
  /** Senders, in order of their reaction. */
  readonly senders: readonly string[];
  /** How many of them reacted to an earlier version than the one shown (draft §9.3). */
  readonly onPreviousVersion: number;
}

/** What a reply points at. */
export interface ReplyTarget {
  /** Hex ID of the referenced version. */
  readonly id: string;
  /** Hex ID of the original message of that version, when known. */
  readonly rootId?: string;
  readonly status: 'available' | 'deleted' | 'expired' | 'unknown' | 'loop';
  /** The referenced version is not the current one. */
  readonly editedSince?: boolean;
  readonly sender?: string;
}

/** One message of the timeline. */
export interface TimelineEntry {
  /** Hex message ID of the original. */
  readonly id: string;
  readonly sender: string;
  readonly hubTimestamp: number;
  readonly kind: 'message' | 'reply';
  readonly state: 'visible' | 'deleted';
  /** The current version (original fields, latest authorized body), or null once deleted. */
  readonly content: MimiContent | null;
  /** Hex ID of the version shown (the original's or the winning edit's). */
  readonly versionId: string;
  readonly edited: boolean;
  /** Hex IDs of authorized edits, oldest first. */
  readonly edits: readonly string[];
  readonly editedBy?: string;
  readonly editedAt?: number;
  readonly deletedBy?: string;
  readonly deletedAt?: number;
  readonly reactions: readonly ReactionSummary[];
  readonly replyTo?: ReplyTarget;
  /** Hex topic ID, '' when none (draft §5.11). */
  readonly topicId: string;
  /** When it disappears (ms), if it expires. */
  readonly expiresAt?: number;
}

/** A topic and its entries (draft §5.11: ordered by timestamp, then lowest message ID). */
export interface TopicGroup {
  readonly topicId: string;
  readonly entryIds: readonly string[];
}

/** The conversation as a person sees it at one instant. */
export interface TimelineView {
  /** All visible entries and tombstones, by hub timestamp then lowest message ID. */
  readonly entries: readonly TimelineEntry[];
  /** Topics in order of their first entry. */
  readonly topics: readonly TopicGroup[];
  /** Edits/deletes not applied, sorted by ID. */
  readonly rejected: readonly Rejection[];
  /** Total rejections (including ones not kept). */
  readonly rejectedCount: number;
  /** Relations still waiting for their target. */
  readonly pending: number;
  /** Relations dropped because the pending buffer was full. */
  readonly evicted: number;
  /** Duplicate message IDs ignored. */
  readonly duplicates: number;
  /** Earliest future expiry (ms): take a new view then. */
  readonly nextExpiry?: number;
}
