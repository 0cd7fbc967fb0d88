/**
 * Decoding half of the content codec: a decoded CBOR value → {@link MimiContent}, checking the structure of
 * draft-ietf-mimi-content §3–§4 with `content/*` codes and CBOR-position paths (`[6, 4, 1, 3]`).
 *
 * @module
 */
import { isBytes, type CborValue } from '../cbor/value.js';
import type { Expiration, ExtensionKey, MimiContent, MimiExtensions } from './mimiContent.js';
import type { NestedPart } from './nestedPart.js';
import { PART_LENGTH, SEMANTICS, checkExtensionKey, describe, fail, isMessageId, isUint, type Path } from './shape.js';

const CARDINALITY = ['nullpart', 'single', 'external', 'multi'] as const;

function expirationFromCbor(v: CborValue, path: Path): Expiration | null {
  if (v === null) return null;
  // draft-ietf-mimi-content §3.6: Expiration = [relative: bool, time: uint .size 4]
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'boolean' || !isUint(v[1], 0xffffffff)) {
    fail('content/invalid-expiration', 'expires must be null or [bool, uint32]', path);
  }
  return { relative: v[0], time: v[1] };
}

export function extensionsFromCbor(v: CborValue, path: Path): MimiExtensions {
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
