/**
 * `mimi-kit/provider` (Node): a MIMI provider to run — Hub + Follower + key material on one store, the MIMI
 * endpoints over mutual TLS, a loopback listener with a small JSON client API for the provider's own clients
 * and `/metrics` (Prometheus text format), structured logs (pino), and a graceful stop. `mimi serve` is this
 * behind flags. See docs/provider.md; decisions: docs/decisions.md "Provider".
 *
 * @example
 * ```ts
 * import { Provider, parseProviderConfig, LocalApiClient } from 'mimi-kit/provider';
 * import { MlsUpdateChecker } from 'mimi-kit/delivery';
 * const provider = await Provider.start({ config: parseProviderConfig(json), checker: new MlsUpdateChecker() });
 * const api = new LocalApiClient({ url: provider.localUrl, token });
 * process.once('SIGTERM', () => void provider.stop());
 * ```
 *
 * @module
 */
export { Provider, type ProviderOptions, type StopReport } from './provider.js';
export { ProviderConfigSchema, parseProviderConfig, readTlsMaterial, domainOfUri, type ProviderConfig, type ProviderConfigInput, type TlsMaterial } from './config.js';
export { openStore, parseStoreSpec, describeStore, type StoreSpec } from './store.js';
export {
  createLocalApiHandler,
  MAX_LOCAL_BODY,
  type ClientOperations,
  type CreateRoomRequest,
  type LocalApiOptions,
  type LocalSubmitResult,
  type LocalUpdateResult,
  type ProviderStatus,
} from './localApi.js';
export { LocalApiClient, type LocalApiClientOptions } from './client.js';
export { ProviderMetrics, timedStore } from './metrics.js';
export { frankingFromSecret, loadFrankingKeyFile } from './franking.js';
export { createLogger, textLine, type LogFormat, type LoggerOptions, type Logger } from './logger.js';
export { MimiError, type Result } from '../errors.js';
