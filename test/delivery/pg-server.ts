// A real PostgreSQL server for tests and the bench: `MIMI_PG_URL` when set; otherwise, when Debian's binaries are
// installed (/usr/lib/postgresql/*/bin/initdb), a throw-away cluster made with initdb in a temporary folder,
// listening on 127.0.0.1 only and on a unix socket in that folder, stopped (and the folder removed) by `stop()`.
// Neither: in CI (`CI` set) the suite FAILS saying so; outside CI it prints one SKIPPED line saying how to get one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A server to connect to. */
export interface PgServer {
  /** Connection string (database `postgres`). */
  readonly url: string;
  /** Makes a fresh schema (each store of a test gets its own). */
  freshSchema(): Promise<string>;
  /** Stops the server this helper started (nothing for `MIMI_PG_URL`). */
  stop(): Promise<void>;
}

const HOW = 'set MIMI_PG_URL=postgres://user@host/db, or install Debian\'s postgresql package (apt-get install postgresql) so /usr/lib/postgresql/*/bin/initdb exists';

/** The initdb of the newest installed Debian PostgreSQL, if any. */
export function findInitdb(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin', 'initdb');
}

/**
 * Whether a server can be had here; when not, in CI it throws (the suite fails), outside CI it prints
 * `SKIPPED <what>: …` once and returns false.
 */
export function postgresAvailable(what: string): boolean {
  if (process.env.MIMI_PG_URL || findInitdb()) return true;
  if (process.env.CI) throw new Error(`${what} needs PostgreSQL and there is none: ${HOW} (.ci/run installs it)`);
  console.warn(`SKIPPED ${what}: it needs a PostgreSQL server and there is none here; ${HOW}.`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let counter = 0;

function withSchemas(url: string, stop: () => Promise<void>, dropOnStop = false): PgServer {
  const made: string[] = [];
  return {
    url,
    async stop() {
      if (dropOnStop && made.length > 0) {
        // A server we did not start: leave it as we found it.
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          for (const s of made) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
        } finally {
          await c.end();
        }
      }
      await stop();
    },
    async freshSchema() {
      const name = `t${process.pid}_${Date.now().toString(36)}_${counter++}`;
      made.push(name);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE SCHEMA ${name}`);
      } finally {
        await c.end();
      }
      return name;
    },
  };
}

/**
 * Starts (or connects to) a server. `fsync: false` is for tests only (the bench keeps the durable default).
 */
export async function startPostgres(options: { fsync?: boolean } = {}): Promise<PgServer> {
  if (process.env.MIMI_PG_URL) return withSchemas(process.env.MIMI_PG_URL, async () => undefined, true);
  const initdb = findInitdb();
  if (!initdb) throw new Error(`no PostgreSQL: ${HOW}`);
  const bin = join(initdb, '..');
  const dir = mkdtempSync(join(tmpdir(), 'mimi-pg-'));
  const data = join(dir, 'data');
  const root = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user (like runuser -u postgres).
  const user = root ? { uid: uidOf('postgres'), gid: gidOf('postgres'), cwd: dir } : {};
  if (root) {
    chownSync(dir, user.uid!, user.gid!);
    chmodSync(dir, 0o700);
  }
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], { encoding: 'utf8', ...user });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'max_connections=200', '-c', 'shared_buffers=64MB'];
  if (options.fsync === false) settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings], { stdio: ['ignore', 'ignore', 'pipe'], ...user });
  let log = '';
  server.stderr?.on('data', (d: Buffer) => {
    if (log.length < 20_000) log += d.toString();
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.end();
      break;
    } catch {
      await c.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) {
        server.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let stopped = false;
  return withSchemas(url, async () => {
    if (stopped) return;
    stopped = true;
    if (server.exitCode === null) {
      const exited = new Promise<void>((r) => server.once('exit', () => r()));
      server.kill('SIGINT'); // fast shutdown
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });
}

function uidOf(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}

function gidOf(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}
