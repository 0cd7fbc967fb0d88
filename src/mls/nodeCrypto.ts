/**
 * `mimi-kit/mls/node-crypto`: the node:crypto provider, for callers who choose it explicitly (for
 * example with another key cache size). Node.js only; `mimi-kit/mls` already uses it by default there.
 *
 * @module
 */
export { createNodeCryptoProvider, nodeCryptoProvider, NODE_PROVIDER_SUITES, type NodeCryptoProviderOptions } from './crypto/node.js';
