/**
 * Hostile bodies that decodeContent accepts: every one renders, in all three forms, without throwing,
 * with the documented rendering beyond the caps (docs/fallback.md "Limits", decisions D18-D20) and
 * safe HTML. Time and memory budgets are not asserted here (they belong to the resource suite);
 * these inputs used to throw RangeError (recursion, or Math.max over a spread).
 */
import fc from 'fast-check';
import sanitizeHtml from 'sanitize-html';
import { capMarkdownNesting } from '../../src/fallback/markdown.js';
import { describe, expect, it } from 'vitest';
import { Conversation, RENDER_LIMITS, render, type Rendering } from '../../src/fallback/index.js';
import { capHtmlNesting } from '../../src/fallback/htmlDepth.js';
import { emitMarkdown, emitText, type EmitEnv, type Node } from '../../src/fallback/tree.js';
import { htmlSafetyViolation } from '../fuzz/safety.js';
import { NESTING_KINDS as KINDS } from './hostile.js';
import { ALICE, BOB, external, htmlPart, md, msg, multi, plain, sid } from './fixtures.js';

const CAP = RENDER_LIMITS.maxDepth;
/** WHATWG HTML §13.1.2 void elements (and the obsolete ones htmlparser2 knows): never on the stack. */
const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const NO_SIZE_CAP = { maxMarkupBytes: Infinity };

/** Deepest element nesting in our (regular) HTML output, counted by hand: void elements excluded. */
function htmlDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/g)) {
    if (m[2] === 'br' || m[2] === 'hr' || m[2] === 'img') continue;
    depth += m[1] ? -1 : 1;
    if (depth > max) max = depth;
  }
  return max;
}

function renders(r: Rendering, innermost: string): void {
  for (const form of [r.text, r.markdown, r.html]) expect(form).toContain(innermost);
  expect(htmlSafetyViolation(r.html)).toBeUndefined();
}

describe('deep HTML nesting (decision D18)', () => {
  for (const [kind, make] of Object.entries(KINDS)) {
    it(`${kind}: 5 000 levels render, unwrapped beyond depth ${CAP}`, () => {
      const r = render(msg(htmlPart(make(5000, 'deepest'))));
      renders(r, 'deepest');
      expect(r.rules).toContain('too-deep');
      expect(r.warnings.map((w) => w.code)).toContain('markup-flattened');
      // The output holds at most the cap (plus the <p> or <pre><code> a body may add).
      expect(htmlDepth(r.html)).toBeLessThanOrEqual(CAP + 2);
    });
  }

  it('100 000 <b> (300 KB, over the size cap too) render', () => {
    const r = render(msg(htmlPart('<b>'.repeat(100_000) + 'x')));
    expect(r.rules).toEqual(expect.arrayContaining(['too-deep', 'too-long']));
    expect(htmlSafetyViolation(r.html)).toBeUndefined();
  });

  it('below the cap nothing changes and nothing is reported', () => {
    const r = render(msg(htmlPart('<b>'.repeat(CAP - 1) + 'x' + '</b>'.repeat(CAP - 1))));
    expect(r.html).toBe('<b>'.repeat(CAP - 1) + 'x' + '</b>'.repeat(CAP - 1));
    expect(r.rules).toEqual(['text-html']);
  });

  it('text beyond the cap stays, with blocks kept apart', () => {
    // 31 <div> (dropped by the sanitizer, counted by the cap) + <p>: the 33rd level, <p>, is unwrapped.
    const r = render(msg(htmlPart('<div>'.repeat(CAP) + '<p>one</p><p>two</p>')));
    expect(r.text).toBe('one two');
    expect(r.html).toBe('one  two'); // each unwrapped block leaves a space (HTML shows one)
  });

  it('a table cell beyond the cap keeps its text in the row', () => {
    const r = render(msg(htmlPart('<div>'.repeat(CAP - 2) + '<table><tr><td>a</td><td>b</td></tr></table>')));
    // table at 31, tr at 32: the <td> elements are unwrapped into one cell of text.
    expect(r.text).toBe('a b');
    expect(r.markdown).toBe('| a b |\n| --- |');
  });
});

describe('deep markdown nesting', () => {
  const cases: Record<string, string> = {
    'nested lists': Array.from({ length: 3000 }, (_, i) => ' '.repeat(2 * i) + '- deepest').join('\n'),
    emphasis: '*a '.repeat(20_000) + 'deepest' + ' b*'.repeat(20_000),
    strong: '**a '.repeat(20_000) + 'deepest' + ' b**'.repeat(20_000),
    'links in brackets': '['.repeat(100_000) + 'deepest',
  };
  for (const [kind, src] of Object.entries(cases)) {
    it(`${kind} renders in all three forms`, () => {
      const r = render(msg(md(src)));
      renders(r, 'deepest');
      expect(htmlDepth(r.html)).toBeLessThanOrEqual(CAP + 2);
    });
  }

  it('quotes nested 5 000 deep: markers beyond 32 on a line are removed before parsing, the text is kept (D24)', () => {
    const r = render(msg(md('>'.repeat(5000) + ' deepest')));
    expect(r.rules).toContain('too-deep');
    expect(r.text).toContain('deepest');
    expect(r.warnings.map((w) => w.code)).toContain('markup-flattened');
    expect(htmlSafetyViolation(r.html)).toBeUndefined();
    expect(htmlDepth(r.html)).toBe(CAP);
  });

  it('an inline run with more than 1 000 emphasis/link delimiters is shown as written (D24: marked is superlinear in them)', () => {
    const many = '*a* '.repeat(501); // 1 002 delimiters in one paragraph
    const r = render(msg(md(`# Title *x*\n\n${many}\n\nafter *y*`)));
    expect(r.warnings.map((w) => w.code)).toContain('markup-flattened');
    // The other blocks are still parsed; the long paragraph keeps its asterisks as text.
    expect(r.html.startsWith('<h1>Title <em>x</em></h1><p>*a* *a* ')).toBe(true);
    expect(r.html.endsWith('*a*</p><p>after <em>y</em></p>')).toBe(true);
    const fine = render(msg(md('*a* '.repeat(500))));
    expect(fine.html.startsWith('<p><em>a</em> <em>a</em>')).toBe(true);
    expect(fine.warnings).toEqual([]);
  });

  it('a line with 40 quote markers is parsed as 32 nested quotes (capMarkdownNesting), then unwrapped to the depth cap', () => {
    // By hand: the line's container prefix is cut where the 33rd marker starts or whitespace passes column 64 and
    // the rest of the prefix (markers and spaces) becomes one space.
    expect(capMarkdownNesting('>'.repeat(40) + ' x')).toBe('>'.repeat(32) + ' x');
    expect(capMarkdownNesting('- '.repeat(40) + 'x')).toBe('- '.repeat(32) + ' x');
    expect(capMarkdownNesting(' '.repeat(100) + '- x\nplain')).toBe(' '.repeat(64) + ' x\nplain');
    // Markers count in the 64 columns: the space after the 22nd "1." is column 66, so the cut is there.
    expect(capMarkdownNesting('1. '.repeat(33) + 'x')).toBe('1. '.repeat(22) + 'x');
    const ok = '> a\n>> b\n- c\n  - d\n1. e';
    expect(capMarkdownNesting(ok)).toBe(ok);
  });

  it('emphasis beyond the cap is reported and its text kept (40 levels: 8 unwrapped)', () => {
    const r = render(msg(md('*a '.repeat(40) + 'x' + ' b*'.repeat(40))));
    expect(r.rules).toContain('too-deep');
    expect(r.text).toBe(`${'a '.repeat(40)}x${' b'.repeat(40)}`);
    // 33 levels: the <p>, then 32 elements (the cap counts from the top of the body).
    expect(htmlDepth(r.html)).toBe(CAP);
  });
});

// A tree built by hand drives the emitters directly (no parser, no size cap in the way).
const env: EmitEnv = { mentionName: () => undefined, image: () => ({ placeholder: 'Image' }), note: () => {} };
const el = (tag: string, ...children: Node[]): Node => ({ tag, attrs: {}, children });

describe('many backtick runs and table rows (no spread into Math.max)', () => {
  const runs = 'a`'.repeat(300_000) + 'a`````b'; // 300 001 runs, the longest 5

  it('a <pre> with 300 001 backtick runs: the fence is one longer than the longest run', () => {
    const out = emitMarkdown([el('pre', el('code', runs))], env);
    expect(out.startsWith('``````\n')).toBe(true); // CommonMark §4.5: 6 > 5
    expect(out.endsWith('\n``````')).toBe(true);
  });

  it('a <code> span with 300 001 runs: delimiters of 6 backticks (CommonMark §6.1)', () => {
    const out = emitMarkdown([el('p', el('code', runs))], env);
    expect(out.startsWith('``````a`')).toBe(true);
  });

  it('the same through render(), without the size cap: HTML <pre>, markdown fence and inline code', () => {
    for (const r of [
      render(msg(htmlPart(`<pre>${runs}</pre>`)), NO_SIZE_CAP),
      render(msg(htmlPart(`<code>${runs}</code>`)), NO_SIZE_CAP),
      render(msg(md('~~~\n' + runs + '\n~~~')), NO_SIZE_CAP),
    ]) {
      expect(r.markdown).toContain('``````');
      expect(r.text).toContain('a`````b');
      expect(htmlSafetyViolation(r.html)).toBeUndefined();
    }
  });

  it('a table of 200 000 rows', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => el('tr', el('td', String(i))));
    const tree: Node[] = [el('table', { tag: 'tbody', attrs: {}, children: rows })];
    const out = emitMarkdown(tree, env).split('\n');
    expect(out.length).toBe(200_001); // header, separator, 199 999 rows
    expect(out[1]).toBe('| --- |');
    expect(out[200_000]).toBe('| 199999 |');
    expect(emitText(tree, env).split('\n').length).toBe(200_000);
  });

  it('a markdown table through render() (20 000 rows: the 200 000 above drive the emitter directly)', () => {
    const r = render(msg(md('| n |\n|---|\n' + '| 1 |\n'.repeat(20_000))), NO_SIZE_CAP);
    expect(r.markdown.split('\n').length).toBe(20_002);
  });

  it(`a row wider than ${RENDER_LIMITS.maxTableColumns} columns: the excess joins the last column`, () => {
    const wide = el('tr', ...Array.from({ length: 70 }, (_, i) => el('td', `c${i}`)));
    const out = emitMarkdown([el('table', wide, el('tr', el('td', 'x')))], env).split('\n');
    const cells = out[0]!.slice(2, -2).split(' | ');
    expect(cells.length).toBe(64);
    expect(cells[63]).toBe('c63 c64 c65 c66 c67 c68 c69');
    expect(out[2]).toBe('| x' + ' | '.repeat(63) + ' |'); // padded with 63 empty cells
  });
});

describe('size cap (decision D19)', () => {
  it(`a markdown body over ${RENDER_LIMITS.maxMarkupBytes} octets is formatted up to it, with a note`, () => {
    const line = 'word **b** [l](https://example.com/)\n'; // 37 octets
    const src = line.repeat(Math.ceil((1024 * 1024) / line.length));
    const r = render(msg(md(src)));
    expect(r.rules).toEqual(['text-markdown', 'link-target-visible', 'too-long']);
    expect(r.warnings.map((w) => w.code)).toContain('body-truncated');
    // 7 085 lines are 262 145 octets: the cut falls on the last newline, so 7 085 lines are formatted;
    // the body is 28 340 lines = 1 048 580 octets = 1.0 MB.
    expect(src.length).toBe(1_048_580);
    expect(r.text.endsWith('word b l (https://example.com/)\n\n[Message shortened: the first 262.1 kB of 1.0 MB shown]')).toBe(true);
    expect(r.html.match(/<strong>/g)?.length).toBe(7085);
    expect(htmlSafetyViolation(r.html)).toBeUndefined();
  });

  it('HTML over the cap: nested disallowed tags and a huge body still render', () => {
    const r = render(msg(htmlPart('<div>'.repeat(200_000) + 'x')));
    expect(r.rules).toEqual(['text-html', 'too-deep', 'too-long']);
    // 1 000 001 octets; the first 262 144 hold only <div> tags, so only the note has text.
    expect(r.text).toBe('[Message shortened: the first 262.1 kB of 1.0 MB shown]');
  });

  it('the note is localized', () => {
    const r = render(msg(md('**a** ' + 'b'.repeat(300))), { locale: 'fr', maxMarkupBytes: 100 });
    expect(r.text.endsWith('[Message raccourci : 100 o sur 306 o affichés]')).toBe(true);
  });

  it('plain text is never cut', () => {
    const r = render(msg(plain('x'.repeat(300_000))));
    expect(r.text.length).toBe(300_000);
    expect(r.rules).toEqual(['text-plain']);
  });

  it('a reply quoting a huge target quotes from the capped rendering', () => {
    const target = msg(md('**big** ' + 'y'.repeat(400_000)));
    const r = render(msg(md('re'), { inReplyTo: sid(1) }), { resolveMessage: () => ({ status: 'available', sender: ALICE, content: target }) });
    expect(r.text.split('\n')[1]!.length).toBeLessThanOrEqual(2 + 80);
  });
});

describe('capHtmlNesting: a linear pre-pass independent of the sanitizer', () => {
  it('unwraps deeper elements, keeping text, and drops their end tags', () => {
    expect(capHtmlNesting('<b><i><u>x</u></i></b>y', 2)).toBe('<b><i>x</i></b>y');
    expect(capHtmlNesting('<div><div><div>x</div>y</div></div>', 2)).toBe('<div><div> x y</div></div>');
  });

  it('counts implied end tags (WHATWG §13.1.2.4) and void elements as a parser does', () => {
    const paras = '<p>a'.repeat(100);
    expect(capHtmlNesting(paras, 2)).toBe(paras);
    const items = '<ul>' + '<li>a'.repeat(100) + '</ul>';
    expect(capHtmlNesting(items, 2)).toBe(items);
    const voids = '<b>' + '<br><img src="x"><hr>'.repeat(50) + '</b>';
    expect(capHtmlNesting(voids, 1)).toBe(voids);
  });

  it('reads quoted attribute values: a ">" or "</b>" inside one is not markup', () => {
    expect(capHtmlNesting('<b title="a>b"><i title=\'</b>\'>x', 1)).toBe('<b title="a>b">x');
  });

  it('is never shallower than htmlparser2 (under sanitize-html): random markup stays within the cap', () => {
    const piece = fc.constantFrom(
      '<b>', '</b>', '<i>', '</i>', '<div>', '</div>', '<p>', '</p>', '<li>', '<ul>', '</ul>', '<td>', '<tr>', '<table>',
      '<br>', '<img src=x>', '<!--', '-->', '<!x>', '<?x>', '</ x>', '<a title="', '">', "'", '"', '=', ' ', 'text', '<', '>',
      '<script>', '</script>', '<title>', '<svg>', '<b/>', '</p >', '<b\n>',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 120 }), (parts) => {
        const out = capHtmlNesting(parts.join(''), 4);
        let depth = 0;
        let max = 0;
        // sanitize-html reports htmlparser2's own stack through its open/close hooks.
        sanitizeHtml(out, {
          allowedTags: false,
          onOpenTag: (name) => {
            if (!VOID.has(name)) max = Math.max(max, ++depth);
          },
          onCloseTag: (name) => {
            if (!VOID.has(name)) depth--;
          },
        });
        return max <= 4;
      }),
      { numRuns: 2000, seed: 20261201 },
    );
  });
});

describe('control characters in URLs (decision D20)', () => {
  it('an attachment URL with U+0000 is not a link; the NUL is shown as U+FFFD', () => {
    const r = render(msg(external({ contentType: 'text/plain', url: 'https://example.com/a\u0000.txt', size: 3, filename: 'a.txt' })));
    for (const form of [r.text, r.markdown, r.html]) expect(form).not.toContain('\u0000');
    expect(r.html).not.toContain('<a ');
    expect(r.text).toBe('Attachment: a.txt (text/plain, 3 B)\nhttps://example.com/a\ufffd.txt');
    expect(r.warnings).toEqual([{ code: 'link-invalid', detail: 'https://example.com/a\ufffd.txt' }]);
  });

  it('an attachment URL with DEL or a C1 control is not a link', () => {
    for (const ch of ['\u007f', '\u009b']) {
      const r = render(msg(external({ url: `https://example.com/${ch}x`, filename: 'f' })));
      expect(r.html).toBe('<p>Attachment: f<br />https://example.com/\ufffdx</p>');
    }
  });

  it('a session URL with a bidi override is not a link either', () => {
    const r = render(msg(external({ disposition: 7, url: 'https://example.com/\u202eexe.pdf', description: 'Call' })));
    expect(r.html).not.toContain('href');
    expect(r.text).toBe('Join: Call\nhttps://example.com/\ufffdexe.pdf');
  });

  // (sanitize-html already removes DEL from attribute values.)
  for (const [name, ch] of [['NUL', '\u0000'], ['tab', '\t'], ['LF', '\n'], ['C1 NEL', '\u0085'], ['RLO', '\u202e']] as const) {
    it(`an HTML link or image whose URL holds ${name} keeps only its text`, () => {
      const r = render(msg(htmlPart(`<p><a href="https://example.com/a${ch}b">label</a> <img src="https://example.com/i${ch}.png" alt="pic"></p>`)), { remoteImages: true });
      expect(r.html).toBe('<p>label <span class="mimi-placeholder">[Image: pic]</span></p>');
      expect(r.rules).toContain('link-invalid');
      expect(htmlSafetyViolation(r.html)).toBeUndefined();
    });
  }

  it('a markdown link to a percent-encoded NUL stays a link (nothing hidden: %00 is visible)', () => {
    const r = render(msg(md('[x](https://example.com/%00)')));
    expect(r.html).toContain('href="https://example.com/%00"');
  });
});

describe('part trees: no spread into Math.min, no quadratic key lists', () => {
  it('a chooseOne inside a chooseOne with 200 000 alternatives', () => {
    const r = render(msg(multi('chooseOne', [multi('chooseOne', Array.from({ length: 200_000 }, () => plain('a')))])));
    expect(r.text).toBe('a');
  });

  it('a reaction with 50 000 distinct keys lists each once', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => String(i));
    const r = render(msg(multi('processAll', [...keys, '0', '1'].map((k) => plain(k, 2)), 2), { inReplyTo: sid(1) }));
    expect(r.text).toBe('Reactions: ' + keys.join(', '));
  });
});

describe('Conversation: replies to edited versions (linear lookups)', () => {
  it('3 000 edits and 3 000 replies, each quoting another version', () => {
    const conv = new Conversation();
    const n = 3000;
    conv.add({ id: sid(1), sender: ALICE, hubTimestamp: 1, content: msg(plain('v0')) });
    const id = (i: number) => '02' + i.toString(16).padStart(62, '0');
    for (let i = 1; i <= n; i++) conv.add({ id: id(i), sender: ALICE, hubTimestamp: 1 + i, content: msg(plain(`v${i}`), { replaces: sid(1) }) });
    // A forged edit by Bob is refused (decision D8): a reply to it quotes nothing.
    conv.add({ id: id(n + 1), sender: BOB, hubTimestamp: 5, content: msg(plain('forged'), { replaces: sid(1) }) });
    for (let i = 1; i <= n + 1; i++) conv.add({ id: id(10_000 + i), sender: BOB, hubTimestamp: 10_000 + i, content: msg(plain('re'), { inReplyTo: id(i) }) });
    const view = conv.view(0);
    const replies = view.entries.filter((e) => e.kind === 'reply');
    expect(replies.length).toBe(n + 1);
    // Every version but the latest (edit n, hub time n + 1) was edited since.
    expect(replies.filter((e) => e.replyTo?.status === 'available' && e.replyTo.editedSince).length).toBe(n - 1);
    expect(replies[n - 1]!.replyTo).toEqual({ id: id(n), rootId: sid(1), status: 'available', sender: ALICE });
    expect(replies[n]!.replyTo?.status).toBe('unknown');
    expect(conv.render(replies[0]!, {}, 0).text).toBe('> mimi://example.com/u/alice-smith wrote:\n> v1 (edited since)\n\nre');
    expect(conv.render(view.entries[0]!, {}, 0).text).toBe(`v${n} (edited)`);
  });
});
