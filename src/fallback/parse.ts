/**
 * Parsers from message text to the tree: sanitize-html for HTML, markdown-it (raw HTML off) for
 * markdown, and a direct builder for plain text.
 *
 * @module
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { capHtmlNesting } from './htmlDepth.js';
import { RENDER_LIMITS } from './limits.js';
import { ALLOWED_TAGS, parseTree, type El, type Node } from './tree.js';

/**
 * The sanitize-html options used for every HTML body (allowlist; no style, no script, no event
 * handlers, no data: or javascript: URLs, no protocol-relative URLs).
 * @example
 * ```ts
 * import { SANITIZE_OPTIONS } from 'mimi-kit/fallback';
 * SANITIZE_OPTIONS.allowedTags; // the allowlist every HTML body is reduced to
 * ```
 */
// `satisfies`, not a type annotation: the public declaration must not name @types/sanitize-html (a dev dependency).
export const SANITIZE_OPTIONS = {
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: { a: ['href', 'class', 'rel'], img: ['src', 'alt'], ol: ['start'], span: ['class'] },
  allowedClasses: { a: ['mimi-mention'], span: ['mimi-placeholder', 'mimi-link-target', 'mimi-fallback'], p: ['mimi-fallback'], blockquote: ['mimi-reply'] },
  allowedSchemes: ['http', 'https', 'mailto', 'mimi'],
  allowedSchemesByTag: { img: ['cid', 'http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
} satisfies sanitizeHtml.IOptions;

/**
 * Sanitizes untrusted HTML with {@link SANITIZE_OPTIONS}.
 *
 * @param html - HTML from a message
 * @returns sanitized HTML
 * @example
 * ```ts
 * sanitizeMessageHtml('<img src=x onerror=alert(1)>'); // '<img />'
 * ```
 */
export function sanitizeMessageHtml(html: string): string {
  // Nesting is bounded first, so that the sanitizer's cost is linear (decision D18).
  return sanitizeHtml(capHtmlNesting(html, RENDER_LIMITS.maxDepth), SANITIZE_OPTIONS);
}

/**
 * Parses untrusted HTML: sanitize first, then build the tree from the sanitized serialization.
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
  return parseTree(sanitizeHtml(capped, SANITIZE_OPTIONS), onCap);
}

// draft-ietf-mimi-content §7.1.1 (GFM-MIMI): GFM with tables, task lists, strikethrough; the Autolink
// extension is NOT supported (linkify off) and "nohtml" is mandatory (html: false renders any HTML tag
// as text).
const gfm = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: false });
const commonmark = new MarkdownIt('commonmark', { html: false, linkify: false, typographer: false, breaks: false });

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
  const md = variant !== undefined && variant.toLowerCase() === 'commonmark' ? commonmark : gfm;
  if (INLINE_ONLY.test(src) && !LIST_START.test(src)) {
    const fast = fastInline(src);
    if (fast) return [{ tag: 'p', attrs: {}, children: fast }];
    // One line starting with a letter or digit (and not "1." / "1)") cannot open any block construct
    // (headings, quotes, lists, code, tables, breaks, link definitions all need another first
    // character or a second line), so the block pass is skipped: same result, much faster.
    return [{ tag: 'p', attrs: {}, children: tokensToTree(md.parseInline(src, {}), onCap) }];
  }
  const nodes = tokensToTree(md.parse(src, {}), onCap);
  taskLists(nodes);
  return nodes;
}

const INLINE_ONLY = /^[\p{L}\p{N}][^\n\r]*(?<!\s)$/u;
const LIST_START = /^\d+[.)]/;

type Token = ReturnType<(typeof gfm)['parse']>[number];

/**
 * Builds the tree straight from markdown-it's tokens (no HTML round trip). With `html: false` there
 * are no html_block/html_inline tokens; link and image URLs were already normalized and validated
 * (javascript:, vbscript:, file: and non-image data: refused) by markdown-it.
 */
function tokensToTree(tokens: readonly Token[], onCap?: () => void): Node[] {
  const root: El = { tag: '#root', attrs: {}, children: [] };
  const stack: El[] = [root];
  const hidden: boolean[] = [];
  const top = () => stack[stack.length - 1]!;
  const attrsOf = (t: Token): Record<string, string> => {
    const a: Record<string, string> = {};
    for (const [k, v] of t.attrs ?? []) if (k === 'href' || k === 'src' || k === 'start') a[k] = String(v);
    return a;
  };
  const max = RENDER_LIMITS.maxDepth;
  let capped = false;
  const walk = (list: readonly Token[]) => {
    for (const t of list) {
      if (t.nesting === 1) {
        // Beyond the depth cap an element is unwrapped like a hidden one (emphasis runs nest without
        // markdown-it's maxNesting); a block leaves a space so that words stay apart.
        const skip = t.hidden || stack.length > max;
        hidden.push(skip);
        if (skip) {
          if (!t.hidden) {
            if (!capped) onCap?.();
            capped = true;
            if (t.block) top().children.push(' ');
          }
          continue;
        }
        const el: El = { tag: t.tag, attrs: attrsOf(t), children: [] };
        top().children.push(el);
        stack.push(el);
      } else if (t.nesting === -1) {
        if (!hidden.pop()) stack.pop();
      } else {
        switch (t.type) {
          case 'inline':
            walk(t.children ?? []);
            break;
          case 'text':
            top().children.push(t.content);
            break;
          case 'softbreak':
            top().children.push('\n');
            break;
          case 'hardbreak':
            top().children.push({ tag: 'br', attrs: {}, children: [] });
            break;
          case 'code_inline':
            top().children.push({ tag: 'code', attrs: {}, children: [t.content] });
            break;
          case 'code_block':
          case 'fence':
            top().children.push({ tag: 'pre', attrs: {}, children: [{ tag: 'code', attrs: {}, children: [t.content] }] });
            break;
          case 'hr':
            top().children.push({ tag: 'hr', attrs: {}, children: [] });
            break;
          case 'image': {
            const alt = (t.children ?? []).map((c) => c.content).join('');
            top().children.push({ tag: 'img', attrs: { src: String(t.attrGet('src') ?? ''), alt }, children: [] });
            break;
          }
          default:
            if (t.content) top().children.push(t.content);
        }
      }
    }
  };
  walk(tokens);
  return root.children;
}

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
 * markdown-it. A property test checks it against markdown-it.
 *
 * @param src - one line of GFM-MIMI
 * @returns the inline nodes, or undefined to defer to markdown-it
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
        if (stack.length > RENDER_LIMITS.maxDepth) return undefined; // markdown-it applies the cap
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
