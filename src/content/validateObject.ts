/**
 * Validation of a {@link MimiContent} object before encoding: exactly what the CDDL of
 * draft-ietf-mimi-content §3 and §4.2 accepts, plus the extension-key rule of §3.7, with `content/*` codes
 * and field-name paths (`['nestedPart', 'parts', 1, 'contentType']`). Strict objects: no unknown field.
 *
 * @module
 */
import { isBytes, isMap, type CborValue } from '../cbor/value.js';
import type { MimiErrorCode } from '../errors.js';
import type { MimiContent } from './mimiContent.js';
import { SEMANTICS, checkExtensionKey, describe, fail, isMessageId, isUint, type Path } from './shape.js';

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
export function checkContent(o: unknown): asserts o is MimiContent {
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
