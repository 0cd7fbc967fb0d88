/**
 * Running the example against `mimi serve` by hand (examples/web-client/README.md "Against mimi serve").
 *
 *   npx tsx --tsconfig examples/web-client/tsconfig.node.json examples/web-client/live.ts providers
 *       starts a.example and b.example as `mimi serve` children over mTLS (as `mimi demo` does) and prints
 *       the second command
 *   npm run example:web -- --a-api URL --b-api URL --token TOKEN [--port 8431]
 *       builds the page, starts Alice and Carol (clients of a.example, which hubs the room) and the front end
 *       that serves the page as Bob at b.example (its `/v1/*` passed through to b.example's local API)
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startProcessPair } from '../../src/cli/demo-processes.js';
import { BOB, BOB_CLIENT, LIVE_ROOM, startRemoteRoom } from './remote.js';
import { startFrontEnd } from './server.js';

/** What {@link runLive} needs: the two providers' local client APIs and their token. */
export interface LiveOptions {
  /** a.example's local API (Alice and Carol; the room's hub). */
  readonly aApi: string;
  /** b.example's local API (the page's user, Bob). */
  readonly bApi: string;
  readonly token: string;
  /** The page's port on 127.0.0.1 (0: any free one). */
  readonly port: number;
  /** The built page. */
  readonly root: string;
}

/**
 * Starts the room on a.example and the page's front end; Alice answers each new message of Bob's.
 *
 * @param options - provider URLs, token, port, the built page
 * @returns the page's URL and a function that stops everything started here
 * @example
 * ```ts
 * const { url, stop } = await runLive({ aApi, bApi, token, port: 8431, root: DIST });
 * ```
 */
export async function runLive(options: LiveOptions): Promise<{ url: string; stop: () => Promise<void> }> {
  // A room of its own per run: the providers keep the rooms of earlier runs.
  const roomId = `${LIVE_ROOM}-${randomBytes(4).toString('hex')}`;
  const room = await startRemoteRoom({ url: options.aApi, token: options.token, roomId });
  const frontEnd = await startFrontEnd({
    root: options.root,
    providerUrl: options.bApi,
    // Each page load is a new client of Bob's (its MLS state lives in the page only).
    session: () => ({ user: BOB, client: `${BOB_CLIENT}-${randomBytes(4).toString('hex')}`, roomId, token: options.token }),
    port: options.port,
  });
  room.autoAnswer(BOB);
  // Bob's clients are added as soon as a page has published a key package at b.example; the first time, the
  // history plays.
  let played = false;
  void room.watchUser(BOB, (clients) => {
    for (const client of clients) console.log(`  Alice added ${client} (Bob's key package claimed from b.example over MIMI); the hub routed its Welcome to b.example`);
    if (played) return;
    played = true;
    room
      .playHistory()
      .then(() => console.log('  Alice and Carol sent the history (a message, its edit, a reply, a reaction, a deleted message)'))
      .catch((e: unknown) => console.error(`the room on a.example: ${e instanceof Error ? e.message : String(e)}`));
  });
  return {
    url: frontEnd.url,
    stop: async () => {
      room.close();
      await frontEnd.close();
    },
  };
}

async function providers(): Promise<void> {
  const pair = await startProcessPair((line) => console.log(line));
  const url = (d: string) => pair.providers.find((p) => p.domain === d)!.localUrl;
  for (const p of pair.providers) console.log(`  ${p.domain}: mimi serve pid ${p.pid}, MIMI ${p.mimiUrl}, local API ${p.localUrl}`);
  console.log('\nIn a second terminal:\n');
  console.log(`  npm run example:web -- --a-api ${url('a.example')} --b-api ${url('b.example')} --token ${pair.token}\n`);
  console.log('Ctrl+C stops both providers.');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] !== 'providers') {
    console.error('usage: live.ts providers');
    process.exit(2);
  }
  providers().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
