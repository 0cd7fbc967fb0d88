/**
 * The fallback rules, as a table: what mimi-kit shows for each part type, disposition and message kind,
 * and the section of draft-ietf-mimi-content (or the peer-system lesson) each rule follows.
 * docs/fallback.md has an example per rule; the `rules` field of a rendering lists the ids applied.
 *
 * @module
 */

/** One rule of the table. */
export interface FallbackRule {
  /** Stable id (appears in renderings and vectors). */
  readonly id: string;
  /** Where it comes from: a draft section, or "decision" with the docs/decisions.md (Fallback) entry. */
  readonly source: string;
  /** What the receiver shows. */
  readonly shows: string;
}

/**
 * The rules table.
 * @example
 * ```ts
 * import { RULES } from 'mimi-kit/fallback';
 * RULES.find((r) => r.id === 'text-html')?.source; // the draft section the rule follows
 * ```
 */
export const RULES = [
  { id: 'text-plain', source: 'draft-ietf-mimi-content §7.1 "MIMI Required and Recommended media types" (text/plain MUST be received)', shows: 'the text as is; markdown escapes every markup character; HTML escapes and keeps line breaks' },
  { id: 'text-markdown', source: '§7.1.1 "Specifics of Github Flavored Markdown in MIMI": tables, task lists, strikethrough; no Autolink extension; "nohtml" (any HTML tag rendered as text)', shows: 'parsed by marked (HTML tokenizers and autolink literals off); text strips markup; HTML from the parse' },
  { id: 'text-html', source: '§7.1 (text/html RECOMMENDED); peer lesson: fallback text is untrusted (MSC2781)', shows: 'parsed by the browser (DOMParser) or a WHATWG tokenizer into a strict allowlist, then converted to text and markdown' },
  { id: 'link-target-visible', source: '§9.6 "Link and Mention handling": text and target must match exactly or canonically, or the user is warned', shows: 'label followed by "(target)" when they differ; warning link-text-mismatch / link-scheme-downgrade' },
  { id: 'link-scheme', source: 'decision (docs/decisions.md (Fallback) D2)', shows: 'only http, https, mailto and mimi URLs become links; anything else is plain text' },
  { id: 'link-invalid', source: 'decision (D20); WHATWG URL Standard (controls stripped or percent-encoded); §9.6 "Link and Mention handling"', shows: 'a URL with a control or bidi character is never a link: plain text, each such character shown as U+FFFD; warning link-invalid' },
  { id: 'mention', source: '§9.6 "Link and Mention handling": display text is only a hint; use the canonical representation', shows: '@ + display name from the room state, or the URI itself when it is not resolvable' },
  { id: 'reply', source: '§4.1 "Message Behavior Fields" (inReplyTo); XEP-0461 quote form; Matrix MSC2781 lessons', shows: '"> Name wrote:" and a one-line excerpt of at most 80 code points, then the body; range reported' },
  { id: 'reply-unavailable', source: '§5.6 "Delete": "Replies which reference a deleted message typically hide the quoted portion"; §5.8 "Expiring"', shows: '"> In reply to a deleted/expired/unavailable message", never any text of the target' },
  { id: 'reply-to-edited', source: '§4.1 "a reply always refers to a specific version"; §9.3 "indicate clearly that a reply was to a previous version"', shows: 'the quoted (referenced) version, marked "(edited since)"' },
  { id: 'reaction', source: '§5.3 "Reaction": "could render the reaction as a reply, possibly prefixing with a localized string such as \'Reaction: \'"', shows: '"Reaction: ❤"; the prefix range is reported' },
  { id: 'reactions-multi', source: 'Appendix B.2 "Multiple Reactions Example"; §5.3 "Reaction": reactions MUST NOT be concatenated', shows: '"Reactions: ❤, 🥳, 🤞" (separated, never joined into one string)' },
  { id: 'unlike', source: '§5.7 "Unlike" (replaces + NullPart with reaction disposition)', shows: '"Name removed a reaction"' },
  { id: 'edit', source: '§5.5 "Edit"; §9.3 "The receiver SHOULD indicate clearly that a received message has been edited"', shows: '"Edited:" then the new body; in a conversation the original is replaced and marked "(edited)"' },
  { id: 'delete', source: '§5.6 "Delete" ("a placeholder remains"); XEP-0424', shows: '"Name deleted a message"; in a conversation a tombstone "This message was deleted"' },
  { id: 'expiring', source: '§4.1 expires; §5.8 "Expiring"', shows: 'a note "Disappears at <UTC time>" after the body; a conversation hides the message at that time' },
  { id: 'attachment', source: '§4.5 "External content"; §5.9 "Attachments"', shows: '"Attachment: file name (type, size)", the description and the link' },
  { id: 'encrypted-download', source: '§4.5 "External content" (encAlg ≠ 0: content is AEAD-encrypted)', shows: 'a note that the download must be opened in a MIMI client; key material is never shown' },
  { id: 'external-expired', source: '§4.5 "External content" (expires: the URL is no longer valid after that time)', shows: '"link expired" instead of the link' },
  { id: 'session', source: '§5.10 "Conferencing" (disposition session)', shows: '"Join: description" and the link' },
  { id: 'choose-one', source: '§4.4 "Message Bodies", chooseOne: "the receiver picks exactly one part"', shows: 'the alternative best matching the receiver\'s capability list, then its languages' },
  { id: 'alternatives-differ', source: '§9.5 "Alternate content rendering"', shows: 'warning alternatives-differ when same-language text alternatives say different things' },
  { id: 'single-unit', source: '§4.4 "Message Bodies", singleUnit', shows: 'all parts together' },
  { id: 'single-unit-unsupported', source: '§4.4 "Message Bodies", singleUnit: "If the receiver does not understand even one of the nested parts ... should not process any of them"', shows: '"[Message this app cannot display]"' },
  { id: 'process-all', source: '§4.4 "Message Bodies", processAll', shows: 'every part in order, each unsupported one as a placeholder' },
  { id: 'cid-inline', source: '§4.4 "Message Bodies", partIndex and cid: URIs; "skipping already processed Parts"', shows: 'the referenced part in place (as a placeholder for media); it is not shown a second time' },
  { id: 'unknown-disposition', source: '§9.1 "General handling": "The unknown value should be treated as if it were render"', shows: 'the part rendered as render' },
  { id: 'unknown-media-type', source: '§9.1 "General handling" (unrecognized contentType is legitimate)', shows: '"[Content this app cannot display: type, size]", never the bytes' },
  { id: 'media-placeholder', source: 'decision (D3): inline image/audio/video bytes are the client\'s job', shows: '"[Image: type, size]" (or the alt text); no data: URL is ever produced' },
  { id: 'remote-image', source: 'decision (D3): remote images are not loaded by default (tracking)', shows: 'a placeholder; an <img> only when the caller opts in with remoteImages' },
  { id: 'preview', source: '§4.4 "Message Bodies", preview disposition', shows: '"Preview:" then the part' },
  { id: 'icon-profile', source: '§4.4 "Message Bodies", icon and profile dispositions', shows: '"[Icon]" / "[Profile]" placeholders' },
  { id: 'empty', source: '§4.4 "Message Bodies" (a body with zero parts)', shows: '"[Empty message]"' },
  { id: 'too-deep', source: 'decision (D18); WHATWG HTML §13.2.6.4 (stack of open elements), as browsers cap DOM depth', shows: 'elements nested deeper than RENDER_LIMITS.maxDepth (32) unwrapped: their tags dropped (a block leaves a space), their text kept; warning markup-flattened' },
  { id: 'too-long', source: 'decision (D19); §9.1 "General handling": a body "too large (according to local policy)"', shows: 'a markdown/HTML body over RENDER_LIMITS.maxMarkupBytes formatted up to that length, then "[Message shortened: the first 262.1 kB of 16.8 MB shown]"; warning body-truncated' },
] as const satisfies readonly FallbackRule[];

/** Id of a rule. */
export type RuleId = (typeof RULES)[number]['id'];
