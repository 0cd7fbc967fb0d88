/**
 * The MIMI content container (draft-ietf-mimi-content §3, `mimiContent` in the CDDL).
 *
 * Plain types: the codec's hand-written validator is the only check at run time, so no path of
 * `mimi-kit/content` loads a schema library (docs/decisions.md (Content) #15).
 *
 * @module
 */
import type { CborValue } from '../cbor/value.js';
import type { NestedPart } from './nestedPart.js';

/** Expiration of a message (§3.6): absolute seconds since the epoch, or relative seconds from the hub timestamp. */
export interface Expiration {
  relative: boolean;
  /** `uint .size 4`: an integer 0..2^32−1. */
  time: number;
}

/**
 * A key of the `mimiExtensions` map (§3.7, §7.2): a safe integer or a text string of 1..255 UTF-8 octets.
 * (Maps nested inside extension values may also have byte-string keys: `CborKey`.)
 */
export type ExtensionKey = number | string;

/**
 * The `mimiExtensions` map of a message (§3.7). Keys 1 and 2 are surfaced as `senderUri` and `roomUri`;
 * every other key (integer or text, known or not) is kept in `other` and re-encoded unchanged.
 */
export interface MimiExtensions {
  senderUri?: string | undefined;
  roomUri?: string | undefined;
  other?: ReadonlyMap<ExtensionKey, CborValue> | undefined;
}

/** One MIMI message, exactly as carried on the wire (§3). Check an untrusted value with `validateContent`. */
export interface MimiContent {
  /** 16 random octets (§3.1). */
  salt: Uint8Array;
  /** ID of the message this one edits or deletes (§3.3): 32 octets, or null. */
  replaces: Uint8Array | null;
  /** Topic identifier (§3.4); empty when none. */
  topicId: Uint8Array;
  /** Expiration (§3.6), or null for never. */
  expires: Expiration | null;
  /** ID of the message this one replies or reacts to (§3.5): 32 octets, or null. */
  inReplyTo: Uint8Array | null;
  extensions: MimiExtensions;
  nestedPart: NestedPart;
}
