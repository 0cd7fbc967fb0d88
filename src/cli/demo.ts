/**
 * `mimi demo`: the main job. Two MIMI providers as separate `mimi serve` processes on loopback, over HTTPS
 * with mutual TLS (certificates from a CA made for the run); an end-to-end encrypted room hubbed by
 * a.example with clients on both providers, every kind of content, membership changes checked by the hub
 * and by every member, what crossed the wire between the providers, and every client's rendered view,
 * compared. The scenario is demo-scenario.ts; the providers' processes demo-processes.ts.
 *
 * @module
 */
import { MlsUpdateChecker } from '../delivery/checker.js';
import { LocalApiClient } from '../provider/client.js';
import { parseProviderConfig } from '../provider/config.js';
import { createLogger } from '../provider/logger.js';
import { Provider } from '../provider/provider.js';
import type { ClientOperations } from '../provider/localApi.js';
import { flag, type CliCommand, type CliIO } from './command.js';
import { DEMO_DOMAINS, demoMaterial, peerOf, startProcessPair, wireEntry, wireSummary, type WireEntry } from './demo-processes.js';
import { ROOM, runScenario } from './demo-scenario.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROLES = {
  'a.example': "the room's hub; Alice's and Bob's provider",
  'b.example': "Carol's provider; follows the room",
} as const;

const CLIENTS_LINES = [
  '  each client talks only to its own provider (its local client API); the providers talk MIMI to each other,',
  "  and the hub routes each commit's Welcome to the providers of the clients it adds.",
];

/** Waits until both providers have nothing left to fan out (so that the logs hold every request). */
async function settle(providers: readonly ClientOperations[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const s = await Promise.all(providers.map((p) => p.status()));
    if (s.every((x) => x.backlog === 0 && x.settled)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function printWire(say: (line: string) => void, wire: readonly WireEntry[]): void {
  const bytes = wire.reduce((t, e) => t + e.bytesIn + e.bytesOut, 0);
  say(`   what crossed the wire between the providers: ${wire.length} MIMI requests over mutual TLS, ${bytes} bytes of bodies (from the servers' logs)`);
  for (const line of wireSummary(wire)) say(line);
}

async function twoProcesses(io: CliIO): Promise<boolean> {
  const say = (line: string) => io.stdout(line);
  say('  starting two providers as separate processes (mimi serve), on loopback over HTTPS with mutual TLS:');
  const pair = await startProcessPair(say);
  try {
    for (const p of pair.providers) say(`  ${p.domain}: pid ${p.pid}, MIMI at ${p.mimiUrl}, client API at ${p.localUrl}: ${ROLES[p.domain as keyof typeof ROLES]}`);
    const clients = Object.fromEntries(pair.providers.map((p) => [p.domain, new LocalApiClient({ url: p.localUrl, token: pair.token })]));
    return await runScenario({
      providers: clients,
      intro: CLIENTS_LINES,
      say,
      beforeViews: async () => {
        await settle(Object.values(clients));
        await new Promise((r) => setTimeout(r, 50)); // the last log lines are on their way through the pipes
        printWire(say, pair.wire);
      },
    });
  } finally {
    await pair.stop();
    const how = pair.providers.map((p) => `${p.domain} ${p.stopped ? `after ${p.stopped.ms} ms, ${p.stopped.flushed ? 'fanout drained' : `${p.stopped.backlog} deliveries left in its store`}` : 'killed'}`);
    say(`  provider processes stopped on SIGTERM: ${how.join('; ')}`);
  }
}

/** The same providers in this process (still HTTPS with mutual TLS), for hosts that cannot spawn. */
async function inProcess(io: CliIO): Promise<boolean> {
  const say = (line: string) => io.stdout(line);
  say('  starting two providers in this process, on loopback over HTTPS with mutual TLS:');
  const dir = mkdtempSync(join(tmpdir(), 'mimi-demo-'));
  const wire: WireEntry[] = [];
  const started: Provider[] = [];
  try {
    const m = await demoMaterial(dir);
    for (const d of DEMO_DOMAINS) {
      const peer = peerOf(d);
      const config = parseProviderConfig({
        domain: d,
        port: m.ports[d],
        store: 'memory:',
        tls: m.files(d),
        peers: { [peer]: `https://127.0.0.1:${m.ports[peer]}` },
        local: { token: m.token },
        gapTimeoutMs: 100,
      });
      const write = (l: string) => {
        const e = wireEntry(JSON.parse(l) as Record<string, unknown>, d);
        if (e) wire.push(e);
      };
      started.push(await Provider.start({ config, checker: new MlsUpdateChecker(), logger: createLogger({ level: 'info', write }) }));
    }
    for (const p of started) say(`  ${p.domain}: MIMI at ${p.mimiUrl}, client API at ${p.localUrl}: ${ROLES[p.domain as keyof typeof ROLES]}`);
    const providers = Object.fromEntries(started.map((p) => [p.domain, p]));
    return await runScenario({
      providers,
      intro: CLIENTS_LINES,
      say,
      beforeViews: async () => {
        await settle(started);
        printWire(say, wire);
      },
    });
  } finally {
    const reports = await Promise.all(started.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
    say(`  providers stopped: ${started.map((p, i) => `${p.domain} after ${reports[i]!.ms} ms, ${reports[i]!.flushed ? 'fanout drained' : `${reports[i]!.backlog} deliveries left`}`).join('; ')}`);
  }
}

async function runDemo(io: CliIO, options: { inProcess: boolean }): Promise<number> {
  const t0 = performance.now();
  io.stdout(`mimi-kit demo: room ${ROOM}`);
  const ok = options.inProcess ? await inProcess(io) : await twoProcesses(io);
  io.stdout(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return ok ? 0 : 1;
}

/**
 * The `mimi demo` command.
 *
 * @example
 * ```ts
 * await runCli(['demo']); // prints the run and its checks; 0 when every check passes
 * ```
 */
export const commands: readonly CliCommand[] = [
  {
    name: 'demo',
    args: '',
    positionals: { min: 0, max: 0 },
    options: {
      'in-process': { type: 'boolean', description: 'run both providers in this process (still HTTPS with mutual TLS) instead of two mimi serve processes' },
    },
    summary: 'an encrypted room across two provider processes over HTTPS: content, moderation, the wire, every view',
    notes: [
      'Starts a.example and b.example as two `mimi serve` processes on loopback ports, with certificates from a',
      'CA made for the run, and runs the room through them; the children are stopped on every exit path.',
    ],
    run: (args, io) => runDemo(io, { inProcess: flag(args, 'in-process') }),
  },
];
