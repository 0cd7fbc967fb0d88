import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { render, sanitizeMessageHtml } from '../../src/fallback/index.js';
import { external, htmlPart, md, msg, multi, plain } from './fixtures.js';
import { htmlSafetyViolation } from '../fuzz/safety.js';

/** Payloads from the usual XSS cheat sheets, for HTML and markdown bodies. */
const HTML_ATTACKS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="javascript:alert(1)">',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href=" &#106;avascript:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="//evil.example/">protocol-relative</a>',
  '<svg onload=alert(1)><circle/></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<form action="https://evil.example"><input type="submit"></form>',
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<div onclick="alert(1)" onmouseover="alert(2)">div</div>',
  '<a href="https://ok.example" onclick="alert(1)" target="_blank">ok</a>',
  '<!--<script>alert(1)</script>-->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '"><script>alert(1)</script>',
  '<a href="mimi://example.com/u/a" class="evil mimi-mention" style="x">@x</a>',
];

const MD_ATTACKS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD4=)',
  '![x](data:image/svg+xml;base64,PHN2Zz4=)',
  '![x](javascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '<javascript:alert(1)>',
  '[x]( javascript:alert(1) "t")',
  '<a href="javascript:alert(1)">x</a>',
  '<!-- comment --> <?php ?> <![CDATA[x]]>',
  '```html\n<script>alert(1)</script>\n```',
  '[a](https://ok.example "title\\" onmouseover=\\"alert(1)")',
];

function assertSafe(html: string): void {
  expect(htmlSafetyViolation(html)).toBeUndefined();
}

describe('XSS: HTML bodies are sanitized (allowlist)', () => {
  for (const attack of HTML_ATTACKS) {
    it(attack, () => {
      const r = render(msg(htmlPart(attack)));
      assertSafe(r.html);
      expect(r.markdown).not.toMatch(/(?<!\\)\]\(\s*<?\s*(javascript|vbscript|data):/i);
      expect(r.text).not.toMatch(/<script/i);
    });
  }

  it('sanitizeMessageHtml drops handlers and scripts', () => {
    expect(sanitizeMessageHtml('<img src=x onerror=alert(1)><script>x</script>ok')).toBe('<img src="x" />ok');
  });
});

describe('XSS: markdown bodies (GFM-MIMI nohtml, raw HTML is text)', () => {
  for (const attack of MD_ATTACKS) {
    it(attack, () => {
      const r = render(msg(md(attack)));
      assertSafe(r.html);
      expect(r.markdown).not.toMatch(/(?<!\\)\]\(\s*<?\s*(javascript|vbscript|data):/i);
    });
  }

  it('raw HTML in markdown is shown, escaped, as text', () => {
    const r = render(msg(md('<img src=x onerror=alert(1)>')));
    expect(r.html).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(r.text).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('XSS: plain text, names and attachments', () => {
  it('plain text is escaped', () => {
    const r = render(msg(plain('<script>alert(1)</script>')));
    expect(r.html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    assertSafe(r.html);
  });

  it('display names and file names are escaped', () => {
    const r = render(msg(external({ url: 'https://example.com/f', filename: '<img src=x onerror=alert(1)>.png', description: '"><script>' })), {
      displayName: () => '<b>x</b>',
    });
    assertSafe(r.html);
    expect(r.html).toContain('&lt;img src=x onerror=alert(1)&gt;.png');
    const d = render(msg({ disposition: 1, language: '', cardinality: 'nullpart' }, { replaces: '01'.padEnd(64, '0') }), { displayName: () => '<img src=x onerror=alert(1)>' });
    expect(d.html).toBe('<p>&lt;img src=x onerror=alert(1)&gt; deleted a message</p>');
  });

  it('external data: and javascript: URLs are never links', () => {
    for (const url of ['data:text/html,<script>alert(1)</script>', 'javascript:alert(1)']) {
      const r = render(msg(external({ url, filename: 'f' })));
      assertSafe(r.html);
      expect(r.html).not.toContain('<a ');
    }
  });
});

describe('property: any body renders without throwing, and the HTML stays inside the allowlist', () => {
  const chunk = fc.constantFrom('<', '>', '&', '"', "'", '=', '/', ' ', 'a', 'script', 'img', 'src', 'href', 'on', 'error', 'javascript:', 'data:', '[', ']', '(', ')', '*', '_', '`', '\n', '😀', '\u202e', 'mimi://x/u/y', 'cid:1@local.invalid', '<a ', '<img ', '</', '!', '#', '|', '-');
  const text = fc.array(chunk, { maxLength: 40 }).map((a) => a.join(''));
  const leaf = fc.oneof(
    text.map((t) => plain(t)),
    text.map((t) => md(t)),
    text.map((t) => htmlPart(t)),
    fc.tuple(text, fc.integer({ min: 0, max: 255 })).map(([t, d]) => plain(t, d)),
    text.map((t) => external({ url: t, filename: t, description: t })),
  );
  const body = fc.oneof(leaf, fc.tuple(fc.constantFrom('chooseOne', 'singleUnit', 'processAll') as fc.Arbitrary<'chooseOne' | 'singleUnit' | 'processAll'>, fc.array(leaf, { minLength: 2, maxLength: 3 })).map(([sem, parts]) => multi(sem, parts)));

  it('holds', () => {
    fc.assert(
      fc.property(body, fc.boolean(), (part, reply) => {
        const r = render(msg(part, reply ? { inReplyTo: '01'.padEnd(64, 'a') } : {}), {
          resolveMessage: () => ({ status: 'available', sender: 'mimi://x/u/<b>', content: msg(part) }),
        });
        assertSafe(r.html);
        for (const f of ['text', 'markdown', 'html'] as const) {
          for (const x of r.fallbackRanges[f]) expect(x.end).toBeLessThanOrEqual(r[f].length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
