import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { render, sanitizeMessageHtml } from '../../src/fallback/index.js';
import { external, htmlPart, md, msg, multi, plain } from './fixtures.js';
import { htmlSafetyViolation } from '../fuzz/safety.js';
import { HTML_ATTACKS, MD_ATTACKS } from './hostile.js';

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
