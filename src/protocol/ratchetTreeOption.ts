/**
 * RatchetTreeOption, the way a Welcome or a GroupInfo says where the ratchet tree is. draft-ietf-mimi-protocol-06
 * takes it from draft-mahy-mls-ratchet-tree-options, whose text defines no structure yet; mimi-kit's reading
 * (docs/decisions.md, Protocol PR3) uses the representation numbers OpenMLS ships.
 *
 * @module
 */
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { readEnum8, writeEnum8 } from './common.js';

/**
 * RatchetTreeRepresentation (mimi-kit's reading, Protocol PR3).
 *
 * @example
 * ```ts
 * import { RatchetTreeRepresentation } from 'mimi-kit/protocol';
 * RatchetTreeRepresentation.full; // 1
 * ```
 */
export const RatchetTreeRepresentation = { reserved: 0, full: 1, httpsUri: 2, outOfBand: 3, distributionService: 4 } as const;
/** A name of {@link RatchetTreeRepresentation} (reserved excluded). */
export type RatchetTreeRepresentationName = Exclude<keyof typeof RatchetTreeRepresentation, 'reserved'>;

/** RatchetTreeOption. */
export type RatchetTreeOption =
  | { readonly representation: 'full'; /** The content of RFC 9420's `optional<Node> ratchet_tree<V>` (without its length). */ readonly ratchetTree: Uint8Array }
  | { readonly representation: 'httpsUri'; readonly uri: string }
  | { readonly representation: 'outOfBand' }
  | { readonly representation: 'distributionService' };

/** Reads a RatchetTreeOption. */
export function readRatchetTreeOption(r: TlsReader): RatchetTreeOption {
  const representation = readEnum8(r, RatchetTreeRepresentation, 'ratchetTreeOption.representation');
  if (representation === 'full') return { representation, ratchetTree: r.opaque() };
  if (representation === 'httpsUri') return { representation, uri: r.string() };
  return { representation };
}

/** Writes a RatchetTreeOption. */
export function writeRatchetTreeOption(w: TlsWriter, o: RatchetTreeOption): void {
  writeEnum8(w, RatchetTreeRepresentation, o.representation, 'ratchetTreeOption.representation');
  if (o.representation === 'full') w.opaque(o.ratchetTree);
  else if (o.representation === 'httpsUri') w.string(o.uri);
}
