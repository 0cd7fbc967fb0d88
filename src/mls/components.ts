/**
 * The `app_components` component (0x0001) of draft-ietf-mls-extensions "Negotiating Extensions and
 * Components": `ComponentsList app_components` = `struct { ComponentID component_ids<V>; }`.
 *
 * "Every implementation that advertises support for the app_data_dictionary extension MUST understand and
 * advertise the app_components component" (draft §4.6, "Attaching Application Data to MLS Messages"). In a
 * LeafNode's app_data_dictionary it lists the components the client supports; in the GroupContext's, the
 * components every member must support (docs/decisions.md (MLS adapter) D26):
 *
 * - our leaves (key packages and every leaf derived from them) carry an app_data_dictionary whose only entry
 *   is app_components: every component mimi-kit understands plus one random GREASE component (draft "GREASE");
 * - a room's GroupContext requires app_components and every component its room state holds at creation;
 *   the list never changes afterwards;
 * - receivers refuse Adds, Updates and UpdatePaths whose leaf does not advertise every required component,
 *   and a joiner refuses a room requiring a component mimi-kit does not understand.
 *
 * @module
 */
import type { Extension, LeafNode } from 'ts-mls';
import { extensionTypeToNumber } from 'ts-mls/extension.js';
import { decodeComponentDictionary, encodeComponentDictionary } from '../room/components.js';
import { ComponentId } from '../room/registry.js';
import type { ComponentData, RoomState } from '../room/types.js';
import { decodeWith, encodeWith } from '../tls/codec.js';
import { mlsError } from './errors.js';

/**
 * draft-ietf-mls-extensions "MLS Component Types": app_components (0x0001).
 *
 * @example
 * ```ts
 * componentsOf([leafComponentsExtension()]).includes(APP_COMPONENTS_ID); // true
 * ```
 */
export const APP_COMPONENTS_ID = 0x0001;

const APP_DATA_DICTIONARY = 0x0006;

/**
 * draft-ietf-mls-extensions "MLS Component Types": the GREASE component IDs 0x0A0A … 0x7A7A.
 *
 * @example
 * ```ts
 * COMPONENT_GREASE.length; // 8
 * ```
 */
export const COMPONENT_GREASE: readonly number[] = Object.freeze(Array.from({ length: 8 }, (_, i) => i * 0x1010 + 0x0a0a));

/**
 * The components mimi-kit understands: app_components itself and every component the room module knows
 * (models, or carries under a documented rule: docs/decisions.md (Room) 25), ascending.
 *
 * @example
 * ```ts
 * SUPPORTED_COMPONENTS.includes(0x0022); // true (participant_list)
 * ```
 */
export const SUPPORTED_COMPONENTS: readonly number[] = Object.freeze([APP_COMPONENTS_ID, ...Object.values(ComponentId)].sort((a, b) => a - b));

/**
 * Encodes a ComponentsList (`struct { ComponentID component_ids<V>; }`).
 *
 * @param ids - component IDs, in the order to send
 * @returns the component data
 * @example
 * ```ts
 * encodeComponentsList([0x0001, 0x0022]); // 04 00 01 00 22
 * ```
 */
export function encodeComponentsList(ids: readonly number[]): Uint8Array {
  return encodeWith((w) => w.vector(ids, (v, id) => v.uint16(id)));
}

/**
 * Decodes a ComponentsList strictly (every byte used).
 *
 * @param data - the component data
 * @returns the component IDs
 * @throws {@link MimiError} `mls/bad-extension`
 * @example
 * ```ts
 * decodeComponentsList(Uint8Array.of(4, 0, 1, 0, 0x22)); // [1, 34]
 * ```
 */
export function decodeComponentsList(data: Uint8Array): number[] {
  try {
    return decodeWith(data, (r) => r.vector((v) => v.uint16()));
  } catch (e) {
    throw mlsError('mls/bad-extension', 'app_components does not decode as a ComponentsList (draft-ietf-mls-extensions "Negotiating Extensions and Components")', undefined, e);
  }
}

function randomGreaseComponent(): number {
  const r = new Uint8Array(1);
  globalThis.crypto.getRandomValues(r);
  return COMPONENT_GREASE[(r[0] ?? 0) % COMPONENT_GREASE.length] ?? 0x0a0a;
}

/**
 * The LeafNode extension our key packages carry: app_data_dictionary with app_components listing
 * {@link SUPPORTED_COMPONENTS} and one random GREASE component.
 *
 * @returns the leaf extension (type 0x0006)
 * @example
 * ```ts
 * leafComponentsExtension().extensionType; // 6
 * ```
 */
export function leafComponentsExtension(): Extension {
  const list = encodeComponentsList([...SUPPORTED_COMPONENTS, randomGreaseComponent()]);
  return { extensionType: APP_DATA_DICTIONARY, extensionData: encodeComponentDictionary([{ componentId: APP_COMPONENTS_ID, data: list }]) };
}

function dictionaryOf(extensions: readonly Extension[]): ComponentData[] | undefined {
  const e = extensions.find((x) => extensionTypeToNumber(x.extensionType) === APP_DATA_DICTIONARY);
  if (e === undefined) return undefined;
  try {
    return decodeComponentDictionary(e.extensionData);
  } catch (err) {
    throw mlsError('mls/bad-extension', 'app_data_dictionary does not decode (draft-ietf-mls-extensions §4.6)', undefined, err);
  }
}

/**
 * The app_components list of an extension list (a GroupContext's: required; a leaf's: supported).
 * No app_data_dictionary, or no app_components entry in it, is an empty list.
 *
 * @param extensions - GroupContext or LeafNode extensions
 * @returns the component IDs
 * @throws {@link MimiError} `mls/bad-extension`
 * @example
 * ```ts
 * componentsOf([leafComponentsExtension()]).includes(0x0001); // true
 * ```
 */
export function componentsOf(extensions: readonly Extension[]): number[] {
  const entry = dictionaryOf(extensions)?.find((c) => c.componentId === APP_COMPONENTS_ID);
  return entry === undefined ? [] : decodeComponentsList(entry.data);
}

/**
 * The room state with app_components set to the components it requires: app_components and every
 * component present in its dictionary (an existing app_components entry is kept as it is).
 *
 * @param state - a room state
 * @param encode - encodes a room state as its dictionary (`encodeAppDataDictionary`)
 * @returns the state to put in a new room's GroupContext
 * @example
 * ```ts
 * withRequiredComponents(state, encodeAppDataDictionary).otherComponents; // [{ componentId: 1, … }, …]
 * ```
 */
export function withRequiredComponents(state: RoomState, encode: (s: RoomState) => Uint8Array): RoomState {
  if (state.otherComponents.some((c) => c.componentId === APP_COMPONENTS_ID)) return state;
  const ids = decodeComponentDictionary(encode(state)).map((c) => c.componentId);
  const required = [...new Set([APP_COMPONENTS_ID, ...ids])].sort((a, b) => a - b);
  const others = [{ componentId: APP_COMPONENTS_ID, data: encodeComponentsList(required) }, ...state.otherComponents].sort((a, b) => a.componentId - b.componentId);
  return { ...state, otherComponents: others };
}

/**
 * Carries `current`'s app_components entry over to `next` when `next` lacks one (a caller's new room
 * state built without it), so a room change never drops the required list by accident.
 *
 * @param current - the GroupContext extensions in force
 * @param next - the new room state
 * @returns `next`, with the required list in force
 * @example
 * ```ts
 * keepRequiredComponents(state.groupContext.extensions, newRoomState);
 * ```
 */
export function keepRequiredComponents(current: readonly Extension[], next: RoomState): RoomState {
  if (next.otherComponents.some((c) => c.componentId === APP_COMPONENTS_ID)) return next;
  const entry = dictionaryOf(current)?.find((c) => c.componentId === APP_COMPONENTS_ID);
  if (entry === undefined) return next;
  return { ...next, otherComponents: [entry, ...next.otherComponents].sort((a, b) => a.componentId - b.componentId) };
}

/**
 * Refuses a leaf that does not advertise every required component (draft-ietf-mls-extensions: the
 * GroupContext's app_components are "the list of required components").
 *
 * @param required - the GroupContext's app_components
 * @param leaf - the new leaf (key package leaf, Update, UpdatePath)
 * @throws {@link MimiError} `mls/component-unsupported` (details.missing)
 * @example
 * ```ts
 * checkLeafComponents(componentsOf(gc.extensions), keyPackage.leafNode);
 * ```
 */
export function checkLeafComponents(required: readonly number[], leaf: LeafNode): void {
  if (required.length === 0) return;
  const supported = new Set(componentsOf(leaf.extensions));
  const missing = required.filter((c) => !supported.has(c));
  if (missing.length > 0) {
    throw mlsError('mls/component-unsupported', `the leaf does not advertise required component(s) ${missing.map((m) => `0x${m.toString(16).padStart(4, '0')}`).join(', ')}`, { missing });
  }
}

/**
 * A joiner's check: mimi-kit understands every component the room requires.
 *
 * @param required - the GroupContext's app_components
 * @throws {@link MimiError} `mls/component-unsupported` (details.missing)
 * @example
 * ```ts
 * checkComponentsUnderstood([0x0001, 0x0022]); // ok
 * ```
 */
export function checkComponentsUnderstood(required: readonly number[]): void {
  const missing = required.filter((c) => !SUPPORTED_COMPONENTS.includes(c));
  if (missing.length > 0) {
    throw mlsError('mls/component-unsupported', `the room requires component(s) mimi-kit does not understand: ${missing.join(', ')}`, { missing });
  }
}
