/**
 * Delivery through the hub (issue 13): messages/s, p50/p99 submit latency and peak memory with the embedded
 * (SQLite) and the PostgreSQL store, in one and in two hub processes on one database, in one run. Each hub
 * process (bench/delivery-worker.ts) keeps 64 submits in flight over 16 rooms for 3 s, with fanout running.
 * Both stores are durable to a power loss, like for like (SQLite `durability: 'full'`, i.e. `synchronous = FULL`,
 * not the shipped NORMAL of DL14; PostgreSQL `fsync`, `synchronous_commit` on).
 * The embedded one-process run is the baseline; the target is PostgreSQL (one process) ≥ 50 % of its rate.
 * Each configuration runs twice, interleaved; the better run of each is the row.
 * PostgreSQL: `MIMI_PG_URL`, else a throw-away cluster like the tests' (test/delivery/pg-server.ts), else
 * those rows are skipped with a message. On a 2-core machine the database, the load and the hubs share the
 * cores: the two-process figures carry no scaling target (docs/postgres.md says how the design scales).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hub, roomSnapshot, type DeliveryStore } from '../src/delivery/index.js';
import { openPostgresStore } from '../src/delivery/store/postgres.js';
import { openSqliteStore } from '../src/delivery/store/sqlite.js';
import { findInitdb, startPostgres, type PgServer } from '../test/delivery/pg-server.js';
import { testChecker, threeMemberRoom } from '../test/delivery/support.js';
import { report, type Measurement } from './lib.js';

const WORKER = fileURLToPath(new URL('./delivery-worker.ts', import.meta.url));
const ROOMS = Array.from({ length: 16 }, (_, i) => `mimi://a.example/r/bench${i}`);
const CONCURRENCY = 64;
const DURATION_MS = 3000;
const WARMUP_MS = 500;
const GROUP = 'submit through the hub';
const ROUNDS = 2;

interface WorkerResult {
  count: number;
  ms: number;
  p50: number;
  p99: number;
  peakRssMiB: number;
  startRssMiB: number;
}

async function prepare(store: DeliveryStore): Promise<void> {
  const hub = new Hub({ domain: 'a.example', store, clock: Date, checker: testChecker(), transport: { notify: async () => undefined } });
  for (const r of ROOMS) await hub.createRoom(r, roomSnapshot(threeMemberRoom(), 0));
  await store.close();
}

async function runWorkers(processes: number, env: Record<string, string>): Promise<WorkerResult[]> {
  const children = Array.from({ length: processes }, (_, k) =>
    fork(WORKER, [], {
      execArgv: ['--import', new URL('./loader.mjs', import.meta.url).href, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env, MIMI_HUB_ID: `bench${k}`, MIMI_ROOMS: ROOMS.join(','), MIMI_CONCURRENCY: String(CONCURRENCY), MIMI_DURATION_MS: String(DURATION_MS), MIMI_WARMUP_MS: String(WARMUP_MS) },
    }),
  );
  const wait = (c: (typeof children)[number], t: string) =>
    new Promise<unknown>((resolve, reject) => {
      c.on('message', (m: { t: string; error?: string }) => {
        if (m.t === t) resolve(m);
        if (m.t === 'failed') reject(new Error(m.error));
      });
      c.once('exit', (code) => reject(new Error(`worker exited (${code}) before ${t}`)));
    });
  await Promise.all(children.map((c) => wait(c, 'ready')));
  const results = children.map((c) => wait(c, 'result') as Promise<WorkerResult>);
  for (const c of children) c.send({ t: 'go' });
  const out = await Promise.all(results);
  await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.send({ t: 'stop' })))));
  return out;
}

function row(name: string, results: WorkerResult[], baseline: boolean): Measurement {
  const count = results.reduce((a, r) => a + r.count, 0);
  const perSec = count / (DURATION_MS / 1000);
  const p50 = Math.max(...results.map((r) => r.p50));
  const p99 = Math.max(...results.map((r) => r.p99));
  const m: Measurement = {
    group: GROUP,
    name,
    samples: count,
    // ms per message (the ratio column is then the inverse of the rate ratio)
    medianMs: 1000 / perSec,
    p95Ms: p99,
    opsPerSec: perSec,
    // peak RSS of the hub processes together (the database server's memory is not counted)
    peakMemMiB: results.reduce((a, r) => a + r.peakRssMiB, 0),
    extra: {
      messagesPerSec: Math.round(perSec),
      p50LatencyMs: Number(p50.toFixed(2)),
      p99LatencyMs: Number(p99.toFixed(2)),
      processes: results.length,
      rssGrowthMiB: Number(results.reduce((a, r) => a + r.peakRssMiB - r.startRssMiB, 0).toFixed(1)),
    },
  };
  if (baseline) m.baseline = true;
  return m;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-bench-delivery-'));
  let server: PgServer | undefined;
  if (process.env.MIMI_PG_URL || findInitdb()) server = await startPostgres();
  else console.warn('SKIPPED the PostgreSQL rows of the delivery bench: no server; set MIMI_PG_URL or install Debian\'s postgresql package.');
  // The host is shared: every configuration runs ROUNDS times, interleaved with the others, and the best run
  // of each is reported (all runs are in the JSON), so a burst of someone else's load does not decide a row.
  const runs = new Map<string, { results: WorkerResult[]; perSec: number }[]>();
  const names: string[] = [];
  let n = 0;
  const once = async (name: string, processes: number, setup: () => Promise<Record<string, string>>) => {
    if (!names.includes(name)) names.push(name);
    const results = await runWorkers(processes, await setup());
    const list = runs.get(name) ?? [];
    list.push({ results, perSec: results.reduce((a, r) => a + r.count, 0) / (DURATION_MS / 1000) });
    runs.set(name, list);
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const processes of [1, 2]) {
        const plural = processes > 1 ? 'es' : '';
        await once(`embedded (SQLite), ${processes} process${plural}`, processes, async () => {
          const file = join(dir, `embedded-${n++}.sqlite`);
          await prepare(openSqliteStore({ file, durability: 'full' }));
          return { MIMI_SQLITE_FILE: file };
        });
        if (server) {
          const url = server.url;
          const schema = await server.freshSchema();
          await once(`postgres, ${processes} process${plural}`, processes, async () => {
            await prepare(await openPostgresStore({ connectionString: url, schema }));
            return { MIMI_PG_URL: url, MIMI_PG_SCHEMA: schema };
          });
        }
      }
    }
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = names.map((name, i) => {
    const list = runs.get(name)!;
    const best = list.reduce((a, b) => (b.perSec > a.perSec ? b : a));
    const m = row(name, best.results, i === 0);
    m.extra!.runsMessagesPerSec = list.map((r) => Math.round(r.perSec)).join(' ');
    return m;
  });
  const base = rows.find((r) => r.baseline)!;
  const pg1 = rows.find((r) => r.name === 'postgres, 1 process');
  if (pg1) {
    pg1.target = '≥ 50 % of the embedded 1-process rate';
    pg1.targetMet = pg1.opsPerSec >= 0.5 * base.opsPerSec;
  }
  report('delivery', rows);
  for (const r of rows) {
    console.log(`  ${r.name}: ${r.extra!.messagesPerSec} messages/s (runs: ${r.extra!.runsMessagesPerSec}), submit latency p50 ${r.extra!.p50LatencyMs} ms, p99 ${r.extra!.p99LatencyMs} ms`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
