/**
 * Applying the AppDataUpdate proposals of one commit to a room state, with authorization
 * (draft-ietf-mls-extensions §4.7, draft-ietf-mimi-protocol §8.5–8.6, draft-ietf-mimi-room-policy §2–3).
 *
 * Deterministic and atomic: either every update of the commit is valid and authorized and a new
 * frozen state is returned, or a {@link MimiError} is thrown and the input state is untouched.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import {
  decodeBaseRoomPolicy,
  decodeHistoryPolicy,
  decodeJoinLinkPolicy,
  decodeJoinLinksUpdate,
  decodeKnocks,
  decodeLoggingPolicy,
  decodeMessageExpirationPolicy,
  decodeParticipantListUpdate,
  decodePreauth,
  decodeRoles,
  decodeRoomMetadata,
  decodeStatusNotificationPolicy,
  decodeUserProfiles,
} from './components.js';
import { internal, type JoinContext, type OptionalPolicies, type Refusal, type RoomAction } from './engine.js';
import { WorkingList } from './members.js';
import { ComponentId } from './registry.js';
import { assertValidState, deepFreeze, diffRoomStates, findRole, settleEmptyComponents, type RoomStateDiff } from './state.js';
import type { AppDataUpdate, ParticipantListUpdate, RoomState } from './types.js';

/** Options of {@link applyAppDataUpdates}. */
export interface ApplyOptions extends JoinContext {
  /** Sender of each update (same order as `updates`) when they differ from `actor` (proposals by several members). */
  readonly senders?: readonly string[];
}

/** The result of applying a commit's updates. */
export interface ApplyResult {
  readonly state: RoomState;
  readonly diff: RoomStateDiff;
  /** Users whose clients must be added / removed by the same commit. */
  readonly clients: { readonly add: readonly string[]; readonly remove: readonly string[] };
}

type Step = { state: RoomState; add: Set<string>; remove: Set<string> };

function run(step: Step, actor: string, action: RoomAction, path: (string | number)[]): void {
  const r = internal.evaluate(step.state, actor, action);
  if (!('ok' in r)) fail(r, path);
  step.state = r.next;
  for (const u of r.add) step.add.add(u);
  for (const u of r.remove) step.remove.add(u);
}

function fail(r: Refusal, path: (string | number)[]): never {
  throw new MimiError(r.code, r.message, { path, details: { refusal: r } });
}

function hexId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/**
 * Applies one ParticipantListUpdate on behalf of `actor`. Indexes refer to the list before this
 * update; changes are authorized one by one in wire order (changed roles, removals, additions) against
 * the running state, with the actor's role taken from the state before the update.
 *
 * @param state - the room before (untouched)
 * @param actor - user URI of the proposer
 * @param update - the update
 * @param ctx - claims / join code for self-joins and own-role changes, active users after the commit
 * @param touched - users already touched earlier in the same commit (updated in place)
 * @returns the result
 * @throws {@link MimiError} `room/index-out-of-range`, `room/duplicate-user`, or a refusal code
 * @example
 * ```ts
 * applyParticipantListUpdate(room, alice, { changedRoles: [], removedIndices: [], added: [{ user: bob, role: 2 }] });
 * ```
 */
export function applyParticipantListUpdate(
  state: RoomState,
  actor: string,
  update: ParticipantListUpdate,
  ctx: JoinContext = {},
  touched: Set<string> = new Set(),
): ApplyResult {
  const step: Step = { state, add: new Set(), remove: new Set() };
  const list = new WorkingList(state);
  applyPlu(step, list, actor, update, ctx, touched, []);
  step.state = list.toState(step.state);
  assertValidState(step.state);
  const next = deepFreeze(settleEmptyComponents(step.state));
  return { state: next, diff: diffRoomStates(state, next), clients: { add: [...step.add], remove: [...step.remove] } };
}

/**
 * Applies one ParticipantListUpdate to `list`, the commit's working participant list (roles and policy
 * are read from `step.state`, which a participant-list change cannot alter). Every lookup and count is
 * O(1), so the update costs O(its size), not O(size × participants) (issue 10).
 */
function applyPlu(step: Step, list: WorkingList, actor: string, u: ParticipantListUpdate, ctx: JoinContext, touched: Set<string>, path: (string | number)[]): void {
  const me = list.get(actor);
  const actorRole = findRole(step.state, me?.role ?? 0);
  if (me && internal.isBannedRole(step.state, me.role)) {
    fail({ allowed: false, code: 'room/banned', message: `${actor} is banned from this room` }, path);
  }
  const touch = (user: string, where: (string | number)[]): void => {
    // draft-ietf-mimi-protocol §8.5: a commit may not touch the same user more than once.
    if (touched.has(user)) throw new MimiError('room/duplicate-user', `user ${user} is changed more than once in one commit`, { path: where });
    touched.add(user);
  };
  const at = (i: number, where: (string | number)[]): string => {
    const p = list.at(i);
    if (!p) throw new MimiError('room/index-out-of-range', `user_index ${i} is outside the participant list (${list.length})`, { path: where });
    return p.user;
  };
  const changes: { user: string; to: number; where: (string | number)[] }[] = [];
  u.changedRoles.forEach((c, i) => {
    const where = [...path, 'changedRoleParticipants', i];
    const user = at(c.index, where);
    touch(user, where);
    changes.push({ user, to: c.role, where });
  });
  u.removedIndices.forEach((idx, i) => {
    const where = [...path, 'removedIndices', i];
    const user = at(idx, where);
    touch(user, where);
    changes.push({ user, to: 0, where });
  });
  u.added.forEach((a, i) => {
    const where = [...path, 'addedParticipants', i];
    if (list.get(a.user)) throw new MimiError('room/duplicate-user', `added user ${a.user} is already in the participant list`, { path: where });
    touch(a.user, where);
    if (a.role === 0) throw new MimiError('room/unknown-role', 'added participants cannot have role 0', { path: where });
    changes.push({ user: a.user, to: a.role, where });
  });
  for (const c of changes) {
    const knocking = list.knocking(c.user) && internal.has(actorRole, 'canAcceptKnock');
    const r = internal.move(step.state, list, actor, actorRole, c.user, c.to, { ...ctx, knockAccept: knocking });
    if (!('ok' in r)) fail(r, c.where);
    list.set(r.user, r.entry);
    for (const x of r.add) step.add.add(x);
    for (const x of r.remove) step.remove.add(x);
  }
}

/** Components that may have several updates in one commit: the deltas (room_metadata has its own rule and code). */
const DELTA_COMPONENTS = new Set<number>([ComponentId.participant_list, ComponentId.join_links, ComponentId.room_metadata]);
const OPAQUE_HUB = new Set<number>([ComponentId.frank_aad, ComponentId.franking_signature_key]);
const OPAQUE_POLICY = new Set<number>([ComponentId.mls_operational_policy, ComponentId.link_preview_policy, ComponentId.asset_policy, ComponentId.bot_policy]);
const OPTIONAL_POLICY: Readonly<Record<number, keyof OptionalPolicies>> = {
  [ComponentId.status_notification_policy]: 'statusNotifications',
  [ComponentId.join_link_policy]: 'joinLinkPolicy',
  [ComponentId.logging_policy]: 'logging',
  [ComponentId.chat_history_policy]: 'history',
  [ComponentId.message_expiration_policy]: 'messageExpiration',
};

/**
 * Applies the AppDataUpdate proposals of one commit (draft-ietf-mls-extensions §4.7), authorizing each
 * against the room policy. Components are processed in ascending component ID order; updates for one
 * component in proposal order.
 *
 * Commit-level rules: a single `remove` or one or more `update`s per component; roles_list never with a
 * participant_list change; preauth_list only with participant removals; at most one room_metadata update;
 * a user touched at most once.
 *
 * @param state - the room before (untouched)
 * @param actor - user URI of the proposer (or committer)
 * @param updates - the AppDataUpdate bodies
 * @param options - per-update senders, join context
 * @returns the new frozen state, the participant diff, and which users' clients to add/remove
 * @throws {@link MimiError} `room/invalid-update-op`, `room/roles-and-participants-together`,
 *   `room/preauth-and-participants-together`, `room/duplicate-metadata-update`, `room/component-required`,
 *   `room/unknown-component`, `room/index-out-of-range`, `room/duplicate-user`, `room/immutable-field`,
 *   `room/not-own-profile`, any refusal code, `tls/*` for a malformed update
 * @example
 * ```ts
 * const { state, diff } = applyAppDataUpdates(room, alice, proposals.map(decodeAppDataUpdate));
 * ```
 */
export function applyAppDataUpdates(state: RoomState, actor: string, updates: readonly AppDataUpdate[], options: ApplyOptions = {}): ApplyResult {
  const groups = new Map<number, { u: AppDataUpdate; sender: string; i: number }[]>();
  updates.forEach((u, i) => {
    const g = groups.get(u.componentId) ?? [];
    g.push({ u, sender: options.senders?.[i] ?? actor, i });
    groups.set(u.componentId, g);
  });
  for (const [id, g] of groups) {
    if (g.some((x) => x.u.op === 'remove') && g.length > 1) {
      throw new MimiError('room/invalid-update-op', `component ${hexId(id)}: a remove cannot be combined with other updates`, { path: [g[1]!.i] });
    }
  }
  const plu = groups.get(ComponentId.participant_list);
  const decodedPlu = (plu ?? []).map((x) => {
    if (x.u.op === 'remove') throw new MimiError('room/component-required', 'participant_list cannot be removed', { path: [x.i] });
    return decodeParticipantListUpdate(x.u.update);
  });
  if (plu && groups.has(ComponentId.roles_list)) {
    // draft-ietf-mimi-room-policy §2: a roles update is not valid in a commit with any participant list change.
    throw new MimiError('room/roles-and-participants-together', 'roles_list and participant_list cannot change in the same commit');
  }
  if (groups.has(ComponentId.preauth_list) && decodedPlu.some((p) => p.changedRoles.length > 0 || p.added.length > 0)) {
    // draft-ietf-mimi-room-policy §3: only user removals may accompany a preauth update.
    throw new MimiError('room/preauth-and-participants-together', 'preauth_list can only change with participant removals');
  }
  if ((groups.get(ComponentId.room_metadata)?.length ?? 0) > 1) {
    // draft-ietf-mimi-protocol §8.6: only a single Room metadata update is valid per commit.
    throw new MimiError('room/duplicate-metadata-update', 'more than one room_metadata update in one commit');
  }
  for (const [id, g] of groups) {
    // Decision Room #34: an update that replaces a component's whole data may appear once per commit
    // (mls-extensions §4.7 lets applications be more restrictive); only the delta components repeat.
    if (g.length > 1 && !DELTA_COMPONENTS.has(id)) {
      throw new MimiError('room/duplicate-update', `component ${hexId(id)} is updated more than once in one commit`, { path: [g[1]!.i] });
    }
  }

  const step: Step = { state, add: new Set(), remove: new Set() };
  const touched = new Set<string>();
  for (const id of [...groups.keys()].sort((a, b) => a - b)) {
    if (id === ComponentId.participant_list) {
      // One working list for every participant-list update of the commit, each against the list left by the previous one.
      const list = new WorkingList(step.state);
      plu!.forEach(({ sender, i }, j) => applyPlu(step, list, sender, decodedPlu[j]!, options, touched, [i]));
      step.state = list.toState(step.state);
      continue;
    }
    for (const { u, sender, i } of groups.get(id)!) {
      const path: (string | number)[] = [i];
      const data = u.op === 'update' ? u.update : undefined;
      const dec = <T>(f: (b: Uint8Array) => T): T => {
        try {
          return f(data!);
        } catch (e) {
          if (e instanceof MimiError) throw new MimiError(e.code, `update ${i} (${hexId(id)}): ${e.message}`, { path: [i, ...e.path], cause: e });
          throw e;
        }
      };
      switch (id) {
        case ComponentId.roles_list:
          if (!data) throw new MimiError('room/component-required', 'roles_list cannot be removed', { path });
          run(step, sender, { type: 'setRoles', roles: dec(decodeRoles) }, path);
          break;
        case ComponentId.room_metadata: {
          if (!data) throw new MimiError('room/component-required', 'room_metadata cannot be removed', { path });
          const m = dec(decodeRoomMetadata);
          if (step.state.metadata && m.roomUri !== step.state.metadata.roomUri) {
            throw new MimiError('room/immutable-field', 'room_uri cannot change', { path });
          }
          const { roomUri, ...changes } = m;
          if (!step.state.metadata) step.state = { ...step.state, metadata: { ...m, name: '', descriptions: [], avatar: '', subject: '', mood: '', roomUri } };
          run(step, sender, { type: 'setRoomMetadata', changes }, path);
          break;
        }
        case ComponentId.preauth_list:
          if (!data) {
            run(step, sender, { type: 'capability', capability: 'canChangePreauthorizedUserList' }, path);
            const { preauth: _p, ...rest } = step.state.policy;
            void _p;
            step.state = { ...step.state, policy: rest };
          } else run(step, sender, { type: 'setPreauth', entries: dec(decodePreauth) }, path);
          break;
        case ComponentId.base_room_policy:
          if (!data) {
            run(step, sender, { type: 'capability', capability: 'canChangeRoomMembershipStyle' }, path);
            const { base: _b, ...rest } = step.state.policy;
            void _b;
            step.state = { ...step.state, policy: rest };
          } else run(step, sender, { type: 'setBasePolicy', base: dec(decodeBaseRoomPolicy) }, path);
          break;
        case ComponentId.join_links: {
          // Authorized once per kind of change, checked with sets: linear in the links (issue 10).
          const links = step.state.policy.joinLinks ?? [];
          if (!data) {
            if (links.length > 0) run(step, sender, { type: 'removeJoinLink', link: links[0]! }, path);
            const { joinLinks: _j, ...rest } = step.state.policy;
            void _j;
            step.state = { ...step.state, policy: rest };
            break;
          }
          const jl = dec(decodeJoinLinksUpdate);
          const seen = new Set<number>();
          for (const idx of jl.removedIndices) {
            if (idx >= links.length || seen.has(idx)) throw new MimiError('room/index-out-of-range', `join link index ${idx} is invalid`, { path });
            seen.add(idx);
          }
          const kept = links.filter((_, k) => !seen.has(k));
          const firstRemoved = links.find((_, k) => seen.has(k));
          if (firstRemoved !== undefined) run(step, sender, { type: 'removeJoinLink', link: firstRemoved }, path);
          step.state = { ...step.state, policy: { ...step.state.policy, joinLinks: kept } };
          if (jl.added.length > 0) run(step, sender, { type: 'addJoinLink', link: jl.added[0]! }, path);
          const all = new Set(kept);
          for (const l of jl.added) {
            if (all.has(l)) fail({ allowed: false, code: 'room/duplicate-join-link', message: 'this join link already exists' }, path);
            all.add(l);
          }
          step.state = { ...step.state, policy: { ...step.state.policy, joinLinks: [...kept, ...jl.added] } };
          break;
        }
        case ComponentId.user_profiles: {
          const entries = data ? dec(decodeUserProfiles) : [];
          const byUser = new Map(entries.map((e) => [e.user, e.profile]));
          if (byUser.size !== entries.length) throw new MimiError('room/duplicate-user', 'user_profiles names a user twice', { path });
          const position = new Map(step.state.participants.map((p, k) => [p.user, k]));
          let last = -1;
          for (const e of entries) {
            const at = position.get(e.user);
            if (at === undefined) throw new MimiError('room/not-participant', `user_profiles names ${e.user}, who is not a participant`, { path });
            // Decision Room #33: the same canonical order the decoder requires.
            if (at < last) throw new MimiError('room/invalid-state', `user_profiles entry for ${e.user} is out of participant-list order`, { path });
            last = at;
          }
          for (const p of step.state.participants) {
            const nu = byUser.get(p.user) ?? {};
            if (JSON.stringify(p.profile ?? {}) === JSON.stringify(nu)) continue;
            if (p.user !== sender) throw new MimiError('room/not-own-profile', `${sender} cannot change the profile of ${p.user}`, { path });
            run(step, sender, { type: 'setProfile', profile: nu }, path);
          }
          step.state = markEmpty(step.state, ComponentId.user_profiles, data !== undefined && entries.length === 0);
          break;
        }
        case ComponentId.knock_list: {
          const nu = data ? dec(decodeKnocks) : [];
          const wanted = new Set(nu.map((k) => k.user));
          if (wanted.size !== nu.length) throw new MimiError('room/duplicate-user', 'knock_list names a user twice', { path });
          const cur = step.state.knocks;
          const had = new Set(cur.map((k) => k.user));
          // Withdrawing one's own knock needs nothing; rejecting others' needs canAcceptKnock (checked once).
          const rejected = cur.find((k) => !wanted.has(k.user) && k.user !== sender);
          if (rejected) run(step, sender, { type: 'rejectKnock', user: rejected.user }, path);
          step.state = { ...step.state, knocks: cur.filter((k) => wanted.has(k.user)) };
          for (const k of nu) {
            if (had.has(k.user)) continue;
            if (k.user !== sender) throw new MimiError('room/not-own-profile', `${sender} cannot knock for ${k.user}`, { path });
            run(step, sender, { type: 'knock' }, path);
          }
          step.state = markEmpty({ ...step.state, knocks: nu }, ComponentId.knock_list, data !== undefined && nu.length === 0);
          break;
        }
        default: {
          const key = OPTIONAL_POLICY[id];
          if (key) {
            const decoders: Record<keyof OptionalPolicies, (b: Uint8Array) => unknown> = {
              statusNotifications: decodeStatusNotificationPolicy,
              joinLinkPolicy: decodeJoinLinkPolicy,
              logging: decodeLoggingPolicy,
              history: decodeHistoryPolicy,
              messageExpiration: decodeMessageExpirationPolicy,
            };
            if (data) run(step, sender, { type: 'setPolicy', policies: { [key]: dec(decoders[key]) } }, path);
            else run(step, sender, { type: 'setPolicy', policies: {}, remove: [key] }, path);
            break;
          }
          if (OPAQUE_POLICY.has(id) || OPAQUE_HUB.has(id)) {
            // Opaque components: policy ones need canChangeRoomMembershipStyle; hub (franking) ones are the MLS layer's business.
            if (OPAQUE_POLICY.has(id)) run(step, sender, { type: 'capability', capability: 'canChangeRoomMembershipStyle' }, path);
            const others = step.state.otherComponents.filter((c) => c.componentId !== id);
            if (data) others.push({ componentId: id, data });
            others.sort((a, b) => a.componentId - b.componentId);
            step.state = { ...step.state, otherComponents: others };
            break;
          }
          throw new MimiError('room/unknown-component', `component ${hexId(id)} is not known to mimi-kit`, { path });
        }
      }
    }
  }
  assertValidState(step.state);
  const next = deepFreeze(settleEmptyComponents(step.state));
  return { state: next, diff: diffRoomStates(state, next), clients: { add: [...step.add], remove: [...step.remove] } };
}

/** Sets or clears `id` in `emptyComponents` (decision Room #32: present-but-empty lists are kept). */
function markEmpty(state: RoomState, id: number, present: boolean): RoomState {
  const ids = (state.emptyComponents ?? []).filter((x) => x !== id);
  if (present) ids.push(id);
  ids.sort((a, b) => a - b);
  const { emptyComponents: _e, ...rest } = state;
  void _e;
  return ids.length > 0 ? { ...rest, emptyComponents: ids } : rest;
}

