/**
 * The "content" vector suite: checks vectors of spec-vectors/content/ against mimi-kit's content codec
 * (draft-ietf-mimi-content) and message status codec (draft-mahy-mimi-message-status).
 *
 * Kinds (see spec-vectors/README.md for the exact input/expected shapes):
 * - `decode`: `input.hex` decodes to `expected.content` (the JSON mapping of docs/json-mapping.md), has
 *   the message ID `expected.messageId`, and `expected.content` encodes back to `input.hex`.
 * - `decode-error`: decoding `input.hex` fails with exactly the code `error`.
 * - `roundtrip`: `input.hex` decodes, and re-encodes (directly and through the JSON mapping) to itself.
 * - `message-id` / `message-id-error`: the message ID of `input.hex` with optional `senderUri`/`roomUri`
 *   overrides is `expected.messageId` / fails with `error`.
 * - `derived-values`: `input.hex` is a MessageDerivedValues array (draft-ietf-mimi-content Appendix B.2)
 *   with the fields of `expected`.
 * - `status-decode` / `status-decode-error`: a message status report decodes to `expected.report` /
 *   fails with `error`.
 *
 * @module
 */
import { decodeCbor } from '../cbor/decode.js';
import { bytesToHex, hexToBytes } from '../cbor/hex.js';
import {
  contentFromJson,
  contentToJson,
  decodeContent,
  decodeStatusReport,
  encodeContent,
  encodeStatusReport,
  messageId,
  safeDecodeContent,
  safeDecodeStatusReport,
  statusFromJson,
  statusToJson,
} from '../content/index.js';
import { MimiError, type Result } from '../errors.js';
import type { Vector, VectorOutcome, VectorSuite } from './format.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `vector.input.hex` (or returns a reason). */
function inputBytes(v: Vector): Uint8Array | string {
  const input = v.input;
  if (!isObj(input) || typeof input.hex !== 'string') return 'input.hex missing';
  try {
    return hexToBytes(input.hex);
  } catch {
    return 'input.hex is not hex';
  }
}

/**
 * The first difference between two JSON values, as `path: got X, expected Y`, or undefined when equal.
 *
 * @param got - actual value
 * @param want - expected value
 * @param path - path prefix for the message
 * @returns a one-line description of the first difference
 * @throws never
 * @example
 * ```ts
 * jsonDiff({ a: [1, 2] }, { a: [1, 3] }); // '$.a[1]: got 2, expected 3'
 * ```
 */
export function jsonDiff(got: unknown, want: unknown, path = '$'): string | undefined {
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return `${path}: got ${short(got)}, expected an array`;
    if (got.length !== want.length) return `${path}: got ${got.length} items, expected ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const d = jsonDiff(got[i], want[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObj(want)) {
    if (!isObj(got)) return `${path}: got ${short(got)}, expected an object`;
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    for (const k of keys) {
      if (!Object.hasOwn(want, k)) return `${path}.${k}: unexpected field`;
      if (!Object.hasOwn(got, k)) return `${path}.${k}: missing`;
      const d = jsonDiff(got[k], want[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(got, want) ? undefined : `${path}: got ${short(got)}, expected ${short(want)}`;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function expectError(r: Result<unknown>, code: unknown): VectorOutcome {
  if (typeof code !== 'string') return 'vector has no "error" code';
  if (r.ok) return `decoded without error, expected ${code}`;
  return r.error.code === code ? undefined : `failed with ${r.error.code}, expected ${code} (${r.error.message})`;
}

function attempt(fn: () => VectorOutcome): VectorOutcome {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MimiError) return `${e.code}: ${e.message}`;
    throw e;
  }
}

const decode = (v: Vector): VectorOutcome =>
  attempt(() => {
    const bytes = inputBytes(v);
    if (typeof bytes === 'string') return bytes;
    const expected = v.expected;
    if (!isObj(expected)) return 'expected missing';
    const content = decodeContent(bytes);
    const diff = jsonDiff(contentToJson(content), expected.content, 'content');
    if (diff) return diff;
    if (expected.messageId !== undefined) {
      const id = bytesToHex(messageId(bytes));
      if (id !== expected.messageId) return `messageId ${id}, expected ${String(expected.messageId)}`;
    }
    const back = bytesToHex(encodeContent(contentFromJson(expected.content)));
    if (back !== bytesToHex(bytes)) return 'expected.content does not encode to input.hex';
    return undefined;
  });

const roundtrip = (v: Vector): VectorOutcome =>
  attempt(() => {
    const bytes = inputBytes(v);
    if (typeof bytes === 'string') return bytes;
    const hex = bytesToHex(bytes);
    const content = decodeContent(bytes);
    if (bytesToHex(encodeContent(content)) !== hex) return 're-encoding gives different bytes';
    const json = JSON.parse(JSON.stringify(contentToJson(content))) as unknown;
    if (bytesToHex(encodeContent(contentFromJson(json))) !== hex) return 'encoding through the JSON mapping gives different bytes';
    return undefined;
  });

function idOptions(v: Vector): { senderUri?: string; roomUri?: string } {
  const input = isObj(v.input) ? v.input : {};
  return {
    ...(typeof input.senderUri === 'string' ? { senderUri: input.senderUri } : {}),
    ...(typeof input.roomUri === 'string' ? { roomUri: input.roomUri } : {}),
  };
}

const messageIdKind = (v: Vector): VectorOutcome =>
  attempt(() => {
    const bytes = inputBytes(v);
    if (typeof bytes === 'string') return bytes;
    const want = isObj(v.expected) ? v.expected.messageId : undefined;
    const id = bytesToHex(messageId(bytes, idOptions(v)));
    return id === want ? undefined : `messageId ${id}, expected ${String(want)}`;
  });

const messageIdError = (v: Vector): VectorOutcome => {
  const bytes = inputBytes(v);
  if (typeof bytes === 'string') return bytes;
  let r: Result<unknown>;
  try {
    r = { ok: true, value: messageId(bytes, idOptions(v)) };
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    r = { ok: false, error: e };
  }
  return expectError(r, v.error);
};

const decodeError = (v: Vector): VectorOutcome => {
  const bytes = inputBytes(v);
  if (typeof bytes === 'string') return bytes;
  return expectError(safeDecodeContent(bytes), v.error);
};

// draft-ietf-mimi-content Appendix B.2: MessageDerivedValues = [messageId, hubAcceptedTimestamp,
// mlsGroupId, senderLeafIndex, senderClientUrl, senderUserUrl, roomUrl].
const DERIVED_FIELDS = ['messageId', 'hubAcceptedTimestamp', 'mlsGroupId', 'senderLeafIndex', 'senderClientUrl', 'senderUserUrl', 'roomUrl'];

const derivedValues = (v: Vector): VectorOutcome =>
  attempt(() => {
    const bytes = inputBytes(v);
    if (typeof bytes === 'string') return bytes;
    const value = decodeCbor(bytes);
    if (!Array.isArray(value) || value.length !== 7) return 'not an array of 7 items';
    const [id, ts, group, leaf, client, user, room] = value;
    if (!(id instanceof Uint8Array) || id.length !== 32) return 'messageId is not 32 octets';
    if (typeof ts !== 'number' || ts < 0) return 'hubAcceptedTimestamp is not an unsigned integer';
    if (!(group instanceof Uint8Array)) return 'mlsGroupId is not a byte string';
    if (typeof leaf !== 'number' || leaf < 0 || leaf > 0xffffffff) return 'senderLeafIndex is not a uint32';
    if (typeof client !== 'string' || typeof user !== 'string' || typeof room !== 'string') return 'the URLs must be text';
    const got: Obj = {};
    value.forEach((x, i) => (got[DERIVED_FIELDS[i]!] = x instanceof Uint8Array ? bytesToHex(x) : x));
    return jsonDiff(got, v.expected, 'expected');
  });

const statusDecode = (v: Vector): VectorOutcome =>
  attempt(() => {
    const bytes = inputBytes(v);
    if (typeof bytes === 'string') return bytes;
    const want = isObj(v.expected) ? v.expected.report : undefined;
    const report = decodeStatusReport(bytes);
    const diff = jsonDiff(statusToJson(report), want, 'report');
    if (diff) return diff;
    if (bytesToHex(encodeStatusReport(statusFromJson(want))) !== bytesToHex(bytes)) return 'expected.report does not encode to input.hex';
    return undefined;
  });

const statusDecodeError = (v: Vector): VectorOutcome => {
  const bytes = inputBytes(v);
  if (typeof bytes === 'string') return bytes;
  return expectError(safeDecodeStatusReport(bytes), v.error);
};

/**
 * The "content" suite, registered in src/vectors/suites.ts.
 *
 * @example
 * ```ts
 * const outcome = await contentSuite.verifiers['decode-error']!(vector); // undefined when it passes
 * ```
 */
export const contentSuite: VectorSuite = {
  suite: 'content',
  verifiers: {
    decode,
    'decode-error': decodeError,
    roundtrip,
    'message-id': messageIdKind,
    'message-id-error': messageIdError,
    'derived-values': derivedValues,
    'status-decode': statusDecode,
    'status-decode-error': statusDecodeError,
  },
};
