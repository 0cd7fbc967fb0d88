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
export {
  CBOR_ERROR_CODES,
  CLI_ERROR_CODES,
  CONTENT_ERROR_CODES,
  DELIVERY_ERROR_CODES,
  ERROR_CODES_BY_AREA,
  FALLBACK_ERROR_CODES,
  HTTP_ERROR_CODES,
  MIMI_ERROR_CODES,
  MLS_ERROR_CODES,
  PROTOCOL_ERROR_CODES,
  ROOM_ERROR_CODES,
  TLS_ERROR_CODES,
  VECTORS_ERROR_CODES,
  isMimiErrorCode,
  type CborErrorCode,
  type CliErrorCode,
  type ContentErrorCode,
  type DeliveryErrorCode,
  type FallbackErrorCode,
  type HttpErrorCode,
  type MimiErrorCode,
  type MlsErrorCode,
  type ProtocolErrorCode,
  type RoomErrorCode,
  type TlsErrorCode,
  type VectorsErrorCode,
} from './errorCodes/index.js';
export { decodeCbor, encodeCbor, CBOR_DECODE_DEFAULTS, type CborDecodeOptions } from './cbor/index.js';
export * from './content/index.js';
