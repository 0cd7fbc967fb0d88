/**
 * A small, strict codec for the TLS presentation language as profiled by RFC 9420 §2.1
 * (fixed-width unsigned integers, variable-length vectors `<V>` with a QUIC-style varint
 * length prefix, and `optional<T>`).
 *
 * Decoding is strict: a length that runs past the input, a non-minimal or reserved varint
 * prefix, a vector larger than the configured bound, a boolean or presence octet other than
 * 0/1, invalid UTF-8 and trailing bytes are all rejected with a {@link MimiError}.
 *
 * @module
 */
import { defaultItemLimit } from '../cbor/limits.js';
import { MimiError } from '../errors.js';

/** Default upper bound for one vector's byte length (16 MiB). RFC 9420 varints allow up to 2^30-1. */
export const DEFAULT_MAX_VECTOR_BYTES = 1 << 24;
/** Largest length a RFC 9420 §2.1.2 varint can carry. */
export const MAX_VARINT = 0x3fffffff;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Growable byte buffer with TLS presentation-language writers.
 *
 * @example
 * ```ts
 * const w = new TlsWriter();
 * w.uint16(0x0022);
 * w.opaque(new Uint8Array([1, 2]));
 * w.finish(); // Uint8Array [0x00, 0x22, 0x02, 0x01, 0x02]
 * ```
 */
export class TlsWriter {
  private buf: Uint8Array;
  private len = 0;
  /** Whether {@link finish} handed `buf` itself out (it was exactly full): it is never written again. */
  private shared = false;

  /**
   * @param capacity - initial buffer size in bytes (default 64); an encoder that knows its output size
   *   passes it so the buffer neither grows nor is copied by {@link finish}
   */
  constructor(capacity = 64) {
    this.buf = new Uint8Array(Number.isInteger(capacity) && capacity > 0 ? Math.min(capacity, MAX_VARINT) : 64);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.grow(this.len + n);
  }

  /** Moves to a buffer of at least `need` bytes (also how a buffer handed out by {@link finish} is left alone). */
  private grow(need: number): void {
    let size = Math.max(this.buf.length * 2, 64);
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.shared = false;
  }

  /**
   * Writes a uint8.
   * @param v - 0..255
   * @throws {@link MimiError} `tls/value-out-of-range`
   */
  uint8(v: number): void {
    checkUint(v, 0xff, 'uint8');
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  /**
   * Writes a big-endian uint16.
   * @param v - 0..65535
   * @throws {@link MimiError} `tls/value-out-of-range`
   */
  uint16(v: number): void {
    checkUint(v, 0xffff, 'uint16');
    this.ensure(2);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v & 0xff;
  }

  /**
   * Writes a big-endian uint32.
   * @param v - 0..2^32-1
   * @throws {@link MimiError} `tls/value-out-of-range`
   */
  uint32(v: number): void {
    checkUint(v, 0xffffffff, 'uint32');
    this.ensure(4);
    this.buf[this.len++] = v >>> 24;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }

  /**
   * Writes a big-endian uint64.
   * @param v - 0..2^64-1
   * @throws {@link MimiError} `tls/value-out-of-range`
   */
  uint64(v: bigint): void {
    if (v < 0n || v > 0xffffffffffffffffn) throw new MimiError('tls/value-out-of-range', 'uint64 out of range');
    if (typeof v === 'bigint' && v <= 0x1fffffffffffffn) {
      // Exact as a double below 2^53: two divisions instead of two BigInt operations (each allocates).
      const n = Number(v);
      this.uint32(Math.floor(n / 0x100000000));
      this.uint32(n % 0x100000000);
      return;
    }
    this.uint32(Number(v >> 32n));
    this.uint32(Number(v & 0xffffffffn));
  }

  /**
   * Writes a TLS `bool` (one octet, 0 or 1).
   * @param v - the boolean
   */
  bool(v: boolean): void {
    this.uint8(v ? 1 : 0);
  }

  /**
   * Writes a RFC 9420 §2.1.2 variable-length integer in its minimal form.
   * @param v - 0..2^30-1
   * @throws {@link MimiError} `tls/value-out-of-range`
   */
  varint(v: number): void {
    checkUint(v, MAX_VARINT, 'varint');
    if (v < 0x40) this.uint8(v);
    else if (v < 0x4000) this.uint16(0x4000 | v);
    else this.uint32((0x80000000 | v) >>> 0);
  }

  /**
   * Appends raw bytes (no length prefix).
   * @param b - the bytes
   */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /**
   * Writes `opaque data<V>`.
   * @param b - the bytes
   */
  opaque(b: Uint8Array): void {
    this.varint(b.length);
    this.raw(b);
  }

  /**
   * Writes a UTF-8 string as `opaque data<V>`.
   * @param s - the text
   */
  string(s: string): void {
    if (typeof s !== 'string' || !this.ascii(s)) this.opaque(utf8Encoder.encode(s));
  }

  /**
   * Writes an ASCII string (UTF-8 is then one byte per UTF-16 unit) as `opaque data<V>` in place: most
   * strings are URIs, and `TextEncoder.encode` allocates a new array per call.
   * @returns false, having written nothing, when `s` is not ASCII (or too long for this path)
   */
  private ascii(s: string): boolean {
    const n = s.length;
    if (n >= 0x4000) return false;
    const width = n < 0x40 ? 1 : 2;
    this.ensure(width + n);
    const buf = this.buf;
    const at = this.len + width;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return false; // bytes beyond `len` are not output
      buf[at + i] = c;
    }
    if (width === 1) buf[this.len] = n;
    else {
      buf[this.len] = 0x40 | (n >>> 8);
      buf[this.len + 1] = n & 0xff;
    }
    this.len = at + n;
    return true;
  }

  /**
   * Writes `T items<V>`: the byte length of the encoded items, then the items.
   * @param items - the items
   * @param write - writes one item to the writer it is given (this one: the items are written in place, so
   *   it writes nothing else and does not call {@link finish}); when it throws, nothing of the vector stays
   */
  vector<T>(items: readonly T[], write: (w: TlsWriter, item: T) => void): void {
    // The items go in place after a one-octet length; closeVector widens it when they need more.
    const start = this.len;
    this.ensure(1);
    this.len++;
    try {
      for (const item of items) write(this, item);
      this.closeVector(start);
    } catch (e) {
      this.rollback(start);
      throw e;
    }
  }

  /** Writes the minimal varint length of the items after `start`'s placeholder octet, moving them if it is wider. */
  private closeVector(start: number): void {
    const n = this.len - start - 1;
    checkUint(n, MAX_VARINT, 'varint');
    if (this.shared) this.grow(this.len);
    if (n < 0x40) {
      this.buf[start] = n;
      return;
    }
    const width = n < 0x4000 ? 2 : 4;
    this.ensure(width - 1);
    const buf = this.buf;
    buf.copyWithin(start + width, start + 1, this.len);
    this.len += width - 1;
    if (width === 2) {
      buf[start] = 0x40 | (n >>> 8);
      buf[start + 1] = n & 0xff;
    } else {
      buf[start] = 0x80 | (n >>> 24);
      buf[start + 1] = (n >>> 16) & 0xff;
      buf[start + 2] = (n >>> 8) & 0xff;
      buf[start + 3] = n & 0xff;
    }
  }

  /** Forgets what a failed {@link vector} wrote, as if it had written nothing (its items used to go to a writer of their own). */
  private rollback(start: number): void {
    this.len = start;
    if (this.shared) this.grow(this.len);
  }

  /**
   * Writes `optional<T>`: a presence octet then the value when present.
   * @param v - the value or undefined
   * @param write - writes the value
   */
  optional<T>(v: T | undefined, write: (w: TlsWriter, item: T) => void): void {
    if (v === undefined) this.uint8(0);
    else {
      this.uint8(1);
      write(this, v);
    }
  }

  /**
   * @returns the written bytes, never shared with a later write (the buffer itself when exactly full, else a copy)
   */
  finish(): Uint8Array {
    if (this.len === this.buf.length && !this.shared) {
      this.shared = true;
      return this.buf;
    }
    return this.buf.slice(0, this.len);
  }
}

function checkUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new MimiError('tls/value-out-of-range', `${what} out of range: ${String(v)}`, { details: { max } });
  }
}

/** Options of a {@link TlsReader}. */
export interface TlsReaderOptions {
  /** Largest vector byte length accepted (default 16 MiB). */
  readonly maxVectorBytes?: number;
  /**
   * Most items read from the whole input, nested vectors included: every vector, every vector element
   * and every `opaque`/string field counts one (`tls/too-many-items` beyond). Default
   * 65 536 + ⌊input bytes / 8⌋, the CBOR decoder's rule (docs/decisions.md, CBOR "Limits").
   */
  readonly maxItems?: number;
}

/** Item count shared by a reader and the readers of its nested vectors. */
interface ItemBudget {
  items: number;
  readonly max: number;
}

/**
 * Strict reader over a byte array.
 *
 * @example
 * ```ts
 * const r = new TlsReader(new Uint8Array([0x02, 0x01, 0x02]));
 * r.opaque(); // Uint8Array [1, 2]
 * r.end();
 * ```
 */
export class TlsReader {
  private pos = 0;
  private readonly maxVectorBytes: number;
  /** Shared with the readers of nested vectors (set by {@link vector}). */
  private budget: ItemBudget;

  /**
   * @param bytes - the input
   * @param options - bounds
   */
  constructor(
    private readonly bytes: Uint8Array,
    options: TlsReaderOptions = {},
  ) {
    this.maxVectorBytes = options.maxVectorBytes ?? DEFAULT_MAX_VECTOR_BYTES;
    this.budget = { items: 0, max: options.maxItems ?? defaultItemLimit(bytes.length) };
  }

  /** Counts one item against the budget (memory stays proportional to the input, not to its item count). */
  private count(): void {
    const b = this.budget;
    if (++b.items > b.max) {
      throw new MimiError('tls/too-many-items', `more than ${b.max} items (limit maxItems) at offset ${this.pos}`, {
        details: { offset: this.pos, limit: b.max },
      });
    }
  }

  /** Current offset. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new MimiError('tls/truncated', `need ${n} byte(s) at offset ${this.pos}, ${this.remaining} left`, {
        details: { offset: this.pos },
      });
    }
  }

  /** @returns a uint8 @throws {@link MimiError} `tls/truncated` */
  uint8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  /** @returns a big-endian uint16 @throws {@link MimiError} `tls/truncated` */
  uint16(): number {
    this.need(2);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** @returns a big-endian uint32 @throws {@link MimiError} `tls/truncated` */
  uint32(): number {
    this.need(4);
    const b = this.bytes;
    const p = this.pos;
    const v = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    this.pos += 4;
    return v;
  }

  /** @returns a big-endian uint64 @throws {@link MimiError} `tls/truncated` */
  uint64(): bigint {
    const hi = this.uint32();
    const lo = this.uint32();
    // Below 2^53 the value is exact as a double: one BigInt instead of three.
    return hi < 0x200000 ? BigInt(hi * 0x100000000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** @returns a TLS bool @throws {@link MimiError} `tls/invalid-bool` for anything but 0/1 */
  bool(): boolean {
    const at = this.pos;
    const v = this.uint8();
    if (v > 1) throw new MimiError('tls/invalid-bool', `bool must be 0 or 1, got ${v}`, { details: { offset: at } });
    return v === 1;
  }

  /**
   * Reads a RFC 9420 §2.1.2 varint.
   * @returns the value
   * @throws {@link MimiError} `tls/invalid-varint` (prefix 0b11), `tls/non-minimal-varint`, `tls/truncated`
   */
  varint(): number {
    const at = this.pos;
    this.need(1);
    const first = this.bytes[this.pos]!;
    const prefix = first >> 6;
    if (prefix === 3) throw new MimiError('tls/invalid-varint', `reserved varint prefix at offset ${at}`, { details: { offset: at } });
    let v: number;
    if (prefix === 0) {
      v = this.uint8();
      return v;
    }
    if (prefix === 1) {
      v = this.uint16() & 0x3fff;
      if (v < 0x40) throw nonMinimal(at);
      return v;
    }
    v = this.uint32() & 0x3fffffff;
    if (v < 0x4000) throw nonMinimal(at);
    return v;
  }

  /**
   * Reads `opaque data<V>` (a copy).
   * @returns the bytes
   * @throws {@link MimiError} `tls/vector-too-large`, `tls/truncated`, `tls/too-many-items`
   */
  opaque(): Uint8Array {
    const n = this.vectorLength();
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * Skips `opaque data<V>`: bounded and counted like {@link opaque}, without the copy (how a walk over an
   * embedded structure passes the fields it keeps whole).
   * @throws {@link MimiError} `tls/vector-too-large`, `tls/truncated`, `tls/too-many-items`
   */
  skipOpaque(): void {
    const n = this.vectorLength(); // first: it moves pos past the length prefix
    this.pos += n;
  }

  /** Reads and bounds a `<V>` length prefix, counting the vector as one item. */
  private vectorLength(): number {
    const at = this.pos;
    this.count();
    const n = this.varint();
    if (n > this.maxVectorBytes) {
      throw new MimiError('tls/vector-too-large', `vector of ${n} bytes exceeds the bound ${this.maxVectorBytes}`, {
        details: { offset: at, length: n, max: this.maxVectorBytes },
      });
    }
    this.need(n);
    return n;
  }

  /**
   * Reads a UTF-8 string carried as `opaque<V>`.
   * @returns the text
   * @throws {@link MimiError} `tls/invalid-utf8`
   */
  string(): string {
    const at = this.pos;
    const n = this.vectorLength();
    const start = this.pos;
    this.pos += n;
    try {
      return utf8Decoder.decode(this.bytes.subarray(start, start + n)); // the decoder keeps no reference: no copy
    } catch (e) {
      throw new MimiError('tls/invalid-utf8', `invalid UTF-8 at offset ${at}`, { cause: e, details: { offset: at } });
    }
  }

  /**
   * Reads `T items<V>`: every item must end exactly at the vector's end.
   * @param read - reads one item
   * @returns the items
   */
  vector<T>(read: (r: TlsReader) => T): T[] {
    const n = this.vectorLength();
    // A view, not a copy: nested vectors would otherwise copy their bytes once per level.
    const inner = new TlsReader(this.bytes.subarray(this.pos, this.pos + n), { maxVectorBytes: this.maxVectorBytes, maxItems: 0 });
    inner.budget = this.budget;
    this.pos += n;
    const out: T[] = [];
    while (inner.remaining > 0) {
      inner.count();
      out.push(read(inner));
    }
    return out;
  }

  /**
   * Reads `optional<T>`.
   * @param read - reads the value
   * @returns the value or undefined
   * @throws {@link MimiError} `tls/invalid-optional` for a presence octet other than 0/1
   */
  optional<T>(read: (r: TlsReader) => T): T | undefined {
    const at = this.pos;
    const p = this.uint8();
    if (p === 0) return undefined;
    if (p !== 1) throw new MimiError('tls/invalid-optional', `optional presence must be 0 or 1, got ${p}`, { details: { offset: at } });
    return read(this);
  }

  /**
   * A copy of the bytes read since `start` (an earlier {@link offset}): how a self-delimiting structure
   * embedded without a length prefix (RFC 9420 MLSMessage, KeyPackage, …) is kept whole after walking it.
   * @param start - an offset at or before the current one
   * @returns the bytes from `start` to the current offset
   */
  bytesSince(start: number): Uint8Array {
    if (!Number.isInteger(start) || start < 0 || start > this.pos) throw new MimiError('tls/value-out-of-range', `offset ${start} is not behind ${this.pos}`);
    return this.bytes.slice(start, this.pos);
  }

  /**
   * Asserts the input is fully consumed.
   * @throws {@link MimiError} `tls/trailing-bytes`
   */
  end(): void {
    if (this.pos !== this.bytes.length) {
      throw new MimiError('tls/trailing-bytes', `${this.remaining} trailing byte(s) at offset ${this.pos}`, {
        details: { offset: this.pos },
      });
    }
  }
}

function nonMinimal(at: number): MimiError {
  return new MimiError('tls/non-minimal-varint', `varint at offset ${at} is not in its minimal form`, { details: { offset: at } });
}

/**
 * Encodes a value with a writer function.
 *
 * @param write - writes the value
 * @returns the bytes
 * @example
 * ```ts
 * encodeWith((w) => w.uint32(1)); // 00 00 00 01
 * ```
 */
export function encodeWith(write: (w: TlsWriter) => void): Uint8Array {
  const w = new TlsWriter();
  write(w);
  return w.finish();
}

/**
 * Decodes a complete input with a reader function, rejecting trailing bytes.
 *
 * @param bytes - the input
 * @param read - reads the value
 * @param options - bounds
 * @returns the value
 * @throws {@link MimiError} any `tls/*` decode error
 * @example
 * ```ts
 * decodeWith(new Uint8Array([0, 0, 0, 1]), (r) => r.uint32()); // 1
 * ```
 */
export function decodeWith<T>(bytes: Uint8Array, read: (r: TlsReader) => T, options: TlsReaderOptions = {}): T {
  const r = new TlsReader(bytes, options);
  const v = read(r);
  r.end();
  return v;
}
