/**
 * The strict CBOR reader behind {@link decodeCbor} and the content codec's fast path: reads heads, strings,
 * arrays, maps, tags and simple values, refusing everything outside the deterministic encoding of
 * RFC 8949 §4.2.1 unless lenient, and enforcing the depth and item limits.
 *
 * Internal: not re-exported by the public entry points.
 *
 * @module
 */
import { MimiError, type MimiErrorCode } from '../errors.js';
import { halfToNumber, floatWidth } from './float.js';
import { defaultItemLimit } from './limits.js';
import { CborFloat, CborSimple, CborTag, type CborKey, type CborMap, type CborValue } from './value.js';

/** Longest bignum content accepted (1024 bytes = 8192 bits): larger ones are `cbor/integer-out-of-range`. */
const BIGNUM_MAX_BYTES = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BSTR_COPY_MAX = 64;
/**
 * Never handed out. `new Uint8Array(EMPTY)` is a fresh empty array with its own buffer, like
 * `new Uint8Array(0)`, but much cheaper in V8 (Node 20: ~20 ns against ~220 ns, where `new Uint8Array(0)`
 * takes the off-heap path); a typed-array source involves no iterator, so no user code.
 */
const EMPTY = new Uint8Array(0);

const STRING_CACHE_SIZE = 512;
const STRING_CACHE_MAX_LENGTH = 128;
const cacheBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(STRING_CACHE_SIZE);
const cacheStrings: (string | undefined)[] = new Array<string | undefined>(STRING_CACHE_SIZE);

/** Marker returned by {@link CborReader.item} for a break byte. @internal */
export const BREAK = Symbol('break');

/**
 * Low-level strict CBOR reader, shared with the content codec (internal: not re-exported by the public
 * entry points).
 * @internal
 */
export class CborReader {
  pos = 0;
  readonly path: (string | number)[] = [];
  private dataView: DataView | undefined;
  private copy: Uint8Array | undefined;
  /**
   * When set, byte strings longer than 64 bytes are views into one private copy of the input instead of
   * separate copies (the content codec sets it; `decodeCbor` does not).
   */
  shareCopy = false;
  /** Items read so far, and the most allowed (see {@link CborDecodeOptions.maxItems}). */
  items = 0;
  maxItems: number;
  /** The argument of the last head whose value exceeds 2^53−1 ({@link argument} then returns -2). */
  bigArg = 0n;
  constructor(
    public bytes: Uint8Array,
    readonly maxDepth: number,
    readonly allowTags: boolean,
    readonly lenient: boolean,
    maxItems: number = defaultItemLimit(bytes.length),
  ) {
    this.maxItems = maxItems;
  }

  /** Points the reader at new input (lets a caller reuse one reader; not re-entrant). */
  reset(bytes: Uint8Array, maxItems: number = defaultItemLimit(bytes.length)): void {
    this.bytes = bytes;
    this.pos = 0;
    this.items = 0;
    this.maxItems = maxItems;
    if (this.path.length !== 0) this.path.length = 0;
    this.dataView = undefined;
    this.copy = undefined;
  }

  /** A DataView over the input, created on first use (only floats need it). */
  get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  u16(at: number): number {
    const b = this.bytes;
    return (b[at]! << 8) | b[at + 1]!;
  }

  u32(at: number): number {
    const b = this.bytes;
    return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  }

  fail(code: MimiErrorCode, message: string): never {
    throw new MimiError(code, `${message} at byte ${this.pos}`, {
      path: [...this.path],
      details: { offset: this.pos },
    });
  }

  need(n: number): void {
    if (this.bytes.length - this.pos < n) this.fail('cbor/truncated', `need ${n} more byte(s) than the input has`);
  }

  /**
   * Reads the argument of a head; returns -1 for indefinite length (additional info 31) and -2 for a
   * value beyond 2^53−1, left in {@link bigArg}.
   */
  argument(info: number, start: number): number {
    if (info < 24) return info;
    let value: number;
    switch (info) {
      case 24:
        this.need(1);
        value = this.bytes[this.pos++]!;
        if (value < 24 && !this.lenient) this.nonShortest(start);
        return value;
      case 25:
        this.need(2);
        value = this.u16(this.pos);
        this.pos += 2;
        if (value <= 0xff && !this.lenient) this.nonShortest(start);
        return value;
      case 26:
        this.need(4);
        value = this.u32(this.pos);
        this.pos += 4;
        if (value <= 0xffff && !this.lenient) this.nonShortest(start);
        return value;
      case 27: {
        this.need(8);
        const hi = this.u32(this.pos);
        const lo = this.u32(this.pos + 4);
        this.pos += 8;
        if (hi === 0 && !this.lenient) this.nonShortest(start);
        if (hi > 0x1fffff) {
          this.bigArg = (BigInt(hi) << 32n) | BigInt(lo);
          return -2;
        }
        return hi * 0x1_0000_0000 + lo;
      }
      case 31:
        return -1;
      default:
        this.pos = start;
        return this.fail('cbor/reserved-additional-info', `reserved additional information ${info}`);
    }
  }

  nonShortest(start: number): never {
    this.pos = start;
    return this.fail('cbor/non-shortest-head', 'integer or length not in its shortest form (RFC 8949 §4.2.1)');
  }

  item(depth: number): CborValue | typeof BREAK {
    const start = this.pos;
    if (++this.items > this.maxItems) this.tooManyItems();
    this.need(1);
    const initial = this.bytes[this.pos++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) return this.simple(info, start);
    const arg = this.argument(info, start);
    if (arg === -1 && (major === 0 || major === 1 || major === 6)) {
      this.pos = start;
      this.fail('cbor/reserved-additional-info', `additional information 31 is not valid for major type ${major}`);
    }
    if (arg === -2) return this.bigHead(major, start, depth);
    switch (major) {
      case 0:
        return arg;
      case 1:
        // -1 - (2^53 - 1) = -2^53 is the one 53-bit argument whose value is not a safe integer.
        return arg === Number.MAX_SAFE_INTEGER ? -(2n ** 53n) : -1 - arg;
      case 2:
        return arg === -1 ? this.indefiniteString(start, 2, depth) : this.byteString(arg);
      case 3:
        return arg === -1 ? this.indefiniteString(start, 3, depth) : this.textString(arg, start);
      case 4:
        return this.array(arg, start, depth);
      case 5:
        return this.map(arg, start, depth);
      default: {
        if (!this.allowTags) {
          this.pos = start;
          this.fail('cbor/tag-not-allowed', `tag ${arg} where no tag is allowed`);
        }
        this.enter(depth, start);
        const inner = this.item(depth + 1);
        if (inner === BREAK) this.unexpectedBreak();
        if (arg === 2 || arg === 3) return this.bignum(arg, inner, start);
        return new CborTag(arg, inner);
      }
    }
  }

  /** A head whose argument exceeds 2^53−1: a bigint for major types 0/1, never a valid length or tag. */
  bigHead(major: number, start: number, depth: number): CborValue {
    if (major === 0) return this.bigArg;
    if (major === 1) return -1n - this.bigArg;
    if (major === 6) {
      this.pos = start;
      return this.fail('cbor/integer-out-of-range', 'tag number exceeds 2^53-1');
    }
    void depth;
    return this.fail('cbor/truncated', 'length longer than the input');
  }

  /**
   * RFC 8949 §3.4.3 bignum (tag 2: n, tag 3: -1 - n). Preferred serialization (§3.4.3, required by §4.2.1
   * deterministic encoding) has no leading zero byte and is used only when major type 0/1 cannot hold the
   * value, i.e. for more than 8 content bytes.
   */
  bignum(tag: 2 | 3, inner: CborValue, start: number): number | bigint {
    if (!(inner instanceof Uint8Array)) {
      this.pos = start;
      return this.fail('cbor/invalid-bignum', `tag ${tag} (bignum) must enclose a byte string (RFC 8949 §3.4.3)`);
    }
    if (!this.lenient && (inner.length <= 8 || inner[0] === 0)) {
      this.pos = start;
      return this.fail('cbor/non-preferred-bignum', 'bignum for a value that fits major type 0/1, or with a leading zero byte (RFC 8949 §3.4.3)');
    }
    let i = 0;
    while (i < inner.length && inner[i] === 0) i++;
    if (inner.length - i > BIGNUM_MAX_BYTES) {
      this.pos = start;
      return this.fail('cbor/integer-out-of-range', `bignum of more than ${BIGNUM_MAX_BYTES} bytes`);
    }
    let hex = '0x0';
    for (; i < inner.length; i++) hex += (inner[i]! < 16 ? '0' : '') + inner[i]!.toString(16);
    const n = BigInt(hex);
    const v = tag === 2 ? n : -1n - n;
    // Only reachable in lenient mode: small values take the canonical number form.
    return v > -TWO_53 && v < TWO_53 ? Number(v) : v;
  }

  tooManyItems(): never {
    return this.fail('cbor/too-many-items', `more than ${this.maxItems} data items (limit maxItems)`);
  }

  enter(depth: number, start: number): void {
    if (depth >= this.maxDepth) {
      this.pos = start;
      this.fail('cbor/too-deep', `nesting deeper than ${this.maxDepth}`);
    }
  }

  unexpectedBreak(): never {
    this.pos--;
    return this.fail('cbor/unexpected-break', 'break (0xff) outside an indefinite-length item');
  }

  /**
   * Reads a byte string. The result never aliases the caller's input: it is a copy, or (with `shareCopy`,
   * for strings over 64 bytes) a view into one private copy of this input, so such strings of one message
   * may share an ArrayBuffer (respect byteOffset/byteLength); strings of different inputs never do.
   */
  byteString(length: number): Uint8Array {
    this.need(length);
    const from = this.pos;
    this.pos += length;
    if (length === 0) return new Uint8Array(EMPTY);
    if (length <= BSTR_COPY_MAX || !this.shareCopy) return this.bytes.slice(from, from + length);
    const copy = (this.copy ??= this.bytes.slice());
    return copy.subarray(from, from + length);
  }

  textString(length: number, start: number): string {
    this.need(length);
    const from = this.pos;
    const end = from + length;
    const bytes = this.bytes;
    // Short ASCII strings: a concatenation loop beats TextDecoder's call overhead (measured in bench/content.ts).
    if (length < 16) {
      let text = '';
      let i = from;
      for (; i < end; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) break;
        text += String.fromCharCode(c);
      }
      if (i === end) {
        this.pos = end;
        return text;
      }
    }
    // Medium strings repeat a lot in MIMI (sender/room URIs, content types): look them up in a small
    // direct-mapped cache of already-validated byte sequences before paying for TextDecoder.
    let slot = -1;
    if (length <= STRING_CACHE_MAX_LENGTH) {
      // Hash the length and about 8 sampled bytes; a hit is always confirmed by a full comparison.
      let h = length;
      const step = (length >> 3) | 1;
      for (let i = from; i < end; i += step) h = (Math.imul(h, 31) + bytes[i]!) | 0;
      h = (Math.imul(h, 31) + bytes[end - 1]!) | 0;
      slot = (h ^ (h >>> 15)) & (STRING_CACHE_SIZE - 1);
      const cached = cacheBytes[slot];
      if (cached !== undefined && cached.length === length) {
        let same = true;
        for (let i = 0; i < length; i++) {
          if (cached[i] !== bytes[from + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          this.pos = end;
          return cacheStrings[slot]!;
        }
      }
    }
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(from, end));
    } catch {
      this.pos = start;
      this.fail('cbor/invalid-utf8', 'text string is not valid UTF-8');
    }
    if (slot >= 0) {
      cacheBytes[slot] = bytes.slice(from, end);
      cacheStrings[slot] = text;
    }
    this.pos = end;
    return text;
  }

  indefiniteString(start: number, major: 2 | 3, depth: number): Uint8Array | string {
    if (!this.lenient) {
      this.pos = start;
      this.fail('cbor/indefinite-length', 'indefinite-length item (RFC 8949 §4.2.1 forbids them)');
    }
    const chunks: Uint8Array[] = [];
    for (;;) {
      this.need(1);
      if (this.bytes[this.pos] === 0xff) {
        this.pos++;
        break;
      }
      const chunkStart = this.pos;
      const head = this.bytes[this.pos++]!;
      if (head >> 5 !== major || (head & 0x1f) === 31) {
        this.pos = chunkStart;
        this.fail('cbor/bad-chunk', 'indefinite-length string chunk of the wrong type');
      }
      const len = this.argument(head & 0x1f, chunkStart);
      if (len < 0) this.fail('cbor/truncated', 'chunk longer than the input');
      chunks.push(this.byteString(len));
    }
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const joined = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      joined.set(c, off);
      off += c.length;
    }
    if (major === 2) return joined;
    try {
      return utf8.decode(joined);
    } catch {
      this.pos = start;
      return this.fail('cbor/invalid-utf8', 'text string is not valid UTF-8');
    }
    void depth;
  }

  array(length: number, start: number, depth: number): CborValue[] {
    this.enter(depth, start);
    if (length === -1) {
      if (!this.lenient) {
        this.pos = start;
        this.fail('cbor/indefinite-length', 'indefinite-length array (RFC 8949 §4.2.1 forbids them)');
      }
      const out: CborValue[] = [];
      for (;;) {
        this.path.push(out.length);
        const v = this.item(depth + 1);
        this.path.pop();
        if (v === BREAK) return out;
        out.push(v);
      }
    }
    // Each element takes at least one byte: refuse before allocating for bytes that do not exist.
    if (length > this.bytes.length - this.pos) this.fail('cbor/truncated', `array of ${length} items is longer than the input`);
    // Each element is an item: refuse before allocating `length` slots that the item limit forbids.
    if (length > this.maxItems - this.items) this.tooManyItems();
    const out: CborValue[] = new Array<CborValue>(length);
    for (let i = 0; i < length; i++) {
      this.path.push(i);
      const v = this.item(depth + 1);
      if (v === BREAK) this.unexpectedBreak();
      this.path.pop();
      out[i] = v;
    }
    return out;
  }

  map(length: number, start: number, depth: number): CborMap {
    this.enter(depth, start);
    const indefinite = length === -1;
    if (indefinite && !this.lenient) {
      this.pos = start;
      this.fail('cbor/indefinite-length', 'indefinite-length map (RFC 8949 §4.2.1 forbids them)');
    }
    if (!indefinite && length * 2 > this.bytes.length - this.pos) {
      this.fail('cbor/truncated', `map of ${length} entries is longer than the input`);
    }
    if (!indefinite && length * 2 > this.maxItems - this.items) this.tooManyItems();
    const out: CborMap = new Map();
    let previousKeyStart = -1;
    let previousKeyEnd = -1;
    let byteKeys: Set<string> | undefined; // lenient mode only: byte-string keys seen (Map compares them by identity)
    for (let i = 0; indefinite || i < length; i++) {
      const keyStart = this.pos;
      const key = this.item(depth + 1);
      if (key === BREAK) {
        if (indefinite) return out;
        this.unexpectedBreak();
      }
      const keyEnd = this.pos;
      // draft-ietf-mimi-content §7.2: keys are integers (representable as a double), text or byte strings.
      if (typeof key !== 'number' && typeof key !== 'string' && !(key instanceof Uint8Array)) {
        this.pos = keyStart;
        if (typeof key === 'bigint') this.fail('cbor/integer-out-of-range', 'integer map keys must be within ±(2^53-1) (draft-ietf-mimi-content §7.2)');
        this.fail('cbor/unsupported-map-key', 'map keys must be integers, text strings or byte strings');
      }
      if (!this.lenient) {
        // Equal encodings are a duplicate; otherwise each key must sort after the previous one.
        const order = previousKeyStart < 0 ? 1 : compareBytes(this.bytes, keyStart, keyEnd, previousKeyStart, previousKeyEnd);
        if (order <= 0) {
          this.pos = keyStart;
          if (order === 0) this.fail('cbor/duplicate-map-key', `duplicate map key ${describeKey(key)}`);
          this.fail('cbor/unsorted-map-keys', 'map keys not in bytewise order of their encodings (RFC 8949 §4.2.1)');
        }
      } else {
        let seen: boolean;
        if (key instanceof Uint8Array) {
          const h = keyHex(key);
          seen = (byteKeys ??= new Set()).has(h);
          byteKeys.add(h);
        } else seen = out.has(key);
        if (seen) {
          this.pos = keyStart;
          this.fail('cbor/duplicate-map-key', `duplicate map key ${describeKey(key)}`);
        }
      }
      previousKeyStart = keyStart;
      previousKeyEnd = keyEnd;
      this.path.push(key instanceof Uint8Array ? `h'${keyHex(key)}'` : key);
      const value = this.item(depth + 1);
      if (value === BREAK) this.unexpectedBreak();
      this.path.pop();
      out.set(key, value);
    }
    return out;
  }

  simple(info: number, start: number): CborValue | typeof BREAK {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 24: {
        this.need(1);
        const v = this.bytes[this.pos++]!;
        if (v < 32) {
          this.pos = start;
          this.fail('cbor/invalid-simple', `simple value ${v} must use the one-byte form`);
        }
        return new CborSimple(v);
      }
      case 25:
        return this.float(start, 2);
      case 26:
        return this.float(start, 4);
      case 27:
        return this.float(start, 8);
      case 31:
        return BREAK;
      default:
        if (info < 20) return new CborSimple(info);
        this.pos = start;
        return this.fail('cbor/reserved-additional-info', `reserved additional information ${info} in major type 7`);
    }
  }

  float(start: number, size: 2 | 4 | 8): CborFloat {
    this.need(size);
    const value =
      size === 2 ? halfToNumber(this.u16(this.pos)) : size === 4 ? this.view.getFloat32(this.pos) : this.view.getFloat64(this.pos);
    const raw = this.bytes.subarray(this.pos, this.pos + size);
    this.pos += size;
    if (!this.lenient) {
      if (Number.isNaN(value)) {
        if (!(size === 2 && raw[0] === 0x7e && raw[1] === 0x00)) {
          this.pos = start;
          this.fail('cbor/non-canonical-nan', 'NaN must be encoded as 0xf97e00 (RFC 8949 §4.2.2)');
        }
      } else if (floatWidth(value) !== size) {
        this.pos = start;
        this.fail('cbor/non-shortest-float', 'float not in the shortest form that preserves its value');
      }
    }
    return new CborFloat(value);
  }
}

const TWO_53 = 2n ** 53n;

function keyHex(k: Uint8Array): string {
  let s = '';
  for (let i = 0; i < k.length; i++) s += (k[i]! < 16 ? '0' : '') + k[i]!.toString(16);
  return s;
}

function describeKey(k: CborKey): string {
  return k instanceof Uint8Array ? `h'${keyHex(k).slice(0, 64)}'` : JSON.stringify(k);
}

function compareBytes(b: Uint8Array, aStart: number, aEnd: number, cStart: number, cEnd: number): number {
  const aLen = aEnd - aStart;
  const cLen = cEnd - cStart;
  const n = Math.min(aLen, cLen);
  for (let i = 0; i < n; i++) {
    const d = b[aStart + i]! - b[cStart + i]!;
    if (d !== 0) return d;
  }
  return aLen - cLen;
}
