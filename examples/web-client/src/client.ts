/**
 * The chat client: turns user intents into MIMI content (mimi-kit/content), checks what arrives
 * against the content rules and the room policy (mimi-kit/room), and keeps the conversation as a
 * person sees it (mimi-kit/fallback `Conversation`). It knows nothing of the DOM nor of the wire:
 * the transport is passed in (`transport.ts`).
 *
 * @module
 */
import {
  MimiError,
  bytesToHex,
  decodeContent,
  deleteMessage,
  edit,
  encodeWithId,
  hexToBytes,
  markdown,
  messageId,
  reaction,
  reply,
  unlike,
  type MimiContent,
} from 'mimi-kit/content';
import { Conversation, classify, reactionKeys, type MessageKind, type TimelineEntry } from 'mimi-kit/fallback';
import { authorize, profileOf, type MessageAction, type RoomState } from 'mimi-kit/room';
import type { DeliveredMessage, Transport } from './transport.js';

/** Room capability each kind of message needs (draft-ietf-mimi-room-policy §5 "Message capabilities"). */
const ACTION_OF: Readonly<Record<MessageKind, MessageAction>> = {
  message: 'send',
  reply: 'reply',
  reaction: 'react',
  unlike: 'deleteOwnReaction',
  edit: 'editOwn',
  delete: 'deleteOwn',
};

/** What the client reports after each delivery. */
export type ClientEvent =
  | {
      readonly type: 'message';
      /** Hex message ID of the delivered message. */
      readonly id: string;
      readonly kind: MessageKind;
      readonly sender: string;
      readonly content: MimiContent;
    }
  | { readonly type: 'rejected'; readonly sender: string; readonly reason: string }
  | { readonly type: 'room' };

const utf8 = new TextDecoder();

/**
 * One participant's client.
 *
 * @example
 * ```ts
 * const client = new ChatClient(hub.connect(alice), roomUri);
 * client.onChange((e) => render(client.conversation.view()));
 * await client.start();
 * await client.send('Hello **all**');
 * ```
 */
export class ChatClient {
  readonly user: string;
  readonly roomUri: string;
  readonly conversation: Conversation;
  #state: RoomState | undefined;
  readonly #transport: Transport;
  readonly #listeners = new Set<(e: ClientEvent) => void>();
  /** `${target hex}\n${key}` → hex ID of this user's reaction, for unlikes (draft-ietf-mimi-content §5.6). */
  readonly #myReactions = new Map<string, string>();

  constructor(transport: Transport, roomUri: string) {
    this.#transport = transport;
    this.user = transport.user;
    this.roomUri = roomUri;
    this.conversation = new Conversation({
      // draft-ietf-mimi-content §9.3: only the sender edits or deletes, unless the room policy says
      // otherwise; here: canDeleteOtherMessage lets a moderator delete (no capability edits others').
      authorize: (a) => a.kind === 'delete' && this.#state !== undefined && authorize(this.#state, a.actor, { type: 'message', action: 'deleteOther' }).allowed,
    });
  }

  /** The room state, once joined. */
  get state(): RoomState {
    if (this.#state === undefined) throw new Error('not joined yet');
    return this.#state;
  }

  /**
   * Joins the room and replays its history.
   *
   * @returns when the history is in the conversation
   * @example
   * ```ts
   * await client.start();
   * ```
   */
  async start(): Promise<void> {
    this.#transport.onEvent((e) => {
      if (e.type === 'room') {
        this.#state = e.state;
        this.#emit({ type: 'room' });
      } else this.#receive(e);
    });
    const { state, backlog } = await this.#transport.join(this.roomUri);
    this.#state = state;
    for (const m of backlog) this.#receive(m);
    this.#emit({ type: 'room' });
  }

  /**
   * Subscribes to what the client receives.
   *
   * @param listener - called after each delivery
   * @returns the function that unsubscribes
   * @example
   * ```ts
   * const stop = client.onChange((e) => console.log(e.type));
   * ```
   */
  onChange(listener: (e: ClientEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * May this user do `action` in the room now?
   *
   * @param action - a message action of the room policy
   * @returns true when the role has the capability
   * @example
   * ```ts
   * client.can('react'); // true in a cooperative room
   * ```
   */
  can(action: MessageAction): boolean {
    return this.#state !== undefined && authorize(this.#state, this.user, { type: 'message', action }).allowed;
  }

  /**
   * The display name of a user from the room's user profiles, else the user part of the URI.
   *
   * @param uri - a user URI
   * @returns a name to show
   * @example
   * ```ts
   * client.displayName('mimi://example.com/u/bob'); // 'Bob'
   * ```
   */
  displayName(uri: string): string {
    const name = this.#state === undefined ? undefined : profileOf(this.#state, uri)?.displayName;
    return name ?? uri.split('/u/')[1] ?? uri;
  }

  /**
   * Sends a new message (GFM-MIMI markdown, draft-ietf-mimi-content §4.1).
   * @param text - the markdown source
   * @returns the hex message ID
   * @example
   * ```ts
   * await client.send('Hello');
   * ```
   */
  send(text: string): Promise<string> {
    return this.#post(markdown(text, this.#opts()));
  }

  /**
   * Replies to a message (draft-ietf-mimi-content §5.4 inReplyTo).
   * @param targetId - hex ID of the message replied to
   * @param text - the markdown source
   * @returns the hex message ID
   * @example
   * ```ts
   * await client.reply(entry.versionId, 'Agreed');
   * ```
   */
  reply(targetId: string, text: string): Promise<string> {
    return this.#post(reply(hexToBytes(targetId), text, { ...this.#opts(), format: 'markdown' }));
  }

  /**
   * Reacts to a message, or takes the reaction back when this user already reacted with that key
   * (an unlike, draft-ietf-mimi-content §5.6 "Unlike").
   * @param targetId - hex ID of the message reacted to
   * @param key - the reaction (an emoji)
   * @returns the hex ID of the reaction or unlike
   * @example
   * ```ts
   * await client.toggleReaction(entry.id, '👍');
   * ```
   */
  toggleReaction(targetId: string, key: string): Promise<string> {
    const mine = this.#myReactions.get(`${targetId}\n${key}`);
    if (mine !== undefined) return this.#post(unlike(hexToBytes(mine), this.#opts()));
    return this.#post(reaction(hexToBytes(targetId), key, this.#opts()));
  }

  /**
   * Has this user reacted to a message with a key?
   * @param targetId - hex ID of the message
   * @param key - the reaction
   * @returns true when an own reaction with that key stands
   * @example
   * ```ts
   * client.hasReacted(entry.id, '👍');
   * ```
   */
  hasReacted(targetId: string, key: string): boolean {
    return this.#myReactions.has(`${targetId}\n${key}`);
  }

  /**
   * Replaces the body of an own message (draft-ietf-mimi-content §5.5 replaces).
   * @param targetId - hex ID of the original message
   * @param text - the new markdown source
   * @returns the hex ID of the edit
   * @example
   * ```ts
   * await client.edit(entry.id, 'Fixed typo');
   * ```
   */
  edit(targetId: string, text: string): Promise<string> {
    return this.#post(edit(hexToBytes(targetId), text, { ...this.#opts(), format: 'markdown' }));
  }

  /**
   * Deletes an own message (draft-ietf-mimi-content §5.5: replaces with a null part).
   * @param targetId - hex ID of the original message
   * @returns the hex ID of the delete
   * @example
   * ```ts
   * await client.remove(entry.id);
   * ```
   */
  remove(targetId: string): Promise<string> {
    return this.#post(deleteMessage(hexToBytes(targetId), this.#opts()));
  }

  /**
   * The source text of the version an entry shows, to prefill an edit: the markdown or plain text of
   * a single text part, else the plain-text rendering.
   * @param entry - a timeline entry
   * @returns the text
   * @example
   * ```ts
   * textarea.value = client.sourceOf(entry);
   * ```
   */
  sourceOf(entry: TimelineEntry): string {
    const body = entry.content?.nestedPart;
    if (body?.cardinality === 'single' && body.contentType.startsWith('text/')) return utf8.decode(body.content);
    return this.conversation.render(entry).text;
  }

  #opts(): { senderUri: string; roomUri: string } {
    return { senderUri: this.user, roomUri: this.roomUri };
  }

  async #post(content: MimiContent): Promise<string> {
    const { bytes, id } = encodeWithId(content);
    await this.#transport.send(bytes);
    return bytesToHex(id);
  }

  #emit(e: ClientEvent): void {
    for (const l of this.#listeners) l(e);
  }

  /** Checks a delivery and adds it to the conversation; a bad one is reported and changes nothing. */
  #receive(m: DeliveredMessage): void {
    let content: MimiContent;
    let id: Uint8Array;
    try {
      // Strict decoding plus the receiver checks of draft-ietf-mimi-content §9.1.
      content = decodeContent(m.bytes, { hubTimestamp: m.hubTimestamp });
      id = messageId(m.bytes);
    } catch (e) {
      this.#emit({ type: 'rejected', sender: m.sender, reason: e instanceof MimiError ? e.code : 'undecodable' });
      return;
    }
    // draft-ietf-mimi-content §3.7: senderUri and roomUri must match the derived values.
    if (content.extensions.senderUri !== m.sender || content.extensions.roomUri !== this.roomUri) {
      this.#emit({ type: 'rejected', sender: m.sender, reason: 'sender or room mismatch' });
      return;
    }
    const kind = classify(content);
    const allowed = this.#state === undefined ? { allowed: false as const, code: 'not joined' } : authorize(this.#state, m.sender, { type: 'message', action: ACTION_OF[kind] });
    if (!allowed.allowed) {
      this.#emit({ type: 'rejected', sender: m.sender, reason: allowed.code });
      return;
    }
    const hex = bytesToHex(id);
    const outcome = this.conversation.add({ id, sender: m.sender, hubTimestamp: m.hubTimestamp, content });
    if (outcome.status === 'duplicate' || outcome.status === 'rejected') {
      this.#emit({ type: 'rejected', sender: m.sender, reason: outcome.status });
      return;
    }
    if (m.sender === this.user) this.#trackOwnReaction(kind, content, hex);
    this.#emit({ type: 'message', id: hex, kind, sender: m.sender, content });
  }

  #trackOwnReaction(kind: MessageKind, content: MimiContent, hex: string): void {
    if (kind === 'reaction' && content.inReplyTo !== null) {
      const target = bytesToHex(content.inReplyTo);
      for (const key of reactionKeys(content.nestedPart)) this.#myReactions.set(`${target}\n${key}`, hex);
    } else if (kind === 'unlike' && content.replaces !== null) {
      const undone = bytesToHex(content.replaces);
      for (const [k, v] of this.#myReactions) if (v === undone) this.#myReactions.delete(k);
    }
  }
}
