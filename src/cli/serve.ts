/**
 * `mimi serve`: runs a MIMI provider (hub and follower for its domain) until SIGTERM or SIGINT, then stops
 * gracefully. Flags become a provider configuration (src/provider/config.ts); see docs/provider.md.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MlsUpdateChecker } from '../delivery/checker.js';
import { MimiError } from '../errors.js';
import { parseProviderConfig, type ProviderConfig, type ProviderConfigInput } from '../provider/config.js';
import { createLogger, type LogFormat } from '../provider/logger.js';
import { Provider } from '../provider/provider.js';
import { parseStoreSpec } from '../provider/store.js';
import { EXIT, flag, listOption, stringOption, usage, type CliCommand, type CliIO, type ParsedArgs } from './command.js';

/** The environment variable that may hold the client API token. */
export const TOKEN_ENV = 'MIMI_CLIENT_TOKEN';

const serveCommand: CliCommand = {
  name: 'serve',
  args: '',
  positionals: { min: 0, max: 0 },
  summary: 'run a MIMI provider: hub and follower over HTTPS with mutual TLS, a local client API, /metrics',
  options: {
    config: { type: 'string', value: 'FILE', description: 'a JSON configuration (docs/provider.md) instead of the flags below (only --log-format may join it)' },
    domain: { type: 'string', value: 'DOMAIN', description: 'the provider domain (its certificate names it); required' },
    host: { type: 'string', value: 'ADDR', description: 'address of the MIMI listener (default 127.0.0.1)' },
    port: { type: 'string', value: 'N', description: 'port of the MIMI listener (default 8443; 0: any free port)' },
    'data-dir': { type: 'string', value: 'DIR', description: 'data directory of the embedded SQLite store (same as --store DIR)' },
    store: { type: 'string', value: 'SPEC', description: 'store: a data directory, memory: (nothing kept), or a store URL' },
    cert: { type: 'string', value: 'PEM', description: "this provider's certificate chain" },
    key: { type: 'string', value: 'PEM', description: 'its private key' },
    ca: { type: 'string', value: 'PEM', description: "the CA that signs peers' certificates" },
    'franking-key': { type: 'string', value: 'FILE', description: 'frank messages (HT19) with keys derived from this secret file (created when missing)' },
    peer: { type: 'string', multiple: true, value: 'DOMAIN=URL', description: "a peer provider's MIMI base URL" },
    'plain-http': { type: 'boolean', description: 'serve MIMI over plain HTTP (local tests only; instead of --cert/--key/--ca)' },
    'local-port': { type: 'string', value: 'N', description: 'port of the loopback client API and /metrics listener (default 0: any free port)' },
    'client-token-file': { type: 'string', value: 'FILE', description: `file holding the client API token (or ${TOKEN_ENV}; default <data-dir>/client-token, made if missing)` },
    'log-level': { type: 'string', value: 'LEVEL', description: 'fatal, error, warn, info (default), debug, trace or silent' },
    'log-format': { type: 'string', value: 'FORMAT', description: 'text (default: one readable line per record) or json (pino JSON lines)' },
    'shutdown-timeout': { type: 'string', value: 'MS', description: 'how long a stop waits for the fanout to drain (default 5000)' },
  },
  notes: [
    'examples:',
    '  mimi serve --domain a.example --port 8443 --data-dir ./data/a --cert a.pem --key a.key --ca ca.pem \\',
    '             --peer b.example=https://b.example:8443',
    '  mimi serve --domain a.example --store memory: --plain-http --port 0',
    '  mimi serve --config /etc/mimi/a.example.json     (the fields of docs/provider.md "Configuration file")',
    '',
    'Logs go to standard output: one line per MIMI request (endpoint, peer, status, ms, bytes; refusals',
    'with their code). The first line, "listening", names both listeners. SIGTERM or SIGINT stops',
    'gracefully: new requests are refused, the fanout drains (at most --shutdown-timeout), the store',
    'closes; a restart on the same data directory resumes. A second signal exits at once.',
  ],
  run: (args, io) => serve(args, io),
};

/** A numeric option, or a usage error. */
function intOption(args: ParsedArgs, name: string, fallback: number): number {
  const v = stringOption(args, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw usage(serveCommand, `--${name} takes a non-negative integer, not ${JSON.stringify(v)}`);
  return Number(v);
}

/** The token: from a file, the environment, or (for a data directory) a file made there once. */
function clientToken(args: ParsedArgs, store: string): { token: string; where: string } {
  const file = stringOption(args, 'client-token-file');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new MimiError('provider/unreadable-file', `cannot read --client-token-file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
    }
    return { token: text, where: file };
  }
  const env = process.env[TOKEN_ENV];
  if (env !== undefined && env !== '') return { token: env, where: TOKEN_ENV };
  const spec = parseStoreSpec(store);
  if (spec.kind !== 'sqlite') throw usage(serveCommand, `give --client-token-file or ${TOKEN_ENV} (the store keeps no files)`);
  mkdirSync(spec.directory, { recursive: true });
  const path = join(spec.directory, 'client-token');
  if (!existsSync(path)) writeFileSync(path, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  return { token: readFileSync(path, 'utf8').trim(), where: path };
}

/** Flags to the configuration input (validated by parseProviderConfig). */
function configFromArgs(args: ParsedArgs): { input: ProviderConfigInput; tokenWhere: string; format: LogFormat } {
  const domain = stringOption(args, 'domain');
  if (domain === undefined) throw usage(serveCommand, 'missing --domain');
  const dataDir = stringOption(args, 'data-dir');
  const storeFlag = stringOption(args, 'store');
  if (dataDir !== undefined && storeFlag !== undefined) throw usage(serveCommand, '--data-dir and --store name the same thing: give one');
  const store = storeFlag ?? dataDir;
  if (store === undefined) throw usage(serveCommand, 'missing --data-dir (or --store)');
  const files = ['cert', 'key', 'ca'].map((k) => stringOption(args, k));
  const plain = flag(args, 'plain-http');
  if (plain && files.some((f) => f !== undefined)) throw usage(serveCommand, '--plain-http excludes --cert, --key and --ca');
  if (!plain && files.some((f) => f === undefined)) throw usage(serveCommand, 'give --cert, --key and --ca (mutual TLS), or --plain-http');
  const peers: Record<string, string> = {};
  for (const p of listOption(args, 'peer')) {
    const m = /^([^=\s]+)=(\S+)$/.exec(p);
    if (!m) throw usage(serveCommand, `--peer takes DOMAIN=URL, not ${JSON.stringify(p)}`);
    peers[m[1]!] = m[2]!;
  }
  const format = stringOption(args, 'log-format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw usage(serveCommand, `--log-format is text or json, not ${JSON.stringify(format)}`);
  const port = intOption(args, 'port', 8443);
  const localPort = intOption(args, 'local-port', 0);
  const shutdownTimeoutMs = intOption(args, 'shutdown-timeout', 5000);
  const { token, where } = clientToken(args, store);
  const input: ProviderConfigInput = {
    domain,
    host: stringOption(args, 'host') ?? '127.0.0.1',
    port,
    store,
    ...(plain ? { plainHttp: true } : { tls: { cert: files[0]!, key: files[1]!, ca: files[2]! } }),
    peers,
    local: { port: localPort, token },
    ...(stringOption(args, 'franking-key') === undefined ? {} : { frankingKeyFile: stringOption(args, 'franking-key')! }),
    logLevel: (stringOption(args, 'log-level') ?? 'info') as ProviderConfigInput['logLevel'],
    shutdownTimeoutMs,
  };
  return { input, tokenWhere: where, format };
}

/** `--config FILE`: the JSON configuration, validated (bad content is bad input: exit status 1). */
function configFromFile(args: ParsedArgs, file: string): { config: ProviderConfig; tokenWhere: string; format: LogFormat } {
  const others = Object.keys(args.values).filter((k) => k !== 'config' && k !== 'log-format' && args.values[k] !== undefined);
  if (others.length > 0) throw usage(serveCommand, `--config excludes --${others[0]} (put it in the file)`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MimiError('provider/unreadable-file', `cannot read --config ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MimiError('provider/bad-config', `--config ${file} is not JSON`);
  }
  const format = stringOption(args, 'log-format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw usage(serveCommand, `--log-format is text or json, not ${JSON.stringify(format)}`);
  return { config: parseProviderConfig(json), tokenWhere: file, format };
}

async function serve(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = stringOption(args, 'config');
  let setup: { config: ProviderConfig; tokenWhere: string; format: LogFormat };
  if (file !== undefined) setup = configFromFile(args, file);
  else {
    const { input, tokenWhere, format } = configFromArgs(args);
    try {
      setup = { config: parseProviderConfig(input), tokenWhere, format };
    } catch (e) {
      // A flag with a value the configuration refuses is a usage error (exit status 2).
      if (e instanceof MimiError && e.code === 'provider/bad-config') throw usage(serveCommand, `bad option value: ${e.message}`);
      throw e;
    }
  }
  const { config, tokenWhere, format } = setup;
  const logger = createLogger({ level: config.logLevel, format, write: (l) => io.stdout(l.replace(/\n$/, '')), base: { domain: config.domain } });
  const provider = await Provider.start({ config, checker: new MlsUpdateChecker(), logger });
  logger.info({ from: tokenWhere }, 'client API token');
  // The rooms' franking_agent component must carry this key for members to accept the hub's franks (HT19).
  if (provider.frankingPublicKey) logger.info({ frankingPublicKey: Buffer.from(provider.frankingPublicKey).toString('hex'), cipherSuite: 1 }, 'franking');
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(EXIT.failed);
      }
      logger.info({ signal }, 'signal');
      void provider.stop().then(() => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return EXIT.ok;
}

/**
 * The `mimi serve` command.
 *
 * @example
 * ```ts
 * await runCli(['serve', '--domain', 'a.example', '--store', 'memory:', '--plain-http']); // runs until SIGTERM
 * ```
 */
export const commands: readonly CliCommand[] = [serveCommand];
