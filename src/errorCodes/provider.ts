/**
 * Error codes of the provider (`src/provider`: `mimi serve`'s configuration, store choice, local client API).
 *
 * @module
 */

/**
 * Every code raised by `src/provider`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { MIMI_ERROR_CODES } from 'mimi-kit';
 * MIMI_ERROR_CODES['provider/bad-config']; // 'a provider configuration field is missing, of the wrong type or out of range'
 * ```
 */
export const PROVIDER_ERROR_CODES = {
  'provider/bad-config': 'a provider configuration field is missing, of the wrong type or out of range',
  'provider/no-tls': 'a provider configured with neither certificates nor an explicit plain-HTTP choice (or with both)',
  'provider/unreadable-file': 'a certificate, key or CA file named by the configuration cannot be read',
  'provider/unsupported-store': 'a store specification this build cannot open (an unknown scheme)',
  'provider/unknown-peer': 'a request needs a provider domain that the configuration lists no URL for',
  'provider/unauthorized': 'a local client API request without the configured bearer token',
  'provider/bad-request': 'a local client API request that is not the JSON the endpoint takes',
  'provider/not-found': 'a local client API path that does not exist',
  'provider/not-hub': 'a room created at a provider that is not the domain of the room id',
  'provider/shutting-down': 'a request that arrived while the provider is stopping',
  'provider/upstream': 'a peer provider answered a forwarded request with an error',
} as const satisfies Record<`provider/${string}`, string>;

/** A code of {@link PROVIDER_ERROR_CODES}. */
export type ProviderErrorCode = keyof typeof PROVIDER_ERROR_CODES;
