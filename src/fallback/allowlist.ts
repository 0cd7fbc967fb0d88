/**
 * The HTML allowlist and the tree builder both HTML parsers feed (the DOM walk in browsers, the tokenizer
 * elsewhere): elements, attributes, classes and URL schemes kept exactly as sanitize-html kept them with
 * {@link SANITIZE_OPTIONS} (sanitize-html is now only the oracle of a differential test), then the depth cap
 * of decision D18. The emitters enforce the allowlist again on output (defence in depth).
 *
 * @module
 */
import { RENDER_LIMITS } from './limits.js';
import { ALLOWED_TAGS, type El, type Node } from './tree.js';

/**
 * The allowlist every HTML body is reduced to (the option names are sanitize-html's, so the object can be
 * handed to sanitize-html to check the renderer's output).
 * @example
 * ```ts
 * import { SANITIZE_OPTIONS, type SanitizeOptions } from 'mimi-kit/fallback';
 * const o: SanitizeOptions = SANITIZE_OPTIONS;
 * o.allowedSchemesByTag.img; // ['cid', 'http', 'https']
 * ```
 */
export interface SanitizeOptions {
  /** Elements kept; others are unwrapped (their content kept), except those of `nonTextTags`. */
  allowedTags: string[];
  /** Attributes kept per element (`class` also where `allowedClasses` names the element). */
  allowedAttributes: Record<string, string[]>;
  /** Classes kept per element; other classes are removed from the attribute. */
  allowedClasses: Record<string, string[]>;
  /** URL schemes kept in `allowedSchemesAppliedToAttributes`; a relative URL is kept. */
  allowedSchemes: string[];
  /** Per-element scheme lists replacing `allowedSchemes`. */
  allowedSchemesByTag: Record<string, string[]>;
  /** Attributes holding URLs. */
  allowedSchemesAppliedToAttributes: string[];
  /** `//host` URLs: refused. */
  allowProtocolRelative: false;
  /** Disallowed elements are dropped and their content kept. */
  disallowedTagsMode: 'discard';
  /** No `<html>` boundary handling. */
  enforceHtmlBoundary: false;
  /** `style` is never allowed, so never parsed. */
  parseStyleAttributes: false;
  /** Disallowed elements whose content is dropped too. */
  nonTextTags: string[];
}

/**
 * The allowlist used for every HTML body: formatting, lists, tables, code, quotes, links and images; no
 * style, no script, no event handlers, no data: or javascript: URLs, no protocol-relative URLs. The shape
 * is sanitize-html's options object (sanitize-html itself is no longer a runtime dependency).
 * @example
 * ```ts
 * import { SANITIZE_OPTIONS } from 'mimi-kit/fallback';
 * SANITIZE_OPTIONS.allowedTags; // the allowlist every HTML body is reduced to
 * ```
 */
export const SANITIZE_OPTIONS: SanitizeOptions = {
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
  // sanitize-html's default list, plus the WHATWG RAWTEXT elements whose content a browser never shows
  // as markup (the tokenizer drops it; decision D23).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'xmp', 'iframe', 'noembed', 'noframes'],
};

const TAGS = new Set(SANITIZE_OPTIONS.allowedTags);
const NON_TEXT = new Set(SANITIZE_OPTIONS.nonTextTags);
const ATTRS = new Map<string, Set<string>>();
for (const [t, list] of Object.entries(SANITIZE_OPTIONS.allowedAttributes)) ATTRS.set(t, new Set(list));
for (const t of Object.keys(SANITIZE_OPTIONS.allowedClasses)) (ATTRS.get(t) ?? ATTRS.set(t, new Set()).get(t)!).add('class');
const URL_ATTRS = new Set(SANITIZE_OPTIONS.allowedSchemesAppliedToAttributes);
/** Attributes dropped when empty (sanitize-html's `nonBooleanAttributes` minus `allowedEmptyAttributes`). */
const NON_EMPTY = new Set(['href', 'class', 'rel', 'src', 'start', 'cite']);
const VOID = new Set(['br', 'hr', 'img']);
const BLOCK = new Set(['p', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'hr']);

/**
 * Whether a URL attribute must go: its scheme (after removing what browsers ignore: C0 controls and
 * space, `<!-- -->` comments) is not in the element's list, or it is protocol-relative (`//`, `\\`).
 * Same rule as sanitize-html's (launder `naughtyHref`).
 *
 * @param tag - element name
 * @param value - decoded attribute value
 * @returns true when the attribute is dropped
 * @example
 * ```ts
 * naughtyUrl('a', ' java\tscript:alert(1)'); // true
 * ```
 */
export function naughtyUrl(tag: string, value: string): boolean {
  // eslint-disable-next-line no-control-regex
  let href = value.replace(/[\x00-\x20]+/g, '');
  for (;;) {
    const a = href.indexOf('<!--');
    if (a < 0) break;
    const b = href.indexOf('-->', a + 4);
    if (b < 0) break;
    href = href.slice(0, a) + href.slice(b + 3);
  }
  const m = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/.exec(href);
  if (!m) return /^[/\\]{2}/.test(href);
  const schemes = SANITIZE_OPTIONS.allowedSchemesByTag[tag] ?? SANITIZE_OPTIONS.allowedSchemes;
  return !schemes.includes(m[1]!.toLowerCase());
}

/** The attributes of an allowed element that survive the allowlist. */
function keepAttrs(tag: string, attrs: Iterable<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  const allowed = ATTRS.get(tag);
  if (allowed === undefined) return out;
  const seen = new Set<string>();
  for (const [name, raw] of attrs) {
    // The first of duplicate attributes wins, even when it is then dropped (WHATWG §13.2.5.33).
    if (seen.has(name)) continue;
    seen.add(name);
    if (!allowed.has(name)) continue;
    let value = raw;
    if (value === '' && NON_EMPTY.has(name)) continue;
    if (URL_ATTRS.has(name) && naughtyUrl(tag, value)) continue;
    if (name === 'class') {
      const ok = SANITIZE_OPTIONS.allowedClasses[tag] ?? [];
      value = value.split(/\s+/).filter((c) => ok.includes(c)).join(' ');
      if (value === '') continue;
    }
    out[name] = value;
  }
  return out;
}

/** One open element as the parser sees it. */
interface Frame {
  /** 0: unwrapped (disallowed or beyond the cap), 1: in the tree, 2: content dropped. */
  readonly kind: 0 | 1 | 2;
  /** A block element unwrapped by the depth cap (leaves a space when it closes). */
  readonly cappedBlock: boolean;
}

/**
 * Builds the allowlisted tree from properly nested open/text/close calls. Elements nested deeper than
 * `RENDER_LIMITS.maxDepth` (counting only kept elements) are unwrapped, a block one leaving a space on
 * each side; `onCap` is called once when that happens.
 * @example
 * ```ts
 * const b = new TreeBuilder();
 * b.open('a', () => [['href', 'javascript:x'], ['onclick', 'y']]);
 * b.text('hi');
 * b.close();
 * b.finish(); // [{ tag: 'a', attrs: {}, children: ['hi'] }]
 * ```
 */
export class TreeBuilder {
  readonly #root: El = { tag: '#root', attrs: {}, children: [] };
  readonly #tree: El[] = [this.#root];
  readonly #frames: Frame[] = [];
  #dropping = 0;
  #capped = false;
  readonly #onCap: (() => void) | undefined;

  /** @param onCap - called once when the depth cap unwraps an element */
  constructor(onCap?: () => void) {
    this.#onCap = onCap;
  }

  /**
   * An element starts (void elements are closed by the caller like any other).
   * @param tag - lower-case name
   * @param attrs - decoded attributes in source order (the first of duplicates wins)
   */
  open(tag: string, attrs: () => Iterable<readonly [string, string]>): void {
    if (this.#dropping > 0) {
      this.#dropping++;
      this.#frames.push({ kind: 2, cappedBlock: false });
      return;
    }
    if (!TAGS.has(tag)) {
      const drop = NON_TEXT.has(tag);
      if (drop) this.#dropping = 1;
      this.#frames.push({ kind: drop ? 2 : 0, cappedBlock: false });
      return;
    }
    const isVoid = VOID.has(tag);
    if (!isVoid && this.#tree.length > RENDER_LIMITS.maxDepth) {
      if (!this.#capped) this.#onCap?.();
      this.#capped = true;
      const block = BLOCK.has(tag);
      if (block) this.#text(' ', true);
      this.#frames.push({ kind: 0, cappedBlock: block });
      return;
    }
    const el: El = { tag, attrs: keepAttrs(tag, attrs()), children: [] };
    this.#tree[this.#tree.length - 1]!.children.push(el);
    this.#tree.push(el);
    this.#frames.push({ kind: 1, cappedBlock: false });
  }

  /** The innermost open element ends. */
  close(): void {
    const f = this.#frames.pop();
    if (f === undefined) return;
    if (f.kind === 2) this.#dropping--;
    else if (f.kind === 1) this.#tree.pop();
    else if (f.cappedBlock) this.#text(' ', true);
  }

  /**
   * Decoded text.
   * @param s - text
   */
  text(s: string): void {
    if (this.#dropping === 0 && s !== '') this.#text(s, false);
  }

  #text(s: string, alone: boolean): void {
    const c = this.#tree[this.#tree.length - 1]!.children;
    const last = c.length - 1;
    // Adjacent text is one node, as in a serialization parsed back (except the cap's spaces).
    if (!alone && last >= 0 && typeof c[last] === 'string' && !this.#lastAlone) c[last] += s;
    else c.push(s);
    this.#lastAlone = alone;
  }

  #lastAlone = false;

  /**
   * Ends parsing: open elements are closed.
   * @returns the top-level nodes
   */
  finish(): Node[] {
    while (this.#frames.length > 0) this.close();
    return this.#root.children;
  }
}

/** Escapes text as sanitize-html serializes it (`& < >`, plus `"` in attribute values). */
function esc(s: string, attr: boolean): string {
  const t = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attr ? t.replace(/"/g, '&quot;') : t;
}

/**
 * Serializes an allowlisted tree the way sanitize-html did (`<br />`, double-quoted attributes), for
 * `sanitizeMessageHtml`.
 *
 * @param nodes - a tree from {@link TreeBuilder}
 * @returns HTML
 * @example
 * ```ts
 * serializeTree([{ tag: 'img', attrs: { src: 'x' }, children: [] }, 'ok']); // '<img src="x" />ok'
 * ```
 */
export function serializeTree(nodes: readonly Node[]): string {
  let out = '';
  // Iterative (the tree is at most maxDepth deep, but a body may hold very many siblings).
  const todo: (Node | { end: string })[] = [...nodes].reverse();
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (typeof n === 'string') out += esc(n, false);
    else if ('end' in n) out += n.end;
    else {
      out += '<' + n.tag;
      for (const [k, v] of Object.entries(n.attrs)) out += ` ${k}="${esc(v, true)}"`;
      if (VOID.has(n.tag)) {
        out += ' />';
        continue;
      }
      out += '>';
      todo.push({ end: `</${n.tag}>` });
      for (let i = n.children.length - 1; i >= 0; i--) todo.push(n.children[i]!);
    }
  }
  return out;
}
