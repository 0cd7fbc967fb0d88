import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor } from '../../src/cbor/index.js';
import { MimiError } from '../../src/errors.js';

// The strict decoder reads text strings through a short-ASCII loop (< 16 bytes), a cache of validated
// strings (16..128 bytes) and TextDecoder (fatal). All three must give exactly what a fatal TextDecoder gives.
const reference = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A CBOR text string (major type 3, shortest head) holding `payload`, which need not be valid UTF-8. */
function textItem(payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 24 ? [0x60 | n] : n < 0x100 ? [0x78, n] : [0x79, n >> 8, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function viaDecoder(payload: Uint8Array): string {
  try {
    return `ok:${decodeCbor(textItem(payload)) as string}`;
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    return e.code;
  }
}

function viaTextDecoder(payload: Uint8Array): string {
  try {
    return `ok:${reference.decode(payload)}`;
  } catch {
    return 'cbor/invalid-utf8';
  }
}

const lengths = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 14, max: 140 }), fc.integer({ min: 120, max: 300 }));
/** Bytes that are mostly ASCII, sometimes with one byte replaced by anything (invalid or multi-byte lead). */
const mostlyAscii = lengths.chain((n) =>
  fc.tuple(fc.uint8Array({ minLength: n, maxLength: n, max: 0x7f }), fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })))).map(
    ([b, change]) => {
      if (change !== null && b.length > 0) b[change[0] % b.length] = change[1];
      return b;
    },
  ),
);
const validUtf8 = fc.string({ unit: 'binary', maxLength: 100 }).map((s) => new TextEncoder().encode(s));
const anyBytes = lengths.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

describe('text strings agree with a fatal TextDecoder', () => {
  it('ASCII, non-ASCII, invalid UTF-8, every length class; twice (the second read may come from the cache)', () => {
    fc.assert(
      fc.property(fc.oneof(mostlyAscii, validUtf8, anyBytes), (payload) => {
        const want = viaTextDecoder(payload);
        expect(viaDecoder(payload)).toBe(want);
        expect(viaDecoder(payload)).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('cached strings are confirmed byte for byte (strings differing only in unsampled bytes)', () => {
    // 40 bytes: the cache hashes every 5th byte and the last one; these differ only at index 1.
    const a = new TextEncoder().encode('mimi://example.com/u/alice-smith-xxxxxxx');
    const b = a.slice();
    b[1] = 0x4a;
    const c = a.slice();
    c[1] = 0xff; // invalid UTF-8 must never be served from a valid string's slot
    expect(a).toHaveLength(40);
    for (let i = 0; i < 3; i++) {
      expect(viaDecoder(a)).toBe(`ok:${new TextDecoder().decode(a)}`);
      expect(viaDecoder(b)).toBe(`ok:${new TextDecoder().decode(b)}`);
      expect(viaDecoder(c)).toBe('cbor/invalid-utf8');
    }
  });

  it('a string found in the cache is also correct when the input is a view at an offset', () => {
    const s = 'text/markdown;variant=GFM-MIMI';
    const item = textItem(new TextEncoder().encode(s));
    const backing = new Uint8Array(item.length + 7);
    backing.set(item, 5);
    expect(decodeCbor(item)).toBe(s);
    expect(decodeCbor(backing.subarray(5, 5 + item.length))).toBe(s);
  });
});
