/**
 * Byte helpers.
 *
 * @module
 */

/**
 * Constant-shape byte comparison.
 *
 * @param a - bytes
 * @param b - bytes
 * @returns whether equal
 * @example
 * ```ts
 * const result = bytesEqual(a, b);
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  let i = 0;
  // Four bytes at a time where both start on a word (fresh buffers do): records compared per batch are kilobytes.
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const x = new Uint32Array(a.buffer, a.byteOffset, words);
    const y = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let k = 0; k < words; k++) if (x[k] !== y[k]) return false;
    i = words << 2;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
