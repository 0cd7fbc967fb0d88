/**
 * `render(content, context)`: plain text, GFM-MIMI markdown and sanitized HTML for one MIMI message,
 * following the rules table in rules.ts.
 *
 * @module
 */
import type { MimiContent } from '../content/mimiContent.js';
import type { ExternalPart, MultiPart, NestedPart, SinglePart } from '../content/nestedPart.js';
import { translator, type Translate } from './i18n.js';
import { RENDER_LIMITS, utf8Cut } from './limits.js';
import { htmlToTree, markdownToTree } from './parse.js';
import type { RuleId } from './rules.js';
import { emitHtml, emitMarkdown, emitText, LINK_REL, linkAllowed, mdInline, type EmitEnv, type Node } from './tree.js';
import {
  escapeAttr,
  escapeHtml,
  escapeMarkdown,
  humanSize,
  idHex,
  parseMediaType,
  plus,
  rangeOf,
  shownUrl,
  truncate,
  type MediaType,
} from './text.js';
import type {
  FallbackRange,
  MessageKind,
  ReferencedMessage,
  RenderContext,
  Rendering,
  RenderWarning,
} from './types.js';

// draft-ietf-mimi-content §4.4 "Message Bodies": base dispositions.
const D_REACTION = 2;
const D_PROFILE = 3;
const D_ICON = 5;
const D_ATTACHMENT = 6;
const D_SESSION = 7;
const D_PREVIEW = 8;

/**
 * Media types the renderer turns into text, in default preference order (§7.1).
 * @example
 * ```ts
 * import { DEFAULT_SUPPORTED_TYPES, render } from 'mimi-kit/fallback';
 * render(content, { supportedTypes: DEFAULT_SUPPORTED_TYPES.filter((t) => t !== 'text/html') });
 * ```
 */
export const DEFAULT_SUPPORTED_TYPES: readonly string[] = [
  'text/markdown;variant=GFM-MIMI',
  'text/markdown;variant=CommonMark',
  'text/html',
  'text/plain',
];

/** A rendered fragment in the three forms. */
interface Block {
  text: string;
  markdown: string;
  html: string;
}

interface State {
  readonly ctx: RenderContext;
  readonly t: Translate;
  readonly locale: string;
  /** Created with the first rule or warning (an array literal is sized to fit; a push onto `[]` is not). */
  rules: RuleId[] | undefined;
  warnings: RenderWarning[] | undefined;
  mentions: Set<string> | undefined;
  readonly root: NestedPart;
  index: { parts: NestedPart[]; indexOf: Map<NestedPart, number> } | undefined;
  env?: EmitEnv;
  /** Part indexes already shown through a cid: reference. */
  consumed: Set<number> | undefined;
  readonly supported: readonly Cap[];
  /** Silent mode: used to compare alternatives without recording rules or warnings. */
  readonly silent: boolean;
}

/**
 * What a message is (draft §4.1 replaces/inReplyTo and the §5 examples): an edit or delete has
 * `replaces`; a delete (or unlike, when the disposition is reaction) has a NullPart body; a reaction has
 * the reaction disposition; a reply has `inReplyTo`.
 *
 * @param content - the message
 * @returns its kind
 * @example
 * ```ts
 * classify(content); // 'reply'
 * ```
 */
export function classify(content: MimiContent): MessageKind {
  const body = content.nestedPart;
  if (content.replaces !== null) {
    if (body.cardinality === 'nullpart') return body.disposition === D_REACTION ? 'unlike' : 'delete';
    return 'edit';
  }
  if (body.disposition === D_REACTION) return 'reaction';
  if (content.inReplyTo !== null) return 'reply';
  return 'message';
}

function newState(ctx: RenderContext, root: NestedPart, silent = false): State {
  return {
    ctx,
    t: translator(ctx),
    locale: ctx.locale ?? 'en',
    rules: undefined,
    warnings: undefined,
    mentions: undefined,
    root,
    index: undefined,
    consumed: undefined,
    supported: parsedCaps(ctx.supportedTypes ?? DEFAULT_SUPPORTED_TYPES),
    silent,
  };
}

/** The depth-first part index (draft §4.4), built only when a cid: reference needs it. */
function partIndex(st: State): { parts: NestedPart[]; indexOf: Map<NestedPart, number> } {
  if (st.index) return st.index;
  const parts: NestedPart[] = [];
  const indexOf = new Map<NestedPart, number>();
  // draft §4.4: "an implied part index, which is a zero-indexed, depth-first integer".
  const walk = (p: NestedPart) => {
    indexOf.set(p, parts.length);
    parts.push(p);
    if (p.cardinality === 'multi') for (const c of p.parts) walk(c);
  };
  walk(st.root);
  return (st.index = { parts, indexOf });
}

/** A capability of `supportedTypes`, parsed once. */
interface Cap {
  readonly essence: string;
  readonly type: string;
  readonly subtype: string | undefined;
  readonly variant: string | undefined;
}

const CAPS = new WeakMap<readonly string[], readonly Cap[]>();
let lastTypes: readonly string[] | undefined;
let lastCaps: readonly Cap[] = [];
function parsedCaps(types: readonly string[]): readonly Cap[] {
  if (types === lastTypes) return lastCaps;
  let c = CAPS.get(types);
  if (!c) {
    c = types.map((t) => {
      const mt = parseMediaType(t);
      const [type = '', subtype] = mt.essence.split('/');
      return { essence: mt.essence, type, subtype, variant: mt.params.variant };
    });
    CAPS.set(types, c);
  }
  lastTypes = types;
  return (lastCaps = c);
}

function rule(st: State, id: RuleId): void {
  if (st.silent) return;
  if (st.rules === undefined) st.rules = [id];
  else if (!st.rules.includes(id)) st.rules.push(id);
}

function warn(st: State, code: RenderWarning['code'], detail: string): void {
  if (st.silent) return;
  if (st.warnings === undefined) st.warnings = [{ code, detail }];
  else if (!st.warnings.some((w) => w.code === code && w.detail === detail)) st.warnings.push({ code, detail });
}

/** Removes bidi overrides/isolates and control characters from short labels (names, reactions). */
function cleanLabel(s: string): string {
  return (UNSAFE_LABEL.test(s) ? s.replace(UNSAFE_LABEL_G, '') : s).trim();
}

const UNSAFE_LABEL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]/;
const UNSAFE_LABEL_G = new RegExp(UNSAFE_LABEL.source, 'g');

function nameOf(st: State, uri: string | undefined): string {
  if (uri === undefined || uri === '') return st.t('sender.unknown');
  const n = st.ctx.displayName?.(uri);
  const c = n === undefined ? '' : cleanLabel(n);
  return c === '' ? uri : c;
}

// ------------------------------------------------------------------ capabilities

function typeSupported(st: State, contentType: string): number {
  const mt = parseMediaType(contentType);
  const slash = mt.essence.indexOf('/');
  const pt = slash < 0 ? mt.essence : mt.essence.slice(0, slash);
  const ps = slash < 0 ? undefined : mt.essence.slice(slash + 1, nextSlash(mt.essence, slash));
  for (let i = 0; i < st.supported.length; i++) {
    const cap = st.supported[i]!;
    const essenceOk = cap.essence === '*/*' || (cap.type === pt && (cap.subtype === '*' || cap.subtype === ps));
    if (!essenceOk) continue;
    const cv = cap.variant;
    const pv = mt.params.variant;
    if (cv !== undefined && pv !== undefined && cv.toLowerCase() !== pv.toLowerCase()) continue;
    return i;
  }
  // Text we can convert (§7.1: "rendering Markdown as plain text is an acceptable form of support")
  // ranks after every listed type but is never "unsupported".
  return isTextType(contentType) ? st.supported.length : Infinity;
}

/** End of the second `/`-separated field (what `split('/')[1]` would give). */
function nextSlash(s: string, slash: number): number {
  const j = s.indexOf('/', slash + 1);
  return j < 0 ? s.length : j;
}

function unsupportedCount(st: State, p: NestedPart): number {
  switch (p.cardinality) {
    case 'nullpart':
      return 0;
    case 'single':
    case 'external':
      return typeSupported(st, p.contentType) === Infinity ? 1 : 0;
    case 'multi':
      if (p.partSemantics === 'chooseOne') {
        // A loop, not Math.min(...spread): a part may have more children than a call has arguments.
        let min = Infinity;
        for (const c of p.parts) min = Math.min(min, unsupportedCount(st, c));
        return min;
      }
      return p.parts.reduce((n, c) => n + unsupportedCount(st, c), 0);
  }
}

function firstRank(st: State, p: NestedPart): number {
  switch (p.cardinality) {
    case 'nullpart':
      return Infinity;
    case 'single':
    case 'external':
      return typeSupported(st, p.contentType);
    case 'multi': {
      let min = Infinity;
      for (const c of p.parts) min = Math.min(min, firstRank(st, c));
      return min;
    }
  }
}

function partLanguage(p: NestedPart): string {
  if (p.language !== '') return p.language;
  if (p.cardinality === 'multi') {
    for (const c of p.parts) {
      const l = partLanguage(c);
      if (l !== '') return l;
    }
  }
  return '';
}

function langRank(st: State, p: NestedPart): number {
  const prefs = st.ctx.languages ?? [];
  const tags = partLanguage(p)
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (tags.length === 0) return prefs.length;
  for (let i = 0; i < prefs.length; i++) {
    const want = prefs[i]!.toLowerCase();
    if (tags.some((t) => t === want || t.startsWith(want + '-') || want.startsWith(t + '-'))) return i;
  }
  return prefs.length + 1;
}

// draft §4.4 chooseOne: "the receiver picks exactly one part ... according to its own policy".
function chooseOne(st: State, m: MultiPart): NestedPart {
  let best = m.parts[0]!;
  let bestKey: number[] | undefined;
  m.parts.forEach((p, i) => {
    const key = [unsupportedCount(st, p), langRank(st, p), firstRank(st, p), i];
    if (bestKey === undefined || lexLess(key, bestKey)) {
      best = p;
      bestKey = key;
    }
  });
  return best;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

// draft §9.5 "Alternate content rendering": alternatives may show different things to different members.
function checkAlternatives(st: State, m: MultiPart): void {
  if (st.silent) return;
  const texts = new Map<string, string[]>();
  const langs = new Map<string, number>();
  for (const p of m.parts) {
    if (p.cardinality === 'single' && isTextType(p.contentType)) langs.set(p.language.toLowerCase(), (langs.get(p.language.toLowerCase()) ?? 0) + 1);
  }
  for (const p of m.parts) {
    // Only same-language text alternatives are compared (different languages are expected to differ).
    if (p.cardinality !== 'single' || !isTextType(p.contentType) || (langs.get(p.language.toLowerCase()) ?? 0) < 2) continue;
    const silent = newState(st.ctx, p, true);
    const b = renderPart(silent, p);
    if (!b) continue;
    const lang = p.language.toLowerCase();
    const norm = b.text.replace(/\s+/g, ' ').trim().toLowerCase();
    const list = texts.get(lang) ?? [];
    list.push(norm);
    texts.set(lang, list);
  }
  for (const [lang, list] of texts) {
    if (new Set(list).size > 1) {
      rule(st, 'alternatives-differ');
      warn(st, 'alternatives-differ', `text alternatives${lang ? ` in "${lang}"` : ''} do not say the same thing`);
    }
  }
}

function isTextType(ct: string): boolean {
  const e = parseMediaType(ct).essence;
  return e === 'text/plain' || e === 'text/markdown' || e === 'text/html';
}

// ------------------------------------------------------------------ blocks

const utf8 = new TextDecoder('utf-8', { fatal: false });
const FAST_PLAIN = /[\\`*_[\]<>&|~!#\n\r\t]| {2}|^[\s\-+=>]|^\d+[.)]|\s$/;

/** The emitters' hooks for one render call (a class: no closures per call). */
class Env implements EmitEnv {
  constructor(private readonly st: State) {}
  mentionName(uri: string): string | undefined {
    const n = this.st.ctx.displayName?.(uri);
    const c = n === undefined ? '' : cleanLabel(n);
    return c === '' ? undefined : c;
  }
  image(src: string, alt: string): { placeholder: string } | { remote: string } {
    return imageHook(this.st, src, alt);
  }
  note(what: 'mention' | 'link-text-mismatch' | 'link-scheme-downgrade' | 'mention-unresolved' | 'link-scheme' | 'link-invalid', detail: string): void {
    const st = this.st;
    if (what === 'link-invalid') {
      rule(st, 'link-invalid');
      warn(st, 'link-invalid', shownUrl(detail));
    } else if (what === 'mention') {
      rule(st, 'mention');
      if (!st.silent) (st.mentions ??= new Set()).add(detail);
    } else if (what === 'mention-unresolved') warn(st, 'mention-unresolved', detail);
    else if (what === 'link-scheme') rule(st, 'link-scheme');
    else {
      rule(st, 'link-target-visible');
      warn(st, what, detail);
    }
  }
}

function envFor(st: State): EmitEnv {
  return new Env(st);
}

function imageHook(st: State, src: string, alt: string): { placeholder: string } | { remote: string } {
  const cid = /^cid:(\d+)@local\.invalid$/i.exec(src.trim());
  const label = cleanLabel(alt);
  if (cid) {
    // draft §4.4: cid:partIndex@local.invalid references a SinglePart or ExternalPart of this message.
    const idx = Number(cid[1]);
    const target = partIndex(st).parts[idx];
    rule(st, 'cid-inline');
    if (!target || (target.cardinality !== 'single' && target.cardinality !== 'external')) {
      warn(st, 'cid-unresolved', src);
      return { placeholder: label ? `${st.t('placeholder.image')}: ${label}` : st.t('placeholder.image') };
    }
    (st.consumed ??= new Set()).add(idx);
    return { placeholder: `${mediaNoun(st, target.contentType)}: ${label ? `${label} (${describeType(st, target)})` : describeType(st, target)}` };
  }
  if (/^https?:/i.test(src.trim()) && st.ctx.remoteImages === true && linkAllowed(src.trim())) return { remote: src.trim() };
  rule(st, 'remote-image');
  warn(st, 'remote-image-blocked', src);
  return { placeholder: label ? `${st.t('placeholder.image')}: ${label}` : st.t('placeholder.image') };
}

function treeBlock(st: State, nodes: Node[]): Block {
  const env = (st.env ??= envFor(st));
  return { text: emitText(nodes, env), markdown: emitMarkdown(nodes, env), html: emitHtml(nodes, env) };
}

function plainBlock(text: string): Block {
  if (!FAST_PLAIN.test(text)) return { text, markdown: text, html: `<p>${escapeHtml(text)}</p>` };
  const t = text.replace(/\r\n?/g, '\n').trim();
  return { text: t, markdown: escapeMarkdown(t), html: plainHtml(t) };
}

function plainHtml(t: string): string {
  return t
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br />')}</p>`)
    .join('');
}

function labelBlock(text: string, html?: string): Block {
  return { text, markdown: mdInline(text), html: `<p>${html ?? escapeHtml(text)}</p>` };
}

function placeholderBlock(label: string): Block {
  return { text: `[${label}]`, markdown: mdInline(`[${label}]`), html: `<p><span class="mimi-placeholder">[${escapeHtml(label)}]</span></p>` };
}

function mediaNoun(st: State, contentType: string): string {
  const top = parseMediaType(contentType).essence.split('/')[0];
  if (top === 'image') return st.t('placeholder.image');
  if (top === 'audio') return st.t('placeholder.audio');
  if (top === 'video') return st.t('placeholder.video');
  return st.t('placeholder.content');
}

function describeType(st: State, p: SinglePart | ExternalPart): string {
  const size = p.cardinality === 'single' ? p.content.length : p.size;
  const bits: string[] = [];
  const ct = parseMediaType(p.contentType).essence;
  if (ct) bits.push(ct);
  if (p.cardinality === 'single' || size > 0) bits.push(humanSize(size, st.t('units'), st.locale));
  return bits.join(', ');
}

function joinBlocks(blocks: readonly Block[]): Block | undefined {
  const bs = blocks.filter((b) => b.text !== '' || b.html !== '');
  if (bs.length === 0) return undefined;
  return {
    text: bs.map((b) => b.text).join('\n\n'),
    markdown: bs.map((b) => b.markdown).join('\n\n'),
    html: bs.map((b) => b.html).join(''),
  };
}

function renderText(st: State, p: SinglePart, mt: MediaType): Block {
  if (mt.essence === 'text/plain') {
    rule(st, 'text-plain');
    return plainBlock(utf8.decode(p.content));
  }
  // Decision D19: markdown and HTML are formatted up to RENDER_LIMITS.maxMarkupBytes (draft §9.1:
  // a body "too large (according to local policy)"); the rest is cut, and a note says so.
  const max = st.ctx.maxMarkupBytes;
  const cut = utf8Cut(p.content, max !== undefined && max >= 0 ? max : RENDER_LIMITS.maxMarkupBytes);
  const src = utf8.decode(cut === p.content.length ? p.content : p.content.subarray(0, cut));
  let b: Block;
  if (mt.essence === 'text/markdown') {
    rule(st, 'text-markdown');
    // Fast path: text with no markdown-significant character renders exactly as plain text.
    if (!FAST_PLAIN.test(src)) b = { text: src, markdown: src, html: `<p>${escapeHtml(src)}</p>` };
    else b = treeBlock(st, markdownToTree(src, mt.params.variant, () => flattened(st)));
  } else {
    rule(st, 'text-html');
    // A cut inside a tag would show its start as text: cut before it.
    const lt = cut === p.content.length ? -1 : src.lastIndexOf('<');
    b = treeBlock(st, htmlToTree(lt > src.lastIndexOf('>') ? src.slice(0, lt) : src, () => flattened(st)));
  }
  if (cut === p.content.length) return b;
  rule(st, 'too-long');
  const shown = humanSize(cut, st.t('units'), st.locale);
  const size = humanSize(p.content.length, st.t('units'), st.locale);
  warn(st, 'body-truncated', `${cut} of ${p.content.length} octets formatted`);
  return joinBlocks([b, placeholderBlock(st.t('truncated.note', { shown, size }))])!;
}

/** Decision D18: elements beyond RENDER_LIMITS.maxDepth were unwrapped into their text. */
function flattened(st: State): void {
  rule(st, 'too-deep');
  warn(st, 'markup-flattened', `nested deeper than ${RENDER_LIMITS.maxDepth} levels`);
}

function renderSingle(st: State, p: SinglePart): Block | undefined {
  const mt = parseMediaType(p.contentType);
  const e = mt.essence;
  const textual = e === 'text/plain' || e === 'text/markdown' || e === 'text/html';
  if (p.disposition === D_ICON || p.disposition === D_PROFILE) {
    rule(st, 'icon-profile');
    return placeholderBlock(st.t(p.disposition === D_ICON ? 'placeholder.icon' : 'placeholder.profile'));
  }
  if (p.disposition === D_ATTACHMENT) {
    rule(st, 'attachment');
    return labelBlock(`${st.t('attachment.label')} ${describeType(st, p)}`);
  }
  if (textual) return renderText(st, p, mt);
  const top = mt.essence.split('/')[0];
  if (top === 'image' || top === 'audio' || top === 'video' || typeSupported(st, p.contentType) !== Infinity) {
    // The client renders media (and types it listed as supported) itself; we only describe them.
    rule(st, 'media-placeholder');
    return placeholderBlock(`${mediaNoun(st, p.contentType)}: ${describeType(st, p)}`);
  }
  rule(st, 'unknown-media-type');
  warn(st, 'unsupported-part', mt.essence || '(no content type)');
  return placeholderBlock(`${st.t('placeholder.unsupported')}: ${describeType(st, p) || '?'}`);
}

function renderExternal(st: State, p: ExternalPart): Block {
  const now = st.ctx.now ?? Date.now();
  const expired = p.expires !== 0 && p.expires * 1000 <= now;
  const linkOk = linkAllowed(p.url) && !/^mimi:/i.test(p.url);
  const url = shownUrl(p.url); // decision D20: controls are never shown, nor put in an href
  const lines: { text: string; md: string; html: string }[] = [];
  const line = (text: string, md = mdInline(text), html = escapeHtml(text)) => lines.push({ text, md, html });
  const linkLine = (note?: string) => {
    if (expired) {
      rule(st, 'external-expired');
      line(st.t('attachment.linkExpired'));
      return;
    }
    const n = note ? ` (${note})` : '';
    if (linkOk)
      line(`${p.url}${n}`, `[${mdInline(p.url)}](<${p.url.replace(/[<>\s]/g, encodeURIComponent)}>)${mdInline(n)}`, `<a href="${escapeAttr(p.url)}" rel="${LINK_REL}">${escapeHtml(p.url)}</a>${escapeHtml(n)}`);
    else {
      if (url !== p.url) {
        rule(st, 'link-invalid');
        warn(st, 'link-invalid', url);
      } else rule(st, 'link-scheme');
      line(`${url}${n}`);
    }
  };
  if (p.disposition === D_SESSION) {
    // draft §5.10 "Conferencing": a session URL, to be shown so the user can join.
    rule(st, 'session');
    line(`${st.t('session.label')} ${cleanLabel(p.description) || cleanLabel(p.filename) || url}`);
    linkLine();
  } else {
    // draft §4.5 "External content" / §5.9 "Attachments".
    rule(st, 'attachment');
    const name = cleanLabel(p.filename) || cleanLabel(p.description) || mediaNoun(st, p.contentType);
    const desc = describeType(st, p);
    line(`${st.t('attachment.label')} ${name}${desc ? ` (${desc})` : ''}`);
    if (cleanLabel(p.filename) && cleanLabel(p.description)) line(cleanLabel(p.description));
    if (p.encAlg !== 0) rule(st, 'encrypted-download');
    linkLine(p.encAlg !== 0 ? st.t('attachment.encrypted') : undefined);
  }
  return {
    text: lines.map((l) => l.text).join('\n'),
    markdown: lines.map((l) => l.md).join('\\\n'),
    html: `<p>${lines.map((l) => l.html).join('<br />')}</p>`,
  };
}

function renderPart(st: State, p: NestedPart): Block | undefined {
  if (st.consumed !== undefined) {
    const idx = partIndex(st).indexOf.get(p);
    if (idx !== undefined && st.consumed.has(idx)) return undefined; // draft §4.4: skip parts already referenced
  }
  if (p.disposition > D_PREVIEW) {
    // draft §9.1: an unknown disposition "should be treated as if it were render".
    rule(st, 'unknown-disposition');
    warn(st, 'unknown-disposition', String(p.disposition));
  }
  let b: Block | undefined;
  switch (p.cardinality) {
    case 'nullpart':
      return undefined;
    case 'single':
      b = renderSingle(st, p);
      break;
    case 'external':
      b = renderExternal(st, p);
      break;
    case 'multi':
      b = renderMulti(st, p);
      break;
  }
  if (b && p.disposition === D_PREVIEW) {
    rule(st, 'preview');
    const label = st.t('preview.label');
    b = { text: `${label} ${b.text}`, markdown: `${mdInline(label)} ${b.markdown}`, html: `<p>${escapeHtml(label)}</p>${b.html}` };
  }
  return b;
}

function renderMulti(st: State, m: MultiPart): Block | undefined {
  if (m.partSemantics === 'chooseOne') {
    rule(st, 'choose-one');
    checkAlternatives(st, m);
    return renderPart(st, chooseOne(st, m));
  }
  if (m.partSemantics === 'singleUnit') {
    // draft §4.4 singleUnit: if even one nested part is not understood, process none of them.
    if (unsupportedCount(st, m) > 0) {
      rule(st, 'single-unit-unsupported');
      warn(st, 'unsupported-part', 'singleUnit');
      return placeholderBlock(st.t('placeholder.unitUnsupported'));
    }
    rule(st, 'single-unit');
  } else rule(st, 'process-all');
  const blocks: Block[] = [];
  for (const c of m.parts) {
    const b = renderPart(st, c);
    if (b) blocks.push(b);
  }
  return joinBlocks(blocks);
}

// ------------------------------------------------------------------ reactions

/**
 * The reaction keys of a reaction body: the text of each text/plain part (a processAll multipart gives
 * several, draft Appendix B.2), or a description of a non-text reaction. Control and bidi characters are
 * removed; each key is at most 64 code points.
 *
 * @param part - the body of a reaction message
 * @returns the keys, in order, without duplicates
 * @example
 * ```ts
 * reactionKeys(content.nestedPart); // ['❤']
 * ```
 */
export function reactionKeys(part: NestedPart): string[] {
  const out: string[] = [];
  const seen = new Set<string>(); // not out.includes: a body may carry a great many parts
  const add = (k: string) => {
    const c = truncate(cleanLabel(k), 64);
    if (c !== '' && !seen.has(c)) {
      seen.add(c);
      out.push(c);
    }
  };
  const walk = (p: NestedPart) => {
    if (p.cardinality === 'multi') {
      if (p.partSemantics === 'chooseOne') {
        const first = p.parts.find((c) => c.cardinality === 'single' && parseMediaType(c.contentType).essence === 'text/plain') ?? p.parts[0]!;
        walk(first);
      } else p.parts.forEach(walk);
    } else if (p.cardinality === 'single') {
      if (parseMediaType(p.contentType).essence === 'text/plain') add(utf8.decode(p.content));
      else add(`[${parseMediaType(p.contentType).essence}]`);
    } else if (p.cardinality === 'external') add(`[${parseMediaType(p.contentType).essence || 'external'} ${shownUrl(p.url)}]`);
  };
  walk(part);
  return out;
}

// ------------------------------------------------------------------ message

/** The three forms of a message being composed, with the fallback ranges inserted into each. */
class Outputs {
  text = '';
  markdown = '';
  html = '';
  textRanges: FallbackRange[] | undefined = undefined;
  markdownRanges: FallbackRange[] | undefined = undefined;
  htmlRanges: FallbackRange[] | undefined = undefined;

  add(b: Block, k?: FallbackRange['for']): void {
    const t = this.text.length;
    const m = this.markdown.length;
    const h = this.html.length;
    this.text += b.text;
    this.markdown += b.markdown;
    this.html += b.html;
    if (k === undefined) return;
    if (b.text !== '') this.textRanges = plus(this.textRanges, rangeOf(this.text, t, this.text.length, k));
    if (b.markdown !== '') this.markdownRanges = plus(this.markdownRanges, rangeOf(this.markdown, m, this.markdown.length, k));
    if (b.html !== '') this.htmlRanges = plus(this.htmlRanges, rangeOf(this.html, h, this.html.length, k));
  }
}

function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * Renders one MIMI message as plain text, GFM-MIMI markdown and sanitized HTML, for a receiver that may
 * not support every feature. See the rules table ({@link RULES}) and docs/fallback.md.
 *
 * @param content - the decoded message
 * @param context - locale, display names, capabilities, reply-target lookup, … (all optional)
 * @returns the three forms, the kind, the rules applied, fallback ranges, warnings and mentions
 * @throws never for valid MimiContent: unknown types and dispositions render as placeholders
 * @example
 * ```ts
 * import { render } from 'mimi-kit/fallback';
 * const r = render(content, { locale: 'fr', displayName: (u) => names.get(u) });
 * notify(r.text);
 * ```
 */
export function render(content: MimiContent, context: RenderContext = {}): Rendering {
  return renderMessage(content, context, context.sender, context.hubTimestamp, context.resolveMessage);
}

/**
 * {@link render} with the per-message values passed apart from the (shared) context, as the
 * conversation view renders every entry with one context.
 *
 * @param content - the decoded message
 * @param context - the render context (its `sender`, `hubTimestamp` and `resolveMessage` are ignored)
 * @param sender - the sender (draft §3.7), else the content's `senderUri` extension
 * @param hubTimestamp - hub timestamp (ms), base of relative expiry
 * @param resolve - reply-target lookup
 * @param targetHex - hex of `content.inReplyTo`, when the caller has it
 * @returns as {@link render}
 * @internal
 */
export function renderMessage(
  content: MimiContent,
  context: RenderContext,
  sender: string | undefined,
  hubTimestamp: number | undefined,
  resolve: ((idHex: string) => ReferencedMessage | undefined) | undefined,
  targetHex?: string,
): Rendering {
  const st = newState(context, content.nestedPart);
  const kind = classify(content);
  const out = new Outputs();

  switch (kind) {
    case 'delete': {
      rule(st, 'delete');
      out.add(labelBlock(st.t('delete.request', { name: nameOf(st, sender ?? content.extensions.senderUri) })), 'delete');
      break;
    }
    case 'unlike': {
      rule(st, 'unlike');
      out.add(labelBlock(st.t('unlike.request', { name: nameOf(st, sender ?? content.extensions.senderUri) })), 'unlike');
      break;
    }
    case 'reaction': {
      const keys = reactionKeys(content.nestedPart);
      rule(st, keys.length > 1 ? 'reactions-multi' : 'reaction');
      const prefix = st.t(keys.length > 1 ? 'reactions.prefix' : 'reaction.prefix') + ' ';
      out.add({ text: prefix, markdown: mdInline(prefix), html: `<p><span class="mimi-fallback">${escapeHtml(prefix)}</span>` }, 'reaction');
      // draft §5.3: reactions are never concatenated into one string; ", " keeps them apart.
      const list = keys.join(', ');
      out.add({ text: list, markdown: mdInline(list), html: `${escapeHtml(list)}</p>` });
      break;
    }
    case 'edit': {
      rule(st, 'edit');
      const body = renderPart(st, content.nestedPart) ?? placeholderBlock(st.t('placeholder.empty'));
      const p = st.t('edit.prefix');
      out.add({ text: p + ' ', markdown: mdInline(p) + '\n\n', html: `<p class="mimi-fallback">${escapeHtml(p)}</p>` }, 'edit');
      out.add(body);
      break;
    }
    case 'reply':
    case 'message': {
      if (kind === 'reply') out.add(replyQuote(st, targetHex ?? idHex(content.inReplyTo!), resolve), 'reply');
      const body = renderPart(st, content.nestedPart);
      if (body) out.add(body);
      else {
        rule(st, 'empty');
        out.add(placeholderBlock(st.t('placeholder.empty')));
      }
      break;
    }
  }

  if (content.expires !== null && kind !== 'delete' && kind !== 'unlike') {
    // draft §4.1 expires / §5.8: absolute seconds, or seconds relative to the hub timestamp.
    rule(st, 'expiring');
    const e = content.expires;
    const at = e.relative ? (hubTimestamp !== undefined ? hubTimestamp + e.time * 1000 : undefined) : e.time * 1000;
    const note = at !== undefined ? st.t('expires.absolute', { time: formatTime(at) }) : st.t('expires.relative', { seconds: String(e.time) });
    out.add({ text: `\n\n(${note})`, markdown: `\n\n${mdInline(`(${note})`)}`, html: `<p class="mimi-fallback">(${escapeHtml(note)})</p>` }, 'expiring');
  }

  return {
    text: out.text,
    markdown: out.markdown,
    html: out.html,
    kind,
    rules: st.rules ?? [],
    fallbackRanges: { text: out.textRanges ?? [], markdown: out.markdownRanges ?? [], html: out.htmlRanges ?? [] },
    warnings: st.warnings ?? [],
    mentions: st.mentions === undefined ? [] : [...st.mentions],
  };
}

/** Escapes a line of a reply quote (inline markup, and a block marker at its start). */
function mdLine(s: string): string {
  const m = mdInline(s);
  return BLOCK_MARK.test(m) ? '\\' + m : m;
}

const BLOCK_MARK = /^(?:[#+\-=]|\d+[.)])/;

function replyQuote(st: State, targetHex: string, resolve: ((idHex: string) => ReferencedMessage | undefined) | undefined): Block {
  const ref = resolve?.(targetHex) ?? { status: 'unknown' as const };
  if (ref.status !== 'available') {
    // draft §5.6: replies to a deleted message hide the quoted portion; same for expired/unknown.
    rule(st, 'reply-unavailable');
    const key = ref.status === 'deleted' ? 'reply.deleted' : ref.status === 'expired' ? 'reply.expired' : ref.status === 'loop' ? 'reply.loop' : 'reply.unknown';
    const line = st.t(key);
    return { text: `> ${line}\n\n`, markdown: `> ${mdInline(line)}\n\n`, html: `<blockquote class="mimi-reply"><p>${escapeHtml(line)}</p></blockquote>` };
  }
  rule(st, 'reply');
  const wrote = st.t('reply.wrote', { name: nameOf(st, ref.sender) });
  const max = st.ctx.quoteMaxCodePoints ?? 80;
  let excerpt = '';
  if (max > 0) {
    // Only the body's plain text, never a nested quote; one line, truncated (Matrix MSC2781 lesson).
    let text = ref.text;
    if (text === undefined) {
      const kind = classify(ref.content);
      text =
        kind === 'reaction'
          ? reactionKeys(ref.content.nestedPart).join(', ')
          : kind === 'delete' || kind === 'unlike'
            ? ''
            : (renderPart(newState(st.ctx, ref.content.nestedPart, true), ref.content.nestedPart)?.text ?? '');
    }
    excerpt = truncate(text, max);
  }
  if (ref.editedSince) {
    rule(st, 'reply-to-edited');
    excerpt = `${excerpt} ${st.t('reply.editedSince')}`.trim();
  }
  if (excerpt === '') return { text: `> ${wrote}\n\n`, markdown: `> ${mdLine(wrote)}\n\n`, html: `<blockquote class="mimi-reply"><p>${escapeHtml(wrote)}</p></blockquote>` };
  return {
    text: `> ${wrote}\n> ${excerpt}\n\n`,
    markdown: `> ${mdLine(wrote)}\\\n> ${mdLine(excerpt)}\n\n`,
    html: `<blockquote class="mimi-reply"><p>${escapeHtml(wrote)}<br />${escapeHtml(excerpt)}</p></blockquote>`,
  };
}

/**
 * Renders only the body (NestedPart) of a message, without reply quotes, edit markers or expiry notes.
 *
 * @param part - a NestedPart
 * @param context - as for {@link render}
 * @returns text, markdown and HTML (empty strings for a NullPart)
 * @example
 * ```ts
 * renderBody(content.nestedPart).text;
 * ```
 */
export function renderBody(part: NestedPart, context: RenderContext = {}): { text: string; markdown: string; html: string } {
  const st = newState(context, part);
  return renderPart(st, part) ?? { text: '', markdown: '', html: '' };
}
