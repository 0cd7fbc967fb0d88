// The item limit (docs/decisions.md, CBOR "Limits"): default 65 536 + ⌊input bytes / 8⌋ items, configurable
// with maxItems, on every decoder of untrusted bytes. Memory and time budgets are checked in the resource suite.
import { describe, expect, it } from 'vitest';
import { decodeCbor, type CborValue } from '../../src/cbor/index.js';
import { decodeContent, decodeStatusReport, encodeContent, encodeStatusReport, type MimiContent } from '../../src/content/index.js';
import { MimiError } from '../../src/errors.js';
import { decodeWith } from '../../src/tls/index.js';

function code(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(MimiError);
    return (e as MimiError).code;
  }
}

/** An array of `n` ≥ 256 empty maps: the shortest head (99 + 2-byte or 9a + 4-byte count), then n × a0 (1 byte, 1 item each). */
function emptyMaps(n: number): Uint8Array {
  const head = n < 0x10000 ? [0x99, n >> 8, n & 0xff] : [0x9a, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const b = new Uint8Array(head.length + n).fill(0xa0);
  b.set(head);
  return b;
}

describe('decodeCbor item limit', () => {
  it('counts every item (map keys too) against maxItems', () => {
    expect(code(() => decodeCbor(new Uint8Array([0x82, 0x01, 0x02]), { maxItems: 3 }))).toBe('ok'); // [1, 2]: 3 items
    expect(code(() => decodeCbor(new Uint8Array([0x83, 0x01, 0x02, 0x03]), { maxItems: 3 }))).toBe('cbor/too-many-items');
    expect(code(() => decodeCbor(new Uint8Array([0xa1, 0x01, 0x02]), { maxItems: 2 }))).toBe('cbor/too-many-items'); // {1: 2}: 3 items
  });

  it('default: 65 536 + ⌊bytes / 8⌋', () => {
    // 70 000 maps: 70 005 bytes → limit 65 536 + 8 750 = 74 286 ≥ 70 001 items.
    expect((decodeCbor(emptyMaps(70_000)) as CborValue[]).length).toBe(70_000);
    // 80 000 maps: 80 005 bytes → limit 65 536 + 10 000 = 75 536 < 80 001 items: refused at the array head,
    // before its 80 000 slots are allocated.
    const failure = (bytes: Uint8Array) => {
      try {
        decodeCbor(bytes);
      } catch (x) {
        return x as MimiError;
      }
    };
    expect(failure(emptyMaps(80_000))).toMatchObject({ code: 'cbor/too-many-items', path: [] });
    expect((decodeCbor(emptyMaps(80_000), { maxItems: 80_001 }) as CborValue[]).length).toBe(80_000);
    // [40 000 maps, 40 000 maps]: 1 + 2 × 40 003 = 80 007 bytes → limit 75 536; the second array is item
    // 40 003 and asks for 40 000 more.
    const two = new Uint8Array([0x82, ...emptyMaps(40_000), ...emptyMaps(40_000)]);
    expect(failure(two)).toMatchObject({ code: 'cbor/too-many-items', path: [1] });
  });
});

const base = (other: Map<number, CborValue>): MimiContent => ({
  salt: new Uint8Array(16),
  replaces: null,
  topicId: new Uint8Array(0),
  expires: null,
  inReplyTo: null,
  extensions: { senderUri: 'mimi://a.example/u/alice', roomUri: 'mimi://a.example/r/r', other },
  nestedPart: { disposition: 1, language: '', cardinality: 'single', contentType: 'text/plain', content: new Uint8Array([0x68, 0x69]) },
});

describe('decodeContent, decodeStatusReport and the TLS codec share the rule', () => {
  it('decodeContent: an extension of 80 000 empty maps is refused by default, accepted with maxItems', () => {
    const bytes = encodeContent(base(new Map([[3, Array.from({ length: 80_000 }, () => new Map())]])));
    expect(code(() => decodeContent(bytes))).toBe('cbor/too-many-items');
    const c = decodeContent(bytes, { maxItems: 100_000 });
    expect((c.extensions.other?.get(3) as CborValue[]).length).toBe(80_000);
    expect(code(() => decodeContent(encodeContent(base(new Map())), { maxItems: 5 }))).toBe('cbor/too-many-items');
  });

  it('decodeContent: a body of 20 000 tiny parts is refused by the item limit', () => {
    // Each single part 85 00 60 01 60 40 is 6 items in 6 bytes: 120 k items > 65 536 + 15 k.
    const parts = Array.from({ length: 20_000 }, () => ({ disposition: 0, language: '', cardinality: 'single' as const, contentType: '', content: new Uint8Array(0) }));
    const c = { ...base(new Map()), nestedPart: { disposition: 0, language: '', cardinality: 'multi' as const, partSemantics: 'processAll' as const, parts } };
    expect(code(() => decodeContent(encodeContent(c)))).toBe('cbor/too-many-items');
  });

  it('decodeStatusReport: maxItems', () => {
    const bytes = encodeStatusReport([
      { messageId: new Uint8Array(32).fill(1), status: 1 },
      { messageId: new Uint8Array(32).fill(2), status: 2 },
    ]); // [[id, 1], [id, 2]]: 7 items
    expect(decodeStatusReport(bytes)).toHaveLength(2);
    expect(decodeStatusReport(bytes, { maxItems: 7 })).toHaveLength(2);
    expect(code(() => decodeStatusReport(bytes, { maxItems: 6 }))).toBe('cbor/too-many-items');
  });

  it('TLS: a vector of 80 000 empty opaques (1 byte each) is refused; nested vectors share one count', () => {
    // varint 80 000 = 0x80013880, then 80 000 × 00: 1 vector + 80 000 elements + 80 000 opaques > 65 536 + 10 000.
    const n = 80_000;
    const b = new Uint8Array(4 + n);
    b.set([0x80, 0x01, 0x38, 0x80]);
    expect(code(() => decodeWith(b, (r) => r.vector((r2) => r2.opaque())))).toBe('tls/too-many-items');
    expect(decodeWith(b, (r) => r.vector((r2) => r2.opaque()), { maxItems: 2 * n + 1 })).toHaveLength(n);
    // [[0], [0]] as vector<vector<uint8>>: 04 | 01 00 | 01 00 → outer vector, 2 elements, 2 inner vectors, 2 elements = 7.
    const nested = new Uint8Array([0x04, 0x01, 0x00, 0x01, 0x00]);
    const read = (o: { maxItems?: number }) => decodeWith(nested, (r) => r.vector((r2) => r2.vector((r3) => r3.uint8())), o);
    expect(read({})).toEqual([[0], [0]]);
    expect(read({ maxItems: 7 })).toEqual([[0], [0]]);
    expect(code(() => read({ maxItems: 6 }))).toBe('tls/too-many-items');
  });
});
