/**
 * The message box: sends a new message, a reply or an edit, depending on its mode.
 *
 * @module
 */
import type { TimelineEntry } from 'mimi-kit/fallback';
import type { ChatClient } from './client.js';
import { byId } from './dom.js';

/** What the message box is writing. */
export type ComposerMode =
  | { readonly kind: 'new' }
  | { readonly kind: 'reply'; readonly entry: TimelineEntry }
  | { readonly kind: 'edit'; readonly entry: TimelineEntry };

/** What the message box tells the page. */
export interface ComposerHooks {
  /** A message, reply or edit was accepted by the hub. */
  sent(mode: ComposerMode, id: string): void;
  /** The hub refused it, or it could not be encoded. */
  failed(error: unknown): void;
  /** Reply or edit mode was left without sending. */
  cancelled(mode: ComposerMode): void;
}

/**
 * The message box of the page.
 *
 * @example
 * ```ts
 * const composer = new Composer(client, { sent: (kind) => announce(`${kind} sent`), cancelled: (m) => timeline.focus(m.entry.id) });
 * composer.reply(entry);
 * ```
 */
export class Composer {
  readonly #client: ChatClient;
  readonly #form = byId('composer', HTMLFormElement);
  readonly #input = byId('composer-input', HTMLTextAreaElement);
  readonly #label = byId('composer-label', HTMLLabelElement);
  readonly #send = byId('composer-send', HTMLButtonElement);
  readonly #modeBox = byId('composer-mode', HTMLDivElement);
  readonly #modeText = byId('composer-mode-text', HTMLParagraphElement);
  readonly #hooks: ComposerHooks;
  #mode: ComposerMode = { kind: 'new' };

  constructor(client: ChatClient, hooks: ComposerHooks) {
    this.#client = client;
    this.#hooks = hooks;
    this.#form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.#submit();
    });
    this.#input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.#form.requestSubmit();
      } else if (e.key === 'Escape' && this.#mode.kind !== 'new') {
        e.preventDefault();
        this.cancel();
      }
    });
    byId('composer-cancel', HTMLButtonElement).addEventListener('click', () => this.cancel());
  }

  /**
   * Starts a reply to an entry and moves focus to the message box.
   * @param entry - the message replied to
   * @example
   * ```ts
   * composer.reply(entry);
   * ```
   */
  reply(entry: TimelineEntry): void {
    this.#setMode({ kind: 'reply', entry });
  }

  /**
   * Starts editing an own entry: the box holds its text.
   * @param entry - the message edited
   * @example
   * ```ts
   * composer.edit(entry);
   * ```
   */
  edit(entry: TimelineEntry): void {
    this.#setMode({ kind: 'edit', entry });
    this.#input.value = this.#client.sourceOf(entry);
    this.#input.select();
  }

  /**
   * Leaves reply or edit mode.
   * @example
   * ```ts
   * composer.cancel();
   * ```
   */
  cancel(): void {
    const was = this.#mode;
    if (was.kind === 'edit') this.#input.value = '';
    this.#setMode({ kind: 'new' });
    if (was.kind !== 'new') this.#hooks.cancelled(was);
  }

  #setMode(mode: ComposerMode): void {
    this.#mode = mode;
    const name = mode.kind === 'new' ? '' : this.#client.displayName(mode.entry.sender);
    const excerpt = mode.kind === 'new' ? '' : excerptOf(this.#client.conversation.render(mode.entry).text);
    this.#modeBox.hidden = mode.kind === 'new';
    this.#modeText.textContent = mode.kind === 'reply' ? `Replying to ${name}: “${excerpt}”` : mode.kind === 'edit' ? `Editing your message: “${excerpt}”` : '';
    this.#label.textContent = mode.kind === 'reply' ? `Reply to ${name}` : mode.kind === 'edit' ? 'Edit message' : 'Message';
    this.#send.textContent = mode.kind === 'edit' ? 'Save' : 'Send';
    if (mode.kind !== 'new') this.#input.focus();
  }

  async #submit(): Promise<void> {
    const text = this.#input.value.trim();
    if (text === '') return;
    const mode = this.#mode;
    try {
      const id =
        mode.kind === 'reply' ? await this.#client.reply(mode.entry.versionId, text)
        : mode.kind === 'edit' ? await this.#client.edit(mode.entry.id, text)
        : await this.#client.send(text);
      this.#input.value = '';
      this.#setMode({ kind: 'new' });
      this.#hooks.sent(mode, id);
    } catch (e) {
      this.#hooks.failed(e);
    }
  }
}

function excerptOf(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 59)}…` : one;
}
