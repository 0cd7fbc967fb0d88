/**
 * Part dispositions, cardinalities and multipart semantics (draft-ietf-mimi-content §4.2.4, §4.2.5).
 *
 * @module
 */

/**
 * Base dispositions (draft-ietf-mimi-content §4.2.4). Values 9–255 are unknown and preserved as numbers.
 * @example
 * ```ts
 * import { Disposition } from 'mimi-kit/content';
 * Disposition.attachment; // 6
 * ```
 */
export const Disposition = {
  unspecified: 0,
  render: 1,
  reaction: 2,
  profile: 3,
  inline: 4,
  icon: 5,
  attachment: 6,
  session: 7,
  preview: 8,
} as const;
/** Name of a base disposition. */
export type DispositionName = keyof typeof Disposition;
/** A disposition value: a base one (0–8) or an unknown/extension one (9–255). */
export type DispositionValue = number;

/**
 * Part cardinalities (the third element of a NestedPart).
 * @example
 * ```ts
 * import { Cardinality } from 'mimi-kit/content';
 * Cardinality.multi; // 3
 * ```
 */
export const Cardinality = {
  nullpart: 0,
  single: 1,
  external: 2,
  multi: 3,
} as const;
/** Name of a cardinality; it is also the `cardinality` discriminant of {@link NestedPart}. */
export type CardinalityName = keyof typeof Cardinality;

/**
 * Multipart semantics (draft-ietf-mimi-content §4.2.5).
 * @example
 * ```ts
 * import { PartSemantics } from 'mimi-kit/content';
 * PartSemantics.chooseOne; // 0
 * ```
 */
export const PartSemantics = {
  chooseOne: 0,
  singleUnit: 1,
  processAll: 2,
} as const;
/** Name of a multipart semantics value. */
export type PartSemanticsName = keyof typeof PartSemantics;

/**
 * The name of a disposition value, or `undefined` for an unknown one (9–255).
 *
 * @param value - a disposition number
 * @returns its base name, if any
 * @throws never
 * @example
 * ```ts
 * dispositionName(6); // 'attachment'
 * ```
 */
export function dispositionName(value: number): DispositionName | undefined {
  for (const [name, v] of Object.entries(Disposition)) if (v === value) return name as DispositionName;
  return undefined;
}
