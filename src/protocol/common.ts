/**
 * What every MIMI protocol body shares: the `Protocol` enum, `IdentifierUri`, enum and fixed-size readers,
 * the decoder limits and the mapping of TLS-codec failures to stable `protocol/*` codes
 * (draft-ietf-mimi-protocol-06 "MIMI Endpoints and Framing").
 *
 * @module
 */
import { MimiError, type MimiErrorCode } from '../errors.js';
import { TlsReader, TlsWriter, type TlsReaderOptions } from '../tls/codec.js';

/**
 * draft-ietf-mimi-protocol-06 "MIMI Endpoints and Framing": `enum { reserved(0), mls10(1), (255) } Protocol`.
 *
 * @example
 * ```ts
 * import { Protocol } from 'mimi-kit/protocol';
 * Protocol.mls10; // 1
 * ```
 */
export const Protocol = { reserved: 0, mls10: 1 } as const;
/** A name of {@link Protocol}. */
export type ProtocolName = keyof typeof Protocol;

/**
 * Default bound of a whole body (8 MiB): larger bodies are refused before any parsing.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_BODY_BYTES } from 'mimi-kit/protocol';
 * DEFAULT_MAX_BODY_BYTES; // 8388608
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES: number = 8 * 1024 * 1024;

/** Limits of every `decode*` function of `mimi-kit/protocol`. */
export interface ProtocolDecodeOptions {
  /** Largest body accepted (default {@link DEFAULT_MAX_BODY_BYTES}); beyond: `protocol/body-too-large`. */
  readonly maxBodyBytes?: number;
  /** Largest single vector (default: the TLS codec's 16 MiB); beyond: `protocol/too-large`. */
  readonly maxVectorBytes?: number;
  /** Most items in the body (default: 65 536 + one per 8 input bytes); beyond: `protocol/too-many-items`. */
  readonly maxItems?: number;
}

const TLS_TO_PROTOCOL: Readonly<Record<string, MimiErrorCode>> = {
  'tls/truncated': 'protocol/truncated',
  'tls/trailing-bytes': 'protocol/trailing-bytes',
  'tls/invalid-varint': 'protocol/bad-length',
  'tls/non-minimal-varint': 'protocol/bad-length',
  'tls/vector-too-large': 'protocol/too-large',
  'tls/too-many-items': 'protocol/too-many-items',
  'tls/invalid-optional': 'protocol/bad-optional',
  'tls/invalid-bool': 'protocol/bad-enum',
  'tls/invalid-enum': 'protocol/bad-enum',
  'tls/invalid-utf8': 'protocol/invalid-utf8',
  'tls/value-out-of-range': 'protocol/value-out-of-range',
};

/** Re-raises a `tls/*` error as its `protocol/*` code (the TLS error stays as `cause`). */
function toProtocolError(e: unknown, what: string): unknown {
  if (!(e instanceof MimiError) || !e.code.startsWith('tls/')) return e;
  const code = TLS_TO_PROTOCOL[e.code] ?? 'protocol/bad-length';
  return new MimiError(code, `${what}: ${e.message}`, { cause: e, details: { ...e.details, tlsCode: e.code } });
}

/**
 * Decodes one whole body: size bound first, then `read`, then no trailing bytes. Every failure is a
 * `protocol/*` `MimiError`.
 *
 * @param bytes - the body
 * @param what - the structure's name, for messages
 * @param read - reads the structure
 * @param options - limits
 * @returns the value
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeBody } from 'mimi-kit/protocol';
 * decodeBody(new Uint8Array([1]), 'Protocol', (r) => r.uint8()); // 1
 * ```
 */
export function decodeBody<T>(bytes: Uint8Array, what: string, read: (r: TlsReader) => T, options: ProtocolDecodeOptions = {}): T {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (bytes.length > max) {
    throw new MimiError('protocol/body-too-large', `${what}: body of ${bytes.length} bytes exceeds ${max}`, { details: { length: bytes.length, max } });
  }
  try {
    const r = new TlsReader(bytes, options satisfies TlsReaderOptions); // it reads maxVectorBytes and maxItems only
    const v = read(r);
    r.end();
    return v;
  } catch (e) {
    throw toProtocolError(e, what);
  }
}

/**
 * Encodes one body; encoder failures become `protocol/value-out-of-range`.
 *
 * @param what - the structure's name, for messages
 * @param write - writes the structure
 * @param capacity - the body's expected size (exact: no copy at the end); the writer grows past it when needed
 * @returns the bytes
 * @throws {@link MimiError} `protocol/value-out-of-range` (or the `protocol/*` code a writer raises)
 * @example
 * ```ts
 * import { encodeBody } from 'mimi-kit/protocol';
 * encodeBody('Protocol', (w) => w.uint8(1)); // Uint8Array [1]
 * ```
 */
export function encodeBody(what: string, write: (w: TlsWriter) => void, capacity?: number): Uint8Array {
  try {
    const w = new TlsWriter(capacity);
    write(w);
    return w.finish();
  } catch (e) {
    throw toProtocolError(e, what);
  }
}

/** The encoded size of `opaque data<V>` holding `n` bytes (RFC 9420 §2.1.2 minimal varint prefix). */
export function vectorSize(n: number): number {
  return n + (n < 0x40 ? 1 : n < 0x4000 ? 2 : 4);
}

/** The encoded size of an ASCII string (an estimate for others: the writer grows when UTF-8 is longer). */
export function stringSize(s: unknown): number {
  return typeof s === 'string' ? vectorSize(s.length) : 0;
}

/** Throws `protocol/bad-enum`. */
export function badEnum(field: string, value: number, offset?: number): MimiError {
  return new MimiError('protocol/bad-enum', `${field}: value ${value} is not defined`, {
    path: [field],
    details: offset === undefined ? { value } : { value, offset },
  });
}

/**
 * Reads a uint8 enum and maps it to its name; undefined values (and `reserved` where the draft has one) are
 * `protocol/bad-enum`.
 *
 * @param r - the reader
 * @param values - the const object name → value
 * @param field - field name for the error
 * @returns the name
 */
export function readEnum8<E extends Readonly<Record<string, number>>>(r: TlsReader, values: E, field: string): Exclude<keyof E & string, 'reserved'> {
  const at = r.offset;
  const v = r.uint8();
  // for…in with hasOwn visits what Object.entries would, without allocating its arrays
  for (const name in values) if (Object.hasOwn(values, name) && values[name] === v && name !== 'reserved') return name as string as Exclude<keyof E & string, 'reserved'>;
  throw badEnum(field, v, at);
}

/**
 * Writes a uint8 enum by name.
 *
 * @param w - the writer
 * @param values - the const object name → value
 * @param name - the name
 * @param field - field name for the error
 */
export function writeEnum8<E extends Readonly<Record<string, number>>>(w: TlsWriter, values: E, name: string, field: string): void {
  const v = Object.hasOwn(values, name) && name !== 'reserved' ? values[name] : undefined;
  if (v === undefined) throw new MimiError('protocol/value-out-of-range', `${field}: unknown value ${JSON.stringify(name)}`, { path: [field] });
  w.uint8(v);
}

/** Reads `Protocol protocol` and requires mls10 (the only protocol -06 defines a `select` arm for). */
export function readProtocol(r: TlsReader): 'mls10' {
  const at = r.offset;
  const v = r.uint8();
  if (v !== Protocol.mls10) {
    throw new MimiError('protocol/unsupported-protocol', `Protocol ${v} is not mls10`, { path: ['protocol'], details: { value: v, offset: at } });
  }
  return 'mls10';
}

/** Writes `Protocol protocol` (mls10). */
export function writeProtocol(w: TlsWriter): void {
  w.uint8(Protocol.mls10);
}

/** Reads `IdentifierUri` (`struct { opaque uri<V>; }`) as UTF-8 text. */
export function readUri(r: TlsReader): string {
  return r.string();
}

/** Writes `IdentifierUri`. */
export function writeUri(w: TlsWriter, uri: string): void {
  if (typeof uri !== 'string') throw new MimiError('protocol/value-out-of-range', 'IdentifierUri must be a string');
  w.string(uri);
}

/** Reads `uint8 name[n]` / `opaque name[n]`: exactly n bytes, no prefix. */
export function readFixed(r: TlsReader, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.uint8();
  return out;
}

/** Writes a fixed-size byte array, refusing another length with `protocol/bad-length`. */
export function writeFixed(w: TlsWriter, b: Uint8Array, n: number, field: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    throw new MimiError('protocol/bad-length', `${field} must be ${n} bytes`, { path: [field], details: { expected: n } });
  }
  w.raw(b);
}

/** Checks that a value is a uint64 bigint (encoder side). */
export function checkU64(v: bigint, field: string): void {
  if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) {
    throw new MimiError('protocol/value-out-of-range', `${field} must be a uint64 bigint`, { path: [field] });
  }
}
