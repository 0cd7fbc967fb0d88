/**
 * The MIMI endpoints of draft-ietf-mimi-protocol-06 as one web-standard handler `(Request, peer) => Response`
 * over a {@link Hub} and/or a {@link Follower}: it runs unchanged wherever `Request`/`Response` exist (Node,
 * Deno, Bun, edge runtimes). The caller's server authenticates the peer (mutual TLS, draft "Transport
 * layer") and passes its provider domain; the handler checks that the request speaks for that domain (From
 * header, sender fields), targets this provider (Host), fits the body limit and decodes strictly, before
 * anything is stored. Routing and the per-endpoint work live in `endpoints.ts`.
 *
 * @module
 */
import type { Follower } from '../delivery/follower.js';
import type { Hub } from '../delivery/hub.js';
import type { KeyMaterialStore } from '../delivery/keyMaterial.js';
import type { UpdateChecker } from '../delivery/checker.js';
import { MimiError } from '../errors.js';
import type { AbuseReport, ConsentEntry, GroupInfoRequest, GroupInfoResponse, IdentifierRequest, IdentifierResponse } from '../protocol/index.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './body.js';
import { route, type Context, type RouteLog } from './endpoints.js';
import { internalAnswer, problemAnswer } from './problem.js';
import { isLite, markFast, toResponse, type LiteResponse } from './fast.js';

/** The authenticated peer of a request, as the server established it. */
export interface MimiPeer {
  /**
   * The peer provider's domain, from its TLS client certificate (subjectAltName dNSName); undefined when the
   * peer is not authenticated (then only the directory is served).
   */
  readonly domain?: string;
}

/** A MIMI request handler: web-standard `Request` in, `Response` out; never throws. */
export type MimiHandler = (request: Request, peer: MimiPeer) => Promise<Response>;

/** Who is asked for consent, and what they answered (draft "Convey explicit consent"). */
export type ConsentOutcome = 'accepted' | 'notFound';

/** One handled request, for logs and metrics. */
export interface MimiRequestLog {
  /** HTTP method. */
  readonly method: string;
  /** The endpoint name (`submitMessage`, `notify`, `directory`, …) or `unknown`. */
  readonly endpoint: string;
  /** The path parameter (room id, user URI, domain), decoded, when there is one. */
  readonly target?: string;
  /** The authenticated peer domain. */
  readonly peer?: string;
  /** HTTP status answered. */
  readonly status: number;
  /** The MimiError code of a refusal, or the draft's response code (`accepted`, `wrongEpoch`, …). */
  readonly outcome?: string;
  /** Handling time in ms. */
  readonly ms: number;
  /** For `update`: whether it carried a commit or standalone proposals (HT15). */
  readonly eventKind?: 'commit' | 'proposal';
}

/** Options of {@link createMimiHandler}. */
export interface MimiHandlerOptions {
  /** This provider's domain: the Host a request must name (draft "Transport layer"). */
  readonly domain: string;
  /** Serves the hub endpoints (update, submitMessage, groupInfo, history, reportAbuse) for the rooms it holds. */
  readonly hub?: Hub;
  /** Serves notify (this provider follows rooms hubbed elsewhere, or its own hub's rooms). */
  readonly follower?: Follower;
  /** Serves keyMaterial for this provider's users. */
  readonly keyMaterial?: KeyMaterialStore;
  /**
   * The hub's commit checker. When given, an update whose committer is at another domain than the peer is
   * refused (403); without it, only a member provider of the room may send an update.
   */
  readonly checker?: UpdateChecker;
  /** Other Host names accepted as this provider (e.g. `['127.0.0.1', 'localhost']` on loopback). */
  readonly hostAliases?: readonly string[];
  /** Path prefix of every endpoint (default `''`: the draft's paths, `/notify/{roomId}`, …). */
  readonly basePath?: string;
  /** Base URL the directory advertises (default `https://<domain><basePath>`). */
  readonly publicUrl?: string;
  /** Largest request body, bytes (default {@link DEFAULT_MAX_REQUEST_BYTES}). */
  readonly maxBodyBytes?: number;
  /**
   * Builds a successful GroupInfoResponse (HPKE-encrypts GroupInfoRatchetTreeTBE to the requester and signs
   * as the hub's external sender: crypto the handler does not hold). Called after the request's signature
   * verified and the hub agreed to serve the room's GroupInfo; without it, groupInfo answers 501.
   */
  readonly groupInfo?: (input: { roomId: string; request: GroupInfoRequest; groupInfo: Uint8Array; peer: string }) => Promise<GroupInfoResponse>;
  /** requestConsent / updateConsent; without it, 501. */
  readonly consent?: (entry: ConsentEntry, peer: string) => Promise<ConsentOutcome>;
  /** identifierQuery; without it, 501. */
  readonly identifierQuery?: (request: IdentifierRequest, peer: string) => Promise<IdentifierResponse>;
  /** reportAbuse (for a room this hub holds); without it, 501. */
  readonly reportAbuse?: (roomId: string, report: AbuseReport, peer: string) => Promise<void>;
  /** Called once per request after it is answered (never for the answer's body). */
  readonly onRequest?: (log: MimiRequestLog) => void;
  /** Called with failures that are not MimiErrors (answered 500). */
  readonly onError?: (error: unknown) => void;
}

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
