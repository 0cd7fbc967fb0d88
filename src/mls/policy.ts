/**
 * Room authorization of MLS commits: what a commit does to the room (participant-list changes, role
 * changes, metadata, clients added and removed) and whether the room policy allows it
 * (draft-ietf-mimi-protocol §8.5, draft-ietf-mimi-room-policy §6).
 *
 * Pure and synchronous, so it can run inside ts-mls's synchronous IncomingMessageCallback.
 *
 * @module
 */
import { diffRoomStates, ROLE_BANNED, type RoomMetadataChanges, type RoomState, type UserProfile } from '../room/index.js';
import { authorizeRoomAction, type RoomActionRefusal } from './roomBridge.js';

/** One thing a commit does, attributed to the user who proposed it. */
export type RoomAction =
  | { readonly kind: 'addParticipant'; readonly user: string; readonly role: number }
  | { readonly kind: 'removeParticipant'; readonly user: string }
  | { readonly kind: 'leave' }
  | { readonly kind: 'changeRole'; readonly user: string; readonly from: number; readonly to: number }
  | { readonly kind: 'kick'; readonly user: string }
  | { readonly kind: 'removeOwnClient' }
  | { readonly kind: 'addClients'; readonly user: string }
  | { readonly kind: 'changeMetadata'; readonly changes: RoomMetadataChanges }
  | { readonly kind: 'setProfile'; readonly user: string; readonly profile: UserProfile }
  | { readonly kind: 'changeRoles' }
  | { readonly kind: 'changePolicy' };

/** A member (leaf) of the MLS group. */
export interface LeafMember {
  readonly leafIndex: number;
  readonly userUri: string;
  readonly clientUri: string;
}

/** What a commit contains, in adapter terms. */
export interface CommitView {
  /** Room state before the commit. */
  readonly before: RoomState;
  /** Room state after the commit (the GroupContextExtensions proposal's, or `before`). */
  readonly after: RoomState;
  /** Leaf that sent the GroupContextExtensions proposal, if any. */
  readonly roomChangeSender: number | undefined;
  /** Committer leaf. */
  readonly committer: number;
  /** Members before the commit, by leaf index. */
  readonly members: ReadonlyMap<number, LeafMember>;
  /** Removed leaves and who proposed each removal. */
  readonly removes: readonly { readonly leafIndex: number; readonly sender: number }[];
  /** Added clients and who proposed each add. */
  readonly adds: readonly { readonly userUri: string; readonly clientUri: string; readonly sender: number }[];
}

/** Why a commit is refused (carried in `details.refusal` of `mls/policy-refused`). */
export interface CommitRefusal {
  /** Stable reason code (`room/*` from the authorization engine or `mls/*` from the commit checks). */
  readonly code: string;
  /** Human-readable reason. */
  readonly message: string;
  /** The user whose action was refused. */
  readonly actor?: string;
  /** The refused action. */
  readonly action?: RoomAction;
  /** The authorization engine's refusal (capability, constraint, …), when it refused. */
  readonly engine?: unknown;
}

function refuse(code: string, message: string, actor?: string, action?: RoomAction): CommitRefusal {
  return { code, message, ...(actor !== undefined ? { actor } : {}), ...(action !== undefined ? { action } : {}) };
}

// Structural equality; `active` is derived from the MLS members, not carried on the wire.
function canon(x: unknown): string {
  return JSON.stringify(x, (k, v: unknown) => (k === 'active' ? undefined : v instanceof Uint8Array ? Array.from(v) : v)) ?? 'undefined';
}
function sameJson(a: unknown, b: unknown): boolean {
  return canon(a) === canon(b);
}

function authorize(state: RoomState, actor: string, action: RoomAction): CommitRefusal | undefined {
  const r: RoomActionRefusal | undefined = authorizeRoomAction(state, actor, action);
  return r === undefined ? undefined : { ...refuse(r.code, r.message, actor, action), ...(r.refusal !== undefined ? { engine: r.refusal } : {}) };
}

/**
 * Checks a commit against the room policy in force before it: every participant-list change is
 * authorized for its proposer, the clients removed are exactly those the changes require (plus
 * own-client removals and kicks), and the clients added belong to participants allowed to have them.
 *
 * @param v - the commit
 * @returns the refusal, or `undefined` when the commit is allowed
 */
export function checkCommit(v: CommitView): CommitRefusal | undefined {
  const userOf = (leaf: number): string | undefined => v.members.get(leaf)?.userUri;
  const committerUser = userOf(v.committer);
  if (committerUser === undefined) return refuse('mls/not-member', 'the committer is not a member');
  // The committer must itself be an active participant (draft-ietf-mimi-protocol §8.5).
  const committerRole = v.before.participants.find((p) => p.user === committerUser)?.role ?? 0;
  if (committerRole === 0 || committerRole === ROLE_BANNED) {
    return refuse('mls/not-participant', `committer ${committerUser} is not a participant`, committerUser);
  }

  // 1. Room state change (participant list, roles, metadata, policy), authorized for its proposer.
  if (!sameJson(v.before, v.after)) {
    const actor = v.roomChangeSender === undefined ? undefined : userOf(v.roomChangeSender);
    if (actor === undefined) return refuse('mls/not-member', 'room change from a non-member');
    const r = checkRoomChange(v.before, v.after, actor);
    if (r) return r;
  }

  // 2. Removed clients match the participant-list changes.
  const diff = diffRoomStates(v.before, v.after);
  const mustGo = new Set(diff.mustRemoveClients);
  const afterRole = (u: string): number => v.after.participants.find((p) => p.user === u)?.role ?? 0;
  for (const p of v.after.participants) if (p.role === ROLE_BANNED) mustGo.add(p.user);
  const removedLeaves = new Set(v.removes.map((r) => r.leafIndex));
  for (const [leaf, m] of v.members) {
    if (mustGo.has(m.userUri) && !removedLeaves.has(leaf)) {
      return refuse('mls/clients-not-removed', `client ${m.clientUri} of ${m.userUri} must be removed in the same commit`, m.userUri);
    }
  }
  for (const r of v.removes) {
    const target = v.members.get(r.leafIndex);
    const proposer = userOf(r.sender);
    if (target === undefined || proposer === undefined) return refuse('mls/not-member', 'remove of or by a non-member');
    if (mustGo.has(target.userUri)) continue; // covered by the authorized participant-list change
    const action: RoomAction = target.userUri === proposer ? { kind: 'removeOwnClient' } : { kind: 'kick', user: target.userUri };
    const refused = authorize(v.before, proposer, action);
    if (refused) return refused;
  }

  // 3. Added clients belong to (now) participants allowed to be active, each client URI once.
  const clientUris = new Set([...v.members.values()].filter((m) => !removedLeaves.has(m.leafIndex)).map((m) => m.clientUri));
  const newlyAdded = new Set(diff.added.map((a) => a.user));
  for (const a of v.adds) {
    const proposer = userOf(a.sender);
    if (proposer === undefined) return refuse('mls/not-member', 'add by a non-member');
    // draft-mahy-mimi-identity: a client URI is bound to exactly one user; it is in the group at most once.
    if (clientUris.has(a.clientUri)) return refuse('mls/duplicate-client', `client ${a.clientUri} is already a member`, proposer);
    clientUris.add(a.clientUri);
    const role = afterRole(a.userUri);
    if (role === 0) return refuse('mls/not-participant', `${a.userUri} is not a participant`, proposer);
    if (role === ROLE_BANNED) return refuse('room/banned', `${a.userUri} is banned`, proposer);
    if (newlyAdded.has(a.userUri)) continue; // authorized with the participant add
    const refused = authorize(v.before, proposer, { kind: 'addClients', user: a.userUri });
    if (refused) return refused;
  }
  return undefined;
}

/**
 * Authorizes a room-state change (participant list, roles, metadata, policy) for one proposer.
 *
 * @param before - state before
 * @param after - proposed state
 * @param actor - user URI of the proposer
 * @returns the refusal, or `undefined`
 */
export function checkRoomChange(before: RoomState, after: RoomState, actor: string): CommitRefusal | undefined {
  const diff = diffRoomStates(before, after);
  // draft-ietf-mimi-protocol §8.5: at most one change per user per commit (diff is keyed by user).
  for (const a of diff.added) {
    const r = authorize(before, actor, { kind: 'addParticipant', user: a.user, role: a.role });
    if (r) return r;
  }
  for (const rm of diff.removed) {
    const action: RoomAction = rm.user === actor ? { kind: 'leave' } : { kind: 'removeParticipant', user: rm.user };
    const r = authorize(before, actor, action);
    if (r) return r;
  }
  for (const c of diff.roleChanged) {
    const r = authorize(before, actor, { kind: 'changeRole', user: c.user, from: c.from, to: c.to });
    if (r) return r;
  }
  // Profiles (user_profiles component): each user changes only its own.
  for (const p of after.participants) {
    const prev = before.participants.find((q) => q.user === p.user);
    if (prev !== undefined && !sameJson(prev.profile, p.profile)) {
      const r = authorize(before, actor, { kind: 'setProfile', user: p.user, profile: p.profile ?? {} });
      if (r) return r;
    }
  }
  if (!sameJson(before.metadata, after.metadata)) {
    const b = before.metadata;
    const a = after.metadata;
    if (a === undefined || (b !== undefined && a.roomUri !== b.roomUri)) {
      return refuse('room/immutable-field', 'the room URI / metadata component cannot be changed or removed', actor);
    }
    const changes: { -readonly [K in keyof RoomMetadataChanges]: RoomMetadataChanges[K] } = {};
    if (b?.name !== a.name) changes.name = a.name;
    if (!sameJson(b?.descriptions, a.descriptions)) changes.descriptions = a.descriptions;
    if (b?.avatar !== a.avatar) changes.avatar = a.avatar;
    if (b?.subject !== a.subject) changes.subject = a.subject;
    if (b?.mood !== a.mood) changes.mood = a.mood;
    const r = authorize(before, actor, { kind: 'changeMetadata', changes });
    if (r) return r;
  }
  if (!sameJson(before.roles, after.roles)) {
    const r = authorize(before, actor, { kind: 'changeRoles' });
    if (r) return r;
  }
  if (!sameJson(before.policy, after.policy) || !sameJson(before.knocks, after.knocks) || !sameJson(before.otherComponents, after.otherComponents)) {
    const r = authorize(before, actor, { kind: 'changePolicy' });
    if (r) return r;
  }
  return undefined;
}

/**
 * Authorizes the removal of one client by a proposer, outside of a participant-list change:
 * own client (canRemoveOwnClient) or another user's (canKick).
 *
 * @param state - room state
 * @param proposer - user URI of the proposer
 * @param targetUser - user of the removed client
 * @returns the refusal, or `undefined`
 */
export function checkClientRemoval(state: RoomState, proposer: string, targetUser: string): CommitRefusal | undefined {
  return authorize(state, proposer, targetUser === proposer ? { kind: 'removeOwnClient' } : { kind: 'kick', user: targetUser });
}
