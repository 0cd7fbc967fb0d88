// `mimi serve`: flags and their errors (exit statuses 1 and 2, one line on stderr), and the real thing as a child
// process: it answers the MIMI directory over mutual TLS and /metrics on its loopback listener, stops on SIGTERM
// within a bound, and a restart on the same data directory still holds what the first run stored.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createMtlsFetch } from '../../src/http/node/index.js';
import { LocalApiClient } from '../../src/provider/client.js';
import { certificates, freePort } from '../provider/support.js';
import { REPO_ROOT } from '../support/shared.js';
import { expectOneErrorLine, recordingIO } from './io.js';
import { handKeyPackage } from '../delivery/keyPackageFixtures.js';

// An MLSMessage (mls10, mls_key_package) around a KeyPackage written from the RFC 9420 §10 struct.
const BOB_KP = new Uint8Array([0, 1, 0, 5, ...handKeyPackage({ identity: 'mimi://a.example/d/bob/1' })]);

const certs = certificates(['a.example', 'b.example']);
const data = mkdtempSync(join(tmpdir(), 'mimi-serve-'));
const tokenFile = join(data, 'token');
writeFileSync(tokenFile, 'serve-test-token-0123456789\n');
afterAll(() => {
  certs.cleanup();
  rmSync(data, { recursive: true, force: true });
});
const tls = (d: string) => ['--cert', certs.paths(d).cert, '--key', certs.paths(d).key, '--ca', certs.paths(d).ca];

describe('mimi serve: flags', () => {
  it('--help lists the flags', async () => {
    const io = recordingIO();
    expect(await runCli(['serve', '--help'], io)).toBe(0);
    const text = io.out.join('\n');
    for (const f of ['--config', '--domain', '--port', '--data-dir', '--store', '--cert', '--key', '--ca', '--peer', '--plain-http', '--log-level', '--client-token-file']) expect(text).toContain(f);
  });

  it.each([
    [['serve', '--store', 'memory:', '--plain-http'], /missing --domain/],
    [['serve', '--domain', 'a.example', '--plain-http'], /missing --data-dir/],
    [['serve', '--domain', 'a.example', '--store', 'memory:'], /give --cert, --key and --ca/],
    [['serve', '--domain', 'a.example', '--store', 'memory:', '--plain-http', '--cert', 'x.pem'], /--plain-http excludes/],
    [['serve', '--domain', 'a.example', '--store', 'memory:', '--data-dir', 'd', '--plain-http'], /name the same thing/],
    [['serve', '--domain', 'a.example', '--store', 'memory:', '--plain-http', '--port', 'http'], /--port takes a non-negative integer/],
    [['serve', '--domain', 'a.example', '--store', 'memory:', '--plain-http', '--port', '70000', '--client-token-file', tokenFile], /bad option value: configuration port/],
    [['serve', '--domain', 'a_b', '--store', 'memory:', '--plain-http', '--client-token-file', tokenFile], /bad option value: configuration domain: not a DNS name/],
    [['serve', '--domain', 'a.example', '--store', 'memory:', '--plain-http', '--peer', 'b.example'], /--peer takes DOMAIN=URL/],
    [['serve', '--domain', 'a.example', '--store', 'memory:', '--plain-http'], /give --client-token-file or MIMI_CLIENT_TOKEN/],
  ])('%j is a usage error (exit status 2)', async (args, message) => {
    const saved = process.env['MIMI_CLIENT_TOKEN'];
    delete process.env['MIMI_CLIENT_TOKEN'];
    try {
      const io = recordingIO();
      expect(await runCli(args, io)).toBe(2);
      expect(expectOneErrorLine(io)).toMatch(/^error cli\/usage: /);
      expect(io.err[0]).toMatch(message);
    } finally {
      if (saved !== undefined) process.env['MIMI_CLIENT_TOKEN'] = saved;
    }
  });

  it('--config: a file that is not JSON, or not a configuration, is bad input; other flags beside it are usage', async () => {
    const notJson = join(data, 'not.json');
    writeFileSync(notJson, '{ domain: a.example');
    const badPort = join(data, 'bad-port.json');
    writeFileSync(badPort, JSON.stringify({ domain: 'a.example', store: 'memory:', plainHttp: true, port: -1, local: { token: 'x'.repeat(16) } }));
    const noTls = join(data, 'no-tls.json');
    writeFileSync(noTls, JSON.stringify({ domain: 'a.example', store: 'memory:', local: { token: 'x'.repeat(16) } }));
    for (const [file, line] of [
      [notJson, /^error provider\/bad-config: --config .*not\.json is not JSON$/],
      [badPort, /^error provider\/bad-config: configuration port: .* \(at port\)$/],
      [noTls, /^error provider\/no-tls: give certificates .* \(at tls\)$/],
      [join(data, 'missing.json'), /^error provider\/unreadable-file: cannot read --config .*missing\.json \(ENOENT\)$/],
    ] as const) {
      const io = recordingIO();
      expect(await runCli(['serve', '--config', file], io)).toBe(1);
      expect(expectOneErrorLine(io)).toMatch(line);
    }
    const io = recordingIO();
    expect(await runCli(['serve', '--config', noTls, '--domain', 'a.example'], io)).toBe(2);
    expect(expectOneErrorLine(io)).toMatch(/^error cli\/usage: --config excludes --domain/);
  });

  it('an unreadable certificate is bad input (exit status 1, provider/unreadable-file)', async () => {
    const io = recordingIO();
    const args = ['serve', '--domain', 'a.example', '--store', 'memory:', '--client-token-file', tokenFile, '--port', '0'];
    expect(await runCli([...args, '--cert', join(data, 'missing.pem'), '--key', certs.paths('a.example').key, '--ca', certs.paths('a.example').ca], io)).toBe(1);
    expect(expectOneErrorLine(io)).toMatch(/^error provider\/unreadable-file: cannot read tls\.cert .*missing\.pem \(ENOENT\) \(at tls\.cert\)$/);
  });

  it('--franking-key: a file that is not 32 bytes in base64url is bad input (exit status 1, provider/bad-config)', async () => {
    const io = recordingIO();
    const keyFile = join(data, 'bad-franking-key');
    writeFileSync(keyFile, 'too short\n');
    const args = ['serve', '--domain', 'a.example', '--store', 'memory:', '--client-token-file', tokenFile, '--port', '0', '--plain-http', '--franking-key', keyFile];
    expect(await runCli(args, io)).toBe(1);
    expect(expectOneErrorLine(io)).toMatch(/^error provider\/bad-config: .*bad-franking-key must hold 32 bytes in base64url/);
  });
});

interface Served {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  listening: Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function serveChild(args: string[]): Served {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'demo-child.ts'), 'serve', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  let resolveListening!: (r: Record<string, unknown>) => void;
  const listening = new Promise<Record<string, unknown>>((r) => (resolveListening = r));
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    buf += t;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const r = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      lines.push(r);
      if (r['msg'] === 'listening') resolveListening(r);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, lines, listening, exited };
}

describe('mimi serve as a child process', () => {
  it('answers the directory and /metrics, stops on SIGTERM within a bound, and resumes on restart (from --config)', async () => {
    const port = await freePort();
    const dir = join(data, 'a');
    const args = ['--domain', 'a.example', '--port', String(port), '--data-dir', dir, ...tls('a.example'), '--client-token-file', tokenFile, '--log-format', 'json'];
    const first = serveChild(args);
    try {
      const l = await Promise.race([first.listening, first.exited.then((e) => Promise.reject(new Error(`exited ${JSON.stringify(e)}`)))]);
      expect(l['mimi']).toBe(`https://127.0.0.1:${port}`);
      // The directory over mutual TLS, as b.example (draft-ietf-mimi-protocol-06: /.well-known/mimi-protocol-directory).
      const pem = (f: string) => readFileSync(f, 'utf8');
      const b = certs.paths('b.example');
      const fetch = createMtlsFetch({ cert: pem(b.cert), key: pem(b.key), ca: pem(b.ca), servername: () => 'a.example' });
      const res = await fetch(`https://127.0.0.1:${port}/.well-known/mimi-protocol-directory`, { method: 'GET', headers: { from: 'mimi@b.example', host: 'a.example' } });
      expect(res.status).toBe(200);
      const directory = (await res.json()) as Record<string, unknown>;
      expect(JSON.stringify(directory)).toContain('submitMessage');
      await fetch.close();
      // /metrics on the loopback listener, in the Prometheus text format, counting that request.
      const metrics = await (await globalThis.fetch(`${String(l['local'])}/metrics`)).text();
      expect(metrics).toMatch(/^# TYPE mimi_requests_total counter$/m);
      expect(metrics).toMatch(/^mimi_requests_total\{endpoint="directory",status="200"\} 1$/m);
      expect(metrics).toMatch(/^# TYPE mimi_fanout_backlog gauge$/m);
      // State to find again after the restart: a key package for Bob.
      const api = new LocalApiClient({ url: String(l['local']), token: 'serve-test-token-0123456789' });
      await api.publishKeyPackage('mimi://a.example/u/bob', 'mimi://a.example/d/bob/1', BOB_KP);
      const requestLine = first.lines.find((r) => r['msg'] === 'request' && r['endpoint'] === 'directory');
      expect(requestLine).toMatchObject({ peer: 'b.example', status: 200 });
      expect(typeof requestLine!['ms']).toBe('number');

      const t0 = Date.now();
      first.child.kill('SIGTERM');
      const exit = await first.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(first.lines.find((r) => r['msg'] === 'stopped')).toMatchObject({ flushed: true, backlog: 0 });
    } finally {
      first.child.kill('SIGKILL');
    }

    // The restart reads the same settings from a configuration file.
    const configFile = join(data, 'a.json');
    writeFileSync(configFile, JSON.stringify({ domain: 'a.example', port, store: dir, tls: certs.paths('a.example'), local: { token: 'serve-test-token-0123456789' } }));
    const second = serveChild(['--config', configFile, '--log-format', 'json']);
    try {
      const l = await second.listening;
      const api = new LocalApiClient({ url: String(l['local']), token: 'serve-test-token-0123456789' });
      const claim = await api.claimKeyPackages('mimi://a.example/u/bob');
      expect(claim.clients).toEqual([{ clientStatus: 'success', clientUri: 'mimi://a.example/d/bob/1', keyPackage: BOB_KP }]);
      second.child.kill('SIGINT');
      expect((await second.exited).code).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 60_000);
});
