/**
 * Helpers shared by the vector suites (internal).
 *
 * @module
 */
import { MimiError } from '../errors.js';

/** A JSON object as the vector files hold it. */
export type Obj = Record<string, unknown>;

/** A plain (non-array) object. */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Canonical JSON text (sorted keys, undefined members left out) for comparisons. */
export function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The code of the `MimiError` that `f` throws, or undefined when it returns; anything else is rethrown. */
export function errCode(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
}
