/**
 * A message body (NestedPart, draft §4.4-§4.5) as a rendered {@link Block}: text parts formatted
 * (plain, markdown, HTML, within RENDER_LIMITS), media, attachments and sessions described, multiparts
 * processed by their semantics, images and cid: references resolved.
 *
 * @module
 */
import type { ExternalPart, MultiPart, NestedPart, SinglePart } from '../content/nestedPart.js';
import { chooseOne, isTextType, typeSupported, unsupportedCount } from './capabilities.js';
import { RENDER_LIMITS, utf8Cut } from './limits.js';
import { htmlToTree, markdownToTree } from './parse.js';
import { cleanLabel, newState, partIndex, rule, warn, type Block, type State } from './renderState.js';
import { emitHtml, emitMarkdown, emitText, LINK_REL, linkAllowed, mdInline, type EmitEnv, type Node } from './tree.js';
import { escapeAttr, escapeHtml, escapeMarkdown, humanSize, parseMediaType, shownUrl, type MediaType } from './text.js';

// draft-ietf-mimi-content §4.4 "Message Bodies": base dispositions.
export const D_REACTION = 2;
const D_PROFILE = 3;
const D_ICON = 5;
const D_ATTACHMENT = 6;
const D_SESSION = 7;
const D_PREVIEW = 8;

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

export const utf8 = new TextDecoder('utf-8', { fatal: false });
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

export function labelBlock(text: string, html?: string): Block {
  return { text, markdown: mdInline(text), html: `<p>${html ?? escapeHtml(text)}</p>` };
}

export function placeholderBlock(label: string): Block {
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

export function renderPart(st: State, p: NestedPart): Block | undefined {
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
