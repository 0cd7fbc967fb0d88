/**
 * Public types of the fallback renderer and the conversation view.
 *
 * @module
 */
import type { MimiContent } from '../content/mimiContent.js';
import type { RuleId } from './rules.js';

/** The three output forms every rendering has. */
export type RenderFormat = 'text' | 'markdown' | 'html';

/**
 * What a message is, derived from its behaviour fields and top-level disposition
 * (draft-ietf-mimi-content §3 and the Examples section).
 */
export type MessageKind = 'message' | 'reply' | 'reaction' | 'unlike' | 'edit' | 'delete';

/** The state of a message referenced by a reply, as known to the receiver. */
export type ReferencedMessage =
  | {
      status: 'available';
      sender: string;
      content: MimiContent;
      /** The version quoted was later edited. */
      editedSince?: boolean;
      /** Plain text of the referenced body, when the caller already has it (saves re-rendering). */
      text?: string;
    }
  | { status: 'deleted' }
  | { status: 'expired' }
  | { status: 'unknown' }
  | { status: 'loop' };

/**
 * A span of a rendered string that is fallback text inserted by mimi-kit (a reply quote, an edit
 * marker, a reaction prefix, an expiry note) rather than text of the message, so a capable client can
 * strip it (as XEP-0428 marks a fallback body).
 *
 * Offsets are given in two units, both with `end` exclusive:
 * - `start`/`end`: UTF-16 code units (JavaScript string indexes: `s.slice(start, end)`);
 * - `startCodePoint`/`endCodePoint`: Unicode code points (the unit of XEP-0426 / XEP-0428).
 */
export interface FallbackRange {
  /** What the fallback stands for. */
  readonly for: 'reply' | 'edit' | 'reaction' | 'unlike' | 'delete' | 'expiring' | 'topic';
  /** UTF-16 code unit offset of the first character. */
  readonly start: number;
  /** UTF-16 code unit offset after the last character. */
  readonly end: number;
  /** Code point offset of the first character. */
  readonly startCodePoint: number;
  /** Code point offset after the last character. */
  readonly endCodePoint: number;
  /** Always `'utf16'` for `start`/`end`; stated so that consumers never have to guess. */
  readonly unit: 'utf16';
}

/** A caution the client may want to show (never a reason to throw). */
export interface RenderWarning {
  readonly code:
    | 'link-text-mismatch'
    | 'link-scheme-downgrade'
    | 'alternatives-differ'
    | 'unsupported-part'
    | 'mention-unresolved'
    | 'edit-changes-metadata'
    | 'unknown-disposition'
    | 'cid-unresolved'
    | 'remote-image-blocked'
    | 'body-truncated'
    | 'markup-flattened'
    | 'link-invalid';
  readonly detail: string;
}

/** The result of {@link render}. */
export interface Rendering {
  /** Plain text (no markup; safe to put in a notification). */
  readonly text: string;
  /** GFM-MIMI markdown (no raw HTML). */
  readonly markdown: string;
  /** Sanitized HTML fragment. */
  readonly html: string;
  /** What the message is. */
  readonly kind: MessageKind;
  /** The rules (see {@link RULES}) that produced this rendering, in the order applied. */
  readonly rules: readonly RuleId[];
  /** Inserted fallback text, per output form. */
  readonly fallbackRanges: Readonly<Record<RenderFormat, readonly FallbackRange[]>>;
  /** Cautions for the client. */
  readonly warnings: readonly RenderWarning[];
  /** Users mentioned by `mimi:`/`im:` links in the rendered body. */
  readonly mentions: readonly string[];
}

/** A message catalog: every user-visible string mimi-kit produces. `{name}` are parameters. */
export type Catalog = Readonly<Record<CatalogKey, string>>;

/** Keys of the message catalog. */
export type CatalogKey =
  | 'reply.wrote'
  | 'reply.deleted'
  | 'reply.expired'
  | 'reply.unknown'
  | 'reply.loop'
  | 'reply.editedSince'
  | 'edit.prefix'
  | 'edited.marker'
  | 'delete.tombstone'
  | 'delete.bySender'
  | 'delete.request'
  | 'unlike.request'
  | 'reaction.prefix'
  | 'reactions.prefix'
  | 'expires.absolute'
  | 'expires.relative'
  | 'attachment.label'
  | 'attachment.encrypted'
  | 'attachment.linkExpired'
  | 'session.label'
  | 'preview.label'
  | 'placeholder.image'
  | 'placeholder.audio'
  | 'placeholder.video'
  | 'placeholder.content'
  | 'placeholder.unsupported'
  | 'placeholder.unitUnsupported'
  | 'placeholder.icon'
  | 'placeholder.profile'
  | 'placeholder.empty'
  | 'truncated.note'
  | 'size.unknown'
  | 'units'
  | 'sender.unknown';

/** Resolves a user URI (`mimi://…/u/…`) to a display name from the room state, or undefined. */
export type DisplayNameResolver = (userUri: string) => string | undefined;

/** Options for {@link render}. Every field is optional. */
export interface RenderContext {
  /** BCP 47 locale of the texts mimi-kit adds; falls back to the language, then to `en`. */
  readonly locale?: string;
  /** Extra or overriding catalogs, by locale (merged over the built-in ones). */
  readonly catalogs?: Readonly<Record<string, Partial<Catalog>>>;
  /** Display names from the room state. Mentions render as `@name`; senders as `name`. */
  readonly displayName?: DisplayNameResolver;
  /** The sender of the message (derived value, draft §3.7 "Derived Data Values"). */
  readonly sender?: string;
  /** Hub accepted timestamp, ms since the epoch; base of relative expiry. */
  readonly hubTimestamp?: number;
  /** Current time in ms (external-link expiry). Default `Date.now()`. */
  readonly now?: number;
  /**
   * Media types the receiver supports, in preference order (used by `chooseOne`). Default:
   * GFM-MIMI markdown, CommonMark, text/html, text/plain. Parameters other than `variant` are ignored.
   */
  readonly supportedTypes?: readonly string[];
  /** Preferred languages (BCP 47), most preferred first, for choosing among alternatives. */
  readonly languages?: readonly string[];
  /** Looks up the message a reply or reaction refers to (hex message ID). */
  readonly resolveMessage?: (idHex: string) => ReferencedMessage | undefined;
  /** Largest reply excerpt, in code points (default 80). 0 disables quoting. */
  readonly quoteMaxCodePoints?: number;
  /** Render images from remote URLs as `<img>` (default false: a link placeholder). */
  readonly remoteImages?: boolean;
  /**
   * Largest markdown or HTML body formatted, in UTF-8 octets (default
   * `RENDER_LIMITS.maxMarkupBytes`, 256 KiB); a longer one is cut there and followed by a note.
   * Negative or NaN means the default. Formatting costs about 1-3 µs per octet.
   */
  readonly maxMarkupBytes?: number;
}

/** A message as received: the content plus its derived values (draft §3.7). */
export interface ReceivedMessage {
  /** Message ID, 32 octets (bytes or lower/upper-case hex). */
  readonly id: Uint8Array | string;
  /** Sender user URI (derived from the MLS credential, not from the content). */
  readonly sender: string;
  /** Hub accepted timestamp, ms since the epoch. */
  readonly hubTimestamp: number;
  /** The decoded content. */
  readonly content: MimiContent;
}

/** An edit or delete the conversation must authorize. */
export interface ActionRequest {
  readonly kind: 'edit' | 'delete';
  /** User URI of whoever sent the edit/delete. */
  readonly actor: string;
  /** User URI of the sender of the targeted message. */
  readonly targetSender: string;
  /** Hex message ID of the targeted (original) message. */
  readonly targetId: string;
}

/**
 * Room policy hook: may `actor` edit/delete someone else's message? Only consulted when the actor is
 * not the original sender (draft §9 "Rendering and authorization of edits and deletes").
 */
export type AuthorizeAction = (action: ActionRequest) => boolean;
