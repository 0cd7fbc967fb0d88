/**
 * A provider's metrics in the Prometheus text format (prom-client, on a registry of its own so two providers
 * in one process never mix): requests by endpoint and status, accepted and refused events by code, fanout lag
 * per follower, the fanout backlog, and store transaction latency.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryStore, StoreTransaction } from '../delivery/store/types.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The metrics of one provider.
 *
 * @example
 * ```ts
 * import { ProviderMetrics } from 'mimi-kit/provider';
 * const metrics = new ProviderMetrics({ backlog: () => hub.backlog(), openGaps: () => 0 });
 * metrics.accepted.inc({ kind: 'message' });
 * const { body } = await metrics.render(); // "# HELP mimi_requests_total …"
 * ```
 */
export class ProviderMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  /** MIMI requests served, by endpoint and HTTP status. */
  readonly requests = new Counter({ name: 'mimi_requests_total', help: 'MIMI requests served, by endpoint and HTTP status', labelNames: ['endpoint', 'status'], registers: [this.registry] });
  /** Time to answer a MIMI request. */
  readonly requestSeconds = new Histogram({ name: 'mimi_request_duration_seconds', help: 'Time to answer a MIMI request', labelNames: ['endpoint'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  /** Events the hub accepted (commits, messages). */
  readonly accepted = new Counter({ name: 'mimi_events_accepted_total', help: 'Events accepted by the hub, by kind', labelNames: ['kind'], registers: [this.registry] });
  /** Refusals, by the draft's response code or the MimiError code. */
  readonly refused = new Counter({ name: 'mimi_events_refused_total', help: 'Requests refused, by response or error code', labelNames: ['code'], registers: [this.registry] });
  /** Time from hub acceptance to the follower's acknowledgement of the last event of a notify. */
  readonly fanoutLag = new Gauge({ name: 'mimi_fanout_lag_seconds', help: 'Last fanout lag per follower: hub acceptance to acknowledged notify', labelNames: ['follower'], registers: [this.registry] });
  /** Notify attempts that failed (retried with backoff). */
  readonly fanoutFailures = new Counter({ name: 'mimi_fanout_failures_total', help: 'Failed notify attempts per follower (retried)', labelNames: ['follower'], registers: [this.registry] });
  /** Abuse reports accepted from peers (draft "Report abuse"), by reporting provider. */
  readonly abuseReports = new Counter({ name: 'mimi_abuse_reports_total', help: 'Abuse reports accepted, by reporting provider', labelNames: ['peer'], registers: [this.registry] });
  /** Store transaction latency. */
  readonly storeSeconds = new Histogram({ name: 'mimi_store_transaction_seconds', help: 'Duration of store transactions', buckets: LATENCY_BUCKETS, registers: [this.registry] });

  /**
   * Creates the metrics; `backlog` and `openGaps` are read at each scrape.
   * @param probes - the fanout backlog (unacknowledged event deliveries) and the follower's open gaps
   */
  constructor(probes: { readonly backlog: () => Promise<number>; readonly openGaps: () => number }) {
    new Gauge({
      name: 'mimi_fanout_backlog',
      help: 'Event deliveries to followers not yet acknowledged (queue depth)',
      registers: [this.registry],
      async collect() {
        this.set(await probes.backlog());
      },
    });
    new Gauge({
      name: 'mimi_follower_open_gaps',
      help: 'Followed rooms waiting for missing events',
      registers: [this.registry],
      collect() {
        this.set(probes.openGaps());
      },
    });
  }

  /**
   * The text exposition.
   * @returns the body and its content type
   * @example
   * ```ts
   * const { body, contentType } = await metrics.render();
   * ```
   */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/**
 * Wraps a store so that every transaction's duration is observed.
 *
 * @param store - the store
 * @param seconds - the histogram
 * @returns the same store, timed
 * @example
 * ```ts
 * const timed = timedStore(store, metrics.storeSeconds);
 * ```
 */
export function timedStore(store: DeliveryStore, seconds: Histogram): DeliveryStore {
  return {
    async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      const end = seconds.startTimer();
      try {
        return await store.transaction(fn);
      } finally {
        end();
      }
    },
    ...(store.concurrentTransaction
      ? {
          concurrency: store.concurrency ?? 1,
          async concurrentTransaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
            const end = seconds.startTimer();
            try {
              return await store.concurrentTransaction!(fn);
            } finally {
              end();
            }
          },
        }
      : {}),
    close: () => store.close(),
  };
}
