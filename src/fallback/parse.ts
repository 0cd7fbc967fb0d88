/**
 * Parsers from message text to the tree: HTML through the allowlist (the browser's parser where there is
 * a DOM, the tokenizer of `htmlTokenizer.ts` elsewhere), markdown through marked (`markdown.ts`), plain
 * text directly.
 *
 * @module
 */
import { serializeTree, TreeBuilder } from './allowlist.js';
import { refDecoder } from './entities.js';
import { domParser, parseHtmlDom } from './htmlDom.js';
import { capHtmlNesting } from './htmlDepth.js';
import { parseHtmlTokens } from './htmlTokenizer.js';
import { RENDER_LIMITS } from './limits.js';
import { markedTree } from './markdown.js';
import type { El, Node } from './tree.js';

export { SANITIZE_OPTIONS, type SanitizeOptions } from './allowlist.js';

/** Parses (depth-capped) HTML with the platform's parser when there is one, else the tokenizer. */
function parseAllowed(html: string, onCap?: () => void): Node[] {
  const b = new TreeBuilder(onCap);
  const P = domParser();
  if (P !== undefined) parseHtmlDom(P, html, b);
  else parseHtmlTokens(html, b, refDecoder());
  return b.finish();
}

/**
 * Sanitizes untrusted HTML with {@link SANITIZE_OPTIONS}: the allowlisted tree, serialized.
 *
 * @param html - HTML from a message
 * @returns sanitized HTML
 * @example
 * ```ts
 * sanitizeMessageHtml('<img src=x onerror=alert(1)>'); // '<img src="x" />'
 * ```
 */
export function sanitizeMessageHtml(html: string): string {
  // Nesting is bounded first, so that the parser's cost is linear (decision D18).
  return serializeTree(parseAllowed(capHtmlNesting(html, RENDER_LIMITS.maxDepth)));
}

/**
 * Parses untrusted HTML into the allowlisted tree.
 *
 * @param html - HTML from a message
 * @param onCap - called when elements nested deeper than `RENDER_LIMITS.maxDepth` were unwrapped
 * @returns the tree
 * @example
 * ```ts
 * htmlToTree('<b>hi</b>'); // [{ tag: 'b', attrs: {}, children: ['hi'] }]
 * ```
 */
export function htmlToTree(html: string, onCap?: () => void): Node[] {
  const capped = capHtmlNesting(html, RENDER_LIMITS.maxDepth);
  if (capped !== html) onCap?.();
  return parseAllowed(capped, onCap);
}

/**
 * Parses markdown (GFM-MIMI, or CommonMark when `variant=CommonMark`) into the tree. Raw HTML is
 * rendered as text; task list items become ☐/☑.
 *
 * @param src - markdown source
 * @param variant - the `variant` parameter of the media type (case-insensitive)
 * @param onCap - called when elements nested deeper than `RENDER_LIMITS.maxDepth` were unwrapped
 * @returns the tree
 * @example
 * ```ts
 * markdownToTree('**hi**'); // [{ tag: 'p', …, children: [{ tag: 'strong', … }] }]
 * ```
 */
export function markdownToTree(src: string, variant?: string, onCap?: () => void): Node[] {
  const commonMark = variant !== undefined && variant.toLowerCase() === 'commonmark';
  if (INLINE_ONLY.test(src) && !LIST_START.test(src)) {
    const fast = fastInline(src);
    if (fast) return [{ tag: 'p', attrs: {}, children: fast }];
  }
  const nodes = markedTree(src, commonMark, onCap);
  if (nodes === undefined) {
    onCap?.();
    return plainToTree(src);
  }
  taskLists(nodes);
  return nodes;
}

const INLINE_ONLY = /^[\p{L}\p{N}][^\n\r]*(?<!\s)$/u;
const LIST_START = /^\d+[.)]/;

function taskLists(nodes: Node[]): void {
  for (const n of nodes) {
    if (typeof n === 'string') continue;
    if (n.tag === 'li') {
      const first = firstText(n);
      if (first) {
        const m = /^\[([ xX])\]\s/.exec(first.el.children[first.i] as string);
        if (m) first.el.children[first.i] = (m[1] === ' ' ? '☐ ' : '☑ ') + (first.el.children[first.i] as string).slice(m[0].length);
      }
    }
    taskLists(n.children);
  }
}

function firstText(el: El): { el: El; i: number } | undefined {
  for (let i = 0; i < el.children.length; i++) {
    const c = el.children[i]!;
    if (typeof c === 'string') {
      if (c.trim() === '') continue;
      return { el, i };
    }
    if (c.tag === 'p') return firstText(c);
    return undefined;
  }
  return undefined;
}

/**
 * The tree of a plain-text body: paragraphs at blank lines, line breaks kept.
 *
 * @param text - plain text
 * @returns the tree
 * @example
 * ```ts
 * plainToTree('a\nb'); // [{ tag: 'p', children: ['a', { tag: 'br' }, 'b'] }]
 * ```
 */
export function plainToTree(text: string): Node[] {
  const out: Node[] = [];
  for (const para of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    if (para.trim() === '') continue;
    const children: Node[] = [];
    para.split('\n').forEach((line, i) => {
      if (i > 0) children.push({ tag: 'br', attrs: {}, children: [] });
      if (line) children.push(line);
    });
    out.push({ tag: 'p', attrs: {}, children });
  }
  return out;
}

const FAST_OK = /^[^\\`<>&!~|\n\r]*$/;
const WORD = /[\p{L}\p{N}]/u;
/** The characters {@link fastInline} acts on. */
const SPECIAL = /[[\](*_]/g;
const LINK = /\[([^[\]()*_]+)\]\(((?:https?|mailto):[A-Za-z0-9\-.~:/?#@$+,;=]+)\)/y;

/**
 * A strict fast path for the most common chat markdown: single-line text with `**strong**`,
 * `*em*`/`_em_` and `[label](http(s)/mailto URL)`. It accepts only unambiguous input (openers after a
 * space or the start and before a letter/digit, closers after a letter/digit and before a space, the
 * end or `.,;:?`, proper nesting) and returns undefined for anything else, which then goes to
 * marked. A property test checks it against markdown-it (the oracle it was written against) and marked.
 *
 * @param src - one line of GFM-MIMI
 * @returns the inline nodes, or undefined to defer to marked
 * @example
 * ```ts
 * fastInline('a **b**'); // ['a ', { tag: 'strong', attrs: {}, children: ['b'] }]
 * ```
 */
export function fastInline(src: string): Node[] | undefined {
  if (!FAST_OK.test(src)) return undefined;
  const root: El = { tag: '#', attrs: {}, children: [] };
  const stack: { el: El; delim: string }[] = [{ el: root, delim: '' }];
  let from = 0; // start of the pending text: src.slice(from, i)
  const flush = (i: number) => {
    if (i > from) stack[stack.length - 1]!.el.children.push(src.slice(from, i));
  };
  let i = 0;
  while (i < src.length) {
    // Skip plain text up to the next character that matters.
    SPECIAL.lastIndex = i;
    if (!SPECIAL.test(src)) break;
    i = SPECIAL.lastIndex - 1;
    const c = src[i]!;
    if (c === '[') {
      LINK.lastIndex = i;
      const m = LINK.exec(src);
      if (!m) return undefined;
      flush(i);
      stack[stack.length - 1]!.el.children.push({ tag: 'a', attrs: { href: m[2]! }, children: [m[1]!] });
      i += m[0].length;
      from = i;
      continue;
    }
    if (c === ']' || c === '(' && src[i - 1] === ']') return undefined;
    if (c === '*' || c === '_') {
      let j = i;
      while (src[j] === c) j++;
      const run = src.slice(i, j);
      if (run.length > 2 || (c === '_' && run.length > 1)) return undefined;
      const before = i === 0 ? ' ' : src[i - 1]!;
      const after = j >= src.length ? ' ' : src[j]!;
      const canOpen = (before === ' ') && WORD.test(after);
      const canClose = WORD.test(before) && (after === ' ' || '.,;:?'.includes(after));
      if (canOpen === canClose) return undefined;
      if (canOpen) {
        flush(i);
        if (stack.length > RENDER_LIMITS.maxDepth) return undefined; // the full parser applies the cap
        const el: El = { tag: run === '**' ? 'strong' : 'em', attrs: {}, children: [] };
        stack[stack.length - 1]!.el.children.push(el);
        stack.push({ el, delim: run });
      } else {
        if (stack.length < 2 || stack[stack.length - 1]!.delim !== run) return undefined;
        flush(i);
        stack.pop();
      }
      i = j;
      from = i;
      continue;
    }
    i++;
  }
  if (stack.length !== 1) return undefined;
  flush(src.length);
  return root.children;
}
