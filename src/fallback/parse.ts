/**
 * Parsers from message text to the tree: sanitize-html for HTML, markdown-it (raw HTML off) for
 * markdown, and a direct builder for plain text.
 *
 * @module
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { ALLOWED_TAGS, parseTree, type El, type Node } from './tree.js';

/**
 * The sanitize-html options used for every HTML body (allowlist; no style, no script, no event
 * handlers, no data: or javascript: URLs, no protocol-relative URLs).
 */
export const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
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
};

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
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/**
 * Parses untrusted HTML: sanitize first, then build the tree from the sanitized serialization.
 *
 * @param html - HTML from a message
 * @returns the tree
 */
export function htmlToTree(html: string): Node[] {
  return parseTree(sanitizeMessageHtml(html));
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
 * @returns the tree
 */
export function markdownToTree(src: string, variant?: string): Node[] {
  const md = variant !== undefined && variant.toLowerCase() === 'commonmark' ? commonmark : gfm;
  const nodes = parseTree(md.render(src));
  taskLists(nodes);
  return nodes;
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
