/**
 * `mimi-kit/fallback` for Node (the `node` export condition): the same API as the portable entry, with
 * the full WHATWG table of named character references installed for the DOM-free HTML and markdown
 * parsers (decision D23). Loads no `node:` module either.
 *
 * @example
 * ```ts
 * import { render } from 'mimi-kit/fallback'; // resolves here under Node
 * render(content).text;
 * ```
 *
 * @module
 */
import { setRefDecoder } from './entities.js';
import { FULL_DECODER } from './entitiesFull.js';

setRefDecoder(FULL_DECODER);

export * from './index.js';
