/**
 * A tiny document tree between the parsers (the HTML allowlist walk of `allowlist.ts`, marked's tokens
 * for markdown) and the three emitters (plain text, GFM-MIMI markdown, HTML).
 *
 * The tree holds only allowlisted elements with decoded text and attribute values; the emitters still
 * enforce the element and URL-scheme allowlist themselves (defence in depth).
 *
 * @module
 */
import { longestRun, RENDER_LIMITS } from './limits.js';
import { compareLink, escapeAttr, escapeHtml, hasUnsafeUrlChar, isMentionUri, LINK_SCHEMES, schemeOf } from './text.js';

/** An element of the tree. */
export interface El {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: Node[];
}
/** A node: text or element. */
export type Node = string | El;

/** Elements the emitters know; anything else is unwrapped (its children kept). */
export const ALLOWED_TAGS = [
  'p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'del', 'strike', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
  'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'span', 'sub', 'sup', 'img',
] as const;
const ALLOWED = new Set<string>(ALLOWED_TAGS);
const CONTAINER = new Set(['ul', 'ol', 'table', 'thead', 'tbody', 'tr', 'blockquote']);
const BLOCK = new Set(['p', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'hr']);

/** Hooks the emitters call for things that depend on the message or the room. */
export interface EmitEnv {
  /** Display name for a mentioned user URI, or undefined. */
  readonly mentionName: (uri: string) => string | undefined;
  /** Called for each `<img>`: returns a placeholder label (text) or a safe remote URL to show. */
  readonly image: (src: string, alt: string) => { placeholder: string } | { remote: string };
  /** Collects warnings and mentions. */
  readonly note: (what: 'mention' | 'link-text-mismatch' | 'link-scheme-downgrade' | 'mention-unresolved' | 'link-scheme' | 'link-invalid', detail: string) => void;
}

/** Whether a URL may be a link target.
 * @param href - a URL
 * @returns true for http, https, mailto and mimi
 * @example
 * ```ts
 * linkAllowed('javascript:alert(1)'); // false
 * ```
 */
export function linkAllowed(href: string): boolean {
  if (hasUnsafeUrlChar(href)) return false; // decision D20: controls never reach an href
  const s = schemeOf(href);
  return s !== undefined && (LINK_SCHEMES as readonly string[]).includes(s);
}

function textOf(nodes: readonly Node[]): string {
  let s = '';
  for (const n of nodes) s += typeof n === 'string' ? n : n.tag === 'br' ? '\n' : textOf(n.children);
  return s;
}

interface LinkInfo {
  readonly kind: 'mention' | 'link' | 'text';
  readonly label: string;
  readonly href: string;
  /** Show the target after the label. */
  readonly showTarget: boolean;
}

const LINKS = new WeakMap<El, LinkInfo>();

/** Link facts are computed once per element and shared by the three emitters. */
function linkInfo(el: El, env: EmitEnv): LinkInfo {
  let info = LINKS.get(el);
  if (!info) LINKS.set(el, (info = computeLinkInfo(el, env)));
  return info;
}

function computeLinkInfo(el: El, env: EmitEnv): LinkInfo {
  const href = (el.attrs.href ?? '').trim();
  const only = el.children.length === 1 ? el.children[0] : undefined;
  const raw = typeof only === 'string' ? only : textOf(el.children);
  // `replace(/\s+/g, ' ')` changes nothing unless some whitespace is not a single space.
  const label = (ODD_SPACE.test(raw) ? raw.replace(/\s+/g, ' ') : raw).trim();
  if (hasUnsafeUrlChar(href)) {
    env.note('link-invalid', href);
    return { kind: 'text', label, href, showTarget: false };
  }
  if (!href || !linkAllowed(href)) {
    if (href) env.note('link-scheme', href);
    return { kind: 'text', label, href, showTarget: false };
  }
  if (isMentionUri(href)) {
    // draft "Link and Mention handling": the link text is only a hint; the room state decides.
    const name = env.mentionName(href);
    env.note('mention', href);
    if (name !== undefined) return { kind: 'mention', label: '@' + name, href, showTarget: false };
    env.note('mention-unresolved', href);
    return { kind: 'mention', label: href, href, showTarget: false };
  }
  const cmp = label === '' ? 'different' : compareLink(label, href);
  if (cmp === 'different' && label !== '') env.note('link-text-mismatch', `${label} -> ${href}`);
  if (cmp === 'downgrade') env.note('link-scheme-downgrade', `${label} -> ${href}`);
  return { kind: 'link', label: label === '' ? href : label, href, showTarget: cmp !== 'same' && label !== '' };
}

// ---------------------------------------------------------------- plain text

/**
 * Plain text of a tree: block elements on their own lines, lists with `- `/`1. `, quotes with `> `,
 * links as `label (target)` when they differ, images as placeholders.
 *
 * @param nodes - the tree
 * @param env - hooks
 * @returns plain text
 * @example
 * ```ts
 * emitText(htmlToTree('<p>a</p><p>b</p>'), env); // 'a\n\nb'
 * ```
 */
export function emitText(nodes: readonly Node[], env: EmitEnv): string {
  const s = blocksText(nodes, env);
  return (s.includes('\n\n\n') ? s.replace(/\n{3,}/g, '\n\n') : s).trim();
}

function inlineRun(inline: string, br: string): string {
  let t = SPACES.test(inline) ? inline.replace(/[ \t\r\n]+/g, ' ') : inline;
  if (t.includes('\u2028')) t = t.replace(/ ?\u2028 ?/g, br);
  return t.trim();
}

function blocksText(nodes: readonly Node[], env: EmitEnv): string {
  let out = '';
  let inline = '';
  for (const n of nodes) {
    if (typeof n !== 'string' && BLOCK.has(n.tag)) {
      const t = inlineRun(inline, '\n');
      if (t) out += t + '\n\n';
      inline = '';
      out += blockText(n, env);
    } else inline += inlineText(n, env);
  }
  const t = inlineRun(inline, '\n');
  if (t) out += t + '\n\n';
  return out;
}

function inlineText(n: Node, env: EmitEnv): string {
  if (typeof n === 'string') return n;
  switch (n.tag) {
    case 'br':
      return '\u2028';
    case 'img': {
      const r = env.image(n.attrs.src ?? '', n.attrs.alt ?? '');
      return 'placeholder' in r ? `[${r.placeholder}]` : `[${n.attrs.alt || r.remote}] (${r.remote})`;
    }
    case 'a': {
      const l = linkInfo(n, env);
      return l.showTarget ? `${l.label} (${l.href})` : l.label;
    }
    default:
    {
      let out = '';
      for (const c of n.children) out += inlineText(c, env);
      return out;
    }
  }
}

function blockText(el: El, env: EmitEnv): string {
  switch (el.tag) {
    case 'hr':
      return '---\n\n';
    case 'pre':
      return textOf(el.children).replace(/\n$/, '') + '\n\n';
    case 'blockquote':
      return prefixLines(blocksText(el.children, env).trim(), '> ') + '\n\n';
    case 'ul':
    case 'ol':
      return listText(el, env) + '\n';
    case 'table':
    case 'thead':
    case 'tbody':
      return tableRows(el).map((row) => row.map((c) => blocksText(c.children, env).trim().replace(/\s+/g, ' ')).join(' | ')).join('\n') + '\n\n';
    default:
      return blocksText(el.children, env);
  }
}

function listText(el: El, env: EmitEnv): string {
  let i = Number.parseInt(el.attrs.start ?? '1', 10);
  if (!Number.isFinite(i)) i = 1;
  let out = '';
  for (const li of el.children) {
    const item = itemNodes(li);
    if (item === undefined) continue;
    const marker = el.tag === 'ol' ? `${i++}. ` : '- ';
    const body = blocksText(item, env).trim();
    out += marker + body.replace(/\n/g, '\n' + ' '.repeat(marker.length)) + '\n';
  }
  return out;
}

/**
 * The content of a list child: an element's children, or a text that is not blank (what is left of
 * items unwrapped beyond the depth cap), else undefined.
 */
function itemNodes(n: Node): readonly Node[] | undefined {
  if (typeof n !== 'string') return n.children;
  return n.trim() === '' ? undefined : [n];
}

/** A text that stands in a table where a cell belongs (left by the depth cap) becomes a cell. */
function asCell(n: Node): El | undefined {
  if (typeof n !== 'string') return n;
  return n.trim() === '' ? undefined : { tag: 'td', attrs: {}, children: [n] };
}

function tableRows(el: El): El[][] {
  const rows: El[][] = [];
  const walk = (e: El) => {
    for (const c of e.children) {
      if (typeof c === 'string') {
        const cell = asCell(c);
        if (cell) rows.push([cell]);
      } else if (c.tag === 'tr') {
        const cells: El[] = [];
        for (const x of c.children) {
          const cell = asCell(x);
          if (cell) cells.push(cell);
        }
        rows.push(cells);
      } else walk(c);
    }
  };
  walk(el);
  return rows;
}

function prefixLines(s: string, p: string): string {
  return s
    .split('\n')
    .map((l) => (l === '' ? p.trimEnd() : p + l))
    .join('\n');
}

// ---------------------------------------------------------------- markdown

/**
 * Escapes inline text for GFM-MIMI (every character that can start inline markup).
 *
 * @param s - text
 * @returns escaped text
 * @example
 * ```ts
 * mdInline('*x*'); // '\\*x\\*'
 * ```
 */
export function mdInline(s: string): string {
  return MD_SPECIAL.test(s) ? s.replace(/[\\`*_[\]<>&|~]/g, '\\$&') : s;
}

const MD_SPECIAL = /[\\`*_[\]<>&|~]/;
/** Whitespace other than a lone space. */
const ODD_SPACE = /[^\S ]| {2}/;
const SPACES = /[\t\r\n]| {2}/;
const LINE_START_MARK = /^[ \t]*(?:[#+\-=]|\d+[.)])/m;

/** Escapes block markers at the start of each line of a paragraph's inline markdown. */
function mdLineStarts(s: string): string {
  if (!LINE_START_MARK.test(s)) return s;
  return s.replace(/^([ \t]*)([#+\-=]|\d+[.)])/gm, (_m, ws: string, mark: string) => ws + mark.replace(/([#+\-=.)])/, '\\$1'));
}

function mdUrl(href: string): string {
  return '<' + href.replace(/[<>\s\\]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')) + '>';
}

/**
 * GFM-MIMI markdown of a tree (no raw HTML is ever produced).
 *
 * @param nodes - the tree
 * @param env - hooks
 * @returns markdown
 * @example
 * ```ts
 * emitMarkdown(htmlToTree('<strong>a</strong>'), env); // '**a**'
 * ```
 */
export function emitMarkdown(nodes: readonly Node[], env: EmitEnv): string {
  const s = blocksMd(nodes, env);
  return (s.includes('\n\n\n') ? s.replace(/\n{3,}/g, '\n\n') : s).trim();
}

function blocksMd(nodes: readonly Node[], env: EmitEnv): string {
  let out = '';
  let inline = '';
  for (const n of nodes) {
    if (typeof n !== 'string' && BLOCK.has(n.tag)) {
      const t = inlineRun(inline, '\\\n');
      if (t) out += mdLineStarts(t) + '\n\n';
      inline = '';
      out += blockMd(n, env);
    } else inline += inlineMd(n, env);
  }
  const t = inlineRun(inline, '\\\n');
  if (t) out += mdLineStarts(t) + '\n\n';
  return out;
}

function wrap(mark: string, inner: string): string {
  const t = inner.trim();
  return t ? `${mark}${t}${mark}` : '';
}

/** Emphasis already open around a node (bits): nested same emphasis adds no delimiters. */
const EM = 1;
const STRONG = 2;
const STRIKE = 4;

function inlineMdAll(nodes: readonly Node[], env: EmitEnv, open = 0): string {
  let s = '';
  for (const c of nodes) s += inlineMd(c, env, open);
  return s;
}

function inlineMd(n: Node, env: EmitEnv, open = 0): string {
  if (typeof n === 'string') return mdInline(n);
  if (n.tag !== 'b' && n.tag !== 'strong' && n.tag !== 'i' && n.tag !== 'em' && n.tag !== 's' && n.tag !== 'del' && n.tag !== 'strike' && n.tag !== 'code' && n.tag !== 'img' && n.tag !== 'a' && n.tag !== 'br') return inlineMdAll(n.children, env, open);
  switch (n.tag) {
    case 'br':
      return '\u2028';
    // `<i><i>x</i></i>` is italic once: `*` around `*x*` would read as `**x**`, bold (CommonMark §6.2).
    case 'b':
    case 'strong':
      return open & STRONG ? inlineMdAll(n.children, env, open) : wrap('**', inlineMdAll(n.children, env, open | STRONG));
    case 'i':
    case 'em':
      return open & EM ? inlineMdAll(n.children, env, open) : wrap('*', inlineMdAll(n.children, env, open | EM));
    case 's':
    case 'del':
    case 'strike':
      return open & STRIKE ? inlineMdAll(n.children, env, open) : wrap('~~', inlineMdAll(n.children, env, open | STRIKE));
    case 'code': {
      const t = textOf(n.children);
      // CommonMark §6.1: a code span is delimited by a backtick run longer than any inside it.
      const ticks = '`'.repeat(longestRun(t, '`') + 1);
      const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
      return `${ticks}${pad}${t}${pad}${ticks}`;
    }
    case 'img': {
      const r = env.image(n.attrs.src ?? '', n.attrs.alt ?? '');
      return 'placeholder' in r ? mdInline(`[${r.placeholder}]`) : `[${mdInline(n.attrs.alt || r.remote)}](${mdUrl(r.remote)})`;
    }
    case 'a': {
      const l = linkInfo(n, env);
      if (l.kind === 'text') return mdInline(l.label);
      const link = `[${mdInline(l.label)}](${mdUrl(l.href)})`;
      return l.showTarget ? `${link} (${mdInline(l.href)})` : link;
    }
    default:
      return inlineMdAll(n.children, env, open);
  }
}

function blockMd(el: El, env: EmitEnv): string {
  switch (el.tag) {
    case 'hr':
      return '---\n\n';
    case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': {
      const t = blocksMd(el.children, env).trim().replace(/\n+/g, ' ').replace(/\\$/, '');
      return t ? `${'#'.repeat(Number(el.tag[1]))} ${t.replace(/^\\(?=[#+\-=])/, '\\')}\n\n` : '';
    }
    case 'pre': {
      const t = textOf(el.children).replace(/\n$/, '');
      // CommonMark §4.5: the closing fence must be at least as long as the opening one and longer
      // than any backtick run inside.
      const fence = '`'.repeat(Math.max(3, longestRun(t, '`') + 1));
      return `${fence}\n${t}\n${fence}\n\n`;
    }
    case 'blockquote':
      return prefixLines(blocksMd(el.children, env).trim(), '> ') + '\n\n';
    case 'ul':
    case 'ol': {
      let i = Number.parseInt(el.attrs.start ?? '1', 10);
      if (!Number.isFinite(i)) i = 1;
      let out = '';
      for (const li of el.children) {
        const item = itemNodes(li);
        if (item === undefined) continue;
        const marker = el.tag === 'ol' ? `${i++}. ` : '- ';
        const body = blocksMd(item, env).trim().replace(/\n\n+/g, '\n');
        out += marker + body.replace(/\n/g, '\n' + ' '.repeat(marker.length)) + '\n';
      }
      return out + '\n';
    }
    case 'table':
    case 'thead':
    case 'tbody': {
      const rows = tableRows(el);
      if (rows.length === 0) return '';
      // Every row is padded to the widest one, capped (RENDER_LIMITS.maxTableColumns) so that padding
      // stays linear in the cells; a wider row's excess cells join its last column.
      let width = 0;
      for (const r of rows) if (r.length > width) width = r.length;
      if (width > RENDER_LIMITS.maxTableColumns) width = RENDER_LIMITS.maxTableColumns;
      const cell = (c: El | undefined) =>
        c ? blocksMd(c.children, env).trim().replace(/\s*\n\s*/g, ' ').replace(/\\$/, '') : '';
      const line = (r: El[]) => {
        const cells = Array.from({ length: width }, (_, i) => cell(r[i]));
        for (let i = width; i < r.length; i++) {
          const c = cell(r[i]);
          if (c !== '') cells[width - 1] = cells[width - 1] === '' ? c : `${cells[width - 1]} ${c}`;
        }
        return '| ' + cells.join(' | ') + ' |';
      };
      const sep = '|' + Array.from({ length: width }, () => ' --- |').join('');
      return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n') + '\n\n';
    }
    default:
      return blocksMd(el.children, env);
  }
}

// ---------------------------------------------------------------- HTML

/**
 * `rel` added to every link (no referrer, no opener, no SEO credit for sender-chosen links).
 * @example
 * ```ts
 * import { LINK_REL } from 'mimi-kit/fallback';
 * LINK_REL; // 'noopener noreferrer nofollow', on every rendered link
 * ```
 */
export const LINK_REL = 'noopener noreferrer nofollow';

/**
 * Safe HTML of a tree: only {@link ALLOWED_TAGS}, only `href`/`src`/`alt`/`start` attributes, only
 * allowed schemes; links get `rel="noopener noreferrer nofollow"` and their target is shown after the
 * label when it differs; mentions carry `class="mimi-mention"`.
 *
 * @param nodes - the tree
 * @param env - hooks
 * @returns an HTML fragment
 * @example
 * ```ts
 * emitHtml(htmlToTree('<a href="https://x">x</a>'), env); // '<a href="https://x" rel="noopener noreferrer nofollow">x</a>'
 * ```
 */
export function emitHtml(nodes: readonly Node[], env: EmitEnv): string {
  let out = '';
  for (const n of nodes) if (typeof n !== 'string' || n.trim() !== '') out += htmlNode(n, env);
  return out.trim();
}

function htmlChildren(n: El, env: EmitEnv): string {
  const container = CONTAINER.has(n.tag);
  let s = '';
  for (const c of n.children) s += container && typeof c === 'string' && c.trim() === '' ? '' : htmlNode(c, env);
  return s;
}

function htmlNode(n: Node, env: EmitEnv): string {
  if (typeof n === 'string') return escapeHtml(n);
  if (!ALLOWED.has(n.tag)) return htmlChildren(n, env);
  switch (n.tag) {
    case 'br':
      return '<br />';
    case 'hr':
      return '<hr />';
    case 'img': {
      const r = env.image(n.attrs.src ?? '', n.attrs.alt ?? '');
      if ('placeholder' in r) return `<span class="mimi-placeholder">[${escapeHtml(r.placeholder)}]</span>`;
      return `<img src="${escapeAttr(r.remote)}" alt="${escapeAttr(n.attrs.alt ?? '')}" />`;
    }
    case 'a': {
      const l = linkInfo(n, env);
      if (l.kind === 'text') return escapeHtml(l.label);
      const cls = l.kind === 'mention' ? ' class="mimi-mention"' : '';
      const a = `<a href="${escapeAttr(l.href)}" rel="${LINK_REL}"${cls}>${escapeHtml(l.label)}</a>`;
      return l.showTarget ? `${a} <span class="mimi-link-target">(${escapeHtml(l.href)})</span>` : a;
    }
    case 'ol': {
      const start = Number.parseInt(n.attrs.start ?? '', 10);
      return `<ol${Number.isFinite(start) && start !== 1 ? ` start="${start}"` : ''}>${htmlChildren(n, env)}</ol>`;
    }
    default:
      return `<${n.tag}>${htmlChildren(n, env)}</${n.tag}>`;
  }
}

/** Text content of a tree (no hooks), for comparisons.
 * @param nodes - the tree
 * @returns the concatenated text
 * @example
 * ```ts
 * plainOf(htmlToTree('<b>a</b>')); // 'a'
 * ```
 */
export function plainOf(nodes: readonly Node[]): string {
  return textOf(nodes);
}
