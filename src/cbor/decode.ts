/**
 * Strict CBOR decoder: accepts exactly the deterministic encoding of RFC 8949 §4.2.1.
 *
 * Hand-written rather than wrapping cbor-x: cbor-x accepts non-shortest forms and unsorted keys, and a
 * strict decoder has to look at every head anyway, so a second pass would only cost time
 * (docs/decisions.md, "CBOR").
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { BYTES_PER_ITEM, ITEMS_BASE, defaultItemLimit } from './limits.js';
import { BREAK, CborReader } from './reader.js';
import type { CborValue } from './value.js';

// Moved to their own modules; still importable from here.
export { BREAK, CborReader } from './reader.js';
export { floatWidth, halfToNumber, numberToHalf } from './float.js';

/** Limits and switches for {@link decodeCbor}. Every limit has a safe default. */
export interface CborDecodeOptions {
  /** Largest input accepted, in bytes. Default 16 MiB. */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays, maps and tags. Default 32. */
  readonly maxDepth?: number;
  /**
   * Most data items decoded (every head counts: scalars, strings, containers, tags, map keys). Default
   * `65 536 + ⌊input bytes / 8⌋`, which keeps memory within ~14 MB + ~28× the input
   * (`CBOR_DECODE_DEFAULTS.itemsBase`/`bytesPerItem`). Beyond it: `cbor/too-many-items`.
   */
  readonly maxItems?: number;
  /**
   * Accept tagged items (returned as {@link CborTag}). Bignums (tags 2 and 3, RFC 8949 §3.4.3) are then
   * decoded to `bigint`. Default false.
   */
  readonly allowTags?: boolean;
  /**
   * Accept encodings that are well-formed but not deterministic: non-shortest heads, indefinite
   * lengths, unsorted map keys, non-shortest floats. Duplicate keys, bad UTF-8, truncation and the
   * limits are still errors. The result then does NOT re-encode to the same bytes. Default false.
   */
  readonly lenient?: boolean;
}

/**
 * Default limits, exported so callers can tighten relative to them. The default `maxItems` depends on
 * the input: `itemsBase + ⌊input bytes / bytesPerItem⌋`.
 * @example
 * ```ts
 * import { CBOR_DECODE_DEFAULTS, decodeCbor } from 'mimi-kit/cbor';
 * decodeCbor(bytes, { maxBytes: CBOR_DECODE_DEFAULTS.maxBytes / 4 }); // defaults: 16 MiB, depth 32, no tags, strict
 * decodeCbor(bytes, { maxItems: CBOR_DECODE_DEFAULTS.itemsBase }); // at most 65 536 items whatever the size
 * ```
 */
export const CBOR_DECODE_DEFAULTS: Readonly<Required<Omit<CborDecodeOptions, 'maxItems'>> & { itemsBase: number; bytesPerItem: number }> =
  Object.freeze({
    maxBytes: 16 * 1024 * 1024,
    maxDepth: 32,
    allowTags: false,
    lenient: false,
    itemsBase: ITEMS_BASE,
    bytesPerItem: BYTES_PER_ITEM,
  });

/**
 * Decodes exactly one CBOR data item that must be in deterministic encoding (RFC 8949 §4.2.1).
 *
 * @param bytes - the complete encoding; trailing bytes are an error
 * @param options - limits and switches; see {@link CborDecodeOptions}
 * @returns the decoded value
 * @throws {@link MimiError} with a `cbor/*` code (e.g. `cbor/non-shortest-head`, `cbor/unsorted-map-keys`,
 *   `cbor/too-many-items`, `cbor/non-preferred-bignum`,
 *   `cbor/truncated`, `cbor/trailing-bytes`) and the path to the offending item
 * @example
 * ```ts
 * import { decodeCbor } from 'mimi-kit';
 * decodeCbor(new Uint8Array([0x82, 0x01, 0x02])); // [1, 2]
 * ```
 */
export function decodeCbor(bytes: Uint8Array, options: CborDecodeOptions = {}): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new MimiError('cbor/not-bytes', 'input must be a Uint8Array');
  const maxBytes = options.maxBytes ?? CBOR_DECODE_DEFAULTS.maxBytes;
  if (bytes.length > maxBytes) {
    throw new MimiError('cbor/too-large', `input of ${bytes.length} bytes exceeds the limit of ${maxBytes}`, {
      details: { limit: maxBytes, size: bytes.length },
    });
  }
  const reader: CborReader = new CborReader(
    bytes,
    options.maxDepth ?? CBOR_DECODE_DEFAULTS.maxDepth,
    options.allowTags ?? CBOR_DECODE_DEFAULTS.allowTags,
    options.lenient ?? CBOR_DECODE_DEFAULTS.lenient,
    options.maxItems ?? defaultItemLimit(bytes.length),
  );
  if (bytes.length === 0) reader.fail('cbor/truncated', 'empty input');
  let value: CborValue | typeof BREAK;
  try {
    value = reader.item(0);
  } catch (e) {
    // A caller-raised maxDepth can exceed the engine's stack: report it as nesting, never as a raw RangeError
    // (V8/JSC throw RangeError, SpiderMonkey InternalError "too much recursion").
    if (e instanceof MimiError) throw e;
    if (e instanceof RangeError || (e instanceof Error && e.name === 'InternalError')) {
      throw new MimiError('cbor/too-deep', 'nesting exceeds what the JavaScript stack can decode', { cause: e });
    }
    throw e;
  }
  if (value === BREAK) {
    reader.pos = 0;
    reader.fail('cbor/unexpected-break', 'break (0xff) outside an indefinite-length item');
  }
  if (reader.pos !== bytes.length) reader.fail('cbor/trailing-bytes', `${bytes.length - reader.pos} byte(s) after the data item`);
  return value;
}
