/**
 * Error codes of the MIMI HTTPS layer (`src/http`: the web-standard handler, the fetch client and the Node
 * server; draft-ietf-mimi-protocol-06 "Transport layer"). A refusal a peer answers with the draft's response
 * body (`notAllowed`, `wrongEpoch`, …) is a response value, not an error; these codes are for requests and
 * answers the draft gives no body for.
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/http` and `mimi-kit/http/node`, with its one-line meaning. Codes are only
 * ever added.
 *
 * @example
 * ```ts
 * import { HTTP_ERROR_CODES } from 'mimi-kit';
 * HTTP_ERROR_CODES['http/misdirected']; // 'the request names a target provider (Host) that is not this one'
 * ```
 */
export const HTTP_ERROR_CODES = {
  'http/bad-certificate': 'a certificate, key or CA given to the TLS server, client or certificate builder is unusable',
  'http/bad-response': 'a peer answered with a status or body the endpoint does not define',
  'http/body-too-large': 'a request or response body larger than the configured limit (reading stopped at the limit)',
  'http/forbidden': 'the authenticated peer may not make this request (not the hub, not a member provider, or speaking for another domain)',
  'http/method-not-allowed': 'the endpoint exists but not for this HTTP method',
  'http/misdirected': 'the request names a target provider (Host) that is not this one',
  'http/network': 'the peer could not be reached or the connection failed before an answer',
  'http/not-found': 'no endpoint at this path, or the room or user is not here',
  'http/not-implemented': 'the endpoint is defined by the draft but this provider offers no implementation of it',
  'http/unauthenticated': 'the peer presented no client certificate naming a provider domain',
  'http/unsupported-media-type': 'the request body is not of the media type the endpoint takes',
} as const satisfies Record<`http/${string}`, string>;

/** A code of {@link HTTP_ERROR_CODES}. */
export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;
