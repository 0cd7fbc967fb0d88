import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor } from '../../src/cbor/index.js';
import {
  MimiError,
  RECEIVE_LIMITS,
  checkReceivedContent,
  contentFromCbor,
  decodeContent,
  encodeContent,
  type MimiContent,
  type NestedPart,
  type ReceiveLimits,
} from '../../src/content/index.js';
import { mimiContent } from './arbitraries.js';
import { ALICE, ROOM, contentExampleNames, example } from './helpers.js';

/** Every byte string of a message, in a fixed order. */
function byteStrings(c: MimiContent): Uint8Array[] {
  const out: Uint8Array[] = [c.salt, c.topicId];
  if (c.replaces !== null) out.push(c.replaces);
  if (c.inReplyTo !== null) out.push(c.inReplyTo);
  const walk = (p: NestedPart) => {
    if (p.cardinality === 'single') out.push(p.content);
    else if (p.cardinality === 'external') out.push(p.key, p.nonce, p.aad, p.contentHash);
    else if (p.cardinality === 'multi') p.parts.forEach(walk);
  };
  walk(c.nestedPart);
  return out;
}

const bigBytes = fc.oneof(
  fc.uint8Array({ maxLength: 70 }),
  fc.uint8Array({ minLength: 60, maxLength: 1100 }),
  fc.uint8Array({ minLength: 1000, maxLength: 3000 }),
);
/** Messages whose byte strings cover every copy strategy: empty, ≤ 64 (own copy), larger (one private copy of the input). */
const withBigStrings = fc.tuple(mimiContent, bigBytes, bigBytes, bigBytes).map(([c, a, b, t]): MimiContent => ({
  ...c,
  topicId: t,
  nestedPart: {
    disposition: 1,
    language: '',
    cardinality: 'multi',
    partSemantics: 'processAll',
    parts: [
      { disposition: 1, language: '', cardinality: 'single', contentType: 'text/plain', content: a },
      { disposition: 1, language: '', cardinality: 'single', contentType: 'text/plain', content: b },
      c.nestedPart,
    ],
  },
}));

describe('decodeContent byte strings (empty, copied, shared copy)', () => {
  it('equal the general path, never alias the input, and survive later decodes', () => {
    const kept: [MimiContent, MimiContent][] = [];
    fc.assert(
      fc.property(withBigStrings, (c) => {
        const bytes = encodeContent(c);
        const fast = decodeContent(bytes, { checks: false });
        const general = contentFromCbor(decodeCbor(bytes, { allowTags: true }));
        expect(fast).toEqual(general);
        expect(fast).toEqual(c);
        const snapshot = byteStrings(fast).map((b) => b.slice());
        bytes.fill(0xee); // the caller reuses its input buffer
        expect(byteStrings(fast)).toEqual(snapshot);
        kept.push([fast, general]);
      }),
      { numRuns: 200 },
    );
    // Hundreds of later decodes: every earlier result is unchanged.
    for (const [fast, general] of kept) expect(fast).toEqual(general);
  });

  it('empty byte strings are fresh arrays of their own', () => {
    const a = decodeContent(example('original'));
    const b = decodeContent(example('original'));
    expect(a.topicId).toBeInstanceOf(Uint8Array);
    expect(a.topicId).toHaveLength(0);
    expect(a.topicId).not.toBe(b.topicId);
    expect(a.topicId.buffer).not.toBe(b.topicId.buffer);
  });

  it("byte strings of different messages never share memory: transferring one message's body leaves others intact", () => {
    const message = (fill: number): MimiContent => ({
      salt: new Uint8Array(16),
      replaces: null,
      topicId: new Uint8Array(0),
      expires: null,
      inReplyTo: null,
      extensions: { senderUri: ALICE, roomUri: ROOM },
      nestedPart: { disposition: 1, language: '', cardinality: 'single', contentType: 'text/plain', content: new Uint8Array(100).fill(fill) },
    });
    const decoded = [1, 2, 3, 4].map((k) => decodeContent(encodeContent(message(k))));
    const bodies = decoded.map((d) => (d.nestedPart.cardinality === 'single' ? d.nestedPart.content : new Uint8Array(0)));
    expect(new Set(bodies.map((b) => b.buffer)).size).toBe(4);
    structuredClone(bodies[0]!.buffer, { transfer: [bodies[0]!.buffer] });
    expect(bodies[0]).toHaveLength(0); // detached
    for (let k = 1; k < 4; k++) expect(decoded[k]).toEqual(message(k + 1));
    const bytes = encodeContent(message(9));
    for (let i = 0; i < 3; i++) expect(decodeContent(bytes)).toEqual(message(9));
  });

  it('every example decodes to the same value on both paths, whatever its byteOffset', () => {
    for (const name of contentExampleNames()) {
      const b = example(name);
      const shifted = new Uint8Array(b.length + 3);
      shifted.set(b, 3);
      const view = shifted.subarray(3);
      const want = contentFromCbor(decodeCbor(b, { allowTags: true }));
      expect(decodeContent(view)).toEqual(want);
      expect(decodeContent(b)).toEqual(want);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Receiver checks on the body: the path-free pass must accept exactly what the path-tracking walk accepts.
// ---------------------------------------------------------------------------------------------

const HASH_LEN: Record<number, number> = { 1: 32, 2: 16, 7: 48 };
const AEAD: Record<number, [number, number]> = { 1: [16, 12], 2: [32, 12], 29: [32, 12] };

/** Reference for the body checks (docs/decisions.md (Content) #1, #2, #7, #8, #9), written from the rules. */
function referenceBody(p: NestedPart, limits: ReceiveLimits, replaces: boolean): string {
  let count = 0;
  const walk = (q: NestedPart, depth: number, path: (string | number)[]): string | undefined => {
    count++;
    if (count > limits.maxParts) return `content/too-many-parts ${JSON.stringify(path)}`;
    if (depth > limits.maxPartDepth) return `content/too-deep ${JSON.stringify(path)}`;
    if (q.cardinality === 'nullpart' && (depth !== 1 || !replaces)) return `content/unexpected-null-part ${JSON.stringify(path)}`;
    if (q.cardinality === 'external') {
      const at = (f: string) => JSON.stringify([...path, f]);
      if (q.hashAlg === 0) {
        if (q.contentHash.length !== 0) return `content/content-hash-length ${at('contentHash')}`;
      } else if (HASH_LEN[q.hashAlg] === undefined) return `content/unknown-hash-alg ${at('hashAlg')}`;
      else if (q.contentHash.length !== HASH_LEN[q.hashAlg]) return `content/content-hash-length ${at('contentHash')}`;
      if (q.encAlg === 0) {
        if (q.key.length !== 0) return `content/bad-encryption-params ${at('key')}`;
        if (q.nonce.length !== 0) return `content/bad-encryption-params ${at('nonce')}`;
        if (q.aad.length !== 0) return `content/bad-encryption-params ${at('aad')}`;
      } else if (AEAD[q.encAlg] !== undefined) {
        const [k, n] = AEAD[q.encAlg]!;
        if (q.key.length !== k) return `content/bad-encryption-params ${at('key')}`;
        if (q.nonce.length !== n) return `content/bad-encryption-params ${at('nonce')}`;
      }
    }
    if (q.cardinality === 'multi') {
      for (let i = 0; i < q.parts.length; i++) {
        const r = walk(q.parts[i]!, depth + 1, [...path, 'parts', i]);
        if (r !== undefined) return r;
      }
    }
    return undefined;
  };
  return walk(p, 1, ['nestedPart']) ?? 'ok';
}

const len = (...ns: number[]) => fc.constantFrom(...ns).map((n) => new Uint8Array(n));
const head = { disposition: fc.constant(1), language: fc.constant('') };
const part: fc.Arbitrary<NestedPart> = fc.letrec<{ p: NestedPart }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.record({ ...head, cardinality: fc.constant('nullpart' as const) }),
    fc.record({ ...head, cardinality: fc.constant('single' as const), contentType: fc.constant('text/plain'), content: len(0, 3) }),
    fc.record({
      ...head,
      cardinality: fc.constant('external' as const),
      contentType: fc.constant(''),
      url: fc.constant('https://example.com/x'),
      expires: fc.constant(0),
      size: fc.constant(0),
      encAlg: fc.constantFrom(0, 0, 1, 2, 29, 5),
      key: len(0, 0, 16, 32),
      nonce: len(0, 0, 12),
      aad: len(0, 0, 5),
      hashAlg: fc.constantFrom(0, 0, 1, 2, 7, 99),
      contentHash: len(0, 0, 16, 32, 48),
      description: fc.constant(''),
      filename: fc.constant(''),
    }),
    fc.record({
      ...head,
      cardinality: fc.constant('multi' as const),
      partSemantics: fc.constant('processAll' as const),
      parts: fc.array(tie('p'), { minLength: 2, maxLength: 4 }),
    }),
  ),
})).p as fc.Arbitrary<NestedPart>;

describe('receiver checks on the body', () => {
  it('agree with a reference walk (code and path), for default and small limits', () => {
    const limits = fc.option(fc.record({ maxParts: fc.integer({ min: 1, max: 12 }), maxPartDepth: fc.integer({ min: 1, max: 5 }) }), {
      nil: undefined,
    });
    let passed = 0;
    fc.assert(
      fc.property(part, fc.boolean(), limits, (nestedPart, replacing, small) => {
        const c: MimiContent = {
          salt: new Uint8Array(16),
          replaces: replacing ? new Uint8Array(32).fill(1) : null,
          topicId: new Uint8Array(0),
          expires: null,
          inReplyTo: null,
          extensions: {},
          nestedPart,
        };
        const effective = { ...RECEIVE_LIMITS, ...small };
        let got = 'ok';
        try {
          checkReceivedContent(c, small === undefined ? {} : { limits: small });
        } catch (e) {
          if (!(e instanceof MimiError)) throw e;
          got = `${e.code} ${JSON.stringify(e.path)}`;
        }
        const want = referenceBody(nestedPart, effective, replacing);
        expect(got).toBe(want);
        if (got === 'ok') passed++;
      }),
      { numRuns: 3000 },
    );
    expect(passed).toBeGreaterThan(100); // the generator reaches both outcomes
  });
});
