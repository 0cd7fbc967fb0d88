/**
 * The MIMI protocol over HTTPS (draft-ietf-mimi-protocol-06 "MIMI Endpoints and Framing", "Transport layer"),
 * web-standard: a handler `(Request, peer) => Promise<Response>` serving the draft's endpoints over a
 * `Hub` / `Follower` of `mimi-kit/delivery`, a `fetch` client for them, and the delivery transports built on
 * it. No `node:` module: the handler runs on Node, Deno, Bun and edge runtimes; the mutual-TLS server and
 * fetch for Node are `mimi-kit/http/node`. Decisions: docs/decisions.md "HTTP" (HT1–HT10).
 *
 * @example
 * ```ts
 * import { createMimiHandler, MimiHttpClient, httpFollowerTransport, httpHubTransport } from 'mimi-kit/http';
 * import { startMimiServer, createMtlsFetch } from 'mimi-kit/http/node';
 * const client = new MimiHttpClient({ domain: 'a.example', fetch: createMtlsFetch({ cert, key, ca }) });
 * const follower = new Follower({ domain: 'a.example', store, clock: Date, hubs: httpHubTransport(client, { local: hub }) });
 * const hub = new Hub({ domain: 'a.example', store, clock: Date, checker, transport: httpFollowerTransport(client, { local: follower }) });
 * const server = await startMimiServer({ handler: createMimiHandler({ domain: 'a.example', hub, follower }), port: 8443, tls: { cert, key, ca } });
 * ```
 *
 * @module
 */
export {
  createMimiHandler,
  type MimiHandler,
  type MimiHandlerOptions,
  type MimiPeer,
  type MimiRequestLog,
  type ConsentOutcome,
} from './handler.js';
export { MimiHttpClient, type MimiHttpClientOptions, type FetchLike } from './client.js';
export { httpFollowerTransport, httpHubTransport } from './transports.js';
export {
  MediaType,
  EXPIRES_HEADER,
  encodeSequencedNotify,
  decodeSequencedNotify,
  encodeSequencedWelcome,
  decodeSequencedWelcome,
  encodeHistoryRequest,
  decodeHistoryRequest,
  encodeHistoryResponse,
  decodeHistoryResponse,
} from './wire.js';
export { statusOf, type MimiProblem } from './problem.js';
export { DEFAULT_MAX_REQUEST_BYTES } from './body.js';
export { MimiError, type Result } from '../errors.js';
