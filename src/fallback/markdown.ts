/**
 * Markdown to the tree with marked (decision D24): GFM-MIMI (draft-ietf-mimi-content §7.1.1: GFM with
 * tables, task lists and strikethrough, no Autolink extension, "nohtml") or CommonMark
 * (`variant=CommonMark`). Raw HTML is text: marked's HTML block and inline-tag tokenizers are switched
 * off, so a tag reads as it was written and the markdown around it is still parsed, as with markdown-it
 * `html: false`. Link and image URLs are checked and normalized as markdown-it did (javascript:,
 * vbscript:, file: and non-image data: refused, the link then read as text; percent-encoding).
 *
 * marked recurses per container level and copies each level's text, so nesting is bounded before it
 * parses (`capMarkdownNesting`), and a parser failure (stack) falls back to plain text.
 *
 * @module
 */
import { Lexer, Marked, type Token, type Tokens } from 'marked';
import { numericRef, refDecoder } from './entities.js';
import { decodeNamedDom, domParser } from './htmlDom.js';
import { RENDER_LIMITS } from './limits.js';
import type { El, Node } from './tree.js';

const off = { html: () => undefined, tag: () => undefined, url: () => undefined };
const gfm = new Marked({ gfm: true, breaks: false, pedantic: false, tokenizer: off });
const commonmark = new Marked({ gfm: false, breaks: false, pedantic: false, tokenizer: off });

/**
 * Emphasis, strikethrough and link delimiters (`* _ ~ [ ]`) above which one inline run (a paragraph, a
 * heading, a table cell) is taken literally: marked's delimiter matching is quadratic or worse in them
 * (40 000 `*` in one paragraph took 7 s, 40 000 `[` 0.26 s against 0.03 s for 20 000).
 */
const MAX_DELIMITERS = 1000;

/** Container markers (`>`, list bullets and numbers) kept at the start of one line. */
const MAX_MARKERS = 32;
/** Columns of a line's container prefix kept, markers included (list nesting by indentation). */
const MAX_INDENT = 64;

/**
 * Bounds container nesting line by line: a line's container prefix (whitespace and the markers `>`,
 * `-`/`+`/`*` or `1.`/`1)` followed by a space) is cut where its 33rd marker starts or where its
 * whitespace passes column 64, and the rest of the prefix becomes one space (the text stays). Linear;
 * lines within the bounds are untouched.
 *
 * @param src - markdown
 * @returns markdown whose container nesting is at most ~64 levels
 * @example
 * ```ts
 * capMarkdownNesting('>'.repeat(40) + ' x').startsWith('>'.repeat(32) + ' x'); // true
 * ```
 */
export function capMarkdownNesting(src: string): string {
  let out = '';
  let from = 0;
  const n = src.length;
  let line = 0;
  while (line < n) {
    let k = line;
    let markers = 0;
    let col = 0;
    let cut = -1; // where the kept prefix ends, once a bound is crossed
    for (;;) {
      const c = src.charCodeAt(k);
      if (c === 0x20 || c === 0x09) {
        col += c === 0x09 ? 4 - (col % 4) : 1;
        if (col > MAX_INDENT && cut < 0) cut = k;
        k++;
        continue;
      }
      let m = 0;
      if (c === 0x3e) m = 1;
      else if ((c === 0x2d || c === 0x2b || c === 0x2a) && (src.charCodeAt(k + 1) === 0x20 || src.charCodeAt(k + 1) === 0x09)) m = 1;
      else if (c >= 0x30 && c <= 0x39) {
        let d = k;
        while (d < n && d - k < 9 && src.charCodeAt(d) >= 0x30 && src.charCodeAt(d) <= 0x39) d++;
        const e = src.charCodeAt(d);
        if ((e === 0x2e || e === 0x29) && (src.charCodeAt(d + 1) === 0x20 || src.charCodeAt(d + 1) === 0x09)) m = d + 1 - k;
      }
      if (m === 0) break;
      markers++;
      if (markers > MAX_MARKERS && cut < 0) cut = k;
      k += m;
      col += m;
    }
    if (cut >= 0) {
      out += src.slice(from, cut) + ' ';
      from = k;
    }
    const nl = src.indexOf('\n', k);
    line = nl < 0 ? n : nl + 1;
  }
  return from === 0 ? src : out + src.slice(from);
}

const REF = /&(?:#[xX][0-9a-fA-F]{1,6};|#[0-9]{1,7};|[A-Za-z][A-Za-z0-9]{0,31};)/g;

/** CommonMark §6.2 references: the DOM's table in a browser, else the installed decoder's. */
function decodeRefs(s: string): string {
  if (!s.includes('&')) return s;
  const P = domParser();
  if (P === undefined) return refDecoder().strict(s);
  return s.replace(REF, (m) => {
    if (m[1] !== '#') return decodeNamedDom(P, m);
    const hex = m[2] === 'x' || m[2] === 'X';
    return numericRef(parseInt(m.slice(hex ? 3 : 2, -1), hex ? 16 : 10));
  });
}

/** markdown-it's `validateLink`: script-capable schemes refused, data: only for raster images. */
function badLink(url: string): boolean {
  const s = url.trim().toLowerCase();
  return /^(vbscript|javascript|file|data):/.test(s) && !/^data:image\/(gif|png|jpeg|webp);/.test(s);
}

const KEEP = /[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]/;

/** mdurl's `encode` as markdown-it applies it to destinations: percent-encode, keep valid `%XX`. */
function encodeUrl(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += s.slice(i, i + 3);
      i += 2;
    } else if (KEEP.test(c)) out += c;
    else {
      const code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdbff) {
        const next = s.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          out += encodeURIComponent(c + s[i + 1]!);
          i++;
          continue;
        }
      }
      out += code >= 0xd800 && code <= 0xdfff ? '%EF%BF%BD' : encodeURIComponent(c);
    }
  }
  return out;
}

/** The element a block or inline token becomes, with the tokens inside it; undefined: not an element. */
function elementOf(t: Token): { el: El; inner: readonly Token[] } | { text: string } | undefined {
  const el = (tag: string, inner: readonly Token[] = [], attrs: Record<string, string> = {}) => ({ el: { tag, attrs, children: [] as Node[] }, inner });
  switch (t.type) {
    case 'paragraph':
      return el('p', t.tokens ?? []);
    case 'heading':
      return el(`h${(t as Tokens.Heading).depth}`, t.tokens ?? []);
    case 'blockquote':
      return el('blockquote', t.tokens ?? []);
    case 'list': {
      const l = t as Tokens.List;
      const start = l.ordered && typeof l.start === 'number' && l.start !== 1 ? { start: String(l.start) } : {};
      return el(l.ordered ? 'ol' : 'ul', l.items, start);
    }
    case 'list_item':
      return el('li', t.tokens ?? []);
    case 'strong':
      return el('strong', t.tokens ?? []);
    case 'em':
      return el('em', t.tokens ?? []);
    case 'del':
      return el('s', t.tokens ?? []);
    case 'link': {
      const href = decodeRefs(t.href as string);
      if (badLink(href)) return { text: t.raw };
      return el('a', t.tokens ?? [], { href: encodeUrl(href) });
    }
    default:
      return undefined;
  }
}

/** A token's optional fields, whatever its type. */
type AnyTok = Token & { readonly tokens?: Token[]; readonly text?: unknown };

function plain(tokens: readonly Token[] | undefined): string {
  let s = '';
  for (const t of (tokens ?? []) as readonly AnyTok[]) s += t.tokens ? plain(t.tokens) : t.type === 'text' || t.type === 'escape' || t.type === 'codespan' ? leafText(t) : '';
  return s;
}

function leafText(t: AnyTok): string {
  const text = typeof t.text === 'string' ? t.text : '';
  return t.type === 'text' ? decodeRefs(text) : text;
}

/** Leaves: nodes that hold no tokens to walk. */
function leaf(t: AnyTok): Node | undefined {
  switch (t.type) {
    case 'text':
    case 'escape':
      return t.tokens && t.type === 'text' ? undefined : leafText(t);
    case 'codespan':
      return { tag: 'code', attrs: {}, children: [t.text as string] };
    case 'code': {
      // markdown-it's content ends with a newline: always for indented code, for a fence when the
      // last line is followed by one (always before a closing fence).
      const text = t.text as string;
      const indented = t.codeBlockStyle === 'indented';
      const closed = !indented && /\n {0,3}(`{3,}|~{3,})[ \t]*\n*$/.test(t.raw);
      const nl = text !== '' && !text.endsWith('\n') && (indented || closed || t.raw.endsWith('\n'));
      return { tag: 'pre', attrs: {}, children: [{ tag: 'code', attrs: {}, children: [nl ? text + '\n' : text] }] };
    }
    case 'br':
      return { tag: 'br', attrs: {}, children: [] };
    case 'hr':
      return { tag: 'hr', attrs: {}, children: [] };
    case 'checkbox':
      return (t as Tokens.Checkbox).checked ? '☑ ' : '☐ ';
    case 'image': {
      const src = decodeRefs(t.href as string);
      if (badLink(src)) return t.raw;
      return { tag: 'img', attrs: { src: encodeUrl(src), alt: plain(t.tokens) }, children: [] };
    }
    case 'space':
    case 'def':
      return '';
    default:
      return typeof t.text === 'string' ? t.text : '';
  }
}

function tableEl(t: Tokens.Table): El {
  const row = (cells: readonly Tokens.TableCell[], tag: string): El => ({ tag: 'tr', attrs: {}, children: cells.map((c) => ({ tag, attrs: { '#cell': '' }, children: c.tokens as unknown as Node[] })) });
  const children: El[] = [{ tag: 'thead', attrs: {}, children: [row(t.header, 'th')] }];
  if (t.rows.length > 0) children.push({ tag: 'tbody', attrs: {}, children: t.rows.map((r) => row(r, 'td')) });
  return { tag: 'table', attrs: {}, children };
}

/**
 * Builds the tree from marked's tokens, iteratively, unwrapping elements deeper than
 * `RENDER_LIMITS.maxDepth` (a block leaves a space).
 */
function tokensToTree(tokens: readonly Token[], onCap?: () => void): Node[] {
  const root: El = { tag: '#root', attrs: {}, children: [] };
  // Work items: a token list (or, for table sections, rows and cells: elements holding tokens) to place
  // under an element, walked from its start; an explicit stack, so nesting never reaches the JS stack.
  type Item = { parent: El; depth: number; list: readonly (Token | Node)[]; i: number };
  const todo: Item[] = [{ parent: root, depth: 0, list: tokens, i: 0 }];
  let capped = false;
  const add = (parent: El, n: Node) => {
    const c = parent.children;
    if (typeof n === 'string') {
      if (n === '') return;
      if (typeof c[c.length - 1] === 'string') c[c.length - 1] += n;
      else c.push(n);
    } else c.push(n);
  };
  while (todo.length > 0) {
    const it = todo[todo.length - 1]!;
    if (it.i >= it.list.length) {
      todo.pop();
      continue;
    }
    const t = it.list[it.i++]!;
    // Table cells were placed as elements holding tokens: walk them like containers.
    if (typeof t === 'string') {
      add(it.parent, t);
      continue;
    }
    if ('tag' in t && 'children' in t) {
      const e = t as El;
      if ('#cell' in e.attrs || e.tag === 'thead' || e.tag === 'tbody' || e.tag === 'tr') {
        const el: El = { tag: e.tag, attrs: {}, children: [] };
        add(it.parent, el);
        todo.push({ parent: el, depth: it.depth + 1, list: e.children, i: 0 });
      } else add(it.parent, e);
      continue;
    }
    const tok = t as Token;
    if (tok.type === 'table') {
      const el = tableEl(tok as Tokens.Table);
      if (it.depth >= RENDER_LIMITS.maxDepth) {
        if (!capped) onCap?.();
        capped = true;
        add(it.parent, ' ');
        todo.push({ parent: it.parent, depth: it.depth, list: el.children, i: 0 });
      } else {
        const t2: El = { tag: 'table', attrs: {}, children: [] };
        add(it.parent, t2);
        todo.push({ parent: t2, depth: it.depth + 1, list: el.children, i: 0 });
      }
      continue;
    }
    if (tok.type === 'text' && tok.tokens) {
      todo.push({ parent: it.parent, depth: it.depth, list: tok.tokens, i: 0 });
      continue;
    }
    const e = elementOf(tok);
    if (e === undefined) {
      const l = leaf(tok as AnyTok);
      if (l !== undefined) add(it.parent, l);
      continue;
    }
    if ('text' in e) {
      add(it.parent, e.text);
      continue;
    }
    if (it.depth >= RENDER_LIMITS.maxDepth) {
      // Unwrapped like markdown-it's tokens beyond the cap: the content stays, a block leaves a space.
      if (!capped) onCap?.();
      capped = true;
      const block = tok.type !== 'strong' && tok.type !== 'em' && tok.type !== 'del' && tok.type !== 'link';
      if (block) add(it.parent, ' ');
      todo.push({ parent: it.parent, depth: it.depth, list: block ? [...e.inner, ' ' as Node] : e.inner, i: 0 });
      continue;
    }
    add(it.parent, e.el);
    todo.push({ parent: e.el, depth: it.depth + 1, list: e.inner, i: 0 });
  }
  trimInline(root);
  return root.children;
}

const TRIMMED = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'th', 'td']);
const BLOCKS = new Set(['p', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'hr']);

/**
 * CommonMark §4.8: a paragraph's lines lose their leading whitespace and the paragraph its final
 * whitespace; §6.7: spaces at the end of a line before a soft break are removed. marked keeps them in
 * its text tokens (markdown-it did not); code is left alone.
 */
function trimInline(root: El): void {
  const todo: El[] = [root];
  while (todo.length > 0) {
    const el = todo.pop()!;
    if (el.tag === 'pre' || el.tag === 'code') continue;
    const c = el.children;
    for (let i = 0; i < c.length; i++) {
      const n = c[i]!;
      if (typeof n !== 'string') todo.push(n);
      else if (n.includes('\n')) c[i] = n.replace(/ *\n[ \t]*/g, '\n');
    }
    if (!TRIMMED.has(el.tag)) continue;
    // A run of inline content (a paragraph, hidden in a tight list item) ends at a block child.
    const isBlock = (n: Node | undefined) => n === undefined || (typeof n !== 'string' && BLOCKS.has(n.tag));
    for (let i = 0; i < c.length; i++) {
      const n = c[i]!;
      if (typeof n !== 'string') continue;
      let t = n;
      if (isBlock(c[i - 1])) t = t.replace(/^[ \t\n]+/, '');
      if (isBlock(c[i + 1])) t = t.replace(/[ \t\n]+$/, '');
      c[i] = t;
    }
  }
}

function delimiters(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2a || c === 0x5f || c === 0x7e || c === 0x5b || c === 0x5d) n++;
  }
  return n;
}

/**
 * marked's `Lexer.lex`, except for an inline run with more than {@link MAX_DELIMITERS} delimiters: it is
 * lexed in groups of whole lines of at most that many (emphasis does not span two groups), and a single
 * line over the bound is shown as written, so that the cost stays linear in the body.
 */
function lex(m: Marked, src: string, onCap?: () => void): Token[] {
  const lexer = new Lexer(m.defaults);
  const tokens = lexer.blockTokens(src.replace(/\r\n|\r/g, '\n'), []);
  const text = (t: string): Token => ({ type: 'text', raw: t, text: t });
  for (const q of lexer.inlineQueue) {
    lexer.state.inRawBlock = false;
    if (delimiters(q.src) <= MAX_DELIMITERS) {
      lexer.inlineTokens(q.src, q.tokens);
      continue;
    }
    let group = '';
    let count = 0;
    const flush = () => {
      if (group !== '') lexer.inlineTokens(group, q.tokens);
      group = '';
      count = 0;
    };
    for (const line of q.src.split('\n')) {
      const d = delimiters(line);
      if (count + d > MAX_DELIMITERS) flush();
      // The line break between two lines: inside the group, or as text between groups.
      if (group !== '') group += '\n';
      else if (q.tokens.length > 0) q.tokens.push(text('\n'));
      if (d > MAX_DELIMITERS) {
        onCap?.();
        q.tokens.push(text(line));
      } else {
        group += line;
        count += d;
      }
    }
    flush();
  }
  lexer.inlineQueue = [];
  return tokens;
}

/**
 * Parses markdown with marked into the tree (see the module comment).
 *
 * @param src - markdown source
 * @param commonMark - `variant=CommonMark` (no tables, strikethrough or task lists)
 * @param onCap - called when nesting was bounded or elements beyond the depth cap were unwrapped
 * @returns the tree, or undefined when the parser failed (the caller renders the text as plain text)
 * @example
 * ```ts
 * markedTree('**hi**', false); // [{ tag: 'p', attrs: {}, children: [{ tag: 'strong', attrs: {}, children: ['hi'] }] }]
 * ```
 */
export function markedTree(src: string, commonMark: boolean, onCap?: () => void): Node[] | undefined {
  const bounded = capMarkdownNesting(src);
  if (bounded !== src) onCap?.();
  let tokens: Token[];
  try {
    tokens = lex(commonMark ? commonmark : gfm, bounded, onCap);
  } catch {
    return undefined; // RangeError from deep inline nesting: never a crash
  }
  return tokensToTree(tokens, onCap);
}
