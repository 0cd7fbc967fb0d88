// Property tests against cbor2 (the draft's own tooling, in its CDE mode: RFC 8949 §4.2.1 sorted keys,
// preferred serialization, bignums only beyond 64 bits) on random values of the whole data model:
// integers of every size, byte-string and mixed map keys, floats, tags, simple values.
import { Simple, Tag, encode as cbor2Encode } from 'cbor2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborFloat, CborSimple, CborTag, decodeCbor, encodeCbor, type CborValue } from '../../src/cbor/index.js';
import { bigInteger, cborKey, keyId } from '../content/arbitraries.js';

const CDE = { cde: true } as const;
const DECODE = { allowTags: true, maxDepth: 64 } as const;

/** The same value in cbor2's terms. */
function toCbor2(v: CborValue): unknown {
  if (Array.isArray(v)) return v.map(toCbor2);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, toCbor2(x)]));
  if (v instanceof CborTag) return new Tag(v.tag, toCbor2(v.value));
  if (v instanceof CborSimple) return new Simple(v.value);
  if (v instanceof CborFloat) return v.value;
  return v;
}

// cbor2 writes an integral JS number as an integer, so floats here are non-integral or special; integral
// floats (1.0 → f93c00) are pinned by hand in strict.test.ts.
const float = fc
  .oneof(fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 1.1, 65504.5))
  .map((d) => new CborFloat(d));

const value: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<CborValue>(null, true, false, undefined),
    fc.maxSafeInteger(),
    bigInteger,
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    float,
    fc.oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 32, max: 255 })).map((s) => new CborSimple(s)),
    fc.tuple(fc.integer({ min: 4, max: 2 ** 32 - 1 }), tie('v')).map(([t, x]) => new CborTag(t, x)),
    fc.array(tie('v'), { maxLength: 8 }),
    fc.uniqueArray(fc.tuple(cborKey, tie('v')), { maxLength: 8, selector: (e) => keyId(e[0]) }).map((es) => new Map(es)),
  ),
})).v;

describe('the CBOR codec against cbor2 (CDE mode), whole data model', () => {
  it('our encoding equals cbor2’s deterministic encoding', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(encodeCbor(v)).toEqual(new Uint8Array(cbor2Encode(toCbor2(v), CDE)));
      }),
      { numRuns: 3000 },
    );
  });

  it('our decoding of cbor2’s bytes is the value, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = new Uint8Array(cbor2Encode(toCbor2(v), CDE));
        const decoded = decodeCbor(bytes, DECODE);
        expect(decoded).toEqual(v);
        expect(encodeCbor(decoded)).toEqual(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('maps whose keys mix every key type are sorted as cbor2 sorts them', () => {
    const mixed = fc.uniqueArray(fc.tuple(cborKey, fc.maxSafeInteger()), { minLength: 2, maxLength: 30, selector: (e) => keyId(e[0]) });
    fc.assert(
      fc.property(mixed, (entries) => {
        const m = new Map<(typeof entries)[number][0], CborValue>(entries);
        const want = new Uint8Array(cbor2Encode(m, CDE));
        expect(encodeCbor(m)).toEqual(want);
        // Insertion order never matters.
        expect(encodeCbor(new Map([...m].reverse()))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
