/**
 * TLS codecs of the containers that carry room components in MLS (draft-ietf-mls-extensions
 * §4.6–4.7): the AppDataDictionary (sorted, unique component IDs) and the AppDataUpdate proposal body.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { decodeWith, encodeWith, type TlsReaderOptions } from '../tls/codec.js';
import type { AppDataUpdate, ComponentData } from './types.js';

/**
 * Encodes an AppDataDictionary; entries must be sorted by componentId without duplicates.
 * @param entries - component data
 * @returns the extension_data bytes
 * @throws {@link MimiError} `room/unsorted-components`, `room/duplicate-component`
 * @example
 * ```ts
 * const result = encodeComponentDictionary(entries);
 * ```
 */
export function encodeComponentDictionary(entries: readonly ComponentData[]): Uint8Array {
  checkSorted(entries.map((e) => e.componentId));
  return encodeWith((w) =>
    w.vector(entries, (w2, e) => {
      w2.uint16(e.componentId);
      w2.opaque(e.data);
    }),
  );
}
/**
 * Decodes an AppDataDictionary (strictly sorted, unique component IDs).
 * @param bytes - extension_data
 * @param options - bounds
 * @returns entries
 * @throws {@link MimiError} `room/unsorted-components`, `room/duplicate-component`, `tls/*`
 * @example
 * ```ts
 * const result = decodeComponentDictionary(bytes, options);
 * ```
 */
export function decodeComponentDictionary(bytes: Uint8Array, options?: TlsReaderOptions): ComponentData[] {
  const entries = decodeWith(bytes, (r) => r.vector((r2) => ({ componentId: r2.uint16(), data: r2.opaque() })), options);
  checkSorted(entries.map((e) => e.componentId));
  return entries;
}

function checkSorted(ids: readonly number[]): void {
  for (let i = 1; i < ids.length; i++) {
    const a = ids[i - 1]!;
    const b = ids[i]!;
    // draft-ietf-mls-extensions §4.6: sorted by component_id, at most one entry each.
    if (a === b) throw new MimiError('room/duplicate-component', `component 0x${b.toString(16)} appears twice`, { path: [i] });
    if (a > b) throw new MimiError('room/unsorted-components', `component_data not sorted at entry ${i}`, { path: [i] });
  }
}

/**
 * Encodes an AppDataUpdate proposal body.
 * @param u - the update
 * @returns the bytes
 * @example
 * ```ts
 * encodeAppDataUpdate({ componentId: 0x22, op: 'remove' }); // 00 22 02
 * ```
 */
export function encodeAppDataUpdate(u: AppDataUpdate): Uint8Array {
  return encodeWith((w) => {
    w.uint16(u.componentId);
    if (u.op === 'update') {
      w.uint8(1);
      w.opaque(u.update);
    } else w.uint8(2);
  });
}
/**
 * Decodes an AppDataUpdate proposal body.
 * @param bytes - the proposal body
 * @param options - bounds
 * @returns the update
 * @throws {@link MimiError} `tls/invalid-enum` for op `invalid(0)` or unknown, `tls/*`
 * @example
 * ```ts
 * const result = decodeAppDataUpdate(bytes, options);
 * ```
 */
export function decodeAppDataUpdate(bytes: Uint8Array, options?: TlsReaderOptions): AppDataUpdate {
  return decodeWith(
    bytes,
    (r): AppDataUpdate => {
      const componentId = r.uint16();
      const at = r.offset;
      const op = r.uint8();
      if (op === 1) return { componentId, op: 'update', update: r.opaque() };
      if (op === 2) return { componentId, op: 'remove' };
      throw new MimiError('tls/invalid-enum', `AppDataUpdateOperation ${op} is not update(1) or remove(2)`, { details: { offset: at } });
    },
    options,
  );
}
