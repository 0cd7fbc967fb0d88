/**
 * The one place the MLS adapter touches the room module: app_data_dictionary codec and the
 * authorization engine `authorize(state, actor, action)` (draft-ietf-mimi-room-policy §6).
 *
 * @module
 */
import {
  authorize,
  decodeAppDataDictionary,
  encodeAppDataDictionary,
  type RoomAction as EngineAction,
  type RoomState,
} from '../room/index.js';
import type { RoomAction } from './policy.js';

/** A refusal from the authorization engine. */
export interface RoomActionRefusal {
  readonly code: string;
  readonly message: string;
  /** The engine's full refusal (capability, constraint, …). */
  readonly refusal: unknown;
}

/**
 * Encodes a room state as app_data_dictionary extension data (draft-ietf-mls-extensions §4.6).
 *
 * @param state - room state
 * @returns extension_data bytes
 */
export function encodeRoom(state: RoomState): Uint8Array {
  return encodeAppDataDictionary(state);
}

/**
 * Decodes app_data_dictionary extension data.
 *
 * @param bytes - extension_data
 * @param activeUsers - users with clients in the group
 * @returns the room state
 */
export function decodeRoom(bytes: Uint8Array, activeUsers: Iterable<string>): RoomState {
  return decodeAppDataDictionary(bytes, { activeUsers });
}

function toEngine(actor: string, a: RoomAction): EngineAction {
  switch (a.kind) {
    case 'addParticipant':
      return { type: 'invite', user: a.user, role: a.role };
    case 'removeParticipant':
      return { type: 'remove', user: a.user };
    case 'leave':
      return { type: 'leave' };
    case 'changeRole':
      if (a.to === 1) return { type: 'ban', user: a.user };
      if (a.from === 1) return { type: 'unban', user: a.user, role: a.to };
      return { type: 'changeRole', user: a.user, role: a.to };
    case 'kick':
      return { type: 'kick', user: a.user };
    case 'removeOwnClient':
      return { type: 'removeOwnClient', lastClient: false };
    case 'addClients':
      // draft-ietf-mimi-room-policy §6.2: own clients need canAddOwnClient; another participant's
      // clients (e.g. after an unban) need canAddParticipant (decision D9).
      return a.user === actor ? { type: 'addOwnClient' } : { type: 'capability', capability: 'canAddParticipant' };
    case 'changeMetadata':
      return { type: 'setRoomMetadata', changes: a.changes };
    case 'setProfile':
      return { type: 'setProfile', profile: a.profile };
    case 'changeRoles':
      return { type: 'capability', capability: 'canChangeRoleDefinitions' };
    case 'changePolicy':
      return { type: 'capability', capability: 'canChangeRoomMembershipStyle' };
  }
}

/**
 * Authorizes one room action of `actor` in `state` with the room module's engine.
 *
 * @param state - room state before the action
 * @param actor - user URI of the proposer
 * @param action - the action
 * @returns a refusal, or `undefined` when authorized
 */
export function authorizeRoomAction(state: RoomState, actor: string, action: RoomAction): RoomActionRefusal | undefined {
  if (action.kind === 'setProfile' && action.user !== actor) {
    return { code: 'room/self-target', message: `${actor} may not change the profile of ${action.user}`, refusal: undefined };
  }
  const r = authorize(state, actor, toEngine(actor, action));
  if (r.allowed) return undefined;
  return { code: r.code, message: r.message, refusal: r };
}
