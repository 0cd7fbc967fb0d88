/**
 * The full WHATWG named character reference table (2 231 names), from `entities` (the decoder htmlparser2
 * and markdown-it use), for the `node` entry only: browsers decode with their DOM, and the portable entry
 * keeps the compact table of `entities.ts` (decision D23).
 *
 * @module
 */
import { decodeHTML, decodeHTMLAttribute, decodeHTMLStrict } from 'entities/decode';
import type { RefDecoder } from './entities.js';

/**
 * The full decoder: `decodeHTML` (legacy mode) for text, `decodeHTMLAttribute` for attribute values,
 * `decodeHTMLStrict` (names with `;` only) for markdown.
 *
 * @example
 * ```ts
 * FULL_DECODER.strict('&CounterClockwiseContourIntegral;'); // '∳'
 * ```
 */
export const FULL_DECODER: RefDecoder = {
  text: (s) => (s.includes('&') ? decodeHTML(s) : s),
  attr: (s) => (s.includes('&') ? decodeHTMLAttribute(s) : s),
  strict: (s) => (s.includes('&') ? decodeHTMLStrict(s) : s),
};
