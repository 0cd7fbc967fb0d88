/**
 * The MIMI protocol over loopback HTTPS with mutual TLS (issue 12 "Figures"): accepted application messages
 * per second, each submitted as its own HTTPS request (`POST /submitMessage/{roomId}` from the follower
 * provider b.example to the hub a.example), counted when the hub's fanout (`POST /notify/{roomId}` back to
 * b.example) has put it in b's per-client delivery queue; with 10 and 100 concurrent senders; p50/p99
 * latency from submit to that queue; memory per room. The baseline of each group, in the same run, is a
 * bare node:https mutual-TLS request/response loop with the same payload, concurrency and keep-alive pool
 * size: the ceiling for one request per message. Clients' MLS decryption is not part of this (bench/mls.ts).
 */
import { request as httpsRequest, createServer as createHttpsServer, Agent as HttpsAgent } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Follower, Hub, MemoryStore, roomSnapshot, type DeliveryStore, type NotifyRequest } from '../src/delivery/index.js';
import { openSqliteStore } from '../src/delivery/store/sqlite.js';
import { createMimiHandler, httpFollowerTransport, httpHubTransport, MimiHttpClient } from '../src/http/index.js';
import { createDemoCa, createMtlsFetch, issueCertificate, startMimiServer, type MimiServer } from '../src/http/node/index.js';
import { encodeSubmitMessageRequest, parseMlsMessage } from '../src/protocol/index.js';
import { createRoom, applyRoomOperation } from '../src/room/index.js';
import { ALICE, BOB, appMessage, testChecker } from '../test/http/support.js';
import { report, type Measurement } from './lib.js';

const CONNECTIONS = 16;
/** The hub fans out on a timer (every TICK_MS); KICK=1 also ticks after every accepted submit (smaller batches). */
const KICK = process.env.KICK === '1';
const TICK_MS = Number(process.env.TICK_MS ?? 5);
const REPEATS = 3;
const WINDOW = Number(process.env.WINDOW ?? 4);
const KEEP_ALIVE_MS = 4000;
const BODY = 'x'.repeat(200);
const ca = createDemoCa();
const certA = issueCertificate(ca, { domain: 'a.example' });
const certB = issueCertificate(ca, { domain: 'b.example' });

/** The message's number: the last 12 bytes of its (test-framed, cleartext) body are its decimal digits. */
function indexOf(message: Uint8Array): number {
  let n = 0;
  for (let i = message.length - 12; i < message.length; i++) n = n * 10 + message[i]! - 0x30;
  return n;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function room(i: number): { id: string; snapshot: ReturnType<typeof roomSnapshot> } {
  const id = `mimi://a.example/r/bench-${i}`;
  let s = createRoom({ preset: 'cooperative', creator: ALICE, roomUri: id, name: 'Bench' });
  s = applyRoomOperation(s, ALICE, { type: 'invite', user: BOB, role: 2 }).state;
  return { id, snapshot: roomSnapshot(s, 0) };
}

interface Run {
  /** Mean events per notify transaction to b.example (mimi-kit rows). */
  eventsPerNotify?: number;
  rate: number;
  p50: number;
  p99: number;
  ms: number;
}

/** mimi-kit end to end: b's senders → a's hub (store transaction) → fanout notify → b's follower queue. */
export async function mimi(senders: number, messages: number, storeKind: 'sqlite' | 'memory'): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-bench-http-'));
  const open = (name: string): DeliveryStore => (storeKind === 'memory' ? new MemoryStore() : openSqliteStore({ directory: join(dir, name) }));
  const urls = new Map<string, string>();
  const names = new Map<string, string>();
  const fetchA = createMtlsFetch({ cert: certA.certPem, key: certA.keyPem, ca: ca.certPem, servername: (u) => names.get(u.port), connections: CONNECTIONS, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  const fetchB = createMtlsFetch({ cert: certB.certPem, key: certB.keyPem, ca: ca.certPem, servername: (u) => names.get(u.port), connections: CONNECTIONS, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  const resolve = (d: string) => urls.get(d)!;
  const clientA = new MimiHttpClient({ domain: 'a.example', fetch: fetchA, resolve });
  const clientB = new MimiHttpClient({ domain: 'b.example', fetch: fetchB, resolve });
  const storeA = open('a');
  const storeB = open('b');
  let hub: Hub | undefined;
  const followerA = new Follower({ domain: 'a.example', store: storeA, clock: Date, sharesStoreWithHub: true, hubs: { history: (h, r) => httpHubTransport(clientA, { local: hub! }).history(h, r) } });
  hub = new Hub({ domain: 'a.example', store: storeA, clock: Date, checker: testChecker(), transport: httpFollowerTransport(clientA, { local: followerA }), batchSize: 64, window: WINDOW });
  const followerB = new Follower({ domain: 'b.example', store: storeB, clock: Date, hubs: httpHubTransport(clientB) });
  const arrived = new Map<number, number>();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  // Count a message when b's follower has stored it (it is then in b's per-client queues).
  const counting = Object.create(followerB) as Follower;
  let notifies = 0;
  counting.notify = async (from: string, req: NotifyRequest) => {
    notifies++;
    await followerB.notify(from, req);
    const now = performance.now();
    for (const e of req.events) {
      const key = indexOf(e.message);
      if (!arrived.has(key)) arrived.set(key, now);
    }
    if (arrived.size >= messages) done();
  };
  // Fan out as soon as a message is accepted, coalescing ticks (and on a timer, for acknowledgements).
  let ticking = false;
  let again = false;
  const kick = (): void => {
    if (ticking) return void (again = true);
    ticking = true;
    void hub!.tick().finally(() => {
      ticking = false;
      if (again) {
        again = false;
        kick();
      }
    });
  };
  const timer = setInterval(kick, TICK_MS);
  const handlerA = createMimiHandler({ domain: 'a.example', hub, follower: followerA, hostAliases: ['127.0.0.1'], ...(KICK ? { onRequest: (l) => (l.outcome === 'accepted' && l.endpoint === 'submitMessage' ? kick() : undefined) } : {}) });
  const handlerB = createMimiHandler({ domain: 'b.example', follower: counting, hostAliases: ['127.0.0.1'] });
  const tls = (c: typeof certA) => ({ cert: c.certPem, key: c.keyPem, ca: ca.certPem });
  const servers: MimiServer[] = [await startMimiServer({ handler: handlerA, tls: tls(certA) }), await startMimiServer({ handler: handlerB, tls: tls(certB) })];
  urls.set('a.example', servers[0]!.url);
  names.set(String(servers[0]!.port), 'a.example');
  urls.set('b.example', servers[1]!.url);
  names.set(String(servers[1]!.port), 'b.example');
  const { id, snapshot } = room(0);
  await hub.createRoom(id, snapshot);
  const submitted = new Map<number, number>();
  const prepared = Array.from({ length: messages }, (_, i) => parseMlsMessage(appMessage(0, `${BODY}${String(i).padStart(12, '0')}`)));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      for (;;) {
        const i = next++;
        if (i >= messages) return;
        submitted.set(i, performance.now());
        const r = await clientB.submitMessage('a.example', id, { appMessage: prepared[i]!, sendingUri: BOB });
        if (r.statusCode !== 'accepted') throw new Error(`not accepted: ${r.statusCode}`);
      }
    }),
  );
  await finished;
  const ms = performance.now() - t0;
  // Every message is in b's per-client queue, in order.
  let seen = 0;
  for (;;) {
    const batch = await followerB.next('bench-client', id, 1000);
    if (batch.events.length === 0) break;
    for (const e of batch.events) if (e.seq !== ++seen) throw new Error('out of order');
    await followerB.ack('bench-client', id, batch.events.at(-1)!.seq);
  }
  if (seen !== messages) throw new Error(`queued ${seen} of ${messages}`);
  clearInterval(timer);
  await hub.stop();
  for (const s of servers) await s.close(500);
  await fetchA.close();
  await fetchB.close();
  await storeA.close();
  await storeB.close();
  rmSync(dir, { recursive: true, force: true });
  const lat = [...submitted].map(([k, t]) => arrived.get(k)! - t).sort((x, y) => x - y);
  return { rate: (messages / ms) * 1000, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), ms, eventsPerNotify: messages / notifies };
}

/**
 * The HTTPS layer alone: the same submits through the mTLS fetch, the Node server and the handler (decode,
 * checks, encode), to a hub stub that accepts without a store: what the transport costs on top of the bare loop.
 */
export async function transportOnly(senders: number, messages: number): Promise<Run> {
  const stub = { submitMessage: async () => ({ code: 'accepted', acceptedTimestamp: Date.now(), seq: 1 }) } as unknown as Hub;
  const server = await startMimiServer({ handler: createMimiHandler({ domain: 'a.example', hub: stub, hostAliases: ['127.0.0.1'] }), tls: { cert: certA.certPem, key: certA.keyPem, ca: ca.certPem } });
  const fetch = createMtlsFetch({ cert: certB.certPem, key: certB.keyPem, ca: ca.certPem, servername: () => 'a.example', connections: CONNECTIONS, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  const client = new MimiHttpClient({ domain: 'b.example', fetch, resolve: () => server.url });
  const lat: number[] = [];
  const message = parseMlsMessage(appMessage(0, `${BODY}000000000000`));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next++ < messages) {
        const s = performance.now();
        await client.submitMessage('a.example', 'mimi://a.example/r/bench-0', { appMessage: message, sendingUri: BOB });
        lat.push(performance.now() - s);
      }
    }),
  );
  const ms = performance.now() - t0;
  await server.close(500);
  await fetch.close();
  lat.sort((x, y) => x - y);
  return { rate: (messages / ms) * 1000, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), ms };
}

/** The ceiling: a bare node:https mutual-TLS request/response loop, same payload size, concurrency and pool. */
export async function bare(senders: number, messages: number): Promise<Run> {
  const payload = encodeSubmitMessageRequest({ appMessage: parseMlsMessage(appMessage(0, `${BODY}000000000000`)), sendingUri: BOB });
  const answer = Buffer.from([1, 0, 0, 0, 1, 0x8b, 0xcf, 0xe5, 0x68, 0x00, 0x00]); // a SubmitMessageResponse's size
  const server = createHttpsServer({ cert: certA.certPem, key: certA.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': answer.length });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: CONNECTIONS, timeout: KEEP_ALIVE_MS, cert: certB.certPem, key: certB.keyPem, ca: ca.certPem, servername: 'a.example' });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, method: 'POST', path: '/submitMessage/x', agent, servername: 'a.example', headers: { 'content-type': 'application/octet-stream', 'content-length': payload.length, from: 'mimi@b.example' } }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end(payload);
    });
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next++ < messages) {
        const s = performance.now();
        await one();
        lat.push(performance.now() - s);
      }
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  lat.sort((x, y) => x - y);
  return { rate: (messages / ms) * 1000, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), ms };
}

function row(group: string, name: string, r: Run, messages: number, baseline?: Run, target = true): Measurement {
  const m: Measurement = {
    group,
    name,
    samples: messages,
    medianMs: 1000 / r.rate,
    p95Ms: r.p99,
    opsPerSec: r.rate,
    extra: {
      messagesPerSec: Math.round(r.rate),
      p50LatencyMs: Number(r.p50.toFixed(2)),
      p99LatencyMs: Number(r.p99.toFixed(2)),
      wallMs: Math.round(r.ms),
      ...(r.eventsPerNotify === undefined ? {} : { eventsPerNotify: Number(r.eventsPerNotify.toFixed(1)), tickMs: TICK_MS }),
    },
  };
  if (!baseline) m.baseline = true;
  else {
    const share = r.rate / baseline.rate;
    m.extra!.shareOfBareLoop = Number(share.toFixed(3));
    if (target) {
      m.target = '≥ 50 % of the bare loop, ≥ 5,000 msg/s';
      m.targetMet = share >= 0.5 && r.rate >= 5000;
    }
  }
  return m;
}

/** Heap per room: rooms on a hub and its follower (memory store), each with a few fanned-out messages. */
async function memoryPerRoom(rooms: number, perRoom: number): Promise<Measurement> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const store = new MemoryStore();
  const bStore = new MemoryStore();
  let hub: Hub | undefined;
  const b = new Follower({ domain: 'b.example', store: bStore, clock: Date, hubs: { history: (_h, r) => hub!.history(r) } });
  const a = new Follower({ domain: 'a.example', store, clock: Date, sharesStoreWithHub: true, hubs: { history: (_h, r) => hub!.history(r) } });
  hub = new Hub({ domain: 'a.example', store, clock: Date, checker: testChecker(), transport: { notify: (to, req) => (to === 'b.example' ? b : a).notify(req.hub, req) } });
  for (let i = 0; i < rooms; i++) {
    const { id, snapshot } = room(i);
    await hub.createRoom(id, snapshot);
    for (let j = 0; j < perRoom; j++) await hub.submitMessage(id, { message: appMessage(0, `${BODY}${j}`), sendingUri: BOB });
  }
  for (let k = 0; k < 50 && (await hub.backlog()) > 0; k++) await hub.tick();
  gc?.();
  const ms = (performance.now() - t0) / rooms;
  const grown = process.memoryUsage().heapUsed - heap0;
  const perRoomBytes = grown / rooms;
  await hub.stop();
  return {
    group: 'memory per room',
    name: `${rooms} rooms: hub + 2 followers, memory store, ${perRoom} messages of ${BODY.length + 80} B each (time per room)`,
    samples: rooms,
    medianMs: ms,
    p95Ms: ms,
    opsPerSec: 1000 / ms,
    peakMemMiB: grown / 2 ** 20,
    extra: { rooms, kibPerRoom: Number((perRoomBytes / 1024).toFixed(1)), messageBytesPerRoom: perRoom * (BODY.length + 80) },
  };
}

function median(runs: Run[]): Run {
  const sorted = [...runs].sort((x, y) => x.rate - y.rate);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<void> {
  const rows: Measurement[] = [];
  for (const [senders, messages] of [
    [10, 2000],
    [100, 2000],
  ] as const) {
    const group = `submit → follower queue, ${senders} clients`;
    await bare(senders, 300); // warm-up
    await mimi(senders, 300, 'memory');
    // Alternate the rows and keep each one's median run: the machine is shared, its load drifts.
    await transportOnly(senders, 300);
    const runs: { bare: Run[]; transport: Run[]; sqlite: Run[]; memory: Run[] } = { bare: [], transport: [], sqlite: [], memory: [] };
    for (let i = 0; i < REPEATS; i++) {
      runs.bare.push(await bare(senders, messages));
      runs.transport.push(await transportOnly(senders, messages));
      runs.sqlite.push(await mimi(senders, messages, 'sqlite'));
      runs.memory.push(await mimi(senders, messages, 'memory'));
    }
    const base = median(runs.bare);
    rows.push(row(group, 'bare node:https mTLS loop', base, messages));
    rows.push(row(group, 'mimi-kit, SQLite stores (embedded default)', median(runs.sqlite), messages, base));
    rows.push(row(group, 'mimi-kit, memory stores', median(runs.memory), messages, base));
    rows.push(row(group, 'mimi-kit HTTPS layer only (submit to a hub stub, no store, no fanout)', median(runs.transport), messages, base, false));
  }
  rows.push(await memoryPerRoom(500, 10));
  report('http', rows);
}
