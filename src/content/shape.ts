/**
 * What the content decoder, the object validator and the fast path share about the shape of a MIMI content
 * message (draft-ietf-mimi-content §3, §4.2, §7.2): the partSemantics names, the item count of each
 * cardinality, the small predicates and the error helper, and the extension-key rule of §3.7.
 *
 * @module
 */
import { isBytes } from '../cbor/value.js';
import { MimiError, type MimiErrorCode } from '../errors.js';
import type { ExtensionKey } from './mimiContent.js';

export type Path = (string | number)[];

export const SEMANTICS = ['chooseOne', 'singleUnit', 'processAll'] as const;
export const PART_LENGTH = [3, 5, 15, 5];

export function fail(code: MimiErrorCode, message: string, path: Path, details?: Record<string, unknown>): never {
  throw new MimiError(code, message, details === undefined ? { path } : { path, details });
}

export function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

export function isMessageId(v: unknown): v is Uint8Array {
  return isBytes(v) && v.length === 32;
}

/** A value for an error message that never throws (null-prototype objects have no toString). */
export function describe(v: unknown): string {
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
export function checkExtensionKey(k: unknown, path: Path): asserts k is ExtensionKey {
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
