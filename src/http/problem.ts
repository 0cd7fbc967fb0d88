/**
 * Errors on the wire: the HTTP status of each `MimiError` code, and the RFC 9457 problem-details body that
 * carries it (docs/decisions.md "HTTP" HT4). The draft gives response bodies for the refusals it names
 * (`notAllowed`, `wrongEpoch`, …) and HTTP statuses only for notify (201) and consent (201, 404, 5xx); every
 * other refusal is a problem document whose `code` is the stable `MimiError` code.
 *
 * @module
 */
import { MimiError, type MimiErrorCode } from '../errors.js';
import { isMimiErrorCode } from '../errorCodes/index.js';
import { LiteResponse } from './fast.js';
import { MediaType } from './wire.js';

/** A problem-details document (RFC 9457 §3) with mimi-kit's `code` extension member. */
export interface MimiProblem {
  /** `urn:mimi-kit:error:<code>`. */
  readonly type: string;
  /** The code's one-line meaning. */
  readonly title: string;
  /** The HTTP status. */
  readonly status: number;
  /** What was wrong with this request. */
  readonly detail: string;
  /** The stable `MimiError` code. */
  readonly code: string;
}

const STATUS: Readonly<Partial<Record<MimiErrorCode, number>>> = {
  'http/unauthenticated': 401,
  'http/forbidden': 403,
  'http/not-found': 404,
  'http/method-not-allowed': 405,
  'http/body-too-large': 413,
  'http/unsupported-media-type': 415,
  'http/misdirected': 421,
  'http/not-implemented': 501,
  'protocol/body-too-large': 413,
  'delivery/not-allowed': 403,
  'delivery/wrong-hub': 403,
  'delivery/no-such-room': 404,
  'delivery/conflict': 409,
  'delivery/room-exists': 409,
  'delivery/store-closed': 503,
  'delivery/corrupt-store': 500,
};

/**
 * The HTTP status a `MimiError` code is answered with: the table of docs/http.md, 400 for every other
 * input error (`protocol/*`, `delivery/bad-request`, …).
 *
 * @param code - the code
 * @returns the status
 * @example
 * ```ts
 * import { statusOf } from 'mimi-kit/http';
 * statusOf('delivery/no-such-room'); // 404
 * ```
 */
export function statusOf(code: MimiErrorCode): number {
  return STATUS[code] ?? 400;
}

const PROBLEM: Readonly<Record<string, string>> = Object.freeze({ 'content-type': MediaType.problem });

/**
 * @internal The problem answer for a MimiError; `allow` for a 405 (RFC 9110 §15.5.6). Header names in the
 * order `Headers` lists them, so the Node server writes the same bytes on either path.
 */
export function problemAnswer(e: MimiError, allow?: string): LiteResponse {
  const status = statusOf(e.code);
  const body: MimiProblem = { type: `urn:mimi-kit:error:${e.code}`, title: e.code, status, detail: e.message, code: e.code };
  return new LiteResponse(status, allow === undefined ? PROBLEM : { allow, 'content-type': MediaType.problem }, JSON.stringify(body));
}

/** @internal The answer to a failure that is not a MimiError (a bug or a dead store): 500, nothing leaked. */
export function internalAnswer(): LiteResponse {
  const body = { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the provider failed to handle the request' };
  return new LiteResponse(500, PROBLEM, JSON.stringify(body));
}

const FROM_STATUS: Readonly<Record<number, MimiErrorCode>> = {
  401: 'http/unauthenticated',
  403: 'http/forbidden',
  404: 'http/not-found',
  405: 'http/method-not-allowed',
  413: 'http/body-too-large',
  415: 'http/unsupported-media-type',
  421: 'http/misdirected',
  501: 'http/not-implemented',
};

/**
 * @internal The MimiError for an error answer: the problem's `code` when it is a stable code, else the
 * status's `http/*` code (`http/bad-response` for statuses without one).
 */
export function errorFromResponse(status: number, text: string, what: string): MimiError {
  let remote: string | undefined;
  let detail = '';
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null) {
      const p = v as Record<string, unknown>;
      if (typeof p.code === 'string') remote = p.code;
      if (typeof p.detail === 'string') detail = p.detail.slice(0, 500);
    }
  } catch {
    // not a problem document: the status decides
  }
  const code: MimiErrorCode = remote !== undefined && isMimiErrorCode(remote) ? remote : (FROM_STATUS[status] ?? 'http/bad-response');
  return new MimiError(code, `${what}: HTTP ${status}${detail ? `: ${detail}` : ''}`, { details: { status, ...(remote === undefined ? {} : { remoteCode: remote }) } });
}
