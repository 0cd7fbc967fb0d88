/**
 * Builders for common MIMI messages (draft-ietf-mimi-content §5 "Examples"). Each returns a validated
 * {@link MimiContent}; encode it with {@link encodeContent} (or {@link encodeWithId}).
 *
 * @module
 */
import type { CborValue } from '../cbor/value.js';
import { MimiError } from '../errors.js';
import { contentToCbor } from './codec.js';
import { Disposition, type DispositionName } from './disposition.js';
import type { Expiration, ExtensionKey, MimiContent, MimiExtensions } from './mimiContent.js';
import type { ExternalPart, MultiPart, NestedPart, NullPart, SinglePart } from './nestedPart.js';
import { generateSalt } from './salt.js';

/**
 * `text/plain;charset=utf-8` (§6.1, MUST be supported).
 * @example
 * ```ts
 * import { singlePart, TEXT_PLAIN } from 'mimi-kit/content';
 * singlePart(TEXT_PLAIN, 'hello'); // contentType 'text/plain;charset=utf-8'
 * ```
 */
export const TEXT_PLAIN = 'text/plain;charset=utf-8';
/**
 * `text/markdown;variant=GFM-MIMI` (§6.1.1, MUST be supported).
 * @example
 * ```ts
 * import { singlePart, GFM_MIMI } from 'mimi-kit/content';
 * singlePart(GFM_MIMI, '**bold**'); // contentType 'text/markdown;variant=GFM-MIMI'
 * ```
 */
export const GFM_MIMI = 'text/markdown;variant=GFM-MIMI';
/**
 * `text/html;charset=utf-8` (RECOMMENDED, §6.1).
 * @example
 * ```ts
 * import { singlePart, TEXT_HTML } from 'mimi-kit/content';
 * singlePart(TEXT_HTML, '<b>bold</b>'); // contentType 'text/html;charset=utf-8'
 * ```
 */
export const TEXT_HTML = 'text/html;charset=utf-8';

/** A disposition given by name or number (0–255). */
export type DispositionInput = DispositionName | number;

/** Options for the head of a part. */
export interface PartOptions {
  /** Disposition (default: `render`, or the builder's natural one). */
  readonly disposition?: DispositionInput;
  /** Language tag(s), comma-separated; default "". */
  readonly language?: string;
}

/** Options shared by every message builder. */
export interface MessageOptions extends PartOptions {
  /** 16-octet salt; default {@link generateSalt}(). Pass the example's salt to reproduce an example. */
  readonly salt?: Uint8Array;
  /** Extension 1. */
  readonly senderUri?: string;
  /** Extension 2. */
  readonly roomUri?: string;
  /** Topic (§3.4); default empty. */
  readonly topicId?: Uint8Array;
  /** Expiration (§3.6); default null. */
  readonly expires?: Expiration | null;
  /** Message replied or reacted to (§3.5); default null. */
  readonly inReplyTo?: Uint8Array | null;
  /** Message edited or deleted (§3.3); default null. */
  readonly replaces?: Uint8Array | null;
  /** Other extensions (keys other than 1 and 2). */
  readonly extensions?: ReadonlyMap<ExtensionKey, CborValue>;
}

/** Body format for text builders. */
export type TextFormat = 'markdown' | 'plain' | 'html';

const encoder = new TextEncoder();

function dispo(d: DispositionInput | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  if (typeof d === 'number') return d;
  const v = (Disposition as Record<string, number>)[d];
  if (v === undefined) throw new MimiError('content/invalid-disposition', `unknown disposition name ${String(d)}`, { path: ['disposition'] });
  return v;
}

function contentTypeOf(format: TextFormat | undefined): string {
  return format === 'plain' ? TEXT_PLAIN : format === 'html' ? TEXT_HTML : GFM_MIMI;
}

/**
 * A NullPart (no content), used by delete and unlike.
 *
 * @param opts - disposition (default render) and language
 * @returns the part
 * @throws {@link MimiError} `content/invalid-disposition` for an unknown disposition name
 * @example
 * ```ts
 * nullPart({ disposition: 'reaction' });
 * ```
 */
export function nullPart(opts: PartOptions = {}): NullPart {
  return { disposition: dispo(opts.disposition, Disposition.render), language: opts.language ?? '', cardinality: 'nullpart' };
}

/**
 * An inline SinglePart.
 *
 * @param contentType - media type with parameters
 * @param content - the content; a string is encoded as UTF-8
 * @param opts - disposition (default render) and language
 * @returns the part
 * @throws {@link MimiError} `content/invalid-disposition` for an unknown disposition name
 * @example
 * ```ts
 * singlePart('image/png', pngBytes, { disposition: 'inline' });
 * ```
 */
export function singlePart(contentType: string, content: Uint8Array | string, opts: PartOptions = {}): SinglePart {
  return {
    disposition: dispo(opts.disposition, Disposition.render),
    language: opts.language ?? '',
    cardinality: 'single',
    contentType,
    content: (typeof content === 'string' ? encoder.encode(content) : content) as Uint8Array<ArrayBuffer>,
  };
}

/** Fields of an external part (§4.3); everything but the URL and content type has a neutral default. */
export interface ExternalInput extends PartOptions {
  readonly url: string;
  /** Media type; default "". */
  readonly contentType?: string;
  /** Expiry of the URL, seconds since the epoch; default 0 (none). */
  readonly expires?: number;
  /** Size in octets; default 0 (unknown). */
  readonly size?: number;
  /** IANA AEAD algorithm; default 0 (not encrypted). */
  readonly encAlg?: number;
  readonly key?: Uint8Array;
  readonly nonce?: Uint8Array;
  readonly aad?: Uint8Array;
  /** IANA Named Information hash algorithm; default 0 (no hash). */
  readonly hashAlg?: number;
  readonly contentHash?: Uint8Array;
  readonly description?: string;
  readonly filename?: string;
}

const EMPTY = new Uint8Array(0);

/**
 * An ExternalPart (§4.3).
 *
 * @param input - URL, media type, encryption and hash parameters; disposition defaults to `attachment`
 * @returns the part
 * @throws {@link MimiError} `content/invalid-disposition` for an unknown disposition name
 * @example
 * ```ts
 * externalPart({ url: 'https://example.com/join/12345', disposition: 'session' });
 * ```
 */
export function externalPart(input: ExternalInput): ExternalPart {
  const b = (x: Uint8Array | undefined) => (x ?? EMPTY) as Uint8Array<ArrayBuffer>;
  return {
    disposition: dispo(input.disposition, Disposition.attachment),
    language: input.language ?? '',
    cardinality: 'external',
    contentType: input.contentType ?? '',
    url: input.url,
    expires: input.expires ?? 0,
    size: input.size ?? 0,
    encAlg: input.encAlg ?? 0,
    key: b(input.key),
    nonce: b(input.nonce),
    aad: b(input.aad),
    hashAlg: input.hashAlg ?? 0,
    contentHash: b(input.contentHash),
    description: input.description ?? '',
    filename: input.filename ?? '',
  };
}

/**
 * A MultiPart (§4.2.5).
 *
 * @param semantics - chooseOne (alternatives), singleUnit or processAll
 * @param parts - two or more parts
 * @param opts - disposition (default render) and language
 * @returns the part
 * @throws {@link MimiError} `content/multipart-too-few-parts` for fewer than 2 parts
 * @example
 * ```ts
 * multiPart('processAll', [singlePart(TEXT_PLAIN, '❤'), singlePart(TEXT_PLAIN, '🥳')], { disposition: 'reaction' });
 * ```
 */
export function multiPart(semantics: MultiPart['partSemantics'], parts: NestedPart[], opts: PartOptions = {}): MultiPart {
  if (parts.length < 2) throw new MimiError('content/multipart-too-few-parts', 'a MultiPart has at least 2 parts', { path: ['parts'] });
  return { disposition: dispo(opts.disposition, Disposition.render), language: opts.language ?? '', cardinality: 'multi', partSemantics: semantics, parts };
}

/**
 * Wraps a body in a message: salt, reference fields, extensions. Validates the result.
 *
 * @param nestedPart - the body
 * @param opts - salt, URIs, topic, expiry, inReplyTo/replaces, extra extensions
 * @returns the message
 * @throws {@link MimiError} `content/*` when a field is invalid (e.g. `content/invalid-salt`)
 * @example
 * ```ts
 * message(singlePart(TEXT_PLAIN, 'hi'), { senderUri, roomUri });
 * ```
 */
export function message(nestedPart: NestedPart, opts: MessageOptions = {}): MimiContent {
  const extensions: MimiExtensions = {};
  if (opts.senderUri !== undefined) extensions.senderUri = opts.senderUri;
  if (opts.roomUri !== undefined) extensions.roomUri = opts.roomUri;
  if (opts.extensions !== undefined && opts.extensions.size > 0) extensions.other = new Map(opts.extensions);
  const c: MimiContent = {
    salt: (opts.salt ?? generateSalt()) as Uint8Array<ArrayBuffer>,
    replaces: (opts.replaces ?? null) as Uint8Array<ArrayBuffer> | null,
    topicId: (opts.topicId ?? EMPTY) as Uint8Array<ArrayBuffer>,
    expires: opts.expires ?? null,
    inReplyTo: (opts.inReplyTo ?? null) as Uint8Array<ArrayBuffer> | null,
    extensions,
    nestedPart,
  };
  contentToCbor(c); // validation only
  return c;
}

function textMessage(text: string, format: TextFormat | undefined, opts: MessageOptions): MimiContent {
  return message(singlePart(contentTypeOf(format), text, opts), opts);
}

/**
 * A plain-text message (`text/plain;charset=utf-8`).
 *
 * @param text - the text
 * @param opts - message options
 * @returns the message
 * @throws {@link MimiError} `content/*` for invalid options
 * @example
 * ```ts
 * plainText('hello', { senderUri: 'mimi://example.com/u/alice', roomUri: 'mimi://example.com/r/x' });
 * ```
 */
export function plainText(text: string, opts: MessageOptions = {}): MimiContent {
  return textMessage(text, 'plain', opts);
}

/**
 * A Markdown message in GFM-MIMI (§6.1.1, `text/markdown;variant=GFM-MIMI`). The text is sent as given:
 * the caller is responsible for the "No HTML" rule.
 *
 * @param text - GFM-MIMI source
 * @param opts - message options
 * @returns the message
 * @throws {@link MimiError} `content/*` for invalid options
 * @example
 * ```ts
 * markdown('Hi everyone, we just shipped release 2.0. __Good  work__!', { senderUri, roomUri });
 * ```
 */
export function markdown(text: string, opts: MessageOptions = {}): MimiContent {
  return textMessage(text, 'markdown', opts);
}

/**
 * An HTML message (`text/html;charset=utf-8`). The HTML is sent as given (sanitising is the receiver's job).
 *
 * @param htmlText - the HTML
 * @param opts - message options
 * @returns the message
 * @throws {@link MimiError} `content/*` for invalid options
 * @example
 * ```ts
 * html('<p>Hello</p>', { senderUri, roomUri });
 * ```
 */
export function html(htmlText: string, opts: MessageOptions = {}): MimiContent {
  return textMessage(htmlText, 'html', opts);
}

/**
 * A reply (§5.2): a text message whose `inReplyTo` is the replied-to message ID.
 *
 * @param inReplyTo - message ID of the message replied to
 * @param text - the reply text
 * @param opts - message options and `format` (default markdown)
 * @returns the message
 * @throws {@link MimiError} `content/invalid-message-id` when `inReplyTo` is not 32 octets
 * @example
 * ```ts
 * reply(originalId, "Right on! _Congratulations_ 'all!", { senderUri, roomUri });
 * ```
 */
export function reply(inReplyTo: Uint8Array, text: string, opts: MessageOptions & { format?: TextFormat } = {}): MimiContent {
  return textMessage(text, opts.format, { ...opts, inReplyTo });
}

/**
 * A reaction (§5.3): a `text/plain` part with the `reaction` disposition, in reply to a message.
 *
 * @param inReplyTo - message ID reacted to
 * @param reactionText - one reaction, e.g. "❤" (never several concatenated, §5.3)
 * @param opts - message options
 * @returns the message
 * @throws {@link MimiError} `content/invalid-message-id` when `inReplyTo` is not 32 octets
 * @example
 * ```ts
 * reaction(originalId, '❤', { senderUri, roomUri });
 * ```
 */
export function reaction(inReplyTo: Uint8Array, reactionText: string, opts: MessageOptions = {}): MimiContent {
  return message(singlePart(TEXT_PLAIN, reactionText, { ...opts, disposition: opts.disposition ?? 'reaction' }), { ...opts, inReplyTo });
}

/**
 * Removes a reaction (§5.6 "Unlike"): a NullPart with the `reaction` disposition that replaces the
 * reaction message. Pass `inReplyTo` (the message reacted to) as the draft's example does.
 *
 * @param reactionId - message ID of the reaction being removed
 * @param opts - message options (typically `inReplyTo`: the original message)
 * @returns the message
 * @throws {@link MimiError} `content/invalid-message-id` when `reactionId` is not 32 octets
 * @example
 * ```ts
 * unlike(reactionId, { inReplyTo: originalId, senderUri, roomUri });
 * ```
 */
export function unlike(reactionId: Uint8Array, opts: MessageOptions = {}): MimiContent {
  return message(nullPart({ ...opts, disposition: opts.disposition ?? 'reaction' }), { ...opts, replaces: reactionId });
}

/**
 * An edit (§5.5): a new body that replaces an earlier message (use the ID of its first version).
 *
 * @param replaces - message ID of the (first version of the) edited message
 * @param text - the new text
 * @param opts - message options and `format` (default markdown); keep the original's `inReplyTo`
 * @returns the message
 * @throws {@link MimiError} `content/invalid-message-id` when `replaces` is not 32 octets
 * @example
 * ```ts
 * edit(replyId, "Right on! _Congratulations_ y'all!", { inReplyTo: originalId, senderUri, roomUri });
 * ```
 */
export function edit(replaces: Uint8Array, text: string, opts: MessageOptions & { format?: TextFormat } = {}): MimiContent {
  return textMessage(text, opts.format, { ...opts, replaces });
}

/**
 * A delete (§5.6): a NullPart (disposition render) that replaces an earlier message.
 *
 * @param replaces - message ID of the (first version of the) deleted message
 * @param opts - message options
 * @returns the message
 * @throws {@link MimiError} `content/invalid-message-id` when `replaces` is not 32 octets
 * @example
 * ```ts
 * deleteMessage(replyId, { inReplyTo: originalId, senderUri, roomUri });
 * ```
 */
export function deleteMessage(replaces: Uint8Array, opts: MessageOptions = {}): MimiContent {
  return message(nullPart(opts), { ...opts, replaces });
}

/**
 * An expiring text message (§3.6, §5.8).
 *
 * @param text - the text
 * @param expires - `{ relative: false, time: <epoch seconds> }` or `{ relative: true, time: <seconds after reading> }`
 * @param opts - message options and `format` (default markdown)
 * @returns the message
 * @throws {@link MimiError} `content/invalid-expiration` when `time` is not a uint32
 * @example
 * ```ts
 * expiring('VPN going down', { relative: false, time: 1644390004 }, { senderUri, roomUri });
 * ```
 */
export function expiring(text: string, expires: Expiration, opts: MessageOptions & { format?: TextFormat } = {}): MimiContent {
  return textMessage(text, opts.format, { ...opts, expires });
}

/**
 * An attachment (§5.9): a message whose body is an ExternalPart (disposition `attachment` by default;
 * `inline`, `session`, … via `input.disposition`).
 *
 * @param input - the external part fields
 * @param opts - message options (its disposition/language are ignored; use `input`)
 * @returns the message
 * @throws {@link MimiError} `content/*` for invalid fields
 * @example
 * ```ts
 * attachment({ url: 'https://example.com/storage/x.mp4', contentType: 'video/mp4', size: 708234961 }, { senderUri, roomUri });
 * ```
 */
export function attachment(input: ExternalInput, opts: MessageOptions = {}): MimiContent {
  return message(externalPart(input), opts);
}

/**
 * Alternatives of the same content (MultiPart `chooseOne`, Appendix C.1): the receiver renders one.
 *
 * @param parts - two or more alternative parts
 * @param opts - message options (disposition/language apply to the MultiPart)
 * @returns the message
 * @throws {@link MimiError} `content/multipart-too-few-parts` for fewer than 2 parts
 * @example
 * ```ts
 * alternatives([singlePart(GFM_MIMI, '# Welcome!'), singlePart('application/vnd.x', bytes)], { senderUri, roomUri });
 * ```
 */
export function alternatives(parts: NestedPart[], opts: MessageOptions = {}): MimiContent {
  return message(multiPart('chooseOne', parts, opts), opts);
}

/** A mention inside a {@link mention} message: the URI of the user or group and the display hint. */
export interface MentionRef {
  /** e.g. `mimi://example.com/u/alice-smith` */
  readonly uri: string;
  /** Display text hint (§9.6); when absent the URI itself is shown (`<uri>` in Markdown). */
  readonly display?: string;
}

// Markdown punctuation that could change the meaning of plain text (the rest is escaped by context).
const MD_SPECIAL = /[\\`*_[\]<>~|&#]/g;
const HTML_SPECIAL = /[&<>"']/g;
const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function mentionUri(uri: string): string {
  // A link destination without spaces, controls or angle brackets (CommonMark §6.3).
  // eslint-disable-next-line no-control-regex
  if (typeof uri !== 'string' || uri.length === 0 || /[\s<>\u0000-\u001f\u007f]/.test(uri)) {
    throw new MimiError('content/invalid-mention-uri', `not usable as a link target: ${JSON.stringify(uri)}`);
  }
  return uri;
}

/**
 * A message with mentions (§5.4, §9.6): plain-text segments and mention links, rendered as GFM-MIMI
 * Markdown (`[display](uri)`, or `<uri>` without a display hint) or as HTML (`<p>… <a href="uri">display</a> …</p>`).
 * Text segments and display hints are escaped for the chosen format.
 *
 * @param segments - text and mentions in order
 * @param opts - message options and `format` (`markdown`, default, or `html`)
 * @returns the message
 * @throws {@link MimiError} `content/invalid-mention-uri` for a URI with spaces, controls or angle brackets
 * @example
 * ```ts
 * mention(['Kudos to ', { uri: 'mimi://example.com/u/alice-smith', display: '@Alice Smith' }, ' for making the release happen!'], { senderUri, roomUri });
 * ```
 */
export function mention(segments: readonly (string | MentionRef)[], opts: MessageOptions & { format?: 'markdown' | 'html' } = {}): MimiContent {
  let out = '';
  if (opts.format === 'html') {
    const esc = (s: string) => s.replace(HTML_SPECIAL, (c) => HTML_ENTITY[c]!);
    for (const s of segments) {
      if (typeof s === 'string') out += esc(s);
      else out += `<a href="${esc(mentionUri(s.uri))}">${esc(s.display ?? s.uri)}</a>`;
    }
    return message(singlePart(TEXT_HTML, `<p>${out}</p>`, opts), opts);
  }
  const esc = (s: string) => s.replace(MD_SPECIAL, (c) => `\\${c}`);
  for (const s of segments) {
    if (typeof s === 'string') out += esc(s);
    else {
      const uri = mentionUri(s.uri).replace(/[()\\]/g, (c) => `\\${c}`);
      out += s.display === undefined ? `<${mentionUri(s.uri)}>` : `[${esc(s.display)}](${uri})`;
    }
  }
  return message(singlePart(GFM_MIMI, out, opts), opts);
}
