/**
 * NestedPart: the body of a MIMI message (draft-ietf-mimi-content §4.2).
 *
 * Plain types, checked at run time by the codec's hand-written validator (docs/decisions.md (Content) #15).
 *
 * @module
 */

/** The fields every part has. */
interface PartHead {
  /** Disposition 0–255; values without a name are preserved (§4.2.4). */
  disposition: number;
  /** BCP 47 language tag(s), comma-separated, or "" (§4.2.3). */
  language: string;
}

/** A part with no content (used by delete/unlike). */
export interface NullPart extends PartHead {
  cardinality: 'nullpart';
}

/** A part whose content is carried inline. */
export interface SinglePart extends PartHead {
  cardinality: 'single';
  contentType: string;
  content: Uint8Array;
}

/** A part whose content is fetched from a URL, possibly encrypted (§4.2.6). */
export interface ExternalPart extends PartHead {
  cardinality: 'external';
  contentType: string;
  url: string;
  /** Seconds since the epoch after which the URL is no longer valid; 0 = unknown. `uint .size 4` */
  expires: number;
  /** Size in octets of the (decrypted) content; 0 = unknown. `uint .size 8`, at most 2^53−1 here. */
  size: number;
  /** AEAD algorithm (IANA AEAD registry); 0 = not encrypted. `uint .size 2` */
  encAlg: number;
  key: Uint8Array;
  nonce: Uint8Array;
  aad: Uint8Array;
  /** Hash algorithm (IANA Named Information registry); 1 = sha-256. `uint .size 1` */
  hashAlg: number;
  contentHash: Uint8Array;
  description: string;
  filename: string;
}

/** Alternatives, a unit or independent parts (§4.2.5). */
export interface MultiPart extends PartHead {
  cardinality: 'multi';
  partSemantics: 'chooseOne' | 'singleUnit' | 'processAll';
  /** Two or more nested parts. */
  parts: NestedPart[];
}

/** The `NestedPart` union, discriminated on `cardinality`. */
export type NestedPart = NullPart | SinglePart | ExternalPart | MultiPart;
