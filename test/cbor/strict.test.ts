import { describe, expect, it } from 'vitest';
import { CborFloat, CborSimple, CborTag, decodeCbor, encodeCbor, type CborValue } from '../../src/cbor/index.js';
import { MimiError } from '../../src/errors.js';

const h = (s: string) => new Uint8Array(s.replace(/\s/g, '').match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function code(bytes: string, opts = {}): string {
  try {
    decodeCbor(h(bytes), opts);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(MimiError);
    return (e as MimiError).code;
  }
}

describe('strict decoder (RFC 8949 §4.2.1)', () => {
  it('refuses non-shortest heads for integers and lengths', () => {
    expect(code('1817')).toBe('cbor/non-shortest-head'); // 23 in two bytes
    expect(code('190017')).toBe('cbor/non-shortest-head');
    expect(code('1a000000ff')).toBe('cbor/non-shortest-head');
    expect(code('1b00000000ffffffff')).toBe('cbor/non-shortest-head');
    expect(code('3817')).toBe('cbor/non-shortest-head');
    expect(code('5801ff')).toBe('cbor/non-shortest-head'); // bstr length 1 in two bytes
    expect(code('780161')).toBe('cbor/non-shortest-head');
    expect(code('980100')).toBe('cbor/non-shortest-head');
    expect(code('b8010000')).toBe('cbor/non-shortest-head');
    expect(code('1818')).toBe('ok');
    expect(code('1817', { lenient: true })).toBe('ok');
  });

  it('refuses indefinite lengths', () => {
    expect(code('5f41ffff')).toBe('cbor/indefinite-length');
    expect(code('7f6161ff')).toBe('cbor/indefinite-length');
    expect(code('9f01ff')).toBe('cbor/indefinite-length');
    expect(code('bf0101ff')).toBe('cbor/indefinite-length');
    expect(code('9f01ff', { lenient: true })).toBe('ok');
    expect(code('1f')).toBe('cbor/reserved-additional-info');
  });

  it('refuses unsorted and duplicate map keys, keeps int and text keys distinct', () => {
    expect(code('a2020101 01')).toBe('cbor/unsorted-map-keys'); // {2:1, 1:1}
    expect(code('a201010101')).toBe('cbor/duplicate-map-key');
    expect(code('a2 6161 01 01 01')).toBe('cbor/unsorted-map-keys'); // text key before int key
    expect(code('a2 0a 01 1818 01')).toBe('ok'); // 10 (0a) before 24 (1818): bytewise, shorter first here
    expect(code('a2 20 01 0a 01')).toBe('cbor/unsorted-map-keys'); // -1 (0x20) sorts after 10 (0x0a)
    const m = decodeCbor(h('a2 01 01 6131 02')) as Map<unknown, unknown>;
    expect(m.get(1)).toBe(1);
    expect(m.get('1')).toBe(2);
    expect(code('a1 40 01')).toBe('ok'); // byte-string keys (draft-ietf-mimi-content §7.2): test/cbor/datamodel.test.ts
    expect(code('a1 f4 01')).toBe('cbor/unsupported-map-key'); // false as a key: not in the §7.2 key types
  });

  it('refuses trailing bytes, empty input and truncation', () => {
    expect(code('0100')).toBe('cbor/trailing-bytes');
    expect(code('')).toBe('cbor/truncated');
    expect(code('62 61')).toBe('cbor/truncated');
    expect(code('19 01')).toBe('cbor/truncated');
    expect(code('82 01')).toBe('cbor/truncated');
  });

  it('refuses huge declared lengths before allocating', () => {
    expect(code('5b 001fffffffffffff')).toBe('cbor/truncated');
    expect(code('9b 001fffffffffffff')).toBe('cbor/truncated');
    expect(code('bb 001fffffffffffff')).toBe('cbor/truncated');
    expect(code('9a ffffffff')).toBe('cbor/truncated');
    expect(code('5b ffffffffffffffff')).toBe('cbor/truncated'); // a length beyond 2^53 is still longer than any input
    expect(code('9b 0020000000000000')).toBe('cbor/truncated');
  });

  it('refuses bad UTF-8 (also overlong and surrogates)', () => {
    expect(code('61 ff')).toBe('cbor/invalid-utf8');
    expect(code('62 c0 80')).toBe('cbor/invalid-utf8'); // overlong NUL
    expect(code('63 eda080')).toBe('cbor/invalid-utf8'); // U+D800
    expect(code('63 e29da4')).toBe('ok');
    expect(decodeCbor(h('63 efbbbf'))).toBe('\ufeff'); // a BOM is kept, not stripped
  });

  it('integers: numbers within ±(2^53−1), bigints beyond', () => {
    expect(decodeCbor(h('1b 001fffffffffffff'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeCbor(h('1b 0020000000000000'))).toBe(2n ** 53n);
    expect(decodeCbor(h('3b 001ffffffffffffe'))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(decodeCbor(h('3b 001fffffffffffff'))).toBe(-(2n ** 53n));
    expect(() => encodeCbor(2 ** 53)).toThrow(expect.objectContaining({ code: 'cbor/unencodable' })); // an unsafe number: use a bigint
    expect(() => encodeCbor(1.5)).toThrow(expect.objectContaining({ code: 'cbor/unencodable' }));
    expect(hex(encodeCbor(-Number.MAX_SAFE_INTEGER))).toBe('3b001ffffffffffffe');
  });

  it('floats: shortest form only, canonical NaN only', () => {
    expect(decodeCbor(h('f93e00'))).toEqual(new CborFloat(1.5));
    expect(code('fa3fc00000')).toBe('cbor/non-shortest-float'); // 1.5 as float32
    expect(code('fb3ff8000000000000')).toBe('cbor/non-shortest-float');
    expect(code('f97e00')).toBe('ok');
    expect(code('f97e01')).toBe('cbor/non-canonical-nan');
    expect(code('fa7fc00000')).toBe('cbor/non-canonical-nan');
    expect(code('fb7ff8000000000000')).toBe('cbor/non-canonical-nan');
    expect(hex(encodeCbor(new CborFloat(NaN)))).toBe('f97e00');
    expect(hex(encodeCbor(new CborFloat(-0)))).toBe('f98000');
    expect(hex(encodeCbor(new CborFloat(100000)))).toBe('fa47c35000');
    expect(hex(encodeCbor(new CborFloat(0.1)))).toBe('fb3fb999999999999a');
    expect(hex(encodeCbor(new CborFloat(5.960464477539063e-8)))).toBe('f90001'); // smallest half subnormal
    expect(decodeCbor(h('fa47c35000'))).toEqual(new CborFloat(100000));
  });

  it('tags only when allowed; simple values', () => {
    expect(code('d82061 78')).toBe('cbor/tag-not-allowed');
    expect(decodeCbor(h('d8206178'), { allowTags: true })).toEqual(new CborTag(32, 'x'));
    expect(code('d8 20', { allowTags: true })).toBe('cbor/truncated');
    expect(decodeCbor(h('f0'))).toEqual(new CborSimple(16));
    expect(code('f814')).toBe('cbor/invalid-simple'); // two-byte form of 20
    expect(code('fc')).toBe('cbor/reserved-additional-info');
    expect(code('ff')).toBe('cbor/unexpected-break');
    expect(code('82 01 ff')).toBe('cbor/unexpected-break');
    expect(hex(encodeCbor(new CborSimple(99)))).toBe('f863');
  });

  it('depth and size limits', () => {
    const deep = '81'.repeat(40) + '00';
    expect(code(deep)).toBe('cbor/too-deep');
    expect(code(deep, { maxDepth: 64 })).toBe('ok');
    expect(code('81'.repeat(100000) + '00', { maxDepth: 200000 })).not.toBe('ok'); // no stack overflow escapes as a raw error
    expect(code('00'.repeat(2), { maxBytes: 1 })).toBe('cbor/too-large');
    expect(() => decodeCbor('00' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'cbor/not-bytes' }));
  });

  it('encoder: sorted keys, shortest heads, no lone surrogates, no cycles', () => {
    const m = new Map<string | number, CborValue>([['a', 1], [-1, 2], [256, 3], [10, 4], ['', 5]]);
    // keys by encoding: 0a, 190100, 20, 60, 6161
    expect(hex(encodeCbor(m))).toBe('a5' + '0a04' + '19010003' + '2002' + '6005' + '616101');
    expect(hex(encodeCbor(new Uint8Array(24)))).toBe('5818' + '00'.repeat(24));
    expect(hex(encodeCbor('x'.repeat(24)))).toBe('7818' + '78'.repeat(24));
    expect(() => encodeCbor('\ud800')).toThrow(expect.objectContaining({ code: 'cbor/unencodable' }));
    expect(() => encodeCbor('\ud800'.repeat(30))).toThrow(expect.objectContaining({ code: 'cbor/unencodable' }));
    const cyc: CborValue[] = [];
    cyc.push(cyc);
    expect(() => encodeCbor(cyc)).toThrow(expect.objectContaining({ code: 'cbor/unencodable' }));
    expect(() => encodeCbor(new Map<string | number, CborValue>([[1, 1], [1.5 as number, 2]]))).toThrow(MimiError);
    expect(() => encodeCbor({} as CborValue)).toThrow(expect.objectContaining({ code: 'cbor/unencodable' }));
    expect(code('a1 1b0020000000000000 01')).toBe('cbor/integer-out-of-range'); // draft §7.2: integer keys are safe integers
    expect(code('a1 3b001fffffffffffff 01')).toBe('cbor/integer-out-of-range');
  });
});
