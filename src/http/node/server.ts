/**
 * A Node HTTPS server for a {@link MimiHandler}, with mutual TLS as draft-ietf-mimi-protocol-06 "Transport
 * layer" requires: the server asks every client for a certificate and refuses the handshake unless it
 * chains to the given CA (`requestCert`, `rejectUnauthorized`). The peer's provider domain is read from
 * the certificate's subjectAltName dNSNames (RFC 6125; exact names, no wildcards: HT7) and passed to the
 * handler, which refuses a request that speaks for another domain. Plain HTTP only with `{ plainHttp: true }`
 * (local demos, tests): the peer is then whoever the From header says, unauthenticated.
 *
 * @module
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { createSecureContext } from 'node:tls';
import { MimiError } from '../../errors.js';
import type { MimiHandler, MimiPeer } from '../handler.js';
import { DEFAULT_MAX_REQUEST_BYTES } from '../body.js';
import { LiteResponse, bytesOf, isFast, liteRequest, recentUrls, withBytes } from '../fast.js';

/** PEM text or DER/PEM bytes. */
export type PemInput = string | Uint8Array;

/** Certificates of a mutual-TLS server or client. */
export interface MtlsCredentials {
  /** This provider's certificate chain (PEM), naming its domain in a subjectAltName dNSName. */
  readonly cert: PemInput;
  /** Its private key (PEM). */
  readonly key: PemInput;
  /** The CA certificate(s) peers' certificates must chain to (PEM). */
  readonly ca: PemInput | readonly PemInput[];
}

/** Options of {@link startMimiServer}. */
export interface StartMimiServerOptions {
  /** The handler (`createMimiHandler`). */
  readonly handler: MimiHandler;
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default 0: an ephemeral port, read it from {@link MimiServer.port}). */
  readonly port?: number;
  /** Mutual TLS credentials, or `{ plainHttp: true }` for unauthenticated plain HTTP. */
  readonly tls: MtlsCredentials | { readonly plainHttp: true };
  /** Idle keep-alive connections close after this many ms (default 5 000). */
  readonly keepAliveTimeoutMs?: number;
  /** Largest request body read, bytes (default the handler's, 2 MiB); beyond it the server answers 413. */
  readonly maxBodyBytes?: number;
  /** A request must arrive whole within this many ms (default 30 000; headers within 10 000). */
  readonly requestTimeoutMs?: number;
  /** Called with failures the handler did not answer (a broken socket). */
  readonly onError?: (error: unknown) => void;
}

/** A running server. */
export interface MimiServer {
  /** Base URL (`https://127.0.0.1:<port>`). */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The bound interface. */
  readonly host: string;
  /** Live counters: connections accepted (TLS handshakes completed) and requests answered, since start. */
  readonly stats: { readonly connections: number; readonly requests: number };
  /**
   * Stops accepting connections, lets requests in progress finish (at most `graceMs`, default 5 000, then
   * cuts the rest) and closes idle keep-alive connections.
   */
  close(graceMs?: number): Promise<void>;
}

/** @internal The credentials as node:tls takes them. */
export function tlsOptions(c: MtlsCredentials): { cert: string | Buffer; key: string | Buffer; ca: (string | Buffer)[] } {
  const one = (v: PemInput): string | Buffer => (typeof v === 'string' ? v : Buffer.from(v));
  const cas: readonly PemInput[] = typeof c.ca === 'string' || c.ca instanceof Uint8Array ? [c.ca] : (c.ca as readonly PemInput[]);
  return { cert: one(c.cert), key: one(c.key), ca: cas.map(one) };
}

/** The dNSNames of a certificate's subjectAltName (Node's `"DNS:a.example, IP Address:…"` text). */
function dnsNames(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  const out: string[] = [];
  for (const part of subjectaltname.split(/,\s*/)) {
    if (part.startsWith('DNS:')) out.push(part.slice(4).toLowerCase());
  }
  return out;
}

const peerNames = new WeakMap<object, string[]>();

function fromDomain(req: IncomingMessage): string | undefined {
  const from = req.headers.from;
  const m = typeof from === 'string' ? /^\s*<?mimi@([^\s<>@]+)>?\s*$/i.exec(from) : null;
  return m?.[1]?.toLowerCase();
}

/**
 * The peer of a request: on mutual TLS, the certificate's dNSName the From header names (so a certificate for
 * several domains speaks for the one asked), or its first dNSName (which the handler then compares with From).
 */
function peerOf(req: IncomingMessage, plain: boolean): MimiPeer {
  const claimed = fromDomain(req);
  if (plain) return claimed === undefined ? {} : { domain: claimed };
  const socket = req.socket as TLSSocket;
  let names = peerNames.get(socket);
  if (names === undefined) {
    names = socket.authorized ? dnsNames(socket.getPeerCertificate().subjectaltname) : [];
    peerNames.set(socket, names);
  }
  if (names.length === 0) return {};
  return { domain: claimed !== undefined && names.includes(claimed) ? claimed : names[0]! };
}

function tooLarge(res: ServerResponse, max: number): void {
  const body = JSON.stringify({ type: 'urn:mimi-kit:error:http/body-too-large', title: 'http/body-too-large', status: 413, detail: `the request body is larger than ${max} bytes`, code: 'http/body-too-large' });
  // The rest of the body is not read: the connection cannot be reused.
  res.writeHead(413, { 'content-type': 'application/problem+json', connection: 'close' });
  res.end(body);
}

type Body = Buffer | 'tooLarge' | 'gone';

/**
 * Reads the body up to `max` bytes and calls `done` once: `tooLarge` when it is larger (reading stops there),
 * `gone` when the peer left. A callback, not a Promise: one request's worth of allocations less.
 */
function readBody(req: IncomingMessage, max: number, done: (body: Body) => void): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return done('tooLarge');
  let settled = false;
  const settle = (body: Body): void => {
    if (settled) return;
    settled = true;
    done(body);
  };
  const chunks: Buffer[] = [];
  let total = 0;
  req.on('data', (c: Buffer) => {
    total += c.length;
    if (total > max) {
      req.pause();
      req.removeAllListeners('data');
      settle('tooLarge');
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => settle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  // An aborted upload ends in 'error' or a bare 'close': nothing to answer, nothing held.
  req.on('error', () => settle('gone'));
  req.on('close', () => {
    if (!req.complete) settle('gone');
  });
}

const HOP_BY_HOP = /^(connection|keep-alive|transfer-encoding|upgrade)$/i;
/** Methods `new Request` refuses (Fetch "forbidden method"). */
const FORBIDDEN_METHOD = /^(connect|trace|track)$/i;

/**
 * The request for mimi-kit's own handler without a WHATWG `Request`: the same URL and refusals as
 * {@link toRequest} (a URL that does not parse or carries credentials, a forbidden method throw).
 */
function toLiteRequest(req: IncomingMessage, body: Buffer, scheme: string, parse: (href: string) => URL): Request {
  // The URL stays inside mimi-kit's handler, which only reads it: a parsed one may be reused.
  const parsed = parse(`${scheme}://${req.headers.host ?? 'invalid'}${req.url ?? '/'}`);
  const method = req.method ?? 'GET';
  if (parsed.username !== '' || parsed.password !== '' || FORBIDDEN_METHOD.test(method)) throw new TypeError('not a request Fetch accepts');
  const hasBody = body.length > 0 && method !== 'GET' && method !== 'HEAD';
  return liteRequest(parsed, method, req.rawHeaders, hasBody ? body : undefined);
}

function toRequest(req: IncomingMessage, body: Buffer | undefined, scheme: string): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    // HTTP/1.1 hop-by-hop fields do not reach the handler (and some are refused by Headers).
    if (HOP_BY_HOP.test(k)) continue;
    headers.append(k, raw[i + 1]!);
  }
  const host = req.headers.host ?? 'invalid';
  const method = req.method ?? 'GET';
  const hasBody = body !== undefined && body.length > 0 && method !== 'GET' && method !== 'HEAD';
  const request = new Request(`${scheme}://${host}${req.url ?? '/'}`, { method, headers, ...(hasBody ? { body: body as Uint8Array<ArrayBuffer> } : {}) });
  return hasBody ? withBytes(request, body) : request;
}

/** Writes an answer of mimi-kit's own handler: the same status, fields and bytes {@link respond} writes for it. */
function respondLite(res: ServerResponse, answer: LiteResponse, closing: boolean): void {
  const headers: Record<string, string> = {};
  if (closing) headers.connection = 'close';
  for (const k in answer.headers) headers[k] = answer.headers[k]!;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  if (body !== null) headers['content-length'] = String(body.length);
  res.writeHead(answer.status, headers);
  res.end(body ?? undefined);
}

async function respond(res: ServerResponse, response: Response, closing: boolean): Promise<void> {
  const headers: Record<string, string> = {};
  // A closing server answers what is in progress and lets no connection linger for the next request.
  if (closing) headers.connection = 'close';
  response.headers.forEach((v, k) => {
    if (k !== 'connection') headers[k] = v;
  });
  const known = bytesOf(response);
  // Known bytes first: reading `body` would build the stream the fast path avoids.
  const body = known !== undefined ? known : response.body === null ? undefined : Buffer.from(await response.arrayBuffer());
  if (body !== undefined) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Starts the server.
 *
 * @param options - handler, address, TLS credentials (or the explicit plain-HTTP flag), limits
 * @returns the running server
 * @throws `MimiError` `http/bad-certificate` (credentials that do not load), `http/network` (cannot listen)
 * @example
 * ```ts
 * import { createMimiHandler } from 'mimi-kit/http';
 * import { startMimiServer } from 'mimi-kit/http/node';
 * const server = await startMimiServer({ handler: createMimiHandler({ domain: 'a.example', hub }), port: 0, tls: { cert, key, ca } });
 * console.log(server.url); // https://127.0.0.1:40123
 * await server.close();
 * ```
 */
export async function startMimiServer(options: StartMimiServerOptions): Promise<MimiServer> {
  const host = options.host ?? '127.0.0.1';
  const plain = 'plainHttp' in options.tls && options.tls.plainHttp === true;
  const max = options.maxBodyBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const stats = { connections: 0, requests: 0 };
  let closing = false;
  const fast = isFast(options.handler);
  const urls = recentUrls();
  const serve = async (req: IncomingMessage, res: ServerResponse, body: Body): Promise<void> => {
    if (body === 'gone') return;
    if (body === 'tooLarge') return tooLarge(res, max);
    let request: Request;
    try {
      request = fast ? toLiteRequest(req, body, plain ? 'http' : 'https', urls) : toRequest(req, body, plain ? 'http' : 'https');
    } catch {
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end('{"type":"urn:mimi-kit:error:delivery/bad-request","title":"delivery/bad-request","status":400,"detail":"the request line or Host is not a URL","code":"delivery/bad-request"}');
      return;
    }
    const response: Response | LiteResponse = await options.handler(request, peerOf(req, plain));
    if (response instanceof LiteResponse) respondLite(res, response, closing);
    else await respond(res, response, closing);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests++;
    readBody(req, max, (body) =>
      void serve(req, res, body).catch((e: unknown) => {
        options.onError?.(e);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/problem+json' });
          res.end('{"type":"about:blank","title":"Internal Server Error","status":500}');
        } else res.destroy();
      }),
    );
  };
  let server: Server;
  if (plain) server = createHttpServer(listener);
  else {
    const tls = tlsOptions(options.tls as MtlsCredentials);
    try {
      createSecureContext(tls);
    } catch (e) {
      throw new MimiError('http/bad-certificate', `the server's TLS credentials do not load: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    // Draft "Transport layer": the TLS connection MUST be mutually authenticated.
    server = createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, listener);
  }
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  // A peer that trickles a request is cut off (slowloris): headers within 10 s, the whole request within 30 s.
  server.headersTimeout = Math.min(options.requestTimeoutMs ?? 30_000, 10_000);
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => reject(new MimiError('http/network', `cannot listen on ${host}:${options.port ?? 0}: ${e.message}`, { cause: e }));
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', (e) => options.onError?.(e));
  server.on(plain ? 'connection' : 'secureConnection', () => void stats.connections++);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${plain ? 'http' : 'https'}://${urlHost}:${port}`,
    port,
    host,
    stats,
    close(graceMs = 5000): Promise<void> {
      closing = true;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
