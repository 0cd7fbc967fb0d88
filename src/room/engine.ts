/**
 * The authorization engine and the membership / metadata / policy operations
 * (draft-ietf-mimi-room-policy §6 "Role Capabilities", draft-ietf-mimi-protocol §8.5).
 *
 * Every operation is evaluated as a pure transition: `evaluate(state, actor, op)` returns either the
 * next state or a typed {@link Refusal}; `authorize` keeps only the verdict; `applyRoomOperation`
 * throws the refusal as a {@link MimiError} and also returns the ParticipantListUpdate and the
 * AppDataUpdate proposal bodies that carry the change. What an actor may ask for is in `actions.ts`,
 * the refusals in `refusals.ts`, the predicates in `checks.ts`, one participant-list transition in
 * `transition.ts` and the proposals that carry a change in `operationUpdates.ts`.
 *
 * @module
 */
import { MESSAGE_ACTIONS, type RoomAction, type RoomMetadataChanges, type RoomOperation } from './actions.js';
import { bannedRoleOk, changeAllowed, constraints, firstPreauthMatch, has, isBannedRole, need, notAuthorizedChange } from './checks.js';
import { roleHasCapability } from './lookup.js';
import { scanMembers } from './members.js';
import { deriveUpdates } from './operationUpdates.js';
import { refuse, throwRefusal, type Authorization, type Refusal } from './refusals.js';
import { Capability, ROLE_BANNED, capabilityName, type CapabilityName } from './registry.js';
import {
  deepFreeze,
  diffRoomStates,
  findParticipant,
  findRole,
  roomStateViolations,
  settleEmptyComponents,
  type RoomStateDiff,
} from './state.js';
import { move, ok, setParticipant, transition, type Eval, type JoinContext } from './transition.js';
import type { AppDataUpdate, BaseRoomPolicy, Participant, ParticipantListUpdate, Role, RoomState, UserProfile } from './types.js';

// Moved names the applier and the commit check import from here.
export type { OptionalPolicies, RoomAction } from './actions.js';
export type { Refusal, RefusalCode } from './refusals.js';
export type { JoinContext } from './transition.js';

/** The result of an accepted operation. */
export interface OperationResult {
  /** The new (frozen) state. */
  readonly state: RoomState;
  /** The participant-list change, when the list changed. */
  readonly update?: ParticipantListUpdate;
  /** AppDataUpdate proposal bodies for every component that changed, by component ID. */
  readonly appDataUpdates: readonly AppDataUpdate[];
  /** Users whose clients the commit must add to / remove from the MLS group. */
  readonly clients: { readonly add: readonly string[]; readonly remove: readonly string[] };
  /** Who was added, removed, role-changed. */
  readonly diff: RoomStateDiff;
}

const METADATA_CAPS: Readonly<Record<keyof RoomMetadataChanges, CapabilityName>> = {
  name: 'canChangeRoomName',
  descriptions: 'canChangeRoomDescription',
  avatar: 'canChangeRoomAvatar',
  subject: 'canChangeRoomSubject',
  mood: 'canChangeRoomMood',
};

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function validateNext(next: RoomState, code: 'room/invalid-roles' | 'room/invalid-policy'): Eval {
  const v = roomStateViolations(next);
  if (v.length > 0) return refuse(code, v[0]!);
  return ok(next);
}

/**
 * Evaluates an action: the next state, or a refusal. Pure; never mutates `state`.
 *
 * @param state - the room before
 * @param actor - user URI of the actor
 * @param action - what it wants to do
 * @param ctx - join context (claims, code) for transitions derived from updates
 * @returns next state and client changes, or a refusal
 */
function evaluate(state: RoomState, actor: string, action: RoomAction, ctx: JoinContext = {}): Eval {
  const me = findParticipant(state, actor);
  const myIndex = me?.role ?? 0;
  const myRole = findRole(state, myIndex);
  if (me && isBannedRole(state, myIndex)) return refuse('room/banned', `${actor} is banned from this room`);
  const fixed = state.policy.base?.fixedMembership === true;

  switch (action.type) {
    case 'message': {
      const cap = MESSAGE_ACTIONS[action.action];
      if (!cap) return refuse('room/missing-capability', `unknown message action ${String(action.action)}`);
      return need(myRole, cap, actor) ?? ok(state);
    }
    case 'capability': {
      const value: number | undefined = typeof action.capability === 'number' ? action.capability : Capability[action.capability];
      if (value === undefined) return refuse('room/missing-capability', `unknown capability ${String(action.capability)}`, { capability: String(action.capability) });
      if (myRole && roleHasCapability(myRole, value)) return ok(state);
      return refuse('room/missing-capability', `${actor} lacks ${capabilityName(value)}`, { capability: capabilityName(value) });
    }
    case 'destroyRoom':
      return need(myRole, 'canDestroyRoom', actor) ?? ok(state);
    case 'reinit':
      return need(myRole, 'canSendMLSReinitProposal', actor) ?? ok(state);

    case 'invite': {
      if (action.user === actor) return refuse('room/self-target', 'use join to add yourself');
      const t = findParticipant(state, action.user);
      if (t) return isBannedRole(state, t.role) ? refuse('room/target-banned', `${action.user} is banned`) : refuse('room/already-participant', `${action.user} is already a participant`);
      if (action.role === 0) return refuse('room/unknown-role', 'role 0 is not a participant role', { to: 0 });
      return transition(state, actor, myRole, action.user, action.role, { addActive: action.active ?? true });
    }
    case 'join': {
      if (me) return refuse('room/already-participant', `${actor} is already a participant`);
      if (fixed) return refuse('room/fixed-membership', 'users cannot be added to a fixed-membership room');
      const zero = findRole(state, 0);
      const firstTarget = zero?.authorizedRoleChanges.find((c) => c.from === 0)?.to.find((t) => t !== 0);
      if (action.method === 'preauth') {
        const m = firstPreauthMatch(state, action.claims);
        if (!m) return refuse('room/not-preauthorized', 'no preauthorization entry matches the claims');
        return transition(state, actor, myRole, actor, m.targetRole.index, { ...ctx, claims: action.claims });
      }
      if (action.method === 'code') {
        const to = action.role ?? firstTarget;
        if (to === undefined) return need(zero, 'canUseJoinCode', 'role 0') ?? notAuthorizedChange(zero, 0, 0);
        return transition(state, actor, myRole, actor, to, { ...ctx, joinCode: action.code });
      }
      const to = action.role ?? firstTarget;
      if (to === undefined) return need(zero, 'canOpenJoin', 'role 0') ?? notAuthorizedChange(zero, 0, 0);
      return transition(state, actor, myRole, actor, to, ctx);
    }
    case 'leave':
      if (!me) return refuse('room/not-participant', `${actor} is not a participant`);
      return transition(state, actor, myRole, actor, 0, ctx);
    case 'remove': {
      if (action.user === actor) return refuse('room/self-target', 'use leave to remove yourself');
      if (!findParticipant(state, action.user)) return refuse('room/not-participant', `${action.user} is not a participant`);
      return transition(state, actor, myRole, action.user, 0, ctx);
    }
    case 'kick': {
      // §6.1.2 canKick: remove another participant's clients, keep the participant.
      if (action.user === actor) return refuse('room/self-target', 'use removeOwnClient for your own clients');
      const t = findParticipant(state, action.user);
      if (!t) return refuse('room/not-participant', `${action.user} is not a participant`);
      const miss = need(myRole, 'canKick', actor);
      if (miss) return miss;
      if (!t.active) return refuse('room/not-active', `${action.user} has no clients in the group`);
      const c = constraints(state, scanMembers(state), t.role, true, t.role, false);
      if (c) return c;
      return ok(setParticipant(state, t.user, { ...t, active: false }), [], [t.user]);
    }
    case 'ban': {
      if (action.user === actor) return refuse('room/self-target', 'you cannot ban yourself');
      if (!bannedRoleOk(state)) return refuse('room/no-banned-role', 'role 1 named "banned" does not exist in this room');
      const t = findParticipant(state, action.user);
      if (t && t.role === ROLE_BANNED) return refuse('room/target-banned', `${action.user} is already banned`);
      return transition(state, actor, myRole, action.user, ROLE_BANNED, ctx);
    }
    case 'unban': {
      if (action.user === actor) return refuse('room/self-target', 'you cannot unban yourself');
      if (!bannedRoleOk(state)) return refuse('room/no-banned-role', 'role 1 named "banned" does not exist in this room');
      const t = findParticipant(state, action.user);
      if (!t || t.role !== ROLE_BANNED) return refuse('room/not-banned', `${action.user} is not banned`);
      if (action.role === 0 || action.role === ROLE_BANNED) return notAuthorizedChange(myRole, ROLE_BANNED, action.role);
      return transition(state, actor, myRole, action.user, action.role, ctx);
    }
    case 'changeRole': {
      if (action.user === actor) return refuse('room/self-target', 'use changeOwnRole for your own role');
      if (!findParticipant(state, action.user)) return refuse('room/not-participant', `${action.user} is not a participant`);
      return transition(state, actor, myRole, action.user, action.role, ctx);
    }
    case 'changeOwnRole': {
      if (!me) return refuse('room/not-participant', `${actor} is not a participant`);
      const miss = need(myRole, 'canChangeOwnRole', actor);
      if (miss) return miss;
      const m = firstPreauthMatch(state, action.claims);
      if (!m || m.targetRole.index === 0) return refuse('room/not-preauthorized', 'no preauthorization entry matches the claims');
      return transition(state, actor, myRole, actor, m.targetRole.index, { ...ctx, claims: action.claims });
    }
    case 'knock': {
      if (me) return refuse('room/already-participant', `${actor} is already a participant`);
      if (fixed) return refuse('room/fixed-membership', 'users cannot be added to a fixed-membership room');
      const miss = need(myRole, 'canKnock', 'role 0');
      if (miss) return miss;
      if (state.knocks.some((k) => k.user === actor)) return refuse('room/already-knocking', `${actor} is already knocking`);
      return ok({ ...state, knocks: [...state.knocks, { user: actor }] });
    }
    case 'acceptKnock': {
      if (!state.knocks.some((k) => k.user === action.user)) return refuse('room/no-knock', `${action.user} is not knocking`);
      if (action.role === 0) return refuse('room/unknown-role', 'role 0 is not a participant role', { to: 0 });
      return transition(state, actor, myRole, action.user, action.role, { knockAccept: true, addActive: false });
    }
    case 'rejectKnock': {
      if (!state.knocks.some((k) => k.user === action.user)) return refuse('room/no-knock', `${action.user} is not knocking`);
      const miss = need(myRole, 'canAcceptKnock', actor);
      if (miss) return miss;
      return ok({ ...state, knocks: state.knocks.filter((k) => k.user !== action.user) });
    }
    case 'addOwnClient': {
      if (!me) return refuse('room/not-participant', `${actor} is not a participant`);
      const miss = need(myRole, 'canAddOwnClient', actor);
      if (miss) return miss;
      if (me.active) {
        if (state.policy.base?.multiDevice === false) return refuse('room/single-device', 'this room allows one client per user');
        return ok(state, [actor]);
      }
      const c = constraints(state, scanMembers(state), me.role, false, me.role, true);
      if (c) return c;
      return ok(setParticipant(state, actor, { ...me, active: true }), [actor]);
    }
    case 'removeOwnClient': {
      if (!me) return refuse('room/not-participant', `${actor} is not a participant`);
      const miss = need(myRole, 'canRemoveOwnClient', actor);
      if (miss) return miss;
      if (!me.active) return refuse('room/not-active', `${actor} has no clients in the group`);
      if (action.lastClient === false) return ok(state);
      const c = constraints(state, scanMembers(state), me.role, true, me.role, false);
      if (c) return c;
      return ok(setParticipant(state, actor, { ...me, active: false }), [], [actor]);
    }
    case 'setProfile': {
      if (!me) return refuse('room/not-participant', `${actor} is not a participant`);
      const old = me.profile ?? {};
      const nu = action.profile;
      if (old.displayName !== nu.displayName) {
        const miss = need(myRole, 'canChangeOwnName', actor);
        if (miss) return miss;
      }
      if (old.avatar !== nu.avatar) {
        const miss = need(myRole, 'canChangeOwnAvatar', actor);
        if (miss) return miss;
      }
      const profile: UserProfile = {
        ...(nu.displayName === undefined ? {} : { displayName: nu.displayName }),
        ...(nu.avatar === undefined ? {} : { avatar: nu.avatar }),
      };
      const { profile: _drop, ...rest } = me;
      void _drop;
      const updated: Participant = Object.keys(profile).length > 0 ? { ...rest, profile } : rest;
      return ok(setParticipant(state, actor, updated));
    }
    case 'setRoomMetadata': {
      const cur = state.metadata ?? { roomUri: '', name: '', descriptions: [], avatar: '', subject: '', mood: '' };
      let next = { ...cur };
      for (const k of Object.keys(action.changes) as (keyof RoomMetadataChanges)[]) {
        const v = action.changes[k];
        if (v === undefined) continue;
        if (!(k in METADATA_CAPS)) return refuse('room/immutable-field', `room metadata field ${String(k)} cannot be changed`);
        if (sameJson(cur[k], v)) continue;
        const miss = need(myRole, METADATA_CAPS[k], actor);
        if (miss) return miss;
        next = { ...next, [k]: v };
      }
      return ok({ ...state, metadata: next });
    }
    case 'setRoles': {
      const miss = need(myRole, 'canChangeRoleDefinitions', actor);
      if (miss) return miss;
      return validateNext({ ...state, roles: action.roles }, 'room/invalid-roles');
    }
    case 'setPreauth': {
      const miss = need(myRole, 'canChangePreauthorizedUserList', actor);
      if (miss) return miss;
      return ok({ ...state, policy: { ...state.policy, preauth: action.entries } });
    }
    case 'setBasePolicy': {
      const miss = need(myRole, 'canChangeRoomMembershipStyle', actor);
      if (miss) return miss;
      const v = basePolicyViolation(state.roles, action.base);
      if (v) return refuse('room/invalid-policy', v);
      return ok({ ...state, policy: { ...state.policy, base: action.base } });
    }
    case 'setPolicy': {
      const miss = need(myRole, 'canChangeRoomMembershipStyle', actor);
      if (miss) return miss;
      const policy: Record<string, unknown> = { ...state.policy, ...action.policies };
      for (const k of action.remove ?? []) delete policy[k];
      return validateNext({ ...state, policy: policy as RoomState['policy'] }, 'room/invalid-policy');
    }
    case 'addJoinLink': {
      const miss = need(myRole, 'canCreateJoinCode', actor);
      if (miss) return miss;
      const links = state.policy.joinLinks ?? [];
      if (links.includes(action.link)) return refuse('room/duplicate-join-link', 'this join link already exists');
      return ok({ ...state, policy: { ...state.policy, joinLinks: [...links, action.link] } });
    }
    case 'removeJoinLink': {
      const miss = need(myRole, 'canDeleteJoinCode', actor);
      if (miss) return miss;
      const links = state.policy.joinLinks ?? [];
      if (!links.includes(action.link)) return refuse('room/invalid-join-code', 'no such join link');
      return ok({ ...state, policy: { ...state.policy, joinLinks: links.filter((l) => l !== action.link) } });
    }
    default: {
      const never: never = action;
      return refuse('room/missing-capability', `unknown action ${JSON.stringify(never)}`);
    }
  }
}

/**
 * draft-ietf-mimi-room-policy §4: in a fixed-membership room no non-zero, non-banned role may hold
 * canAddParticipant; a parent-dependent room names its parent.
 *
 * @param roles - the roles
 * @param base - the base policy
 * @returns a violation, or undefined
 * @example
 * ```ts
 * const result = basePolicyViolation(roles, base);
 * ```
 */
export function basePolicyViolation(roles: readonly Role[], base: BaseRoomPolicy): string | undefined {
  if (base.fixedMembership) {
    const r = roles.find((x) => x.index > 1 && x.capabilities.includes(Capability.canAddParticipant));
    if (r) return `fixed-membership room: role ${r.index} holds canAddParticipant`;
  }
  if (base.parentDependent && base.parentRoom === '') return 'parent-dependent room without parent_room';
  if (!base.parentDependent && base.parentRoom !== '') return 'parent_room set on a room that is not parent-dependent';
  return undefined;
}

/**
 * Says whether `actor` may perform `action` in `state`, and why not.
 *
 * @param state - the room
 * @param actor - user URI of the actor (not listed = role 0)
 * @param action - an operation, `{ type: 'message', action }` or `{ type: 'capability', capability }`
 * @returns `{ allowed: true }` or a {@link Refusal} naming the missing capability or violated constraint
 * @example
 * ```ts
 * authorize(room, 'mimi://b.example/u/bob', { type: 'message', action: 'deleteOther' });
 * // { allowed: false, code: 'room/missing-capability', capability: 'canDeleteOtherMessage', ... }
 * ```
 */
export function authorize(state: RoomState, actor: string, action: RoomAction): Authorization {
  const r = evaluate(state, actor, action);
  return 'ok' in r ? { allowed: true } : r;
}
/**
 * Non-throwing {@link applyRoomOperation}.
 *
 * @param state - the room before (untouched)
 * @param actor - user URI of the actor
 * @param op - the operation
 * @returns `{ ok: true, ...result }` or `{ ok: false, refusal }`
 * @example
 * ```ts
 * const r = planRoomOperation(room, alice, { type: 'invite', user: bob, role: 2 });
 * if (!r.ok) console.log(r.refusal.code);
 * ```
 */
export function planRoomOperation(
  state: RoomState,
  actor: string,
  op: RoomOperation,
): ({ readonly ok: true } & OperationResult) | { readonly ok: false; readonly refusal: Refusal } {
  const r = evaluate(state, actor, op);
  if (!('ok' in r)) return { ok: false, refusal: r };
  const next = deepFreeze(settleEmptyComponents(r.next));
  const { update, appDataUpdates } = deriveUpdates(state, next);
  return {
    ok: true,
    state: next,
    ...(update ? { update } : {}),
    appDataUpdates,
    clients: { add: r.add, remove: r.remove },
    diff: diffRoomStates(state, next),
  };
}

/**
 * Performs an operation: authorizes it, and returns the new state plus the updates that carry it.
 *
 * @param state - the room before (never modified)
 * @param actor - user URI of the actor
 * @param op - the operation
 * @returns the new frozen state, the ParticipantListUpdate (if any), AppDataUpdate bodies, client changes
 * @throws {@link MimiError} with the refusal code (`room/missing-capability`, …) and `details.refusal`
 * @example
 * ```ts
 * const { state, update } = applyRoomOperation(room, alice, { type: 'invite', user: bob, role: 2 });
 * ```
 */
export function applyRoomOperation(state: RoomState, actor: string, op: RoomOperation): OperationResult {
  const r = planRoomOperation(state, actor, op);
  if (!r.ok) throwRefusal(r.refusal);
  const { ok: _ok, ...result } = r;
  void _ok;
  return result;
}

/** @internal used by the update applier */
export const internal = { evaluate, transition, move, isBannedRole, has, need, changeAllowed, constraints, setParticipant, deriveUpdates };
