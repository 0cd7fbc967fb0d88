/**
 * The authorization engine and the membership / metadata / policy operations
 * (draft-ietf-mimi-room-policy §6 "Role Capabilities", draft-ietf-mimi-protocol §8.5).
 *
 * Every operation is evaluated as a pure transition: `evaluate(state, actor, op)` returns either the
 * next state or a typed {@link Refusal}; `authorize` keeps only the verdict; `applyRoomOperation`
 * throws the refusal as a {@link MimiError} and also returns the ParticipantListUpdate and the
 * AppDataUpdate proposal bodies that carry the change.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { bytesEqual } from './bytes.js';
import {
  encodeAppDataUpdate,
  encodeJoinLinksUpdate,
  encodeParticipantListUpdate,
} from './components.js';
import { roleAllowsChange, roleHasCapability } from './lookup.js';
import { scanMembers, type Members } from './members.js';
import { BANNED_ROLE_NAME, Capability, ComponentId, ROLE_BANNED, capabilityName, type CapabilityName } from './registry.js';
import {
  deepFreeze,
  diffRoomStates,
  findParticipant,
  findRole,
  roomComponents,
  roomStateViolations,
  settleEmptyComponents,
  type RoomStateDiff,
} from './state.js';
import type {
  AppDataUpdate,
  BaseRoomPolicy,
  Claim,
  HistoryPolicy,
  JoinLinkPolicy,
  LoggingPolicy,
  MessageExpirationPolicy,
  Participant,
  ParticipantListUpdate,
  PreAuthEntry,
  RichDescription,
  Role,
  RoomState,
  StatusNotificationPolicy,
  UserProfile,
} from './types.js';

/**
 * Message-level actions and the capability each needs (draft-ietf-mimi-room-policy §6.3–6.5).
 * @example
 * ```ts
 * import { MESSAGE_ACTIONS } from 'mimi-kit/room';
 * MESSAGE_ACTIONS.send; // 'canSendMessage'
 * ```
 */
export const MESSAGE_ACTIONS = {
  send: 'canSendMessage',
  receive: 'canReceiveMessage',
  copy: 'canCopyMessage',
  reportAbuse: 'canReportAbuse',
  reply: 'canReplyToMessage',
  react: 'canReactToMessage',
  editReaction: 'canEditReaction',
  deleteOwnReaction: 'canDeleteOwnReaction',
  deleteOtherReaction: 'canDeleteOtherReaction',
  editOwn: 'canEditOwnMessage',
  deleteOwn: 'canDeleteOwnMessage',
  deleteOther: 'canDeleteOtherMessage',
  startTopic: 'canStartTopic',
  replyInTopic: 'canReplyInTopic',
  editOwnTopic: 'canEditOwnTopic',
  editOtherTopic: 'canEditOtherTopic',
  sendLink: 'canSendLink',
  sendLinkPreview: 'canSendLinkPreview',
  followLink: 'canFollowLink',
  copyLink: 'canCopyLink',
  uploadImage: 'canUploadImage',
  uploadAudio: 'canUploadAudio',
  uploadVideo: 'canUploadVideo',
  uploadAttachment: 'canUploadAttachment',
  downloadImage: 'canDownloadImage',
  downloadAudio: 'canDownloadAudio',
  downloadVideo: 'canDownloadVideo',
  downloadAttachment: 'canDownloadAttachment',
  startCall: 'canStartCall',
  joinCall: 'canJoinCall',
} as const satisfies Record<string, CapabilityName>;
/** A message-level action name. */
export type MessageAction = keyof typeof MESSAGE_ACTIONS;

/** Room metadata fields an operation may change (room_uri is immutable). */
export interface RoomMetadataChanges {
  readonly name?: string;
  readonly descriptions?: readonly RichDescription[];
  readonly avatar?: string;
  readonly subject?: string;
  readonly mood?: string;
}

/** Optional policy components settable with `setPolicy`. */
export interface OptionalPolicies {
  readonly statusNotifications?: StatusNotificationPolicy;
  readonly joinLinkPolicy?: JoinLinkPolicy;
  readonly logging?: LoggingPolicy;
  readonly history?: HistoryPolicy;
  readonly messageExpiration?: MessageExpirationPolicy;
}

/** A state-changing operation performed by an actor (a user URI). */
export type RoomOperation =
  /** Add another user with a role (canAddParticipant, 0 → role). `active` (default true): its clients are added too. */
  | { readonly type: 'invite'; readonly user: string; readonly role: number; readonly active?: boolean }
  /** The actor adds itself: open join (canOpenJoin on role 0), preauthorized (canJoinIfPreauthorized), or join code (canUseJoinCode). */
  | { readonly type: 'join'; readonly method: 'open'; readonly role?: number }
  | { readonly type: 'join'; readonly method: 'preauth'; readonly claims: readonly Claim[] }
  | { readonly type: 'join'; readonly method: 'code'; readonly code: string; readonly role?: number }
  /** The actor leaves (canRemoveSelf, role → 0). */
  | { readonly type: 'leave' }
  /** Remove another user (canRemoveParticipant, role → 0). */
  | { readonly type: 'remove'; readonly user: string }
  /** Remove another user's clients, keeping the user (canKick). */
  | { readonly type: 'kick'; readonly user: string }
  /** canBan: role → 1 ("banned"), clients removed. Also bans a user not yet listed (0 → 1). */
  | { readonly type: 'ban'; readonly user: string }
  /** canUnban: 1 → role. */
  | { readonly type: 'unban'; readonly user: string; readonly role: number }
  /** canChangeUserRole (to 0 = remove, to/from 1 = ban/unban). */
  | { readonly type: 'changeRole'; readonly user: string; readonly role: number }
  /** canChangeOwnRole: to the first matching preauthorized role. */
  | { readonly type: 'changeOwnRole'; readonly claims: readonly Claim[] }
  /** mimi-kit extension: a non-participant asks to be let in (canKnock on role 0). */
  | { readonly type: 'knock' }
  /** mimi-kit extension: accept a knock (canAcceptKnock, and 0 → role in authorized_role_changes). */
  | { readonly type: 'acceptKnock'; readonly user: string; readonly role: number }
  /** mimi-kit extension: reject a knock (canAcceptKnock). */
  | { readonly type: 'rejectKnock'; readonly user: string }
  /** canAddOwnClient. */
  | { readonly type: 'addOwnClient' }
  /** canRemoveOwnClient; `lastClient` (default true) makes the actor inactive. */
  | { readonly type: 'removeOwnClient'; readonly lastClient?: boolean }
  /** The actor's display name (canChangeOwnName) / avatar (canChangeOwnAvatar). */
  | { readonly type: 'setProfile'; readonly profile: UserProfile }
  /** canChangeRoomName / Description / Avatar / Subject / Mood per changed field. */
  | { readonly type: 'setRoomMetadata'; readonly changes: RoomMetadataChanges }
  /** canChangeRoleDefinitions. */
  | { readonly type: 'setRoles'; readonly roles: readonly Role[] }
  /** canChangePreauthorizedUserList. */
  | { readonly type: 'setPreauth'; readonly entries: readonly PreAuthEntry[] }
  /** canChangeRoomMembershipStyle. */
  | { readonly type: 'setBasePolicy'; readonly base: BaseRoomPolicy }
  /** canChangeRoomMembershipStyle (see decisions): set or (value undefined) remove an optional policy component. */
  | { readonly type: 'setPolicy'; readonly policies: OptionalPolicies; readonly remove?: readonly (keyof OptionalPolicies)[] }
  /** canCreateJoinCode. */
  | { readonly type: 'addJoinLink'; readonly link: string }
  /** canDeleteJoinCode. */
  | { readonly type: 'removeJoinLink'; readonly link: string };

/** Anything that can be authorized: an operation, a message action or a bare capability. */
export type RoomAction =
  | RoomOperation
  | { readonly type: 'message'; readonly action: MessageAction }
  | { readonly type: 'capability'; readonly capability: number | CapabilityName }
  | { readonly type: 'destroyRoom' }
  | { readonly type: 'reinit' };

/**
 * Stable refusal codes (part of the public API).
 * @example
 * ```ts
 * import { REFUSAL_CODES } from 'mimi-kit/room';
 * REFUSAL_CODES.includes('room/missing-capability'); // true
 * ```
 */
export const REFUSAL_CODES = [
  'room/missing-capability',
  'room/role-change-not-authorized',
  'room/min-participants',
  'room/max-participants',
  'room/min-active-participants',
  'room/max-active-participants',
  'room/max-users',
  'room/banned',
  'room/target-banned',
  'room/not-banned',
  'room/no-banned-role',
  'room/not-participant',
  'room/already-participant',
  'room/self-target',
  'room/unknown-role',
  'room/no-change',
  'room/fixed-membership',
  'room/not-preauthorized',
  'room/invalid-join-code',
  'room/duplicate-join-link',
  'room/no-knock',
  'room/already-knocking',
  'room/not-active',
  'room/single-device',
  'room/invalid-roles',
  'room/invalid-policy',
  'room/immutable-field',
  // Commit checks (src/room/commit.ts): what a commit does beyond one operation.
  'room/not-member',
  'room/proposal-not-allowed',
  'room/invalid-commit',
  'room/identity-change',
  'room/extension-not-allowed',
  'room/clients-not-removed',
  'room/duplicate-client',
  'room/missing-component',
  // Raised by applyAppDataUpdates and the app_data_dictionary decoder, reported by the commit check.
  'room/invalid-state',
  'room/duplicate-user',
  'room/index-out-of-range',
  'room/roles-and-participants-together',
  'room/preauth-and-participants-together',
  'room/component-required',
  'room/invalid-update-op',
  'room/duplicate-update',
  'room/duplicate-metadata-update',
  'room/unknown-component',
  'room/not-own-profile',
] as const;
/** A refusal code. */
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Which role constraint a refusal violates. */
export interface ViolatedConstraint {
  readonly role: number;
  readonly name:
    | 'minimum_participants_constraint'
    | 'maximum_participants_constraint'
    | 'minimum_active_participants_constraint'
    | 'maximum_active_participants_constraint'
    | 'max_users';
  readonly limit: number;
}

/** A typed "no". */
export interface Refusal {
  readonly allowed: false;
  readonly code: RefusalCode;
  readonly message: string;
  /** Name of the missing capability (`room/missing-capability`). */
  readonly capability?: string;
  readonly constraint?: ViolatedConstraint;
  /** The role transition that was refused (`room/role-change-not-authorized`). */
  readonly from?: number;
  readonly to?: number;
}

/** The verdict of {@link authorize}. */
export type Authorization = { readonly allowed: true } | Refusal;

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

type Eval = { ok: true; next: RoomState; add: string[]; remove: string[] } | Refusal;

function refuse(code: RefusalCode, message: string, extra: Partial<Omit<Refusal, 'allowed' | 'code' | 'message'>> = {}): Refusal {
  return { allowed: false, code, message, ...extra };
}

function has(role: Role | undefined, cap: CapabilityName): boolean {
  return role !== undefined && roleHasCapability(role, Capability[cap]);
}

function need(role: Role | undefined, cap: CapabilityName, who: string): Refusal | undefined {
  if (has(role, cap)) return undefined;
  return refuse('room/missing-capability', `${who} (role ${role?.index ?? 0}) lacks ${cap}`, { capability: cap });
}

/** draft-ietf-mimi-room-policy §2: authorized_role_changes has an entry from → [.. to ..]. */
function changeAllowed(role: Role | undefined, from: number, to: number): boolean {
  return role !== undefined && roleAllowsChange(role, from, to);
}

function notAuthorizedChange(role: Role | undefined, from: number, to: number): Refusal {
  return refuse('room/role-change-not-authorized', `role ${role?.index ?? 0} may not move a user from role ${from} to role ${to}`, { from, to });
}

function bannedRoleOk(state: RoomState): boolean {
  return findRole(state, ROLE_BANNED)?.name === BANNED_ROLE_NAME;
}

function isBannedRole(state: RoomState, index: number): boolean {
  return index === ROLE_BANNED && bannedRoleOk(state);
}

/**
 * Checks the min/max constraints of moving one user from role `from` (0 = not listed) to role `to`
 * (0 = leaving), with its activity before and after. Counts are taken in `state` (before the move).
 * A decrease is refused only when it takes a count below its minimum; an increase only when it takes
 * a count above its maximum (docs/decisions.md (Room)).
 */
function constraints(state: RoomState, members: Members, from: number, fromActive: boolean, to: number, toActive: boolean): Refusal | undefined {
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

// ---------- state edits (pure) ----------

function setParticipant(state: RoomState, user: string, p: Participant | undefined): RoomState {
  const i = state.participants.findIndex((x) => x.user === user);
  let participants: Participant[];
  if (i < 0) participants = p ? [...state.participants, p] : [...state.participants];
  else if (p) participants = state.participants.map((x, j) => (j === i ? p : x));
  else participants = state.participants.filter((_, j) => j !== i);
  return { ...state, participants, knocks: p ? state.knocks.filter((k) => k.user !== user) : state.knocks };
}

function ok(next: RoomState, add: string[] = [], remove: string[] = []): Eval {
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
function transition(state: RoomState, actor: string, actorRole: Role | undefined, target: string, to: number, ctx: TransitionContext): Eval {
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
function move(state: RoomState, members: Members, actor: string, actorRole: Role | undefined, target: string, to: number, ctx: TransitionContext): Move {
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
 * Throws a refusal as a MimiError (code = refusal code, details.refusal = the refusal).
 *
 * @param refusal - the refusal
 * @returns never
 * @throws {@link MimiError} always
 * @example
 * ```ts
 * const result = throwRefusal(refusal);
 * ```
 */
export function throwRefusal(refusal: Refusal): never {
  throw new MimiError(refusal.code, refusal.message, { details: { refusal } });
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

/**
 * The ParticipantListUpdate that turns `before`'s list into `after`'s (changed roles, removed
 * indexes ascending, additions in order), assuming survivors keep their relative order.
 *
 * @param before - list before
 * @param after - list after
 * @returns the update, or undefined when the lists are equal
 * @example
 * ```ts
 * const result = participantListUpdate(before, after);
 * ```
 */
export function participantListUpdate(before: RoomState, after: RoomState): ParticipantListUpdate | undefined {
  const afterMap = new Map(after.participants.map((p) => [p.user, p.role]));
  const beforeUsers = new Set(before.participants.map((p) => p.user));
  const changedRoles: { index: number; role: number }[] = [];
  const removedIndices: number[] = [];
  before.participants.forEach((p, i) => {
    const r = afterMap.get(p.user);
    if (r === undefined) removedIndices.push(i);
    else if (r !== p.role) changedRoles.push({ index: i, role: r });
  });
  const added = after.participants.filter((p) => !beforeUsers.has(p.user)).map((p) => ({ user: p.user, role: p.role }));
  if (changedRoles.length + removedIndices.length + added.length === 0) return undefined;
  return { changedRoles, removedIndices, added };
}

function deriveUpdates(before: RoomState, after: RoomState): { update?: ParticipantListUpdate; appDataUpdates: AppDataUpdate[] } {
  const b = new Map(roomComponents(before).map((c) => [c.componentId, c.data]));
  const a = new Map(roomComponents(after).map((c) => [c.componentId, c.data]));
  const ids = [...new Set([...b.keys(), ...a.keys()])].sort((x, y) => x - y);
  const out: AppDataUpdate[] = [];
  let update: ParticipantListUpdate | undefined;
  for (const id of ids) {
    const bd = b.get(id);
    const ad = a.get(id);
    if (ad === undefined) {
      out.push({ componentId: id, op: 'remove' });
      continue;
    }
    if (bd !== undefined && bytesEqual(bd, ad)) continue;
    if (id === ComponentId.participant_list) {
      update = participantListUpdate(before, after);
      if (update) out.push({ componentId: id, op: 'update', update: encodeParticipantListUpdate(update) });
    } else if (id === ComponentId.join_links) {
      // draft-ietf-mimi-room-policy §5.2: join_links changes travel as JoinLinksUpdate (also when the component is new).
      const bl = before.policy.joinLinks ?? [];
      const al = after.policy.joinLinks ?? [];
      const now = new Set(al);
      const removedIndices = bl.flatMap((l, i) => (now.has(l) ? [] : [i]));
      const kept = bl.filter((l) => now.has(l));
      out.push({ componentId: id, op: 'update', update: encodeJoinLinksUpdate({ removedIndices, added: al.slice(kept.length) }) });
    } else out.push({ componentId: id, op: 'update', update: ad });
  }
  return { ...(update ? { update } : {}), appDataUpdates: out };
}

/**
 * Encodes the AppDataUpdate bodies of a result, ready to wrap in MLS proposals.
 *
 * @param updates - updates
 * @returns one byte string per proposal
 * @example
 * ```ts
 * const result = encodeAppDataUpdates(updates);
 * ```
 */
export function encodeAppDataUpdates(updates: readonly AppDataUpdate[]): Uint8Array[] {
  return updates.map(encodeAppDataUpdate);
}

/** @internal used by the update applier */
export const internal = { evaluate, transition, move, isBannedRole, has, need, changeAllowed, constraints, setParticipant, deriveUpdates };
