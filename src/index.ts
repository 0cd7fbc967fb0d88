/**
 * mimi-kit: IETF MIMI for TypeScript.
 *
 * The root re-exports the foundation: the error type, deterministic CBOR and the MIMI content format
 * (everything of `mimi-kit/content`). Each other area has its own subpath — `mimi-kit/fallback`,
 * `mimi-kit/room`, `mimi-kit/mls`, `mimi-kit/vectors` — so that importing the root never loads the
 * markdown/HTML libraries or ts-mls.
 *
 * @example
 * ```ts
 * import { plainText, encodeContent, messageId } from 'mimi-kit';
 * const bytes = encodeContent(plainText('hi', { senderUri: 'mimi://a.example/u/alice', roomUri: 'mimi://a.example/r/r1' }));
 * messageId(bytes); // 32 bytes, first 0x01
 * ```
 *
 * @module
 */
export { safely, asMimiError } from './errors.js';
export { decodeCbor, encodeCbor, CBOR_DECODE_DEFAULTS, type CborDecodeOptions } from './cbor/index.js';
export * from './content/index.js';
