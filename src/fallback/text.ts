/**
 * Small string helpers: escaping, code-point offsets, truncation, sizes, media types, links.
 *
 * @module
 */
import type { FallbackRange } from './types.js';

const HTML_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * Escapes text for HTML element content (`& < >`, as sanitize-html serializes text).
 *
 * @param s - any text
 * @returns text with `& < >` replaced by character references
 * @example
 * ```ts
 * escapeHtml('<b>'); // '&lt;b&gt;'
 * ```
 */
export function escapeHtml(s: string): string {
  return /[&<>]/.test(s) ? s.replace(/[&<>]/g, (c) => HTML_ESC[c]!) : s;
}

/**
 * Escapes text for a double-quoted HTML attribute value (`& < > "`).
 *
 * @param s - any text
 * @returns the escaped value
 * @example
 * ```ts
 * escapeAttr('a"b'); // 'a&quot;b'
 * ```
 */
export function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => HTML_ESC[c]!);
}

/**
 * Escapes text so that GFM-MIMI shows it literally: inline markup characters everywhere, block markers
 * at line starts, leading whitespace as character references (no indented code), single newlines as
 * hard breaks (CommonMark §2.4 backslash escapes, §6.7 hard line breaks).
 *
 * @param s - any text
 * @returns markdown source that renders as `s`
 * @example
 * ```ts
 * escapeMarkdown('*hi*'); // '\\*hi\\*'
 * ```
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((para) =>
      para
        .replace(/[\\`*_[\]<>&|~]/g, (c) => '\\' + c)
        .replace(/^([ \t]*)([#+\-=]|\d+[.)])/gm, (_m, ws: string, mark: string) => ws + mark.replace(/([#+\-=.)])/, '\\$1'))
        .replace(/^[ \t]+/gm, (ws) => ws.replace(/ /g, '&#32;').replace(/\t/g, '&#9;'))
        .replace(/\n/g, '\\\n'),
    )
    .join('\n\n');
}

/**
 * Number of Unicode code points in `s` (lone surrogates count as one).
 *
 * @param s - text
 * @returns its length in code points
 * @example
 * ```ts
 * codePointLength('a😀'); // 2
 * ```
 */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Converts a UTF-16 offset into a code-point offset.
 *
 * @param s - the string
 * @param utf16 - an offset in UTF-16 code units (must not split a surrogate pair)
 * @returns the same position in code points
 * @example
 * ```ts
 * utf16ToCodePoint('😀a', 2); // 1
 * ```
 */
export function utf16ToCodePoint(s: string, utf16: number): number {
  return codePointLength(s.slice(0, utf16));
}

/**
 * Converts a code-point offset into a UTF-16 offset.
 *
 * @param s - the string
 * @param codePoint - an offset in code points
 * @returns the same position in UTF-16 code units
 * @example
 * ```ts
 * codePointToUtf16('😀a', 1); // 2
 * ```
 */
export function codePointToUtf16(s: string, codePoint: number): number {
  let i = 0;
  for (let n = 0; n < codePoint && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

/**
 * Builds a {@link FallbackRange} for `s.slice(start, end)`.
 *
 * @param s - the rendered string
 * @param start - UTF-16 start offset
 * @param end - UTF-16 end offset (exclusive)
 * @param kind - what the fallback stands for
 * @returns the range
 * @example
 * ```ts
 * rangeOf('😀 x', 0, 3, 'reply'); // { start: 0, end: 3, startCodePoint: 0, endCodePoint: 2, … }
 * ```
 */
export function rangeOf(s: string, start: number, end: number, kind: FallbackRange['for']): FallbackRange {
  // Without surrogates every UTF-16 offset is also a code point offset.
  if (!SURROGATE.test(s)) return { for: kind, start, end, startCodePoint: start, endCodePoint: end, unit: 'utf16' };
  return {
    for: kind,
    start,
    end,
    startCodePoint: utf16ToCodePoint(s, start),
    endCodePoint: utf16ToCodePoint(s, end),
    unit: 'utf16',
  };
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * `list` with `x` appended; the first element makes an array literal of one (sized to fit, where a first
 * push onto `[]` reserves 17 slots).
 *
 * @internal
 */
export function plus<T>(list: T[] | undefined, x: T): T[] {
  if (list === undefined) return [x];
  list.push(x);
  return list;
}

/**
 * Collapses whitespace to single spaces and cuts `s` to at most `max` code points (grapheme-safe for
 * surrogate pairs; a trailing ZWJ or variation selector is dropped), appending "…" when cut.
 *
 * @param s - text
 * @param max - limit in code points, including the ellipsis
 * @returns the excerpt
 * @example
 * ```ts
 * truncate('hello world', 6); // 'hello…'
 * ```
 */
export function truncate(s: string, max: number): string {
  const flat = /\s\s|[\t\n\r\f\v]/.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
  if (flat.length <= max) return flat; // UTF-16 length bounds the code point count
  // Only the first `max` code points are split out (not the whole text: it may be megabytes).
  const end = codePointToUtf16(flat, max);
  if (end >= flat.length) return flat;
  let cut = Array.from(flat.slice(0, codePointToUtf16(flat, Math.max(0, max - 1))));
  while (cut.length > 0 && /[\u200d\ufe0f\u{1f3fb}-\u{1f3ff}\s]/u.test(cut[cut.length - 1]!)) cut = cut.slice(0, -1);
  return cut.join('') + '…';
}

/**
 * Human-readable size with decimal (SI) units from the catalog, e.g. `708.2 MB`.
 *
 * @param bytes - size in octets
 * @param units - comma-separated unit names for 10^0, 10^3, 10^6, 10^9, 10^12
 * @param locale - number formatting locale
 * @returns the size text
 * @example
 * ```ts
 * humanSize(708234961, 'B,kB,MB,GB,TB', 'en'); // '708.2 MB'
 * ```
 */
export function humanSize(bytes: number, units: string, locale: string): string {
  const names = units.split(',');
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < names.length - 1) {
    v /= 1000;
    i++;
  }
  let num: string;
  try {
    const key = `${locale}|${i === 0 ? 0 : 1}`;
    let f = NUMBER_FORMATS.get(key);
    if (!f) {
      if (NUMBER_FORMATS.size >= 64) NUMBER_FORMATS.clear();
      const d = i === 0 ? 0 : 1;
      NUMBER_FORMATS.set(key, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: d, minimumFractionDigits: d })));
    }
    num = f.format(v);
  } catch {
    num = i === 0 ? String(v) : v.toFixed(1);
  }
  return `${num} ${names[i] ?? ''}`.trim();
}

const NUMBER_FORMATS = new Map<string, Intl.NumberFormat>();

/** A parsed media type: lower-case `type/subtype` and parameters (names lower-case). */
export interface MediaType {
  readonly essence: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a media type such as `text/markdown;variant=GFM-MIMI` (RFC 6838 syntax, lenient).
 *
 * @param s - the content type
 * @returns essence and parameters
 * @example
 * ```ts
 * parseMediaType('text/markdown;variant=GFM-MIMI'); // { essence: 'text/markdown', params: { variant: 'GFM-MIMI' } }
 * ```
 */
export function parseMediaType(s: string): MediaType {
  const hit = MT_CACHE.get(s);
  if (hit) return hit;
  const mt = parseMediaTypeUncached(s);
  if (MT_CACHE.size >= 256) MT_CACHE.clear();
  MT_CACHE.set(s, mt);
  return mt;
}

const MT_CACHE = new Map<string, MediaType>();
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function parseMediaTypeUncached(s: string): MediaType {
  const [head, ...rest] = s.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { essence: (head ?? '').trim().toLowerCase(), params };
}

/** URL schemes a rendered link may have (others are shown as text, never as a link). */
export const LINK_SCHEMES = ['http', 'https', 'mailto', 'mimi'] as const;

/**
 * C0 and C1 controls, DEL and bidi controls: WHATWG URL parsing silently strips some of them (leading
 * and trailing C0, tab, LF, CR) and percent-encodes others, so the target followed would differ from
 * the text shown (draft §9.6), and a NUL cuts the string short in C consumers (decision D20).
 */
const UNSAFE_URL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_URL_G = new RegExp(UNSAFE_URL.source, 'g');

/**
 * Whether a URL holds a character that keeps it from being a link (see decision D20): a control
 * character (U+0000-U+001F, U+007F-U+009F) or a bidi control.
 *
 * @param url - a URL from a message
 * @returns true when it must not become a link
 * @example
 * ```ts
 * hasUnsafeUrlChar('https://example.com/\u0000x'); // true
 * ```
 */
export function hasUnsafeUrlChar(url: string): boolean {
  return UNSAFE_URL.test(url);
}

/**
 * A URL as shown when it is refused as a link: each character {@link hasUnsafeUrlChar} objects to
 * becomes U+FFFD, so that the text shows there was something there.
 *
 * @param url - a URL from a message
 * @returns the text to show
 * @example
 * ```ts
 * shownUrl('https://example.com/\u0000x'); // 'https://example.com/\ufffdx'
 * ```
 */
export function shownUrl(url: string): string {
  return UNSAFE_URL.test(url) ? url.replace(UNSAFE_URL_G, '\ufffd') : url;
}

/**
 * The scheme of a URL (lower-case, without ":"), or undefined when it has none.
 *
 * @param url - a URL
 * @returns the scheme
 * @example
 * ```ts
 * schemeOf('HTTPS://x'); // 'https'
 * ```
 */
export function schemeOf(url: string): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

/**
 * Compares link text with its target the way the draft's "Link and Mention handling" asks: equal, or
 * canonically equivalent (scheme-less text taken as https, default port, trailing slash), is a match.
 *
 * @param text - the visible link text
 * @param href - the link target
 * @returns `'same'`, `'downgrade'` (https text, http target) or `'different'`
 * @example
 * ```ts
 * compareLink('example.com/foobar', 'https://example.com/foobar'); // 'same'
 * ```
 */
export function compareLink(text: string, href: string): 'same' | 'downgrade' | 'different' {
  const t = text.trim();
  if (t === href) return 'same';
  // Quick reject: the shown text must at least contain the target's host.
  const host = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/.exec(href)?.[1];
  if (host !== undefined && !t.toLowerCase().includes(host.toLowerCase())) return 'different';
  const target = tryUrl(href);
  const shown = tryUrl(/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(t) ? t : `https://${t}`);
  if (!target || !shown) return 'different';
  const norm = (u: URL) => `${u.host}${u.pathname.replace(/\/$/, '')}${u.search}${u.hash}`;
  if (norm(target) !== norm(shown)) return 'different';
  if (target.protocol === shown.protocol) return 'same';
  if (shown.protocol === 'https:' && target.protocol === 'http:') return 'downgrade';
  return 'different';
}

function tryUrl(s: string): URL | undefined {
  if (/\s/.test(s)) return undefined;
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** True for user URIs that make a link a mention (draft "Link and Mention handling": IM URIs).
 * @param href - a link target
 * @returns true for mimi: and im: URIs
 * @example
 * ```ts
 * isMentionUri('mimi://example.com/u/alice'); // true
 * ```
 */
export function isMentionUri(href: string): boolean {
  const s = schemeOf(href);
  return s === 'mimi' || s === 'im';
}

/**
 * Hex of a message ID (lower case); strings are validated and lower-cased.
 *
 * @param id - bytes or hex
 * @returns lower-case hex
 * @example
 * ```ts
 * idHex(new Uint8Array([1, 171])); // '01ab'
 * ```
 */
export function idHex(id: Uint8Array | string): string {
  if (typeof id === 'string') return /[A-F]/.test(id) ? id.toLowerCase() : id;
  if (id.length <= 64) {
    // One flat string from char codes (concatenating 32 pieces builds a rope that is flattened, and
    // thrown away, at the first Map lookup).
    const codes = HEX_CODES_BUF;
    codes.length = 2 * id.length;
    for (let i = 0; i < id.length; i++) {
      const b = id[i]!;
      codes[2 * i] = HEX_CODES[b >> 4]!;
      codes[2 * i + 1] = HEX_CODES[b & 15]!;
    }
    return String.fromCharCode.apply(null, codes);
  }
  let s = '';
  for (let i = 0; i < id.length; i++) s += HEX_BYTES[id[i]!]!;
  return s;
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const HEX_CODES_BUF: number[] = [];

/**
 * Removes fallback ranges from a rendered string (what a client that renders the relation natively
 * does, like XEP-0428's stripping).
 *
 * @param s - a rendered form (`text`, `markdown` or `html`)
 * @param ranges - the ranges reported for that form
 * @param kinds - only strip ranges of these kinds (default: all)
 * @returns the string without them
 * @example
 * ```ts
 * stripFallback(r.text, r.fallbackRanges.text, ['reply']);
 * ```
 */
export function stripFallback(s: string, ranges: readonly FallbackRange[], kinds?: readonly FallbackRange['for'][]): string {
  const sel = ranges.filter((r) => !kinds || kinds.includes(r.for)).sort((a, b) => b.start - a.start);
  let out = s;
  for (const r of sel) out = out.slice(0, r.start) + out.slice(r.end);
  return out;
}
