import fc from 'fast-check';
import { CborFloat, CborSimple, CborTag, type CborKey, type CborValue } from '../../src/cbor/index.js';
import type { MimiContent, NestedPart } from '../../src/content/index.js';

const bytes = (min = 0, max = 24) => fc.uint8Array({ minLength: min, maxLength: max });
const str = fc.string({ unit: 'binary', maxLength: 12 });

/**
 * Integers outside ±(2^53−1) in their data-model form (bigint): major types 0/1 up to ±2^64, bignums
 * (tags 2/3) beyond.
 */
export const bigInteger: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 64n), max: -(2n ** 53n) }),
  fc.constantFrom(2n ** 53n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 53n), -(2n ** 64n), -(2n ** 64n) - 1n),
  fc.bigInt({ min: 2n ** 64n, max: 2n ** 300n }),
  fc.bigInt({ min: -(2n ** 300n), max: -(2n ** 64n) - 1n }),
);

/** Map keys of the data model (draft-ietf-mimi-content §7.2): safe integers, text, byte strings. */
export const cborKey: fc.Arbitrary<CborKey> = fc.oneof(fc.maxSafeInteger(), str, bytes(0, 6));

/** Identity of a key by content (a Map compares Uint8Array keys by identity). */
export const keyId = (k: CborKey): string => (typeof k === 'object' ? `b${Array.from(k).join(',')}` : `${typeof k}:${String(k)}`);

export const cborValue: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<CborValue>(null, true, false, undefined),
    fc.maxSafeInteger(),
    bigInteger,
    str,
    bytes(),
    fc.double().map((d) => new CborFloat(d)),
    fc.oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 32, max: 255 })).map((s) => new CborSimple(s)),
    // Tags 2 and 3 are bignums: integers in the data model (bigInteger), never a CborTag.
    fc.tuple(fc.nat().filter((t) => t !== 2 && t !== 3), tie('v')).map(([t, v]) => new CborTag(t, v)),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(cborKey, tie('v')), { maxLength: 4, selector: (e) => keyId(e[0]) }).map((es) => new Map(es)),
  ),
})).v;

const extKey: fc.Arbitrary<number | string> = fc.oneof(
  fc.maxSafeInteger().filter((k) => k !== 1 && k !== 2),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
);

const head = { disposition: fc.integer({ min: 0, max: 255 }), language: fc.constantFrom('', 'en', 'fr', 'en,fr') };

export const nestedPart: fc.Arbitrary<NestedPart> = fc.letrec<{ p: NestedPart }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.record({ ...head, cardinality: fc.constant('nullpart' as const) }),
    fc.record({ ...head, cardinality: fc.constant('single' as const), contentType: str, content: bytes() }),
    fc.record({
      ...head,
      cardinality: fc.constant('external' as const),
      contentType: str,
      url: str,
      expires: fc.integer({ min: 0, max: 0xffffffff }),
      size: fc.maxSafeNat(),
      encAlg: fc.integer({ min: 0, max: 0xffff }),
      key: bytes(),
      nonce: bytes(),
      aad: bytes(),
      hashAlg: fc.integer({ min: 0, max: 255 }),
      contentHash: bytes(),
      description: str,
      filename: str,
    }),
    fc.record({
      ...head,
      cardinality: fc.constant('multi' as const),
      partSemantics: fc.constantFrom('chooseOne' as const, 'singleUnit' as const, 'processAll' as const),
      parts: fc.array(tie('p'), { minLength: 2, maxLength: 3 }),
    }),
  ),
})).p as fc.Arbitrary<NestedPart>;

export const mimiContent: fc.Arbitrary<MimiContent> = fc
  .record({
    salt: bytes(16, 16),
    replaces: fc.option(bytes(32, 32), { nil: null }),
    topicId: bytes(),
    expires: fc.option(fc.record({ relative: fc.boolean(), time: fc.integer({ min: 0, max: 0xffffffff }) }), { nil: null }),
    inReplyTo: fc.option(bytes(32, 32), { nil: null }),
    sender: fc.option(str, { nil: undefined }),
    room: fc.option(str, { nil: undefined }),
    other: fc.uniqueArray(fc.tuple(extKey, cborValue), { maxLength: 4, selector: (e) => e[0] }),
    nestedPart,
  })
  .map(({ sender, room, other, ...rest }) => {
    const extensions: MimiContent['extensions'] = {};
    if (sender !== undefined) extensions.senderUri = sender;
    if (room !== undefined) extensions.roomUri = room;
    if (other.length > 0) extensions.other = new Map(other);
    return { ...rest, extensions } as MimiContent;
  });
