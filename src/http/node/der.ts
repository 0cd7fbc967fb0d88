/**
 * The few DER encodings (ITU-T X.690) an X.509 certificate needs (RFC 5280 §4.1): lengths, INTEGER,
 * OBJECT IDENTIFIER, strings, times, SEQUENCE/SET and context tags. Encode only; for the demo certificates of
 * `certificates.ts`.
 *
 * @module
 */

import { concatBytes } from '../../bytes.js';

/** @internal A DER length (X.690 §8.1.3: short form below 128, else long form). */
function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** @internal Concatenates byte arrays. */
export const concat = concatBytes;

/** @internal A TLV with the given tag octet. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(tag), length(content.length), content]);
}

/** @internal SEQUENCE of the given elements. */
export const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, concat(items));
/** @internal SET of the given elements (a single-element SET needs no sorting). */
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, concat(items));
/** @internal `[n]` EXPLICIT (constructed context tag). */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
/** @internal `[n]` IMPLICIT primitive context tag. */
export const implicit = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);
/** @internal BOOLEAN (DER: TRUE is 0xff). */
export const bool = (v: boolean): Uint8Array => tlv(0x01, Uint8Array.of(v ? 0xff : 0x00));
/** @internal OCTET STRING. */
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
/** @internal BIT STRING with no unused bits. */
export const bits = (b: Uint8Array): Uint8Array => tlv(0x03, concat([Uint8Array.of(0), b]));
/** @internal UTF8String. */
export const utf8 = (s: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(s));
/** @internal IA5String content bytes (ASCII). */
export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0x7f);

/**
 * @internal A KeyUsage-style named BIT STRING (X.690 §11.2.2: trailing zero bits removed, the unused-bit
 * count in the first octet). `bitsSet` are bit numbers (0 = the first, most significant).
 */
export function namedBits(bitsSet: readonly number[]): Uint8Array {
  const highest = Math.max(...bitsSet);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const b of bitsSet) bytes[Math.floor(b / 8)]! |= 0x80 >> b % 8;
  const unused = 7 - (highest % 8);
  return tlv(0x03, concat([Uint8Array.of(unused), bytes]));
}

/** @internal A non-negative INTEGER from big-endian magnitude bytes (minimal, with a 0 pad if the top bit is set). */
export function uint(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(0x02, m[0]! & 0x80 ? concat([Uint8Array.of(0), m]) : m);
}

/** @internal A small non-negative INTEGER. */
export const int = (n: number): Uint8Array => uint(Uint8Array.of(...(n === 0 ? [0] : bigEndian(n))));

function bigEndian(n: number): number[] {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return out;
}

/** @internal OBJECT IDENTIFIER from dotted text (X.690 §8.19: base-128 arcs, the first two combined). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/**
 * @internal RFC 5280 §4.1.2.5 Time: UTCTime (YYMMDDHHMMSSZ) through 2049, GeneralizedTime
 * (YYYYMMDDHHMMSSZ) from 2050, always in UTC with seconds and no fraction.
 */
export function time(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const y = d.getUTCFullYear();
  return y < 2050 ? tlv(0x17, ascii(`${p(y % 100)}${rest}`)) : tlv(0x18, ascii(`${p(y, 4)}${rest}`));
}
