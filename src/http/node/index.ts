/**
 * The MIMI HTTPS layer on Node: a mutual-TLS server for the web-standard handler of `mimi-kit/http`, a
 * mutual-TLS `fetch` for its client, and demo/test certificates (a private CA, leaves naming provider
 * domains). Decisions: docs/decisions.md "HTTP".
 *
 * @example
 * ```ts
 * import { createMimiHandler, MimiHttpClient } from 'mimi-kit/http';
 * import { createDemoCa, issueCertificate, startMimiServer, createMtlsFetch } from 'mimi-kit/http/node';
 * const ca = createDemoCa();
 * const a = issueCertificate(ca, { domain: 'a.example' });
 * const server = await startMimiServer({ handler: createMimiHandler({ domain: 'a.example', hub, hostAliases: ['127.0.0.1'] }), tls: { cert: a.certPem, key: a.keyPem, ca: ca.certPem } });
 * const b = issueCertificate(ca, { domain: 'b.example' });
 * const client = new MimiHttpClient({ domain: 'b.example', fetch: createMtlsFetch({ cert: b.certPem, key: b.keyPem, ca: ca.certPem, servername: () => 'a.example' }), resolve: () => server.url });
 * ```
 *
 * @module
 */
export { startMimiServer, type StartMimiServerOptions, type MimiServer, type MtlsCredentials, type PemInput } from './server.js';
export { createMtlsFetch, type MtlsFetch, type MtlsFetchOptions } from './fetch.js';
export { createDemoCa, issueCertificate, type DemoCa, type IssuedCertificate, type ValidityOptions } from './certificates.js';
