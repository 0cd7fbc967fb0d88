/**
 * What the provider records of its MIMI traffic: each request served (a log line and metrics: endpoint, peer,
 * status, time, bytes each way, the draft's response code or the refusal), each request sent (debug; failures at
 * warn), and fanout failures and lag per follower provider.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock, FollowerTransport, NotifyRequest } from '../delivery/index.js';
import type { FetchLike, MimiHandler, MimiRequestLog } from '../http/index.js';
import type { Logger } from './logger.js';
import type { ProviderMetrics } from './metrics.js';

/** @internal The provider's log, metrics and clock, and the slot the handler's `onRequest` fills per request. */
export interface WireObserver {
  readonly log: Logger;
  readonly metrics: ProviderMetrics;
  readonly clock: Clock;
  readonly requestLog: AsyncLocalStorage<{ entry?: MimiRequestLog }>;
}

/** @internal A new observer (its request slot is fresh). */
export function wireObserver(o: Omit<WireObserver, 'requestLog'>): WireObserver {
  return { ...o, requestLog: new AsyncLocalStorage<{ entry?: MimiRequestLog }>() };
}

/** @internal Counts a commit, proposal or message: accepted, or refused with the draft's code. */
export function countOutcome(metrics: ProviderMetrics, kind: 'commit' | 'proposal' | 'message', code: string): void {
  if (code === 'success' || code === 'accepted') metrics.accepted.inc({ kind });
  else metrics.refused.inc({ code });
}

/** @internal Serves each MIMI request through `inner` and records it. */
export function observedHandler(o: WireObserver, inner: MimiHandler): MimiHandler {
  return (request, peer) =>
    o.requestLog.run({}, async () => {
      const t0 = performance.now();
      const bytesIn = Number(request.headers.get('content-length') ?? 0);
      const response = await inner(request, peer);
      const body = new Uint8Array(await response.arrayBuffer());
      const entry = o.requestLog.getStore()?.entry;
      const endpoint = entry?.endpoint ?? 'unknown';
      const ms = round(performance.now() - t0);
      o.metrics.requests.inc({ endpoint, status: String(response.status) });
      o.metrics.requestSeconds.observe({ endpoint }, ms / 1000);
      const outcome = entry?.outcome;
      if (endpoint === 'update' || endpoint === 'submitMessage') countOutcome(o.metrics, endpoint === 'update' ? (entry?.eventKind ?? 'commit') : 'message', outcome ?? String(response.status));
      else if (response.status >= 400) o.metrics.refused.inc({ code: outcome ?? String(response.status) });
      const refused = response.status >= 400 || (outcome !== undefined && !['success', 'accepted'].includes(outcome) && (endpoint === 'update' || endpoint === 'submitMessage'));
      o.log.info({ endpoint, peer: peer.domain ?? null, status: response.status, ms, bytesIn, bytesOut: body.length, ...(outcome ? { [refused ? 'code' : 'outcome']: outcome } : {}) }, 'request');
      return new Response(response.status === 204 || response.status === 304 ? null : body, { status: response.status, headers: response.headers });
    });
}

/** @internal The outgoing side of the wire, at debug level (failures at warn). */
export function observedFetch(o: WireObserver, base: FetchLike, origins: Map<string, string>): FetchLike {
  return async (url, init) => {
    const t0 = performance.now();
    const u = new URL(url);
    const to = origins.get(u.origin) ?? u.hostname;
    const endpoint = u.pathname.split('/').filter(Boolean)[0] ?? '';
    try {
      const response = await base(url, init);
      o.log.debug({ endpoint, to, status: response.status, ms: round(performance.now() - t0), bytesOut: init.body?.length ?? 0 }, 'sent');
      return response;
    } catch (e) {
      o.log.warn({ endpoint, to, ms: round(performance.now() - t0), err: e instanceof Error ? e.message : String(e) }, 'send failed');
      throw e;
    }
  };
}

/** @internal The fanout's transport, counting failures and the lag of the last event delivered per follower. */
export function observedTransport(o: WireObserver, base: FollowerTransport): FollowerTransport {
  return {
    notify: async (follower: string, request: NotifyRequest) => {
      try {
        await base.notify(follower, request);
      } catch (e) {
        o.metrics.fanoutFailures.inc({ follower });
        throw e;
      }
      const last = request.events[request.events.length - 1];
      if (last) o.metrics.fanoutLag.set({ follower }, Math.max(0, o.clock.now() - last.hubTime) / 1000);
    },
    ...(base.welcome ? { welcome: base.welcome.bind(base) } : {}),
  };
}

/** @internal Milliseconds to one decimal, for logs. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
