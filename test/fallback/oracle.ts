/**
 * The previous HTML pipeline, kept as the oracle of the differential tests: sanitize-html (a development
 * dependency now) with the same allowlist, its output parsed back into the tree by the regular-serialization
 * parser that src/fallback/tree.ts used to hold. Also tree normalization for comparisons.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { SANITIZE_OPTIONS } from '../../src/fallback/index.js';
import { capHtmlNesting } from '../../src/fallback/htmlDepth.js';
import { RENDER_LIMITS } from '../../src/fallback/limits.js';
import type { El, Node } from '../../src/fallback/tree.js';

const VOID = new Set(['br', 'hr', 'img']);
const BLOCK = new Set(['p', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'hr']);

const TOKEN = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>|<!--[\s\S]*?-->|[^<]+|</g;
const ATTR = /([^\s=>/]+)(?:="([^"]*)")?/g;

/**
 * Decodes the character references that sanitize-html and markdown-it emit (and numeric ones).
 *
 * @param s - serialized text
 * @returns the text
 * @example
 * ```ts
 * decodeEntities('a &amp; b'); // 'a & b'
 * ```
 */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp|#39);/g, (m, e: string) => {
    switch (e) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos':
      case '#39': return "'";
      case 'nbsp': return '\u00a0';
    }
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  });
}

/**
 * Parses regular serialized HTML (see module comment) into a tree.
 *
 * @param html - sanitize-html or markdown-it output
 * @param onCap - called when an element nested deeper than `RENDER_LIMITS.maxDepth` was unwrapped
 * @returns the top-level nodes
 * @example
 * ```ts
 * parseTree('<p>x</p>'); // [{ tag: 'p', attrs: {}, children: ['x'] }]
 * ```
 */
export function parseTree(html: string, onCap?: () => void): Node[] {
  const root: El = { tag: '#root', attrs: {}, children: [] };
  const stack: El[] = [root];
  // Elements deeper than the cap are unwrapped (RENDER_LIMITS.maxDepth): every emitter recurses once
  // per level, so the cap bounds their stack whatever the input.
  const max = RENDER_LIMITS.maxDepth;
  let dropped: Map<string, number> | undefined;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(html)) !== null) {
    const top = stack[stack.length - 1]!;
    const [all, close, rawName, rawAttrs] = m;
    if (rawName === undefined) {
      if (all.startsWith('<!--')) continue;
      top.children.push(decodeEntities(all));
      continue;
    }
    const name = rawName.toLowerCase();
    if (close) {
      const d = dropped?.get(name);
      if (d !== undefined && d > 0) {
        dropped!.set(name, d - 1);
        if (BLOCK.has(name)) top.children.push(' ');
        continue;
      }
      // The stack holds at most `max` elements: this search is bounded.
      for (let i = stack.length - 1; i > 0; i--) {
        if (stack[i]!.tag === name) {
          stack.length = i;
          dropped = undefined;
          break;
        }
      }
      continue;
    }
    const isVoid = VOID.has(name);
    if (!isVoid && stack.length > max) {
      if (dropped === undefined) onCap?.();
      (dropped ??= new Map()).set(name, (dropped.get(name) ?? 0) + 1);
      if (BLOCK.has(name)) top.children.push(' ');
      continue;
    }
    const attrs: Record<string, string> = {};
    if (rawAttrs) {
      ATTR.lastIndex = 0;
      let a: RegExpExecArray | null;
      while ((a = ATTR.exec(rawAttrs)) !== null) attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? '');
    }
    const el: El = { tag: name, attrs, children: [] };
    top.children.push(el);
    if (!isVoid) stack.push(el);
  }
  return root.children;
}


/** The old `htmlToTree`: depth pre-pass, sanitize-html, parse back. */
export function oracleHtmlToTree(html: string): Node[] {
  return parseTree(sanitizeHtml(capHtmlNesting(html, RENDER_LIMITS.maxDepth), SANITIZE_OPTIONS));
}

/** Adjacent text merged, empty text dropped (a tree parsed back from a serialization has no such splits). */
export function normalize(nodes: readonly Node[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') {
      if (n === '') continue;
      if (typeof out[out.length - 1] === 'string') out[out.length - 1] += n;
      else out.push(n);
    } else out.push({ tag: n.tag, attrs: { ...n.attrs }, children: normalize(n.children) } satisfies El);
  }
  return out;
}

// ---------------------------------------------------------------- markdown-it, the previous markdown parser

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
export function oracleMarkdownToTree(src: string, variant?: string, onCap?: () => void): Node[] {
  const md = variant !== undefined && variant.toLowerCase() === 'commonmark' ? commonmark : gfm;
  const nodes = tokensToTree(md.parse(src, {}), onCap);
  taskLists(nodes);
  return nodes;
}


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

