/**
 * MIMI message status reports (draft-mahy-mimi-message-status §3):
 * `MessageStatusReport = [ * [messageId: bstr .size 32, status: uint 0..255] ]`.
 *
 * @module
 */
import { decodeCbor } from '../cbor/decode.js';
import { encodeCbor } from '../cbor/encode.js';
import { isBytes, type CborValue } from '../cbor/value.js';
import { MimiError, safely, type Result } from '../errors.js';

/**
 * Base statuses (draft-mahy-mimi-message-status §3). Values 7–255 are unknown and preserved.
 * @example
 * ```ts
 * import { encodeStatusReport, MessageStatus } from 'mimi-kit/content';
 * encodeStatusReport([{ messageId: id, status: MessageStatus.read }]);
 * ```
 */
export const MessageStatus = {
  unread: 0,
  delivered: 1,
  read: 2,
  expired: 3,
  deleted: 4,
  hidden: 5,
  error: 6,
} as const;
/** Name of a base status. */
export type MessageStatusName = keyof typeof MessageStatus;

/** One entry of a report: a 32-octet message ID and a status 0–255 (checked when encoding and decoding). */
export interface PerMessageStatus {
  messageId: Uint8Array;
  status: number;
}
/** A status report: any number of entries, in order. */
export type MessageStatusReport = PerMessageStatus[];

/**
 * The name of a status value, or `undefined` for an unknown one (7–255).
 *
 * @param status - a status number
 * @returns its name
 * @throws never
 * @example
 * ```ts
 * statusName(2); // 'read'
 * ```
 */
export function statusName(status: number): MessageStatusName | undefined {
  for (const [k, v] of Object.entries(MessageStatus)) if (v === status) return k as MessageStatusName;
  return undefined;
}

function entryCheck(id: unknown, status: unknown, path: (string | number)[], idKey: string | number, stKey: string | number): void {
  if (!isBytes(id) || id.length !== 32) {
    throw new MimiError('status/invalid-message-id', 'messageId must be a 32-octet byte string', { path: [...path, idKey] });
  }
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 0 || status > 255) {
    throw new MimiError('status/invalid-status', 'status must be an integer 0..255', { path: [...path, stKey] });
  }
}

/**
 * Converts a report to the CBOR data model, validating it.
 *
 * @param report - the entries
 * @returns `[[id, status], …]`
 * @throws {@link MimiError} `status/bad-structure`, `status/invalid-message-id`, `status/invalid-status`
 * @example
 * ```ts
 * encodeCbor(statusReportToCbor([{ messageId: id, status: MessageStatus.read }]));
 * ```
 */
export function statusReportToCbor(report: MessageStatusReport): CborValue {
  if (!Array.isArray(report)) throw new MimiError('status/bad-structure', 'a report is an array');
  return report.map((e, i) => {
    if (typeof e !== 'object' || e === null) throw new MimiError('status/bad-structure', 'an entry is an object', { path: [i] });
    for (const k of Object.keys(e)) {
      if (k !== 'messageId' && k !== 'status') throw new MimiError('status/bad-structure', `unknown field ${k}`, { path: [i, k] });
    }
    entryCheck(e.messageId, e.status, [i], 'messageId', 'status');
    return [e.messageId, e.status];
  });
}

/**
 * Converts a decoded CBOR value to a report.
 *
 * @param value - from `decodeCbor`
 * @returns the report
 * @throws {@link MimiError} `status/bad-structure`, `status/invalid-message-id`, `status/invalid-status` (CBOR path)
 * @example
 * ```ts
 * statusReportFromCbor(decodeCbor(bytes));
 * ```
 */
export function statusReportFromCbor(value: CborValue): MessageStatusReport {
  if (!Array.isArray(value)) throw new MimiError('status/bad-structure', 'a MessageStatusReport is an array');
  return value.map((e, i) => {
    if (!Array.isArray(e) || e.length !== 2) throw new MimiError('status/bad-structure', 'a PerMessageStatus is [messageId, status]', { path: [i] });
    entryCheck(e[0], e[1], [i], 0, 1);
    return { messageId: e[0] as Uint8Array, status: e[1] as number };
  });
}

/**
 * Encodes a message status report (media type `application/mimi-message-status`) in deterministic CBOR.
 *
 * @param report - the entries
 * @returns the bytes
 * @throws {@link MimiError} `status/*` for invalid entries
 * @example
 * ```ts
 * encodeStatusReport([{ messageId: originalId, status: MessageStatus.read }]);
 * ```
 */
export function encodeStatusReport(report: MessageStatusReport): Uint8Array {
  return encodeCbor(statusReportToCbor(report));
}

/**
 * Decodes a message status report; unknown statuses (7–255) are kept as numbers.
 *
 * @param bytes - deterministic CBOR
 * @param opts - `maxBytes` limit (default 16 MiB); `maxItems` (default 65 536 + ⌊bytes / 8⌋; an entry is 3 items)
 * @returns the report
 * @throws {@link MimiError} `cbor/*` for bad CBOR (`cbor/too-many-items` beyond `maxItems`), `status/*` for a bad structure
 * @example
 * ```ts
 * decodeStatusReport(bytes)[0]?.status; // 2 (read)
 * ```
 */
export function decodeStatusReport(bytes: Uint8Array, opts: { maxBytes?: number; maxItems?: number } = {}): MessageStatusReport {
  const limits: { maxBytes?: number; maxItems?: number } = {};
  if (opts.maxBytes !== undefined) limits.maxBytes = opts.maxBytes;
  if (opts.maxItems !== undefined) limits.maxItems = opts.maxItems;
  return statusReportFromCbor(decodeCbor(bytes, limits));
}

/**
 * {@link decodeStatusReport} returning a {@link Result}.
 *
 * @param bytes - deterministic CBOR
 * @returns `{ ok, value }` or `{ ok: false, error }`
 * @throws never for bad input
 * @example
 * ```ts
 * const r = safeDecodeStatusReport(bytes);
 * ```
 */
export function safeDecodeStatusReport(bytes: Uint8Array): Result<MessageStatusReport> {
  return safely(() => decodeStatusReport(bytes));
}
