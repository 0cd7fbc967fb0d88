/**
 * The MIMI endpoints of draft-ietf-mimi-protocol-06 as one web-standard handler `(Request, peer) => Response`
 * over a `Hub` and/or a `Follower` (mimi-kit/delivery): it runs unchanged wherever `Request`/`Response` exist (Node,
 * Deno, Bun, edge runtimes). The caller's server authenticates the peer (mutual TLS, draft "Transport
 * layer") and passes its provider domain; the handler checks that the request speaks for that domain (From
 * header, sender fields), targets this provider (Host), fits the body limit and decodes strictly, before
 * anything is stored. Routing and the per-endpoint work live in `endpoints.ts`.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './body.js';
import type { MimiHandler, MimiHandlerOptions, MimiPeer } from './handlerTypes.js';
import { route, type Context, type RouteLog } from './endpoints.js';
import { internalAnswer, problemAnswer } from './problem.js';
import { isLite, markFast, toResponse, type LiteResponse } from './fast.js';

export type { ConsentOutcome, MimiHandler, MimiHandlerOptions, MimiPeer, MimiRequestLog } from './handlerTypes.js';

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** @internal Lower-cases and checks a DNS name. */
export function normalizeDomain(d: string, what: string): string {
  const v = d.toLowerCase();
  if (v.length > 253 || !DOMAIN.test(v)) throw new MimiError('delivery/bad-request', `${what} ${JSON.stringify(d)} is not a domain name`, { path: [what] });
  return v;
}

/**
 * Creates the handler.
 *
 * @param options - the hub/follower/key store it serves, this domain, limits and optional endpoint callbacks
 * @returns the handler
 * @throws {@link MimiError} `delivery/bad-request` (a domain that is no DNS name)
 * @example
 * ```ts
 * import { createMimiHandler } from 'mimi-kit/http';
 * import { startMimiServer } from 'mimi-kit/http/node';
 * const handler = createMimiHandler({ domain: 'a.example', hub, follower });
 * const server = await startMimiServer({ handler, port: 8443, tls: { cert, key, ca } });
 * ```
 */
export function createMimiHandler(options: MimiHandlerOptions): MimiHandler {
  const domain = normalizeDomain(options.domain, 'domain');
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) throw new MimiError('delivery/bad-request', 'basePath must start with /', { path: ['basePath'] });
  const ctx: Context = {
    options,
    domain,
    basePath,
    hosts: new Set([domain, ...(options.hostAliases ?? []).map((h) => h.toLowerCase())]),
    publicUrl: (options.publicUrl ?? `https://${domain}${basePath}`).replace(/\/+$/, ''),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_REQUEST_BYTES,
  };
  // Only url, method, headers.get and the body bytes are read: the Node server may pass a lighter request,
  // and it then takes a LiteResponse back (see fast.ts).
  return markFast(async (request: Request, peer: MimiPeer): Promise<Response> => {
    const t0 = Date.now();
    const log: RouteLog = { endpoint: 'unknown' };
    let response: LiteResponse;
    try {
      response = await route(ctx, request, peer, log);
    } catch (e) {
      if (e instanceof MimiError) {
        log.outcome = e.code;
        response = problemAnswer(e, e.code === 'http/method-not-allowed' && typeof e.details?.allow === 'string' ? e.details.allow : undefined);
      } else {
        log.outcome = 'internal';
        options.onError?.(e);
        response = internalAnswer();
      }
      // The body was not read to its end: tell the client not to reuse a connection with bytes in flight.
      if (request.body !== null && !request.bodyUsed) await request.body.cancel().catch(() => undefined);
    }
    options.onRequest?.({
      method: request.method,
      endpoint: log.endpoint,
      ...(log.target === undefined ? {} : { target: log.target }),
      ...(peer.domain === undefined ? {} : { peer: peer.domain }),
      status: response.status,
      ...(log.outcome === undefined ? {} : { outcome: log.outcome }),
      ...(log.eventKind === undefined ? {} : { eventKind: log.eventKind }),
      ms: Date.now() - t0,
    });
    // mimi-kit's own Node server writes the answer as it is; every other caller gets a web-standard Response.
    return isLite(request) ? (response as unknown as Response) : toResponse(response);
  });
}
