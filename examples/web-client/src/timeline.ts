/**
 * The message list: one focusable `<article>` per timeline entry, with a roving tabindex (WAI-ARIA
 * APG "Developing a Keyboard Interface" §6.6): the list is one Tab stop, the arrows move between
 * messages, and Tab from a message reaches that message's actions only.
 *
 * Entries are rendered by mimi-kit/fallback (`Conversation.render`, sanitized HTML form); the nodes of
 * an entry are kept across updates so that focus never jumps.
 *
 * @module
 */
import type { TimelineEntry, TimelineView } from 'mimi-kit/fallback';
import type { ChatClient } from './client.js';
import { h } from './dom.js';

/** Reactions offered by the picker. */
export const REACTION_CHOICES: readonly { readonly key: string; readonly name: string }[] = [
  { key: '👍', name: 'thumbs up' },
  { key: '❤️', name: 'heart' },
  { key: '😂', name: 'laughing' },
  { key: '🎉', name: 'party' },
];

/** What the list asks the page to do. */
export interface TimelineActions {
  reply(entry: TimelineEntry): void;
  edit(entry: TimelineEntry): void;
  react(entry: TimelineEntry, key: string): Promise<void>;
  remove(entry: TimelineEntry): Promise<void>;
}

interface Item {
  readonly li: HTMLLIElement;
  readonly article: HTMLElement;
  readonly meta: HTMLElement;
  readonly body: HTMLElement;
  readonly reactions: HTMLElement;
  actions: HTMLElement | undefined;
  signature: string;
  entry: TimelineEntry;
}

const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hour12: false });

/**
 * The message list of the page.
 *
 * @example
 * ```ts
 * const timeline = new Timeline(byId('timeline', HTMLOListElement), client, actions);
 * timeline.update(client.conversation.view());
 * ```
 */
export class Timeline {
  readonly #list: HTMLOListElement;
  readonly #client: ChatClient;
  readonly #actions: TimelineActions;
  readonly #items = new Map<string, Item>();
  #order: string[] = [];
  #active: string | undefined;
  #seq = 0;

  constructor(list: HTMLOListElement, client: ChatClient, actions: TimelineActions) {
    this.#list = list;
    this.#client = client;
    this.#actions = actions;
    list.addEventListener('keydown', (e) => this.#onKey(e));
    list.addEventListener('focusin', (e) => {
      const article = (e.target as HTMLElement).closest('article');
      if (article?.dataset['id'] !== undefined) this.#setActive(article.dataset['id']);
    });
  }

  /** Hex ID of the message that holds the list's Tab stop. */
  get active(): string | undefined {
    return this.#active;
  }

  /**
   * Brings the list up to date with a view, keeping the nodes (and focus) of unchanged entries.
   * @param view - the conversation view
   * @example
   * ```ts
   * timeline.update(client.conversation.view());
   * ```
   */
  update(view: TimelineView): void {
    const atBottom = this.#list.scrollHeight - this.#list.scrollTop - this.#list.clientHeight < 40;
    const ids = view.entries.map((e) => e.id);
    for (const entry of view.entries) {
      const item = this.#items.get(entry.id) ?? this.#create(entry);
      const sig = this.#signature(entry);
      if (sig !== item.signature) this.#fill(item, entry, sig);
    }
    // Reorder only where needed: moving a focused node would blur it.
    let cursor: ChildNode | null = this.#list.firstChild;
    for (const id of ids) {
      const li = this.#items.get(id)!.li;
      if (cursor === li) cursor = cursor.nextSibling;
      else this.#list.insertBefore(li, cursor);
    }
    const grew = ids.some((id) => !this.#order.includes(id));
    this.#order = ids;
    // A new message moves the list's Tab stop to the latest one, unless focus is in the list (the reader's
    // place is kept): entering the list from outside lands on the newest message, as in most chat clients.
    const inList = this.#list.contains(document.activeElement);
    if (this.#active === undefined || !this.#items.has(this.#active) || (grew && !inList)) this.#setActive(ids[ids.length - 1]);
    else this.#setActive(this.#active);
    if (atBottom) this.#list.scrollTop = this.#list.scrollHeight;
  }

  /**
   * Moves focus to a message.
   * @param id - hex ID of the entry
   * @example
   * ```ts
   * timeline.focus(entry.id);
   * ```
   */
  focus(id: string): void {
    const item = this.#items.get(id);
    if (item === undefined) return;
    this.#setActive(id);
    item.article.focus();
  }

  #signature(e: TimelineEntry): string {
    const mine = REACTION_CHOICES.filter((r) => this.#client.hasReacted(e.id, r.key)).map((r) => r.key);
    return JSON.stringify([e.versionId, e.state, e.reactions, e.replyTo?.status, e.replyTo?.editedSince, mine]);
  }

  #create(entry: TimelineEntry): Item {
    const n = ++this.#seq;
    const meta = h('p', { class: 'meta', id: `meta-${n}` });
    const body = h('div', { class: 'body', id: `body-${n}` });
    const reactions = h('div', { class: 'reactions', id: `reactions-${n}` });
    const article = h('article', {
      class: entry.sender === this.#client.user ? 'message own' : 'message',
      'data-id': entry.id,
      tabindex: -1,
      'aria-labelledby': meta.id,
      'aria-describedby': `${body.id} ${reactions.id}`,
    }, meta, body, reactions);
    const li = h('li', {}, article);
    const item: Item = { li, article, meta, body, reactions, actions: undefined, signature: '', entry };
    this.#items.set(entry.id, item);
    return item;
  }

  #fill(item: Item, entry: TimelineEntry, signature: string): void {
    item.entry = entry;
    item.signature = signature;
    const own = entry.sender === this.#client.user;
    const name = own ? `${this.#client.displayName(entry.sender)} (you)` : this.#client.displayName(entry.sender);
    const at = new Date(entry.hubTimestamp);
    const state = entry.state === 'deleted' ? 'deleted' : entry.edited ? 'edited' : undefined;
    item.meta.replaceChildren(h('span', { class: 'sender' }, name), ' ', h('time', { datetime: at.toISOString() }, time.format(at)));
    if (entry.kind === 'reply') item.meta.append(h('span', { class: 'visually-hidden' }, ', reply'));
    if (state !== undefined) item.meta.append(h('span', { class: 'visually-hidden' }, `, ${state}`));
    // The sanitized HTML form of mimi-kit/fallback (safe subset: no scripts, no handlers, no remote images).
    item.body.innerHTML = this.#client.conversation.render(entry, { displayName: (u) => this.#client.displayName(u) }).html;
    item.article.classList.toggle('deleted', entry.state === 'deleted');
    this.#fillReactions(item, entry);
    this.#fillActions(item, entry);
  }

  #fillReactions(item: Item, entry: TimelineEntry): void {
    if (entry.reactions.length === 0) {
      item.reactions.replaceChildren();
      return;
    }
    const list = h('ul', { class: 'reaction-list' });
    for (const r of entry.reactions) {
      const who = r.senders.map((s) => (s === this.#client.user ? 'you' : this.#client.displayName(s))).join(', ');
      list.append(h('li', { class: r.senders.includes(this.#client.user) ? 'reaction mine' : 'reaction' },
        h('span', { 'aria-hidden': 'true' }, `${r.key} ${r.count}`),
        h('span', { class: 'visually-hidden' }, `Reaction ${r.key} from ${who}`)));
    }
    item.reactions.replaceChildren(h('span', { class: 'visually-hidden' }, 'Reactions: '), list);
  }

  #fillActions(item: Item, entry: TimelineEntry): void {
    if (entry.state === 'deleted') {
      const hadFocus = item.actions?.contains(document.activeElement) ?? false;
      item.actions?.remove();
      item.actions = undefined;
      if (hadFocus) item.article.focus();
      return;
    }
    if (item.actions !== undefined) {
      // Built once: rebuilding would take focus away from the button in use.
      for (const b of item.actions.querySelectorAll<HTMLButtonElement>('button.choice')) {
        b.setAttribute('aria-pressed', String(this.#client.hasReacted(entry.id, b.dataset['key'] ?? '')));
      }
      return;
    }
    const own = entry.sender === this.#client.user;
    const button = (label: string, cls: string, onClick: (b: HTMLButtonElement) => void, extra: Record<string, string> = {}): HTMLButtonElement => {
      const b = h('button', { type: 'button', class: `action ${cls}`, 'aria-describedby': item.meta.id, ...extra }, label);
      b.addEventListener('click', () => onClick(b));
      return b;
    };
    const buttons: HTMLButtonElement[] = [];
    const picker = h('div', { class: 'picker', role: 'group', 'aria-label': 'Pick a reaction', hidden: true });
    const confirm = h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm delete', hidden: true });
    if (this.#client.can('reply')) buttons.push(button('Reply', 'reply', () => this.#actions.reply(item.entry)));
    if (this.#client.can('react')) {
      const react = button('React', 'react', () => {
        const open = picker.hidden;
        picker.hidden = !open;
        react.setAttribute('aria-expanded', String(open));
        if (open) picker.querySelector('button')?.focus();
      }, { 'aria-expanded': 'false' });
      for (const choice of REACTION_CHOICES) {
        const pressed = this.#client.hasReacted(entry.id, choice.key);
        const b = h('button', { type: 'button', class: 'choice', 'data-key': choice.key, 'aria-pressed': String(pressed), 'aria-label': `${choice.name} ${choice.key}` }, choice.key);
        b.addEventListener('click', () => {
          picker.hidden = true;
          react.setAttribute('aria-expanded', 'false');
          react.focus();
          void this.#actions.react(item.entry, choice.key);
        });
        picker.append(b);
      }
      picker.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        picker.hidden = true;
        react.setAttribute('aria-expanded', 'false');
        react.focus();
      });
      buttons.push(react);
    }
    if (own && this.#client.can('editOwn')) buttons.push(button('Edit', 'edit', () => this.#actions.edit(item.entry)));
    if (own && this.#client.can('deleteOwn')) {
      const del = button('Delete', 'delete', () => {
        confirm.hidden = false;
        keep.focus();
      });
      const yes = h('button', { type: 'button', class: 'danger' }, 'Delete');
      const keep = h('button', { type: 'button' }, 'Keep');
      yes.addEventListener('click', () => {
        confirm.hidden = true;
        item.article.focus();
        void this.#actions.remove(item.entry);
      });
      keep.addEventListener('click', () => {
        confirm.hidden = true;
        del.focus();
      });
      confirm.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        confirm.hidden = true;
        del.focus();
      });
      confirm.append(h('p', {}, 'Delete this message for everyone?'), yes, keep);
      buttons.push(del);
    }
    if (buttons.length === 0) return;
    item.actions = h('div', { class: 'actions' },
      h('div', { class: 'action-bar', role: 'group', 'aria-label': 'Message actions' }, ...buttons), picker, confirm);
    item.article.append(item.actions);
  }

  /** Gives the Tab stop to one message and its actions; every other message leaves the Tab order. */
  #setActive(id: string | undefined): void {
    this.#active = id;
    for (const [key, item] of this.#items) {
      const on = key === id;
      item.article.tabIndex = on ? 0 : -1;
      item.actions?.querySelectorAll('button').forEach((b) => (b.tabIndex = on ? 0 : -1));
    }
  }

  #onKey(e: KeyboardEvent): void {
    const article = e.target instanceof HTMLElement && e.target.matches('article') ? e.target : undefined;
    if (article === undefined || this.#order.length === 0) return;
    const at = this.#order.indexOf(article.dataset['id'] ?? '');
    const last = this.#order.length - 1;
    const page = 5;
    const to = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? last
      : e.key === 'PageDown' ? at + page : e.key === 'PageUp' ? at - page : undefined;
    if (to === undefined) return;
    e.preventDefault();
    this.focus(this.#order[Math.max(0, Math.min(last, to))]!);
  }
}
