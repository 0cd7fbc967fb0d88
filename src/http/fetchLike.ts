/**
 * The `fetch` shape mimi-kit's HTTP client calls, apart so that the client's helpers (fast.ts) name it without
 * importing the client.
 *
 * @module
 */

/**
 * The part of `fetch` the client uses (the platform's `fetch`, undici's, or a wrapper). `maxResponseBytes` is
 * a hint a fetch may use to stop reading an answer early (the client bounds it again either way); a fetch
 * that sets `enforcesTimeout` applies `timeoutMs` itself (an AbortSignal per request costs CPU on Node).
 */
export type FetchLike = ((
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array; signal?: AbortSignal; maxResponseBytes?: number; timeoutMs?: number },
) => Promise<Response>) & {
  /** True when the fetch itself enforces `init.timeoutMs` (the client then passes no AbortSignal). */
  readonly enforcesTimeout?: boolean;
};
