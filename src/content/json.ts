/**
 * JSON mapping of MIMI content and message status reports (docs/json-mapping.md). Byte strings are
 * lower-case hex; extension keys are object keys (`"#<n>"` for integer keys, text keys as they are,
 * `"\"`-escaped when they start with `#` or `\`); arbitrary CBOR values use a tagged form.
 * The mapping is total and round-trips: `contentFromJson(contentToJson(c))` deep-equals `c`.
 *
 * @module
 */
import { CborFloat, CborSimple, CborTag, isBytes, isMap, type CborKey, type CborValue } from '../cbor/value.js';
import { compareKeys } from '../cbor/encode.js';
import { bytesToHex } from '../cbor/hex.js';
import { MimiError, type MimiErrorCode } from '../errors.js';
import { contentToCbor, validateContent } from './codec.js';
import type { ExtensionKey, MimiContent } from './mimiContent.js';
import type { NestedPart } from './nestedPart.js';
import { statusReportToCbor, type MessageStatusReport } from './status.js';

/** JSON form of a map key: a safe integer, a text string, or `{ "bytes": hex }` for a byte string. */
export type CborKeyJson = number | string | { bytes: string };

/** JSON form of an arbitrary CBOR value (extension values). */
export type CborJson =
  | null
  | boolean
  | number
  | string
  | CborJson[]
  | { bytes: string }
  | { bigint: string }
  | { float: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { tag: number; value: CborJson }
  | { map: [CborKeyJson, CborJson][] }
  | { simple: number }
  | { undefined: true };

/** JSON form of a NestedPart: same fields, byte strings as hex. */
export type NestedPartJson =
  | { disposition: number; language: string; cardinality: 'nullpart' }
  | { disposition: number; language: string; cardinality: 'single'; contentType: string; content: string }
  | {
      disposition: number;
      language: string;
      cardinality: 'external';
      contentType: string;
      url: string;
      expires: number;
      size: number;
      encAlg: number;
      key: string;
      nonce: string;
      aad: string;
      hashAlg: number;
      contentHash: string;
      description: string;
      filename: string;
    }
  | { disposition: number; language: string; cardinality: 'multi'; partSemantics: 'chooseOne' | 'singleUnit' | 'processAll'; parts: NestedPartJson[] };

/** JSON form of a {@link MimiContent}. */
export interface MimiContentJson {
  salt: string;
  replaces: string | null;
  topicId: string;
  expires: { relative: boolean; time: number } | null;
  inReplyTo: string | null;
  extensions: { senderUri?: string; roomUri?: string; other?: Record<string, CborJson> };
  nestedPart: NestedPartJson;
}

/** JSON form of a status report. */
export type MessageStatusReportJson = { messageId: string; status: number }[];

type Path = (string | number)[];

function jfail(code: MimiErrorCode, message: string, path: Path): never {
  throw new MimiError(code, message, { path });
}

/**
 * A text that UTF-8 cannot carry (a lone surrogate) is refused here, at the boundary, rather than by the
 * encoder later (draft-ietf-mimi-content §7.2: text strings MUST be valid UTF-8).
 */
function wellFormed<T>(v: T, path: Path): T {
  if (typeof v === 'string' && !v.isWellFormed()) jfail('json/invalid-text', 'text with a lone surrogate cannot be UTF-8', path);
  return v;
}

/** Sets an own property even for keys like `__proto__` (JSON.parse creates those as own keys). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
function hexIn(v: unknown, path: Path): unknown {
  if (typeof v !== 'string') return v; // wrong type: reported by the content validation with its own code
  if (!HEX_RE.test(v)) jfail('json/invalid-hex', 'expected an even-length hex string', path);
  const out = new Uint8Array(v.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(v.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Extension keys
// ---------------------------------------------------------------------------------------------

/**
 * The JSON object key of an extension key: `#<decimal>` for integers, the text itself otherwise
 * (prefixed with `\` when it starts with `#` or `\`).
 *
 * @param key - an integer or text extension key
 * @returns the JSON object key
 * @throws never
 * @example
 * ```ts
 * extensionKeyToJson(256); // '#256'
 * extensionKeyToJson('#tag'); // '\\#tag'
 * ```
 */
export function extensionKeyToJson(key: ExtensionKey): string {
  if (typeof key === 'number') return `#${key}`;
  return key.startsWith('#') || key.startsWith('\\') ? `\\${key}` : key;
}

const INT_KEY = /^#(0|-?[1-9][0-9]*)$/;

/**
 * Parses a JSON object key back into an extension key (inverse of {@link extensionKeyToJson}).
 *
 * @param key - the JSON object key
 * @returns the integer or text key
 * @throws {@link MimiError} `json/invalid-extension-key` for `#` not followed by a canonical safe integer, or
 *   `\` not followed by `#` or `\`
 * @example
 * ```ts
 * extensionKeyFromJson('#-1'); // -1
 * ```
 */
export function extensionKeyFromJson(key: string): ExtensionKey {
  wellFormed(key, [key]);
  if (key.startsWith('\\')) {
    const rest = key.slice(1);
    if (!rest.startsWith('#') && !rest.startsWith('\\')) jfail('json/invalid-extension-key', `"\\" only escapes a leading # or \\: ${key}`, [key]);
    return rest;
  }
  if (key.startsWith('#')) {
    const m = INT_KEY.exec(key);
    const n = m === null ? NaN : Number(m[1]);
    if (!Number.isSafeInteger(n)) jfail('json/invalid-extension-key', `"#" must be followed by a safe integer in canonical decimal: ${key}`, [key]);
    return n;
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// Arbitrary CBOR values
// ---------------------------------------------------------------------------------------------

/**
 * The tagged JSON form of a CBOR value (docs/json-mapping.md): safe integers, text, booleans, null and
 * arrays map to themselves; other integers `{"bigint": "<decimal>"}`, byte strings `{"bytes": hex}`,
 * floats `{"float": n}` (`"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"` for the values JSON lacks), tags
 * `{"tag": n, "value": v}`, maps `{"map": [[k, v], …]}` in deterministic key order (byte-string keys as
 * `{"bytes": hex}`), simple values `{"simple": n}`, undefined `{"undefined": true}`.
 *
 * @param v - the value
 * @returns the JSON form
 * @throws {@link MimiError} `json/unencodable` for a value outside the CBOR data model
 * @example
 * ```ts
 * cborToJson(new CborFloat(1.5)); // { float: 1.5 }
 * cborToJson(2n ** 64n - 1n); // { bigint: '18446744073709551615' }
 * cborToJson(new Map([[new Uint8Array([1]), 2]])); // { map: [[{ bytes: '01' }, 2]] }
 * ```
 */
export function cborToJson(v: CborValue): CborJson {
  return toJson(v, [], 0);
}

function toJson(v: CborValue, path: Path, depth: number): CborJson {
  if (depth > 64) jfail('json/too-deep', 'value nested more than 64 levels', path);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v === undefined) return { undefined: true };
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) jfail('json/unencodable', `${v} is not a safe integer`, path);
    return v;
  }
  if (typeof v === 'bigint') {
    // One form per integer: safe integers are plain numbers.
    return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : { bigint: v.toString() };
  }
  if (isBytes(v)) return { bytes: bytesToHex(v) };
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, [...path, i], depth + 1));
  if (isMap(v)) {
    const entries: [CborKeyJson, CborJson][] = [];
    for (const k of keysInOrder(v, path)) {
      const kj: CborKeyJson = typeof k === 'object' ? { bytes: bytesToHex(k) } : k;
      entries.push([kj, toJson(v.get(k) as CborValue, [...path, typeof k === 'object' ? `h'${kj.toString()}'` : k], depth + 1)]);
    }
    return { map: entries };
  }
  if (v instanceof CborFloat) {
    const x = v.value;
    if (Number.isNaN(x)) return { float: 'NaN' };
    if (x === Infinity) return { float: 'Infinity' };
    if (x === -Infinity) return { float: '-Infinity' };
    if (Object.is(x, -0)) return { float: '-0' };
    return { float: x };
  }
  if (v instanceof CborTag) return { tag: v.tag, value: toJson(v.value, [...path, 'value'], depth + 1) };
  if (v instanceof CborSimple) return { simple: v.value };
  return jfail('json/unencodable', 'not a CBOR data model value', path);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The keys of a map in deterministic order (RFC 8949 §4.2.1: bytewise order of their encodings), so the
 * JSON form of a map does not depend on how it was built.
 */
function keysInOrder(m: Map<unknown, unknown>, path: Path): CborKey[] {
  const keys: CborKey[] = [];
  for (const k of m.keys()) {
    if (typeof k === 'number' ? !Number.isSafeInteger(k) : typeof k !== 'string' && !isBytes(k)) {
      jfail('json/unencodable', 'map keys are safe integers, text or byte strings', path);
    }
    keys.push(k as CborKey);
  }
  return keys.length > 1 ? keys.sort(compareKeys) : keys;
}

const FLOAT_WORDS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
/** Canonical decimal: no sign but `-`, no leading zeros. 2467 digits bound 8192-bit values (the bignum limit). */
const DECIMAL = /^-?[1-9][0-9]{0,2467}$/;

/**
 * Parses the tagged JSON form back into a CBOR value (inverse of {@link cborToJson}).
 *
 * @param j - the JSON value
 * @returns the CBOR value
 * @throws {@link MimiError} `json/invalid-number` (a bare non-integer or unsafe number: use `{"float": n}`
 *   or `{"bigint": "…"}`; a `bigint` that is a safe integer or not canonical decimal), `json/invalid-value`
 *   (an object that is none of the tagged forms), `json/invalid-hex`, `json/invalid-text` (a lone
 *   surrogate), `json/duplicate-key`, `json/too-deep`
 * @example
 * ```ts
 * cborFromJson({ tag: 32, value: 'http://example.com' }); // CborTag(32, 'http://example.com')
 * ```
 */
export function cborFromJson(j: unknown): CborValue {
  return fromJson(j, [], 0);
}

function only(o: Record<string, unknown>, keys: string[], path: Path): void {
  const ks = Object.keys(o);
  if (ks.length !== keys.length || !keys.every((k) => Object.hasOwn(o, k))) {
    jfail('json/invalid-value', `a tagged value has exactly the keys ${keys.join(', ')}`, path);
  }
}

function fromJson(j: unknown, path: Path, depth: number): CborValue {
  if (depth > 64) jfail('json/too-deep', 'value nested more than 64 levels', path);
  if (j === null || typeof j === 'boolean') return j;
  if (typeof j === 'string') return wellFormed(j, path);
  if (typeof j === 'number') {
    if (!Number.isSafeInteger(j)) jfail('json/invalid-number', `${j} is not a safe integer; write floats as {"float": ${j}}, big integers as {"bigint": "…"}`, path);
    return j;
  }
  if (Array.isArray(j)) return j.map((x, i) => fromJson(x, [...path, i], depth + 1));
  if (!isObj(j)) return jfail('json/invalid-value', `cannot map a ${typeof j}`, path);
  if (Object.hasOwn(j, 'bytes')) return bytesFromJson(j, path);
  if (Object.hasOwn(j, 'bigint')) {
    only(j, ['bigint'], path);
    const d = j.bigint;
    if (typeof d !== 'string' || !DECIMAL.test(d)) jfail('json/invalid-number', 'bigint must be canonical decimal text', [...path, 'bigint']);
    const n = BigInt(d);
    if (n >= -MAX_SAFE && n <= MAX_SAFE) jfail('json/invalid-number', `${d} is a safe integer: write it as a plain number`, [...path, 'bigint']);
    if ((n < 0n ? -1n - n : n) >> 8192n !== 0n) jfail('json/invalid-number', 'bigint beyond 8192 bits (the bignum limit)', [...path, 'bigint']);
    return n;
  }
  if (Object.hasOwn(j, 'float')) {
    only(j, ['float'], path);
    const f = j.float;
    if (typeof f === 'number') return new CborFloat(f);
    if (typeof f === 'string' && Object.hasOwn(FLOAT_WORDS, f)) return new CborFloat(FLOAT_WORDS[f]!);
    return jfail('json/invalid-number', 'float must be a number or "NaN", "Infinity", "-Infinity", "-0"', [...path, 'float']);
  }
  if (Object.hasOwn(j, 'tag')) {
    only(j, ['tag', 'value'], path);
    const t = j.tag;
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) jfail('json/invalid-number', 'tag must be a non-negative safe integer', [...path, 'tag']);
    // RFC 8949 §3.4.3: bignums are integers in the data model, written {"bigint": …}.
    if (t === 2 || t === 3) jfail('json/invalid-value', 'tags 2 and 3 (bignums) are written as {"bigint": "…"}', [...path, 'tag']);
    return new CborTag(t, fromJson(j.value, [...path, 'value'], depth + 1));
  }
  if (Object.hasOwn(j, 'map')) {
    only(j, ['map'], path);
    const entries = j.map;
    if (!Array.isArray(entries)) return jfail('json/invalid-value', 'map must be an array of [key, value] pairs', [...path, 'map']);
    const m = new Map<CborKey, CborValue>();
    const byteKeys = new Set<string>(); // a Map compares Uint8Array keys by identity: compare their hex
    entries.forEach((e: unknown, i) => {
      const p = [...path, 'map', i];
      if (!Array.isArray(e) || e.length !== 2) jfail('json/invalid-value', 'a map entry is [key, value]', p);
      const kj: unknown = e[0];
      let k: CborKey;
      let dup: boolean;
      if (typeof kj === 'string' || (typeof kj === 'number' && Number.isSafeInteger(kj))) {
        k = wellFormed(kj, [...p, 0]);
        dup = m.has(k);
      } else if (isObj(kj) && Object.hasOwn(kj, 'bytes')) {
        k = bytesFromJson(kj, [...p, 0]);
        const h = bytesToHex(k);
        dup = byteKeys.has(h);
        byteKeys.add(h);
      } else return jfail('json/invalid-value', 'map keys are safe integers, strings or {"bytes": hex}', [...p, 0]);
      if (dup) jfail('json/duplicate-key', `duplicate map key ${typeof k === 'object' ? `h'${bytesToHex(k)}'` : JSON.stringify(k)}`, [...p, 0]);
      m.set(k, fromJson(e[1], [...p, 1], depth + 1));
    });
    return m;
  }
  if (Object.hasOwn(j, 'simple')) {
    only(j, ['simple'], path);
    const s = j.simple;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 255 || (s >= 20 && s < 32)) {
      jfail('json/invalid-value', 'simple must be 0..19 or 32..255', [...path, 'simple']);
    }
    return new CborSimple(s);
  }
  if (Object.hasOwn(j, 'undefined')) {
    only(j, ['undefined'], path);
    if (j.undefined !== true) jfail('json/invalid-value', 'write undefined as {"undefined": true}', path);
    return undefined;
  }
  return jfail('json/invalid-value', 'object is none of bytes/bigint/float/tag/map/simple/undefined', path);
}

function bytesFromJson(j: Record<string, unknown>, path: Path): Uint8Array {
  only(j, ['bytes'], path);
  if (typeof j.bytes !== 'string') jfail('json/invalid-hex', 'bytes must be a hex string', [...path, 'bytes']);
  return hexIn(j.bytes, [...path, 'bytes']) as Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

function partToJson(p: NestedPart): NestedPartJson {
  switch (p.cardinality) {
    case 'nullpart':
      return { disposition: p.disposition, language: p.language, cardinality: 'nullpart' };
    case 'single':
      return { disposition: p.disposition, language: p.language, cardinality: 'single', contentType: p.contentType, content: bytesToHex(p.content) };
    case 'external':
      return {
        disposition: p.disposition,
        language: p.language,
        cardinality: 'external',
        contentType: p.contentType,
        url: p.url,
        expires: p.expires,
        size: p.size,
        encAlg: p.encAlg,
        key: bytesToHex(p.key),
        nonce: bytesToHex(p.nonce),
        aad: bytesToHex(p.aad),
        hashAlg: p.hashAlg,
        contentHash: bytesToHex(p.contentHash),
        description: p.description,
        filename: p.filename,
      };
    default:
      return {
        disposition: p.disposition,
        language: p.language,
        cardinality: 'multi',
        partSemantics: p.partSemantics,
        parts: p.parts.map(partToJson),
      };
  }
}

/**
 * Maps a message to plain JSON (docs/json-mapping.md).
 *
 * @param c - the message (validated first)
 * @returns a JSON-serialisable object
 * @throws {@link MimiError} `content/*` when `c` is invalid, `json/unencodable` for an extension value outside the data model
 * @example
 * ```ts
 * JSON.stringify(contentToJson(decodeContent(bytes)));
 * ```
 */
export function contentToJson(c: MimiContent): MimiContentJson {
  contentToCbor(c); // validation
  const hexOrNull = (b: Uint8Array | null) => (b === null ? null : bytesToHex(b));
  const ext: MimiContentJson['extensions'] = {};
  if (c.extensions.senderUri !== undefined) ext.senderUri = c.extensions.senderUri;
  if (c.extensions.roomUri !== undefined) ext.roomUri = c.extensions.roomUri;
  const other = c.extensions.other;
  if (other !== undefined && other.size > 0) {
    // Object keys in the deterministic order of the CBOR keys, whatever order the Map was built in.
    const o: Record<string, CborJson> = {};
    for (const k of keysInOrder(other as Map<unknown, unknown>, ['extensions', 'other']) as ExtensionKey[]) {
      put(o, extensionKeyToJson(k), toJson(other.get(k) as CborValue, ['extensions', 'other', k], 1));
    }
    ext.other = o;
  }
  return {
    salt: bytesToHex(c.salt),
    replaces: hexOrNull(c.replaces),
    topicId: bytesToHex(c.topicId),
    expires: c.expires === null ? null : { relative: c.expires.relative, time: c.expires.time },
    inReplyTo: hexOrNull(c.inReplyTo),
    extensions: ext,
    nestedPart: partToJson(c.nestedPart),
  };
}

const PART_HEX = ['content', 'key', 'nonce', 'aad', 'contentHash'];

function partFromJson(p: unknown, path: Path, depth: number): unknown {
  if (!isObj(p)) return p;
  if (depth > 64) jfail('json/too-deep', 'parts nested more than 64 levels', path);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (PART_HEX.includes(k)) put(out, k, hexIn(v, [...path, k]));
    else if (k === 'parts' && Array.isArray(v)) put(out, k, v.map((x, i) => partFromJson(x, [...path, 'parts', i], depth + 1)));
    else put(out, k, wellFormed(v, [...path, k]));
  }
  return out;
}

/**
 * Parses the JSON mapping back into a validated message (inverse of {@link contentToJson}). Hex may be
 * either case on input.
 *
 * @param j - the JSON object, or JSON text
 * @returns the message
 * @throws {@link MimiError} `json/syntax` (unparsable text), `json/bad-structure`, `json/invalid-hex`,
 *   `json/invalid-extension-key`, `json/invalid-value`, `json/invalid-number`, `json/invalid-text` (a lone
 *   surrogate, which `encodeContent` could not write as UTF-8); then `content/*` from
 *   {@link validateContent} (field-name paths)
 * @example
 * ```ts
 * encodeContent(contentFromJson(readFileSync('msg.json', 'utf8')));
 * ```
 */
export function contentFromJson(j: unknown): MimiContent {
  let v = j;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch (e) {
      throw new MimiError('json/syntax', `not JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  if (!isObj(v)) jfail('json/bad-structure', 'MIMI content JSON is an object', []);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'salt' || k === 'topicId') put(out, k, hexIn(x, [k]));
    else if (k === 'replaces' || k === 'inReplyTo') put(out, k, x === null ? null : hexIn(x, [k]));
    else if (k === 'nestedPart') put(out, k, partFromJson(x, [k], 1));
    else if (k === 'extensions' && isObj(x)) {
      const ext: Record<string, unknown> = {};
      for (const [ek, ev] of Object.entries(x)) {
        if (ek === 'other') {
          if (!isObj(ev)) jfail('json/bad-structure', 'extensions.other is an object keyed by extension key', ['extensions', 'other']);
          const m = new Map<ExtensionKey, CborValue>();
          for (const [rk, rv] of Object.entries(ev)) {
            const key = extensionKeyFromJson(rk);
            if (m.has(key)) jfail('json/duplicate-key', `extension key ${rk} appears twice`, ['extensions', 'other', rk]);
            m.set(key, fromJson(rv, ['extensions', 'other', rk], 1));
          }
          if (m.size > 0) ext.other = m; // an empty "other" is the same message as none
        } else put(ext, ek, wellFormed(ev, ['extensions', ek]));
      }
      put(out, k, ext);
    } else put(out, k, x);
  }
  return validateContent(out);
}

/**
 * Maps a status report to JSON: `[{ "messageId": hex, "status": n }, …]`.
 *
 * @param report - the report (validated)
 * @returns the JSON form
 * @throws {@link MimiError} `status/*` for invalid entries
 * @example
 * ```ts
 * statusToJson([{ messageId: id, status: 2 }]); // [{ messageId: '01…', status: 2 }]
 * ```
 */
export function statusToJson(report: MessageStatusReport): MessageStatusReportJson {
  statusReportToCbor(report);
  return report.map((e) => ({ messageId: bytesToHex(e.messageId), status: e.status }));
}

/**
 * Parses the JSON form of a status report (inverse of {@link statusToJson}).
 *
 * @param j - the JSON array, or JSON text
 * @returns the report
 * @throws {@link MimiError} `json/syntax`, `json/bad-structure`, `json/invalid-hex`, then `status/*`
 * @example
 * ```ts
 * encodeStatusReport(statusFromJson('[{"messageId":"01…","status":2}]'));
 * ```
 */
export function statusFromJson(j: unknown): MessageStatusReport {
  let v = j;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch (e) {
      throw new MimiError('json/syntax', `not JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  if (!Array.isArray(v)) jfail('json/bad-structure', 'a status report is a JSON array', []);
  const report = v.map((e: unknown, i) => {
    if (!isObj(e)) jfail('json/bad-structure', 'an entry is an object', [i]);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(e)) put(out, k, k === 'messageId' ? hexIn(x, [i, 'messageId']) : x);
    return out;
  }) as unknown as MessageStatusReport;
  statusReportToCbor(report);
  return report;
}
