/**
 * The page: wires the user's client, the message list, the message box and the live region together.
 * By default the user is a member of a room served by `mimi serve`: the MLS group lives in the page and
 * travels through the user's own provider (`providerTransport.ts`), reached through the front end that
 * served the page (`server.ts`). With `?offline` the whole room runs in the page (`inPageHub.ts`, Bob and
 * Carol simulated). Only how `me` gets its transport differs.
 *
 * @module
 */
import { MimiError } from 'mimi-kit/content';
import { ChatClient, type ClientEvent } from './client.js';
import { announcer } from './announcer.js';
import { Composer } from './composer.js';
import { byId, h } from './dom.js';
import { setUpExampleRoom, type SimulatedParticipant } from './participants.js';
import { ProviderApi } from './providerApi.js';
import { ProviderTransport } from './providerTransport.js';
import { Timeline } from './timeline.js';

/** The room, the user's client, and (offline) the simulated participants. */
interface Setup {
  readonly me: ChatClient;
  readonly others?: readonly [SimulatedParticipant, SimulatedParticipant];
  readonly where: string;
}

/** The live room: who the user is comes from the front end that served the page. */
async function live(): Promise<Setup> {
  const answer = await fetch('/session.json');
  // A plain static server (`npm run example:web` without providers) has no session: the in-page room.
  if (answer.status === 404) return { ...(await offline()), where: 'No provider behind this page: the whole room runs in the page (offline).' };
  const session = (await answer.json()) as { user: string; client: string; roomId: string; token: string };
  const api = new ProviderApi({ url: location.origin, token: session.token });
  // The hub routes the Welcome to this provider once a member adds the user; until then the page says it waits.
  const onWaiting = () => void (byId('connection', HTMLParagraphElement).textContent = 'Key package published at your provider; waiting to be added to the room…');
  const transport = new ProviderTransport({ api, userUri: session.user, clientUri: session.client, onWaiting });
  const domain = /^mimi:\/\/([^/]+)\//.exec(session.user)?.[1] ?? '';
  return { me: new ChatClient(transport, session.roomId), where: `Connected through your provider ${domain}; the room is end-to-end encrypted (MLS) in this page.` };
}

async function offline(): Promise<Setup> {
  const { me, others } = await setUpExampleRoom();
  return { me, others: others as [SimulatedParticipant, SimulatedParticipant], where: 'Offline: the whole room runs in this page.' };
}

async function main(): Promise<void> {
  const announce = announcer(byId('announcer', HTMLDivElement));
  const setup = new URLSearchParams(location.search).has('offline') ? await offline() : await live();
  const { me } = setup;
  const [bob, carol] = setup.others ?? [undefined, undefined];
  if (setup.others === undefined) byId('offline-tools', HTMLDivElement).remove();

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
      if (mode.kind === 'new' && carol !== undefined && autoAnswer?.checked === true) setTimeout(() => void carol.replyToLatest(), 1200);
    },
    failed,
    cancelled: (mode) => {
      if (mode.kind !== 'new') timeline.focus(mode.entry.id);
    },
  });
  const autoAnswer = document.getElementById('auto-answer') as HTMLInputElement | null;

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
      const what = entry === undefined ? '' : `: ${me.conversation.render(entry, { displayName: (u) => me.displayName(u) }).text.replace(/\s+/g, ' ').slice(0, 140)}`;
      const lead = { message: `New message from ${who}`, reply: `${who} replied`, reaction: `${who} reacted`, unlike: `${who} removed a reaction`, edit: `${who} edited a message`, delete: `${who} deleted a message` }[e.kind];
      announce(e.kind === 'message' || e.kind === 'reply' ? lead + what : lead);
    } else if (e.type === 'rejected') console.warn(`dropped a message from ${e.sender}: ${e.reason}`);
    refresh();
  });
  try {
    await me.start();
  } catch (e) {
    byId('connection', HTMLParagraphElement).textContent = `Could not join the room: ${e instanceof Error ? e.message : String(e)}`;
    throw e;
  }
  byId('loading', HTMLParagraphElement).hidden = true;
  byId('connection', HTMLParagraphElement).textContent = setup.where;

  if (bob !== undefined && carol !== undefined) {
    const sims: Record<string, () => Promise<unknown>> = {
      'bob-say': () => bob.say(),
      'carol-reply': () => carol.replyToLatest(),
      'bob-react': () => bob.reactToLatest(),
    };
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-sim]')) {
      button.addEventListener('click', () => void sims[button.dataset['sim'] ?? '']?.());
    }
  }
  document.body.dataset['ready'] = 'true';
}

void main();
