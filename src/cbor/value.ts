/**
 * The CBOR data model mimi-kit decodes to and encodes from (RFC 8949 §2).
 *
 * Plain JS values stand for the common kinds; floats, tags and unusual simple values get small
 * wrapper classes so that a decoded value re-encodes to exactly the same bytes.
 *
 * @module
 */

/**
 * A CBOR floating-point number (major type 7). Kept apart from integers so `1.0` is not re-encoded as `1`.
 * @example
 * ```ts
 * import { CborFloat, encodeCbor } from 'mimi-kit/cbor';
 * encodeCbor(new CborFloat(1.5)); // f9 3e 00 (shortest form that keeps the value)
 * ```
 */
export class CborFloat {
  /**
   * Wraps a float.
   * @param value - the number (NaN allowed; encoded as the canonical half-precision NaN `0xf97e00`)
   */
  constructor(readonly value: number) {}
}

/**
 * A tagged data item (RFC 8949 §3.4). Strict decoding rejects tags unless `allowTags` is set.
 * @example
 * ```ts
 * import { CborTag, decodeCbor, encodeCbor } from 'mimi-kit/cbor';
 * const bytes = encodeCbor(new CborTag(32, 'mimi://example.com')); // d8 20 …
 * decodeCbor(bytes, { allowTags: true }); // CborTag { tag: 32, value: 'mimi://example.com' }
 * ```
 */
export class CborTag {
  /**
   * Wraps a tagged item.
   * @param tag - the tag number (a safe non-negative integer)
   * @param value - the enclosed data item
   */
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/**
 * A simple value other than false/true/null/undefined (RFC 8949 §3.3): 0–19 or 32–255.
 * @example
 * ```ts
 * import { CborSimple, encodeCbor } from 'mimi-kit/cbor';
 * encodeCbor(new CborSimple(16)); // f0
 * ```
 */
export class CborSimple {
  /**
   * Wraps a simple value.
   * @param value - the simple value number
   */
  constructor(readonly value: number) {}
}

/**
 * A map key in mimi-kit's data model: a safe integer (±(2^53−1)), a text string or a byte string.
 * draft-ietf-mimi-content §7.2 allows exactly these ("integers, text strings, or byte strings"; integer
 * keys "representable as a double float"); other CBOR key types are refused (`cbor/unsupported-map-key`).
 *
 * Byte-string keys are `Uint8Array` objects, so a `Map` compares them by identity: look them up by
 * content with {@link bytesKeyEquals}, never with `get`.
 */
export type CborKey = number | string | Uint8Array;

/**
 * A CBOR map. After decoding, iteration order is the deterministic order (bytewise order of the encoded
 * keys, RFC 8949 §4.2.1); the encoder sorts whatever order it is given.
 */
export type CborMap = Map<CborKey, CborValue>;

/**
 * Any CBOR data item: integers are `number` within ±(2^53−1) and `bigint` beyond (the decoder returns a
 * `bigint` exactly when the value is not a safe integer, up to ±2^8192; RFC 8949 §3.4.3 bignums beyond
 * 64 bits), byte strings `Uint8Array`, text `string`, arrays `CborValue[]`, maps `Map`.
 */
export type CborValue =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | CborValue[]
  | CborMap
  | CborFloat
  | CborTag
  | CborSimple;

/**
 * Whether `v` is a genuine `Uint8Array` (an object that only borrows `Uint8Array.prototype` fails
 * `ArrayBuffer.isView`, and would throw a TypeError on `.length`).
 * @internal
 */
export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && ArrayBuffer.isView(v);
}

/**
 * Whether `v` is a genuine `Map` (an object that only borrows `Map.prototype`, or a Proxy, throws a
 * TypeError on every Map method).
 * @internal
 */
export function isMap(v: unknown): v is Map<unknown, unknown> {
  if (!(v instanceof Map)) return false;
  try {
    mapSize.call(v);
    return true;
  } catch {
    return false;
  }
}
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;

/**
 * Whether two byte-string keys hold the same bytes (how to find a byte-string key in a {@link CborMap}).
 * @param a - a byte string
 * @param b - another
 * @returns true when they are equal byte for byte
 * @example
 * ```ts
 * import { bytesKeyEquals, decodeCbor, type CborMap } from 'mimi-kit/cbor';
 * const m = decodeCbor(new Uint8Array([0xa1, 0x41, 0x07, 0x01])) as CborMap; // {h'07': 1}
 * [...m].find(([k]) => k instanceof Uint8Array && bytesKeyEquals(k, new Uint8Array([7])))?.[1]; // 1
 * ```
 */
export function bytesKeyEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
