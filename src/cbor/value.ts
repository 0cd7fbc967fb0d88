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

/** A map key mimi-kit supports: an integer or a text string (all MIMI maps use only these). */
export type CborKey = number | string;

/** A CBOR map; iteration order is the deterministic (bytewise encoded-key) order after decoding. */
export type CborMap = Map<CborKey, CborValue>;

/**
 * Any CBOR data item: integers are `number` (only within ±(2^53−1)), byte strings `Uint8Array`,
 * text `string`, arrays `CborValue[]`, maps `Map`.
 */
export type CborValue =
  | null
  | undefined
  | boolean
  | number
  | string
  | Uint8Array
  | CborValue[]
  | CborMap
  | CborFloat
  | CborTag
  | CborSimple;
