import { describe, expect, it } from 'vitest';
import {
  CborFloat,
  CborSimple,
  CborTag,
  cborFromJson,
  cborToJson,
  contentFromJson,
  contentToJson,
  decodeContent,
  encodeContent,
  extensionKeyFromJson,
  extensionKeyToJson,
  type CborValue,
} from '../../src/content/index.js';
import { contentExampleNames, example } from './helpers.js';

describe('JSON mapping', () => {
  it('every example survives bytes → JSON text → bytes', () => {
    for (const name of contentExampleNames()) {
      const c = decodeContent(example(name));
      const text = JSON.stringify(contentToJson(c));
      expect(encodeContent(contentFromJson(text)), name).toEqual(example(name));
    }
  });

  it('has the documented shape (original example)', () => {
    const j = contentToJson(decodeContent(example('original')));
    expect(j.salt).toBe('5eed9406c2545547ab6f09f20a18b003');
    expect(j.replaces).toBeNull();
    expect(j.topicId).toBe('');
    expect(j.extensions).toEqual({ senderUri: 'mimi://example.com/u/alice-smith', roomUri: 'mimi://example.com/r/engineering_team' });
    expect(j.nestedPart).toMatchObject({ disposition: 1, cardinality: 'single', contentType: 'text/markdown;variant=GFM-MIMI' });
    expect((j.nestedPart as { content: string }).content.startsWith('4869')).toBe(true); // "Hi"
  });

  it('extension keys: integers "#n", text as is, leading # or \\ escaped', () => {
    expect(extensionKeyToJson(256)).toBe('#256');
    expect(extensionKeyToJson(-7)).toBe('#-7');
    expect(extensionKeyToJson('256')).toBe('256');
    expect(extensionKeyToJson('#x')).toBe('\\#x');
    expect(extensionKeyToJson('\\y')).toBe('\\\\y');
    for (const k of [0, 256, -7, Number.MAX_SAFE_INTEGER, '256', '#x', '\\y', 'plain', '#1']) expect(extensionKeyFromJson(extensionKeyToJson(k))).toBe(k);
    for (const bad of ['#01', '#-0', '#1.5', '#', '#9007199254740992', '\\x']) {
      expect(() => extensionKeyFromJson(bad), bad).toThrow(expect.objectContaining({ code: 'json/invalid-extension-key' }));
    }
  });

  it('tagged values round-trip', () => {
    const values: CborValue[] = [
      null,
      true,
      -5,
      'x',
      new Uint8Array([1, 255]),
      [1, [2]],
      new Map<string | number, CborValue>([[1, 'a'], ['b', new Uint8Array(0)]]),
      new CborFloat(1.5),
      new CborFloat(NaN),
      new CborFloat(-0),
      new CborFloat(Infinity),
      new CborFloat(-Infinity),
      new CborTag(32, 'http://example.com'),
      new CborSimple(99),
      undefined,
    ];
    for (const v of values) expect(cborFromJson(JSON.parse(JSON.stringify(cborToJson(v))))).toEqual(v);
    expect(cborToJson(new Uint8Array([0xab]))).toEqual({ bytes: 'ab' });
    expect(cborToJson(new CborFloat(-0))).toEqual({ float: '-0' });
  });

  it('extension values and keys survive content JSON', () => {
    const c = decodeContent(example('original'));
    c.extensions.other = new Map<string | number, CborValue>([
      [256, [new Uint8Array([1]), new CborTag(32, 'u')]],
      ['#text', new CborFloat(2.5)],
      [-1, new Map<string | number, CborValue>([['k', null]])],
    ]);
    const j = JSON.parse(JSON.stringify(contentToJson(c)));
    expect(Object.keys(j.extensions.other).sort()).toEqual(['#-1', '#256', '\\#text']);
    expect(contentFromJson(j)).toEqual(c);
  });

  it('json/* error codes', () => {
    const good = contentToJson(decodeContent(example('attachment')));
    const code = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(() => contentFromJson('not json'))).toBe('json/syntax');
    expect(code(() => contentFromJson([]))).toBe('json/bad-structure');
    expect(code(() => contentFromJson({ ...good, salt: 'xyz' }))).toBe('json/invalid-hex');
    expect(code(() => contentFromJson({ ...good, nestedPart: { ...good.nestedPart, key: '0' } }))).toBe('json/invalid-hex');
    expect(code(() => contentFromJson({ ...good, extensions: { other: { '#01': 1 } } }))).toBe('json/invalid-extension-key');
    expect(code(() => contentFromJson({ ...good, extensions: { other: { '#3': 1.5 } } }))).toBe('json/invalid-number');
    expect(code(() => contentFromJson({ ...good, extensions: { other: { '#3': { foo: 1 } } } }))).toBe('json/invalid-value');
    expect(code(() => contentFromJson({ ...good, extensions: { other: { '#3': { map: [[1, 1], [1, 2]] } } } }))).toBe('json/duplicate-key');
    expect(code(() => contentFromJson({ ...good, extensions: { other: 5 } }))).toBe('json/bad-structure');
    expect(code(() => contentFromJson({ ...good, salt: '00' }))).toBe('content/invalid-salt');
    expect(code(() => contentFromJson({ ...good, nestedPart: { ...good.nestedPart, cardinality: 'weird' } }))).toBe('content/unknown-cardinality');
    expect(code(() => contentFromJson({ ...good, __proto__: { x: 1 } }))).toBe('ok');
    expect(code(() => contentFromJson(JSON.parse(JSON.stringify(good).replace('{', '{"__proto__":{"x":1},'))))).toBe('content/bad-structure');
    expect(contentFromJson({ ...good, extensions: { ...good.extensions, other: {} } }).extensions.other).toBeUndefined();
    expect(code(() => cborFromJson({ simple: 21 }))).toBe('json/invalid-value');
    expect(code(() => cborFromJson({ bytes: 'ab', extra: 1 }))).toBe('json/invalid-value');
    expect(code(() => cborToJson(1.5 as unknown as CborValue))).toBe('json/unencodable');
  });
});
