/**
 * The default bound on decoded items, shared by every decoder of untrusted bytes (CBOR, and the TLS codec
 * behind the room decoders): memory must stay within a small constant times the input size
 * (docs/decisions.md, CBOR "Limits").
 *
 * An empty map or byte string costs about 200 bytes of JS heap for 1 input byte, so a count bounded only by
 * the input length (every item takes at least one byte) would allow ~200× the input. The default therefore
 * allows 65 536 items plus one per 8 input bytes: ~14 MB + ~28× the input at worst, while every MIMI
 * structure (at most 1024 parts; a status entry is 3 items in 36 bytes) stays far inside it.
 *
 * @module
 */

/** Items always allowed, whatever the input length. */
export const ITEMS_BASE = 65_536;
/** One more item allowed per this many input bytes. */
export const BYTES_PER_ITEM = 8;

/**
 * The default item limit for an input of `byteLength` bytes: `65 536 + ⌊byteLength / 8⌋`.
 * @internal
 */
export function defaultItemLimit(byteLength: number): number {
  return ITEMS_BASE + Math.floor(byteLength / BYTES_PER_ITEM);
}
