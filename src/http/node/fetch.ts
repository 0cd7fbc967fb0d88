/**
 * A `fetch` for Node that presents this provider's client certificate and checks the peer's against the
 * given CA (mutual TLS, draft-ietf-mimi-protocol-06 "Transport layer"), over undici's `Agent` with
 * keep-alive. It speaks undici's `dispatch` API (no web streams, no Node streams on the hot path) and returns a
 * standard `Response` with the body already read, bounded by `maxResponseBytes`. The name checked in the server's
 * certificate is the URL's host, or the one `servername` returns (a provider reached by IP on loopback still
 * has to present its domain's certificate).
 *
 * @module
 */
import { Agent, errors, type Dispatcher } from 'undici';
import { createSecureContext } from 'node:tls';
import { MimiError } from '../../errors.js';
import type { FetchLike } from '../fetchLike.js';
import { bytesResponse, recentUrls, withLiteFetch } from '../fast.js';
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

/** An answer read whole: status, raw header fields (name, value, …) and body. */
interface Collected {
  readonly status: number;
  readonly rawHeaders: readonly Buffer[];
  readonly bytes: Buffer;
}

/** The value of a raw field (case-insensitive name), as undici's `request` reads it: the only one, or NaN. */
function declaredLength(raw: readonly Buffer[]): number {
  let found: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length === 14 && k.toString('latin1').toLowerCase() === 'content-length') {
      // A repeated field is a list there, and a list is no number.
      if (found !== undefined) return NaN;
      found = raw[i + 1]!.toString('latin1');
    }
  }
  return Number(found);
}

/**
 * Collects one answer from undici's dispatcher into memory: no Readable, no async iterator (undici's
 * `request` builds both per answer). The same limits as reading its body would apply: a declared length or a
 * body over `max` aborts the request (the connection is then not reused) with `http/body-too-large`; an abort
 * signal aborts it with the signal's reason, and undici's own errors (timeouts, a broken socket) pass as they are.
 * It speaks the handler interface undici's client runs natively (the newer one is adapted to it per request).
 */
class Collector {
  #abort: ((e: Error) => void) | undefined;
  #status = 0;
  #raw: readonly Buffer[] = [];
  #chunks: Buffer[] = [];
  #total = 0;
  #settled = false;
  #reason: Error | undefined;
  #unlisten: (() => void) | undefined;

  constructor(
    private readonly max: number,
    private readonly resolve: (c: Collected) => void,
    private readonly reject: (e: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    // As undici's `request`: an abort before the request is on a connection takes effect once it is.
    if (signal === undefined) return;
    const reason = (): Error => (signal.reason as Error | undefined) ?? new errors.RequestAbortedError();
    if (signal.aborted) this.#reason = reason();
    else {
      const abort = (): void => {
        this.#reason = reason();
        this.#abort?.(this.#reason);
      };
      signal.addEventListener('abort', abort, { once: true });
      this.#unlisten = () => signal.removeEventListener('abort', abort);
    }
  }

  onConnect(abort: (e: Error) => void): void {
    this.#abort = abort;
    if (this.#reason !== undefined) abort(this.#reason);
  }

  onHeaders(status: number, raw: Buffer[]): boolean {
    // 1xx answers are informational: the final one follows.
    if (status < 200) return true;
    this.#status = status;
    this.#raw = raw;
    const declared = declaredLength(raw);
    if (Number.isFinite(declared) && declared > this.max) this.#fail(new MimiError('http/body-too-large', `the answer of ${declared} bytes is larger than ${this.max}`, { details: { max: this.max } }));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#settled) return false;
    this.#total += chunk.length;
    if (this.#total > this.max) {
      this.#fail(new MimiError('http/body-too-large', `the answer is larger than ${this.max} bytes`, { details: { max: this.max } }));
      return false;
    }
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#settle()) {
      const c = this.#chunks;
      this.resolve({ status: this.#status, rawHeaders: this.#raw, bytes: c.length === 1 ? c[0]! : Buffer.concat(c) });
    }
  }

  onError(error: Error): void {
    if (this.#settle()) this.reject(error);
  }

  /** Marks the answer settled; false when it already was. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#unlisten?.();
    return true;
  }

  #fail(e: MimiError): void {
    if (!this.#settle()) return;
    this.reject(e);
    this.#abort?.(e);
  }
}

/** The standard Response of a collected answer (a null-body status gets no body). */
function toStandard(c: Collected): Response {
  const headers = new Headers();
  const raw = c.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1'));
  if (NULL_BODY.has(c.status)) return new Response(null, { status: c.status, headers });
  return bytesResponse(c.bytes, c.status, headers);
}

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
  // `servername` may change the URL it is given: then the next request parses it afresh (see recentUrls).
  const parse = recentUrls();
  const collect = (url: string, init: Parameters<FetchLike>[1]): Promise<Collected> => {
    const u = parse(url);
    const servername = options.servername?.(u) ?? u.hostname;
    const agent = agentFor(servername);
    return new Promise<Collected>((resolve, reject) => {
      const opts: Dispatcher.DispatchOptions = {
        origin: u.origin,
        path: `${u.pathname}${u.search}`,
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.timeoutMs === undefined ? {} : { headersTimeout: init.timeoutMs, bodyTimeout: init.timeoutMs }),
      };
      agent.dispatch(opts, new Collector(init.maxResponseBytes ?? DEFAULT_MAX, resolve, reject, init.signal) as Dispatcher.DispatchHandler);
    });
  };
  const f = (async (url: string, init: Parameters<FetchLike>[1]) => toStandard(await collect(url, init))) as unknown as { -readonly [K in keyof MtlsFetch]: MtlsFetch[K] };
  // MimiHttpClient reads status and bytes only: it skips the Response (and its Headers) altogether.
  withLiteFetch(f, async (url, init) => {
    const c = await collect(url, init);
    return NULL_BODY.has(c.status) ? { status: c.status, bytes: new Uint8Array(0) } : c;
  });
  f.enforcesTimeout = true;
  f.close = async () => {
    await Promise.all([...agents.values()].map((a) => a.close()));
    agents.clear();
  };
  return f as MtlsFetch;
}
