/**
 * A `fetch` for Node that presents this provider's client certificate and checks the peer's against the
 * given CA (mutual TLS, draft-ietf-mimi-protocol-06 "Transport layer"), over undici's `Agent` with
 * keep-alive. It speaks undici's `request` API (no web streams on the hot path) and returns a standard
 * `Response` with the body already read, bounded by `maxResponseBytes`. The name checked in the server's
 * certificate is the URL's host, or the one `servername` returns (a provider reached by IP on loopback still
 * has to present its domain's certificate).
 *
 * @module
 */
import { Agent } from 'undici';
import { createSecureContext } from 'node:tls';
import { MimiError } from '../../errors.js';
import type { FetchLike } from '../client.js';
import { bytesResponse } from '../fast.js';
import { tlsOptions, type MtlsCredentials } from './server.js';

/** Options of {@link createMtlsFetch}. */
export interface MtlsFetchOptions extends MtlsCredentials {
  /**
   * The domain the server's certificate must name, per URL (SNI and RFC 6125 check); default: the URL's
   * hostname.
   */
  readonly servername?: (url: URL) => string | undefined;
  /** Idle connections are kept this many ms (default 4 000, under the server's 5 000 default). */
  readonly keepAliveTimeoutMs?: number;
  /** Most connections per origin (default 16). */
  readonly connections?: number;
}

/** A fetch with mutual TLS; `close()` ends its connections. */
export interface MtlsFetch extends FetchLike {
  /** Closes every pooled connection (waits for requests in progress). */
  close(): Promise<void>;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const DEFAULT_MAX = 8 * 1024 * 1024;

/**
 * Creates the fetch.
 *
 * @param options - this provider's certificate and key, the CA, the expected server names
 * @returns a fetch for `MimiHttpClient` (mimi-kit/http)
 * @throws `MimiError` `http/bad-certificate` (credentials that do not load)
 * @example
 * ```ts
 * import { MimiHttpClient } from 'mimi-kit/http';
 * import { createMtlsFetch } from 'mimi-kit/http/node';
 * const fetch = createMtlsFetch({ cert, key, ca, servername: () => 'a.example' });
 * const client = new MimiHttpClient({ domain: 'b.example', fetch, resolve: () => 'https://127.0.0.1:8443' });
 * await fetch.close();
 * ```
 */
export function createMtlsFetch(options: MtlsFetchOptions): MtlsFetch {
  const tls = tlsOptions(options);
  try {
    createSecureContext(tls);
  } catch (e) {
    throw new MimiError('http/bad-certificate', `the client's TLS credentials do not load: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const agents = new Map<string, Agent>();
  const agentFor = (servername: string): Agent => {
    let a = agents.get(servername);
    if (!a) {
      a = new Agent({
        connect: { ...tls, servername, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
        connections: options.connections ?? 16,
      });
      agents.set(servername, a);
    }
    return a;
  };
  const f = (async (url: string, init: Parameters<FetchLike>[1]) => {
    const u = new URL(url);
    const servername = options.servername?.(u) ?? u.hostname;
    const max = init.maxResponseBytes ?? DEFAULT_MAX;
    const res = await agentFor(servername).request({
      origin: u.origin,
      path: `${u.pathname}${u.search}`,
      method: init.method as 'POST',
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
      ...(init.timeoutMs === undefined ? {} : { headersTimeout: init.timeoutMs, bodyTimeout: init.timeoutMs }),
    });
    const chunks: Buffer[] = [];
    let total = 0;
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      res.body.destroy();
      throw new MimiError('http/body-too-large', `the answer of ${declared} bytes is larger than ${max}`, { details: { max } });
    }
    for await (const c of res.body as AsyncIterable<Buffer>) {
      total += c.length;
      if (total > max) {
        res.body.destroy();
        throw new MimiError('http/body-too-large', `the answer is larger than ${max} bytes`, { details: { max } });
      }
      chunks.push(c);
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
    }
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (NULL_BODY.has(res.statusCode)) return new Response(null, { status: res.statusCode, headers });
    return bytesResponse(body, res.statusCode, headers);
  }) as unknown as { -readonly [K in keyof MtlsFetch]: MtlsFetch[K] };
  f.enforcesTimeout = true;
  f.close = async () => {
    await Promise.all([...agents.values()].map((a) => a.close()));
    agents.clear();
  };
  return f as MtlsFetch;
}
