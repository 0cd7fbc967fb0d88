/**
 * The "fallback" vector suite: (content bytes + context) → expected text, markdown and HTML, and
 * (message sequence) → expected conversation view. Files: spec-vectors/fallback/*.json.
 *
 * @module
 */
import { hexToBytes } from '../cbor/hex.js';
import { decodeContent } from '../content/index.js';
import { Conversation } from '../fallback/conversation.js';
import { render } from '../fallback/render.js';
import type { Catalog, ReferencedMessage, RenderContext } from '../fallback/types.js';
import type { Vector, VectorOutcome, VectorSuite } from './format.js';

/** The JSON form of a render context in a vector. */
export interface RenderContextJson {
  locale?: string;
  displayNames?: Record<string, string>;
  sender?: string;
  hubTimestamp?: number;
  now?: number;
  supportedTypes?: string[];
  languages?: string[];
  quoteMaxCodePoints?: number;
  remoteImages?: boolean;
  maxMarkupBytes?: number;
  catalogs?: Record<string, Partial<Catalog>>;
  /** Referenced messages by hex ID: status, and for "available" the sender and content hex. */
  references?: Record<string, { status: ReferencedMessage['status']; sender?: string; content?: string; editedSince?: boolean }>;
}

/**
 * Turns a vector's JSON context into a {@link RenderContext}.
 *
 * @param j - the JSON context
 * @returns the render context
 * @example
 * ```ts
 * contextFromJson({ locale: 'fr', displayNames: { 'mimi://a/u/x': 'X' } });
 * ```
 */
export function contextFromJson(j: RenderContextJson = {}): RenderContext {
  const names = j.displayNames;
  const refs = j.references;
  return {
    ...(j.locale !== undefined ? { locale: j.locale } : {}),
    ...(names ? { displayName: (u: string) => names[u] } : {}),
    ...(j.sender !== undefined ? { sender: j.sender } : {}),
    ...(j.hubTimestamp !== undefined ? { hubTimestamp: j.hubTimestamp } : {}),
    now: j.now ?? 0,
    ...(j.supportedTypes ? { supportedTypes: j.supportedTypes } : {}),
    ...(j.languages ? { languages: j.languages } : {}),
    ...(j.quoteMaxCodePoints !== undefined ? { quoteMaxCodePoints: j.quoteMaxCodePoints } : {}),
    ...(j.remoteImages !== undefined ? { remoteImages: j.remoteImages } : {}),
    ...(j.maxMarkupBytes !== undefined ? { maxMarkupBytes: j.maxMarkupBytes } : {}),
    ...(j.catalogs ? { catalogs: j.catalogs } : {}),
    ...(refs
      ? {
          resolveMessage: (h: string): ReferencedMessage | undefined => {
            const r = refs[h];
            if (!r) return undefined;
            if (r.status !== 'available') return { status: r.status };
            return {
              status: 'available',
              sender: r.sender ?? '',
              content: decodeContent(hexToBytes(r.content ?? ''), { checks: false }),
              ...(r.editedSince ? { editedSince: true } : {}),
            };
          },
        }
      : {}),
  };
}

function diff(what: string, got: unknown, want: unknown): string | undefined {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  return g === w ? undefined : `${what}: got ${g}, expected ${w}`;
}

function sameSet(what: string, got: readonly string[], want: readonly string[]): string | undefined {
  return diff(what, [...new Set(got)].sort(), [...new Set(want)].sort());
}

interface RenderExpected {
  kind: string;
  text: string;
  markdown: string;
  html: string;
  rules?: string[];
  warnings?: string[];
  fallbackRanges?: Record<string, unknown[]>;
  mentions?: string[];
}

function verifyRender(v: Vector): VectorOutcome {
  const input = v.input as { content: string; context?: RenderContextJson };
  const want = v.expected as RenderExpected;
  const r = render(decodeContent(hexToBytes(input.content), { checks: false }), contextFromJson(input.context));
  return (
    diff('kind', r.kind, want.kind) ??
    diff('text', r.text, want.text) ??
    diff('markdown', r.markdown, want.markdown) ??
    diff('html', r.html, want.html) ??
    (want.rules ? sameSet('rules', r.rules, want.rules) : undefined) ??
    (want.warnings ? sameSet('warnings', r.warnings.map((w) => w.code), want.warnings) : undefined) ??
    (want.mentions ? sameSet('mentions', r.mentions, want.mentions) : undefined) ??
    (want.fallbackRanges
      ? (diff('fallbackRanges.text', r.fallbackRanges.text, want.fallbackRanges.text ?? []) ??
        diff('fallbackRanges.markdown', r.fallbackRanges.markdown, want.fallbackRanges.markdown ?? []))
      : undefined)
  );
}

interface TimelineInput {
  messages: { id: string; sender: string; hubTimestamp: number; content: string }[];
  now: number;
  /** Users the room policy lets edit/delete others' messages. */
  moderators?: string[];
  maxPending?: number;
  context?: RenderContextJson;
}

interface TimelineExpected {
  entries: {
    id: string;
    state: 'visible' | 'deleted';
    text: string;
    edited?: boolean;
    reactions?: { key: string; count: number; senders?: string[] }[];
    replyTo?: string;
    topicId?: string;
  }[];
  rejected?: { id: string; reason: string }[];
  topics?: { topicId: string; entryIds: string[] }[];
  pending?: number;
  evicted?: number;
  duplicates?: number;
}

function verifyTimeline(v: Vector): VectorOutcome {
  const input = v.input as TimelineInput;
  const want = v.expected as TimelineExpected;
  const mods = input.moderators ?? [];
  const conv = new Conversation({
    authorize: (a) => mods.includes(a.actor),
    ...(input.maxPending !== undefined ? { maxPending: input.maxPending } : {}),
  });
  for (const m of input.messages) {
    conv.add({ id: m.id, sender: m.sender, hubTimestamp: m.hubTimestamp, content: decodeContent(hexToBytes(m.content), { checks: false }) });
  }
  const view = conv.view(input.now);
  const ctx = contextFromJson({ now: input.now, ...input.context });
  const got = view.entries.map((e) => {
    const g: TimelineExpected['entries'][number] = { id: e.id, state: e.state, text: conv.render(e, ctx, input.now).text };
    return g;
  });
  const ids = diff('entry ids', got.map((g) => g.id), want.entries.map((w) => w.id));
  if (ids) return ids;
  for (let i = 0; i < want.entries.length; i++) {
    const w = want.entries[i]!;
    const e = view.entries[i]!;
    const r =
      diff(`entries[${i}].state`, e.state, w.state) ??
      diff(`entries[${i}].text`, got[i]!.text, w.text) ??
      (w.edited !== undefined ? diff(`entries[${i}].edited`, e.edited, w.edited) : undefined) ??
      (w.reactions
        ? diff(
            `entries[${i}].reactions`,
            e.reactions.map((x) => (w.reactions!.some((y) => y.senders) ? { key: x.key, count: x.count, senders: x.senders } : { key: x.key, count: x.count })),
            w.reactions,
          )
        : undefined) ??
      (w.replyTo !== undefined ? diff(`entries[${i}].replyTo`, e.replyTo?.status, w.replyTo) : undefined) ??
      (w.topicId !== undefined ? diff(`entries[${i}].topicId`, e.topicId, w.topicId) : undefined);
    if (r) return r;
  }
  return (
    (want.rejected ? diff('rejected', view.rejected.map((r) => ({ id: r.id, reason: r.reason })), want.rejected) : undefined) ??
    (want.topics ? diff('topics', view.topics, want.topics) : undefined) ??
    (want.pending !== undefined ? diff('pending', view.pending, want.pending) : undefined) ??
    (want.evicted !== undefined ? diff('evicted', view.evicted, want.evicted) : undefined) ??
    (want.duplicates !== undefined ? diff('duplicates', view.duplicates, want.duplicates) : undefined)
  );
}

/** The "fallback" suite. */
export const fallbackSuite: VectorSuite = {
  suite: 'fallback',
  verifiers: { render: verifyRender, timeline: verifyTimeline },
};
