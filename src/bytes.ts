/**
 * Byte helpers shared by every area (one place, as in noble-hashes' utils): loads nothing.
 *
 * @module
 */

/**
 * Concatenates byte strings into a new array.
 *
 * @param parts - the byte strings, in order
 * @returns their concatenation
 * @example
 * ```ts
 * concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]); // Uint8Array [1, 2, 3]
 * ```
 * @internal
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
