/**
 * The conversation view: a stream of received messages, in any order, reduced to the timeline a person
 * sees once edits, deletes, reactions, replies, expiry and topics are applied.
 *
 * The result depends only on the *set* of messages received (not on their arrival order), as long as
 * the pending buffer never overflowed: every derived value is computed from indexes when the view is
 * taken, and relations that arrive before their target wait in a capped buffer.
 *
 * @module
 */
import type { MimiContent } from '../content/mimiContent.js';
import { MimiError } from '../errors.js';
import { classify, reactionKeys, render } from './render.js';
import { translator } from './i18n.js';
import { escapeHtml, idHex, rangeOf, stripFallback } from './text.js';
import { mdInline } from './tree.js';
import type {
  AuthorizeAction,
  MessageKind,
  ReceivedMessage,
  ReferencedMessage,
  RenderContext,
  Rendering,
} from './types.js';

/** Options of a {@link Conversation}. */
export interface ConversationOptions {
  /**
   * Room policy: may the actor edit/delete a message it did not send? Default: never (draft §9.3
   * "Receiving clients MUST NOT allow parties other than the original sender ... unless there is a
   * specific, concrete authorization policy").
   */
  readonly authorize?: AuthorizeAction;
  /** Most relations (edits, deletes, reactions, unlikes) kept while their target is unknown. Default 10 000. */
  readonly maxPending?: number;
  /** Most rejections kept for reporting (the count is always exact). Default 1 000. */
  readonly maxRejections?: number;
  /**
   * When the local user read a message (ms), for relative expiry. Default: relative expiry counts from
   * the hub timestamp (docs/decisions.md (Fallback) D5).
   */
  readonly readAt?: (idHex: string) => number | undefined;
}

/** Why an edit or delete was not applied. */
export interface Rejection {
  /** Hex ID of the rejected edit/delete. */
  readonly id: string;
  readonly kind: 'edit' | 'delete';
  readonly actor: string;
  /** Hex ID of the targeted original. */
  readonly targetId: string;
  readonly targetSender: string;
  readonly reason: 'not-authorized' | 'bad-target';
}

/** The result of {@link Conversation.add}. */
export type AddOutcome =
  | { readonly status: 'added' }
  | { readonly status: 'applied' }
  | { readonly status: 'pending' }
  | { readonly status: 'duplicate' }
  | { readonly status: 'rejected'; readonly rejection: Rejection };

/** Reactions with one key on one message. */
export interface ReactionSummary {
  /** The reaction (an emoji, or a description of a non-text reaction). */
  readonly key: string;
  /** Distinct senders (one reaction per sender per key). */
  readonly count: number;
  /** Senders, in order of their reaction. */
  readonly senders: readonly string[];
  /** How many of them reacted to an earlier version than the one shown (draft §9.3). */
  readonly onPreviousVersion: number;
}

/** What a reply points at. */
export interface ReplyTarget {
  /** Hex ID of the referenced version. */
  readonly id: string;
  /** Hex ID of the original message of that version, when known. */
  readonly rootId?: string;
  readonly status: 'available' | 'deleted' | 'expired' | 'unknown' | 'loop';
  /** The referenced version is not the current one. */
  readonly editedSince?: boolean;
  readonly sender?: string;
}

/** One message of the timeline. */
export interface TimelineEntry {
  /** Hex message ID of the original. */
  readonly id: string;
  readonly sender: string;
  readonly hubTimestamp: number;
  readonly kind: 'message' | 'reply';
  readonly state: 'visible' | 'deleted';
  /** The current version (original fields, latest authorized body), or null once deleted. */
  readonly content: MimiContent | null;
  /** Hex ID of the version shown (the original's or the winning edit's). */
  readonly versionId: string;
  readonly edited: boolean;
  /** Hex IDs of authorized edits, oldest first. */
  readonly edits: readonly string[];
  readonly editedBy?: string;
  readonly editedAt?: number;
  readonly deletedBy?: string;
  readonly deletedAt?: number;
  readonly reactions: readonly ReactionSummary[];
  readonly replyTo?: ReplyTarget;
  /** Hex topic ID, '' when none (draft §5.11). */
  readonly topicId: string;
  /** When it disappears (ms), if it expires. */
  readonly expiresAt?: number;
}

/** A topic and its entries (draft §5.11: ordered by timestamp, then lowest message ID). */
export interface TopicGroup {
  readonly topicId: string;
  readonly entryIds: readonly string[];
}

/** The conversation as a person sees it at one instant. */
export interface TimelineView {
  /** All visible entries and tombstones, by hub timestamp then lowest message ID. */
  readonly entries: readonly TimelineEntry[];
  /** Topics in order of their first entry. */
  readonly topics: readonly TopicGroup[];
  /** Edits/deletes not applied, sorted by ID. */
  readonly rejected: readonly Rejection[];
  /** Total rejections (including ones not kept). */
  readonly rejectedCount: number;
  /** Relations still waiting for their target. */
  readonly pending: number;
  /** Relations dropped because the pending buffer was full. */
  readonly evicted: number;
  /** Duplicate message IDs ignored. */
  readonly duplicates: number;
  /** Earliest future expiry (ms): take a new view then. */
  readonly nextExpiry?: number;
}

interface Stored {
  readonly id: string;
  readonly sender: string;
  readonly ts: number;
  readonly content: MimiContent;
  readonly kind: MessageKind;
  /** Direct target (replaces for edit/delete/unlike, inReplyTo for reaction), hex. */
  readonly target: string | undefined;
  readonly inReplyTo: string | undefined;
}

interface Rel {
  edits: Stored[];
  deletes: Stored[];
  reactions: Stored[];
}

const NONE: readonly never[] = Object.freeze([]);

/** Sort order of the draft (§5.11): timestamp, then lexically lowest message ID. */
function before(a: { ts: number; id: string }, b: { ts: number; id: string }): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Reduces received messages to a timeline. Feed it with {@link Conversation.add} in any order, then take
 * a {@link Conversation.view}; {@link Conversation.render} renders an entry with the room's context.
 *
 * @example
 * ```ts
 * const conv = new Conversation({ authorize: (a) => policy.mayModerate(a.actor) });
 * for (const m of received) conv.add(m);
 * for (const e of conv.view(Date.now()).entries) show(conv.render(e, { displayName }));
 * ```
 */
export class Conversation {
  readonly #authorize: AuthorizeAction | undefined;
  readonly #maxPending: number;
  readonly #maxRejections: number;
  readonly #readAt: ConversationOptions['readAt'];
  readonly #msgs = new Map<string, Stored>();
  readonly #rels = new Map<string, Rel>();
  /** Pending relations in arrival order: relation id -> target id. */
  readonly #pendingOrder = new Map<string, string>();
  /** target id -> relation ids waiting for it. */
  readonly #pendingBy = new Map<string, Set<string>>();
  readonly #rejections = new Map<string, Rejection>();
  #rejectedCount = 0;
  /** Body text by `versionId|locale`, for reply quotes; cleared when the display-name resolver changes. */
  readonly #textCache = new Map<string, string>();
  /** Version IDs that some reply references (from the last view): only those are cached. */
  #quoted = new Set<string>();
  #textCacheOwner: unknown = undefined;
  #textCacheLocale = 'en';
  #evicted = 0;
  #duplicates = 0;

  /**
   * @param options - authorization callback, buffer limits, read times
   * @throws {@link MimiError} `fallback/bad-option` for a negative or non-integer limit
   */
  constructor(options: ConversationOptions = {}) {
    this.#authorize = options.authorize;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#maxRejections = options.maxRejections ?? 1_000;
    this.#readAt = options.readAt;
    for (const [k, v] of [['maxPending', this.#maxPending], ['maxRejections', this.#maxRejections]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new MimiError('fallback/bad-option', `${k} must be a non-negative integer`, { path: [k] });
    }
  }

  /** Number of messages stored (originals and relations, pending included). */
  get size(): number {
    return this.#msgs.size;
  }

  /**
   * Adds one received message.
   *
   * @param msg - content plus derived values (ID, sender, hub timestamp)
   * @returns what happened: added (a new entry), applied (a relation to a known target), pending
   *   (target unknown so far), duplicate (ID already seen, ignored), rejected (unauthorized edit/delete)
   * @throws {@link MimiError} `fallback/bad-message` when the ID is not 32 octets or the timestamp is not a number
   * @example
   * ```ts
   * conv.add({ id, sender: 'mimi://example.com/u/bob', hubTimestamp: 1644387237492, content });
   * ```
   */
  add(msg: ReceivedMessage): AddOutcome {
    const id = idHex(msg.id);
    if (!/^[0-9a-f]{64}$/.test(id)) throw new MimiError('fallback/bad-message', 'message ID must be 32 octets', { path: ['id'] });
    if (!Number.isFinite(msg.hubTimestamp)) throw new MimiError('fallback/bad-message', 'hubTimestamp must be a number', { path: ['hubTimestamp'] });
    // draft §9.1: a message ID which duplicates one already encountered is discarded.
    if (this.#msgs.has(id)) {
      this.#duplicates++;
      return { status: 'duplicate' };
    }
    const c = msg.content;
    const kind = classify(c);
    const target =
      kind === 'edit' || kind === 'delete' || kind === 'unlike'
        ? idHex(c.replaces!)
        : kind === 'reaction' && c.inReplyTo !== null
          ? idHex(c.inReplyTo)
          : undefined;
    const stored: Stored = {
      id,
      sender: msg.sender,
      ts: msg.hubTimestamp,
      content: c,
      kind,
      target, // one object shape for every message (fast property access)
      inReplyTo: c.inReplyTo !== null ? idHex(c.inReplyTo) : undefined,
    };
    this.#msgs.set(id, stored);
    let outcome: AddOutcome;
    if (target === undefined) outcome = { status: 'added' };
    else if (this.#msgs.has(target) && !this.#pendingOrder.has(target)) outcome = this.#attach(stored);
    else outcome = this.#park(stored, target); // target unknown, or itself still waiting
    // Whatever waited for this message can now be attached (and, recursively, what waited for those).
    this.#release(id);
    return outcome;
  }

  /**
   * Adds many messages.
   *
   * @param msgs - received messages, any order
   * @returns this
   */
  addAll(msgs: Iterable<ReceivedMessage>): this {
    for (const m of msgs) this.add(m);
    return this;
  }

  #park(s: Stored, target: string): AddOutcome {
    this.#pendingOrder.set(s.id, target);
    let set = this.#pendingBy.get(target);
    if (!set) this.#pendingBy.set(target, (set = new Set()));
    set.add(s.id);
    while (this.#pendingOrder.size > this.#maxPending) {
      // Evict the oldest pending relation (and forget it, so memory stays bounded).
      const [oldId, oldTarget] = this.#pendingOrder.entries().next().value as [string, string];
      this.#pendingOrder.delete(oldId);
      const ws = this.#pendingBy.get(oldTarget);
      ws?.delete(oldId);
      if (ws && ws.size === 0) this.#pendingBy.delete(oldTarget);
      this.#msgs.delete(oldId);
      this.#evicted++;
    }
    return { status: 'pending' };
  }

  #release(id: string): void {
    const queue = [id];
    while (queue.length > 0) {
      const t = queue.pop()!;
      if (this.#pendingOrder.has(t)) continue; // still waiting itself
      const waiting = this.#pendingBy.get(t);
      if (!waiting) continue;
      this.#pendingBy.delete(t);
      for (const rid of waiting) {
        this.#pendingOrder.delete(rid);
        const r = this.#msgs.get(rid);
        if (!r) continue;
        this.#attach(r);
        queue.push(rid);
      }
    }
  }

  /** Root original of a message: follows edit chains (an edit of an edit). */
  #root(id: string): Stored | undefined {
    let s = this.#msgs.get(id);
    for (let i = 0; s && s.kind === 'edit' && s.target !== undefined && i < 64; i++) s = this.#msgs.get(s.target);
    return s;
  }

  #attach(s: Stored): AddOutcome {
    const root = this.#root(s.target!);
    if (!root || root.kind === 'edit' || root.kind === 'delete' || root.kind === 'unlike') {
      return this.#reject(s, root, 'bad-target');
    }
    if ((s.kind === 'edit' || s.kind === 'delete' || s.kind === 'unlike') && s.sender !== root.sender) {
      // draft §9.3: only the original sender, unless a concrete authorization policy allows it.
      let ok = false;
      try {
        ok = this.#authorize?.({ kind: s.kind === 'edit' ? 'edit' : 'delete', actor: s.sender, targetSender: root.sender, targetId: root.id }) === true;
      } catch {
        ok = false; // a failing policy refuses; it must not leave the buffers half-updated
      }
      if (!ok) return this.#reject(s, root, 'not-authorized');
    }
    if (s.kind === 'reaction' && root.kind === 'reaction') return this.#reject(s, root, 'bad-target');
    let rel = this.#rels.get(root.id);
    if (!rel) this.#rels.set(root.id, (rel = { edits: [], deletes: [], reactions: [] }));
    if (s.kind === 'edit') rel.edits.push(s);
    else if (s.kind === 'reaction') rel.reactions.push(s);
    else rel.deletes.push(s);
    return { status: 'applied' };
  }

  #reject(s: Stored, root: Stored | undefined, reason: Rejection['reason']): AddOutcome {
    const r: Rejection = {
      id: s.id,
      kind: s.kind === 'edit' ? 'edit' : 'delete',
      actor: s.sender,
      targetId: root?.id ?? s.target ?? '',
      targetSender: root?.sender ?? '',
      reason,
    };
    if (s.kind === 'reaction') return { status: 'rejected', rejection: r }; // reactions to non-messages: ignored, not reported
    this.#rejectedCount++;
    if (this.#rejections.size < this.#maxRejections) this.#rejections.set(s.id, r);
    return { status: 'rejected', rejection: r };
  }

  #expiresAt(s: Stored): number | undefined {
    const e = s.content.expires;
    if (e === null) return undefined;
    if (!e.relative) return e.time * 1000;
    return (this.#readAt?.(s.id) ?? s.ts) + e.time * 1000;
  }

  /** Latest authorized edit: by hub timestamp, ties by lowest message ID. */
  #winner(rel: Rel | undefined): Stored | undefined {
    let w: Stored | undefined;
    for (const e of rel?.edits ?? []) {
      if (!w || e.ts > w.ts || (e.ts === w.ts && e.id < w.id)) w = e;
    }
    return w;
  }

  #isDeleted(rel: Rel | undefined): boolean {
    return (rel?.deletes.length ?? 0) > 0;
  }

  /**
   * Forgets messages that have expired at `now`, with their edits, deletes and reactions, so a
   * long-running client's memory follows what is visible. A pruned message that is delivered again is
   * stored again, and hidden again by the same expiry.
   *
   * @param now - current time in ms
   * @returns how many messages were forgotten
   * @example
   * ```ts
   * setInterval(() => conv.prune(Date.now()), 60_000);
   * ```
   */
  prune(now: number = Date.now()): number {
    let n = 0;
    for (const s of [...this.#msgs.values()]) {
      if (s.kind !== 'message' && s.kind !== 'reply') continue;
      const exp = this.#expiresAt(s);
      if (exp === undefined || exp > now) continue;
      const rel = this.#rels.get(s.id);
      for (const r of rel ? [...rel.edits, ...rel.deletes, ...rel.reactions] : []) {
        const rr = this.#rels.get(r.id);
        for (const x of rr ? [...rr.edits, ...rr.deletes] : []) if (this.#msgs.delete(x.id)) n++;
        this.#rels.delete(r.id);
        if (this.#msgs.delete(r.id)) n++;
      }
      this.#rels.delete(s.id);
      if (this.#msgs.delete(s.id)) n++;
    }
    this.#textCache.clear();
    return n;
  }

  /**
   * The state of a referenced message, for a reply (draft §4.1: a reply references one version).
   *
   * @param id - hex ID of any version
   * @param now - current time (ms) for expiry
   * @returns the referenced message as {@link render} expects it
   */
  resolve(id: string, now: number = Date.now()): ReferencedMessage {
    const r = this.#ref(id.toLowerCase(), now);
    if (r.status !== 'available') return { status: r.status };
    const content = { ...r.root.content, nestedPart: r.version.content.nestedPart };
    return r.editedSince ? { status: 'available', sender: r.root.sender, content, editedSince: true } : { status: 'available', sender: r.root.sender, content };
  }

  /** Status of a referenced version without building any content. */
  #ref(
    id: string,
    now: number,
  ): { status: 'available'; root: Stored; version: Stored; editedSince: boolean } | { status: 'unknown' | 'deleted' | 'expired'; root?: Stored } {
    const v = this.#msgs.get(id);
    if (!v || this.#pendingOrder.has(v.id)) return { status: 'unknown' };
    const root = this.#root(v.id);
    if (!root || (root.kind !== 'message' && root.kind !== 'reply' && root.kind !== 'reaction')) return { status: 'unknown' };
    const rel = this.#rels.get(root.id);
    if (this.#isDeleted(rel)) return { status: 'deleted', root };
    const exp = this.#expiresAt(root);
    if (exp !== undefined && exp <= now) return { status: 'expired', root };
    if (v.kind === 'edit' && !rel?.edits.includes(v)) return { status: 'unknown' }; // a rejected edit
    const current = this.#winner(rel) ?? root;
    return { status: 'available', root, version: v, editedSince: current.id !== v.id };
  }

  /**
   * The timeline at `now`.
   *
   * @param now - current time in ms (expired messages are left out). Default `Date.now()`.
   * @returns entries, topics, rejections and buffer statistics
   * @example
   * ```ts
   * const { entries, topics } = conv.view(Date.now());
   * ```
   */
  view(now: number = Date.now()): TimelineView {
    const entries: TimelineEntry[] = [];
    let nextExpiry: number | undefined;
    const loops = this.#loopSet();
    const quoted = new Set<string>();
    const originals: Stored[] = [];
    for (const s of this.#msgs.values()) if ((s.kind === 'message' || s.kind === 'reply') && !this.#pendingOrder.has(s.id)) originals.push(s);
    originals.sort(before);
    for (const s of originals) {
      const exp = this.#expiresAt(s);
      if (exp !== undefined) {
        if (exp <= now) continue; // draft §5.8: deleted at the indicated time, no placeholder
        if (nextExpiry === undefined || exp < nextExpiry) nextExpiry = exp;
      }
      const rel = this.#rels.get(s.id);
      const deleted = this.#isDeleted(rel);
      const win = this.#winner(rel);
      const e: { -readonly [K in keyof TimelineEntry]: TimelineEntry[K] } = {
        id: s.id,
        sender: s.sender,
        hubTimestamp: s.ts,
        kind: s.kind === 'reply' ? 'reply' : 'message',
        state: deleted ? 'deleted' : 'visible',
        content: deleted ? null : win ? { ...s.content, nestedPart: win.content.nestedPart } : s.content,
        versionId: win && !deleted ? win.id : s.id,
        edited: win !== undefined,
        edits: rel && rel.edits.length > 0 ? [...rel.edits].sort(before).map((x) => x.id) : NONE,
        reactions: deleted || !rel ? NONE : this.#reactions(rel, win ?? s, now),
        topicId: s.content.topicId.length > 0 ? idHex(s.content.topicId) : '',
      };
      if (win) {
        e.editedBy = win.sender;
        e.editedAt = win.ts;
      }
      if (deleted) {
        const del = [...rel!.deletes].sort(before)[0]!;
        e.deletedBy = del.sender;
        e.deletedAt = del.ts;
      }
      if (s.inReplyTo !== undefined) {
        e.replyTo = this.#replyTarget(s, loops, now);
        quoted.add(s.inReplyTo);
      }
      if (exp !== undefined) e.expiresAt = exp;
      entries.push(e);
    }
    this.#quoted = quoted;
    const topics = new Map<string, string[]>();
    for (const e of entries) {
      if (e.topicId === '') continue;
      let l = topics.get(e.topicId);
      if (!l) topics.set(e.topicId, (l = []));
      l.push(e.id);
    }
    return {
      entries,
      topics: [...topics].map(([topicId, entryIds]) => ({ topicId, entryIds })),
      rejected: [...this.#rejections.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
      rejectedCount: this.#rejectedCount,
      pending: this.#pendingOrder.size,
      evicted: this.#evicted,
      duplicates: this.#duplicates,
      ...(nextExpiry !== undefined ? { nextExpiry } : {}),
    };
  }

  #reactions(rel: Rel | undefined, shown: Stored, now: number): ReactionSummary[] {
    if (!rel || rel.reactions.length === 0) return [];
    const byKey = new Map<string, { first: Stored; senders: Map<string, { s: Stored; prev: boolean }> }>();
    for (const r of [...rel.reactions].sort(before)) {
      const rr = this.#rels.get(r.id);
      if (this.#isDeleted(rr)) continue; // unlike
      const exp = this.#expiresAt(r);
      if (exp !== undefined && exp <= now) continue;
      const body = (this.#winner(rr) ?? r).content.nestedPart;
      // draft §4.1: a reaction references one version; mark those to an older version (§9.3).
      const prev = r.target !== shown.id;
      for (const key of reactionKeys(body)) {
        let g = byKey.get(key);
        if (!g) byKey.set(key, (g = { first: r, senders: new Map() }));
        if (!g.senders.has(r.sender)) g.senders.set(r.sender, { s: r, prev });
      }
    }
    return [...byKey.entries()].map(([key, g]) => ({
      key,
      count: g.senders.size,
      senders: [...g.senders.keys()],
      onPreviousVersion: [...g.senders.values()].filter((x) => x.prev).length,
    }));
  }

  /** Messages whose inReplyTo chain runs into a loop (draft §4.1), computed iteratively in O(n). */
  #loopSet(): Set<string> {
    const state = new Map<string, 1 | 2>(); // 1 = on current path, 2 = done
    const loopy = new Set<string>();
    for (const m of this.#msgs.values()) {
      const start = m.id;
      if (m.inReplyTo === undefined || (m.kind !== 'reply' && m.kind !== 'message') || state.has(start)) continue;
      const path: string[] = [];
      let cur: string | undefined = start;
      let hitLoop = false;
      while (cur !== undefined) {
        const st = state.get(cur);
        if (st === 1) {
          hitLoop = true;
          break;
        }
        if (st === 2) {
          hitLoop = loopy.has(cur);
          break;
        }
        state.set(cur, 1);
        path.push(cur);
        cur = this.#msgs.get(cur)?.inReplyTo;
        if (cur !== undefined && !this.#msgs.has(cur)) cur = undefined;
      }
      for (const p of path) {
        state.set(p, 2);
        if (hitLoop) loopy.add(p);
      }
    }
    return loopy;
  }

  #replyTarget(s: Stored, loops: Set<string>, now: number): ReplyTarget {
    const id = s.inReplyTo!;
    if (loops.has(s.id)) return { id, status: 'loop' };
    const r = this.#ref(id, now);
    const t: { -readonly [K in keyof ReplyTarget]: ReplyTarget[K] } = { id, status: r.status };
    if (r.root) t.rootId = r.root.id;
    if (r.status === 'available') {
      t.sender = r.root.sender;
      if (r.editedSince) t.editedSince = true;
    }
    return t;
  }

  /**
   * Renders one timeline entry: a tombstone for a deleted message; otherwise the current version, with
   * the reply quote resolved against this conversation and an "(edited)" marker (draft §9.3).
   *
   * @param entry - an entry of {@link Conversation.view}
   * @param context - render context (locale, display names, …); `resolveMessage` defaults to this conversation
   * @param now - time for expiry decisions (default `Date.now()`)
   * @returns the rendering
   * @example
   * ```ts
   * conv.render(entry, { locale: 'de' }).text;
   * ```
   */
  render(entry: TimelineEntry, context: RenderContext = {}, now: number = Date.now()): Rendering {
    const locale = context.locale ?? 'en';
    if (context.displayName !== this.#textCacheOwner || context.catalogs !== undefined || locale !== this.#textCacheLocale) {
      this.#textCache.clear();
      this.#textCacheOwner = context.catalogs === undefined ? context.displayName : undefined;
      this.#textCacheLocale = locale;
    }
    const ctx: RenderContext = {
      ...context,
      sender: entry.sender,
      hubTimestamp: entry.hubTimestamp,
      resolveMessage:
        context.resolveMessage ??
        ((h) => {
          if (entry.replyTo?.status === 'loop') return { status: 'loop' };
          const ref = this.resolve(h, now);
          const text = ref.status === 'available' ? this.#textCache.get(h) : undefined;
          return text !== undefined ? { ...ref, text } : ref;
        }),
    };
    if (entry.content === null) {
      const t = translator(ctx);
      const text = t('delete.tombstone');
      const range = [rangeOf(text, 0, text.length, 'delete')];
      return {
        text,
        markdown: mdInline(text),
        html: `<p class="mimi-fallback">${escapeHtml(text)}</p>`,
        kind: 'delete',
        rules: ['delete'],
        fallbackRanges: { text: range, markdown: [rangeOf(mdInline(text), 0, mdInline(text).length, 'delete')], html: [] },
        warnings: [],
        mentions: [],
      };
    }
    const r = render(entry.content, ctx);
    // Remember the body text of this version for quotes in later replies (bounded cache).
    if (context.resolveMessage === undefined && this.#quoted.has(entry.versionId)) {
      if (this.#textCache.size >= 50_000) this.#textCache.clear();
      this.#textCache.set(entry.versionId, stripFallback(r.text, r.fallbackRanges.text).trim());
    }
    if (!entry.edited) return r;
    const marker = translator(ctx)('edited.marker');
    const add = (s: string, suffix: string) => ({ s: s + suffix, range: rangeOf(s + suffix, s.length, s.length + suffix.length, 'edit') });
    const t = add(r.text, ' ' + marker);
    const m = add(r.markdown, ' ' + mdInline(marker));
    const h = add(r.html, `<p class="mimi-fallback">${escapeHtml(marker)}</p>`);
    return {
      ...r,
      text: t.s,
      markdown: m.s,
      html: h.s,
      rules: r.rules.includes('edit') ? r.rules : [...r.rules, 'edit'],
      fallbackRanges: {
        text: [...r.fallbackRanges.text, t.range],
        markdown: [...r.fallbackRanges.markdown, m.range],
        html: [...r.fallbackRanges.html, h.range],
      },
    };
  }
}
