/**
 * How a {@link Conversation} keeps one received message: the stored record with its relations (edits,
 * deletes, reactions), the per-view marks of the reply-loop search (draft §4.1), expiry (draft §5.8),
 * the winning edit, and the timeline order (draft §5.11).
 *
 * @module
 */
import type { MimiContent } from '../content/mimiContent.js';
import type { ConversationOptions } from './conversationTypes.js';
import type { MessageKind } from './types.js';

export interface Stored {
  readonly id: string;
  readonly sender: string;
  readonly ts: number;
  readonly content: MimiContent;
  readonly kind: MessageKind;
  /** Direct target (replaces for edit/delete/unlike, inReplyTo for reaction), hex. */
  readonly target: string | undefined;
  readonly inReplyTo: string | undefined;
  /** Edits, deletes and reactions attached to this message (when it is a root). */
  rel: Rel | undefined;
  /**
   * What the last view that touched this message found, as `generation * 8 + bits` (see {@link marks}):
   * bits 0-1 the reply-loop search state (1 on the path, 2 done, 3 done and running into a loop),
   * bit 2 set when a reply references this version.
   */
  mark: number;
  /** The message `inReplyTo` names, as looked up by the loop search of the view in `mark`. */
  next: Stored | undefined;
  /** Body text of this version for reply quotes, valid while `quoteEpoch` is the conversation's. */
  quoteText: string | undefined;
  quoteEpoch: number;
  /** Reaction keys of this message's body (the content never changes). */
  keys: string[] | undefined;
  /** Set once the relation is attached to its root (a rejected one never is). */
  attached: boolean;
}

/** Relations of a root, each list created when its first member arrives. */
export interface Rel {
  edits: Stored[] | undefined;
  /** The latest of `edits` (decision D6), kept as they arrive: one lookup per reply, not a scan. */
  winner: Stored | undefined;
  /** Deletes, and unlikes of a reaction. */
  deletes: Stored[] | undefined;
  reactions: Stored[] | undefined;
}

const LOOP_ON_PATH = 1;
const LOOP_DONE = 2;
export const LOOP_FOUND = 3;
export const QUOTED = 4;

/**
 * @param s - a stored message
 * @param gen - a view generation
 * @returns the mark bits that view `gen` set on `s` (0 when it set none)
 */
export function marks(s: Stored, gen: number): number {
  const m = s.mark - gen * 8;
  return m >= 0 && m < 8 ? m : 0;
}

/** Sort order of the draft (§5.11): timestamp, then lexically lowest message ID. */
export function before(a: { ts: number; id: string }, b: { ts: number; id: string }): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** When `s` disappears (ms), if it expires: relative expiry counts from `readAt`, else the hub timestamp. */
export function expiresAt(s: Stored, readAt: ConversationOptions['readAt']): number | undefined {
  const e = s.content.expires;
  if (e === null) return undefined;
  if (!e.relative) return e.time * 1000;
  return (readAt?.(s.id) ?? s.ts) + e.time * 1000;
}

/** Latest authorized edit: by hub timestamp, ties by lowest message ID. */
export function winner(rel: Rel | undefined): Stored | undefined {
  return rel === undefined ? undefined : rel.winner;
}

/** A delete (or, for a reaction, an unlike) was applied. */
export function isDeleted(rel: Rel | undefined): boolean {
  return rel !== undefined && rel.deletes !== undefined;
}

/**
 * Marks (for view `gen`) every message on the inReplyTo chain from `start` that runs into a loop
 * (draft §4.1): iterative, each message visited once per view, so O(n) in all.
 *
 * @param path - scratch array, reused by every view (left empty)
 * @param msgs - the stored messages by hex ID
 */
export function findLoops(start: Stored, gen: number, path: Stored[], msgs: ReadonlyMap<string, Stored>): void {
  path.length = 0;
  let cur: Stored | undefined = start;
  let hitLoop = false;
  while (cur !== undefined) {
    const m = marks(cur, gen);
    if ((m & 3) !== 0) {
      hitLoop = (m & 3) === LOOP_ON_PATH || (m & 3) === LOOP_FOUND;
      break;
    }
    cur.mark = gen * 8 + (m | LOOP_ON_PATH);
    path.push(cur);
    cur = cur.next = cur.inReplyTo === undefined ? undefined : msgs.get(cur.inReplyTo);
  }
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    p.mark = gen * 8 + ((marks(p, gen) & QUOTED) | (hitLoop ? LOOP_FOUND : LOOP_DONE));
  }
  path.length = 0;
}
