/**
 * The browser side of test/browser/fallback-dom.test.ts: the fallback's HTML goes through the platform's
 * parser here (DOMParser, decision D23). The page also runs the DOM-free tokenizer on the same inputs, so
 * the Node side can compare the two paths, and returns plain data only.
 */
import { TreeBuilder, serializeTree } from '../../src/fallback/allowlist.js';
import { COMPACT_DECODER } from '../../src/fallback/entities.js';
import { capHtmlNesting } from '../../src/fallback/htmlDepth.js';
import { domParser } from '../../src/fallback/htmlDom.js';
import { parseHtmlTokens } from '../../src/fallback/htmlTokenizer.js';
import { RENDER_LIMITS, render, sanitizeMessageHtml } from '../../src/fallback/index.js';
import { html, markdown } from '../../src/content/index.js';
import { HTML_ATTACKS, MD_ATTACKS, NESTING_KINDS } from '../fallback/hostile.js';
import { htmlSafetyViolation, markdownSafetyViolation } from '../fuzz/safety.js';

(window as { __ready?: boolean }).__ready = false;

const ROOM = { senderUri: 'mimi://example.com/u/alice-smith', roomUri: 'mimi://example.com/r/engineering_team' };

/** The tokenizer path, forced (what Node and workers run). */
function tokenizerSanitize(h: string): string {
  const b = new TreeBuilder();
  parseHtmlTokens(capHtmlNesting(h, RENDER_LIMITS.maxDepth), b, COMPACT_DECODER);
  return serializeTree(b.finish());
}

/** One input on both paths, and the DOM path's rendering checked with the shared predicate. */
function paths(): { domParser: boolean; cases: { name: string; dom: string; tokenizer: string; predicate?: string | undefined; markdown?: string | undefined; text: string }[] } {
  const cases = [];
  const inputs: [string, string][] = HTML_ATTACKS.map((a) => [`html: ${a}`, a]);
  for (const [kind, make] of Object.entries(NESTING_KINDS)) for (const n of [3, 40, 5000]) inputs.push([`nesting ${n}: ${kind}`, make(n, 'deepest')]);
  for (const [name, h] of inputs) {
    const r = render(html(h, ROOM));
    cases.push({ name, dom: sanitizeMessageHtml(h), tokenizer: tokenizerSanitize(h), predicate: htmlSafetyViolation(r.html), markdown: markdownSafetyViolation(r.markdown), text: r.text });
  }
  for (const a of MD_ATTACKS) {
    const r = render(markdown(a, ROOM));
    cases.push({ name: `markdown: ${a}`, dom: '', tokenizer: '', predicate: htmlSafetyViolation(r.html), markdown: markdownSafetyViolation(r.markdown), text: r.text });
  }
  return { domParser: domParser() !== undefined, cases };
}

/** Renders given HTML and markdown bodies in the page (for hand-checked expectations on the Node side). */
function renderHtml(bodies: readonly string[]): { text: string; html: string; markdown: string }[] {
  return bodies.map((b) => {
    const r = render(html(b, ROOM));
    return { text: r.text, html: r.html, markdown: r.markdown };
  });
}
function renderMarkdown(bodies: readonly string[]): { text: string; html: string }[] {
  return bodies.map((b) => {
    const r = render(markdown(b, ROOM));
    return { text: r.text, html: r.html };
  });
}

Object.assign(window, { fallbackDom: { paths, renderHtml, renderMarkdown }, __ready: true });
