/**
 * The HTML safety predicate shared by the XSS tests (test/fallback/xss.test.ts) and the fuzz targets:
 * what the fallback renderer emits must stay inside its sanitizer allowlist (draft-ietf-mimi-content
 * §10 Security Considerations: no active content, no script URLs, no styling, links carry `rel`).
 *
 * A plain function returning the reason rather than `expect` calls, so that `npm run fuzz` (outside
 * vitest) can use it too.
 */
import sanitizeHtml from 'sanitize-html';
import { SANITIZE_OPTIONS } from '../../src/fallback/index.js';

const RULES: readonly [RegExp, string][] = [
  [/<script|<iframe|<object|<embed|<svg|<style|<form|<input|<base|<meta|<math/i, 'active or unsafe element'],
  [/<[^>]*\son[a-z]+\s*=/i, 'event handler attribute'],
  [/<[^>]*(href|src)\s*=\s*"\s*(javascript|vbscript|data):/i, 'script or data URL'],
  [/style\s*=/i, 'style attribute'],
  [/(href|src)="\/\//, 'protocol-relative URL'],
  [/target=/, 'target attribute'],
  // Browsers turn NUL into U+FFFD, but other consumers of the HTML may cut a URL or an attribute at it.
  [/<[^>]*\u0000/, 'NUL inside a tag'],
];

/**
 * Why `html` is unsafe, or `undefined` when it is safe.
 *
 * @param html - rendered HTML
 * @returns the first violated rule, with the offending excerpt
 */
export function htmlSafetyViolation(html: string): string | undefined {
  for (const [re, what] of RULES) {
    const m = re.exec(html);
    if (m) return `${what}: …${html.slice(Math.max(0, m.index - 20), m.index + 60)}…`;
  }
  // Every link carries the rel list.
  for (const a of html.match(/<a [^>]*>/g) ?? []) if (!a.includes('rel="noopener noreferrer nofollow"')) return `link without rel: ${a.slice(0, 120)}`;
  // Our own output survives the sanitizer unchanged: it is within the allowlist.
  if (sanitizeHtml(html, SANITIZE_OPTIONS) !== html) return 'not a fixed point of the sanitizer';
  return undefined;
}

/**
 * Why rendered markdown is unsafe (an unescaped link to a script or data URL), or `undefined`.
 *
 * @param markdown - rendered markdown
 * @returns the offending excerpt
 */
export function markdownSafetyViolation(markdown: string): string | undefined {
  const m = /(?<!\\)\]\(\s*<?\s*(javascript|vbscript|data):/i.exec(markdown);
  return m ? `script or data link: …${markdown.slice(Math.max(0, m.index - 20), m.index + 60)}…` : undefined;
}
