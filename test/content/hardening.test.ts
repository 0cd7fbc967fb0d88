// Issue 10 "Smaller": objects that are not what they claim, trees too deep or cyclic, text UTF-8 cannot carry.
// Each must give a MimiError with a code, never a TypeError or RangeError.
import { describe, expect, it } from 'vitest';
import {
  checkReceivedContent,
  contentFromJson,
  contentToJson,
  encodeContent,
  validateContent,
  type MimiContent,
  type NestedPart,
} from '../../src/content/index.js';
import { MimiError } from '../../src/errors.js';

const single = (): NestedPart => ({ disposition: 1, language: '', cardinality: 'single', contentType: 'text/plain', content: new Uint8Array([0x68, 0x69]) });
const base = (nestedPart: NestedPart = single()): MimiContent => ({
  salt: new Uint8Array(16),
  replaces: null,
  topicId: new Uint8Array(0),
  expires: null,
  inReplyTo: null,
  extensions: {},
  nestedPart,
});

function code(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof MimiError)) throw e; // a TypeError/RangeError fails the test with its own message
    return e.code;
  }
}
const all = (c: unknown) => ({
  validate: code(() => validateContent(c)),
  encode: code(() => encodeContent(c as MimiContent)),
  json: code(() => contentToJson(c as MimiContent)),
});

describe('validateContent checks depth before zod recurses', () => {
  it('a 10^4-deep part tree is content/too-deep', () => {
    let p: NestedPart = single();
    for (let i = 0; i < 10_000; i++) p = { disposition: 0, language: '', cardinality: 'multi', partSemantics: 'processAll', parts: [p, p] };
    expect(all(base(p))).toEqual({ validate: 'content/too-deep', encode: 'content/too-deep', json: 'content/too-deep' });
  });

  it('a cyclic part tree is content/too-deep everywhere, receiver checks included', () => {
    const m = { disposition: 0, language: '', cardinality: 'multi', partSemantics: 'processAll', parts: [] as NestedPart[] } as NestedPart & { parts: NestedPart[] };
    m.parts.push(m, m);
    expect(all(base(m))).toEqual({ validate: 'content/too-deep', encode: 'content/too-deep', json: 'content/too-deep' });
    expect(code(() => checkReceivedContent(base(m)))).toBe('content/too-deep');
  });
});

describe('null-prototype and forged objects', () => {
  it('null-prototype objects are plain objects: a valid one passes, a bad field gets its code', () => {
    const c = Object.assign(Object.create(null) as object, base(Object.assign(Object.create(null) as object, single()) as NestedPart));
    expect(all(c)).toEqual({ validate: 'ok', encode: 'ok', json: 'ok' });
    const bad = base();
    (bad.nestedPart as { cardinality: unknown }).cardinality = Object.create(null);
    expect(all(bad)).toEqual({ validate: 'content/unknown-cardinality', encode: 'content/unknown-cardinality', json: 'content/unknown-cardinality' });
    const badSem = base({ disposition: 0, language: '', cardinality: 'multi', partSemantics: Object.create(null), parts: [single(), single()] } as NestedPart);
    expect(all(badSem).validate).toBe('content/unknown-part-semantics');
  });

  it('objects borrowing Uint8Array.prototype or Map.prototype are refused with the field’s code', () => {
    const forgedBytes = () => Object.setPrototypeOf({}, Uint8Array.prototype) as Uint8Array<ArrayBuffer>;
    expect(all({ ...base(), salt: forgedBytes() })).toEqual({ validate: 'content/invalid-salt', encode: 'content/invalid-salt', json: 'content/invalid-salt' });
    expect(all({ ...base(), topicId: forgedBytes() }).encode).toBe('content/invalid-topic-id');
    expect(all({ ...base(), inReplyTo: forgedBytes() }).encode).toBe('content/invalid-message-id');
    expect(all(base({ ...single(), content: forgedBytes() } as NestedPart)).encode).toBe('content/bad-structure');
    const forgedMap = Object.create(Map.prototype) as Map<number, never>;
    expect(all({ ...base(), extensions: { other: forgedMap } })).toEqual({
      validate: 'content/invalid-extensions',
      encode: 'content/invalid-extensions',
      json: 'content/invalid-extensions',
    });
    expect(all({ ...base(), extensions: { other: new Proxy(new Map([[3, 1]]), {}) } }).encode).toBe('content/invalid-extensions');
    expect(all({ ...base(), extensions: { other: new Map([[3, forgedBytes()]]) } }).encode).toBe('cbor/unencodable');
    expect(all({ ...base(), extensions: { other: new Map([[Object.create(null) as number, 1]]) } }).encode).toBe('content/invalid-extension-key');
  });
});

describe('contentFromJson refuses text that UTF-8 cannot carry (what encodeContent would refuse)', () => {
  const json = () => contentToJson(base()) as unknown as Record<string, Record<string, unknown>>;
  const from = (j: unknown) => code(() => contentFromJson(j));

  it('lone surrogates in part fields, URIs, extension keys, values and map keys: json/invalid-text', () => {
    const a = json();
    a.nestedPart!.contentType = 'text/\ud800plain';
    expect(from(a)).toBe('json/invalid-text');
    const b = json();
    b.extensions = { senderUri: 'mimi://a.example/u/\udc00' };
    expect(from(b)).toBe('json/invalid-text');
    const c = json();
    c.extensions = { other: { '\ud83d': 1 } };
    expect(from(c)).toBe('json/invalid-text');
    const d = json();
    d.extensions = { other: { '#3': ['ok', 'x\udfff'] } };
    expect(from(d)).toBe('json/invalid-text');
    const e = json();
    e.extensions = { other: { '#3': { map: [['\ud800', 1]] } } };
    expect(from(e)).toBe('json/invalid-text');
    // From JSON text too: "\ud800" is a valid JSON escape that yields a lone surrogate.
    expect(from(JSON.stringify(json()).replace('"text/plain"', '"text/\\ud800"'))).toBe('json/invalid-text');
  });

  it('validateContent accepts only what encodeContent accepts: a lone surrogate is cbor/unencodable in both', () => {
    const c = base({ ...single(), language: 'en\ud800' } as NestedPart);
    expect(all(c).validate).toBe('cbor/unencodable');
    expect(all(c).encode).toBe('cbor/unencodable');
    expect(code(() => validateContent({ ...base(), extensions: { other: new Map([[3, ['\udc00']]]) } }))).toBe('cbor/unencodable');
  });

  it('well-formed non-ASCII text (a surrogate pair) still maps', () => {
    const a = json();
    a.nestedPart!.language = 'en';
    a.extensions = { other: { '\ud83d\ude00': '\ud83d\ude00' } };
    const c = contentFromJson(a);
    expect(code(() => encodeContent(c))).toBe('ok');
  });
});
