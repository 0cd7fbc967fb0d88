/**
 * RoomState ⇄ app_data_dictionary bytes, freezing, and state comparison.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReaderOptions } from '../tls/codec.js';
import {
  decodeBaseRoomPolicy,
  decodeComponentDictionary,
  decodeHistoryPolicy,
  decodeJoinLinkPolicy,
  decodeJoinLinks,
  decodeKnocks,
  decodeLoggingPolicy,
  decodeMessageExpirationPolicy,
  decodeParticipantList,
  decodePreauth,
  decodeRoles,
  decodeRoomMetadata,
  decodeStatusNotificationPolicy,
  decodeUserProfiles,
  encodeBaseRoomPolicy,
  encodeComponentDictionary,
  encodeHistoryPolicy,
  encodeJoinLinkPolicy,
  encodeJoinLinks,
  encodeKnocks,
  encodeLoggingPolicy,
  encodeMessageExpirationPolicy,
  encodeParticipantList,
  encodePreauth,
  encodeRoles,
  encodeRoomMetadata,
  encodeStatusNotificationPolicy,
  encodeUserProfiles,
} from './components.js';
import { participantByUser, roleByIndex } from './lookup.js';
import { MODELLED_COMPONENTS } from './modelled.js';
import { ComponentId } from './registry.js';
import type { ComponentData, Participant, Role, RoomPolicy, RoomState, UserProfile } from './types.js';

/**
 * Deep-freezes a value (objects and arrays; Uint8Array contents cannot be frozen and are never mutated).
 *
 * @param v - the value
 * @returns the same value, frozen
 * @example
 * ```ts
 * const result = deepFreeze(v);
 * ```
 */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/**
 * The component entries of a room state, sorted by component ID.
 *
 * @param state - the room
 * @returns ComponentData entries (participant_list and roles_list always present)
 * @throws {@link MimiError} `room/duplicate-component` when an opaque component collides with a modelled one
 * @example
 * ```ts
 * roomComponents(state).map((c) => c.componentId); // [0x22, 0x23, 0x25, 0x26, 0x27]
 * ```
 */
export function roomComponents(state: RoomState): ComponentData[] {
  const out: ComponentData[] = [];
  const p = state.policy;
  out.push({ componentId: ComponentId.participant_list, data: encodeParticipantList(state.participants) });
  if (state.metadata) out.push({ componentId: ComponentId.room_metadata, data: encodeRoomMetadata(state.metadata) });
  out.push({ componentId: ComponentId.roles_list, data: encodeRoles(state.roles) });
  if (p.preauth) out.push({ componentId: ComponentId.preauth_list, data: encodePreauth(p.preauth) });
  if (p.base) out.push({ componentId: ComponentId.base_room_policy, data: encodeBaseRoomPolicy(p.base) });
  if (p.statusNotifications)
    out.push({ componentId: ComponentId.status_notification_policy, data: encodeStatusNotificationPolicy(p.statusNotifications) });
  if (p.joinLinkPolicy) out.push({ componentId: ComponentId.join_link_policy, data: encodeJoinLinkPolicy(p.joinLinkPolicy) });
  if (p.joinLinks) out.push({ componentId: ComponentId.join_links, data: encodeJoinLinks(p.joinLinks) });
  if (p.logging) out.push({ componentId: ComponentId.logging_policy, data: encodeLoggingPolicy(p.logging) });
  if (p.history) out.push({ componentId: ComponentId.chat_history_policy, data: encodeHistoryPolicy(p.history) });
  if (p.messageExpiration)
    out.push({ componentId: ComponentId.message_expiration_policy, data: encodeMessageExpirationPolicy(p.messageExpiration) });
  const profiles = state.participants.filter((x) => x.profile !== undefined).map((x) => ({ user: x.user, profile: x.profile! }));
  const empty = new Set(state.emptyComponents ?? []);
  if (profiles.length > 0 || empty.has(ComponentId.user_profiles)) {
    out.push({ componentId: ComponentId.user_profiles, data: encodeUserProfiles(profiles) });
  }
  if (state.knocks.length > 0 || empty.has(ComponentId.knock_list)) out.push({ componentId: ComponentId.knock_list, data: encodeKnocks(state.knocks) });
  const modelled = new Set(out.map((o) => o.componentId));
  for (const c of state.otherComponents) {
    if (modelled.has(c.componentId)) {
      throw new MimiError('room/duplicate-component', `opaque component 0x${c.componentId.toString(16)} collides with a modelled one`);
    }
    out.push({ componentId: c.componentId, data: c.data });
  }
  out.sort((a, b) => a.componentId - b.componentId);
  return out;
}

/**
 * Encodes the room state as the `extension_data` of the app_data_dictionary GroupContext extension
 * (draft-ietf-mls-extensions §4.6, extension type 0x0006 suggested).
 *
 * @param state - the room
 * @returns AppDataDictionary bytes
 * @throws {@link MimiError} `tls/value-out-of-range` for an out-of-range number
 * @example
 * ```ts
 * const bytes = encodeAppDataDictionary(createDirectRoom('mimi://a.example/u/alice', 'mimi://b.example/u/bob'));
 * ```
 */
export function encodeAppDataDictionary(state: RoomState): Uint8Array {
  return encodeComponentDictionary(roomComponents(state));
}

/** Options of {@link decodeAppDataDictionary}. */
export interface DecodeRoomOptions extends TlsReaderOptions {
  /**
   * Users that have clients in the MLS group. Default: every participant whose role allows active
   * participants (maximum_active_participants_constraint absent or non-zero).
   */
  readonly activeUsers?: Iterable<string>;
}


/**
 * Decodes the `extension_data` of an app_data_dictionary extension into a room state.
 *
 * @param bytes - AppDataDictionary bytes
 * @param options - which users are active, bounds
 * @returns the (frozen) room state
 * @throws {@link MimiError} `room/missing-component` (no participant_list or roles_list), `room/invalid-state`,
 *   `room/unsorted-components`, `room/duplicate-component`, `tls/*` (with `path` = component id)
 * @example
 * ```ts
 * const state = decodeAppDataDictionary(bytes, { activeUsers: ['mimi://a.example/u/alice'] });
 * ```
 */
export function decodeAppDataDictionary(bytes: Uint8Array, options: DecodeRoomOptions = {}): RoomState {
  const entries = decodeComponentDictionary(bytes, options);
  const byId = new Map(entries.map((e) => [e.componentId, e.data]));
  const dec = <T>(id: number, f: (b: Uint8Array) => T): T | undefined => {
    const b = byId.get(id);
    if (b === undefined) return undefined;
    try {
      return f(b);
    } catch (e) {
      if (e instanceof MimiError) throw inComponent(id, e);
      throw e;
    }
  };
  const pairs = dec(ComponentId.participant_list, (b) => decodeParticipantList(b, options));
  const roles = dec(ComponentId.roles_list, (b) => decodeRoles(b, options));
  if (!pairs) throw new MimiError('room/missing-component', 'app_data_dictionary has no participant_list component');
  if (!roles) throw new MimiError('room/missing-component', 'app_data_dictionary has no roles_list component');
  const profiles = dec(ComponentId.user_profiles, decodeUserProfiles) ?? [];
  const knocks = dec(ComponentId.knock_list, decodeKnocks) ?? [];
  // One index per list keeps decoding linear in the number of participants (issue 10).
  const roleIndex = new Map<number, Role>();
  for (const r of roles) if (!roleIndex.has(r.index)) roleIndex.set(r.index, r);
  const position = new Map<string, number>();
  pairs.forEach((p, i) => {
    if (!position.has(p.user)) position.set(p.user, i);
  });
  // Decision Room #33: user_profiles follows the participant-list order, one entry per user, so that
  // the component re-encodes byte for byte from the participant list.
  const profileByUser = new Map<string, UserProfile>();
  let last = -1;
  profiles.forEach((pr, i) => {
    const at = position.get(pr.user);
    const where = { path: [hexId(ComponentId.user_profiles), i] };
    if (at === undefined) throw new MimiError('room/invalid-state', `user_profiles names ${pr.user}, who is not a participant`, where);
    if (at <= last) throw new MimiError('room/invalid-state', `user_profiles entry ${i} (${pr.user}) is out of participant-list order or repeated`, where);
    last = at;
    profileByUser.set(pr.user, pr.profile);
  });
  const active = options.activeUsers ? new Set(options.activeUsers) : undefined;
  const participants: Participant[] = pairs.map((p) => {
    const role = roleIndex.get(p.role);
    const isActive = active ? active.has(p.user) : role !== undefined && role.maxActive !== 0;
    const profile = profileByUser.get(p.user);
    return { user: p.user, role: p.role, active: isActive, ...(profile ? { profile } : {}) };
  });
  const policy: Record<string, unknown> = {};
  const set = (k: keyof RoomPolicy, v: unknown): void => {
    if (v !== undefined) policy[k] = v;
  };
  set('preauth', dec(ComponentId.preauth_list, (b) => decodePreauth(b, options)));
  set('base', dec(ComponentId.base_room_policy, (b) => decodeBaseRoomPolicy(b, options)));
  set('statusNotifications', dec(ComponentId.status_notification_policy, decodeStatusNotificationPolicy));
  set('joinLinkPolicy', dec(ComponentId.join_link_policy, decodeJoinLinkPolicy));
  set('joinLinks', dec(ComponentId.join_links, decodeJoinLinks));
  set('logging', dec(ComponentId.logging_policy, decodeLoggingPolicy));
  set('history', dec(ComponentId.chat_history_policy, decodeHistoryPolicy));
  set('messageExpiration', dec(ComponentId.message_expiration_policy, decodeMessageExpirationPolicy));
  const metadata = dec(ComponentId.room_metadata, (b) => decodeRoomMetadata(b, options));
  // Decision Room #32: a present but empty user_profiles / knock_list is kept, so it re-encodes.
  const emptyComponents: number[] = [];
  if (byId.has(ComponentId.user_profiles) && profiles.length === 0) emptyComponents.push(ComponentId.user_profiles);
  if (byId.has(ComponentId.knock_list) && knocks.length === 0) emptyComponents.push(ComponentId.knock_list);
  const state: RoomState = {
    participants,
    roles,
    ...(metadata ? { metadata } : {}),
    policy: policy as RoomPolicy,
    knocks,
    otherComponents: entries.filter((e) => !MODELLED_COMPONENTS.has(e.componentId)),
    ...(emptyComponents.length > 0 ? { emptyComponents } : {}),
  };
  assertValidState(state);
  return deepFreeze(state);
}

function hexId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

function inComponent(id: number, e: MimiError): MimiError {
  return new MimiError(e.code, `component ${hexId(id)}: ${e.message}`, {
    path: [hexId(id), ...e.path],
    ...(e.details ? { details: e.details } : {}),
    cause: e,
  });
}

/**
 * Drops from `emptyComponents` the lists that are no longer empty (an operation added an entry), so
 * that a state equals the one decoded from its own encoding (decision Room #32).
 *
 * @param state - the room
 * @returns the same state, or a copy without the stale IDs
 * @example
 * ```ts
 * settleEmptyComponents({ ...state, knocks: [{ user: bob }] }).emptyComponents; // undefined
 * ```
 */
export function settleEmptyComponents(state: RoomState): RoomState {
  const ids = state.emptyComponents;
  if (!ids) return state;
  const stillEmpty = (id: number): boolean =>
    id === ComponentId.knock_list ? state.knocks.length === 0 : !state.participants.some((p) => p.profile !== undefined);
  const keep = ids.filter(stillEmpty);
  if (keep.length === ids.length && keep.length > 0) return state;
  const { emptyComponents: _drop, ...rest } = state;
  void _drop;
  return keep.length > 0 ? { ...rest, emptyComponents: keep } : rest;
}

/**
 * Structural problems of a room state (what a decoder or a transition must never produce).
 * Minimum constraints are not structural (a room may start below them) and are not listed.
 *
 * @param state - the room
 * @returns human-readable violations, empty when valid
 * @example
 * ```ts
 * roomStateViolations(state); // []
 * ```
 */
export function roomStateViolations(state: RoomState): string[] {
  const v: string[] = [];
  const roleIndex = new Map<number, Role>();
  for (const r of state.roles) {
    if (roleIndex.has(r.index)) v.push(`role ${r.index} defined twice`);
    else roleIndex.set(r.index, r);
    // draft-ietf-mimi-room-policy §6.1.1: canOpenJoin MUST NOT appear in any non-zero role.
    if (r.index !== 0 && r.capabilities.includes(0x0004)) v.push(`role ${r.index} holds canOpenJoin`);
  }
  // Counts per role in one pass (a filter per role would be quadratic, issue 10).
  const counts = new Map<number, { members: number; active: number }>();
  const seenUsers = new Set<string>();
  for (const p of state.participants) {
    if (seenUsers.has(p.user)) v.push(`user ${p.user} appears twice`);
    seenUsers.add(p.user);
    if (p.role === 0) v.push(`user ${p.user} has role 0 inside the participant list`);
    else if (!roleIndex.has(p.role)) v.push(`user ${p.user} has undefined role ${p.role}`);
    const c = counts.get(p.role) ?? { members: 0, active: 0 };
    c.members++;
    if (p.active) c.active++;
    counts.set(p.role, c);
  }
  for (const r of state.roles) {
    if (r.index === 0) continue;
    const c = counts.get(r.index) ?? { members: 0, active: 0 };
    if (r.maxParticipants !== undefined && c.members > r.maxParticipants) v.push(`role ${r.index} above maximum_participants`);
    if (r.maxActive !== undefined && c.active > r.maxActive) v.push(`role ${r.index} above maximum_active_participants`);
  }
  const knocking = new Set<string>();
  for (const k of state.knocks) {
    if (seenUsers.has(k.user)) v.push(`knocking user ${k.user} is already a participant`);
    if (knocking.has(k.user)) v.push(`user ${k.user} knocks twice`);
    knocking.add(k.user);
  }
  const h = state.policy.history;
  // draft-ietf-mimi-room-policy §5.6: roles 0, 1 and roles without active participants cannot share history.
  for (const r of h?.rolesThatCanShare ?? []) {
    if (r === 0 || r === 1 || roleIndex.get(r)?.maxActive === 0) v.push(`role ${r} cannot be in roles_that_can_share`);
  }
  // draft-ietf-mimi-room-policy §5.5: required logging needs at least one logging client.
  if (state.policy.logging?.logging === 'required' && state.policy.logging.loggingClients.length === 0) v.push('required logging without logging_clients');
  const e = state.policy.messageExpiration;
  if (e && e.expiringMessages !== 'forbidden' && e.minExpirationDuration > e.maxExpirationDuration) v.push('min_expiration_duration above max_expiration_duration');
  return v;
}

/**
 * Throws when {@link roomStateViolations} is not empty.
 *
 * @param state - the room
 * @throws {@link MimiError} `room/invalid-state` with `details.violations`
 * @example
 * ```ts
 * const result = assertValidState(state);
 * ```
 */
export function assertValidState(state: RoomState): void {
  const violations = roomStateViolations(state);
  if (violations.length > 0) {
    throw new MimiError('room/invalid-state', `invalid room state: ${violations[0]!}`, { details: { violations } });
  }
}

/** Who joined, left and changed role between two states (keyed by user URI). */
export interface RoomStateDiff {
  readonly added: readonly { readonly user: string; readonly role: number }[];
  readonly removed: readonly { readonly user: string; readonly role: number }[];
  readonly roleChanged: readonly { readonly user: string; readonly from: number; readonly to: number }[];
  /** Users whose clients must all leave the MLS group: removed, or moved to a role with max_active 0 (e.g. banned). */
  readonly mustRemoveClients: readonly string[];
}

/**
 * Compares the participant lists of two states, e.g. to check that a commit's MLS Add/Remove
 * proposals match its participant-list change.
 *
 * @param before - state before
 * @param after - state after
 * @returns added, removed and role-changed users (sorted by user URI)
 * @example
 * ```ts
 * diffRoomStates(before, after).added; // [{ user: 'mimi://b.example/u/bob', role: 2 }]
 * ```
 */
export function diffRoomStates(before: RoomState, after: RoomState): RoomStateDiff {
  const b = new Map(before.participants.map((p) => [p.user, p.role]));
  const a = new Map(after.participants.map((p) => [p.user, p.role]));
  const added: { user: string; role: number }[] = [];
  const removed: { user: string; role: number }[] = [];
  const roleChanged: { user: string; from: number; to: number }[] = [];
  for (const [user, role] of a) {
    const prev = b.get(user);
    if (prev === undefined) added.push({ user, role });
    else if (prev !== role) roleChanged.push({ user, from: prev, to: role });
  }
  for (const [user, role] of b) if (!a.has(user)) removed.push({ user, role });
  const byUser = (x: { user: string }, y: { user: string }): number => (x.user < y.user ? -1 : x.user > y.user ? 1 : 0);
  added.sort(byUser);
  removed.sort(byUser);
  roleChanged.sort(byUser);
  const noClients = new Set<number>();
  const seen = new Set<number>();
  for (const r of after.roles) {
    // The first role with an index wins, as in findRole.
    if (!seen.has(r.index) && r.maxActive === 0) noClients.add(r.index);
    seen.add(r.index);
  }
  const mustRemoveClients = [...removed.map((r) => r.user), ...roleChanged.filter((c) => noClients.has(c.to)).map((c) => c.user)].sort();
  return { added, removed, roleChanged, mustRemoveClients };
}

/**
 * Looks up a role by index.
 *
 * @param state - the room
 * @param index - role_index
 * @returns the role or undefined
 * @example
 * ```ts
 * const result = findRole(state, index);
 * ```
 */
export function findRole(state: Pick<RoomState, 'roles'>, index: number): Role | undefined {
  return roleByIndex(state.roles, index);
}

/**
 * The participant entry of a user.
 *
 * @param state - the room
 * @param user - user URI
 * @returns the participant or undefined
 * @example
 * ```ts
 * const result = findParticipant(state, user);
 * ```
 */
export function findParticipant(state: RoomState, user: string): Participant | undefined {
  return participantByUser(state.participants, user);
}

/**
 * The role index of a user: its participant-list role, or 0 when not listed.
 *
 * @param state - the room
 * @param user - user URI
 * @returns role_index
 * @example
 * ```ts
 * const result = roleOf(state, user);
 * ```
 */
export function roleOf(state: RoomState, user: string): number {
  return findParticipant(state, user)?.role ?? 0;
}

/**
 * Convenience: the profile of a user. @param state - room @param user - URI @returns the profile or undefined
 * @example
 * ```ts
 * const result = profileOf(state, user);
 * ```
 */
export function profileOf(state: RoomState, user: string): UserProfile | undefined {
  return findParticipant(state, user)?.profile;
}
