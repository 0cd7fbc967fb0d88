/**
 * One participant-list transition, authorized the way draft-ietf-mimi-room-policy §6.1 classifies it
 * (join, leave, own role change, add, remove, ban, unban, role change), with its client changes; and
 * the pure state edit that writes one participant's entry. Used by the engine's operations and by the
 * applier of incoming ParticipantListUpdates.
 *
 * @module
 */
import { changeAllowed, constraints, firstPreauthMatch, has, isBannedRole, need, notAuthorizedChange } from './checks.js';
import { scanMembers, type Members } from './members.js';
import { ROLE_BANNED } from './registry.js';
import { refuse, type Refusal } from './refusals.js';
import { findRole } from './state.js';
import type { Claim, Participant, Role, RoomState } from './types.js';

/** What evaluating an action gives: the next state and the users whose clients join or leave, or a refusal. */
export type Eval = { ok: true; next: RoomState; add: string[]; remove: string[] } | Refusal;

// ---------- state edits (pure) ----------

export function setParticipant(state: RoomState, user: string, p: Participant | undefined): RoomState {
  const i = state.participants.findIndex((x) => x.user === user);
  let participants: Participant[];
  if (i < 0) participants = p ? [...state.participants, p] : [...state.participants];
  else if (p) participants = state.participants.map((x, j) => (j === i ? p : x));
  else participants = state.participants.filter((_, j) => j !== i);
  return { ...state, participants, knocks: p ? state.knocks.filter((k) => k.user !== user) : state.knocks };
}

export function ok(next: RoomState, add: string[] = [], remove: string[] = []): Eval {
  return { ok: true, next, add, remove };
}

/** Context for self-joins found in incoming participant-list updates. */
export interface JoinContext {
  /** Claims of the joiner's credential, for preauthorized joins and canChangeOwnRole. */
  readonly claims?: readonly Claim[];
  /** The join code / link used. */
  readonly joinCode?: string;
  /** Users with clients after the commit (default: keep activity; joiners active). */
  readonly activeUsers?: ReadonlySet<string>;
}

/**
 * Authorizes and performs one participant-list transition of `target` to role `to`
 * (0 = remove), classifying it the way draft-ietf-mimi-room-policy §6.1 does:
 * self 0→X join, self X→0 leave, self X→Y canChangeOwnRole; other X→1 ban, 1→X unban (X≠0),
 * 0→X add, X→0 remove, X→Y canChangeUserRole.
 */
export function transition(state: RoomState, actor: string, actorRole: Role | undefined, target: string, to: number, ctx: TransitionContext): Eval {
  const m = move(state, scanMembers(state), actor, actorRole, target, to, ctx);
  if (!('ok' in m)) return m;
  return ok(setParticipant(state, m.user, m.entry), m.add, m.remove);
}

type TransitionContext = JoinContext & { knockAccept?: boolean; addActive?: boolean };

/** An accepted transition: the user's new entry (undefined = no longer listed) and client changes. */
type Move = { ok: true; user: string; entry: Participant | undefined; add: string[]; remove: string[] } | Refusal;

/**
 * {@link transition} without building the next state: `members` answers every question about the
 * list (a scan for one operation, a working list for a whole commit), `state` the roles and policy.
 */
export function move(state: RoomState, members: Members, actor: string, actorRole: Role | undefined, target: string, to: number, ctx: TransitionContext): Move {
  const p = members.get(target);
  const from = p?.role ?? 0;
  const fromActive = p?.active ?? false;
  const fixed = state.policy.base?.fixedMembership === true;
  if (from === to) return refuse('room/no-change', `user already has role ${to}`);
  const T = to === 0 ? undefined : findRole(state, to);
  if (to !== 0 && !T) return refuse('room/unknown-role', `role ${to} is not defined`, { to });
  const activeAfter = (dflt: boolean): boolean => {
    if (to === 0 || T?.maxActive === 0) return false;
    return ctx.activeUsers ? ctx.activeUsers.has(target) : dflt;
  };
  const done = (toActive: boolean): Move => {
    const c = constraints(state, members, from, fromActive, to, toActive);
    if (c) return c;
    const entry = to === 0 ? undefined : { ...(p ?? { user: target }), user: target, role: to, active: toActive };
    const add = toActive && !fromActive ? [target] : [];
    const remove = fromActive && !toActive ? [target] : [];
    return { ok: true, user: target, entry, add, remove };
  };

  if (target === actor) {
    if (from === 0) {
      // Joining: draft-ietf-mimi-room-policy §6.1.1 canOpenJoin / canJoinIfPreauthorized / canUseJoinCode.
      if (fixed) return refuse('room/fixed-membership', 'users cannot be added to a fixed-membership room');
      const zero = findRole(state, 0);
      const attempts: (() => Refusal | undefined)[] = [];
      if (ctx.claims) {
        attempts.push(() => {
          const m = firstPreauthMatch(state, ctx.claims!);
          if (!m) return refuse('room/not-preauthorized', 'no preauthorization entry matches the claims');
          if (m.targetRole.index !== to) return refuse('room/not-preauthorized', `preauthorized for role ${m.targetRole.index}, not ${to}`, { to });
          return need(T, 'canJoinIfPreauthorized', `role ${to}`);
        });
      }
      if (ctx.joinCode !== undefined) {
        attempts.push(() => {
          const miss = need(zero, 'canUseJoinCode', 'role 0');
          if (miss) return miss;
          if (!(state.policy.joinLinks ?? []).includes(ctx.joinCode!)) return refuse('room/invalid-join-code', 'the join code is not an active join link of this room');
          if (!changeAllowed(zero, 0, to)) return notAuthorizedChange(zero, 0, to);
          return undefined;
        });
      }
      attempts.push(() => {
        const miss = need(zero, 'canOpenJoin', 'role 0');
        if (miss) return miss;
        if (!changeAllowed(zero, 0, to)) return notAuthorizedChange(zero, 0, to);
        return undefined;
      });
      let first: Refusal | undefined;
      for (const a of attempts) {
        const r = a();
        if (!r) return done(activeAfter(true));
        first ??= r;
      }
      return first!;
    }
    if (to === 0) {
      // §6.1.2 canRemoveSelf.
      if (fixed) return refuse('room/fixed-membership', 'users cannot leave a fixed-membership room');
      const miss = need(actorRole, 'canRemoveSelf', actor);
      if (miss) return miss;
      if (!changeAllowed(actorRole, from, 0)) return notAuthorizedChange(actorRole, from, 0);
      return done(false);
    }
    // §6.1.3 canChangeOwnRole: to the first matching preauthorized role; authorized_role_changes not consulted.
    const miss = need(actorRole, 'canChangeOwnRole', actor);
    if (miss) return miss;
    const m = ctx.claims ? firstPreauthMatch(state, ctx.claims) : undefined;
    if (!m || m.targetRole.index !== to) return refuse('room/not-preauthorized', `not preauthorized for role ${to}`, { to });
    return done(activeAfter(fromActive));
  }

  if (isBannedRole(state, to) && from !== ROLE_BANNED) {
    // §6.1.3 canBan: X → 1, all clients removed.
    const miss = need(actorRole, 'canBan', actor);
    if (miss) return miss;
    if (!changeAllowed(actorRole, from, to)) return notAuthorizedChange(actorRole, from, to);
    return done(false);
  }
  if (from === ROLE_BANNED && to !== 0 && isBannedRole(state, from)) {
    // §6.1.3 canUnban: 1 → X (X ≠ 0); clients are not re-added by this capability.
    const miss = need(actorRole, 'canUnban', actor);
    if (miss) return miss;
    if (!changeAllowed(actorRole, from, to)) return notAuthorizedChange(actorRole, from, to);
    return done(false);
  }
  if (from === 0) {
    // §6.1.1 canAddParticipant (or mimi-kit canAcceptKnock for a knocking user).
    if (fixed) return refuse('room/fixed-membership', 'users cannot be added to a fixed-membership room');
    const knocking = members.knocking(target);
    if (!(ctx.knockAccept && knocking && has(actorRole, 'canAcceptKnock'))) {
      const miss = need(actorRole, ctx.knockAccept ? 'canAcceptKnock' : 'canAddParticipant', actor);
      if (miss) return miss;
    }
    if (!changeAllowed(actorRole, 0, to)) return notAuthorizedChange(actorRole, 0, to);
    return done(activeAfter(ctx.addActive ?? true));
  }
  if (to === 0) {
    // §6.1.2 canRemoveParticipant.
    if (fixed && from !== ROLE_BANNED) return refuse('room/fixed-membership', 'users cannot be removed from a fixed-membership room');
    const miss = need(actorRole, 'canRemoveParticipant', actor);
    if (miss) return miss;
    if (!changeAllowed(actorRole, from, 0)) return notAuthorizedChange(actorRole, from, 0);
    return done(false);
  }
  // §6.1.3 canChangeUserRole.
  const miss = need(actorRole, 'canChangeUserRole', actor);
  if (miss) return miss;
  if (!changeAllowed(actorRole, from, to)) return notAuthorizedChange(actorRole, from, to);
  return done(activeAfter(fromActive));
}
