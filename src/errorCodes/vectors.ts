/**
 * Error codes of the conformance-vector tools (`src/vectors`): the vector file format, the EDN reader of
 * `mimi check-draft`.
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/vectors`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { VECTORS_ERROR_CODES } from 'mimi-kit';
 * VECTORS_ERROR_CODES['vectors/invalid-file']; // 'a vector file that is not JSON or does not match the schema'
 * ```
 */
export const VECTORS_ERROR_CODES = {
  'edn/syntax': 'CBOR diagnostic notation (RFC 8949 §8) that does not parse',
  'vectors/invalid-file': 'a vector file that is not JSON or does not match the schema',
} as const satisfies Record<`${'vectors' | 'edn'}/${string}`, string>;

/** A code of {@link VECTORS_ERROR_CODES}. */
export type VectorsErrorCode = keyof typeof VECTORS_ERROR_CODES;
