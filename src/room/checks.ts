/**
 * The predicates the authorization rules are built from (draft-ietf-mimi-room-policy §2–4, §6):
 * does a role hold a capability, may it move a user from one role to another, is role 1 the banned
 * role, which preauthorization entry matches a credential's claims, and do the min/max participant
 * constraints and max_users still hold after one user moves.
 *
 * @module
 */
import { bytesEqual } from './bytes.js';
import { roleAllowsChange, roleHasCapability } from './lookup.js';
import type { Members } from './members.js';
import { BANNED_ROLE_NAME, Capability, ROLE_BANNED, type CapabilityName } from './registry.js';
import { refuse, type Refusal } from './refusals.js';
import { findRole } from './state.js';
import type { Claim, PreAuthEntry, RoomState, Role } from './types.js';

export function has(role: Role | undefined, cap: CapabilityName): boolean {
  return role !== undefined && roleHasCapability(role, Capability[cap]);
}

export function need(role: Role | undefined, cap: CapabilityName, who: string): Refusal | undefined {
  if (has(role, cap)) return undefined;
  return refuse('room/missing-capability', `${who} (role ${role?.index ?? 0}) lacks ${cap}`, { capability: cap });
}

/** draft-ietf-mimi-room-policy §2: authorized_role_changes has an entry from → [.. to ..]. */
export function changeAllowed(role: Role | undefined, from: number, to: number): boolean {
  return role !== undefined && roleAllowsChange(role, from, to);
}

export function notAuthorizedChange(role: Role | undefined, from: number, to: number): Refusal {
  return refuse('room/role-change-not-authorized', `role ${role?.index ?? 0} may not move a user from role ${from} to role ${to}`, { from, to });
}

export function bannedRoleOk(state: RoomState): boolean {
  return findRole(state, ROLE_BANNED)?.name === BANNED_ROLE_NAME;
}

export function isBannedRole(state: RoomState, index: number): boolean {
  return index === ROLE_BANNED && bannedRoleOk(state);
}

/**
 * Checks the min/max constraints of moving one user from role `from` (0 = not listed) to role `to`
 * (0 = leaving), with its activity before and after. Counts are taken in `state` (before the move).
 * A decrease is refused only when it takes a count below its minimum; an increase only when it takes
 * a count above its maximum (docs/decisions.md (Room)).
 */
export function constraints(state: RoomState, members: Members, from: number, fromActive: boolean, to: number, toActive: boolean): Refusal | undefined {
  const count = (r: number): readonly [number, number] => members.count(r);
  if (from !== to) {
    if (from !== 0) {
      const R = findRole(state, from);
      if (R) {
        const [n, a] = count(from);
        if (n - 1 < R.minParticipants)
          return refuse('room/min-participants', `role ${from} needs at least ${R.minParticipants} participant(s)`, {
            constraint: { role: from, name: 'minimum_participants_constraint', limit: R.minParticipants },
          });
        if (fromActive && a - 1 < R.minActive)
          return refuse('room/min-active-participants', `role ${from} needs at least ${R.minActive} active participant(s)`, {
            constraint: { role: from, name: 'minimum_active_participants_constraint', limit: R.minActive },
          });
      }
    }
    if (to !== 0) {
      const T = findRole(state, to);
      if (!T) return refuse('room/unknown-role', `role ${to} is not defined`, { to });
      const [n, a] = count(to);
      if (T.maxParticipants !== undefined && n + 1 > T.maxParticipants)
        return refuse('room/max-participants', `role ${to} allows at most ${T.maxParticipants} participant(s)`, {
          constraint: { role: to, name: 'maximum_participants_constraint', limit: T.maxParticipants },
        });
      if (toActive && T.maxActive !== undefined && a + 1 > T.maxActive)
        return refuse('room/max-active-participants', `role ${to} allows at most ${T.maxActive} active participant(s)`, {
          constraint: { role: to, name: 'maximum_active_participants_constraint', limit: T.maxActive },
        });
    }
    // draft-ietf-mimi-room-policy §4: max_users counts non-banned entries of the participant list.
    const maxUsers = state.policy.base?.maxUsers;
    const counted = (r: number): boolean => r !== 0 && !isBannedRole(state, r);
    if (maxUsers !== undefined && !counted(from) && counted(to)) {
      if (members.countedUsers() + 1 > maxUsers)
        return refuse('room/max-users', `the room allows at most ${maxUsers} non-banned users`, {
          constraint: { role: to, name: 'max_users', limit: maxUsers },
        });
    }
  } else if (from !== 0 && fromActive !== toActive) {
    const R = findRole(state, from);
    if (!R) return refuse('room/unknown-role', `role ${from} is not defined`);
    const [, a] = count(from);
    if (fromActive && a - 1 < R.minActive)
      return refuse('room/min-active-participants', `role ${from} needs at least ${R.minActive} active participant(s)`, {
        constraint: { role: from, name: 'minimum_active_participants_constraint', limit: R.minActive },
      });
    if (toActive && R.maxActive !== undefined && a + 1 > R.maxActive)
      return refuse('room/max-active-participants', `role ${from} allows at most ${R.maxActive} active participant(s)`, {
        constraint: { role: from, name: 'maximum_active_participants_constraint', limit: R.maxActive },
      });
  }
  return undefined;
}

/**
 * The first preauthorization entry whose claims are all matched by the presented claims
 * (draft-ietf-mimi-room-policy §3: exact match of credential type, claim id and value).
 *
 * @param state - the room
 * @param claims - the requester's credential claims
 * @returns the matching entry, or undefined
 * @example
 * ```ts
 * firstPreauthMatch(state, [{ credentialType: 1, id: utf8('dept'), value: utf8('hr') }])?.targetRole.index;
 * ```
 */
export function firstPreauthMatch(state: RoomState, claims: readonly Claim[]): PreAuthEntry | undefined {
  for (const e of state.policy.preauth ?? []) {
    const ok = e.claims.every((c) =>
      claims.some((p) => p.credentialType === c.credentialType && bytesEqual(p.id, c.id) && bytesEqual(p.value, c.value)),
    );
    if (ok) return e;
  }
  return undefined;
}
