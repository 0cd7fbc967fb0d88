/**
 * `POST /reportAbuse/{roomId}` (draft-ietf-mimi-protocol-06 "Report abuse"): AbuseReport and AbusiveMessage.
 *
 * @module
 */
import type { TlsReader } from '../tls/codec.js';
import { checkU64, decodeBody, encodeBody, readUri, writeUri, type ProtocolDecodeOptions } from './common.js';
import { readComponents, writeComponents, type AppComponent } from './appDataDictionary.js';
import { readFrank, writeFrank, type Frank } from './franking.js';

/** AbusiveMessage: an allegedly abusive message with its frank. */
export interface AbusiveMessage {
  /** The decrypted message content (e.g. MIMI content bytes). */
  readonly messageContent: Uint8Array;
  readonly frank: Frank;
  readonly acceptedTimestamp: bigint;
}

/**
 * AbuseReport. `reasonCode` is any uint8: -06 defines only reserved(0) for AbuseType (Protocol PR14).
 */
export interface AbuseReport {
  readonly reportingUser: string;
  readonly allegedAbuserUri: string;
  readonly reasonCode: number;
  /** UTF-8, may be empty. */
  readonly note: string;
  readonly messages: readonly AbusiveMessage[];
  readonly abuseExtensions: readonly AppComponent[];
}

function readAbusive(r: TlsReader): AbusiveMessage {
  return { messageContent: r.opaque(), frank: readFrank(r), acceptedTimestamp: r.uint64() };
}

/**
 * Encodes an AbuseReport.
 *
 * @param report - the report
 * @returns the body
 * @example
 * ```ts
 * import { encodeAbuseReport } from 'mimi-kit/protocol';
 * encodeAbuseReport({ reportingUser: 'mimi://b.example/u/bob', allegedAbuserUri: 'mimi://c.example/u/eve', reasonCode: 0, note: '', messages: [], abuseExtensions: [] });
 * ```
 */
export function encodeAbuseReport(report: AbuseReport): Uint8Array {
  return encodeBody('AbuseReport', (w) => {
    writeUri(w, report.reportingUser);
    writeUri(w, report.allegedAbuserUri);
    w.uint8(report.reasonCode);
    w.string(report.note);
    w.vector(report.messages, (x, m) => {
      x.opaque(m.messageContent);
      writeFrank(x, m.frank);
      checkU64(m.acceptedTimestamp, 'acceptedTimestamp');
      x.uint64(m.acceptedTimestamp);
    });
    writeComponents(w, report.abuseExtensions, 'abuse_extensions');
  });
}

/**
 * Decodes an AbuseReport, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the report
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeAbuseReport } from 'mimi-kit/protocol';
 * decodeAbuseReport(body).messages.length;
 * ```
 */
export function decodeAbuseReport(bytes: Uint8Array, options?: ProtocolDecodeOptions): AbuseReport {
  return decodeBody(
    bytes,
    'AbuseReport',
    (r) => ({
      reportingUser: readUri(r),
      allegedAbuserUri: readUri(r),
      reasonCode: r.uint8(),
      note: r.string(),
      messages: r.vector(readAbusive),
      abuseExtensions: readComponents(r, 'abuse_extensions'),
    }),
    options,
  );
}
