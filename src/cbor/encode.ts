/**
 * Deterministic CBOR encoder (RFC 8949 §4.2.1): shortest heads, definite lengths, map keys sorted
 * bytewise by their encoded form, integer and text keys kept distinct.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { floatWidth, numberToHalf } from './decode.js';
import { CborFloat, CborSimple, CborTag, type CborValue } from './value.js';

const textEncoder = new TextEncoder();

class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  readonly path: (string | number)[] = [];
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
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
    if (arg < 24) {
      this.ensure(1);
      this.buf[this.pos++] = m | arg;
    } else if (arg <= 0xff) {
      this.ensure(2);
      this.buf[this.pos++] = m | 24;
      this.buf[this.pos++] = arg;
    } else if (arg <= 0xffff) {
      this.ensure(3);
      this.buf[this.pos++] = m | 25;
      this.view.setUint16(this.pos, arg);
      this.pos += 2;
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

  fail(message: string): never {
    throw new MimiError('cbor/unencodable', message, { path: [...this.path] });
  }

  text(s: string): void {
    // Fast path for short ASCII, the common case for MIMI field values.
    if (s.length < 24) {
      let ascii = true;
      for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.ensure(1 + s.length);
        this.buf[this.pos++] = 0x60 | s.length;
        for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
        return;
      }
    }
    if (!s.isWellFormed()) this.fail('text contains a lone surrogate and cannot be UTF-8');
    const bytes = textEncoder.encode(s);
    this.head(3, bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
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
    } else if (v instanceof Uint8Array) {
      this.head(2, v.length);
      this.ensure(v.length);
      this.buf.set(v, this.pos);
      this.pos += v.length;
    } else if (Array.isArray(v)) {
      this.head(4, v.length);
      for (let i = 0; i < v.length; i++) {
        this.path.push(i);
        this.value(v[i], depth + 1);
        this.path.pop();
      }
    } else if (v instanceof Map) {
      this.map(v, depth);
    } else if (v instanceof CborFloat) {
      this.float(v.value);
    } else if (v instanceof CborTag) {
      if (!Number.isSafeInteger(v.tag) || v.tag < 0) this.fail(`invalid tag number ${v.tag}`);
      this.head(6, v.tag);
      this.value(v.value, depth + 1);
    } else if (v instanceof CborSimple) {
      const s = v.value;
      if (!Number.isInteger(s) || s < 0 || s > 255 || (s >= 20 && s < 32)) this.fail(`invalid simple value ${s}`);
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
    const entries: { key: Uint8Array; value: CborValue; name: string | number }[] = [];
    for (const [k, value] of m) {
      if (typeof k !== 'number' && typeof k !== 'string') this.fail('map keys must be integers or text strings');
      entries.push({ key: encodeCbor(k), value, name: k });
    }
    entries.sort((a, b) => compare(a.key, b.key));
    this.head(5, entries.length);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (i > 0 && compare(entries[i - 1]!.key, e.key) === 0) this.fail(`duplicate map key ${String(e.name)}`);
      this.ensure(e.key.length);
      this.buf.set(e.key, this.pos);
      this.pos += e.key.length;
      this.path.push(e.name);
      this.value(e.value, depth + 1);
      this.path.pop();
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

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Encodes a value in deterministic CBOR (RFC 8949 §4.2.1).
 *
 * @param value - the value; integers must be safe integers, floats wrapped in {@link CborFloat}
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
  const w = new Writer(256);
  w.value(value, 0);
  return w.buf.slice(0, w.pos);
}
