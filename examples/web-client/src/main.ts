/**
 * The page: wires the in-page room, the user's client, the message list, the message box and the
 * live region together. Swapping the in-page hub for the HTTP client of the protocol means changing
 * only how `me` gets its transport.
 *
 * @module
 */
import { MimiError } from 'mimi-kit/content';
import type { ClientEvent } from './client.js';
import { announcer } from './announcer.js';
import { Composer } from './composer.js';
import { byId, h } from './dom.js';
import { setUpExampleRoom, type SimulatedParticipant } from './participants.js';
import { Timeline } from './timeline.js';

async function main(): Promise<void> {
  const announce = announcer(byId('announcer', HTMLDivElement));
  const { me, others } = await setUpExampleRoom();
  const [bob, carol] = others as [SimulatedParticipant, SimulatedParticipant];

  const failed = (e: unknown): void => announce(e instanceof MimiError ? `Not sent: ${e.message} (${e.code})` : 'Not sent.');
  const timeline = new Timeline(byId('timeline', HTMLOListElement), me, {
    reply: (entry) => composer.reply(entry),
    edit: (entry) => composer.edit(entry),
    react: async (entry, key) => {
      const had = me.hasReacted(entry.id, key);
      await me.toggleReaction(entry.id, key).then(() => announce(had ? `Reaction ${key} removed` : `Reacted ${key}`), failed);
    },
    remove: async (entry) => {
      await me.remove(entry.id).then(() => announce('Message deleted'), failed);
    },
  });
  const composer = new Composer(me, {
    sent: (mode) => {
      announce(mode.kind === 'reply' ? 'Reply sent' : mode.kind === 'edit' ? 'Edit saved' : 'Message sent');
      if (mode.kind === 'new' && autoAnswer.checked) setTimeout(() => void carol.replyToLatest(), 1200);
    },
    failed,
    cancelled: (mode) => {
      if (mode.kind !== 'new') timeline.focus(mode.entry.id);
    },
  });
  const autoAnswer = byId('auto-answer', HTMLInputElement);

  const renderParticipants = (): void => {
    const state = me.state;
    byId('participants', HTMLUListElement).replaceChildren(
      ...state.participants.map((p) => {
        const role = state.roles.find((r) => r.index === p.role)?.name.replace(/_/g, ' ') ?? `role ${p.role}`;
        return h('li', {}, h('span', { class: 'sender' }, me.displayName(p.user) + (p.user === me.user ? ' (you)' : '')), h('span', { class: 'role' }, role));
      }),
    );
    const name = state.metadata?.name;
    if (name !== undefined && name !== '') byId('room-name', HTMLElement).textContent = name;
    byId('me-name', HTMLElement).textContent = me.displayName(me.user);
  };

  // Re-render once per batch of deliveries, and announce other people's messages.
  let scheduled = false;
  const refresh = (): void => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      timeline.update(me.conversation.view());
    });
  };
  me.onChange((e: ClientEvent) => {
    if (e.type === 'room') renderParticipants();
    else if (e.type === 'message' && e.sender !== me.user) {
      const who = me.displayName(e.sender);
      const entry = me.conversation.view().entries.find((x) => x.id === e.id);
      const what = entry === undefined ? '' : `: ${me.conversation.render(entry).text.replace(/\s+/g, ' ').slice(0, 140)}`;
      const lead = { message: `New message from ${who}`, reply: `${who} replied`, reaction: `${who} reacted`, unlike: `${who} removed a reaction`, edit: `${who} edited a message`, delete: `${who} deleted a message` }[e.kind];
      announce(e.kind === 'message' || e.kind === 'reply' ? lead + what : lead);
    } else if (e.type === 'rejected') console.warn(`dropped a message from ${e.sender}: ${e.reason}`);
    refresh();
  });
  await me.start();
  byId('loading', HTMLParagraphElement).hidden = true;

  const sims: Record<string, () => Promise<unknown>> = {
    'bob-say': () => bob.say(),
    'carol-reply': () => carol.replyToLatest(),
    'bob-react': () => bob.reactToLatest(),
  };
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-sim]')) {
    button.addEventListener('click', () => void sims[button.dataset['sim'] ?? '']?.());
  }
  document.body.dataset['ready'] = 'true';
}

void main();
