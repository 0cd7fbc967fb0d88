import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MimiError } from '../../src/errors.js';
import { TlsReader, TlsWriter, decodeWith, encodeWith } from '../../src/tls/index.js';

const h = (s: string): Uint8Array => new Uint8Array((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('TLS writer (hand-computed bytes, RFC 9420 §2.1)', () => {
  it('fixed-width integers are big-endian', () => {
    expect(encodeWith((w) => { w.uint8(0xab); w.uint16(0x0102); w.uint32(0x01020304); w.uint64(0x0102030405060708n); })).toEqual(
      h('ab 0102 01020304 0102030405060708'),
    );
  });
  it('varints use the minimal 1/2/4-byte form (RFC 9420 §2.1.2 examples)', () => {
    expect(encodeWith((w) => w.varint(37))).toEqual(h('25'));
    expect(encodeWith((w) => w.varint(15293))).toEqual(h('7bbd'));
    expect(encodeWith((w) => w.varint(494878333))).toEqual(h('9d7f3e7d'));
    expect(encodeWith((w) => w.varint(63))).toEqual(h('3f'));
    expect(encodeWith((w) => w.varint(64))).toEqual(h('4040'));
    expect(encodeWith((w) => w.varint(16384))).toEqual(h('80004000'));
  });
  it('opaque<V>, vectors and optional', () => {
    expect(encodeWith((w) => w.string('hi'))).toEqual(h('02 6869'));
    expect(encodeWith((w) => w.vector([1, 2], (w2, x) => w2.uint16(x)))).toEqual(h('04 0001 0002'));
    expect(encodeWith((w) => { w.optional(undefined, (w2, x: number) => w2.uint32(x)); w.optional(5, (w2, x) => w2.uint32(x)); })).toEqual(h('00 01 00000005'));
  });
  it('rejects out-of-range values', () => {
    expect(code(() => new TlsWriter().uint8(256))).toBe('tls/value-out-of-range');
    expect(code(() => new TlsWriter().uint32(-1))).toBe('tls/value-out-of-range');
    expect(code(() => new TlsWriter().varint(2 ** 30))).toBe('tls/value-out-of-range');
    expect(code(() => new TlsWriter().uint16(1.5))).toBe('tls/value-out-of-range');
  });
});

describe('TLS reader strictness', () => {
  it('reads the RFC 9420 varint examples', () => {
    expect(decodeWith(h('25'), (r) => r.varint())).toBe(37);
    expect(decodeWith(h('7bbd'), (r) => r.varint())).toBe(15293);
    expect(decodeWith(h('9d7f3e7d'), (r) => r.varint())).toBe(494878333);
  });
  it('rejects trailing bytes', () => {
    expect(code(() => decodeWith(h('0000000100'), (r) => r.uint32()))).toBe('tls/trailing-bytes');
  });
  it('rejects truncated integers and lengths beyond the input', () => {
    expect(code(() => decodeWith(h('0001'), (r) => r.uint32()))).toBe('tls/truncated');
    expect(code(() => decodeWith(h('05 0102'), (r) => r.opaque()))).toBe('tls/truncated');
    expect(code(() => decodeWith(h('40'), (r) => r.varint()))).toBe('tls/truncated');
    expect(code(() => decodeWith(h(''), (r) => r.uint8()))).toBe('tls/truncated');
  });
  it('rejects overlong (non-minimal) varints and the reserved 0b11 prefix', () => {
    expect(code(() => decodeWith(h('4025'), (r) => r.varint()))).toBe('tls/non-minimal-varint');
    expect(code(() => decodeWith(h('80000025'), (r) => r.varint()))).toBe('tls/non-minimal-varint');
    expect(code(() => decodeWith(h('80003fff'), (r) => r.varint()))).toBe('tls/non-minimal-varint');
    expect(code(() => decodeWith(h('c000000000000001'), (r) => r.varint()))).toBe('tls/invalid-varint');
  });
  it('bounds vector sizes', () => {
    expect(code(() => decodeWith(h('03 010203'), (r) => r.opaque(), { maxVectorBytes: 2 }))).toBe('tls/vector-too-large');
    expect(decodeWith(h('02 0102'), (r) => r.opaque(), { maxVectorBytes: 2 })).toEqual(h('0102'));
  });
  it('rejects an item running past its vector', () => {
    // vector of 3 bytes holding uint16 items: the second item is cut by the vector end
    expect(code(() => decodeWith(h('03 0001 02'), (r) => r.vector((r2) => r2.uint16())))).toBe('tls/truncated');
  });
  it('rejects bad booleans, optional prefixes and invalid UTF-8', () => {
    expect(code(() => decodeWith(h('02'), (r) => r.bool()))).toBe('tls/invalid-bool');
    expect(code(() => decodeWith(h('02 00000001'), (r) => r.optional((r2) => r2.uint32())))).toBe('tls/invalid-optional');
    expect(code(() => decodeWith(h('02 c328'), (r) => r.string()))).toBe('tls/invalid-utf8');
  });
  it('reports offsets', () => {
    const r = new TlsReader(h('0102'));
    r.uint8();
    expect(r.offset).toBe(1);
    expect(r.remaining).toBe(1);
  });
});

describe('TLS writer: in-place vectors, ASCII strings, sized buffers', () => {
  const filled = (n: number, v: number): string => v.toString(16).padStart(2, '0').repeat(n);
  it('a vector widens its length prefix at 64 and 16384 bytes (RFC 9420 §2.1.2), items unchanged', () => {
    const bytes = (n: number) => encodeWith((w) => w.vector(Array.from({ length: n }, () => 0xaa), (x, v) => x.uint8(v)));
    expect(bytes(63)).toEqual(h('3f' + filled(63, 0xaa)));
    expect(bytes(64)).toEqual(h('4040' + filled(64, 0xaa)));
    expect(bytes(16383)).toEqual(h('7fff' + filled(16383, 0xaa)));
    expect(bytes(16384)).toEqual(h('80004000' + filled(16384, 0xaa)));
  });
  it('nested vectors get their own prefixes, and what follows them stays in place', () => {
    const b = encodeWith((w) => {
      w.uint8(0x11);
      w.vector([[1, 2], Array.from({ length: 40 }, () => 3)], (x, list) => x.vector(list, (y, v) => y.uint16(v)));
      w.uint8(0x22);
    });
    // inner: 04 0001 0002 (5 bytes) and 4050 + 40 × 0003 (82 bytes); outer: 87 bytes = 4057
    expect(b).toEqual(h('11 4057 04 0001 0002 4050' + '0003'.repeat(40) + ' 22'));
  });
  it('a vector whose item throws leaves nothing behind', () => {
    const w = new TlsWriter();
    w.uint8(0x01);
    expect(code(() => w.vector([1, 2, 3], (x, v) => x.uint8(v === 3 ? 256 : v)))).toBe('tls/value-out-of-range');
    w.uint8(0x02);
    expect(w.finish()).toEqual(h('01 02'));
  });
  it('strings: ASCII and other UTF-8 give the bytes TextEncoder gives, prefix widening at 64 bytes', () => {
    expect(encodeWith((w) => w.string('a'.repeat(63)))).toEqual(h('3f' + filled(63, 0x61)));
    expect(encodeWith((w) => w.string('a'.repeat(64)))).toEqual(h('4040' + filled(64, 0x61)));
    expect(encodeWith((w) => w.string('\u007f\u00e9'))).toEqual(h('03 7f c3a9')); // U+00E9 is C3 A9
    expect(encodeWith((w) => w.string('\ud800'))).toEqual(h('03 efbfbd')); // a lone surrogate becomes U+FFFD
  });
  it('a writer sized exactly hands out its buffer once, and later writes never touch it', () => {
    const w = new TlsWriter(4);
    w.uint32(0x01020304);
    const first = w.finish();
    w.uint8(5);
    expect(first).toEqual(h('01020304'));
    expect(w.finish()).toEqual(h('01020304 05'));
    const again = new TlsWriter(1);
    again.uint8(9);
    const a = again.finish();
    const b = again.finish();
    expect(a).not.toBe(b);
    b[0] = 0;
    expect(a).toEqual(h('09'));
  });
  it('uint64 around 2^53 and at 2^64-1 (write and read)', () => {
    for (const [v, hex] of [[2n ** 53n - 1n, '001fffffffffffff'], [2n ** 53n, '0020000000000000'], [2n ** 53n + 1n, '0020000000000001'], [2n ** 64n - 1n, 'ffffffffffffffff']] as const) {
      expect(encodeWith((w) => w.uint64(v))).toEqual(h(hex));
      expect(decodeWith(h(hex), (r) => r.uint64())).toBe(v);
    }
  });
});

describe('TLS reader: skipOpaque', () => {
  it('skips a vector with the bounds and refusals of opaque()', () => {
    expect(decodeWith(h('02 0102 07'), (r) => { r.skipOpaque(); return r.uint8(); })).toBe(7);
    expect(code(() => decodeWith(h('03 0102'), (r) => r.skipOpaque()))).toBe('tls/truncated');
    expect(code(() => decodeWith(h('4001 01'), (r) => r.skipOpaque()))).toBe('tls/non-minimal-varint');
    expect(code(() => decodeWith(h('03 010203'), (r) => r.skipOpaque(), { maxVectorBytes: 2 }))).toBe('tls/vector-too-large');
    expect(code(() => decodeWith(h('00 00'), (r) => { r.skipOpaque(); r.skipOpaque(); }, { maxItems: 1 }))).toBe('tls/too-many-items');
  });
});

describe('TLS round-trip properties', () => {
  it('varint round-trips and its length is minimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 - 1 }), (n) => {
        const b = encodeWith((w) => w.varint(n));
        expect(b.length).toBe(n < 64 ? 1 : n < 16384 ? 2 : 4);
        expect(decodeWith(b, (r) => r.varint())).toBe(n);
      }),
    );
  });
  it('vectors of strings round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (xs) => {
        const b = encodeWith((w) => w.vector(xs, (w2, s) => w2.string(s)));
        expect(decodeWith(b, (r) => r.vector((r2) => r2.string()))).toEqual(xs.map((s) => new TextDecoder().decode(new TextEncoder().encode(s))));
      }),
    );
  });
});
