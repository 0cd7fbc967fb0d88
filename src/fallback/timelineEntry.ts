/**
 * The timeline entries a {@link Conversation.view} builds: plain {@link TimelineEntry} data, plus a private
 * link to the stored original and the view that built it, so rendering an entry needs no lookup.
 *
 * @module
 */
import type { MimiContent } from '../content/mimiContent.js';
import type { ReactionSummary, ReplyTarget, TimelineEntry } from './conversationTypes.js';
import type { Stored } from './storedMessage.js';
import { idHex } from './text.js';

/** One view of a conversation: its owner and the conversation's mutation count when it was taken. */
export interface ViewStamp {
  /** The conversation (compared by identity only). */
  readonly owner: object;
  readonly stamp: number;
}

/**
 * A timeline entry as built by {@link Conversation.view}: exactly the {@link TimelineEntry} fields (in
 * the same order as a literal would have them), plus a private link to the stored message.
 */
export class Entry implements TimelineEntry {
  readonly id: string;
  readonly sender: string;
  readonly hubTimestamp: number;
  readonly kind: 'message' | 'reply';
  readonly state: 'visible' | 'deleted';
  readonly content: MimiContent | null;
  readonly versionId: string;
  readonly edited: boolean;
  readonly edits: readonly string[];
  readonly reactions: readonly ReactionSummary[];
  readonly topicId: string;
  declare editedBy?: string;
  declare editedAt?: number;
  declare deletedBy?: string;
  declare deletedAt?: number;
  declare replyTo?: ReplyTarget;
  declare expiresAt?: number;
  /** The view that built it, and the stored original. */
  readonly #view: ViewStamp;
  readonly #orig: Stored;

  constructor(
    view: ViewStamp,
    versionId: string,
    s: Stored,
    deleted: boolean,
    content: MimiContent | null,
    edited: boolean,
    edits: readonly string[],
    reactions: readonly ReactionSummary[],
  ) {
    this.id = s.id;
    this.sender = s.sender;
    this.hubTimestamp = s.ts;
    this.kind = s.kind === 'reply' ? 'reply' : 'message';
    this.state = deleted ? 'deleted' : 'visible';
    this.content = content;
    this.versionId = versionId;
    this.edited = edited;
    this.edits = edits;
    this.reactions = reactions;
    this.topicId = s.content.topicId.length > 0 ? idHex(s.content.topicId) : '';
    this.#view = view;
    this.#orig = s;
  }

  /**
   * @param e - any entry
   * @param owner - a conversation
   * @returns the stored original of `e`, when `e` was built by a view of `owner`
   */
  static origOf(e: TimelineEntry, owner: object): Stored | undefined {
    return #view in e && (e as Entry).#view.owner === owner ? (e as Entry).#orig : undefined;
  }

  /**
   * @param e - an entry built by a view
   * @returns the conversation's change count when that view was taken
   */
  static stampOf(e: Entry): number {
    return e.#view.stamp;
  }
}
