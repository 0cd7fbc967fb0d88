/**
 * Mutation-based inputs as fast-check arbitraries: a seed plus a few byte-level edits (flip, set, insert,
 * delete, truncate, duplicate, splice from another seed). Being arbitraries, they are seeded by
 * fast-check's seed and shrink to a minimal edit list when a property fails.
 */
import fc from 'fast-check';

/** One edit; positions are taken modulo the current length. */
export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number; length: number; times: number }
  | { op: 'splice'; at: number; from: number; other: number; length: number };

/** Bytes that mean something to CBOR and TLS decoders: heads with long lengths, breaks, simple values. */
const INTERESTING = [0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xd8, 0xf4, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff];

const at = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at, byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ op: fc.constant('insert' as const), at, bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.constantFrom(...INTERESTING).map((b) => Uint8Array.of(b))) }),
  fc.record({ op: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({ op: fc.constant('duplicate' as const), at, length: fc.integer({ min: 1, max: 32 }), times: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('splice' as const), at, from: fc.nat(), other: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);

/**
 * Applies `m` to `input` (never in place).
 * @param input - the bytes to edit
 * @param m - the edit
 * @param pool - seeds a splice may copy from
 * @param maxLength - the result is cut to this length
 */
export function applyMutation(input: Uint8Array, m: Mutation, pool: readonly Uint8Array[], maxLength: number): Uint8Array {
  const n = input.length;
  const pos = n === 0 ? 0 : m.at % (n + 1);
  const cat = (...parts: Uint8Array[]) => {
    const total = Math.min(maxLength, parts.reduce((s, p) => s + p.length, 0));
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      if (o >= total) break;
      out.set(p.subarray(0, total - o), o);
      o += Math.min(p.length, total - o);
    }
    return out;
  };
  switch (m.op) {
    case 'flip':
    case 'set': {
      if (n === 0) return input;
      const out = input.slice();
      const i = pos % n;
      out[i] = m.op === 'flip' ? out[i]! ^ (1 << m.bit) : m.byte;
      return out;
    }
    case 'insert':
      return cat(input.subarray(0, pos), m.bytes, input.subarray(pos));
    case 'delete':
      return cat(input.subarray(0, pos), input.subarray(pos + m.length));
    case 'truncate':
      return input.slice(0, pos);
    case 'duplicate': {
      const region = input.subarray(pos, pos + m.length);
      return cat(input.subarray(0, pos), ...Array<Uint8Array>(m.times + 1).fill(region), input.subarray(pos + region.length));
    }
    case 'splice': {
      const other = pool.length === 0 ? input : pool[m.other % pool.length]!;
      const from = other.length === 0 ? 0 : m.from % other.length;
      return cat(input.subarray(0, pos), other.subarray(from, from + m.length), input.subarray(pos));
    }
  }
}

/**
 * Inputs made by applying 0–4 edits to one of `pool` (0: the seed itself, so accepted paths are reached).
 * @param pool - the seeds (non-empty)
 * @param maxLength - upper bound on the length of an input
 */
export function mutated(pool: readonly Uint8Array[], maxLength = 64 * 1024): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat({ max: pool.length - 1 }), fc.array(mutation, { maxLength: 4 }))
    .map(([i, ms]) => ms.reduce((b, m) => applyMutation(b, m, pool, maxLength), pool[i]!));
}

const utf8 = new TextEncoder();

/** Hostile JSON leaves: wrong types, boundary numbers, lone surrogates, NUL, bad hex. */
const JSON_JUNK: unknown[] = [null, true, 0, -1, 1.5, 255, 256, 65536, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, '', 'x', '00', '0g', 'zz', '\ud800', '\udc00x', 'a\u0000b', [], {}, [null], { '': null }];

/**
 * Structural edits of JSON seeds: one node (or a key) replaced by junk, by random JSON, by a copy of
 * another node of the same seed (which grows nesting), or deleted; the result as UTF-8 JSON text.
 * @param pool - the seeds, as JSON text
 * @param extraJunk - target-specific leaves (e.g. tagged forged objects)
 */
export function jsonMutated(pool: readonly string[], extraJunk: readonly unknown[] = []): fc.Arbitrary<Uint8Array> {
  const replacement = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...JSON_JUNK, ...extraJunk).map((j) => ({ junk: j })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((j) => ({ junk: j as unknown })) },
    { weight: 2, arbitrary: fc.nat().map((n) => ({ copyOf: n })) },
    { weight: 1, arbitrary: fc.constant({ remove: true }) },
  );
  return fc.tuple(fc.nat({ max: pool.length - 1 }), fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 3 })).map(([i, edits]) => {
    const root = { v: JSON.parse(pool[i]!) as unknown };
    for (const [at, r] of edits) {
      const slots: [Record<string, unknown> | unknown[], string | number][] = [];
      const todo: unknown[] = [root];
      while (todo.length > 0 && slots.length < 10_000) {
        const o = todo.pop();
        if (Array.isArray(o)) o.forEach((x, k) => (slots.push([o, k]), todo.push(x)));
        else if (typeof o === 'object' && o !== null) for (const [k, x] of Object.entries(o)) slots.push([o as Record<string, unknown>, k]), todo.push(x);
      }
      if (slots.length === 0) break;
      const [parent, key] = slots[at % slots.length]!;
      const p = parent as Record<string | number, unknown>;
      if ('remove' in r) {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete p[key];
      } else if ('copyOf' in r) p[key] = structuredClone(slots[r.copyOf % slots.length]![0]);
      else p[key] = r.junk;
    }
    return utf8.encode(JSON.stringify(root.v) ?? 'null');
  });
}
