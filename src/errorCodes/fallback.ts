/**
 * Error codes of fallback rendering and the conversation view (`src/fallback`).
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/fallback`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { FALLBACK_ERROR_CODES } from 'mimi-kit';
 * FALLBACK_ERROR_CODES['fallback/bad-option']; // 'a conversation option that is not a non-negative integer'
 * ```
 */
export const FALLBACK_ERROR_CODES = {
  'fallback/bad-message': 'a message added to the conversation with a bad ID or hub timestamp',
  'fallback/bad-option': 'a conversation option that is not a non-negative integer',
} as const satisfies Record<`fallback/${string}`, string>;

/** A code of {@link FALLBACK_ERROR_CODES}. */
export type FallbackErrorCode = keyof typeof FALLBACK_ERROR_CODES;
