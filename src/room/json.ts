/**
 * JSON mapping of room values (bytes as lower-case hex), used by the vectors and the CLI.
 *
 * @module
 */
import { bytesToHex, hexToBytes } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import { assertValidState, deepFreeze } from './state.js';
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

function bytes(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string') throw new MimiError('room/invalid-json', `${path}: expected hex string`);
  return hexToBytes(v);
}

/**
 * Claims from JSON (id / value as hex).
 * @param v - JSON
 * @returns claims
 * @throws {@link MimiError} `room/invalid-json`
 * @example
 * ```ts
 * const result = claimsFromJson(v);
 * ```
 */
export function claimsFromJson(v: unknown): Claim[] {
  if (!Array.isArray(v)) throw new MimiError('room/invalid-json', 'claims: expected an array');
  return v.map((c: Record<string, unknown>, i) => ({
    credentialType: Number(c['credentialType']),
    id: bytes(c['id'], `claims[${i}].id`),
    value: bytes(c['value'], `claims[${i}].value`),
  }));
}

/**
 * PreAuthData entries from JSON.
 * @param v - JSON
 * @returns entries
 * @throws {@link MimiError} `room/invalid-json`
 * @example
 * ```ts
 * const result = preauthFromJson(v);
 * ```
 */
export function preauthFromJson(v: unknown): PreAuthEntry[] {
  if (!Array.isArray(v)) throw new MimiError('room/invalid-json', 'preauth: expected an array');
  return v.map((e: Record<string, unknown>) => ({ claims: claimsFromJson(e['claims']), targetRole: e['targetRole'] as PreAuthEntry['targetRole'] }));
}

/**
 * A room state from JSON (the inverse of {@link roomStateToJson}); validated and frozen.
 *
 * @param v - JSON value
 * @returns the state
 * @throws {@link MimiError} `room/invalid-json`, `room/invalid-state`
 * @example
 * ```ts
 * roomStateFromJson(JSON.parse(text));
 * ```
 */
export function roomStateFromJson(v: unknown): RoomState {
  if (v === null || typeof v !== 'object') throw new MimiError('room/invalid-json', 'room state: expected an object');
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o['participants']) || !Array.isArray(o['roles'])) throw new MimiError('room/invalid-json', 'room state: participants and roles are required');
  const policy = { ...((o['policy'] as Record<string, unknown> | undefined) ?? {}) };
  if (policy['preauth'] !== undefined) policy['preauth'] = preauthFromJson(policy['preauth']);
  const others = ((o['otherComponents'] as unknown[] | undefined) ?? []).map((c, i) => {
    const x = c as Record<string, unknown>;
    return { componentId: Number(x['componentId']), data: bytes(x['data'], `otherComponents[${i}].data`) };
  });
  const state = {
    ...o,
    policy,
    knocks: (o['knocks'] as unknown[] | undefined) ?? [],
    otherComponents: others,
  } as unknown as RoomState;
  assertValidState(state);
  return deepFreeze(state);
}
