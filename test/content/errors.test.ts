import { describe, expect, it } from 'vitest';
import { CborFloat, CborTag, decodeCbor, encodeCbor, type CborValue } from '../../src/cbor/index.js';
import {
  MimiError,
  checkReceivedContent,
  contentToCbor,
  decodeContent,
  encodeContent,
  messageId,
  safeDecodeContent,
  validateContent,
  type MimiContent,
} from '../../src/content/index.js';
import { example, hex } from './helpers.js';

/** Decodes an example to the raw CBOR array so tests can break one field. */
const raw = (name = 'original') => decodeCbor(example(name)) as CborValue[];
const part = (v: CborValue[]) => v[6] as CborValue[];

function expectCode(fn: () => unknown, code: string, path?: (string | number)[]) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MimiError);
    expect((e as MimiError).code).toBe(code);
    if (path) expect((e as MimiError).path).toEqual(path);
    return;
  }
  throw new Error(`expected ${code}, nothing thrown`);
}
const dec = (v: CborValue, opts = {}) => () => decodeContent(encodeCbor(v), opts);

describe('structural decode errors (CBOR paths)', () => {
  it('content/bad-structure', () => {
    expectCode(dec([1, 2, 3]), 'content/bad-structure', []);
    const v = raw();
    part(v)[3] = 5; // contentType not text
    expectCode(dec(v), 'content/bad-structure', [6, 3]);
    const w = raw();
    part(w).push(1); // SinglePart with 6 items
    expectCode(dec(w), 'content/bad-structure', [6]);
  });
  it('content/invalid-salt', () => {
    const v = raw();
    v[0] = new Uint8Array(15);
    expectCode(dec(v), 'content/invalid-salt', [0]);
  });
  it('content/invalid-message-id', () => {
    const v = raw();
    v[4] = new Uint8Array(31);
    expectCode(dec(v), 'content/invalid-message-id', [4]);
    const w = raw();
    w[1] = 'x';
    expectCode(dec(w), 'content/invalid-message-id', [1]);
  });
  it('content/invalid-topic-id', () => {
    const v = raw();
    v[2] = 'Foo';
    expectCode(dec(v), 'content/invalid-topic-id', [2]);
  });
  it('content/invalid-expiration', () => {
    const v = raw();
    v[3] = [false, 2 ** 32];
    expectCode(dec(v), 'content/invalid-expiration', [3]);
    v[3] = [1, 5];
    expectCode(dec(v), 'content/invalid-expiration', [3]);
  });
  it('content/invalid-extensions, invalid-sender-uri, invalid-room-uri, invalid-extension-key', () => {
    const v = raw();
    v[5] = [];
    expectCode(dec(v), 'content/invalid-extensions', [5]);
    v[5] = new Map<string | number, CborValue>([[1, 5]]);
    expectCode(dec(v), 'content/invalid-sender-uri', [5, 1]);
    v[5] = new Map<string | number, CborValue>([[2, new Uint8Array(1)]]);
    expectCode(dec(v), 'content/invalid-room-uri', [5, 2]);
    v[5] = new Map<string | number, CborValue>([['', 1]]);
    expectCode(dec(v), 'content/invalid-extension-key', [5, '']);
    v[5] = new Map<string | number, CborValue>([['k'.repeat(256), 1]]);
    expectCode(dec(v), 'content/invalid-extension-key');
    v[5] = new Map<string | number, CborValue>([['é'.repeat(127), 1]]); // 254 octets: fine
    expect(() => dec(v)()).not.toThrow();
    v[5] = new Map<string | number, CborValue>([['é'.repeat(128), 1]]); // 256 octets
    expectCode(dec(v), 'content/invalid-extension-key');
  });
  it('content/invalid-disposition, invalid-language', () => {
    const v = raw();
    part(v)[0] = 256;
    expectCode(dec(v), 'content/invalid-disposition', [6, 0]);
    const w = raw();
    part(w)[1] = null;
    expectCode(dec(w), 'content/invalid-language', [6, 1]);
  });
  it('unknown dispositions 9–255 are preserved', () => {
    const v = raw();
    part(v)[0] = 200;
    const bytes = encodeCbor(v);
    const c = decodeContent(bytes);
    expect(c.nestedPart.disposition).toBe(200);
    expect(encodeContent(c)).toEqual(bytes);
  });
  it('content/unknown-cardinality', () => {
    const v = raw();
    part(v)[2] = 4;
    expectCode(dec(v), 'content/unknown-cardinality', [6, 2]);
  });
  it('content/unknown-part-semantics and multipart-too-few-parts (nested paths)', () => {
    const v = raw('multipart-3');
    const inner = (part(v)[4] as CborValue[])[1] as CborValue[];
    inner[3] = 3;
    expectCode(dec(v), 'content/unknown-part-semantics', [6, 4, 1, 3]);
    const w = raw('multipart-1');
    part(w)[4] = [(part(w)[4] as CborValue[])[0]!];
    expectCode(dec(w), 'content/multipart-too-few-parts', [6, 4]);
  });
  it('cbor/* errors come through with their code', () => {
    expectCode(() => decodeContent(new Uint8Array([0x87, 0x50])), 'cbor/truncated');
    const b = example('original');
    const t = new Uint8Array(b.length + 1);
    t.set(b);
    expectCode(() => decodeContent(t), 'cbor/trailing-bytes');
  });
  it('safeDecodeContent returns the error instead of throwing', () => {
    const r = safeDecodeContent(new Uint8Array([0xff]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('cbor/unexpected-break');
  });
});

describe('receiver checks (§9.1, §7.3)', () => {
  it('content/topic-too-long (4096 octets allowed, 4097 not)', () => {
    const v = raw();
    v[2] = new Uint8Array(4096);
    expect(() => dec(v)()).not.toThrow();
    v[2] = new Uint8Array(4097);
    expectCode(dec(v), 'content/topic-too-long', ['topicId']);
    expect(() => dec(v, { checks: false })()).not.toThrow();
  });
  it('content/too-deep: 4 levels (multipart-3) fine, 5 refused', () => {
    const leaf = [1, '', 1, 'text/plain', new Uint8Array(0)];
    const wrap = (p: CborValue): CborValue => [1, '', 3, 2, [p, leaf]];
    const v = raw();
    v[6] = wrap(wrap(wrap(leaf)));
    expect(() => dec(v)()).not.toThrow();
    v[6] = wrap(wrap(wrap(wrap(leaf))));
    expectCode(dec(v), 'content/too-deep', ['nestedPart', 'parts', 0, 'parts', 0, 'parts', 0, 'parts', 0]);
    expect(decodeContent(encodeCbor(v), { checks: false, limits: {} }).nestedPart.cardinality).toBe('multi');
  });
  it('content/too-many-parts: 1024 fine, 1025 refused', () => {
    const leaf = [1, '', 1, 'text/plain', new Uint8Array(0)];
    const v = raw();
    v[6] = [1, '', 3, 2, Array.from({ length: 1023 }, () => leaf)];
    expect(() => dec(v)()).not.toThrow();
    v[6] = [1, '', 3, 2, Array.from({ length: 1024 }, () => leaf)];
    expectCode(dec(v), 'content/too-many-parts');
  });
  it('content/expired and content/expiry-too-far', () => {
    const c = decodeContent(example('expiring'));
    const sent = 1644389403227;
    expect(() => checkReceivedContent(c, { hubTimestamp: sent })).not.toThrow();
    expectCode(() => checkReceivedContent(c, { hubTimestamp: 1644390004 * 1000 }), 'content/expired', ['expires', 'time']);
    expectCode(() => checkReceivedContent(c, { hubTimestamp: (1644390004 - 367 * 86400) * 1000 }), 'content/expiry-too-far');
    const rel: MimiContent = { ...c, expires: { relative: true, time: 367 * 86400 } };
    expectCode(() => checkReceivedContent(rel), 'content/expiry-too-far');
    expect(() => checkReceivedContent({ ...c, expires: { relative: true, time: 600 } }, { hubTimestamp: 0 })).not.toThrow();
  });
  it('content/unknown-message-id-alg', () => {
    const c = decodeContent(example('reply'));
    const id = new Uint8Array(c.inReplyTo!);
    id[0] = 2;
    expectCode(() => checkReceivedContent({ ...c, inReplyTo: id }), 'content/unknown-message-id-alg', ['inReplyTo']);
  });
  it('content/unknown-hash-alg, content/content-hash-length, content/bad-encryption-params', () => {
    const v = raw('attachment');
    part(v)[11] = 99;
    expectCode(dec(v), 'content/unknown-hash-alg', ['nestedPart', 'hashAlg']);
    const w = raw('attachment');
    part(w)[12] = new Uint8Array(31);
    expectCode(dec(w), 'content/content-hash-length', ['nestedPart', 'contentHash']);
    const x = raw('attachment');
    part(x)[11] = 7; // sha-384 needs 48 octets
    expectCode(dec(x), 'content/content-hash-length');
    const y = raw('conferencing');
    part(y)[12] = new Uint8Array(32); // hashAlg 0 with a hash
    expectCode(dec(y), 'content/content-hash-length');
    const z = raw('attachment');
    part(z)[8] = new Uint8Array(32); // AES-128-GCM with a 32-octet key
    expectCode(dec(z), 'content/bad-encryption-params', ['nestedPart', 'key']);
    const u = raw('conferencing');
    part(u)[9] = new Uint8Array(12); // not encrypted but a nonce
    expectCode(dec(u), 'content/bad-encryption-params', ['nestedPart', 'nonce']);
  });
  it('content/extension-too-deep: the §7.3 example (4 levels) passes, 5 levels do not', () => {
    const v = raw();
    const ext = v[5] as Map<string | number, CborValue>;
    ext.set(256, [
      [hex('1234'), new CborTag(32, 'http://example.com')],
      [hex('3456'), 5771],
    ]);
    v[5] = new Map([...ext].sort((a, b) => Number(a[0]) - Number(b[0])));
    expect(() => dec(v)()).not.toThrow();
    (v[5] as Map<number, CborValue>).set(256, [[[new CborTag(32, 'x')]]]);
    expectCode(dec(v), 'content/extension-too-deep', ['extensions', 'other', 256]);
  });
  it('content/unexpected-null-part', () => {
    const v = raw();
    v[6] = [1, '', 0];
    expectCode(dec(v), 'content/unexpected-null-part', ['nestedPart']);
  });
});

describe('encode / validate errors (field-name paths)', () => {
  const c = () => decodeContent(example('multipart-1'));
  it('encode refuses invalid objects with precise codes', () => {
    expectCode(() => encodeContent({ ...c(), salt: new Uint8Array(3) }), 'content/invalid-salt', ['salt']);
    const bad = c();
    (bad.nestedPart as { parts: unknown[] }).parts[1] = { disposition: 1, language: '', cardinality: 'single', contentType: 5, content: new Uint8Array() };
    expectCode(() => encodeContent(bad), 'content/bad-structure', ['nestedPart', 'parts', 1, 'contentType']);
    const extra = { ...c(), extra: 1 } as unknown as MimiContent;
    expectCode(() => encodeContent(extra), 'content/bad-structure', ['extra']);
    const o = c();
    o.extensions.other = new Map([[1, 'x']]);
    expectCode(() => encodeContent(o), 'content/invalid-extension-key', ['extensions', 'other', 1]);
    const f = c();
    f.extensions.other = new Map([[3, 1.5 as unknown as CborValue]]);
    expectCode(() => encodeContent(f), 'cbor/unencodable');
    f.extensions.other = new Map([[3, new CborFloat(1.5)]]);
    expect(decodeContent(encodeContent(f)).extensions.other?.get(3)).toEqual(new CborFloat(1.5));
    expectCode(() => contentToCbor({ ...c(), nestedPart: { ...c().nestedPart, partSemantics: 'x' } as never }), 'content/unknown-part-semantics');
  });
  it('validateContent uses the zod schema and never leaks ZodError', () => {
    expectCode(() => validateContent(42), 'content/bad-structure', []);
    expectCode(() => validateContent({ ...c(), expires: { relative: true } }), 'content/invalid-expiration');
    expect(validateContent(c())).toBeTruthy();
  });
  it('messageId: content/missing-sender-uri and content/missing-room-uri', () => {
    const v = raw();
    v[5] = new Map();
    const bytes = encodeCbor(v);
    expectCode(() => messageId(bytes), 'content/missing-sender-uri');
    expectCode(() => messageId(bytes, { senderUri: 'a' }), 'content/missing-room-uri');
    const id = messageId(bytes, { senderUri: 'a', roomUri: 'b' });
    expect(id).toHaveLength(32);
    expect(id[0]).toBe(1);
    // explicit URIs override extensions 1 and 2
    const orig = example('original');
    expect(messageId(orig, { senderUri: 'x' })).not.toEqual(messageId(orig));
  });
});
