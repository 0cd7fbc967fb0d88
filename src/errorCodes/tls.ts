/**
 * Error codes of the TLS presentation-language codec (`src/tls`, RFC 8446 §3, RFC 9420 §2.1).
 *
 * @module
 */

/**
 * Every code raised by the TLS codec (room components and MLS structures), with its one-line meaning.
 *
 * @example
 * ```ts
 * import { TLS_ERROR_CODES } from 'mimi-kit';
 * Object.keys(TLS_ERROR_CODES).includes('tls/truncated'); // true
 * ```
 */
export const TLS_ERROR_CODES = {
  'tls/invalid-bool': 'a bool octet other than 0 or 1',
  'tls/invalid-enum': 'an enum value outside the defined ones',
  'tls/invalid-optional': 'an optional<T> presence octet other than 0 or 1 (RFC 9420 §2.1.1)',
  'tls/invalid-utf8': 'an opaque string field that is not valid UTF-8',
  'tls/invalid-varint': 'a variable-length integer with the reserved prefix 0b11 (RFC 9420 §2.1.2)',
  'tls/non-minimal-varint': 'a variable-length integer not in its minimal form (RFC 9420 §2.1.2)',
  'tls/too-many-items': 'more vector elements and opaque fields than the decoder limit maxItems (default 65 536 + one per 8 input bytes)',
  'tls/trailing-bytes': 'bytes follow the structure',
  'tls/truncated': 'the input ends inside a structure',
  'tls/value-out-of-range': 'an integer too large for its field',
  'tls/vector-too-large': 'a vector longer than the decoder bound',
} as const satisfies Record<`tls/${string}`, string>;

/** A code of {@link TLS_ERROR_CODES}. */
export type TlsErrorCode = keyof typeof TLS_ERROR_CODES;
