/**
 * marked (the markdown parser since issue 14, decision D24) against markdown-it 15 with `html: false`
 * (the previous parser, now a development dependency and the oracle here): the three renderings must be
 * the same for generated GFM-MIMI. Where marked follows GFM and markdown-it did not, or the two read an
 * edge case differently, the difference is a test of its own below (and listed in D24).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownToTree } from '../../src/fallback/parse.js';
import { emitHtml, emitMarkdown, emitText, type EmitEnv, type Node } from '../../src/fallback/tree.js';
import { MD_ATTACKS } from './hostile.js';
import { oracleMarkdownToTree } from './oracle.js';

const env: EmitEnv = { mentionName: () => undefined, image: () => ({ placeholder: 'img' }), note: () => {} };
const forms = (n: Node[]) => ({ text: emitText(n, env), markdown: emitMarkdown(n, env), html: emitHtml(n, env) });
const both = (src: string, variant?: string) => [forms(markdownToTree(src, variant)), forms(oracleMarkdownToTree(src, variant))] as const;

// Emphasis as whole units: lone `*`/`_` delimiter runs mixed with punctuation are where marked's emphasis
// differs from CommonMark §6.2 (about 0.5 % of random delimiter soup; see the tests below).
const INLINE = fc.constantFrom(
  'word', 'B2', 'é', ' ', ' ', '.', ',', '(', ')', '[', ']', '*a* ', '**b** ', '_c_ ', '__d__ ', ' ~~s~~ ', ' *a **b** c* ', ' **a *b* c** ', ' ***x*** ', '`code`', '`` a ` b ``',
  '[x](https://e.com/p?q=1&amp;r#f)', '[y](<https://e.com/a b>)', '![i](https://e.com/i.png)', '![a *b*](https://e.com/i.png "t")', '<https://e.com/a>', '<a@b.c>',
  '\\*', '\\_', '\\\\', '&amp;', '&copy;', '&#65;', '&#x1F600;', '&foo;', '<b>', '</b>', 'http://e.com', 'www.e.com', '"', "'", '=', '+', '1',
  '[x](javascript:alert(1))', '[ftp](ftp://e.com/f)', '[r]', '[r][]', '[m](mailto:a@b.c)', '!', '[u](https://e.com/ü?q=a b)', '`a&amp;b`', '[*e*](https://e.com/)',
);
const inline = fc.array(INLINE, { minLength: 1, maxLength: 8 }).map((p) => p.join('').replace(/^[ ]+/, ''));
const LINE = fc.oneof(
  inline,
  inline.map((t) => `# ${t}`),
  inline.map((t) => `### ${t}`),
  inline.map((t) => `> ${t}`),
  inline.map((t) => `- ${t}`),
  inline.map((t) => `  - ${t}`),
  inline.map((t) => `1. ${t}`),
  inline.map((t) => `- [ ] w ${t}`),
  inline.map((t) => `- [x] w ${t}`),
  fc.constant('```\ncode *x*\n```'),
  fc.constant('~~~js\na\n\nb\n~~~'),
  fc.constant('---'),
  fc.constant(''),
  fc.constant('\n| a | *b* |\n|---|:-:|\n| 1 | 2 |\n| 3 |\n'),
  fc.constant('\n    indented *x*\n'),
  fc.constant('[r]: https://e.com/r'),
);

describe('marked against markdown-it (the previous parser) on GFM-MIMI (D24)', () => {
  it('on the hostile corpus (test/fallback/hostile.ts)', () => {
    for (const src of MD_ATTACKS) {
      const [a, b] = both(src);
      expect(a, src).toEqual(b);
    }
  });

  it('property: one-line inline markdown renders the same (3 000 inputs)', () => {
    fc.assert(
      fc.property(inline, (src) => {
        const [a, b] = both(src);
        expect(a).toEqual(b);
      }),
      { numRuns: 3000, seed: 20261202 },
    );
  });

  it('property: documents of block lines render the same (2 000 inputs)', () => {
    fc.assert(
      fc.property(fc.array(LINE, { minLength: 1, maxLength: 8 }), (lines) => {
        const src = lines.join('\n');
        const [a, b] = both(src);
        expect(a).toEqual(b);
      }),
      { numRuns: 2000, seed: 20261203 },
    );
  });

  it('property: CommonMark variant, the same without the GFM extensions', () => {
    fc.assert(
      fc.property(fc.array(LINE, { minLength: 1, maxLength: 6 }), (lines) => {
        const src = lines.join('\n');
        const [a, b] = both(src, 'CommonMark');
        expect(a).toEqual(b);
      }),
      { numRuns: 1000, seed: 20261204 },
    );
  });
});

describe('where marked and markdown-it differ (D24)', () => {
  it('a single tilde strikes through (GFM §6.5 "one or two tildes"); markdown-it needed two', () => {
    const [a, b] = both('~x~ y');
    expect(a.html).toBe('<p><s>x</s> y</p>');
    expect(b.html).toBe('<p>~x~ y</p>');
  });

  it('intraword "*" emphasis around a nested "**" is not found by marked (CommonMark §6.2 allows it: a marked gap)', () => {
    const [a, b] = both('word*a **b** c*word');
    expect(a.html).toBe('<p>word*a <strong>b</strong> c*word</p>');
    expect(b.html).toBe('<p>word<em>a <strong>b</strong> c</em>word</p>');
  });

  it('spaces after a task marker are not kept', () => {
    const [a, b] = both('- [x]   done');
    expect(a.html).toBe('<ul><li>☑ done</li></ul>');
    expect(b.html).toBe('<ul><li>☑   done</li></ul>');
  });

  it('a table may follow a list item line lazily (the table is in the item); markdown-it read text', () => {
    const [a, b] = both('- | a |\n|---|\n| 1 |');
    expect(a.html).toBe('<ul><li><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></li></ul>');
    expect(b.html).toBe('<ul><li>| a |\n|---|\n| 1 |</li></ul>');
  });

  it('a tab after ">" counts as indentation up to the next tab stop beyond (marked reads indented code)', () => {
    const [a, b] = both('> \tx');
    expect(a.html).toBe('<blockquote><pre><code>x\n</code></pre></blockquote>');
    expect(b.html).toBe('<blockquote><p>x</p></blockquote>');
  });

  it('a non-ASCII host is percent-encoded, not converted to punycode (browsers decode either)', () => {
    const [a, b] = both('[b](https://bücher.example/)');
    expect(a.html).toContain('href="https://b%C3%BCcher.example/"');
    expect(b.html).toContain('href="https://xn--bcher-kva.example/"');
  });
});
