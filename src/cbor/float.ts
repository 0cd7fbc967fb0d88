/**
 * IEEE 754 float widths for CBOR (RFC 8949 §3.3): half-precision conversion both ways and the shortest
 * width that holds a value exactly, which deterministic encoding requires (§4.2.1, §4.2.2). Shared by the
 * strict reader (to refuse non-shortest floats) and the encoder (to pick the width).
 *
 * @module
 */
/** Converts an IEEE 754 half-precision bit pattern to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);

/** The width in bytes (2, 4 or 8) of the shortest IEEE 754 form that holds `value` exactly. */
export function floatWidth(value: number): 2 | 4 | 8 {
  if (Number.isNaN(value)) return 2;
  f32[0] = value;
  if (f32[0] !== value) return 8;
  return numberToHalf(value) === undefined ? 4 : 2;
}

/** The half-precision bit pattern of `value`, or undefined when half precision cannot hold it exactly. */
export function numberToHalf(value: number): number | undefined {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs === Infinity) return sign | 0x7c00;
  if (abs === 0) return sign;
  const exp = Math.floor(Math.log2(abs));
  if (exp < -24 || exp > 15) return undefined;
  if (exp < -14) {
    const frac = abs / 2 ** -24;
    return Number.isInteger(frac) ? sign | frac : undefined;
  }
  const frac = (abs / 2 ** exp - 1) * 1024;
  if (!Number.isInteger(frac)) return undefined;
  return sign | ((exp + 15) << 10) | frac;
}
