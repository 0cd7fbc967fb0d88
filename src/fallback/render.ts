/**
 * `render(content, context)`: plain text, GFM-MIMI markdown and sanitized HTML for one MIMI message,
 * following the rules table in rules.ts. The body itself is rendered by renderParts.ts; this module adds
 * what the message as a whole says (its kind, reply quote, expiry note) and the reaction keys.
 *
 * @module
 */
import type { MimiContent } from '../content/mimiContent.js';
import type { NestedPart } from '../content/nestedPart.js';
import { D_REACTION, labelBlock, placeholderBlock, renderPart, utf8 } from './renderParts.js';
import { cleanLabel, nameOf, newState, rule, type Block, type State } from './renderState.js';
import { mdInline } from './tree.js';
import { escapeHtml, idHex, parseMediaType, plus, rangeOf, shownUrl, truncate } from './text.js';
import type { FallbackRange, MessageKind, ReferencedMessage, RenderContext, Rendering } from './types.js';

export { DEFAULT_SUPPORTED_TYPES } from './renderState.js';

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
