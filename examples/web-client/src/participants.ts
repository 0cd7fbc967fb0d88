/**
 * The simulated participants of the in-page room: Bob and Carol, each a full {@link ChatClient} with
 * its own transport, so everything they send goes through the same encoding, hub and checks as the
 * user's messages.
 *
 * @module
 */
import { createRoom, type RoomState } from 'mimi-kit/room';
import { ChatClient } from './client.js';
import { InPageHub } from './inPageHub.js';

/** The room of the example. */
export const ROOM_URI = 'mimi://example.com/r/engineering';
/** The user of the page. */
export const ME = 'mimi://example.com/u/alice';
/** The simulated participants. */
export const BOB = 'mimi://example.com/u/bob';
export const CAROL = 'mimi://example.com/u/carol';

/**
 * The room: draft-ietf-mimi-room-policy §A.1 cooperative preset, Alice its creator, Bob and Carol
 * ordinary users (role 2).
 *
 * @returns the initial room state
 * @example
 * ```ts
 * const hub = new InPageHub(exampleRoom());
 * ```
 */
export function exampleRoom(): RoomState {
  return createRoom({
    preset: 'cooperative',
    creator: ME,
    creatorProfile: { displayName: 'Alice' },
    roomUri: ROOM_URI,
    name: 'Engineering',
    members: [
      { user: BOB, role: 2, profile: { displayName: 'Bob' } },
      { user: CAROL, role: 2, profile: { displayName: 'Carol' } },
    ],
  });
}

/** The things a simulated participant says, in turn. */
const LINES = [
  'The build is green again.',
  'Does anyone have the **release notes** draft?',
  'I pushed the fix for the login bug.',
  'Lunch at noon?',
  'Reviewing the MLS adapter changes now.',
];
const REPLIES = ['Sounds good to me.', 'Thanks!', 'On it.', 'Agreed, let us do that.'];
const REACTIONS = ['👍', '🎉', '❤️'];

/**
 * A scripted participant.
 *
 * @example
 * ```ts
 * const bob = new SimulatedParticipant(new ChatClient(hub.connect(BOB), ROOM_URI));
 * await bob.client.start();
 * await bob.say();
 * ```
 */
export class SimulatedParticipant {
  readonly client: ChatClient;
  #turn = 0;

  constructor(client: ChatClient) {
    this.client = client;
  }

  /**
   * Sends the next line of the script.
   * @returns the hex ID of the message
   * @example
   * ```ts
   * await bob.say();
   * ```
   */
  say(): Promise<string> {
    return this.client.send(LINES[this.#turn++ % LINES.length]!);
  }

  /**
   * Replies to the latest visible message of someone else, or says something when there is none.
   * @returns the hex ID of the reply
   * @example
   * ```ts
   * await carol.replyToLatest();
   * ```
   */
  replyToLatest(): Promise<string> {
    const target = this.#latestOfOthers();
    const text = REPLIES[this.#turn++ % REPLIES.length]!;
    return target === undefined ? this.client.send(text) : this.client.reply(target, text);
  }

  /**
   * Reacts to the latest visible message of someone else.
   * @returns the hex ID of the reaction, or undefined when there is nothing to react to
   * @example
   * ```ts
   * await bob.reactToLatest();
   * ```
   */
  async reactToLatest(): Promise<string | undefined> {
    const target = this.#latestOfOthers();
    if (target === undefined) return undefined;
    const key = REACTIONS[this.#turn++ % REACTIONS.length]!;
    if (this.client.hasReacted(target, key)) return undefined;
    return this.client.toggleReaction(target, key);
  }

  #latestOfOthers(): string | undefined {
    const entries = this.client.conversation.view().entries;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (e.state === 'visible' && e.sender !== this.client.user) return e.id;
    }
    return undefined;
  }
}

/** The hub, the page user's client and the simulated participants, with some history. */
export interface ExampleRoom {
  readonly hub: InPageHub;
  readonly me: ChatClient;
  readonly others: readonly SimulatedParticipant[];
}

/**
 * Sets up the room and plays a short history that shows every kind of message: a reply, an edit, a
 * reaction and a delete.
 *
 * @returns the room, the user's client not started yet (it receives the history on join)
 * @example
 * ```ts
 * const { me, others } = await setUpExampleRoom();
 * await me.start();
 * ```
 */
export async function setUpExampleRoom(): Promise<ExampleRoom> {
  const hub = new InPageHub(exampleRoom());
  const bob = new SimulatedParticipant(new ChatClient(hub.connect(BOB), ROOM_URI));
  const carol = new SimulatedParticipant(new ChatClient(hub.connect(CAROL), ROOM_URI));
  await bob.client.start();
  await carol.client.start();
  // Each step waits for its delivery, so that the next one can refer to it.
  const delivered = (c: ChatClient, id: Promise<string>): Promise<string> =>
    id.then((hex) => new Promise((resolve) => {
      const stop = c.onChange((e) => {
        if (e.type === 'message' && e.id === hex) {
          stop();
          resolve(hex);
        }
      });
    }));
  const plan = await delivered(bob.client, bob.client.send('Morning! The **planning** meeting moves to 3 pm.'));
  await delivered(bob.client, bob.client.edit(plan, 'Morning! The **planning** meeting moves to 3:30 pm.'));
  await delivered(carol.client, carol.client.reply(plan, 'Works for me. I will book the room.'));
  await delivered(carol.client, carol.client.toggleReaction(plan, '👍'));
  const oops = await delivered(carol.client, carol.client.send('Wrong room, sorry.'));
  await delivered(carol.client, carol.client.remove(oops));
  const me = new ChatClient(hub.connect(ME), ROOM_URI);
  return { hub, me, others: [bob, carol] };
}
