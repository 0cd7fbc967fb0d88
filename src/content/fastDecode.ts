/**
 * Fast path of `decodeContent`: bytes → MimiContent directly, for well-formed input. It uses the strict
 * reader's own primitives (shortest heads, UTF-8, bounds) and gives up (it throws FALLBACK) on anything
 * unusual; the general path (decodeCbor + contentFromCbor) then produces the result or the authoritative
 * error. A fuzz test checks that both paths agree (docs/decisions.md (Content) #16).
 *
 * @module
 */
import { CborReader } from '../cbor/reader.js';
import { extensionsFromCbor } from './fromCbor.js';
import type { Expiration, MimiContent, MimiExtensions } from './mimiContent.js';
import type { NestedPart } from './nestedPart.js';
import { PART_LENGTH, SEMANTICS } from './shape.js';

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

export function fastDecode(bytes: Uint8Array, opts: { readonly maxBytes?: number; readonly maxItems?: number }): MimiContent {
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
