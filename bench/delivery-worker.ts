/**
 * One hub process of `bench/delivery.ts`: a Hub on the store it is told (SQLite file or PostgreSQL schema),
 * fanning out every 50 ms to a transport that acknowledges at once; on `go` it keeps `MIMI_CONCURRENCY`
 * submits in flight over the rooms for `MIMI_DURATION_MS` and reports count, latencies and peak RSS.
 */
import { Hub } from '../src/delivery/index.js';
import { openPostgresStore } from '../src/delivery/store/postgres.js';
import { openSqliteStore } from '../src/delivery/store/sqlite.js';
import { BOB, fakeMessage, testChecker } from '../test/delivery/support.js';

const env = process.env;
const rooms = env.MIMI_ROOMS!.split(',');
const concurrency = Number(env.MIMI_CONCURRENCY);
const durationMs = Number(env.MIMI_DURATION_MS);
const warmupMs = Number(env.MIMI_WARMUP_MS);
const store = env.MIMI_SQLITE_FILE
  ? openSqliteStore({ file: env.MIMI_SQLITE_FILE, durability: 'full' })
  : await openPostgresStore({ connectionString: env.MIMI_PG_URL!, schema: env.MIMI_PG_SCHEMA! });
const hub = new Hub({ domain: 'a.example', store, clock: Date, checker: testChecker(), transport: { notify: async () => undefined }, instanceId: env.MIMI_HUB_ID! });
const timer = setInterval(() => void hub.tick(), 50);

async function load(): Promise<void> {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  const latencies: number[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, k) => {
      for (let i = 0; ; i++) {
        const t0 = performance.now();
        if (t0 >= end) return;
        const r = await hub.submitMessage(rooms[(k + i) % rooms.length]!, { message: fakeMessage(0, `${env.MIMI_HUB_ID}-${k}-${i}`), sendingUri: BOB });
        if (r.code !== 'accepted') throw new Error(`refused: ${r.code}`);
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= end) {
          latencies.push(t1 - t0);
          n++;
        }
      }
    }),
  );
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  process.send!({ t: 'result', count: n, ms: durationMs, p50: q(0.5), p99: q(0.99), peakRssMiB: peak / 2 ** 20, startRssMiB: rss0 / 2 ** 20 });
}

process.on('message', (m: { t: string }) => {
  if (m.t === 'go') void load().catch((e: unknown) => process.send!({ t: 'failed', error: String(e) }));
  if (m.t === 'stop') {
    clearInterval(timer);
    void hub.stop().then(() => store.close()).then(() => process.exit(0));
  }
});
process.send!({ t: 'ready' });
