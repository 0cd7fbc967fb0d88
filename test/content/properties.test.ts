import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor, type CborValue } from '../../src/cbor/index.js';
import {
  MimiError,
  contentFromCbor,
  contentFromJson,
  contentToJson,
  decodeContent,
  encodeContent,
  messageId,
  validateContent,
  type MimiContent,
} from '../../src/content/index.js';
import { mimiContent } from './arbitraries.js';
import { MimiContentZod } from './zodSchema.js';
import { contentExampleNames, example } from './helpers.js';

describe('properties', () => {
  it('decode(encode(x)) deep-equals x', () => {
    fc.assert(
      fc.property(mimiContent, (c) => {
        expect(decodeContent(encodeContent(c), { checks: false })).toEqual(c);
      }),
      { numRuns: 500 },
    );
  });

  it('JSON mapping round-trips through JSON text', () => {
    fc.assert(
      fc.property(mimiContent, (c) => {
        expect(contentFromJson(JSON.stringify(contentToJson(c)))).toEqual(c);
      }),
      { numRuns: 300 },
    );
  });

  it('encoding is deterministic regardless of extension map insertion order', () => {
    fc.assert(
      fc.property(mimiContent, (c) => {
        const other = c.extensions.other;
        if (other === undefined) return;
        const reversed: MimiContent = { ...c, extensions: { ...c.extensions, other: new Map([...other].reverse()) } };
        expect(encodeContent(reversed)).toEqual(encodeContent(c));
      }),
      { numRuns: 300 },
    );
  });

  it('the hand validator agrees with the zod schema', () => {
    const junk = fc.constantFrom<unknown>(null, 1, -1, 1.5, 'x', new Uint8Array(3), [], {}, true, 300, 2 ** 32);
    fc.assert(
      fc.property(mimiContent, fc.nat(), junk, (c, pick, value) => {
        // Replace one field somewhere in the object tree by junk, then ask both validators.
        const copy = structuredClone(c) as unknown as Record<string, unknown>;
        // structuredClone drops the CborFloat/CborTag classes: keep the original extension values.
        if (c.extensions.other !== undefined) (copy.extensions as Record<string, unknown>).other = c.extensions.other;
        const slots: [Record<string, unknown>, string][] = [];
        const walk = (o: Record<string, unknown>) => {
          for (const k of Object.keys(o)) {
            if (k === 'other') continue;
            slots.push([o, k]);
            const v = o[k];
            if (Array.isArray(v)) v.forEach((x) => typeof x === 'object' && x !== null && walk(x as Record<string, unknown>));
            else if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Map)) walk(v as Record<string, unknown>);
          }
        };
        walk(copy);
        const [o, k] = slots[pick % slots.length]!;
        o[k] = value;
        const zodOk = MimiContentZod.safeParse(copy).success;
        let handOk = true;
        try {
          encodeContent(copy as unknown as MimiContent);
        } catch (e) {
          expect(e).toBeInstanceOf(MimiError);
          handOk = false;
        }
        expect(handOk).toBe(zodOk);
        // validateContent is the hand validator alone: it refuses exactly what the schema refuses.
        if (zodOk) expect(validateContent(copy)).toBe(copy);
        else expect(() => validateContent(copy)).toThrow(MimiError);
      }),
      { numRuns: 1000 },
    );
  });
});

/** The general path (decodeCbor + contentFromCbor), to compare with decodeContent's fast path. */
function general(bytes: Uint8Array): MimiContent | string {
  try {
    return contentFromCbor(decodeCbor(bytes, { allowTags: true }));
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    return e.code;
  }
}

function onlyMimiErrors(bytes: Uint8Array): void {
  // Fast and general decoding agree: same value, or the same error code.
  let fast: MimiContent | string;
  try {
    fast = decodeContent(bytes, { checks: false });
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    fast = e.code;
  }
  expect(fast).toEqual(general(bytes));
  let c: MimiContent;
  try {
    c = decodeContent(bytes);
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    expect(e.code).toMatch(/^(cbor|content)\//);
    return;
  }
  // Anything accepted is canonical: it re-encodes to exactly the same bytes, and has an ID when it names sender and room.
  expect(encodeContent(c)).toEqual(bytes);
  if (c.extensions.senderUri !== undefined && c.extensions.roomUri !== undefined) expect(messageId(bytes)).toHaveLength(32);
}

describe('fuzz: only MimiError, never another error or a hang', () => {
  const seeds = contentExampleNames().map(example);

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyMimiErrors(b)), { numRuns: 5000 });
  });

  it('mutated examples (flip, insert, delete, truncate)', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, ms) => {
        let b = Array.from(seeds[i]!);
        for (const m of ms) {
          const at = m.at % (b.length + 1);
          if (m.kind === 'flip' && at < b.length) b[at]! ^= 1 << m.bit;
          else if (m.kind === 'set' && at < b.length) b[at] = m.byte;
          else if (m.kind === 'insert') b.splice(at, 0, m.byte);
          else if (m.kind === 'delete') b.splice(at, 1);
          else if (m.kind === 'truncate') b = b.slice(0, at);
        }
        onlyMimiErrors(new Uint8Array(b));
      }),
      { numRuns: 10000 },
    );
  });

  it('huge declared lengths do not allocate', () => {
    onlyMimiErrors(new Uint8Array([0x87, 0x5b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    onlyMimiErrors(new Uint8Array([0x9b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    onlyMimiErrors(new Uint8Array([0xbb, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    onlyMimiErrors(encodeCbor(Array.from({ length: 100 }, () => []) as CborValue));
    let deep: CborValue = [];
    for (let i = 0; i < 10000; i++) deep = [deep];
    expect(() => decodeContent(new Uint8Array(Array.from({ length: 10000 }, () => 0x81).concat([0x80])))).toThrow(MimiError);
  });
});
