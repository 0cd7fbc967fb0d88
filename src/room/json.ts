/**
 * JSON mapping of room values (bytes as lower-case hex), used by the vectors and the CLI.
 *
 * @module
 */
import { z } from 'zod';
import { bytesToHex } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import { ClaimJsonSchema, PreauthJsonSchema, RoomStateJsonSchema } from './jsonSchema.js';
import { assertValidState, deepFreeze, settleEmptyComponents } from './state.js';
import type { Claim, PreAuthEntry, RoomState } from './types.js';

/**
 * Converts a value to plain JSON: Uint8Array → hex string, bigint → decimal string, undefined properties dropped.
 *
 * @param v - any room value
 * @returns a JSON-compatible value
 * @example
 * ```ts
 * toJsonValue({ id: new Uint8Array([1]) }); // { id: '01' }
 * ```
 */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

/**
 * A room state as JSON.
 *
 * @param state - the room
 * @returns JSON value
 * @example
 * ```ts
 * const result = roomStateToJson(state);
 * ```
 */
export function roomStateToJson(state: RoomState): unknown {
  return toJsonValue(state);
}

/**
 * Parses `v` with a schema, mapping every failure to `room/invalid-json` with the path of the first
 * issue (never a ZodError; a getter that throws is bad input too).
 */
function parse<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  let r: ReturnType<z.ZodType<T>['safeParse']>;
  try {
    r = schema.safeParse(v);
  } catch (e) {
    if (e instanceof MimiError) throw e;
    throw new MimiError('room/invalid-json', `${what}: unreadable value`, { cause: e });
  }
  if (r.success) return dropUndefined(r.data);
  const issue = r.error.issues[0]!;
  const path = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
  const at = path.length > 0 ? `.${path.join('.')}` : '';
  throw new MimiError('room/invalid-json', `${what}${at}: ${issue.message}`, { path });
}

/**
 * Removes properties whose value is undefined (zod keeps `{ maxActive: undefined }`), so the result has
 * the exact optional properties of the room types. Depth is the schema's (zod output is a fresh tree).
 */
function dropUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map(dropUndefined) as T;
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x);
    return out as T;
  }
  return v;
}

/**
 * Claims from JSON (id / value as hex).
 * @param v - JSON
 * @returns claims
 * @throws {@link MimiError} `room/invalid-json` (with the path of the bad field)
 * @example
 * ```ts
 * claimsFromJson([{ credentialType: 1, id: '6f75', value: '6872' }])[0]!.id; // Uint8Array [0x6f, 0x75]
 * ```
 */
export function claimsFromJson(v: unknown): Claim[] {
  return parse(z.array(ClaimJsonSchema), v, 'claims');
}

/**
 * PreAuthData entries from JSON.
 * @param v - JSON
 * @returns entries
 * @throws {@link MimiError} `room/invalid-json` (with the path of the bad field)
 * @example
 * ```ts
 * preauthFromJson([]); // []
 * ```
 */
export function preauthFromJson(v: unknown): PreAuthEntry[] {
  return parse(PreauthJsonSchema, v, 'preauth') as PreAuthEntry[];
}

/**
 * A room state from JSON (the inverse of {@link roomStateToJson}); validated and frozen. What it
 * accepts encodes with `encodeAppDataDictionary` and decodes back equal (given the active users).
 *
 * @param v - JSON value
 * @returns the state
 * @throws {@link MimiError} `room/invalid-json` (shape, ranges, lone surrogates, unsorted or modelled
 *   `otherComponents`; `path` names the field), `room/invalid-state` (room invariants)
 * @example
 * ```ts
 * roomStateFromJson(JSON.parse(text));
 * ```
 */
export function roomStateFromJson(v: unknown): RoomState {
  // The cast only drops zod's `| undefined` on optional properties, which dropUndefined removed.
  const state = settleEmptyComponents(parse(RoomStateJsonSchema, v, 'room state') as RoomState);
  assertValidState(state);
  return deepFreeze(state);
}
