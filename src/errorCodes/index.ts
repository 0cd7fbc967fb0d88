/**
 * Every stable `MimiError` code, as per-area lists (code → one-line meaning) and the union type
 * {@link MimiErrorCode}. Plain data, no imports: safe in browsers. `docs/errors.md` is generated from
 * these lists (`npm run gen:errors`); `npm run check:errors` fails when a raised code is not listed.
 *
 * Codes are part of the public API: they are only ever added, never renamed or removed.
 *
 * @module
 */
import { CBOR_ERROR_CODES, type CborErrorCode } from './cbor.js';
import { CLI_ERROR_CODES, type CliErrorCode } from './cli.js';
import { CONTENT_ERROR_CODES, type ContentErrorCode } from './content.js';
import { DELIVERY_ERROR_CODES, type DeliveryErrorCode } from './delivery.js';
import { FALLBACK_ERROR_CODES, type FallbackErrorCode } from './fallback.js';
import { HTTP_ERROR_CODES, type HttpErrorCode } from './http.js';
import { MLS_ERROR_CODES, type MlsErrorCode } from './mls.js';
import { PROTOCOL_ERROR_CODES, type ProtocolErrorCode } from './protocol.js';
import { ROOM_ERROR_CODES, type RoomErrorCode } from './room.js';
import { TLS_ERROR_CODES, type TlsErrorCode } from './tls.js';
import { VECTORS_ERROR_CODES, type VectorsErrorCode } from './vectors.js';
import { PROVIDER_ERROR_CODES, type ProviderErrorCode } from './provider.js';

export { CBOR_ERROR_CODES, CLI_ERROR_CODES, CONTENT_ERROR_CODES, DELIVERY_ERROR_CODES, FALLBACK_ERROR_CODES, HTTP_ERROR_CODES, MLS_ERROR_CODES, PROTOCOL_ERROR_CODES, ROOM_ERROR_CODES, TLS_ERROR_CODES, VECTORS_ERROR_CODES };
export { PROVIDER_ERROR_CODES };
export type { ProviderErrorCode };
export type { CborErrorCode, CliErrorCode, ContentErrorCode, DeliveryErrorCode, FallbackErrorCode, HttpErrorCode, MlsErrorCode, ProtocolErrorCode, RoomErrorCode, TlsErrorCode, VectorsErrorCode };

/**
 * Every stable code a `MimiError` can carry (`area/what`). Switch over it exhaustively:
 * a new code is a new member, so `never` checks tell you when codes were added.
 */
export type MimiErrorCode =
  | CborErrorCode
  | TlsErrorCode
  | ContentErrorCode
  | FallbackErrorCode
  | RoomErrorCode
  | MlsErrorCode
  | ProtocolErrorCode
  | DeliveryErrorCode
  | HttpErrorCode
  | VectorsErrorCode
  | ProviderErrorCode
  | CliErrorCode;

/**
 * The per-area lists by area name (the source folder that raises them).
 *
 * @example
 * ```ts
 * import { ERROR_CODES_BY_AREA } from 'mimi-kit';
 * Object.keys(ERROR_CODES_BY_AREA); // ['cbor', 'tls', 'content', 'fallback', 'room', 'mls', 'protocol', 'delivery', 'vectors', 'cli']
 * ```
 */
export const ERROR_CODES_BY_AREA = Object.freeze({
  cbor: CBOR_ERROR_CODES,
  tls: TLS_ERROR_CODES,
  content: CONTENT_ERROR_CODES,
  fallback: FALLBACK_ERROR_CODES,
  room: ROOM_ERROR_CODES,
  mls: MLS_ERROR_CODES,
  protocol: PROTOCOL_ERROR_CODES,
  delivery: DELIVERY_ERROR_CODES,
  http: HTTP_ERROR_CODES,
  vectors: VECTORS_ERROR_CODES,
  provider: PROVIDER_ERROR_CODES,
  cli: CLI_ERROR_CODES,
});

/**
 * Every code with its one-line meaning, all areas together.
 *
 * @example
 * ```ts
 * import { MIMI_ERROR_CODES } from 'mimi-kit';
 * MIMI_ERROR_CODES['cbor/truncated']; // 'the input ends inside a data item'
 * ```
 */
export const MIMI_ERROR_CODES: Readonly<Record<MimiErrorCode, string>> = Object.freeze({
  ...CBOR_ERROR_CODES,
  ...TLS_ERROR_CODES,
  ...CONTENT_ERROR_CODES,
  ...FALLBACK_ERROR_CODES,
  ...ROOM_ERROR_CODES,
  ...MLS_ERROR_CODES,
  ...PROTOCOL_ERROR_CODES,
  ...DELIVERY_ERROR_CODES,
  ...HTTP_ERROR_CODES,
  ...VECTORS_ERROR_CODES,
  ...PROVIDER_ERROR_CODES,
  ...CLI_ERROR_CODES,
});

/**
 * Whether `code` is one of the stable codes (for codes read from JSON, vectors or another implementation).
 *
 * @param code - any string
 * @returns true when `code` is a {@link MimiErrorCode}
 * @example
 * ```ts
 * import { isMimiErrorCode } from 'mimi-kit';
 * isMimiErrorCode('cbor/truncated'); // true
 * isMimiErrorCode('cbor/made-up'); // false
 * ```
 */
export function isMimiErrorCode(code: string): code is MimiErrorCode {
  return Object.hasOwn(MIMI_ERROR_CODES, code);
}
