import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/cbor/hex.js';
import { decodeContent } from '../../src/content/index.js';
import {
  classify,
  codePointToUtf16,
  compareLink,
  humanSize,
  render,
  renderBody,
  RULES,
  stripFallback,
  translator,
  truncate,
  utf16ToCodePoint,
  type RuleId,
} from '../../src/fallback/index.js';
import { contextFromJson, type RenderContextJson } from '../../src/vectors/fallback.js';
import { ALICE, BOB, IDS, NAMES, exampleBytes, external, htmlPart, msg, multi, plain, sid, single } from './fixtures.js';

const content = (name: string) => decodeContent(exampleBytes(name));

describe('rules table', () => {
  it('has unique ids, each citing a draft section, a decision or a peer lesson', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) expect(r.source).toMatch(/§|decision|XEP|MSC/);
  });

  it('every rule is exercised by a vector', () => {
    const seen = new Set<RuleId>();
    const dir = new URL('../../spec-vectors/fallback/', import.meta.url);
    for (const f of readdirSync(dir)) {
      const file = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { vectors: { kind: string; input: { content: string; context?: RenderContextJson } }[] };
      for (const v of file.vectors) {
        if (v.kind !== 'render') continue;
        const r = render(decodeContent(hexToBytes(v.input.content), { checks: false }), contextFromJson(v.input.context));
        r.rules.forEach((x) => seen.add(x));
      }
    }
    expect(RULES.map((r) => r.id).filter((id) => !seen.has(id))).toEqual([]);
  });
});

describe('classify (draft §4.1, §5)', () => {
  it('recognizes every example kind', () => {
    expect(classify(content('original'))).toBe('message');
    expect(classify(content('reply'))).toBe('reply');
    expect(classify(content('reaction'))).toBe('reaction');
    expect(classify(content('edit'))).toBe('edit');
    expect(classify(content('delete'))).toBe('delete');
    expect(classify(content('unlike'))).toBe('unlike');
    expect(classify(content('multipart-2'))).toBe('reaction');
  });
});

describe('render: texts and links', () => {
  it('uses the display-name resolver for senders, mentions and quotes', () => {
    const r = render(content('delete'), { displayName: (u) => (u === BOB ? 'Robert' : undefined) });
    expect(r.text).toBe('Robert deleted a message');
    const none = render(content('delete'));
    expect(none.text).toBe('mimi://example.com/u/bob-jones deleted a message');
  });

  it('plain text keeps whitespace and never becomes markup', () => {
    const r = render(msg(plain('  indented\n# not a heading\n1. not a list')));
    expect(r.text).toBe('indented\n# not a heading\n1. not a list');
    expect(r.html).toBe('<p>indented<br /># not a heading<br />1. not a list</p>');
    expect(r.markdown).toBe('indented\\\n\\# not a heading\\\n1\\. not a list');
  });

  it('HTML lists, quotes and code convert to text and markdown', () => {
    const r = render(msg(htmlPart('<ul><li>one</li><li>two <b>2</b></li></ul><blockquote>q</blockquote><pre><code>x &lt; y</code></pre><ol start="3"><li>c</li></ol>')));
    expect(r.text).toBe('- one\n- two 2\n\n> q\n\nx < y\n\n3. c');
    expect(r.markdown).toBe('- one\n- two **2**\n\n> q\n\n```\nx < y\n```\n\n3. c');
    expect(r.html).toBe('<ul><li>one</li><li>two <b>2</b></li></ul><blockquote>q</blockquote><pre><code>x &lt; y</code></pre><ol start="3"><li>c</li></ol>');
  });

  it('compareLink follows the draft\'s three "match" examples and two "warn" examples (§9.6)', () => {
    expect(compareLink('example.com/foobar', 'https://example.com/foobar')).toBe('same');
    expect(compareLink('https://example.com/foobar', 'https://example.com/foobar')).toBe('same');
    expect(compareLink('https://example.com:443/foobar', 'https://example.com/foobar')).toBe('same');
    expect(compareLink('https://example.com/foobar', 'https://spearphishers.example/foobar')).toBe('different');
    expect(compareLink('https://example.com/foobar', 'http://example.com/foobar')).toBe('downgrade');
  });

  it('nested emphasis of one kind is marked once in markdown (<i><i>x</i></i> is italic, not **bold**)', () => {
    // CommonMark §6.2: `**x**` is strong, so `*` around `*x*` would turn italics into bold.
    expect(render(msg(htmlPart('<i><i>x</i></i>'))).markdown).toBe('*x*');
    expect(render(msg(htmlPart('<b>a <strong>b</strong></b>'))).markdown).toBe('**a b**');
    expect(render(msg(htmlPart('<s><del>x</del></s>'))).markdown).toBe('~~x~~');
    expect(render(msg(htmlPart('<b><i>x</i></b>'))).markdown).toBe('***x***');
    expect(render(msg(htmlPart('<i>a <b>b <i>c</i></b></i>'))).markdown).toBe('*a **b c***');
  });

  it('renders remote images only when the caller opts in', () => {
    const c = msg(htmlPart('<img src="https://example.com/a.png" alt="A">'));
    expect(render(c).html).toBe('<span class="mimi-placeholder">[Image: A]</span>');
    expect(render(c, { remoteImages: true }).html).toBe('<img src="https://example.com/a.png" alt="A" />');
  });

  it('strips bidi overrides from reactions and display names', () => {
    const r = render(msg(plain('\u202eok', 2), { inReplyTo: sid(1) }), { displayName: () => '\u202eEvil' });
    expect(r.text).toBe('Reaction: ok');
    const d = render(content('delete'), { displayName: () => '\u202eEvil\u202c' });
    expect(d.text).toBe('Evil deleted a message');
  });

  it('quoteMaxCodePoints 0 quotes no text at all', () => {
    const r = render(content('reply'), {
      displayName: (u) => NAMES[u],
      quoteMaxCodePoints: 0,
      resolveMessage: () => ({ status: 'available', sender: ALICE, content: content('original') }),
    });
    expect(r.text).toBe("> Alice Smith wrote:\n\nRight on! Congratulations 'all!");
  });

  it('a reply quote never nests the target\'s own quote', () => {
    const target = msg(plain('inner'), { inReplyTo: sid(2) });
    const r = render(msg(plain('outer'), { inReplyTo: sid(3) }), {
      resolveMessage: (h) => (h === sid(3) ? { status: 'available', sender: ALICE, content: target } : { status: 'available', sender: BOB, content: msg(plain('SECRET')) }),
    });
    expect(r.text).toBe(`> ${ALICE} wrote:\n> inner\n\nouter`);
    expect(r.text).not.toContain('SECRET');
  });

  it('renderBody renders only the body', () => {
    expect(renderBody(content('edit').nestedPart).text).toBe("Right on! Congratulations y'all!");
  });

  it('an external inline image is a described attachment with its link', () => {
    const r = render(msg(external({ disposition: 4, contentType: 'image/jpeg', url: 'https://example.com/i.jpg', size: 2500 })));
    expect(r.text).toBe('Attachment: Image (image/jpeg, 2.5 kB)\nhttps://example.com/i.jpg');
  });

  it('a cid: reference to a multipart or a missing part is reported', () => {
    const c = msg(multi('processAll', [htmlPart('<img src="cid:9@local.invalid" alt="x">'), single('image/png', new Uint8Array(1), 4)]));
    const r = render(c);
    expect(r.warnings.map((w) => w.code)).toContain('cid-unresolved');
    expect(r.text).toBe('[Image: x]\n\n[Image: image/png, 1 B]');
  });
});

describe('fallback ranges (unit: UTF-16 code units, plus code points)', () => {
  const target = msg(plain('🏳️‍🌈 and 👩🏽‍⚕️ say hi'));
  const r = render(msg(plain('reply 😀'), { inReplyTo: sid(5) }), {
    resolveMessage: () => ({ status: 'available', sender: ALICE, content: target }),
    displayName: () => 'Al 👩🏽‍⚕️',
  });

  it('reports the inserted quote in both units', () => {
    // Prefix: "> Al 👩🏽‍⚕️ wrote:\n> 🏳️‍🌈 and 👩🏽‍⚕️ say hi\n\n".
    // 👩🏽‍⚕️ = U+1F469 U+1F3FD U+200D U+2695 U+FE0F: 5 code points, 7 UTF-16 units.
    // 🏳️‍🌈 = U+1F3F3 U+FE0F U+200D U+1F308: 4 code points, 6 UTF-16 units.
    const line1 = 5 + 5 + 7; // "> Al " + emoji + " wrote:" in code points
    const line2 = 2 + 4 + 5 + 5 + 7; // "> " + flag + " and " + emoji + " say hi"
    const cps = line1 + 1 + line2 + 2;
    const units = cps + 2 /* woman */ + 2 /* flag */ + 2 /* woman */; // each astral code point adds one unit
    const [range] = r.fallbackRanges.text;
    expect(range).toEqual({ for: 'reply', start: 0, end: units, startCodePoint: 0, endCodePoint: cps, unit: 'utf16' });
    expect(r.text.slice(range!.start, range!.end)).toBe('> Al 👩🏽‍⚕️ wrote:\n> 🏳️‍🌈 and 👩🏽‍⚕️ say hi\n\n');
  });

  it('stripping the range leaves exactly the body', () => {
    expect(stripFallback(r.text, r.fallbackRanges.text)).toBe('reply 😀');
    expect(stripFallback(r.markdown, r.fallbackRanges.markdown)).toBe('reply 😀');
    expect(stripFallback(r.html, r.fallbackRanges.html)).toBe('<p>reply 😀</p>');
  });

  it('code point and UTF-16 offsets convert both ways', () => {
    const s = 'a😀b';
    expect(utf16ToCodePoint(s, 3)).toBe(2);
    expect(codePointToUtf16(s, 2)).toBe(3);
    for (const x of r.fallbackRanges.text) expect(codePointToUtf16(r.text, x.endCodePoint)).toBe(x.end);
  });

  it('truncation never splits a surrogate pair or leaves a dangling joiner', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('ab\u200d😀', 3)).toBe('ab…');
  });
});

describe('localization', () => {
  it('fr catalog, region fallback and number formatting', () => {
    expect(translator({ locale: 'fr-CA' })('edit.prefix')).toBe('Modifié :');
    expect(humanSize(1500, translator({ locale: 'fr' })('units'), 'fr')).toBe('1,5 ko');
    expect(render(content('edit'), { locale: 'fr' }).text).toBe("Modifié : Right on! Congratulations y'all!");
  });

  it('de catalog with English fallback for missing keys', () => {
    expect(render(content('reaction'), { locale: 'de' }).text).toBe('Reaktion: ❤');
    expect(render(content('unlike'), { locale: 'de', displayName: () => 'Cathy' }).text).toBe('Cathy removed a reaction');
  });

  it('caller catalogs override and add locales', () => {
    const r = render(content('reaction'), { locale: 'es', catalogs: { es: { 'reaction.prefix': 'Reacción:' } } });
    expect(r.text).toBe('Reacción: ❤');
    const o = render(content('reaction'), { locale: 'en', catalogs: { en: { 'reaction.prefix': 'Reacted' } } });
    expect(o.text).toBe('Reacted ❤');
  });

  it('parameters are substituted', () => {
    expect(translator({ locale: 'fr' })('reply.wrote', { name: 'Zoé' })).toBe('Zoé a écrit :');
  });
});

describe('message IDs in the context', () => {
  it('resolveMessage is called with the lower-case hex of inReplyTo', () => {
    const seen: string[] = [];
    render(content('reply'), { resolveMessage: (h) => (seen.push(h), undefined) });
    expect(seen).toEqual([IDS.original]);
  });
});
