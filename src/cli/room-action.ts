/**
 * Parsing the `--action` JSON of `mimi room authorize` into a {@link RoomAction}. An action the engine
 * does not know is a usage error (exit status 2), not a refusal: the engine would answer
 * `room/missing-capability`, which reads as if the actor lacked a right.
 *
 * @module
 */
import { Capability, MESSAGE_ACTIONS, type RoomAction } from '../room/index.js';
import { claimsFromJson, preauthFromJson } from '../room/json.js';
import { MimiError } from '../errors.js';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';
type Fields = Readonly<Record<string, `${Kind}${'' | '?'}`>>;

// The fields of each RoomAction variant (src/room/actions.ts RoomOperation / RoomAction).
const ACTIONS: Readonly<Record<string, Fields>> = {
  message: { action: 'string' },
  capability: {},
  destroyRoom: {},
  reinit: {},
  invite: { user: 'string', role: 'number', active: 'boolean?' },
  join: { method: 'string', role: 'number?', claims: 'array?', code: 'string?' },
  leave: {},
  remove: { user: 'string' },
  kick: { user: 'string' },
  ban: { user: 'string' },
  unban: { user: 'string', role: 'number' },
  changeRole: { user: 'string', role: 'number' },
  changeOwnRole: { claims: 'array' },
  knock: {},
  acceptKnock: { user: 'string', role: 'number' },
  rejectKnock: { user: 'string' },
  addOwnClient: {},
  removeOwnClient: { lastClient: 'boolean?' },
  setProfile: { profile: 'object' },
  setRoomMetadata: { changes: 'object' },
  setRoles: { roles: 'array' },
  setPreauth: { entries: 'array' },
  setBasePolicy: { base: 'object' },
  setPolicy: { policies: 'object', remove: 'array?' },
  addJoinLink: { link: 'string' },
  removeJoinLink: { link: 'string' },
};

/**
 * Every action type `--action` accepts.
 *
 * @example
 * ```ts
 * ACTION_TYPES.includes('invite'); // true
 * ```
 */
export const ACTION_TYPES: readonly string[] = Object.keys(ACTIONS);

const kindOf = (v: unknown): Kind | 'null' => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as Kind));

/**
 * Parses and checks an action. Byte fields (claims, pre-authorization entries) are hex, as in the
 * room JSON mapping.
 *
 * @param json - the `--action` text
 * @param fail - builds the usage error for a message
 * @returns the action
 * @throws what `fail` returns (a usage error), or {@link MimiError} `room/invalid-json` for bad claims
 * @example
 * ```ts
 * parseRoomAction('{"type":"message","action":"send"}', (m) => new Error(m)); // { type: 'message', action: 'send' }
 * ```
 */
export function parseRoomAction(json: string, fail: (message: string) => MimiError): RoomAction {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw fail('--action is not JSON');
  }
  if (kindOf(v) !== 'object') throw fail('--action must be a JSON object with a "type"');
  const o = v as Record<string, unknown>;
  const type = o['type'];
  const fields = typeof type === 'string' && Object.hasOwn(ACTIONS, type) ? ACTIONS[type]! : undefined;
  if (!fields) throw fail(`unknown action type ${JSON.stringify(type)}; known: ${ACTION_TYPES.join(', ')}`);
  for (const [k, want] of Object.entries(fields)) {
    const optional = want.endsWith('?');
    const kind = want.replace('?', '');
    if (o[k] === undefined && optional) continue;
    if (kindOf(o[k]) !== kind) throw fail(`action ${type} needs "${k}" (${kind})`);
  }
  if (type === 'message' && !Object.hasOwn(MESSAGE_ACTIONS, o['action'] as string)) {
    throw fail(`unknown message action ${JSON.stringify(o['action'])}; known: ${Object.keys(MESSAGE_ACTIONS).join(', ')}`);
  }
  if (type === 'capability') {
    const c = o['capability'];
    const known = typeof c === 'number' ? Number.isInteger(c) && c >= 0 && c <= 0xffff : typeof c === 'string' && Object.hasOwn(Capability, c);
    if (!known) throw fail(`unknown capability ${JSON.stringify(c)}: give a name such as canBan, or a number 0–65535`);
  }
  if (type === 'join' && !['open', 'preauth', 'code'].includes(o['method'] as string)) throw fail('join needs "method": open, preauth or code');
  if (type === 'join' && o['method'] === 'code' && typeof o['code'] !== 'string') throw fail('join by code needs "code" (string)');
  if (type === 'join' && o['method'] === 'preauth' && !Array.isArray(o['claims'])) throw fail('join by preauth needs "claims" (array)');
  const out: Record<string, unknown> = { ...o };
  try {
    if (Array.isArray(o['claims'])) out['claims'] = claimsFromJson(o['claims']);
    if (type === 'setPreauth') out['entries'] = preauthFromJson(o['entries']);
  } catch (e) {
    if (e instanceof MimiError) throw e;
    throw fail(`action ${type}: claims are objects { credentialType, id (hex), value (hex) }`);
  }
  return out as unknown as RoomAction;
}
