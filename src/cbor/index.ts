/**
 * Deterministic CBOR (RFC 8949 §4.2.1): a strict decoder and a canonical encoder.
 *
 * @module
 */
export { decodeCbor, CBOR_DECODE_DEFAULTS, type CborDecodeOptions } from './decode.js';
export { encodeCbor } from './encode.js';
export { CborFloat, CborSimple, CborTag, bytesKeyEquals, type CborKey, type CborMap, type CborValue } from './value.js';
export { bytesToHex, hexToBytes } from './hex.js';
export { MimiError, type Result } from '../errors.js';
