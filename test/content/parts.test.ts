import { describe, expect, it } from 'vitest';
import { cidFor, decodeContent, listParts, partAt, resolveCid, type SinglePart } from '../../src/content/index.js';
import { example } from './helpers.js';

describe('implied part index (Appendix "Complicated Nested Example")', () => {
  const c = decodeContent(example('multipart-3'));

  it('numbers the 11 parts depth-first as in the draft table', () => {
    const parts = listParts(c);
    expect(parts).toHaveLength(11);
    // Part  Description (from the draft): 0 choose, 1 process all, 2 choose, 3 English, 4 French, 5 GIF,
    // 6 process all, 7 choose, 8 English, 9 French, 10 PNG
    const describe = parts.map(({ part }) =>
      part.cardinality === 'multi' ? part.partSemantics : `${(part as SinglePart).language || (part as SinglePart).contentType}`,
    );
    expect(describe).toEqual([
      'chooseOne',
      'processAll',
      'chooseOne',
      'en',
      'fr',
      'image/gif',
      'processAll',
      'chooseOne',
      'en',
      'fr',
      'image/png',
    ]);
    expect(parts.map((p) => p.depth)).toEqual([1, 2, 3, 4, 4, 3, 2, 3, 4, 4, 3]);
    expect(parts[9]!.path).toEqual([1, 0, 1]);
    expect(parts.every((p, i) => p.index === i)).toBe(true);
  });

  it('partAt agrees with listParts', () => {
    const all = listParts(c);
    for (let i = 0; i < all.length; i++) expect(partAt(c, i)).toEqual(all[i]);
    expect(partAt(c, 11)).toBeUndefined();
    expect(partAt(c, -1)).toBeUndefined();
    expect(partAt(decodeContent(example('original')), 0)?.part.cardinality).toBe('single');
  });

  it('resolves the cid: references written in the example HTML', () => {
    const en = partAt(c, 3)!.part as SinglePart;
    const src = /src="(cid:[^"]+)"/.exec(new TextDecoder().decode(en.content))![1]!;
    expect(src).toBe('cid:5@local.invalid');
    expect(resolveCid(c, src).part).toMatchObject({ contentType: 'image/gif' });
    expect(resolveCid(c, 'CID:10@LOCAL.INVALID').part).toMatchObject({ contentType: 'image/png' });
    expect(cidFor(5)).toBe('cid:5@local.invalid');
  });

  it('refuses bad cid: URIs', () => {
    expect(() => resolveCid(c, 'cid:05@local.invalid')).toThrow(expect.objectContaining({ code: 'content/invalid-cid' }));
    expect(() => resolveCid(c, 'cid:5@example.com')).toThrow(expect.objectContaining({ code: 'content/invalid-cid' }));
    expect(() => resolveCid(c, 'cid:11@local.invalid')).toThrow(expect.objectContaining({ code: 'content/cid-not-found' }));
    expect(() => resolveCid(c, 'cid:2@local.invalid')).toThrow(expect.objectContaining({ code: 'content/cid-not-leaf' }));
    expect(() => cidFor(-1)).toThrow(expect.objectContaining({ code: 'content/invalid-cid' }));
  });
});
