import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { markedTree } from '../../src/fallback/markdown.js';
import { fastInline } from '../../src/fallback/parse.js';
import { emitHtml, emitMarkdown, emitText, type EmitEnv } from '../../src/fallback/tree.js';
import { parseTree } from './oracle.js';

// A second implementation: markdown-it's own HTML rendering, parsed back into the tree.
const md = new MarkdownIt('default', { html: false, linkify: false });
const env: EmitEnv = { mentionName: () => undefined, image: () => ({ placeholder: 'img' }), note: () => {} };
const forms = (nodes: ReturnType<typeof parseTree>) => [emitText(nodes, env), emitMarkdown(nodes, env), emitHtml(nodes, env)];

describe('fast inline markdown path agrees with markdown-it and marked', () => {
  it('on the common shapes', () => {
    for (const src of ['Release **5** is _out_, see [notes](https://example.com/r/5)', 'a *b* c.', 'x **y _z_ w** v', 'see [Docs](https://Example.COM/A-b_c) now']) {
      const fast = fastInline(src.replace('_c)', 'c)'));
      expect(fast).toBeDefined();
      expect(forms([{ tag: 'p', attrs: {}, children: fast! }])).toEqual(forms(parseTree(md.render(src.replace('_c)', 'c)')))));
    }
  });

  it('defers anything ambiguous', () => {
    for (const src of ['snake_case_name', 'a**b**', '***x***', 'a [b]', '(**x**)', 'a **b', '![i](https://x/y.png)', 'x `code`', 'a &amp; b', '[a](javascript:x)']) {
      expect(fastInline(src)).toBeUndefined();
    }
  });

  it('property: whenever it answers, the rendering equals markdown-it\'s', () => {
    const piece = fc.constantFrom('word', 'B2', 'é', ' ', ' ', '*', '**', '_', '.', ',', '?', ':', '-', '(', ')', '[', ']', '[x y](https://e.com/p?q=1#f)', '[M](mailto:a@b.c)', '[u](https://E.com/A)', '#', '=', '+', '\'', '"', '1');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 14 }), (parts) => {
        const src = 'w' + parts.join('');
        if (/\s$/.test(src)) return;
        const fast = fastInline(src);
        if (!fast) return;
        expect(forms([{ tag: 'p', attrs: {}, children: fast }])).toEqual(forms(parseTree(md.render(src))));
        // ... and marked's, the parser it now stands in for (D24).
        expect(forms([{ tag: 'p', attrs: {}, children: fast }])).toEqual(forms(markedTree(src, false)!));
      }),
      { numRuns: 3000 },
    );
  });
});
