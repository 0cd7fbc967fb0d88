// The data model beyond safe integers and text/int keys: bigints, bignums, byte-string and mixed map keys.
// Expected bytes come from RFC 8949 Appendix A or are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { CborFloat, CborTag, bytesKeyEquals, decodeCbor, encodeCbor, type CborMap, type CborValue } from '../../src/cbor/index.js';
import { MimiError } from '../../src/errors.js';

const h = (s: string) => new Uint8Array(s.replace(/\s/g, '').match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function code(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(MimiError);
    return (e as MimiError).code;
  }
}
const dec = (s: string, opts = { allowTags: true }) => code(() => decodeCbor(h(s), opts));

describe('integers of every size (RFC 8949 §3.1, §3.4.3)', () => {
  // RFC 8949 Appendix A, Table 6.
  const appendixA: [bigint | number, string][] = [
    [1000000000000, '1b000000e8d4a51000'],
    [18446744073709551615n, '1bffffffffffffffff'],
    [18446744073709551616n, 'c249010000000000000000'],
    [-18446744073709551616n, '3bffffffffffffffff'],
    [-18446744073709551617n, 'c349010000000000000000'],
  ];

  it('decode and encode the RFC 8949 Appendix A examples', () => {
    for (const [v, bytes] of appendixA) {
      expect(decodeCbor(h(bytes), { allowTags: true }), bytes).toBe(v);
      expect(hex(encodeCbor(v)), String(v)).toBe(bytes);
    }
  });

  it('bigint exactly outside ±(2^53−1); a bigint that fits is written as a plain integer', () => {
    expect(decodeCbor(h('1b001fffffffffffff'))).toBe(2 ** 53 - 1);
    expect(decodeCbor(h('1b0020000000000000'))).toBe(2n ** 53n);
    expect(decodeCbor(h('3b001ffffffffffffe'))).toBe(-(2 ** 53 - 1));
    expect(decodeCbor(h('3b001fffffffffffff'))).toBe(-(2n ** 53n)); // -1 - (2^53 - 1)
    expect(hex(encodeCbor(5n))).toBe('05');
    expect(hex(encodeCbor(-1n))).toBe('20');
    expect(hex(encodeCbor([2n ** 53n, -(2n ** 53n)]))).toBe('82' + '1b0020000000000000' + '3b001fffffffffffff');
    // A 9-byte bignum: 2^64 + 255 = 01 00000000000000ff.
    expect(hex(encodeCbor(2n ** 64n + 255n))).toBe('c249' + '0100000000000000ff');
  });

  it('refuses bignums that are not preferred serialization (RFC 8949 §3.4.3)', () => {
    expect(dec('c24101')).toBe('cbor/non-preferred-bignum'); // 1 fits major type 0
    expect(dec('c240')).toBe('cbor/non-preferred-bignum'); // 0
    expect(dec('c248ffffffffffffffff')).toBe('cbor/non-preferred-bignum'); // 2^64-1 fits 0x1b
    expect(dec('c348ffffffffffffffff')).toBe('cbor/non-preferred-bignum'); // -2^64 fits 0x3b
    expect(dec('c24a00010000000000000000')).toBe('cbor/non-preferred-bignum'); // leading zero byte
    expect(dec('c26161')).toBe('cbor/invalid-bignum'); // content must be a byte string
    expect(dec('c349010000000000000000', { allowTags: false })).toBe('cbor/tag-not-allowed');
    // Lenient mode accepts them and returns the canonical form.
    expect(decodeCbor(h('c24101'), { allowTags: true, lenient: true })).toBe(1);
    expect(decodeCbor(h('c24a00010000000000000000'), { allowTags: true, lenient: true })).toBe(2n ** 64n);
  });

  it('bounds bignums at 1024 content bytes (8192 bits), both ways', () => {
    const max = 'c2' + '590400' + 'ff'.repeat(1024);
    expect(decodeCbor(h(max), { allowTags: true })).toBe(2n ** 8192n - 1n);
    expect(hex(encodeCbor(2n ** 8192n - 1n))).toBe(max);
    expect(dec('c2' + '590401' + '01' + '00'.repeat(1024))).toBe('cbor/integer-out-of-range');
    expect(code(() => encodeCbor(2n ** 8192n))).toBe('cbor/unencodable');
  });

  it('the encoder writes bignums only from bigints, never from a hand-made tag 2/3', () => {
    expect(code(() => encodeCbor(new CborTag(2, h('01'))))).toBe('cbor/unencodable');
    expect(code(() => encodeCbor(new CborTag(3, h('010000000000000000'))))).toBe('cbor/unencodable');
  });

  it('tag numbers and lengths beyond 2^53 stay refused', () => {
    expect(dec('db0020000000000000 00')).toBe('cbor/integer-out-of-range');
    expect(dec('7b0020000000000000')).toBe('cbor/truncated');
  });
});

describe('map keys: integers, text and byte strings (draft-ietf-mimi-content §7.2)', () => {
  it('decode byte-string keys, at any depth, in deterministic order', () => {
    // {h'': 1, h'00': 2}: 40 sorts before 41 00 (shorter head first)
    const m = decodeCbor(h('a2 40 01 4100 02')) as CborMap;
    expect([...m.values()]).toEqual([1, 2]);
    expect([...m.keys()]).toEqual([new Uint8Array(0), new Uint8Array([0])]);
    const nested = decodeCbor(h('81 a1 4201ff 6178')) as [CborMap];
    const [k, v] = [...nested[0]][0]!;
    expect(k).toEqual(new Uint8Array([1, 255]));
    expect(v).toBe('x');
    expect(dec('a2 4100 02 40 01')).toBe('cbor/unsorted-map-keys');
    expect(dec('a2 4101 01 4101 02')).toBe('cbor/duplicate-map-key');
    expect(code(() => decodeCbor(h('a2 4101 01 4101 02'), { lenient: true }))).toBe('cbor/duplicate-map-key');
    expect(code(() => decodeCbor(h('a2 4101 01 4102 02'), { lenient: true }))).toBe('ok');
  });

  it('refuses the key types §7.2 leaves out', () => {
    for (const key of ['f4', 'f6', 'f93c00', '80', 'a0', 'c10a']) expect(dec(`a1 ${key} 01`), key).toBe('cbor/unsupported-map-key');
  });

  it('sorts mixed keys bytewise by their encodings (RFC 8949 §4.2.1)', () => {
    // Encodings: 10 → 0a, 256 → 190100, -1 → 20, -25 → 3818, h'ff' → 41ff, h'0000' → 420000, "a" → 6161, "" → 60.
    // Bytewise: 0a < 19… < 20 < 38… < 41… < 42… < 60 < 61….
    const m = new Map<string | number | Uint8Array, CborValue>([
      ['a', 1],
      [h('0000'), 2],
      [-25, 3],
      ['', 4],
      [h('ff'), 5],
      [256, 6],
      [-1, 7],
      [10, 8],
    ]);
    const want = 'a8' + '0a08' + '19010006' + '2007' + '381803' + '41ff05' + '42000002' + '6004' + '616101';
    expect(hex(encodeCbor(m))).toBe(want);
    expect(encodeCbor(decodeCbor(h(want)))).toEqual(h(want));
  });

  it('byte-string keys are compared by content', () => {
    const m = decodeCbor(h('a1 4107 01')) as CborMap;
    expect(m.get(new Uint8Array([7]))).toBeUndefined(); // a Map compares objects by identity…
    expect([...m].find(([k]) => k instanceof Uint8Array && bytesKeyEquals(k, new Uint8Array([7])))?.[1]).toBe(1);
    // …so two objects holding the same bytes are one key twice: refused.
    expect(code(() => encodeCbor(new Map([[h('07'), 1], [h('07'), 2]])))).toBe('cbor/unencodable');
  });
});

describe('the encoder refuses objects that only look like data-model values', () => {
  it('forged Uint8Array, Map and CborFloat objects are cbor/unencodable, never a TypeError', () => {
    expect(code(() => encodeCbor(Object.setPrototypeOf({}, Uint8Array.prototype) as Uint8Array))).toBe('cbor/unencodable');
    expect(code(() => encodeCbor(Object.create(Map.prototype) as CborMap))).toBe('cbor/unencodable');
    expect(code(() => encodeCbor(new Proxy(new Map(), {}) as CborMap))).toBe('cbor/unencodable');
    expect(code(() => encodeCbor(Object.create(CborFloat.prototype) as CborFloat))).toBe('cbor/unencodable');
    expect(code(() => encodeCbor(new Map([[Object.setPrototypeOf({}, Uint8Array.prototype) as Uint8Array, 1]])))).toBe('cbor/unencodable');
  });
});
