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
import { MimiError } from '../errors.js';
import type { AddOutcome, ConversationOptions, Rejection, ReplyTarget, TimelineEntry, TimelineView } from './conversationTypes.js';
import { translator } from './i18n.js';
import { reactionSummaries } from './reactionSummary.js';
import { classify, renderMessage } from './render.js';
import { before, expiresAt, findLoops, isDeleted, LOOP_FOUND, marks, QUOTED, winner, type Stored } from './storedMessage.js';
import { escapeHtml, idHex, plus, rangeOf, stripFallback } from './text.js';
import { Entry, type ViewStamp } from './timelineEntry.js';
import { mdInline } from './tree.js';
import type { AuthorizeAction, ReceivedMessage, ReferencedMessage, RenderContext, Rendering } from './types.js';

export type {
  AddOutcome,
  ConversationOptions,
  ReactionSummary,
  Rejection,
  ReplyTarget,
  TimelineEntry,
  TimelineView,
  TopicGroup,
} from './conversationTypes.js';

const NONE: readonly never[] = Object.freeze([]);
const ADDED: AddOutcome = Object.freeze({ status: 'added' });
const APPLIED: AddOutcome = Object.freeze({ status: 'applied' });
const PENDING: AddOutcome = Object.freeze({ status: 'pending' });
const DUPLICATE: AddOutcome = Object.freeze({ status: 'duplicate' });
const HEX64 = /^[0-9a-f]{64}$/;

/** Marks the quote-text cache as built under caller catalogs (never equal to a display-name resolver). */
const CUSTOM_CATALOGS: unique symbol = Symbol('custom catalogs');

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
  /** Pending relations in arrival order: relation id -> target id. */
  readonly #pendingOrder = new Map<string, string>();
  /** target id -> relation ids waiting for it. */
  readonly #pendingBy = new Map<string, Set<string>>();
  readonly #rejections = new Map<string, Rejection>();
  #rejectedCount = 0;
  /** Generation of the last view (marks on stored messages are valid for it only). */
  #gen = 0;
  /**
   * Reply-quote texts (Stored.quoteText) are valid for one epoch: a new one starts when the
   * display-name resolver, the locale or custom catalogs change, and at prune.
   */
  #epoch = 1;
  #textCacheOwner: unknown = undefined;
  #textCacheLocale = 'en';
  #evicted = 0;
  #duplicates = 0;
  /** Counts changes to the stored messages: a view's lookups stay valid while it is unchanged. */
  #stamp = 0;
  /** Loop-search path, reused by every view. */
  readonly #path: Stored[] = [];

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
    const raw = msg.id;
    let id: string;
    if (typeof raw === 'string' && HEX64.test(raw)) id = raw; // already canonical (one scan)
    else {
      id = idHex(raw);
      // 32 octets always give 64 hex digits; anything else is checked.
      if (!(raw instanceof Uint8Array && raw.length === 32) && !HEX64.test(id)) {
        throw new MimiError('fallback/bad-message', 'message ID must be 32 octets', { path: ['id'] });
      }
    }
    if (!Number.isFinite(msg.hubTimestamp)) throw new MimiError('fallback/bad-message', 'hubTimestamp must be a number', { path: ['hubTimestamp'] });
    const msgs = this.#msgs;
    // draft §9.1: a message ID which duplicates one already encountered is discarded.
    if (msgs.has(id)) {
      this.#duplicates++;
      return DUPLICATE;
    }
    this.#stamp++;
    const c = msg.content;
    const kind = classify(c);
    const target =
      kind === 'edit' || kind === 'delete' || kind === 'unlike'
        ? idHex(c.replaces!)
        : kind === 'reaction' && c.inReplyTo !== null
          ? idHex(c.inReplyTo)
          : undefined;
    // A known target's own ID string stands in for the one just built (which then dies young).
    let t = target === undefined || target === id ? undefined : msgs.get(target);
    const stored: Stored = {
      id,
      sender: msg.sender,
      ts: msg.hubTimestamp,
      content: c,
      kind,
      target: t !== undefined ? t.id : target, // one object shape for every message (fast property access)
      inReplyTo: c.inReplyTo === null ? undefined : kind === 'reaction' ? (t !== undefined ? t.id : target) : idHex(c.inReplyTo),
      rel: undefined,
      mark: 0,
      next: undefined,
      quoteText: undefined,
      quoteEpoch: 0,
      keys: undefined,
      attached: false,
    };
    msgs.set(id, stored);
    if (target === id) t = stored; // a relation to itself (rejected by #attach)
    let outcome: AddOutcome;
    if (target === undefined) outcome = ADDED;
    else if (t !== undefined && !this.#isPending(target)) outcome = this.#attach(stored, t);
    else outcome = this.#park(stored, target); // target unknown, or itself still waiting
    // Whatever waited for this message can now be attached (and, recursively, what waited for those).
    if (this.#pendingBy.size > 0) this.#release(id);
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

  #isPending(id: string): boolean {
    return this.#pendingOrder.size > 0 && this.#pendingOrder.has(id);
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
    return PENDING;
  }

  #release(id: string): void {
    if (!this.#pendingBy.has(id)) return;
    const queue = [id];
    while (queue.length > 0) {
      const t = queue.pop()!;
      if (this.#isPending(t)) continue; // still waiting itself
      const waiting = this.#pendingBy.get(t);
      if (!waiting) continue;
      this.#pendingBy.delete(t);
      for (const rid of waiting) {
        this.#pendingOrder.delete(rid);
        const r = this.#msgs.get(rid);
        if (!r) continue;
        this.#attach(r, this.#msgs.get(r.target!));
        queue.push(rid);
      }
    }
  }

  /** Root original of a message: follows edit chains (an edit of an edit). */
  #rootOf(s: Stored | undefined): Stored | undefined {
    for (let i = 0; s && s.kind === 'edit' && s.target !== undefined && i < 64; i++) s = this.#msgs.get(s.target);
    return s;
  }

  /** Attaches a relation to the root of its target `t` (the message stored under `s.target`). */
  #attach(s: Stored, t: Stored | undefined): AddOutcome {
    const root = this.#rootOf(t);
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
    const rel = (root.rel ??= { edits: undefined, winner: undefined, deletes: undefined, reactions: undefined });
    s.attached = true;
    if (s.kind === 'edit') {
      rel.edits = plus(rel.edits, s);
      const w = rel.winner;
      if (!w || s.ts > w.ts || (s.ts === w.ts && s.id < w.id)) rel.winner = s;
    }
    else if (s.kind === 'reaction') rel.reactions = plus(rel.reactions, s);
    else rel.deletes = plus(rel.deletes, s);
    return APPLIED;
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
      const exp = expiresAt(s, this.#readAt);
      if (exp === undefined || exp > now) continue;
      const rel = s.rel;
      for (const r of rel ? [...(rel.edits ?? []), ...(rel.deletes ?? []), ...(rel.reactions ?? [])] : []) {
        const rr = r.rel;
        for (const x of rr ? [...(rr.edits ?? []), ...(rr.deletes ?? [])] : []) if (this.#msgs.delete(x.id)) n++;
        r.rel = undefined;
        if (this.#msgs.delete(r.id)) n++;
      }
      s.rel = undefined;
      if (this.#msgs.delete(s.id)) n++;
    }
    this.#epoch++; // forget every reply-quote text
    this.#stamp++;
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
    const h = id.toLowerCase();
    const r = this.#ref(this.#msgs.get(h), now);
    if (r.status !== 'available') return { status: r.status };
    const content = { ...r.root.content, nestedPart: r.version.content.nestedPart };
    return r.editedSince ? { status: 'available', sender: r.root.sender, content, editedSince: true } : { status: 'available', sender: r.root.sender, content };
  }

  /** Status of a referenced version (`v`: the message stored under its ID) without building any content. */
  #ref(
    v: Stored | undefined,
    now: number,
  ): { status: 'available'; root: Stored; version: Stored; editedSince: boolean } | { status: 'unknown' | 'deleted' | 'expired'; root?: Stored } {
    if (!v || this.#isPending(v.id)) return UNKNOWN_REF;
    const root = this.#rootOf(v);
    if (!root || (root.kind !== 'message' && root.kind !== 'reply' && root.kind !== 'reaction')) return UNKNOWN_REF;
    const rel = root.rel;
    if (isDeleted(rel)) return { status: 'deleted', root };
    const exp = expiresAt(root, this.#readAt);
    if (exp !== undefined && exp <= now) return { status: 'expired', root };
    // A rejected (or still pending) edit was never attached; an attached one is in root.rel.edits.
    if (v.kind === 'edit' && !v.attached) return UNKNOWN_REF;
    const current = winner(rel) ?? root;
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
    const gen = ++this.#gen;
    const stamp: ViewStamp = { owner: this, stamp: this.#stamp };
    const entries: TimelineEntry[] = [];
    let nextExpiry: number | undefined;
    const originals: Stored[] = [];
    // forEach: a for-of over the map allocates an iterator result per message.
    this.#msgs.forEach((s) => {
      if (s.kind !== 'message' && s.kind !== 'reply') return;
      if (s.inReplyTo !== undefined && (marks(s, gen) & 3) === 0) findLoops(s, gen, this.#path, this.#msgs);
      if (!this.#isPending(s.id)) originals.push(s);
    });
    originals.sort(before);
    // Indexed loops in view(): it runs rarely, often before it is optimized, and an unoptimized
    // for-of allocates an iterator result per step.
    for (let i = 0; i < originals.length; i++) {
      const s = originals[i]!;
      const exp = expiresAt(s, this.#readAt);
      if (exp !== undefined) {
        if (exp <= now) continue; // draft §5.8: deleted at the indicated time, no placeholder
        if (nextExpiry === undefined || exp < nextExpiry) nextExpiry = exp;
      }
      const rel = s.rel;
      const deleted = isDeleted(rel);
      const win = winner(rel);
      const e = new Entry(
        stamp,
        win && !deleted ? win.id : s.id,
        s,
        deleted,
        deleted ? null : win ? { ...s.content, nestedPart: win.content.nestedPart } : s.content,
        win !== undefined,
        rel === undefined || rel.edits === undefined ? NONE : rel.edits.length === 1 ? [rel.edits[0]!.id] : [...rel.edits].sort(before).map((x) => x.id),
        deleted || !rel ? NONE : reactionSummaries(rel, win ?? s, now, this.#readAt),
      );
      if (win) {
        e.editedBy = win.sender;
        e.editedAt = win.ts;
      }
      if (deleted) {
        const dels = rel!.deletes!;
        let del = dels[0]!;
        for (let j = 1; j < dels.length; j++) if (before(dels[j]!, del) < 0) del = dels[j]!;
        e.deletedBy = del.sender;
        e.deletedAt = del.ts;
      }
      if (s.inReplyTo !== undefined) e.replyTo = this.#replyTarget(s, now, gen);
      if (exp !== undefined) e.expiresAt = exp;
      entries.push(e);
    }
    const topics = new Map<string, string[]>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
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

  #replyTarget(s: Stored, now: number, gen: number): ReplyTarget {
    const id = s.inReplyTo!;
    // The message it names (looked up by this view's loop search).
    const loop = marks(s, gen) & 3;
    const v = loop !== 0 ? s.next : this.#msgs.get(id);
    if (v !== undefined) v.mark = gen * 8 + (marks(v, gen) | QUOTED); // its rendering is worth keeping for the quote
    if (loop === LOOP_FOUND) return { id, status: 'loop' };
    const r = this.#ref(v, now);
    const t: { -readonly [K in keyof ReplyTarget]: ReplyTarget[K] } = { id, status: r.status };
    if (r.root) t.rootId = r.root.id;
    if (r.status === 'available') {
      t.sender = r.root.sender;
      if (r.editedSince) t.editedSince = true;
    }
    return t;
  }

  /**
   * What a reply quote of `h` shows, for {@link render}: like {@link resolve}, plus the cached text.
   * `known`, when not null, is the message stored under `h` (known from the entry's view).
   */
  #quote(entry: TimelineEntry, h: string, now: number, known: Stored | undefined | null): ReferencedMessage {
    if (entry.replyTo?.status === 'loop') return { status: 'loop' };
    const k = h.toLowerCase();
    const r = this.#ref(known === null ? this.#msgs.get(k) : known, now);
    if (r.status !== 'available') return { status: r.status };
    const v = r.version;
    const text = v.quoteEpoch === this.#epoch ? v.quoteText : undefined;
    // With the text at hand the quote needs no content: the version's own stands in (never read).
    const content = text !== undefined ? v.content : { ...r.root.content, nestedPart: v.content.nestedPart };
    const ref: Extract<ReferencedMessage, { status: 'available' }> = { status: 'available', sender: r.root.sender, content };
    if (r.editedSince) ref.editedSince = true;
    if (text !== undefined) ref.text = text;
    return ref;
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
      this.#epoch++;
      // a render with custom catalogs owns no cache: the next render starts a new epoch whatever it passes
      this.#textCacheOwner = context.catalogs === undefined ? context.displayName : CUSTOM_CATALOGS;
      this.#textCacheLocale = locale;
    }
    const content = entry.content;
    if (content === null) {
      const text = translator(context)('delete.tombstone');
      const md = mdInline(text);
      return {
        text,
        markdown: md,
        html: `<p class="mimi-fallback">${escapeHtml(text)}</p>`,
        kind: 'delete',
        rules: ['delete'],
        fallbackRanges: { text: [rangeOf(text, 0, text.length, 'delete')], markdown: [rangeOf(md, 0, md.length, 'delete')], html: [] },
        warnings: [],
        mentions: [],
      };
    }
    const own = context.resolveMessage === undefined;
    const orig = own ? Entry.origOf(entry, this) : undefined;
    let resolve = context.resolveMessage;
    let targetHex: string | undefined;
    if (own && content.inReplyTo !== null) {
      // The reply target's hex ID and stored message, when the entry's view knows them and nothing
      // changed since.
      let target: Stored | undefined | null = null;
      if (orig !== undefined && content.inReplyTo === orig.content.inReplyTo) {
        targetHex = orig.inReplyTo;
        if (Entry.stampOf(entry as Entry) === this.#stamp) target = orig.next;
      }
      resolve = (h: string) => this.#quote(entry, h, now, target);
    }
    const r = renderMessage(content, context, entry.sender, entry.hubTimestamp, resolve, targetHex);
    if (own) {
      // Remember the body text of this version for quotes in later replies.
      let v = orig === undefined ? undefined : (winner(orig.rel) ?? orig);
      if (v === undefined || v.id !== entry.versionId) v = this.#msgs.get(entry.versionId);
      if (v !== undefined && (marks(v, this.#gen) & QUOTED) !== 0 && v.id === entry.versionId) {
        v.quoteText = (r.fallbackRanges.text.length === 0 ? r.text : stripFallback(r.text, r.fallbackRanges.text)).trim();
        v.quoteEpoch = this.#epoch;
      }
    }
    if (!entry.edited) return r;
    const marker = translator(context)('edited.marker');
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

const UNKNOWN_REF = Object.freeze({ status: 'unknown' as const });
