/**
 * Input checks shared by the hub and the follower: every request field is checked before anything is read
 * from or written to the store, so a rejected request changes nothing.
 *
 * @module
 */
import { bytesEqual } from '../room/bytes.js';
import { MimiError } from '../errors.js';
import type { DeliveryLimits, LogEvent } from './types.js';
import { EventKind } from './types.js';
import { checkFrankShape } from './franking.js';
import type { Frank } from '../protocol/franking.js';

/** @internal Throws `delivery/bad-request` unless `v` is a non-empty string within the id bound. */
export function checkId(v: unknown, what: string, limits: DeliveryLimits): string {
  if (!isId(v, limits)) {
    throw new MimiError('delivery/bad-request', `${what} must be a non-empty string of at most ${limits.maxIdLength} characters, without NUL`, { path: [what] });
  }
  return v;
}

/** @internal Throws `delivery/bad-request` unless `v` is a safe integer ≥ `min`. */
export function checkCount(v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!isCount(v, min) || v > max) {
    throw new MimiError('delivery/bad-request', `${what} must be an integer in ${min}…${max}`, { path: [what] });
  }
  return v;
}

/** @internal Throws `delivery/bad-request` unless `v` is bytes within the message bound. */
export function checkBytes(v: unknown, what: string, limits: DeliveryLimits): Uint8Array {
  if (!isBytes(v, limits)) {
    throw new MimiError('delivery/bad-request', `${what} must be 1…${limits.maxMessageBytes} bytes`, { path: [what] });
  }
  return v;
}

/**
 * @internal Checks `events[index]` of a received request field by field. Valid fields are tested inline and
 * the field's path is spelled out only for the error (this runs for every event of every notify).
 */
export function checkEvent(v: unknown, index: number, limits: DeliveryLimits): LogEvent {
  const path = (): string => `events[${index}]`;
  if (typeof v !== 'object' || v === null) throw new MimiError('delivery/bad-request', `${path()} is not an event`, { path: [path()] });
  const e = v as Record<string, unknown>;
  if (e.kind !== EventKind.commit && e.kind !== EventKind.message && e.kind !== EventKind.proposal && e.kind !== EventKind.erased) {
    throw new MimiError('delivery/bad-request', `${path()}.kind must be commit, message, proposal or erased`, { path: [path(), 'kind'] });
  }
  const seq = isCount(e.seq, 1) ? e.seq : checkCount(e.seq, `${path()}.seq`, 1);
  const hubTime = isCount(e.hubTime, 0) ? e.hubTime : checkCount(e.hubTime, `${path()}.hubTime`, 0);
  if (e.kind === EventKind.erased) {
    // DL12: a tombstone carries nothing of its sender.
    if (e.sender !== '' || !(e.message instanceof Uint8Array) || e.message.length !== 0 || e.expires !== undefined || e.frank !== undefined) {
      throw new MimiError('delivery/bad-request', `${path()} is a tombstone with content`, { path: [path()] });
    }
    return tombstone(seq, hubTime);
  }
  const sender = isId(e.sender, limits) ? e.sender : checkId(e.sender, `${path()}.sender`, limits);
  const message = isBytes(e.message, limits) ? e.message : checkBytes(e.message, `${path()}.message`, limits);
  const out: { -readonly [K in keyof LogEvent]: LogEvent[K] } = { seq, hubTime, kind: e.kind, sender, message };
  if (e.expires !== undefined) out.expires = isCount(e.expires, 0) ? e.expires : checkCount(e.expires, `${path()}.expires`, 0);
  if (e.frank !== undefined) out.frank = frankOf(e.kind, e.frank, path(), limits);
  return out;
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

function isId(v: unknown, limits: DeliveryLimits): v is string {
  // NUL is refused: store keys join their parts with it (records.ts).
  return typeof v === 'string' && v.length > 0 && v.length <= limits.maxIdLength && !v.includes('\u0000');
}

function isBytes(v: unknown, limits: DeliveryLimits): v is Uint8Array {
  return v instanceof Uint8Array && v.length > 0 && v.length <= limits.maxMessageBytes;
}

/** HT19: only an application message carries a frank. */
function frankOf(kind: string, v: unknown, path: string, limits: DeliveryLimits): NonNullable<LogEvent['frank']> {
  if (kind !== EventKind.message) throw new MimiError('delivery/bad-request', `${path} is a ${kind} with a frank`, { path: [path, 'frank'] });
  return checkFrankShape(v, `${path}.frank`, limits.maxMessageBytes);
}

/** @internal An event with its own copies of the bytes (a store hands out and keeps nothing a caller could change). */
export function copyEvent(e: LogEvent): LogEvent {
  const out: { -readonly [K in keyof LogEvent]: LogEvent[K] } = { seq: e.seq, hubTime: e.hubTime, kind: e.kind, sender: e.sender, message: e.message.slice() };
  if (e.expires !== undefined) out.expires = e.expires;
  if (e.frank !== undefined) out.frank = { ...e.frank, serverFrank: e.frank.serverFrank.slice(), frankingIntegritySignature: e.frank.frankingIntegritySignature.slice() };
  return out;
}

/** @internal The tombstone of event `seq` (DL12). */
export function tombstone(seq: number, hubTime: number): LogEvent {
  return { seq, hubTime, kind: EventKind.erased, sender: '', message: new Uint8Array(0) };
}

/**
 * @internal The provider domain of a `mimi://<domain>/...` URI (draft-mahy-mimi-identity §3), or undefined.
 */
export function domainOf(uri: string): string | undefined {
  const m = /^mimi:\/\/([^/?#]+)\//.exec(uri);
  return m?.[1]?.toLowerCase();
}

/** Whether two optional franks are the same bytes. */
function sameFrank(a: Frank | undefined, b: Frank | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.frankingSignatureCiphersuite === b.frankingSignatureCiphersuite && bytesEqual(a.serverFrank, b.serverFrank) && bytesEqual(a.frankingIntegritySignature, b.frankingIntegritySignature);
}

/** @internal Whether two events are the same event (same stamp, same bytes). */
export function sameEvent(a: LogEvent, b: LogEvent): boolean {
  return a.seq === b.seq && a.hubTime === b.hubTime && a.kind === b.kind && a.sender === b.sender && a.expires === b.expires && bytesEqual(a.message, b.message) && sameFrank(a.frank, b.frank);
}

/**
 * @internal Whether `incoming` may be taken as the event held under its number: the same event, or the same
 * event with one side a tombstone (erased here or at the hub after it was sent: DL12; the held one is kept).
 */
export function sameOrErased(held: LogEvent, incoming: LogEvent): boolean {
  if (sameEvent(held, incoming)) return true;
  return held.seq === incoming.seq && held.hubTime === incoming.hubTime && (held.kind === EventKind.erased || incoming.kind === EventKind.erased);
}
