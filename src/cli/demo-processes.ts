/**
 * The two providers of `mimi demo` as separate processes: a demo CA and a certificate per domain in a
 * temporary folder, one `mimi serve` child per domain on loopback ports over HTTPS with mutual TLS, their
 * JSON logs read for the listening URLs and for what crossed the wire, and the children stopped (SIGTERM,
 * then SIGKILL past a bound) on every exit path, the demo's own SIGINT and process exit included.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { MimiError } from '../errors.js';
import { createDemoCa, issueCertificate } from '../http/node/index.js';

/** One request a provider served, from its log. */
export interface WireEntry {
  /** Who sent it (the authenticated peer). */
  readonly from: string;
  /** Who served it. */
  readonly to: string;
  readonly endpoint: string;
  readonly status: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Response or refusal code. */
  readonly code?: string;
}

/** A running child provider. */
export interface ChildProvider {
  readonly domain: string;
  readonly pid: number;
  /** Its MIMI listener. */
  readonly mimiUrl: string;
  /** Its local client API. */
  readonly localUrl: string;
  /** Its "stopped" log record, once it stopped gracefully. */
  readonly stopped?: { readonly flushed: boolean; readonly backlog: number; readonly ms: number };
}

/** The running pair. */
export interface ProcessPair {
  readonly providers: readonly ChildProvider[];
  /** The client API token both use. */
  readonly token: string;
  /** Requests served so far, as logged. */
  readonly wire: readonly WireEntry[];
  /** Stops both children and removes the temporary folder (idempotent). */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 8_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Certificates, token and ports of a demo run, written into `dir`. */
export interface DemoMaterial {
  /** The client API token both providers take. */
  readonly token: string;
  /** Pre-allocated MIMI ports (each provider must know the other's URL when it starts). */
  readonly ports: Readonly<Record<DemoDomain, number>>;
  /** Certificate, key and CA files of a domain. */
  files(d: DemoDomain): { cert: string; key: string; ca: string };
}

/** The demo's two provider domains. */
export const DEMO_DOMAINS = ['a.example', 'b.example'] as const;
/** One of {@link DEMO_DOMAINS}. */
export type DemoDomain = (typeof DEMO_DOMAINS)[number];

/** The other provider of the pair. */
export const peerOf = (d: DemoDomain): DemoDomain => (d === 'a.example' ? 'b.example' : 'a.example');

/**
 * Makes a CA for this run only, a certificate per provider naming its domain, a token, and two free ports.
 *
 * @param dir - a private temporary folder
 * @returns the material
 * @example
 * ```ts
 * const m = await demoMaterial(mkdtempSync(join(tmpdir(), 'mimi-demo-')));
 * ```
 */
export async function demoMaterial(dir: string): Promise<DemoMaterial> {
  const ca = createDemoCa({ commonName: 'mimi-kit demo CA (this run only)' });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  const token = randomBytes(24).toString('base64url');
  writeFileSync(join(dir, 'client-token'), token, { mode: 0o600 });
  for (const d of DEMO_DOMAINS) {
    const leaf = issueCertificate(ca, { domain: d });
    writeFileSync(join(dir, `${d}.pem`), leaf.certPem);
    writeFileSync(join(dir, `${d}.key`), leaf.keyPem, { mode: 0o600 });
  }
  const ports = { 'a.example': await freePort(), 'b.example': await freePort() };
  return { token, ports, files: (d) => ({ cert: join(dir, `${d}.pem`), key: join(dir, `${d}.key`), ca: join(dir, 'ca.pem') }) };
}

/**
 * One request line of a provider's JSON log as a {@link WireEntry}, or undefined for other lines.
 *
 * @param r - the parsed log record
 * @param to - the provider that logged it
 * @returns the entry
 * @example
 * ```ts
 * wireEntry({ msg: 'request', peer: 'b.example', endpoint: 'update', status: 200, bytesIn: 900, bytesOut: 20 }, 'a.example');
 * ```
 */
export function wireEntry(r: Record<string, unknown>, to: string): WireEntry | undefined {
  if (r['msg'] !== 'request') return undefined;
  const code = typeof r['code'] === 'string' ? r['code'] : typeof r['outcome'] === 'string' ? r['outcome'] : undefined;
  return { from: String(r['peer']), to, endpoint: String(r['endpoint']), status: Number(r['status']), bytesIn: Number(r['bytesIn']), bytesOut: Number(r['bytesOut']), ...(code ? { code } : {}) };
}

/** How to start this build's CLI in a child: dist JavaScript as is, sources under tsx. */
function childCommand(): { args: string[]; cwd: string } {
  const here = import.meta.url;
  const ts = here.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./demo-child.${ts ? 'ts' : 'js'}`, here));
  return { args: ts ? ['--import', 'tsx', entry] : [entry], cwd: fileURLToPath(new URL('../../', here)) };
}

/**
 * Starts a.example and b.example as `mimi serve` children.
 *
 * @param say - progress lines
 * @returns the running pair
 * @throws {@link MimiError} `demo/no-room` when a child does not start
 * @example
 * ```ts
 * const pair = await startProcessPair(console.log);
 * await pair.stop();
 * ```
 */
export async function startProcessPair(say: (line: string) => void): Promise<ProcessPair> {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-demo-'));
  const children: ChildProcess[] = [];
  const wire: WireEntry[] = [];
  let stopped: Promise<void> | undefined;
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // Last resort: the demo process ends (an error, `mimi demo | head`, process.exit) with children alive.
  process.once('exit', killAll);
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              const timer = setTimeout(() => c.kill('SIGKILL'), STOP_TIMEOUT_MS);
              c.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              c.kill('SIGTERM');
            }),
        ),
      );
      process.off('SIGINT', onSigint);
      process.off('exit', killAll);
      rmSync(dir, { recursive: true, force: true });
    })());
  const onSigint = () => {
    void stop().then(() => process.exit(1));
  };
  process.once('SIGINT', onSigint);

  try {
    const m = await demoMaterial(dir);
    say(`  certificates: a demo CA made for this run, and one certificate per provider naming its domain (${dir})`);
    const { args, cwd } = childCommand();
    const started = DEMO_DOMAINS.map((d) => {
      const peer = peerOf(d);
      const f = m.files(d);
      const child = spawn(
        process.execPath,
        [
          ...args,
          'serve',
          ...['--domain', d, '--port', String(m.ports[d]), '--data-dir', join(dir, d), '--cert', f.cert, '--key', f.key, '--ca', f.ca],
          ...['--peer', `${peer}=https://127.0.0.1:${m.ports[peer]}`, '--client-token-file', join(dir, 'client-token'), '--log-format', 'json', '--shutdown-timeout', '2000'],
        ],
        { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      return listen(child, d, wire);
    });
    const providers = await Promise.all(started);
    return { providers, token: m.token, wire, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Reads a child's JSON log: resolves on its "listening" line, records every "request" line. */
function listen(child: ChildProcess, domain: string, wire: WireEntry[]): Promise<ChildProvider> {
  return new Promise((resolve, reject) => {
    let errors = '';
    let buffered = '';
    const provider: ChildProvider = { domain, pid: child.pid!, mimiUrl: '', localUrl: '' };
    const timer = setTimeout(() => reject(new MimiError('demo/no-room', `${domain} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.stderr!.setEncoding('utf8').on('data', (t: string) => {
      errors = (errors + t).slice(-2000);
    });
    child.stdout!.setEncoding('utf8').on('data', (t: string) => {
      buffered += t;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let r: Record<string, unknown>;
        try {
          r = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (r['msg'] === 'listening') {
          clearTimeout(timer);
          resolve(provider);
          Object.assign(provider, { mimiUrl: String(r['mimi']), localUrl: String(r['local']) });
        } else if (r['msg'] === 'stopped') {
          Object.assign(provider, { stopped: { flushed: r['flushed'] === true, backlog: Number(r['backlog']), ms: Number(r['ms']) } });
        } else {
          const e = wireEntry(r, domain);
          if (e) wire.push(e);
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new MimiError('demo/no-room', `${domain} (mimi serve) exited (${signal ?? `status ${code}`}) before it listened: ${errors.trim().split('\n').pop() ?? ''}`));
    });
  });
}

/**
 * What crossed the wire, one line per (sender, receiver, endpoint, status); Welcomes (HT16) apart from notifies.
 *
 * @param wire - the logged requests
 * @returns the lines
 * @example
 * ```ts
 * for (const l of wireSummary(pair.wire)) console.log(l);
 * ```
 */
export function wireSummary(wire: readonly WireEntry[]): string[] {
  const groups = new Map<string, { e: WireEntry; n: number; bytesIn: number; bytesOut: number; codes: Set<string> }>();
  for (const e of wire) {
    // A Welcome goes to the notify path with its own media type (HT16): a row of its own.
    const welcome = e.endpoint === 'notify' && e.code === 'welcome';
    const k = `${e.from} ${e.to} ${e.endpoint} ${e.status} ${welcome}`;
    const g = groups.get(k) ?? { e: welcome ? { ...e, endpoint: 'notify (Welcome)' } : e, n: 0, bytesIn: 0, bytesOut: 0, codes: new Set<string>() };
    g.n++;
    g.bytesIn += e.bytesIn;
    g.bytesOut += e.bytesOut;
    if (e.code && !welcome) g.codes.add(e.code);
    groups.set(k, g);
  }
  const rows = [...groups.values()].sort((x, y) => (x.e.from + x.e.endpoint < y.e.from + y.e.endpoint ? -1 : 1));
  const w = Math.max(...rows.map((g) => g.e.endpoint.length), 8);
  return rows.map(
    (g) =>
      `    ${g.e.from} → ${g.e.to}  POST ${g.e.endpoint.padEnd(w)}  ${String(g.n).padStart(3)} × HTTP ${g.e.status}${g.codes.size ? ` (${[...g.codes].join(', ')})` : ''}  ${g.bytesIn} bytes sent, ${g.bytesOut} bytes answered`,
  );
}
