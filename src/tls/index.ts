/**
 * TLS presentation language codec (RFC 9420 §2.1 profile).
 *
 * @module
 */
export * from './codec.js';
