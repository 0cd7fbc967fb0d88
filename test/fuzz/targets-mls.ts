/**
 * Fuzz target of `mimi-kit/mls`: what a member does with bytes from the hub, `decryptContent` for an
 * application message and `processHandshake` for a commit (RFC 9420 §6 framing, §12.4 commits).
 * The room is set up once (two members); the room objects are immutable, so every input meets the
 * same state.
 */
import fc from 'fast-check';
import { encodeContent, markdown } from '../../src/content/index.js';
import type { MimiRoom } from '../../src/mls/index.js';
import { ALICE, BOB, ROOM, TrustStore, aliceRoom, client, invite } from '../mls/helpers.js';
import { mutated } from './mutate.js';
import type { FuzzTarget } from './target.js';
import { MimiError } from '../../src/errors.js';

interface Setup {
  readonly bob: MimiRoom;
  readonly seeds: Uint8Array[];
}

let setup: Promise<Setup> | undefined;

/** Alice's room with Bob in it, one application message and one commit from Alice (for Bob). */
export function mlsSetup(): Promise<Setup> {
  setup ??= (async () => {
    const store = new TrustStore();
    const alice = await aliceRoom(store, await client(store, ALICE, 'phone'));
    const { committer, joined } = await invite(store, alice, [], BOB, 2, [await client(store, BOB, 'laptop')]);
    const content = encodeContent(markdown('Hi **Bob**', { senderUri: ALICE, roomUri: ROOM }));
    const { message, room } = await committer.encryptContent(content);
    const { commit } = await room.update();
    return { bob: joined[0]!, seeds: [message, commit] };
  })();
  return setup;
}

/** Mutations of the seeds need the seeds: built synchronously from a placeholder, filled in on first use. */
let pool: Uint8Array[] = [];

export const mlsTarget: FuzzTarget = {
  name: 'mls',
  api: 'MimiRoom.decryptContent, MimiRoom.processHandshake',
  inputs: () => {
    if (pool.length === 0) throw new Error('call mlsSetup() (await it) before mlsTarget.inputs()');
    return fc.oneof({ weight: 5, arbitrary: mutated(pool) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) });
  },
  async run(input) {
    const { bob } = await mlsSetup();
    // The two entry points for hub bytes; a message is accepted when either takes it, and the
    // decryption's rejection is the one reported.
    try {
      await bob.decryptContent(input, { hubTimestamp: 1_700_000_000_000 });
    } catch (e) {
      if (!(e instanceof MimiError)) throw e;
      try {
        await bob.processHandshake(input);
      } catch (e2) {
        throw e2 instanceof MimiError ? e : e2;
      }
    }
  },
};

/** Prepares {@link mlsTarget} (its seeds come from a live room). */
export async function prepareMls(): Promise<void> {
  pool = (await mlsSetup()).seeds;
}
