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
 *
 * Paths: errors raised while decoding bytes carry CBOR positions (`[6, 4, 1, 3]` = nestedPart, its
 * `parts` array, part 1, field 3), the same convention as `cbor/*` errors; errors raised on an object
 * (encode, validate) carry field names (`['nestedPart', 'parts', 1, 'contentType']`).
 *
 * @module
 */
import { CborReader, decodeCbor } from '../cbor/decode.js';
import { CborWriter } from '../cbor/encode.js';
import { isBytes, isMap, type CborMap, type CborValue } from '../cbor/value.js';
import { MimiError, safely, type MimiErrorCode, type Result } from '../errors.js';
import { checkReceivedContent, type ReceiveCheckOptions } from './checks.js';
import type { Expiration, ExtensionKey, MimiContent, MimiExtensions } from './mimiContent.js';
import type { NestedPart } from './nestedPart.js';

type Path = (string | number)[];

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

const SEMANTICS = ['chooseOne', 'singleUnit', 'processAll'] as const;
const CARDINALITY = ['nullpart', 'single', 'external', 'multi'] as const;

function fail(code: MimiErrorCode, message: string, path: Path, details?: Record<string, unknown>): never {
  throw new MimiError(code, message, details === undefined ? { path } : { path, details });
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function isMessageId(v: unknown): v is Uint8Array {
  return isBytes(v) && v.length === 32;
}

/** A value for an error message that never throws (null-prototype objects have no toString). */
function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return typeof v === 'symbol' || typeof v === 'function' ? `a ${typeof v}` : String(v);
}

/** UTF-8 length of a string without allocating for the ASCII case. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * draft-ietf-mimi-content §3.7 / §7.2: an extension key is an integer (±(2^53−1)) or a text string of
 * 1..255 UTF-8 octets (byte-string keys are allowed only in maps nested inside extension values).
 */
function checkExtensionKey(k: unknown, path: Path): asserts k is ExtensionKey {
  if (typeof k === 'number') {
    if (!Number.isSafeInteger(k)) fail('content/invalid-extension-key', `extension key ${k} is not a safe integer`, path);
    return;
  }
  if (typeof k === 'string') {
    const n = utf8Length(k);
    if (n < 1 || n > 255) fail('content/invalid-extension-key', `text extension key of ${n} octets (must be 1..255)`, path);
    return;
  }
  fail('content/invalid-extension-key', 'extension keys are integers or text strings', path);
}

// ---------------------------------------------------------------------------------------------
// Decoding: CBOR data model -> MimiContent
// ---------------------------------------------------------------------------------------------

function expirationFromCbor(v: CborValue, path: Path): Expiration | null {
  if (v === null) return null;
  // draft-ietf-mimi-content §3.6: Expiration = [relative: bool, time: uint .size 4]
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'boolean' || !isUint(v[1], 0xffffffff)) {
    fail('content/invalid-expiration', 'expires must be null or [bool, uint32]', path);
  }
  return { relative: v[0], time: v[1] };
}

function extensionsFromCbor(v: CborValue, path: Path): MimiExtensions {
  if (!(v instanceof Map)) fail('content/invalid-extensions', 'mimiExtensions must be a map', path);
  const ext: MimiExtensions = {};
  let other: Map<ExtensionKey, CborValue> | undefined;
  for (const [k, value] of v) {
    if (k === 1) {
      if (typeof value !== 'string') fail('content/invalid-sender-uri', 'extension 1 (senderUri) must be text', [...path, 1]);
      ext.senderUri = value;
    } else if (k === 2) {
      if (typeof value !== 'string') fail('content/invalid-room-uri', 'extension 2 (roomUri) must be text', [...path, 2]);
      ext.roomUri = value;
    } else {
      checkExtensionKey(k, [...path, typeof k === 'object' ? 'bytes' : k]);
      (other ??= new Map()).set(k, value);
    }
  }
  if (other !== undefined) ext.other = other;
  return ext;
}

function text(v: CborValue, path: Path, what: string): string {
  if (typeof v !== 'string') fail('content/bad-structure', `${what} must be a text string`, path);
  return v;
}
function bytes(v: CborValue, path: Path, what: string): Uint8Array<ArrayBuffer> {
  if (!isBytes(v)) fail('content/bad-structure', `${what} must be a byte string`, path);
  return v as Uint8Array<ArrayBuffer>;
}
function uint(v: CborValue, max: number, path: Path, what: string): number {
  if (!isUint(v, max)) fail('content/bad-structure', `${what} must be an unsigned integer ≤ ${max}`, path);
  return v;
}

const PART_LENGTH = [3, 5, 15, 5];

function partFromCbor(v: CborValue, path: Path): NestedPart {
  // draft-ietf-mimi-content §4.2: NestedPart = [disposition, language, cardinality, ...]
  if (!Array.isArray(v) || v.length < 3) fail('content/bad-structure', 'a NestedPart is an array of at least 3 items', path);
  const disposition = v[0];
  if (!isUint(disposition, 255)) fail('content/invalid-disposition', 'disposition must be an integer 0..255', [...path, 0]);
  const language = v[1];
  if (typeof language !== 'string') fail('content/invalid-language', 'language must be a text string', [...path, 1]);
  const card = v[2];
  if (!isUint(card, 3)) fail('content/unknown-cardinality', `unknown cardinality ${describe(card)}`, [...path, 2]);
  if (v.length !== PART_LENGTH[card]) {
    fail('content/bad-structure', `a ${CARDINALITY[card]} part has ${PART_LENGTH[card]} items, not ${v.length}`, path);
  }
  switch (card) {
    case 0:
      return { disposition, language, cardinality: 'nullpart' };
    case 1:
      return {
        disposition,
        language,
        cardinality: 'single',
        contentType: text(v[3], [...path, 3], 'contentType'),
        content: bytes(v[4], [...path, 4], 'content'),
      };
    case 2:
      return {
        disposition,
        language,
        cardinality: 'external',
        contentType: text(v[3], [...path, 3], 'contentType'),
        url: text(v[4], [...path, 4], 'url'),
        expires: uint(v[5], 0xffffffff, [...path, 5], 'expires'),
        size: uint(v[6], Number.MAX_SAFE_INTEGER, [...path, 6], 'size'),
        encAlg: uint(v[7], 0xffff, [...path, 7], 'encAlg'),
        key: bytes(v[8], [...path, 8], 'key'),
        nonce: bytes(v[9], [...path, 9], 'nonce'),
        aad: bytes(v[10], [...path, 10], 'aad'),
        hashAlg: uint(v[11], 0xff, [...path, 11], 'hashAlg'),
        contentHash: bytes(v[12], [...path, 12], 'contentHash'),
        description: text(v[13], [...path, 13], 'description'),
        filename: text(v[14], [...path, 14], 'filename'),
      };
    default: {
      const sem = v[3];
      if (!isUint(sem, 2)) fail('content/unknown-part-semantics', `unknown partSemantics ${describe(sem)}`, [...path, 3]);
      const list = v[4];
      if (!Array.isArray(list)) fail('content/bad-structure', 'parts must be an array', [...path, 4]);
      if (list.length < 2) fail('content/multipart-too-few-parts', 'a MultiPart has at least 2 parts', [...path, 4]);
      const parts: NestedPart[] = new Array<NestedPart>(list.length);
      for (let i = 0; i < list.length; i++) parts[i] = partFromCbor(list[i]!, [...path, 4, i]);
      return { disposition, language, cardinality: 'multi', partSemantics: SEMANTICS[sem]!, parts };
    }
  }
}

/**
 * Converts a decoded CBOR value into a {@link MimiContent}, checking the structure of
 * draft-ietf-mimi-content §3–§4 (but not the receiver checks of §9.1; see {@link checkReceivedContent}).
 *
 * @param value - a value from `decodeCbor`
 * @returns the message
 * @throws {@link MimiError} `content/*` (e.g. `content/bad-structure`, `content/invalid-salt`) with the CBOR path
 * @example
 * ```ts
 * const c = contentFromCbor(decodeCbor(bytes, { allowTags: true }));
 * ```
 */
export function contentFromCbor(value: CborValue): MimiContent {
  // draft-ietf-mimi-content §3: mimiContent = [salt, replaces, topicId, expires, inReplyTo, extensions, nestedPart]
  if (!Array.isArray(value) || value.length !== 7) fail('content/bad-structure', 'a MIMI content message is an array of 7 items', []);
  const [salt, replaces, topicId, expires, inReplyTo, ext, body] = value as [
    CborValue,
    CborValue,
    CborValue,
    CborValue,
    CborValue,
    CborValue,
    CborValue,
  ];
  if (!isBytes(salt) || salt.length !== 16) fail('content/invalid-salt', 'salt must be a 16-octet byte string', [0]);
  if (replaces !== null && !isMessageId(replaces)) fail('content/invalid-message-id', 'replaces must be null or a 32-octet MessageId', [1]);
  if (!isBytes(topicId)) fail('content/invalid-topic-id', 'topicId must be a byte string', [2]);
  if (inReplyTo !== null && !isMessageId(inReplyTo)) fail('content/invalid-message-id', 'inReplyTo must be null or a 32-octet MessageId', [4]);
  return {
    salt: salt as Uint8Array<ArrayBuffer>,
    replaces: replaces as Uint8Array<ArrayBuffer> | null,
    topicId: topicId as Uint8Array<ArrayBuffer>,
    expires: expirationFromCbor(expires, [3]),
    inReplyTo: inReplyTo as Uint8Array<ArrayBuffer> | null,
    extensions: extensionsFromCbor(ext, [5]),
    nestedPart: partFromCbor(body, [6]),
  };
}

// ---------------------------------------------------------------------------------------------
// Encoding: validation of a MimiContent object (field-name paths), then building or writing
// ---------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}
// Null-prototype objects count as plain objects (they are what some parsers produce); objects that only
// borrow Uint8Array.prototype / Map.prototype are neither plain objects nor byte strings / maps.

/**
 * Strict-object check: no key outside `allowed`. With `required`, every allowed key is also type-checked
 * afterwards, so a key count equal to `allowed.length` proves there is no extra key.
 */
function checkKeys(o: Record<string, unknown>, allowed: readonly string[], path: Path, required = true): void {
  if (required) {
    let n = 0; // counted without allocating, unlike Object.keys
    for (const _ in o) n++;
    if (n === allowed.length) return;
  }
  for (const k in o) {
    if (!allowed.includes(k)) fail('content/bad-structure', `unknown field ${JSON.stringify(k)}`, [...path, k]);
  }
}

function oText(o: Record<string, unknown>, k: string, path: Path, code: MimiErrorCode = 'content/bad-structure'): void {
  if (typeof o[k] !== 'string') fail(code, `${k} must be a string`, [...path, k]);
}
function oBytes(o: Record<string, unknown>, k: string, path: Path): void {
  if (!isBytes(o[k])) fail('content/bad-structure', `${k} must be a Uint8Array`, [...path, k]);
}
function oUint(o: Record<string, unknown>, k: string, max: number, path: Path, code: MimiErrorCode = 'content/bad-structure'): void {
  if (!isUint(o[k], max)) fail(code, `${k} must be an integer 0..${max}`, [...path, k]);
}

const FIELDS: Record<string, readonly string[]> = {
  nullpart: ['disposition', 'language', 'cardinality'],
  single: ['disposition', 'language', 'cardinality', 'contentType', 'content'],
  external: [
    'disposition',
    'language',
    'cardinality',
    'contentType',
    'url',
    'expires',
    'size',
    'encAlg',
    'key',
    'nonce',
    'aad',
    'hashAlg',
    'contentHash',
    'description',
    'filename',
  ],
  multi: ['disposition', 'language', 'cardinality', 'partSemantics', 'parts'],
};

function checkPart(p: unknown, path: Path, depth: number): void {
  if (!isPlainObject(p)) fail('content/bad-structure', 'a part must be an object', path);
  if (depth > 64) fail('content/too-deep', 'parts nested more than 64 levels (or cyclic)', path);
  oUint(p, 'disposition', 255, path, 'content/invalid-disposition');
  oText(p, 'language', path, 'content/invalid-language');
  const card = p.cardinality;
  const fields = typeof card === 'string' && Object.hasOwn(FIELDS, card) ? FIELDS[card] : undefined;
  if (fields === undefined) fail('content/unknown-cardinality', `unknown cardinality ${describe(card)}`, [...path, 'cardinality']);
  checkKeys(p, fields, path);
  switch (card) {
    case 'nullpart':
      return;
    case 'single':
      oText(p, 'contentType', path);
      oBytes(p, 'content', path);
      return;
    case 'external':
      oText(p, 'contentType', path);
      oText(p, 'url', path);
      oUint(p, 'expires', 0xffffffff, path);
      oUint(p, 'size', Number.MAX_SAFE_INTEGER, path);
      oUint(p, 'encAlg', 0xffff, path);
      oBytes(p, 'key', path);
      oBytes(p, 'nonce', path);
      oBytes(p, 'aad', path);
      oUint(p, 'hashAlg', 0xff, path);
      oBytes(p, 'contentHash', path);
      oText(p, 'description', path);
      oText(p, 'filename', path);
      return;
    default: {
      if (SEMANTICS.indexOf(p.partSemantics as (typeof SEMANTICS)[number]) < 0) {
        fail('content/unknown-part-semantics', `unknown partSemantics ${describe(p.partSemantics)}`, [...path, 'partSemantics']);
      }
      const parts = p.parts;
      if (!Array.isArray(parts)) fail('content/bad-structure', 'parts must be an array', [...path, 'parts']);
      if (parts.length < 2) fail('content/multipart-too-few-parts', 'a MultiPart has at least 2 parts', [...path, 'parts']);
      for (let i = 0; i < parts.length; i++) checkPart(parts[i], [...path, 'parts', i], depth + 1);
    }
  }
}

function checkMessageId(v: unknown, field: string): void {
  if (v !== null && !isMessageId(v)) fail('content/invalid-message-id', `${field} must be null or a 32-octet MessageId`, [field]);
}

const EXT_FIELDS = ['senderUri', 'roomUri', 'other'];

function checkExtensions(e: unknown): void {
  const path: Path = ['extensions'];
  if (!isPlainObject(e)) fail('content/invalid-extensions', 'extensions must be an object', path);
  checkKeys(e, EXT_FIELDS, path, false);
  if (e.senderUri !== undefined) oText(e, 'senderUri', path, 'content/invalid-sender-uri');
  if (e.roomUri !== undefined) oText(e, 'roomUri', path, 'content/invalid-room-uri');
  const other = e.other;
  if (other !== undefined) {
    if (!isMap(other)) fail('content/invalid-extensions', 'extensions.other must be a Map', [...path, 'other']);
    for (const k of (other as Map<unknown, CborValue>).keys()) {
      checkExtensionKey(k, [...path, 'other', typeof k === 'number' || typeof k === 'string' ? k : describe(k)]);
      if (k === 1 || k === 2) {
        fail('content/invalid-extension-key', `key ${k} goes in extensions.${k === 1 ? 'senderUri' : 'roomUri'}, not in other`, [
          ...path,
          'other',
          k,
        ]);
      }
    }
  }
}

const TOP_FIELDS = ['salt', 'replaces', 'topicId', 'expires', 'inReplyTo', 'extensions', 'nestedPart'] as const;

/** Validates a MimiContent object (the CDDL of §3 and §4.2, plus §3.7 extension keys). */
function checkContent(o: unknown): asserts o is MimiContent {
  if (!isPlainObject(o)) fail('content/bad-structure', 'content must be an object', []);
  checkKeys(o, TOP_FIELDS, []);
  const salt = o.salt;
  if (!isBytes(salt) || salt.length !== 16) fail('content/invalid-salt', 'salt must be 16 octets', ['salt']);
  checkMessageId(o.replaces, 'replaces');
  if (!isBytes(o.topicId)) fail('content/invalid-topic-id', 'topicId must be a Uint8Array', ['topicId']);
  const ex = o.expires;
  if (ex !== null) {
    if (!isPlainObject(ex) || typeof ex.relative !== 'boolean' || !isUint(ex.time, 0xffffffff) || Object.keys(ex).length !== 2) {
      fail('content/invalid-expiration', 'expires must be null or { relative: boolean, time: uint32 }', ['expires']);
    }
  }
  checkMessageId(o.inReplyTo, 'inReplyTo');
  checkExtensions(o.extensions);
  checkPart(o.nestedPart, ['nestedPart'], 1);
}

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
// Fast path: bytes -> MimiContent directly, for well-formed input. It uses the strict reader's own
// primitives (shortest heads, UTF-8, bounds) and gives up (FALLBACK) on anything unusual; the general
// path (decodeCbor + contentFromCbor) then produces the result or the authoritative error. A fuzz test
// checks that both paths agree.
// ---------------------------------------------------------------------------------------------

const FALLBACK = new Error('fallback');
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

function rHead(r: CborReader, major: number): number {
  const start = r.pos;
  // Items are counted as in the general path, so a body of many tiny parts is bounded here too.
  if (start >= r.bytes.length || ++r.items > r.maxItems) throw FALLBACK;
  const ib = r.bytes[r.pos++]!;
  if (ib >> 5 !== major) throw FALLBACK;
  const arg = r.argument(ib & 0x1f, start);
  if (arg < 0) throw FALLBACK;
  return arg;
}
function rBytes(r: CborReader): Uint8Array<ArrayBuffer> {
  return r.byteString(rHead(r, 2)) as Uint8Array<ArrayBuffer>;
}
function rText(r: CborReader): string {
  const start = r.pos;
  return r.textString(rHead(r, 3), start);
}
function rUint(r: CborReader, max: number): number {
  const v = rHead(r, 0);
  if (v > max) throw FALLBACK;
  return v;
}
function rNull(r: CborReader): boolean {
  if (r.bytes[r.pos] === 0xf6) {
    r.pos++;
    return true;
  }
  return false;
}
function rMessageId(r: CborReader): Uint8Array<ArrayBuffer> | null {
  if (rNull(r)) return null;
  const id = rBytes(r);
  if (id.length !== 32) throw FALLBACK;
  return id;
}

function rPart(r: CborReader, level: number): NestedPart {
  if (level > 8) throw FALLBACK;
  const n = rHead(r, 4);
  const disposition = rUint(r, 255);
  const language = rText(r);
  const card = rUint(r, 3);
  if (n !== PART_LENGTH[card]) throw FALLBACK;
  switch (card) {
    case 0:
      return { disposition, language, cardinality: 'nullpart' };
    case 1:
      return { disposition, language, cardinality: 'single', contentType: rText(r), content: rBytes(r) };
    case 2:
      return {
        disposition,
        language,
        cardinality: 'external',
        contentType: rText(r),
        url: rText(r),
        expires: rUint(r, 0xffffffff),
        size: rUint(r, Number.MAX_SAFE_INTEGER),
        encAlg: rUint(r, 0xffff),
        key: rBytes(r),
        nonce: rBytes(r),
        aad: rBytes(r),
        hashAlg: rUint(r, 0xff),
        contentHash: rBytes(r),
        description: rText(r),
        filename: rText(r),
      };
    default: {
      const partSemantics = SEMANTICS[rUint(r, 2)]!;
      const count = rHead(r, 4);
      if (count < 2 || count > r.bytes.length - r.pos) throw FALLBACK;
      const parts: NestedPart[] = new Array<NestedPart>(count);
      for (let i = 0; i < count; i++) parts[i] = rPart(r, level + 1);
      return { disposition, language, cardinality: 'multi', partSemantics, parts };
    }
  }
}

// One reader reused by every fast decode (fastDecode never calls back into user code, so it is not re-entered).
const READER = new CborReader(new Uint8Array(0), 32, true, false);
READER.shareCopy = true;

function fastDecode(bytes: Uint8Array, opts: DecodeContentOptions): MimiContent {
  if (!(bytes instanceof Uint8Array) || bytes.length > (opts.maxBytes ?? DEFAULT_MAX_BYTES) || bytes[0] !== 0x87) throw FALLBACK;
  if (opts.maxItems === undefined) READER.reset(bytes);
  else READER.reset(bytes, opts.maxItems);
  try {
    return fastDecodeWith(READER, bytes);
  } finally {
    READER.reset(EMPTY); // do not keep the input (or its private copy) alive
  }
}

const EMPTY = new Uint8Array(0);

function fastDecodeWith(r: CborReader, bytes: Uint8Array): MimiContent {
  r.pos = 1;
  const salt = rBytes(r);
  if (salt.length !== 16) throw FALLBACK;
  const replaces = rMessageId(r);
  const topicId = rBytes(r);
  let expires: Expiration | null = null;
  if (!rNull(r)) {
    if (bytes[r.pos] !== 0x82) throw FALLBACK;
    const b = bytes[r.pos + 1];
    if (b !== 0xf4 && b !== 0xf5) throw FALLBACK;
    r.pos += 2;
    expires = { relative: b === 0xf5, time: rUint(r, 0xffffffff) };
  }
  const inReplyTo = rMessageId(r);
  let extensions: MimiExtensions;
  const e0 = bytes[r.pos];
  if (e0 === 0xa2 && bytes[r.pos + 1] === 0x01) {
    // The common case {1: senderUri, 2: roomUri}, read without building a Map.
    r.pos += 2;
    const senderUri = rText(r);
    if (bytes[r.pos] !== 0x02) throw FALLBACK;
    r.pos++;
    extensions = { senderUri, roomUri: rText(r) };
  } else {
    const m = r.item(1);
    if (!(m instanceof Map)) throw FALLBACK;
    extensions = extensionsFromCbor(m, [5]);
  }
  const nestedPart = rPart(r, 1);
  if (r.pos !== bytes.length) throw FALLBACK;
  return { salt, replaces, topicId, expires, inReplyTo, extensions, nestedPart };
}

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
