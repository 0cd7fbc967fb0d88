/**
 * A provider's configuration, validated at the boundary (zod; errors are `MimiError`s with `provider/*`
 * codes and the path of the first bad field, never a ZodError), and the files it names read into memory.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MimiError } from '../errors.js';

/** A DNS name as a MIMI provider domain (RFC 1123 labels, lower case after parsing). */
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const LOOPBACK = ['127.0.0.1', '::1', 'localhost'] as const;

const domain = z
  .string()
  .transform((s) => s.toLowerCase())
  .refine((s) => DOMAIN_RE.test(s), { message: 'not a DNS name' });
const port = z.number().int().min(0).max(65535);
const peerUrl = z
  .string()
  .max(2048)
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { message: 'not an http(s) URL' });

/**
 * The schema of a provider configuration (the JSON a caller passes to {@link parseProviderConfig}).
 *
 * @example
 * ```ts
 * import { ProviderConfigSchema } from 'mimi-kit/provider';
 * ProviderConfigSchema.safeParse({ domain: 'a.example' }).success; // false: store and token are missing
 * ```
 */
export const ProviderConfigSchema = z
  .object({
    /** The domain this provider speaks for (its certificate's dNSName). */
    domain,
    /** Address of the MIMI (provider-to-provider) listener. */
    host: z.string().min(1).max(255).default('127.0.0.1'),
    /** Port of the MIMI listener (0: any free port). */
    port: port.default(0),
    /** Where data lives: a data directory (SQLite), `memory:` (nothing kept), or a URL of another store (see store.ts). */
    store: z.string().min(1).max(4096),
    /** PEM files: this provider's certificate chain and key, and the CA whose certificates it accepts from peers. */
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().min(1) }).strict().optional(),
    /** Serve MIMI over plain HTTP (local demos and tests only; never with `tls`). */
    plainHttp: z.boolean().default(false),
    /** Base URL of each peer provider's MIMI listener, by domain. */
    peers: z.record(domain, peerUrl).default({}),
    /** The local listener: the client API and `/metrics`, on a loopback address only. */
    local: z
      .object({
        host: z.enum(LOOPBACK).default('127.0.0.1'),
        port: port.default(0),
        /** Bearer token of the client API (at least 16 characters). */
        token: z.string().min(16).max(1024),
      })
      .strict(),
    /**
     * The franking secret (base64url of 32 bytes; created when missing): with it the hub franks tagged messages
     * (HT19) with keys derived from it (src/provider/franking.ts). Without it nothing is franked.
     */
    frankingKeyFile: z.string().min(1).max(4096).optional(),
    /** pino level. */
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Fanout/retry timer period in ms. */
    tickMs: z.number().int().min(1).max(60_000).default(20),
    /** A follower's gap older than this is fetched from the hub (ms). */
    gapTimeoutMs: z.number().int().min(0).max(600_000).default(500),
    /** Bounded wait for the fanout to drain on shutdown (ms). */
    shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(5000),
  })
  .strict();

/** A validated provider configuration (defaults filled in, domains lower case). */
export type ProviderConfig = z.output<typeof ProviderConfigSchema>;
/** The input of {@link parseProviderConfig} (optional fields may be left out). */
export type ProviderConfigInput = z.input<typeof ProviderConfigSchema>;

/**
 * Validates a configuration.
 *
 * @param input - untrusted configuration (parsed JSON, CLI flags)
 * @returns the configuration with defaults
 * @throws {@link MimiError} `provider/bad-config` (with the path of the first bad field), `provider/no-tls`
 *   (neither `tls` nor `plainHttp`, or both)
 * @example
 * ```ts
 * import { parseProviderConfig } from 'mimi-kit/provider';
 * const config = parseProviderConfig({ domain: 'a.example', store: 'memory:', plainHttp: true, local: { token: 'x'.repeat(32) } });
 * config.port; // 0
 * ```
 */
export function parseProviderConfig(input: unknown): ProviderConfig {
  let r: ReturnType<typeof ProviderConfigSchema.safeParse>;
  try {
    r = ProviderConfigSchema.safeParse(input);
  } catch (e) {
    throw new MimiError('provider/bad-config', 'the configuration cannot be read', { cause: e });
  }
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
    throw new MimiError('provider/bad-config', `configuration${path.length ? ` ${path.join('.')}` : ''}: ${issue.message}`, { path });
  }
  const config = r.data;
  // draft-ietf-mimi-protocol-06 §3: providers talk over mutually authenticated TLS; plain HTTP is a local choice.
  if (config.tls === undefined && !config.plainHttp) {
    throw new MimiError('provider/no-tls', 'give certificates (tls.cert, tls.key, tls.ca) or choose plain HTTP explicitly', { path: ['tls'] });
  }
  if (config.tls !== undefined && config.plainHttp) {
    throw new MimiError('provider/no-tls', 'certificates and plain HTTP exclude each other', { path: ['plainHttp'] });
  }
  return config;
}

/** The PEM contents named by `config.tls`. */
export interface TlsMaterial {
  /** This provider's certificate chain (PEM). */
  readonly cert: string;
  /** Its private key (PEM). */
  readonly key: string;
  /** The CA accepted for peers (PEM). */
  readonly ca: string;
}

/**
 * Reads the certificate, key and CA files of a configuration.
 *
 * @param tls - the three paths
 * @returns the PEM texts
 * @throws {@link MimiError} `provider/unreadable-file` (path names the field)
 * @example
 * ```ts
 * const material = readTlsMaterial(config.tls!);
 * ```
 */
export function readTlsMaterial(tls: NonNullable<ProviderConfig['tls']>): TlsMaterial {
  const read = (field: 'cert' | 'key' | 'ca'): string => {
    let text: string;
    try {
      text = readFileSync(tls[field], 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new MimiError('provider/unreadable-file', `cannot read tls.${field} ${tls[field]} (${code})`, { path: ['tls', field], cause: e });
    }
    if (!text.includes('-----BEGIN ')) throw new MimiError('provider/unreadable-file', `tls.${field} ${tls[field]} is not PEM`, { path: ['tls', field] });
    return text;
  };
  return { cert: read('cert'), key: read('key'), ca: read('ca') };
}

/**
 * The provider domain of a MIMI URI (`mimi://<domain>/…`), lower case, or undefined.
 *
 * @param uri - a room, user or client URI
 * @returns the domain
 * @example
 * ```ts
 * domainOfUri('mimi://a.example/r/club'); // 'a.example'
 * ```
 */
export function domainOfUri(uri: string): string | undefined {
  const m = /^mimi:\/\/([^/?#]+)\//i.exec(uri);
  return m ? m[1]!.toLowerCase() : undefined;
}
