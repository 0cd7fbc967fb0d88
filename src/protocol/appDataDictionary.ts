/**
 * The AppDataDictionary shape (draft-ietf-mls-extensions "app_data_dictionary": `ComponentData
 * component_data<V>`, each `ComponentID component_id; opaque data<V>`) that the MIMI protocol reuses as its
 * extension point (`consent_extensions`, `id_request_extensions`, `id_response_extensions`,
 * `abuse_extensions`), and the SafeAAD list of the same shape (draft-ietf-mls-extensions "Safe AAD").
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';

/** One `ComponentData` (or `SafeAADItem`): a uint16 component ID and its opaque data. */
export interface AppComponent {
  readonly componentId: number;
  readonly data: Uint8Array;
}

/** Reads `ComponentData component_data<V>`, requiring strictly ascending component IDs. */
export function readComponents(r: TlsReader, field: string): AppComponent[] {
  const at = r.offset;
  const list = r.vector((x) => ({ componentId: x.uint16(), data: x.opaque() }));
  checkOrder(list, field, at);
  return list;
}

/** Writes `ComponentData component_data<V>` after the same order check. */
export function writeComponents(w: TlsWriter, list: readonly AppComponent[], field: string): void {
  checkOrder(list, field, 0);
  w.vector(list, (x, c) => {
    x.uint16(c.componentId);
    x.opaque(c.data);
  });
}

// draft-ietf-mls-extensions: components are sorted by ID and appear once (as in app_data_dictionary and SafeAAD).
function checkOrder(list: readonly AppComponent[], field: string, offset: number): void {
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.componentId <= list[i - 1]!.componentId) {
      throw new MimiError('protocol/unsorted-components', `${field}: component ${list[i]!.componentId} after ${list[i - 1]!.componentId}`, {
        path: [field, i],
        details: { offset },
      });
    }
  }
}
