/**
 * Error helpers of the MLS adapter. Every failure leaves as a {@link MimiError} with an `mls/*` code.
 *
 * @module
 */
import { MimiError } from '../errors.js';

/** The stable error codes thrown by `mimi-kit/mls`. */
export type MlsErrorCode =
  | 'mls/bad-uri'
  | 'mls/bad-identity'
  | 'mls/bad-message'
  | 'mls/bad-key-package'
  | 'mls/wrong-group'
  | 'mls/not-member'
  | 'mls/replay'
  | 'mls/epoch-too-old'
  | 'mls/wrong-epoch'
  | 'mls/sender-mismatch'
  | 'mls/room-mismatch'
  | 'mls/policy-refused'
  | 'mls/credential-rejected'
  | 'mls/decrypt-failed'
  | 'mls/path-missing'
  | 'mls/invalid-commit'
  | 'mls/not-found'
  | 'mls/bad-state'
  | 'mls/unsupported'
  | 'mls/proposal-not-allowed'
  | 'mls/extension-not-allowed'
  | 'mls/bad-extension'
  | 'mls/component-unsupported';

/**
 * Builds an `mls/*` {@link MimiError}.
 *
 * @param code - the stable code
 * @param message - human-readable text
 * @param details - machine-readable details (the room refusal, the epoch, …)
 * @param cause - underlying error, kept as `cause`
 * @returns the error (to `throw`)
 */
export function mlsError(code: MlsErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown): MimiError {
  const opts: { details?: Record<string, unknown>; cause?: unknown } = {};
  if (details !== undefined) opts.details = details;
  if (cause !== undefined) opts.cause = cause;
  return new MimiError(code, message, opts);
}
