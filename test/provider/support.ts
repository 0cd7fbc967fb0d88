// Test harness of the provider: demo certificates written to a temporary folder, configurations for a.example
// and b.example on ephemeral loopback ports, and providers started in this process over HTTPS with mTLS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlsUpdateChecker } from '../../src/delivery/checker.js';
import { createDemoCa, issueCertificate } from '../../src/http/node/index.js';
import { parseProviderConfig, type ProviderConfig } from '../../src/provider/config.js';
import { createLogger } from '../../src/provider/logger.js';
import { Provider } from '../../src/provider/provider.js';

export const TOKEN = 'test-token-0123456789abcdef';

/** A folder with ca.pem and <domain>.{cert,key}.pem for each domain. */
export function certificates(domains: readonly string[]): { dir: string; paths: (d: string) => { cert: string; key: string; ca: string }; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-provider-'));
  const ca = createDemoCa();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  for (const d of domains) {
    const leaf = issueCertificate(ca, { domain: d });
    writeFileSync(join(dir, `${d}.cert.pem`), leaf.certPem);
    writeFileSync(join(dir, `${d}.key.pem`), leaf.keyPem, { mode: 0o600 });
  }
  return {
    dir,
    paths: (d) => ({ cert: join(dir, `${d}.cert.pem`), key: join(dir, `${d}.key.pem`), ca: join(dir, 'ca.pem') }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A free loopback port (bound and released: the kernel does not hand it out again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Records a provider's JSON log lines. */
export function recordLogs(): { lines: Record<string, unknown>[]; write: (l: string) => void } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) };
}

export interface Pair {
  readonly a: Provider;
  readonly b: Provider;
  readonly logs: { a: Record<string, unknown>[]; b: Record<string, unknown>[] };
  readonly configs: { a: ProviderConfig; b: ProviderConfig };
  stop(): Promise<void>;
}

/** Starts a.example and b.example in this process, peers of each other over HTTPS with mTLS. */
export async function startPair(options: { store?: (d: string) => string; shutdownTimeoutMs?: number; plainHttp?: boolean } = {}): Promise<Pair> {
  // Each provider must know the other's port before either listens, so the ports are picked first; another test
  // file may take one in between (EADDRINUSE): then both start again on fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPairOnce(options);
    } catch (e) {
      const inUse = e instanceof Error && /EADDRINUSE/.test(`${e.message} ${String((e as { cause?: unknown }).cause)}`);
      if (!inUse || attempt >= 5) throw e;
    }
  }
}

async function startPairOnce(options: { store?: (d: string) => string; shutdownTimeoutMs?: number; plainHttp?: boolean }): Promise<Pair> {
  const certs = certificates(['a.example', 'b.example']);
  const [pa, pb] = [await freePort(), await freePort()];
  const config = (d: string, port: number, peer: string, peerPort: number) =>
    parseProviderConfig({
      domain: d,
      port,
      store: options.store?.(d) ?? 'memory:',
      ...(options.plainHttp ? { plainHttp: true } : { tls: certs.paths(d) }),
      peers: { [peer]: `${options.plainHttp ? 'http' : 'https'}://127.0.0.1:${peerPort}` },
      local: { token: TOKEN },
      gapTimeoutMs: 100,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 2000,
    });
  const configs = { a: config('a.example', pa, 'b.example', pb), b: config('b.example', pb, 'a.example', pa) };
  const la = recordLogs();
  const lb = recordLogs();
  let a: Provider | undefined;
  let b: Provider;
  try {
    a = await Provider.start({ config: configs.a, checker: new MlsUpdateChecker(), logger: createLogger({ level: 'info', write: la.write, base: { domain: 'a.example' } }) });
    b = await Provider.start({ config: configs.b, checker: new MlsUpdateChecker(), logger: createLogger({ level: 'info', write: lb.write, base: { domain: 'b.example' } }) });
  } catch (e) {
    await a?.stop();
    certs.cleanup();
    throw e;
  }
  return {
    a,
    b,
    logs: { a: la.lines, b: lb.lines },
    configs,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      certs.cleanup();
    },
  };
}

/** Starts one provider with the given certificates folder, ports and store (logs recorded). */
export async function startOne(options: {
  domain: string;
  port: number;
  peer: string;
  peerPort: number;
  certs: ReturnType<typeof certificates>;
  store: string;
  shutdownTimeoutMs?: number;
}): Promise<{ provider: Provider; logs: Record<string, unknown>[] }> {
  const config = parseProviderConfig({
    domain: options.domain,
    port: options.port,
    store: options.store,
    tls: options.certs.paths(options.domain),
    peers: { [options.peer]: `https://127.0.0.1:${options.peerPort}` },
    local: { token: TOKEN },
    gapTimeoutMs: 100,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 2000,
  });
  const logs = recordLogs();
  const provider = await Provider.start({ config, checker: new MlsUpdateChecker(), logger: createLogger({ level: 'info', write: logs.write, base: { domain: options.domain } }) });
  return { provider, logs: logs.lines };
}
