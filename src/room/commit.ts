/**
 * A commit (or a standalone proposal) checked against the room policy, as pure functions of the room as the
 * group publicly shows it (draft-ietf-mimi-protocol-06 §5.3 "the hub refuses a change the room policy
 * forbids"; RFC 9420 §12.1–12.4; draft-ietf-mimi-room-policy §6). Members (`mimi-kit/mls`) and the hub
 * (`mimi-kit/delivery`) call the same functions on the same neutral view of the proposals, so a member and the
 * hub give the same verdict on the same commit.
 *
 * What is checked, in order: every sender is a member; the proposal type is allowed for its position
 * ({@link ALLOWED_PROPOSALS}); RFC 9420 §12.2 validity (one GroupContextExtensions, one change per leaf, no
 * Remove or Update of the committer); a member keeps its user and client URIs (Update, UpdatePath: RFC 9420
 * §5.3.1 successor); a GroupContextExtensions proposal changes only the room state, never the required
 * app_components; the committer is a participant; the room-state change goes through
 * {@link applyAppDataUpdates} (the participant-list transitions of the engine) for its proposer; a removed or
 * banned user keeps no client; other removals are own-client removals or kicks, other additions own clients or
 * clients added by someone holding canAddParticipant; each client URI is in the group once.
 *
 * The roster (leaf index → client) follows RFC 9420 §7.7/§12.1.1: removals blank their leaf, each Add takes
 * the leftmost blank leaf (or extends the tree); truncation never moves a leaf, so it needs no tracking.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { applyAppDataUpdates } from './apply.js';
import { bytesEqual } from './bytes.js';
import { decodeComponentDictionary } from './components.js';
import { authorize, internal, type Refusal, type RefusalCode, type RoomAction } from './engine.js';
import { ROLE_BANNED } from './registry.js';
import { decodeAppDataDictionary, deepFreeze, diffRoomStates, encodeAppDataDictionary } from './state.js';
import type { RoomState } from './types.js';

/**
 * RFC 9420 §17.4 proposal type values, and draft-ietf-mls-extensions AppDataUpdate and SelfRemove.
 *
 * @example
 * ```ts
 * import { ProposalType } from 'mimi-kit/room';
 * ProposalType.group_context_extensions; // 7
 * ```
 */
export const ProposalType = {
  add: 0x0001,
  update: 0x0002,
  remove: 0x0003,
  psk: 0x0004,
  reinit: 0x0005,
  external_init: 0x0006,
  group_context_extensions: 0x0007,
  app_data_update: 0x0008,
  self_remove: 0x000a,
} as const;
/** A name of {@link ProposalType}. */
export type ProposalTypeName = keyof typeof ProposalType;

/**
 * draft-ietf-mls-extensions §4.6: the app_data_dictionary GroupContext extension type (suggested value 0x0006).
 *
 * @example
 * ```ts
 * import { APP_DATA_DICTIONARY_EXTENSION } from 'mimi-kit/room';
 * APP_DATA_DICTIONARY_EXTENSION; // 6
 * ```
 */
export const APP_DATA_DICTIONARY_EXTENSION = 0x0006;
/**
 * draft-ietf-mls-extensions §4.6: the app_components component (the components a group requires).
 *
 * @example
 * ```ts
 * import { APP_COMPONENTS_COMPONENT } from 'mimi-kit/room';
 * APP_COMPONENTS_COMPONENT; // 1
 * ```
 */
export const APP_COMPONENTS_COMPONENT = 0x0001;

/**
 * The proposal types a MIMI room accepts from a member, by where they appear (docs/decisions.md "MLS adapter"
 * D19). Non-member senders (external senders, new members) never reach the check (D6).
 *
 * @example
 * ```ts
 * import { ALLOWED_PROPOSALS } from 'mimi-kit/room';
 * ALLOWED_PROPOSALS.commitByValue.includes('update'); // false
 * ```
 */
export const ALLOWED_PROPOSALS = {
  /** Standalone proposals (and the same proposals committed by reference). */
  proposal: ['add', 'remove', 'update', 'group_context_extensions'],
  /** Proposals carried by value in a commit: an Update by value would be the committer's own (RFC 9420 §12.2). */
  commitByValue: ['add', 'remove', 'group_context_extensions'],
} as const satisfies Record<string, readonly ProposalTypeName[]>;
/** Where a proposal appears: a key of {@link ALLOWED_PROPOSALS}. */
export type ProposalPosition = keyof typeof ALLOWED_PROPOSALS;

/** One leaf of the group: a client of a user. */
export interface GroupMember {
  /** RFC 9420 leaf index. */
  readonly leafIndex: number;
  /** The user URI of the leaf's credential. */
  readonly user: string;
  /** The client URI of the leaf's credential. */
  readonly client: string;
  /** The leaf's signature public key, when the caller tracks it (the hub verifies signatures with it). */
  readonly signatureKey?: Uint8Array;
}

/** A GroupContext extension (RFC 9420 §12.1.7), by number. */
export interface GroupExtension {
  readonly extensionType: number;
  readonly extensionData: Uint8Array;
}

/** The room as its group publicly shows it: what a member and the hub both know before a commit. */
export interface GroupView {
  /** The room state, `active` flags following {@link GroupView.members}. */
  readonly state: RoomState;
  /** The non-blank leaves, ascending leaf index. */
  readonly members: readonly GroupMember[];
  /** The GroupContext extensions, app_data_dictionary included. */
  readonly extensions: readonly GroupExtension[];
}

/** What one proposal does, decoded from the wire by the caller (ts-mls for members, mimi-kit/protocol for the hub). */
export type ProposalBody =
  /** An Add: the joining client's identity, from its key package credential (and its leaf's signature key). */
  | { readonly type: 'add'; readonly user: string; readonly client: string; readonly signatureKey?: Uint8Array }
  /** A Remove of the leaf at `leafIndex`. */
  | { readonly type: 'remove'; readonly leafIndex: number }
  /** An Update: the identity (and signature key) of the sender's new leaf. */
  | { readonly type: 'update'; readonly user: string; readonly client: string; readonly signatureKey?: Uint8Array }
  /** A GroupContextExtensions proposal: the whole new extension list (the room state is app_data_dictionary). */
  | { readonly type: 'group_context_extensions'; readonly extensions: readonly GroupExtension[] }
  /** Anything else (PSK, ReInit, ExternalInit, AppDataUpdate, SelfRemove, custom, GREASE), by number. */
  | { readonly type: 'other'; readonly proposalType: number };

/** A proposal of a commit with its sender leaf and whether the commit carries it by value. */
export interface CommitProposal {
  /** The proposer's leaf (the committer's for proposals by value). */
  readonly sender: number;
  /** True for a proposal inside the commit, false for one committed by reference. */
  readonly byValue: boolean;
  readonly proposal: ProposalBody;
}

/** A commit as the check sees it. */
export interface CommitInput {
  /** The committer's leaf. */
  readonly committer: number;
  /** The proposals, in commit order. */
  readonly proposals: readonly CommitProposal[];
  /** The identity (and signature key) of the UpdatePath's new leaf, when the commit has a path. */
  readonly path?: { readonly user: string; readonly client: string; readonly signatureKey?: Uint8Array };
}

/** Why a commit or proposal is refused: the engine's {@link Refusal}, with who did what. */
export interface CommitRefusal extends Refusal {
  /** The user whose action was refused, when one was. */
  readonly actor?: string;
  /** The refused action, in the engine's vocabulary. */
  readonly action?: RoomAction;
  /** The position of the offending proposal in the commit, when one is at fault. */
  readonly proposal?: number;
  /** Machine-readable particulars (proposal type and position, leaf, extension type, …). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An accepted commit: the group after it. */
export interface CommitAccepted {
  readonly ok: true;
  /** The group after the commit (room state, roster, extensions). */
  readonly group: GroupView;
  /** The committer. */
  readonly committer: GroupMember;
  /** Leaves added, with the index RFC 9420 §7.7 gives them. */
  readonly added: readonly GroupMember[];
  /** Leaves removed. */
  readonly removed: readonly GroupMember[];
  /** Whether the room state changed (beyond who is active). */
  readonly roomStateChanged: boolean;
}

/** The verdict of {@link checkRoomCommit}. */
export type CommitCheck = CommitAccepted | { readonly ok: false; readonly refusal: CommitRefusal };

function no(code: RefusalCode, message: string, extra: Omit<Partial<CommitRefusal>, 'allowed' | 'code' | 'message'> = {}): { ok: false; refusal: CommitRefusal } {
  return { ok: false, refusal: { allowed: false, code, message, ...extra } };
}

class Stop extends Error {
  constructor(readonly verdict: { ok: false; refusal: CommitRefusal }) {
    super(verdict.refusal.message);
  }
}

function stop(code: RefusalCode, message: string, extra: Omit<Partial<CommitRefusal>, 'allowed' | 'code' | 'message'> = {}): never {
  throw new Stop(no(code, message, extra));
}

function typeName(p: ProposalBody): string {
  if (p.type !== 'other') return p.type;
  const known = (Object.keys(ProposalType) as ProposalTypeName[]).find((k) => ProposalType[k] === p.proposalType);
  return known ?? `0x${p.proposalType.toString(16).padStart(4, '0')}`;
}

function hexType(t: number): string {
  return `0x${t.toString(16).padStart(4, '0')}`;
}

/** A thrown room error as a refusal (decoder and applier errors keep their code). */
function fromError(e: unknown, extra: Omit<Partial<CommitRefusal>, 'allowed' | 'code' | 'message'>): never {
  if (e instanceof Stop) throw e;
  if (e instanceof MimiError) {
    const nested = (e.details as { refusal?: Refusal } | undefined)?.refusal;
    if (nested !== undefined) throw new Stop({ ok: false, refusal: { ...nested, ...extra } });
    const code = (e.code.startsWith('room/') ? e.code : 'room/invalid-state') as RefusalCode;
    stop(code, e.message, { ...extra, details: { ...extra.details, cause: e.code } });
  }
  throw e;
}

function allowedAt(p: ProposalBody, position: ProposalPosition, index: number): void {
  const allowed: readonly string[] = ALLOWED_PROPOSALS[position];
  if (p.type === 'other' || !allowed.includes(p.type)) {
    stop('room/proposal-not-allowed', `proposal type ${typeName(p)} is not accepted ${position === 'proposal' ? 'from a member' : 'by value in a commit'} in a MIMI room`, {
      proposal: index,
      details: { proposalType: typeName(p), position },
    });
  }
}

/** RFC 9420 §5.3.1: a member's new leaf is a successor of its current one: same user and client URI. */
function sameIdentity(was: GroupMember, now: { readonly user: string; readonly client: string }, index?: number): void {
  if (was.user !== now.user || was.client !== now.client) {
    stop('room/identity-change', 'a member cannot change its user or client URI (RFC 9420 §5.3.1 successor credential)', {
      ...(index !== undefined ? { proposal: index } : {}),
      details: { leafIndex: was.leafIndex, user: was.user, client: was.client, newUser: now.user, newClient: now.client },
    });
  }
}

function appComponents(extensions: readonly GroupExtension[]): Uint8Array | undefined {
  const e = extensions.find((x) => x.extensionType === APP_DATA_DICTIONARY_EXTENSION);
  if (e === undefined) return undefined;
  try {
    return decodeComponentDictionary(e.extensionData).find((c) => c.componentId === APP_COMPONENTS_COMPONENT)?.data;
  } catch (err) {
    return fromError(err, {});
  }
}

/**
 * RFC 9420 §12.1.7 lets a GroupContextExtensions proposal set any extension; a MIMI room lets it change only the
 * room state (decision D22): every other extension present, unchanged, none added, none twice (RFC 9420 §13.4);
 * and the required app_components (draft-ietf-mls-extensions §4.6) stay as they are (D26).
 */
function extensionChange(before: readonly GroupExtension[], after: readonly GroupExtension[], index: number): void {
  const old = new Map(before.map((e) => [e.extensionType, e.extensionData]));
  const seen = new Set<number>();
  const refuse = (what: string, t: number): never => stop('room/extension-not-allowed', what, { proposal: index, details: { extensionType: hexType(t) } });
  for (const e of after) {
    if (seen.has(e.extensionType)) refuse(`extension ${hexType(e.extensionType)} appears twice (RFC 9420 §13.4)`, e.extensionType);
    seen.add(e.extensionType);
    if (e.extensionType === APP_DATA_DICTIONARY_EXTENSION) continue;
    const prev = old.get(e.extensionType);
    if (prev === undefined) refuse(`adding the GroupContext extension ${hexType(e.extensionType)} is not allowed`, e.extensionType);
    else if (!bytesEqual(prev, e.extensionData)) refuse(`changing the GroupContext extension ${hexType(e.extensionType)} is not allowed`, e.extensionType);
  }
  for (const t of old.keys()) {
    if (t !== APP_DATA_DICTIONARY_EXTENSION && !seen.has(t)) refuse(`removing the GroupContext extension ${hexType(t)} is not allowed`, t);
  }
  const a = appComponents(before);
  const b = appComponents(after);
  if ((a === undefined) !== (b === undefined) || (a !== undefined && b !== undefined && !bytesEqual(a, b))) {
    stop('room/extension-not-allowed', 'the required app_components of a room cannot change', { proposal: index, details: { extensionType: hexType(APP_DATA_DICTIONARY_EXTENSION) } });
  }
}

function roomData(extensions: readonly GroupExtension[]): Uint8Array | undefined {
  return extensions.find((e) => e.extensionType === APP_DATA_DICTIONARY_EXTENSION)?.extensionData;
}

/** The participants' `active` flags set from the users that have a client. */
function withActivity(state: RoomState, users: ReadonlySet<string>): RoomState {
  if (state.participants.every((p) => p.active === users.has(p.user))) return state;
  return { ...state, participants: state.participants.map((p) => (p.active === users.has(p.user) ? p : { ...p, active: users.has(p.user) })) };
}

function authorized(state: RoomState, actor: string, action: RoomAction, extra: Omit<Partial<CommitRefusal>, 'allowed' | 'code' | 'message'> = {}): void {
  const r = authorize(state, actor, action);
  if (!r.allowed) throw new Stop({ ok: false, refusal: { ...r, actor, action, ...extra } });
}

/**
 * The room state a GroupContextExtensions proposal installs, authorized for its proposer: the changes from
 * `before` become AppDataUpdates (one ParticipantListUpdate, whole data for the other components) that
 * {@link applyAppDataUpdates} applies through the engine's transitions, so a whole-state change and
 * AppDataUpdate proposals obey the same rules. The result must be the proposed state, byte for byte.
 */
function roomChange(
  before: RoomState,
  proposed: Uint8Array,
  proposer: string,
  activeUsers: ReadonlySet<string>,
  index: number,
): { state: RoomState; dropClients: readonly string[] } {
  const extra = { actor: proposer, proposal: index };
  let next: RoomState;
  try {
    next = decodeAppDataDictionary(proposed, { activeUsers });
  } catch (e) {
    return fromError(e, extra);
  }
  const { appDataUpdates } = internal.deriveUpdates(before, next);
  let result;
  try {
    result = applyAppDataUpdates(before, proposer, appDataUpdates, { activeUsers });
  } catch (e) {
    return fromError(e, extra);
  }
  if (!bytesEqual(encodeAppDataDictionary(result.state), proposed)) {
    // e.g. survivors of the participant list reordered: no ParticipantListUpdate (protocol §8.5) produces that.
    stop('room/invalid-commit', 'the proposed room state is not what its changes produce (draft-ietf-mimi-protocol §8.5)', extra);
  }
  return { state: result.state, dropClients: [...result.clients.remove, ...result.diff.mustRemoveClients] };
}

function membersByLeaf(group: GroupView): Map<number, GroupMember> {
  return new Map(group.members.map((m) => [m.leafIndex, m]));
}

function memberAt(members: ReadonlyMap<number, GroupMember>, leaf: number, what: string, index?: number): GroupMember {
  const m = members.get(leaf);
  if (m === undefined) stop('room/not-member', `${what}: no member at leaf ${leaf}`, { ...(index !== undefined ? { proposal: index } : {}), details: { leafIndex: leaf } });
  return m;
}

function roleOf(state: RoomState, user: string): number {
  return state.participants.find((p) => p.user === user)?.role ?? 0;
}

/**
 * RFC 9420 §12.2 rules a committer could use to freeze the room: at most one GroupContextExtensions proposal,
 * at most one Update or Remove per leaf, no Remove of the committer, no Update by the committer (its path
 * replaces it). Part of {@link checkRoomCommit}; alone for a committer choosing which pending proposals to take.
 *
 * @param commit - the commit
 * @returns the refusal (`room/invalid-commit`), or `undefined`
 * @example
 * ```ts
 * import { checkCommitValidity } from 'mimi-kit/room';
 * checkCommitValidity({ committer: 0, proposals: [{ sender: 0, byValue: true, proposal: { type: 'remove', leafIndex: 0 } }] })?.code; // 'room/invalid-commit'
 * ```
 */
export function checkCommitValidity(commit: CommitInput): CommitRefusal | undefined {
  try {
    validity(commit);
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return e.verdict.refusal;
    throw e;
  }
}

function validity(commit: CommitInput): void {
  let gce = 0;
  const touched = new Set<number>();
  commit.proposals.forEach(({ proposal: p, sender }, i) => {
    if (p.type === 'group_context_extensions' && ++gce > 1) stop('room/invalid-commit', 'RFC 9420 §12.2 forbids more than one GroupContextExtensions proposal in a commit', { proposal: i });
    if (p.type === 'remove' || p.type === 'update') {
      const leaf = p.type === 'remove' ? p.leafIndex : sender;
      if (leaf === commit.committer) stop('room/invalid-commit', `RFC 9420 §12.2 forbids ${p.type === 'remove' ? 'a Remove of the committer' : 'an Update by the committer'} in a commit`, { proposal: i });
      if (touched.has(leaf)) stop('room/invalid-commit', `RFC 9420 §12.2 forbids two Update/Remove proposals for leaf ${leaf} in a commit`, { proposal: i });
      touched.add(leaf);
    }
  });
}

/**
 * Checks a commit against the room policy in force and computes the group after it.
 *
 * @param group - the group before the commit
 * @param commit - the committer, the proposals (senders resolved, by value or by reference) and the path's identity
 * @returns `{ ok: true, group, added, removed, … }` or `{ ok: false, refusal }` (a typed {@link CommitRefusal})
 * @example
 * ```ts
 * import { checkRoomCommit } from 'mimi-kit/room';
 * const v = checkRoomCommit(group, { committer: 1, proposals: [{ sender: 1, byValue: true, proposal: { type: 'remove', leafIndex: 0 } }] });
 * if (!v.ok) console.log(v.refusal.code); // 'room/missing-capability'
 * ```
 */
export function checkRoomCommit(group: GroupView, commit: CommitInput): CommitCheck {
  try {
    return check(group, commit);
  } catch (e) {
    if (e instanceof Stop) return e.verdict;
    throw e;
  }
}

function check(group: GroupView, commit: CommitInput): CommitAccepted {
  const members = membersByLeaf(group);
  const committer = memberAt(members, commit.committer, 'committer');
  commit.proposals.forEach((p, i) => {
    memberAt(members, p.sender, 'proposal sender', i);
    allowedAt(p.proposal, p.byValue ? 'commitByValue' : 'proposal', i);
  });
  validity(commit);
  commit.proposals.forEach(({ proposal: p, sender }, i) => {
    if (p.type === 'update') sameIdentity(members.get(sender)!, p, i);
    else if (p.type === 'group_context_extensions') extensionChange(group.extensions, p.extensions, i);
  });
  if (commit.path !== undefined) sameIdentity(committer, commit.path);

  const before = group.state;
  // draft-ietf-mimi-protocol §5.3: a removed or banned user's clients may not commit.
  const committerRole = roleOf(before, committer.user);
  if (committerRole === 0 || committerRole === ROLE_BANNED) stop('room/not-participant', `committer ${committer.user} is not a participant`, { actor: committer.user });

  // RFC 9420 §12.3: removes, then adds; §7.7: each Add takes the leftmost blank leaf.
  const roster = new Map(members);
  // RFC 9420 §12.1.2, §12.4.2: an Update or the path replaces the leaf (same identity, new keys).
  const rekey = (leaf: number, key: Uint8Array | undefined): void => {
    const m = roster.get(leaf);
    if (m !== undefined && key !== undefined) roster.set(leaf, { ...m, signatureKey: key });
  };
  commit.proposals.forEach(({ proposal: p, sender }) => {
    if (p.type === 'update') rekey(sender, p.signatureKey);
  });
  const removed: GroupMember[] = [];
  commit.proposals.forEach(({ proposal: p }, i) => {
    if (p.type !== 'remove') return;
    removed.push(memberAt(members, p.leafIndex, 'remove', i));
    roster.delete(p.leafIndex);
  });
  const clients = new Set([...roster.values()].map((m) => m.client));
  const added: GroupMember[] = [];
  let free = 0;
  commit.proposals.forEach(({ proposal: p, sender }, i) => {
    if (p.type !== 'add') return;
    // draft-mahy-mimi-identity: a client URI is bound to one user; it is in the group at most once.
    if (clients.has(p.client)) stop('room/duplicate-client', `client ${p.client} is already a member`, { actor: members.get(sender)!.user, proposal: i });
    clients.add(p.client);
    while (roster.has(free)) free++;
    const m: GroupMember = { leafIndex: free, user: p.user, client: p.client, ...(p.signatureKey !== undefined ? { signatureKey: p.signatureKey } : {}) };
    roster.set(free, m);
    added.push(m);
  });
  rekey(commit.committer, commit.path?.signatureKey);
  const activeUsers = new Set([...roster.values()].map((m) => m.user));

  let after = before;
  let extensions = group.extensions;
  const mustGo = new Set<string>();
  const gceAt = commit.proposals.findIndex((p) => p.proposal.type === 'group_context_extensions');
  if (gceAt >= 0) {
    const { proposal, sender } = commit.proposals[gceAt]!;
    extensions = (proposal as { extensions: readonly GroupExtension[] }).extensions;
    const data = roomData(extensions);
    if (data === undefined) stop('room/missing-component', 'the GroupContextExtensions proposal drops the room state (app_data_dictionary)', { proposal: gceAt });
    const current = roomData(group.extensions);
    if (current === undefined || !bytesEqual(current, data)) {
      const change = roomChange(before, data, members.get(sender)!.user, activeUsers, gceAt);
      after = change.state;
      for (const u of change.dropClients) mustGo.add(u);
    }
  }
  for (const p of after.participants) if (p.role === ROLE_BANNED) mustGo.add(p.user);
  const addedLeaves = new Set(added.map((a) => a.leafIndex));
  for (const m of roster.values()) {
    // Clients added to a banned or removed user are refused below, with the Add's proposer as the actor.
    if (mustGo.has(m.user) && !addedLeaves.has(m.leafIndex)) {
      stop('room/clients-not-removed', `client ${m.client} of ${m.user} must be removed in the same commit`, { actor: m.user });
    }
  }
  commit.proposals.forEach(({ proposal: p, sender }, i) => {
    if (p.type !== 'remove') return;
    const target = members.get(p.leafIndex)!;
    if (mustGo.has(target.user)) return; // covered by the authorized participant-list change
    const proposer = members.get(sender)!.user;
    // room-policy §6.2: one's own client (canRemoveOwnClient) or another user's (canKick, decision D9).
    const action: RoomAction = target.user === proposer ? { type: 'removeOwnClient', lastClient: false } : { type: 'kick', user: target.user };
    authorized(before, proposer, action, { proposal: i });
  });
  const newlyAdded = new Set(diffRoomStates(before, after).added.map((a) => a.user));
  commit.proposals.forEach(({ proposal: p, sender }, i) => {
    if (p.type !== 'add') return;
    const proposer = members.get(sender)!.user;
    const role = roleOf(after, p.user);
    if (role === 0) stop('room/not-participant', `${p.user} is not a participant`, { actor: proposer, proposal: i });
    if (role === ROLE_BANNED) stop('room/banned', `${p.user} is banned`, { actor: proposer, proposal: i });
    if (newlyAdded.has(p.user)) return; // authorized with the participant add
    // room-policy §6.2: own clients need canAddOwnClient; another participant's (e.g. after an unban) canAddParticipant (D9).
    const action: RoomAction = p.user === proposer ? { type: 'addOwnClient' } : { type: 'capability', capability: 'canAddParticipant' };
    authorized(before, proposer, action, { proposal: i });
  });
  const state = deepFreeze(withActivity(after, activeUsers));
  const rosterAfter = [...roster.values()].sort((a, b) => a.leafIndex - b.leafIndex);
  return {
    ok: true,
    group: deepFreeze({ state, members: rosterAfter, extensions: [...extensions] }),
    committer,
    added,
    removed,
    roomStateChanged: after !== before,
  };
}

/**
 * Checks a standalone proposal on receipt (RFC 9420 §12.1), so a proposal the policy refuses cannot poison
 * later commits: the sender is a member, the type is allowed, an Update keeps the identity, a
 * GroupContextExtensions proposal changes only the room state and that change is authorized for its sender, a
 * Remove of another user's client is a kick. Adds are checked with the commit that carries them.
 *
 * @param group - the group in force
 * @param proposal - the proposal and its sender leaf (`byValue` is ignored)
 * @returns `undefined` when it may be stored, or the refusal
 * @example
 * ```ts
 * import { checkRoomProposal } from 'mimi-kit/room';
 * checkRoomProposal(group, { sender: 2, byValue: false, proposal: { type: 'remove', leafIndex: 0 } })?.code; // 'room/missing-capability'
 * ```
 */
export function checkRoomProposal(group: GroupView, proposal: CommitProposal): CommitRefusal | undefined {
  try {
    const members = membersByLeaf(group);
    const sender = memberAt(members, proposal.sender, 'proposal sender');
    const p = proposal.proposal;
    allowedAt(p, 'proposal', 0);
    if (p.type === 'update') sameIdentity(sender, p);
    else if (p.type === 'remove') {
      const target = memberAt(members, p.leafIndex, 'remove');
      // A leaving user removes its own clients; other removals need canKick (or come with a ban or removal whose
      // GroupContextExtensions proposal is checked on its own).
      if (target.user !== sender.user) authorized(group.state, sender.user, { type: 'kick', user: target.user });
    } else if (p.type === 'group_context_extensions') {
      extensionChange(group.extensions, p.extensions, 0);
      const data = roomData(p.extensions);
      if (data === undefined) stop('room/missing-component', 'the GroupContextExtensions proposal drops the room state (app_data_dictionary)');
      const current = roomData(group.extensions);
      if (current === undefined || !bytesEqual(current, data)) {
        roomChange(group.state, data, sender.user, new Set(group.members.map((m) => m.user)), 0);
      }
    }
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return e.verdict.refusal;
    throw e;
  }
}

/**
 * The group view of a room whose only member is its creator (RFC 9420 §11: the creator is leaf 0), for a hub
 * that learns of a new room.
 *
 * @param state - the initial room state (the creator listed)
 * @param creator - the creator's client
 * @param extensions - the GroupContext extensions (default: just the room state)
 * @returns the view
 * @example
 * ```ts
 * import { createRoom, newGroupView } from 'mimi-kit/room';
 * const state = createRoom({ preset: 'moderated', creator: alice, roomUri });
 * newGroupView(state, { user: alice, client: 'mimi://a.example/d/alice/1' }).members[0].leafIndex; // 0
 * ```
 */
export function newGroupView(state: RoomState, creator: { readonly user: string; readonly client: string }, extensions?: readonly GroupExtension[]): GroupView {
  const members = [{ leafIndex: 0, user: creator.user, client: creator.client }];
  const exts = extensions ?? [{ extensionType: APP_DATA_DICTIONARY_EXTENSION, extensionData: encodeAppDataDictionary(state) }];
  return deepFreeze({ state: withActivity(state, new Set([creator.user])), members, extensions: [...exts] });
}
