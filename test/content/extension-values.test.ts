// Extension values carry the whole CBOR data model (draft-ietf-mimi-content §3.7 "value = any", §7.2):
// integers beyond 2^53, bignums, maps with byte-string and mixed keys. Messages are written by hand in hex;
// expected values and JSON forms are written by hand too (docs/json-mapping.md).
import { describe, expect, it } from 'vitest';
import {
  contentFromJson,
  contentToJson,
  decodeContent,
  encodeContent,
  safeDecodeContent,
  type CborValue,
} from '../../src/content/index.js';
import { hex } from './helpers.js';

const utf8Hex = (s: string) => Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, '0')).join('');
const tx = (s: string) => (0x60 + s.length).toString(16) + utf8Hex(s); // texts here are < 24 bytes
const SENDER = tx('mimi://a.example/u/a');
const ROOM = tx('mimi://a.example/r/r');
const BODY = '85' + '01' + '60' + '01' + tx('text/plain') + '426869'; // single part "hi"

/** A message whose extensions are {1: sender, 2: room, …extra} (extra = key/value hex pairs, in order). */
function msg(extra: string[], head = 'a' + (2 + extra.length / 2).toString(16)): Uint8Array {
  return hex('87' + '50' + '00'.repeat(16) + 'f6' + '40' + 'f6' + 'f6' + head + '01' + SENDER + '02' + ROOM + extra.join('') + BODY);
}

const cases: { name: string; value: string; want: CborValue; json: unknown }[] = [
  { name: '2^64 − 1 (0x1b)', value: '1bffffffffffffffff', want: 2n ** 64n - 1n, json: { bigint: '18446744073709551615' } },
  { name: '2^53 (first integer beyond the safe range)', value: '1b0020000000000000', want: 2n ** 53n, json: { bigint: '9007199254740992' } },
  { name: '−2^64 (0x3b)', value: '3bffffffffffffffff', want: -(2n ** 64n), json: { bigint: '-18446744073709551616' } },
  { name: '2^64 (bignum, tag 2)', value: 'c249010000000000000000', want: 2n ** 64n, json: { bigint: '18446744073709551616' } },
  { name: '−2^64 − 1 (bignum, tag 3)', value: 'c349010000000000000000', want: -(2n ** 64n) - 1n, json: { bigint: '-18446744073709551617' } },
  {
    name: 'a map with byte-string keys',
    value: 'a2' + '40' + '01' + '41ff' + '02', // {h'': 1, h'ff': 2}
    want: new Map([[new Uint8Array(0), 1], [new Uint8Array([0xff]), 2]]),
    json: { map: [[{ bytes: '' }, 1], [{ bytes: 'ff' }, 2]] },
  },
  {
    name: 'a map with mixed keys in bytewise order (0a < 20 < 41ff < 6161)',
    value: 'a4' + '0a01' + '2002' + '41ff03' + '616104', // {10: 1, -1: 2, h'ff': 3, "a": 4}
    want: new Map<number | string | Uint8Array, CborValue>([[10, 1], [-1, 2], [new Uint8Array([0xff]), 3], ['a', 4]]),
    json: { map: [[10, 1], [-1, 2], [{ bytes: 'ff' }, 3], ['a', 4]] },
  },
  {
    name: 'byte-string keys nested in an array inside a map',
    value: '81' + 'a1' + '4201' + '02' + '1bffffffffffffffff', // [{h'0102': 2^64-1}]
    want: [new Map([[new Uint8Array([1, 2]), 2n ** 64n - 1n]])],
    json: [{ map: [[{ bytes: '0102' }, { bigint: '18446744073709551615' }]] }],
  },
];

describe('extension values beyond safe integers and text/int keys', () => {
  for (const c of cases) {
    it(`${c.name}: decodes, re-encodes byte for byte, maps to JSON and back`, () => {
      const bytes = msg(['03', c.value]);
      const content = decodeContent(bytes);
      expect(content.extensions.other?.get(3)).toEqual(c.want);
      expect(encodeContent(content)).toEqual(bytes);
      const json = contentToJson(content);
      expect(json.extensions.other).toEqual({ '#3': c.json });
      expect(encodeContent(contentFromJson(JSON.stringify(json)))).toEqual(bytes);
    });
  }

  it('extension keys themselves stay integers or text (§7.2 first bullet): a byte-string key is refused', () => {
    const r = safeDecodeContent(msg(['41ff', 'f5']));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('content/invalid-extension-key');
  });

  it('integer extension keys beyond ±(2^53−1) stay refused (§7.2 third bullet)', () => {
    const r = safeDecodeContent(msg(['1b0020000000000000', 'f5']));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('cbor/integer-out-of-range');
  });

  it('a non-preferred bignum in an extension value is refused (RFC 8949 §3.4.3)', () => {
    for (const v of ['c24101', 'c248ffffffffffffffff', 'c24a00010000000000000000']) {
      const r = safeDecodeContent(msg(['03', v]));
      expect(r.ok, v).toBe(false);
      if (!r.ok) expect(r.error.code, v).toBe('cbor/non-preferred-bignum');
    }
  });

  it('a big integer in a MIMI field fails with that field’s code, as any wrong type does', () => {
    const ext = 'a2' + '01' + SENDER + '02' + ROOM;
    const withExpiry = (time: string) => hex('87' + '50' + '00'.repeat(16) + 'f6' + '40' + '82f4' + time + 'f6' + ext + BODY);
    const r1 = safeDecodeContent(withExpiry('1bffffffffffffffff'));
    expect(r1.ok || r1.error.code).toBe('content/invalid-expiration');
    const r2 = safeDecodeContent(hex('87' + '50' + '00'.repeat(16) + 'f6' + '40' + 'f6' + 'f6' + ext + '85' + '1b0020000000000000' + BODY.slice(4)));
    expect(r2.ok || r2.error.code).toBe('content/invalid-disposition');
  });

  it('the JSON form lists extension keys and map keys in deterministic order, whatever the insertion order', () => {
    const content = decodeContent(msg(['03', 'f5', '20', 'f4', '6161', 'f6'], 'a5'));
    const other = new Map([...content.extensions.other!].reverse());
    const json = contentToJson({ ...content, extensions: { ...content.extensions, other } });
    expect(Object.keys(json.extensions.other!)).toEqual(['#3', '#-1', 'a']); // 03 < 20 < 6161
  });
});

describe('the JSON form of big integers and byte-string keys is strict', () => {
  const withValue = (v: unknown) => ({
    salt: '00'.repeat(16),
    replaces: null,
    topicId: '',
    expires: null,
    inReplyTo: null,
    extensions: { other: { '#3': v } },
    nestedPart: { disposition: 1, language: '', cardinality: 'single', contentType: 'text/plain', content: '6869' },
  });
  const codeOf = (v: unknown) => {
    try {
      contentFromJson(withValue(v));
      return 'ok';
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };

  it('bigint: canonical decimal, outside the safe range', () => {
    expect(codeOf({ bigint: '9007199254740992' })).toBe('ok');
    expect(codeOf({ bigint: '9007199254740991' })).toBe('json/invalid-number'); // a safe integer: write 9007199254740991
    expect(codeOf({ bigint: '-5' })).toBe('json/invalid-number');
    expect(codeOf({ bigint: '09007199254740992' })).toBe('json/invalid-number');
    expect(codeOf({ bigint: '+9007199254740992' })).toBe('json/invalid-number');
    expect(codeOf({ bigint: 9007199254740992 })).toBe('json/invalid-number');
    expect(codeOf(9007199254740992)).toBe('json/invalid-number'); // a bare unsafe number would lose precision
    expect(codeOf({ bigint: '1' + '0'.repeat(2467) })).toBe('json/invalid-number'); // beyond 8192 bits
    expect(codeOf({ tag: 2, value: { bytes: '010000000000000000' } })).toBe('json/invalid-value'); // bignums are {bigint}
  });

  it('map keys: {bytes} for byte strings, duplicates by content refused', () => {
    expect(codeOf({ map: [[{ bytes: '01' }, 1], [{ bytes: '02' }, 2]] })).toBe('ok');
    expect(codeOf({ map: [[{ bytes: '01' }, 1], [{ bytes: '01' }, 2]] })).toBe('json/duplicate-key');
    expect(codeOf({ map: [[{ bytes: '0' }, 1]] })).toBe('json/invalid-hex');
    expect(codeOf({ map: [[{ float: 1.5 }, 1]] })).toBe('json/invalid-value');
  });
});
