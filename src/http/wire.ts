/**
 * The bodies mimi-kit adds to draft-ietf-mimi-protocol-06 for gapless delivery (docs/decisions.md "Delivery"
 * DL1–DL3 and "HTTP" HT2–HT3, HT14–HT15), in the TLS presentation language like every body of the draft, built on
 * its FanoutMessage codec:
 *
 * ```tls
 * enum { fanout(1), erased(2), (255) } SequencedEventType;       // HT14
 *
 * struct {
 *   uint64 sequence;          // DL1: per-room, 1, 2, 3, … without gaps
 *   SequencedEventType type;
 *   select (type) {
 *     case fanout:
 *       IdentifierUri sender;     // the submitting user, the committer or the proposer, as the hub accepted it
 *       optional<uint64> expires; // HT14: the sender's declared expiry, ms since the UNIX epoch (DL11)
 *       FanoutMessage message;    // the draft's struct; its timestamp is the hub acceptance time
 *     case erased:
 *       uint64 timestamp;         // HT14: a tombstone (DL12) keeps only its number and hub time
 *   };
 * } SequencedFanoutMessage;
 *
 * struct {
 *   opaque transactionId<V>;                 // DL2: the idempotency key of the transaction
 *   optional<uint64> historySeconds;         // HT14: the room's history window as the hub holds it (DL11)
 *   SequencedFanoutMessage messages<V>;      // consecutive, ascending, at least one
 * } SequencedNotify;                         // POST /notify/{roomId}
 *
 * struct {
 *   uint64 sequence;                         // HT16: the number of the commit that adds the clients
 *   IdentifierUri clients<V>;                // the joining clients at the receiving provider (may be empty)
 *   FanoutMessage message;                   // kind welcome; its timestamp is the commit's hub time
 * } SequencedWelcome;                        // POST /notify/{roomId}, its own media type
 *
 * struct { uint64 after; uint32 limit; } HistoryRequest;                    // POST /history/{roomId}
 * struct {
 *   uint64 firstAvailable;
 *   bool complete;
 *   SequencedFanoutMessage messages<V>;
 * } HistoryResponse;
 * ```
 *
 * The delivery layer's events are commits, standalone proposals (HT15), application messages and tombstones,
 * so a `fanout` SequencedFanoutMessage holds a FanoutMessage of kind `commit` (no stapled external proposals),
 * `proposal` (no further proposals: one event per proposal) or `application` (with the hub's `optional Frank`
 * when it franked the message, HT19): anything else is refused with `delivery/bad-request`.
 *
 * @module
 */
import type { HistoryPage, LogEvent, NotifyRequest, WelcomeRequest } from '../delivery/types.js';
import { MimiError } from '../errors.js';
import { decodeBody, encodeBody, readUri, stringSize, vectorSize, writeUri, type ProtocolDecodeOptions } from '../protocol/common.js';
import { readFanoutMessage, writeFanoutMessage } from '../protocol/fanout.js';
import { writeFrank, type Frank } from '../protocol/franking.js';
import { checkMlsMessage, parseMlsMessage } from '../protocol/mlsStructures.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';

/**
 * Media types of request and response bodies. The draft names none (docs/decisions.md HT1): its bodies go as
 * `application/octet-stream` (what Haven sends); the notify and history extensions have their own types so
 * a follower never mistakes a plain draft notify (no sequence numbers) for one it can order.
 *
 * @example
 * ```ts
 * import { MediaType } from 'mimi-kit/http';
 * MediaType.body; // 'application/octet-stream'
 * ```
 */
export const MediaType = {
  /** Every body the draft defines. */
  body: 'application/octet-stream',
  /** `SequencedNotify` (POST /notify/{roomId}). */
  sequencedNotify: 'application/vnd.mimi-kit.sequenced-notify',
  /** `SequencedWelcome` (POST /notify/{roomId}: a commit's Welcome for joining clients, HT16). */
  sequencedWelcome: 'application/vnd.mimi-kit.sequenced-welcome',
  /** `HistoryRequest` / `HistoryResponse` (POST /history/{roomId}). */
  history: 'application/vnd.mimi-kit.history',
  /** Error bodies (RFC 9457 problem details). */
  problem: 'application/problem+json',
  /** The directory (draft "Directory": a JSON document). */
  json: 'application/json',
} as const;

/** HT14: the SequencedEventType of a SequencedFanoutMessage. */
const FANOUT = 1;
const ERASED = 2;

/**
 * The request header that carries a submitted message's expiry (HT14): ms since the UNIX epoch, decimal.
 *
 * @example
 * ```ts
 * import { EXPIRES_HEADER } from 'mimi-kit/http';
 * EXPIRES_HEADER; // 'mimi-kit-expires'
 * ```
 */
export const EXPIRES_HEADER = 'mimi-kit-expires';

/** The MLSMessage each event kind holds (draft-ietf-mimi-protocol-06 §5.6 FanoutMessage arms). */
const SHAPE = {
  commit: ['mlsPublicMessage', 'commit'],
  proposal: ['mlsPublicMessage', 'proposal'],
  message: ['mlsPrivateMessage', 'application'],
} as const;

/**
 * Writes the event's FanoutMessage: `uint64 timestamp`, the MLSMessage, then the arm's tail: the application
 * arm's `optional Frank` (HT19), or the empty list of external or further proposals (one 0 octet). The bytes are read once, strictly, to check
 * they are exactly one MLSMessage of the event's kind (so the body always decodes), then copied as they are:
 * the general `writeFanoutMessage` would read them twice on the fanout's hot path.
 */
function writeFanout(w: TlsWriter, e: LogEvent & { kind: keyof typeof SHAPE }): void {
  const shape = SHAPE[e.kind] as (typeof SHAPE)[keyof typeof SHAPE] | undefined;
  if (shape === undefined) throw new MimiError('delivery/bad-request', `a ${String(e.kind)} event has no FanoutMessage`, { path: ['kind'] });
  const m = checkMlsMessage(e.message); // no copy: the bytes written are e.message itself
  const [wireFormat, contentType] = shape;
  if (m.wireFormat !== wireFormat || m.contentType !== contentType) {
    throw new MimiError('protocol/unexpected-content-type', `a ${m.contentType ?? ''} ${m.wireFormat} is not a ${e.kind} event`, { path: ['message'] });
  }
  if (e.frank !== undefined && e.kind !== 'message') throw new MimiError('delivery/bad-request', `a ${e.kind} event carries no frank`, { path: ['frank'] });
  writeU64(w, e.hubTime);
  w.raw(e.message);
  w.optional(e.frank, writeFrank); // the application arm's optional Frank; for the others the empty proposal list (0)
}

/**
 * Writes a number as a uint64: a safe non-negative integer directly, anything else through `BigInt` as before
 * (which refuses a fraction with a RangeError and a negative value with `tls/value-out-of-range`).
 */
function writeU64(w: TlsWriter, v: number): void {
  if (Number.isSafeInteger(v) && v >= 0) {
    w.uint32(Math.floor(v / 0x100000000));
    w.uint32(v % 0x100000000);
  } else w.uint64(BigInt(v));
}

function writeEvent(w: TlsWriter, e: LogEvent): void {
  writeU64(w, e.seq);
  if (e.kind === 'erased') {
    w.uint8(ERASED);
    writeU64(w, e.hubTime);
    return;
  }
  w.uint8(FANOUT);
  writeUri(w, e.sender);
  w.optional(e.expires, writeU64);
  writeFanout(w, e as LogEvent & { kind: keyof typeof SHAPE });
}

/** A guess at a list of events' encoded size (exact for unfranked ASCII-sender events), so the writer seldom grows. */
function eventsSize(events: readonly LogEvent[]): number {
  if (!Array.isArray(events)) return 64;
  let n = 0;
  for (const e of events as readonly Partial<LogEvent>[]) {
    const m: unknown = e?.message;
    if (e?.kind === 'erased') n += 8 + 1 + 8; // seq, type, timestamp
    // seq, type, sender, expires' presence (+8), timestamp, the MLSMessage, the arm's 0 octet
    else n += 8 + 1 + stringSize(e?.sender) + (e?.expires === undefined ? 1 : 9) + 8 + (m instanceof Uint8Array ? m.length : 0) + 1;
  }
  return vectorSize(n);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function safe(v: bigint, field: string): number {
  if (v > MAX_SAFE) throw new MimiError('delivery/bad-request', `${field} ${v} is beyond 2^53-1`, { path: [field] });
  return Number(v);
}

const readU64 = (r: TlsReader): bigint => r.uint64();

/** A fanout event with its fields in the order the decoder always gave them (seq, hubTime, sender, message, expires, kind, frank). */
function fanoutEvent(seq: number, hubTime: number, sender: string, message: Uint8Array, expires: number | undefined, kind: 'commit' | 'proposal' | 'message', frank?: Frank): LogEvent {
  if (expires === undefined) return frank === undefined ? { seq, hubTime, sender, message, kind } : { seq, hubTime, sender, message, kind, frank };
  return frank === undefined ? { seq, hubTime, sender, message, expires, kind } : { seq, hubTime, sender, message, expires, kind, frank };
}

function readEvent(r: TlsReader): LogEvent {
  const seq = safe(r.uint64(), 'sequence');
  const type = r.uint8();
  if (type === ERASED) return { seq, hubTime: safe(r.uint64(), 'timestamp'), kind: 'erased', sender: '', message: new Uint8Array(0) };
  if (type !== FANOUT) throw new MimiError('delivery/bad-request', `SequencedEventType ${type} is neither fanout (1) nor erased (2)`, { path: ['type'] });
  const sender = readUri(r);
  const ex = r.optional(readU64);
  const expires = ex === undefined ? undefined : safe(ex, 'expires');
  const f = readFanoutMessage(r);
  const hubTime = safe(f.timestamp, 'timestamp');
  const message = f.message.bytes;
  if (f.kind === 'commit' && f.externalProposals.length === 0) return fanoutEvent(seq, hubTime, sender, message, expires, 'commit');
  if (f.kind === 'proposal' && f.moreProposals.length === 0) return fanoutEvent(seq, hubTime, sender, message, expires, 'proposal');
  if (f.kind === 'application') return fanoutEvent(seq, hubTime, sender, message, expires, 'message', f.frank);
  const why = f.kind === 'commit' ? ' with external proposals' : f.kind === 'proposal' ? ' with more proposals' : '';
  throw new MimiError('delivery/bad-request', `a ${f.kind} fanout${why} is not a delivery event`, { path: ['message'] });
}

/**
 * Encodes a `SequencedNotify` body from a fanout transaction.
 *
 * @param request - the transaction (its `hub` and `roomId` travel in the TLS identity and the path; `historySeconds` in the body, HT14)
 * @returns the body
 * @throws {@link MimiError} `protocol/*` when an event's bytes are not an MLSMessage of its kind
 * @example
 * ```ts
 * import { encodeSequencedNotify } from 'mimi-kit/http';
 * const body = encodeSequencedNotify({ hub: 'a.example', roomId, txn: 'a.example r 1-1', events });
 * ```
 */
export function encodeSequencedNotify(request: Pick<NotifyRequest, 'txn' | 'events' | 'historySeconds'>): Uint8Array {
  return encodeBody(
    'SequencedNotify',
    (w) => {
      w.string(request.txn);
      w.optional(request.historySeconds, writeU64);
      w.vector(request.events, writeEvent);
    },
    stringSize(request.txn) + (request.historySeconds === undefined ? 1 : 9) + eventsSize(request.events),
  );
}

/**
 * Decodes a `SequencedNotify` body, strictly (the follower checks order and bounds).
 *
 * @param bytes - the body
 * @param options - decoder limits
 * @returns the transaction id, the room's history window when the hub sent it, and the events
 * @throws {@link MimiError} `protocol/*`, `delivery/bad-request`
 * @example
 * ```ts
 * import { decodeSequencedNotify } from 'mimi-kit/http';
 * const { txn, events, historySeconds } = decodeSequencedNotify(body);
 * ```
 */
export function decodeSequencedNotify(bytes: Uint8Array, options?: ProtocolDecodeOptions): { txn: string; events: LogEvent[]; historySeconds?: number } {
  return decodeBody(
    bytes,
    'SequencedNotify',
    (r) => {
      const txn = r.string();
      const h = r.optional(readU64);
      const events = r.vector(readEvent);
      if (events.length === 0) throw new MimiError('protocol/empty-list', 'a SequencedNotify carries at least one message');
      return { txn, events, ...(h === undefined ? {} : { historySeconds: safe(h, 'historySeconds') }) };
    },
    options,
  );
}

/**
 * Encodes a `HistoryRequest` body.
 *
 * @param after - return events with a sequence number above this
 * @param limit - at most this many
 * @returns the body
 * @example
 * ```ts
 * import { encodeHistoryRequest } from 'mimi-kit/http';
 * encodeHistoryRequest(0, 100).length; // 12
 * ```
 */
export function encodeHistoryRequest(after: number, limit: number): Uint8Array {
  return encodeBody('HistoryRequest', (w) => {
    w.uint64(BigInt(after));
    w.uint32(limit);
  });
}

/**
 * Decodes a `HistoryRequest` body.
 *
 * @param bytes - the body
 * @returns `after` and `limit`
 * @throws {@link MimiError} `protocol/*`, `delivery/bad-request`
 * @example
 * ```ts
 * import { decodeHistoryRequest, encodeHistoryRequest } from 'mimi-kit/http';
 * decodeHistoryRequest(encodeHistoryRequest(5, 10)); // { after: 5, limit: 10 }
 * ```
 */
export function decodeHistoryRequest(bytes: Uint8Array): { after: number; limit: number } {
  return decodeBody(bytes, 'HistoryRequest', (r) => ({ after: safe(r.uint64(), 'after'), limit: r.uint32() }), { maxBodyBytes: 64 });
}

/**
 * Encodes a `HistoryResponse` body.
 *
 * @param page - the page
 * @returns the body
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { encodeHistoryResponse } from 'mimi-kit/http';
 * encodeHistoryResponse({ events: [], complete: true, firstAvailable: 1 }).length; // 10
 * ```
 */
export function encodeHistoryResponse(page: HistoryPage): Uint8Array {
  return encodeBody('HistoryResponse', (w) => {
    w.uint64(BigInt(page.firstAvailable));
    w.bool(page.complete);
    w.vector(page.events, writeEvent);
  });
}

/**
 * Decodes a `HistoryResponse` body (the follower checks order and bounds).
 *
 * @param bytes - the body
 * @param options - decoder limits
 * @returns the page
 * @throws {@link MimiError} `protocol/*`, `delivery/bad-request`
 * @example
 * ```ts
 * import { decodeHistoryResponse } from 'mimi-kit/http';
 * const { events, complete, firstAvailable } = decodeHistoryResponse(body);
 * ```
 */
export function decodeHistoryResponse(bytes: Uint8Array, options?: ProtocolDecodeOptions): HistoryPage {
  return decodeBody(
    bytes,
    'HistoryResponse',
    (r) => {
      const firstAvailable = safe(r.uint64(), 'firstAvailable');
      const complete = r.bool();
      return { firstAvailable, complete, events: r.vector(readEvent) };
    },
    options,
  );
}

/**
 * Encodes a `SequencedWelcome` body (HT16).
 *
 * @param request - the Welcome (its `hub` and `roomId` travel in the TLS identity and the path)
 * @returns the body
 * @throws {@link MimiError} `protocol/*` when `welcome` is not an MLSMessage Welcome
 * @example
 * ```ts
 * import { encodeSequencedWelcome } from 'mimi-kit/http';
 * const body = encodeSequencedWelcome({ seq: 7, hubTime, clients: ['mimi://b.example/d/dave/1'], welcome });
 * ```
 */
export function encodeSequencedWelcome(request: Pick<WelcomeRequest, 'seq' | 'hubTime' | 'clients' | 'welcome'>): Uint8Array {
  const message = parseMlsMessage(request.welcome);
  if (message.wireFormat !== 'mlsWelcome') throw new MimiError('protocol/unexpected-wire-format', `a SequencedWelcome carries a Welcome, not ${message.wireFormat}`, { path: ['welcome'] });
  return encodeBody('SequencedWelcome', (w) => {
    w.uint64(BigInt(request.seq));
    w.vector(request.clients, writeUri);
    writeFanoutMessage(w, { kind: 'welcome', timestamp: BigInt(request.hubTime), message, ratchetTreeOption: { representation: 'outOfBand' } });
  });
}

/**
 * Decodes a `SequencedWelcome` body, strictly.
 *
 * @param bytes - the body
 * @param options - decoder limits
 * @returns the commit's number and time, the clients named, and the Welcome as an MLSMessage
 * @throws {@link MimiError} `protocol/*`, `delivery/bad-request` (a FanoutMessage that is no Welcome)
 * @example
 * ```ts
 * import { decodeSequencedWelcome } from 'mimi-kit/http';
 * const { seq, clients, welcome } = decodeSequencedWelcome(body);
 * ```
 */
export function decodeSequencedWelcome(bytes: Uint8Array, options?: ProtocolDecodeOptions): Pick<WelcomeRequest, 'seq' | 'hubTime' | 'clients' | 'welcome'> {
  return decodeBody(
    bytes,
    'SequencedWelcome',
    (r) => {
      const seq = safe(r.uint64(), 'sequence');
      const clients = r.vector(readUri);
      const f = readFanoutMessage(r);
      if (f.kind !== 'welcome') throw new MimiError('delivery/bad-request', `a SequencedWelcome carries a welcome FanoutMessage, not ${f.kind}`, { path: ['message'] });
      return { seq, hubTime: safe(f.timestamp, 'timestamp'), clients, welcome: f.message.bytes };
    },
    options,
  );
}
