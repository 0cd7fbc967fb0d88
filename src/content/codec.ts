/**
 * Codec for the MIMI content container (draft-ietf-mimi-content §3, §4, §7 "CBOR Data Model and
 * Encoding Restrictions"): {@link MimiContent} ⇄ CBOR data model ⇄ deterministic CBOR bytes.
 *
 * Validation is hand-written (one pass, precise `content/*` codes); it accepts exactly what the CDDL of
 * §3/§4.2 accepts plus the extension-key rule of §3.7 (a property test checks it against a zod schema of
 * the CDDL, test/content/zodSchema.ts). It is the only validation at run time, {@link validateContent}
 * included, so no path of `mimi-kit/content` bundles a schema library (docs/decisions.md (Content) #15).
 * Decoding tries a direct bytes→object fast path first and falls back to the general path
 * (`decodeCbor` + {@link contentFromCbor}), which decides every error (docs/decisions.md (Content) #16).
 * The pieces: object validation in validateObject.ts, CBOR → object in fromCbor.ts, the fast path in
 * fastDecode.ts, shared shape rules in shape.ts; this module holds the encoders and the public entry points.
 *
 * Paths: errors raised while decoding bytes carry CBOR positions (`[6, 4, 1, 3]` = nestedPart, its
 * `parts` array, part 1, field 3), the same convention as `cbor/*` errors; errors raised on an object
 * (encode, validate) carry field names (`['nestedPart', 'parts', 1, 'contentType']`).
 *
 * @module
 */
import { decodeCbor } from '../cbor/decode.js';
import { CborWriter } from '../cbor/encode.js';
import type { CborMap, CborValue } from '../cbor/value.js';
import { safely, type Result } from '../errors.js';
import { checkReceivedContent, type ReceiveCheckOptions } from './checks.js';
import { fastDecode } from './fastDecode.js';
import { contentFromCbor } from './fromCbor.js';
import type { MimiContent, MimiExtensions } from './mimiContent.js';
import type { NestedPart } from './nestedPart.js';
import { SEMANTICS } from './shape.js';
import { checkContent } from './validateObject.js';

// Moved to its own module; still importable from here.
export { contentFromCbor } from './fromCbor.js';

/** Options of {@link decodeContent}. */
export interface DecodeContentOptions extends ReceiveCheckOptions {
  /**
   * Run the receiver checks of {@link checkReceivedContent} (draft-ietf-mimi-content §9.1 and
   * "Depth restrictions") after decoding. Default true.
   */
  readonly checks?: boolean;
  /** Largest input accepted, in bytes. Default 16 MiB (the CBOR decoder default). */
  readonly maxBytes?: number;
  /**
   * Most CBOR data items decoded (`cbor/too-many-items` beyond). Default the CBOR decoder's:
   * 65 536 + ⌊input bytes / 8⌋.
   */
  readonly maxItems?: number;
}

// ---------------------------------------------------------------------------------------------
// Encoding: validation (validateObject.ts, field-name paths), then building or writing
// ---------------------------------------------------------------------------------------------

function partToCbor(p: NestedPart): CborValue[] {
  switch (p.cardinality) {
    case 'nullpart':
      return [p.disposition, p.language, 0];
    case 'single':
      return [p.disposition, p.language, 1, p.contentType, p.content];
    case 'external':
      return [
        p.disposition,
        p.language,
        2,
        p.contentType,
        p.url,
        p.expires,
        p.size,
        p.encAlg,
        p.key,
        p.nonce,
        p.aad,
        p.hashAlg,
        p.contentHash,
        p.description,
        p.filename,
      ];
    default:
      return [p.disposition, p.language, 3, SEMANTICS.indexOf(p.partSemantics), p.parts.map(partToCbor)];
  }
}

function extensionMap(e: MimiExtensions): CborMap {
  const m: CborMap = new Map();
  if (e.senderUri !== undefined) m.set(1, e.senderUri);
  if (e.roomUri !== undefined) m.set(2, e.roomUri);
  if (e.other !== undefined) for (const [k, v] of e.other) m.set(k, v);
  return m;
}

/**
 * Converts a {@link MimiContent} into the CBOR data model (draft-ietf-mimi-content §3), validating it.
 *
 * @param c - the message
 * @returns the CBOR value (arrays, a Map for the extensions)
 * @throws {@link MimiError} `content/*` with a field-name path when `c` does not match the schema
 * @example
 * ```ts
 * const bytes = encodeCbor(contentToCbor(c));
 * ```
 */
export function contentToCbor(c: MimiContent): CborValue {
  checkContent(c);
  return [
    c.salt,
    c.replaces,
    c.topicId,
    c.expires === null ? null : [c.expires.relative, c.expires.time],
    c.inReplyTo,
    extensionMap(c.extensions),
    partToCbor(c.nestedPart),
  ];
}

function writePart(w: CborWriter, p: NestedPart): void {
  switch (p.cardinality) {
    case 'nullpart':
      w.head(4, 3);
      w.head(0, p.disposition);
      w.text(p.language);
      w.head(0, 0);
      return;
    case 'single':
      w.head(4, 5);
      w.head(0, p.disposition);
      w.text(p.language);
      w.head(0, 1);
      w.text(p.contentType);
      w.bytes(p.content);
      return;
    case 'external':
      w.head(4, 15);
      w.head(0, p.disposition);
      w.text(p.language);
      w.head(0, 2);
      w.text(p.contentType);
      w.text(p.url);
      w.head(0, p.expires);
      w.head(0, p.size);
      w.head(0, p.encAlg);
      w.bytes(p.key);
      w.bytes(p.nonce);
      w.bytes(p.aad);
      w.head(0, p.hashAlg);
      w.bytes(p.contentHash);
      w.text(p.description);
      w.text(p.filename);
      return;
    default:
      w.head(4, 5);
      w.head(0, p.disposition);
      w.text(p.language);
      w.head(0, 3);
      w.head(0, SEMANTICS.indexOf(p.partSemantics));
      w.head(4, p.parts.length);
      for (const child of p.parts) writePart(w, child);
  }
}

/**
 * Encodes a MIMI content message in deterministic CBOR (draft-ietf-mimi-content §7.1, RFC 8949 §4.2.1).
 *
 * @param c - the message
 * @returns the exact bytes to send (and to hash for the message ID)
 * @throws {@link MimiError} `content/*` when `c` is invalid; `cbor/unencodable` for an extension value
 *   outside the CBOR data model
 * @example
 * ```ts
 * const bytes = encodeContent(markdown('Hi!', { senderUri, roomUri }));
 * ```
 */
export function encodeContent(c: MimiContent): Uint8Array {
  checkContent(c);
  const w = new CborWriter();
  try {
    w.head(4, 7);
    w.bytes(c.salt);
    if (c.replaces === null) w.head(7, 22);
    else w.bytes(c.replaces);
    w.bytes(c.topicId);
    if (c.expires === null) w.head(7, 22);
    else {
      w.head(4, 2);
      w.head(7, c.expires.relative ? 21 : 20);
      w.head(0, c.expires.time);
    }
    if (c.inReplyTo === null) w.head(7, 22);
    else w.bytes(c.inReplyTo);
    const e = c.extensions;
    if (e.other === undefined) {
      // draft-ietf-mimi-content §3.7: keys 1 and 2 are already in deterministic order.
      w.head(5, (e.senderUri === undefined ? 0 : 1) + (e.roomUri === undefined ? 0 : 1));
      if (e.senderUri !== undefined) {
        w.head(0, 1);
        w.text(e.senderUri);
      }
      if (e.roomUri !== undefined) {
        w.head(0, 2);
        w.text(e.roomUri);
      }
    } else {
      w.path.push('extensions');
      w.map(extensionMap(e), 1);
      w.path.pop();
    }
    writePart(w, c.nestedPart);
    return w.buf.slice(0, w.pos);
  } finally {
    w.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding: the fast path (fastDecode.ts) first, then the general path, which decides every error
// ---------------------------------------------------------------------------------------------

const NO_OPTIONS: DecodeContentOptions = Object.freeze({});
const GENERAL = Object.freeze({ allowTags: true });

function limitsOf(opts: DecodeContentOptions): { maxBytes?: number; maxItems?: number } {
  const out: { maxBytes?: number; maxItems?: number } = {};
  if (opts.maxBytes !== undefined) out.maxBytes = opts.maxBytes;
  if (opts.maxItems !== undefined) out.maxItems = opts.maxItems;
  return out;
}

/**
 * Decodes and validates a MIMI content message. The bytes must be deterministic CBOR; by default the
 * receiver checks of {@link checkReceivedContent} also run.
 *
 * Byte strings in the result never alias `bytes`; those over 64 bytes may share one private ArrayBuffer
 * with each other (never with another message's): respect `byteOffset`/`byteLength`
 * (docs/decisions.md (Content) #22).
 *
 * @param bytes - the application message payload
 * @param opts - `checks: false` to skip receiver checks; limits and `hubTimestamp` for the checks
 * @returns the message
 * @throws {@link MimiError} `cbor/*` for bad CBOR, `content/*` for a bad structure or a failed check,
 *   with the CBOR path of the offending item
 * @example
 * ```ts
 * const c = decodeContent(bytes, { hubTimestamp: Date.now() });
 * c.nestedPart.cardinality; // 'single'
 * ```
 */
export function decodeContent(bytes: Uint8Array, opts: DecodeContentOptions = NO_OPTIONS): MimiContent {
  let content: MimiContent;
  try {
    content = fastDecode(bytes, opts);
  } catch {
    // The general path is authoritative for every error (and for anything the fast path does not handle).
    const value = decodeCbor(bytes, opts.maxBytes === undefined && opts.maxItems === undefined ? GENERAL : { ...GENERAL, ...limitsOf(opts) });
    content = contentFromCbor(value);
  }
  if (opts.checks !== false) checkReceivedContent(content, opts);
  return content;
}

/**
 * {@link decodeContent} returning a {@link Result} instead of throwing.
 *
 * @param bytes - the application message payload
 * @param opts - as for {@link decodeContent}
 * @returns `{ ok: true, value }` or `{ ok: false, error }`
 * @throws never for bad input (only for internal bugs)
 * @example
 * ```ts
 * const r = safeDecodeContent(bytes);
 * if (!r.ok) console.log(r.error.code, r.error.path);
 * ```
 */
export function safeDecodeContent(bytes: Uint8Array, opts: DecodeContentOptions = {}): Result<MimiContent> {
  return safely(() => decodeContent(bytes, opts));
}

/**
 * Validates an untrusted value: exactly what the CDDL of §3 and §4.2 accepts, plus the extension-key rule
 * (§3.7), with `content/*` codes (never a ZodError). It runs the hand-written validator only (no zod).
 *
 * @param value - anything
 * @returns the value, typed
 * @throws {@link MimiError} `content/*` with a field-name path; `cbor/unencodable` for text or an extension
 *   value that cannot be encoded (e.g. a lone surrogate)
 * @example
 * ```ts
 * const c = validateContent(JSON_derived_object);
 * ```
 */
export function validateContent(value: unknown): MimiContent {
  // The hand-written walk is `encodeContent` itself: it bounds the depth (a deep or cyclic tree cannot
  // overflow the stack), gives the precise code and path, and covers what a schema cannot express.
  // Writing the bytes also proves the value encodes (lone surrogates, extension values outside the data
  // model: `cbor/unencodable`), so whatever validateContent accepts, encodeContent accepts. The zod
  // schema is not run as well: it accepts exactly the same values (properties.test.ts), so a second
  // pass would only cost time and pull zod into every bundle (decisions (Content) #15).
  encodeContent(value as MimiContent);
  return value as MimiContent;
}
