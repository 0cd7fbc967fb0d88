/**
 * Hex helpers shared by the JSON mappings, the CLI and the vectors.
 *
 * @module
 */
import { MimiError } from '../errors.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Lower-case hex of some bytes.
 *
 * @param bytes - the bytes
 * @returns hex, two characters per byte
 * @example
 * ```ts
 * bytesToHex(new Uint8Array([1, 255])); // '01ff'
 * ```
 */
export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

/**
 * Parses hex (either case; spaces and newlines ignored).
 *
 * @param hex - the hex text
 * @returns the bytes
 * @throws {@link MimiError} `hex/invalid` for an odd length or a non-hex character
 * @example
 * ```ts
 * hexToBytes('01ff'); // Uint8Array [1, 255]
 * ```
 */
export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new MimiError('hex/invalid', 'not an even-length hex string');
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
