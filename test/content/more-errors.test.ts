import { afterEach, describe, expect, it, vi } from 'vitest';
import { cborFromJson, decodeContent, encodeContent, generateSalt, mention, messageId, nullPart, type NestedPart } from '../../src/content/index.js';
import { example } from './helpers.js';

const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? 'not a MimiError';
  }
};

describe('remaining error codes', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('content/sender-uri-too-long and content/room-uri-too-long (16-bit length prefix, §2.3)', () => {
    const b = example('original');
    expect(code(() => messageId(b, { senderUri: 'x'.repeat(65536) }))).toBe('content/sender-uri-too-long');
    expect(code(() => messageId(b, { roomUri: 'é'.repeat(32768) }))).toBe('content/room-uri-too-long'); // 65536 octets
    expect(messageId(b, { senderUri: 'x'.repeat(65535) })).toHaveLength(32);
  });

  it('content/no-random when there is no Web Crypto', () => {
    vi.stubGlobal('crypto', undefined);
    expect(code(() => generateSalt())).toBe('content/no-random');
  });

  it('content/invalid-mention-uri', () => {
    expect(code(() => mention([{ uri: 'mimi://a b' }]))).toBe('content/invalid-mention-uri');
    expect(code(() => mention([{ uri: '' }], { format: 'html' }))).toBe('content/invalid-mention-uri');
  });

  it('content/too-deep on encode for absurd (or cyclic) nesting', () => {
    const c = decodeContent(example('original'));
    let p: NestedPart = nullPart();
    for (let i = 0; i < 70; i++) p = { disposition: 1, language: '', cardinality: 'multi', partSemantics: 'processAll', parts: [p, nullPart()] };
    expect(code(() => encodeContent({ ...c, nestedPart: p }))).toBe('content/too-deep');
  });

  it('json/too-deep', () => {
    let j: unknown = 1;
    for (let i = 0; i < 70; i++) j = [j];
    expect(code(() => cborFromJson(j))).toBe('json/too-deep');
  });
});
