/**
 * Deterministic CBOR encoder (RFC 8949 §4.2.1): shortest heads, definite lengths, map keys sorted
 * bytewise by their encoded form, integer and text keys kept distinct.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { floatWidth, numberToHalf } from './decode.js';
import { CborFloat, CborSimple, CborTag, isBytes, isMap, type CborKey, type CborValue } from './value.js';

const textEncoder = new TextEncoder();
const TWO_64 = 1n << 64n;
/** Same bound as the decoder (1024 bytes = 8192 bits). */
const BIGNUM_MAX_BYTES = 1024;

function hexOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < Math.min(b.length, 32); i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

// One scratch buffer reused across calls (the result is copied out with `slice`); a nested call while it
// is in use (not done by this module) falls back to a fresh buffer.
let scratch: Uint8Array = new Uint8Array(4096);
let scratchView = new DataView(scratch.buffer);
let scratchBusy = false;

/**
 * Bytewise order of the deterministic encodings of two map keys (RFC 8949 §4.2.1), computed without
 * encoding them: unsigned integers ascending (major type 0), then negative integers by decreasing value
 * (major type 1), then byte strings (major type 2), then text strings (major type 3); strings by length
 * (the head encodes it, shortest first) and then bytewise (for text: by code point = bytewise UTF-8).
 */
export function compareKeys(a: CborKey, b: CborKey): number {
  if (typeof a === 'number') {
    if (typeof b !== 'number') return -1;
    if (a >= 0) return b >= 0 ? a - b : -1;
    return b >= 0 ? 1 : b - a;
  }
  if (typeof b === 'number') return 1;
  if (typeof a !== 'string') {
    if (typeof b === 'string') return -1;
    if (a.length !== b.length) return a.length - b.length;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  }
  if (typeof b !== 'string') return 1;
  if (a === b) return 0;
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la - lb;
  // Same UTF-8 length: compare by code point, which is the bytewise order of UTF-8.
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return 0;
}

/** UTF-8 length of a well-formed string. */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) n += 1;
      else if (c >= 0xd800 && c <= 0xdbff) {
        n += 2; // surrogate pair: 2 units, 4 bytes
        i++;
      }
      else n += 2;
    }
  }
  return n;
}

/**
 * Low-level deterministic CBOR writer, shared with the content codec (internal: not re-exported by the
 * public entry points). Create, write, then `finish()` (returns a copy and releases the scratch buffer).
 * @internal
 */
export class CborWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  readonly path: (string | number)[] = [];
  readonly shared: boolean;
  constructor() {
    this.shared = !scratchBusy;
    if (this.shared) {
      scratchBusy = true;
      this.buf = scratch;
      this.view = scratchView;
    } else {
      this.buf = new Uint8Array(256);
      this.view = new DataView(this.buf.buffer);
    }
  }

  /** The bytes written so far (a copy); releases the writer. */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.release();
    return out;
  }

  release(): void {
    if (this.shared) {
      // Keep a grown buffer for next time, but do not hold on to a huge one.
      if (this.buf.length <= 1 << 20 && this.buf !== scratch) {
        scratch = this.buf;
        scratchView = this.view;
      }
      scratchBusy = false;
    }
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  head(major: number, arg: number): void {
    const m = major << 5;
    const buf = this.buf;
    if (arg < 24) {
      if (this.pos + 1 > buf.length) this.ensure(1);
      this.buf[this.pos++] = m | arg;
    } else if (arg <= 0xff) {
      if (this.pos + 2 > buf.length) this.ensure(2);
      this.buf[this.pos++] = m | 24;
      this.buf[this.pos++] = arg;
    } else if (arg <= 0xffff) {
      this.ensure(3);
      this.buf[this.pos++] = m | 25;
      this.buf[this.pos++] = arg >> 8;
      this.buf[this.pos++] = arg & 0xff;
    } else if (arg <= 0xffffffff) {
      this.ensure(5);
      this.buf[this.pos++] = m | 26;
      this.view.setUint32(this.pos, arg);
      this.pos += 4;
    } else {
      this.ensure(9);
      this.buf[this.pos++] = m | 27;
      this.view.setUint32(this.pos, Math.floor(arg / 0x1_0000_0000));
      this.view.setUint32(this.pos + 4, arg >>> 0);
      this.pos += 8;
    }
  }

  /** A head with a 64-bit argument given as a bigint (0 ≤ arg < 2^64). */
  bigHead(major: number, arg: bigint): void {
    if (arg <= BigInt(Number.MAX_SAFE_INTEGER)) return this.head(major, Number(arg));
    this.ensure(9);
    this.buf[this.pos++] = (major << 5) | 27;
    this.view.setBigUint64(this.pos, arg);
    this.pos += 8;
  }

  /**
   * An integer given as a bigint: major type 0/1 when it fits (RFC 8949 §3.4.3 preferred serialization),
   * else a bignum (tag 2/3) without leading zero bytes.
   */
  bigint(v: bigint): void {
    const n = v >= 0n ? v : -1n - v;
    const major = v >= 0n ? 0 : 1;
    if (n < TWO_64) return this.bigHead(major, n);
    let hex = n.toString(16);
    if (hex.length > BIGNUM_MAX_BYTES * 2) this.fail(`bignum of more than ${BIGNUM_MAX_BYTES} bytes`);
    if (hex.length % 2 === 1) hex = '0' + hex;
    const content = new Uint8Array(hex.length / 2);
    for (let i = 0; i < content.length; i++) content[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    this.head(6, major + 2);
    this.bytes(content);
  }

  fail(message: string): never {
    throw new MimiError('cbor/unencodable', message, { path: [...this.path] });
  }

  text(s: string): void {
    const n = s.length;
    // Optimistic ASCII pass: the byte length is then the string length.
    this.ensure(n + 9);
    const start = this.pos;
    this.head(3, n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = start;
        this.textSlow(s);
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  textSlow(s: string): void {
    if (!s.isWellFormed()) this.fail('text contains a lone surrogate and cannot be UTF-8');
    const len = utf8Length(s);
    this.head(3, len);
    this.ensure(len);
    textEncoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
  }

  bytes(v: Uint8Array): void {
    this.head(2, v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  value(v: CborValue, depth: number): void {
    if (depth > 64) this.fail('value nested deeper than 64 levels (or cyclic)');
    switch (typeof v) {
      case 'number':
        if (!Number.isSafeInteger(v)) {
          this.fail(`${v} is not a safe integer; wrap non-integers in CborFloat`);
        }
        if (v >= 0) this.head(0, v);
        else this.head(1, -1 - v);
        return;
      case 'string':
        this.text(v);
        return;
      case 'bigint':
        this.bigint(v);
        return;
      case 'boolean':
        this.ensure(1);
        this.buf[this.pos++] = v ? 0xf5 : 0xf4;
        return;
      case 'undefined':
        this.ensure(1);
        this.buf[this.pos++] = 0xf7;
        return;
      case 'object':
        break;
      default:
        this.fail(`cannot encode a ${typeof v}`);
    }
    if (v === null) {
      this.ensure(1);
      this.buf[this.pos++] = 0xf6;
    } else if (isBytes(v)) {
      this.bytes(v);
    } else if (Array.isArray(v)) {
      this.head(4, v.length);
      const path = this.path;
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        this.value(v[i], depth + 1);
        path.pop();
      }
    } else if (isMap(v)) {
      this.map(v as Map<unknown, CborValue>, depth);
    } else if (v instanceof CborFloat) {
      if (typeof v.value !== 'number') this.fail('CborFloat value is not a number');
      this.float(v.value);
    } else if (v instanceof CborTag) {
      if (!Number.isSafeInteger(v.tag) || v.tag < 0) this.fail(`invalid tag number ${String(v.tag)}`);
      // RFC 8949 §3.4.3: a hand-made bignum could be non-preferred; integers are written as bigint instead.
      if (v.tag === 2 || v.tag === 3) this.fail('tags 2 and 3 (bignums) are written from a bigint, not a CborTag');
      this.head(6, v.tag);
      this.value(v.value, depth + 1);
    } else if (v instanceof CborSimple) {
      const s = v.value;
      if (!Number.isInteger(s) || s < 0 || s > 255 || (s >= 20 && s < 32)) this.fail(`invalid simple value ${String(s)}`);
      if (s < 20) this.head(7, s);
      else {
        this.ensure(2);
        this.buf[this.pos++] = 0xf8;
        this.buf[this.pos++] = s;
      }
    } else {
      this.fail('unsupported object; use Uint8Array, array, Map, CborFloat, CborTag or CborSimple');
    }
  }

  map(m: Map<unknown, CborValue>, depth: number): void {
    const keys: CborKey[] = [];
    let byteKeys = false;
    for (const k of m.keys()) {
      if (typeof k === 'number') {
        if (!Number.isSafeInteger(k)) this.fail(`map key ${k} is not a safe integer (draft-ietf-mimi-content §7.2)`);
      } else if (typeof k === 'string') {
        if (!k.isWellFormed()) this.fail('map key contains a lone surrogate');
      } else if (isBytes(k)) byteKeys = true;
      else this.fail('map keys must be integers, text strings or byte strings');
      keys.push(k as CborKey);
    }
    if (keys.length > 1) keys.sort(compareKeys);
    // Map keys are unique under SameValueZero (0 and -0 cannot both be present), but two byte-string
    // objects can hold the same bytes: after sorting such duplicates are neighbours.
    if (byteKeys) for (let i = 1; i < keys.length; i++) if (compareKeys(keys[i - 1]!, keys[i]!) === 0) this.fail('two byte-string map keys hold the same bytes');
    this.head(5, keys.length);
    const path = this.path;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (typeof k === 'number') {
        if (k >= 0) this.head(0, k);
        else this.head(1, -1 - k);
      } else if (typeof k === 'string') this.text(k);
      else this.bytes(k);
      path.push(typeof k === 'object' ? `h'${hexOf(k)}'` : k);
      this.value(m.get(k)!, depth + 1);
      path.pop();
    }
  }

  float(x: number): void {
    const width = floatWidth(x);
    this.ensure(1 + width);
    if (width === 2) {
      this.buf[this.pos++] = 0xf9;
      this.view.setUint16(this.pos, numberToHalf(x)!);
    } else if (width === 4) {
      this.buf[this.pos++] = 0xfa;
      this.view.setFloat32(this.pos, x);
    } else {
      this.buf[this.pos++] = 0xfb;
      this.view.setFloat64(this.pos, x);
    }
    this.pos += width;
  }
}

/**
 * Encodes a value in deterministic CBOR (RFC 8949 §4.2.1).
 *
 * @param value - the value; integers are safe-integer numbers or bigints, floats wrapped in {@link CborFloat}
 * @returns the encoding
 * @throws {@link MimiError} `cbor/unencodable` for values outside the data model (non-integer numbers,
 *   lone surrogates, unsupported objects or map keys, duplicate keys)
 * @example
 * ```ts
 * import { encodeCbor } from 'mimi-kit';
 * encodeCbor(new Map<number | string, number>([['a', 1], [2, 3]])); // a2 02 03 61 61 01
 * ```
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const w = new CborWriter();
  try {
    w.value(value, 0);
    return w.buf.slice(0, w.pos);
  } finally {
    w.release();
  }
}
