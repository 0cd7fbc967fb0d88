/**
 * `mimi-kit/mls` under the `node` export condition (Node.js, and bundles made for Node): the same API as
 * ./index.ts, with the node:crypto provider registered statically as the default, so that a bundler
 * keeps the fast path (the portable entry finds it by a dynamic import only bundlers cannot follow).
 * Decision "Browser" B2 in docs/decisions.md; checked by test/browser/bundles.test.ts.
 *
 * @module
 */
import { registerPlatformCryptoProvider } from './crypto/index.js';
import { nodeCryptoProvider } from './crypto/node.js';

registerPlatformCryptoProvider(nodeCryptoProvider);

export * from './index.js';
