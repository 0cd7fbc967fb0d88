/**
 * Where abuse reports end at the provider that hubs the room (draft-ietf-mimi-protocol-06 "Report abuse"), the
 * same for a peer's report over MIMI and for one of this provider's own users through the local API: counted in
 * `mimi_abuse_reports_total{peer}`, then handed to the program's `onAbuseReport`, or else logged at `warn` for
 * the operator (who reported whom, why, how many messages; never the messages' content).
 *
 * @module
 */
import type { AbuseReport } from '../protocol/index.js';
import type { Logger } from './logger.js';
import type { ProviderMetrics } from './metrics.js';

/** @internal What receives a checked report: the room, the report, and the provider it came from. */
export type AbuseReportSink = (roomId: string, report: AbuseReport, peer: string) => Promise<void>;

/** @internal The provider's sink (the hub has checked each reported message's frank before, HT19). */
export function abuseReportSink(o: { readonly log: Logger; readonly metrics: ProviderMetrics; readonly onAbuseReport?: AbuseReportSink | undefined }): AbuseReportSink {
  return async (roomId, report, peer) => {
    o.metrics.abuseReports.inc({ peer });
    if (o.onAbuseReport) return o.onAbuseReport(roomId, report, peer);
    o.log.warn(
      { roomId, peer, reportingUser: report.reportingUser, allegedAbuser: report.allegedAbuserUri, reasonCode: report.reasonCode, messages: report.messages.length, note: report.note.slice(0, 500) },
      'abuse report',
    );
  };
}
