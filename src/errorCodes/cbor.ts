/**
 * Error codes of the deterministic CBOR codec (`src/cbor`, RFC 8949 §4.2.1) and its hex helper.
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/cbor`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { CBOR_ERROR_CODES } from 'mimi-kit';
 * CBOR_ERROR_CODES['cbor/non-shortest-head']; // 'an integer, length or tag is not in its shortest form (RFC 8949 §4.2.1)'
 * ```
 */
export const CBOR_ERROR_CODES = {
  'cbor/bad-chunk': 'a chunk of an indefinite-length string has the wrong major type (RFC 8949 §3.2.3)',
  'cbor/duplicate-map-key': 'a map holds the same key twice (RFC 8949 §5.6)',
  'cbor/indefinite-length': 'an indefinite-length item, which deterministic encoding forbids (RFC 8949 §4.2.1)',
  'cbor/integer-out-of-range': 'an integer outside the range the decoder represents',
  'cbor/invalid-bignum': 'a bignum tag (2 or 3) that does not enclose a byte string (RFC 8949 §3.4.3)',
  'cbor/invalid-simple': 'a simple value below 32 in the two-byte form (RFC 8949 §3.3)',
  'cbor/invalid-utf8': 'a text string that is not valid UTF-8 (RFC 8949 §3.1)',
  'cbor/non-canonical-nan': 'a NaN other than 0xf97e00 (RFC 8949 §4.2.2)',
  'cbor/non-shortest-float': 'a float not in the shortest form that preserves its value (RFC 8949 §4.2.1)',
  'cbor/non-shortest-head': 'an integer, length or tag is not in its shortest form (RFC 8949 §4.2.1)',
  'cbor/non-preferred-bignum': 'a bignum for a value that fits major type 0/1, or with a leading zero byte (RFC 8949 §3.4.3)',
  'cbor/not-bytes': 'the input to decode is not a Uint8Array',
  'cbor/reserved-additional-info': 'additional information 28–30, or 31 where it is not allowed (RFC 8949 §3)',
  'cbor/tag-not-allowed': 'a tag where the decoder accepts none',
  'cbor/too-deep': 'items nested deeper than the decoder limit',
  'cbor/too-large': 'the input is larger than the decoder limit',
  'cbor/too-many-items': 'more data items than the decoder limit maxItems (default 65 536 + one per 8 input bytes)',
  'cbor/trailing-bytes': 'bytes follow the single data item',
  'cbor/truncated': 'the input ends inside a data item',
  'cbor/unencodable': 'a value outside the CBOR data model was given to the encoder',
  'cbor/unexpected-break': 'a break (0xff) outside an indefinite-length item',
  'cbor/unsorted-map-keys': 'map keys not in the bytewise order of their encodings (RFC 8949 §4.2.1)',
  'cbor/unsupported-map-key': 'a map key of a type the decoder does not accept',
  'hex/invalid': 'a hex string of odd length or with a non-hex character',
} as const satisfies Record<`${'cbor' | 'hex'}/${string}`, string>;

/** A code of {@link CBOR_ERROR_CODES}. */
export type CborErrorCode = keyof typeof CBOR_ERROR_CODES;
