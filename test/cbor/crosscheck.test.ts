import { Encoder, Tag } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborTag, decodeCbor, encodeCbor, type CborKey, type CborValue } from '../../src/cbor/index.js';
import { contentExampleNames, example } from '../content/helpers.js';

// A second implementation: cbor-x configured to emit plain CBOR (README "Facts checked against the bytes").
// cbor-x never sorts map keys, so maps are handed over with their keys pre-sorted bytewise by encoding.
const cborx = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function keyBytes(k: CborKey): Uint8Array {
  return new Uint8Array(cborx.encode(k));
}

function toCborX(v: CborValue): unknown {
  if (Array.isArray(v)) return v.map(toCborX);
  if (v instanceof Map) {
    const entries = [...v].sort((a, b) => compare(keyBytes(a[0]), keyBytes(b[0])));
    return new Map(entries.map(([k, x]) => [k, toCborX(x)]));
  }
  if (v instanceof CborTag) return new Tag(toCborX(v.value), v.tag);
  return v;
}

// cbor-x writes integers outside ±2^32 as float64 and has no half-precision floats: stay in its exact range.
const key: fc.Arbitrary<number | string> = fc.oneof(fc.integer({ min: -(2 ** 32), max: 2 ** 32 - 1 }), fc.string({ unit: 'binary', maxLength: 30 }));
const value: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<CborValue>(null, true, false, undefined),
    fc.integer({ min: -(2 ** 32), max: 2 ** 32 - 1 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }),
    // Tags 2 and 3 are bignums, integers in the data model: checked against cbor2 in cbor2.test.ts.
    fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }).filter((t) => t !== 2 && t !== 3), tie('v')).map(([t, x]) => new CborTag(t, x)),
    fc.array(tie('v'), { maxLength: 30 }),
    fc.uniqueArray(fc.tuple(key, tie('v')), { maxLength: 30, selector: (e) => e[0] }).map((es) => new Map(es)),
  ),
})).v;

describe('encodeCbor vs cbor-x (second implementation)', () => {
  it('agrees on every draft example value', () => {
    // implied-original is left out: its timestamp 1644387225019 > 2^32, which cbor-x writes as a float64.
    for (const name of contentExampleNames()) {
      const v = decodeCbor(example(name));
      expect(encodeCbor(v), name).toEqual(new Uint8Array(cborx.encode(toCborX(v))));
    }
  });

  it('agrees on arbitrary values (integers within ±2^32, no floats)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(encodeCbor(v)).toEqual(new Uint8Array(cborx.encode(toCborX(v))));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips arbitrary values through the strict decoder', () => {
    fc.assert(
      fc.property(value, (v) => {
        const b = encodeCbor(v);
        expect(encodeCbor(decodeCbor(b, { allowTags: true, maxDepth: 64 }))).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });
});
