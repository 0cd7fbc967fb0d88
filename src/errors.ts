/**
 * The one error type mimi-kit throws on bad input or a refused operation.
 *
 * Every error carries a stable, machine-readable `code` (part of the public API: codes are never
 * renamed, only added) and, where it applies, the `path` to the offending field.
 *
 * @module
 */
import type { MimiErrorCode } from './errorCodes/index.js';

export type { MimiErrorCode } from './errorCodes/index.js';

/**
 * Thrown by every mimi-kit API on bad input, a policy refusal or a failed cryptographic check.
 *
 * `code` is stable across versions and is what conformance vectors name; `message` is for humans.
 *
 * @example
 * ```ts
 * import { decodeContent, MimiError } from 'mimi-kit/content';
 * try {
 *   decodeContent(new Uint8Array([0xff]));
 * } catch (e) {
 *   if (e instanceof MimiError) console.log(e.code); // 'cbor/unexpected-break'
 * }
 * ```
 */
export class MimiError extends Error {
  /** Stable error code, `area/what`, e.g. `cbor/non-shortest-head`; the list is `MIMI_ERROR_CODES`. */
  readonly code: MimiErrorCode;
  /** Path to the offending field (array indexes and map keys), empty when not applicable. */
  readonly path: readonly (string | number)[];
  /** Extra machine-readable details (the refusal, the limit that was exceeded, …). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * Creates an error; mimi-kit throws these, applications rarely need to.
   * @param code - stable error code (`area/what`), one of {@link MimiErrorCode}
   * @param message - human-readable explanation
   * @param options - path to the bad field, details, and the underlying cause
   */
  constructor(
    code: MimiErrorCode,
    message: string,
    options: {
      path?: readonly (string | number)[];
      details?: Readonly<Record<string, unknown>>;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MimiError';
    this.code = code;
    this.path = options.path ?? [];
    this.details = options.details;
  }
}

/**
 * The result of a `safe*` call: the value, or the `MimiError` the throwing variant would have thrown.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: MimiError };

/**
 * Runs `fn` and captures a thrown `MimiError` as a failed {@link Result}.
 *
 * Anything that is not a `MimiError` is a bug and is rethrown.
 *
 * @param fn - the throwing operation
 * @returns `{ ok: true, value }` or `{ ok: false, error }`
 * @example
 * ```ts
 * const r = safely(() => decodeContent(bytes));
 * if (!r.ok) console.log(r.error.code);
 * ```
 */
export function safely<T>(fn: () => T): Result<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof MimiError) return { ok: false, error: e };
    throw e;
  }
}

/**
 * Wraps an unexpected exception into a `MimiError` with the given code, keeping it as `cause`.
 * A `MimiError` passes through unchanged.
 *
 * @param code - the code to use when `e` is not already a `MimiError`
 * @param e - what was thrown
 * @returns a `MimiError`
 * @example
 * ```ts
 * import { asMimiError } from 'mimi-kit';
 * asMimiError('mls/invalid-commit', new Error('boom')).code; // 'mls/invalid-commit'
 * ```
 */
export function asMimiError(code: MimiErrorCode, e: unknown): MimiError {
  if (e instanceof MimiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new MimiError(code, message, { cause: e });
}
