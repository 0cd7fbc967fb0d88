/**
 * Role-set presets: the four example policies of draft-ietf-mimi-room-policy Appendix A
 * ("Role examples") and a direct-message room, plus room constructors.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { BANNED_ROLE_NAME, Capability, ComponentId, type CapabilityName } from './registry.js';
import { assertValidState, deepFreeze } from './state.js';
import type { BaseRoomPolicy, Participant, PreAuthEntry, Role, RoleChangeTargets, RoomMetadata, RoomState, UserProfile } from './types.js';

/** Names of the presets. */
export type PresetName = 'cooperative' | 'strict' | 'moderated' | 'multi-org' | 'direct';
/**
 * Every preset name.
 * @example
 * ```ts
 * import { PRESET_NAMES, presetRoles } from 'mimi-kit/room';
 * for (const p of PRESET_NAMES) console.log(p, presetRoles(p).length);
 * ```
 */
export const PRESET_NAMES: readonly PresetName[] = ['cooperative', 'strict', 'moderated', 'multi-org', 'direct'];

const caps = (...names: CapabilityName[]): number[] => [...new Set(names.map((n) => Capability[n]))];
const plus = (base: readonly number[], ...names: CapabilityName[]): number[] => [...new Set([...base, ...caps(...names)])];

function role(
  index: number,
  name: string,
  capabilities: readonly number[],
  c: { min?: number; max?: number; minActive?: number; maxActive?: number },
  changes: readonly [number, number[]][],
): Role {
  return {
    index,
    name,
    description: '',
    capabilities: [...capabilities],
    minParticipants: c.min ?? 0,
    ...(c.max === undefined ? {} : { maxParticipants: c.max }),
    minActive: c.minActive ?? 0,
    ...(c.maxActive === undefined ? {} : { maxActive: c.maxActive }),
    authorizedRoleChanges: changes.map(([from, to]): RoleChangeTargets => ({ from, to: [...to] })),
  };
}

const noRole = (capabilities: number[] = [], changes: [number, number[]][] = [], maxActive: number | undefined = 0): Role =>
  role(0, 'no_role', capabilities, maxActive === undefined ? {} : { maxActive }, changes);
const banned = (): Role => role(1, BANNED_ROLE_NAME, [], { maxActive: 0 }, []);

const ENFORCER_CAPS = caps(
  'canRemoveParticipant',
  'canChangeUserRole',
  'canBan',
  'canUnban',
  'canChangeRoleDefinitions',
  'canChangePreauthorizedUserList',
  'canChangeMlsOperationalPolicies',
  'canDestroyRoom',
  'canSendMLSReinitProposal',
);
const enforcer = (index: number, changes: [number, number[]][]): Role =>
  role(index, 'policy_enforcer', ENFORCER_CAPS, { min: 1, max: 2, maxActive: 0 }, changes);

// draft-ietf-mimi-room-policy §A.1 Cooperatively administered room.
function cooperative(): Role[] {
  const user = caps(
    'canAddParticipant', 'canRemoveParticipant', 'canAddOwnClient', 'canRemoveOwnClient', 'canRemoveSelf',
    'canSendMessage', 'canReceiveMessage', 'canCopyMessage', 'canReportAbuse', 'canReplyToMessage',
    'canReactToMessage', 'canDeleteOwnReaction', 'canEditOwnMessage', 'canDeleteOwnMessage', 'canStartTopic',
    'canReplyInTopic', 'canEditOwnTopic', 'canUploadImage', 'canUploadVideo', 'canUploadAudio',
    'canUploadAttachment', 'canDownloadImage', 'canDownloadVideo', 'canDownloadAudio', 'canDownloadAttachment',
    'canSendLink', 'canSendLinkPreview', 'canFollowLink', 'canCopyLink', 'canChangeRoomName',
    'canChangeRoomAvatar', 'canChangeRoomSubject', 'canChangeRoomMood', 'canChangeOwnName',
    'canChangeOwnPresence', 'canChangeOwnMood', 'canChangeOwnAvatar',
  );
  const admin = plus(user, 'canBan', 'canUnban', 'canKick', 'canRevokeVoice', 'canGrantVoice', 'canChangeUserRole',
    'canDeleteOtherMessage', 'canEditOtherTopic', 'canChangeRoomDescription');
  const sup = plus(admin, 'canChangeRoomMembershipStyle', 'canChangePreauthorizedUserList', 'canDestroyRoom');
  return [
    noRole(),
    banned(),
    role(2, 'ordinary_user', user, {}, [[0, [2]], [2, [0]]]),
    role(3, 'group_admin', admin, { min: 1 }, [[0, [1, 2, 3]], [1, [0, 2, 3]], [2, [0, 1, 3]], [3, [0, 1, 2]]]),
    role(4, 'super_admin', sup, {}, [[0, [1, 2, 3, 4]], [1, [0, 2, 3, 4]], [2, [0, 1, 3, 4]], [3, [0, 1, 2, 4]], [4, [0, 1, 2, 3]]]),
    enforcer(5, [[0, [1]], [1, [0]], [2, [0, 1]], [3, [0, 1]], [4, [0, 1]]]),
  ];
}

// draft-ietf-mimi-room-policy §A.2 Strictly administered room.
function strict(): Role[] {
  const user = caps(
    'canAddOwnClient', 'canJoinIfPreauthorized', 'canRemoveOwnClient', 'canRemoveSelf', 'canChangeOwnRole',
    'canSendMessage', 'canReceiveMessage', 'canCopyMessage', 'canReportAbuse', 'canReactToMessage',
    'canDeleteOwnReaction', 'canEditOwnMessage', 'canDeleteOwnMessage', 'canStartTopic', 'canReplyInTopic',
    'canUploadImage', 'canUploadVideo', 'canUploadAudio', 'canUploadAttachment', 'canDownloadImage',
    'canDownloadVideo', 'canDownloadAudio', 'canDownloadAttachment', 'canSendLink', 'canSendLinkPreview',
    'canFollowLink', 'canCopyLink', 'canChangeOwnName', 'canChangeOwnPresence', 'canChangeOwnMood', 'canChangeOwnAvatar',
  );
  const admin = plus(user, 'canAddParticipant', 'canRemoveParticipant', 'canBan', 'canUnban', 'canKick',
    'canChangeUserRole', 'canCreateJoinCode', 'canDeleteJoinCode', 'canDeleteOtherReaction', 'canDeleteOtherMessage',
    'canEditOwnTopic', 'canEditOtherTopic', 'canChangeRoomDescription', 'canChangeRoomName', 'canChangeRoomAvatar',
    'canChangeRoomSubject', 'canChangeRoomMood');
  const sup = plus(admin, 'canChangeRoomMembershipStyle', 'canChangeRoleDefinitions', 'canChangePreauthorizedUserList',
    'canDestroyRoom', 'canSendMLSReinitProposal');
  return [
    noRole(caps('canUseJoinCode'), [[0, [2]]]),
    banned(),
    role(2, 'ordinary_user', user, {}, [[0, [2]], [2, [0]]]),
    role(3, 'group_admin', admin, { min: 1 }, [[0, [1, 2, 3]], [1, [0, 2, 3]], [2, [0, 1, 3]], [3, [0, 1, 2]]]),
    role(4, 'super_admin', sup, {}, [[0, [1, 2, 3, 4]], [1, [0, 2, 3, 4]], [2, [0, 1, 3, 4]], [3, [0, 1, 2, 4]], [4, [0, 1, 2, 3]]]),
    enforcer(5, [[0, [1]], [1, [0]], [2, [0, 1]], [3, [0, 1]], [4, [0, 1]]]),
  ];
}

// draft-ietf-mimi-room-policy §A.3 Moderated room. "speaker includes speaker" is read as attendee,
// "moderator includes ordinary_user" as speaker (docs/decisions.md (Room)).
function moderated(): Role[] {
  const guest = caps('canRemoveSelf', 'canReceiveMessage', 'canCopyMessage', 'canReactToMessage', 'canDeleteOwnReaction',
    'canFollowLink', 'canCopyLink', 'canDownloadImage', 'canDownloadVideo', 'canDownloadAudio');
  const attendee = plus(guest, 'canAddOwnClient', 'canJoinIfPreauthorized', 'canRemoveOwnClient', 'canChangeOwnRole',
    'canReportAbuse', 'canReplyInTopic', 'canDownloadAttachment', 'canChangeOwnName', 'canChangeOwnPresence', 'canChangeOwnAvatar');
  const speaker = plus(attendee, 'canSendMessage', 'canEditOwnMessage', 'canDeleteOwnMessage', 'canStartTopic',
    'canUploadImage', 'canUploadVideo', 'canUploadAudio', 'canUploadAttachment', 'canSendLink', 'canSendLinkPreview');
  const moderator = plus(speaker, 'canAddParticipant', 'canRemoveParticipant', 'canBan', 'canUnban', 'canKick',
    'canChangeUserRole', 'canCreateJoinCode', 'canDeleteJoinCode', 'canDeleteOtherReaction', 'canDeleteOtherMessage',
    'canEditOwnTopic', 'canEditOtherTopic', 'canChangeRoomName', 'canChangeRoomAvatar', 'canChangeRoomSubject', 'canChangeRoomMood');
  const sup = plus(moderator, 'canChangeRoomDescription', 'canChangeRoomMembershipStyle', 'canChangeRoleDefinitions',
    'canChangePreauthorizedUserList', 'canDestroyRoom', 'canSendMLSReinitProposal');
  const all = [0, 1, 2, 3, 4, 5, 6];
  const others = (n: number, upTo: number): [number, number[]] => [n, all.filter((x) => x !== n && x <= upTo)];
  return [
    // The draft gives no_role maximum_active_participants_constraint = null here (kept as written).
    noRole(caps('canUseJoinCode'), [[0, [2, 3]]], undefined),
    banned(),
    role(2, 'guest', guest, {}, [[0, [2]], [2, [0]]]),
    role(3, 'attendee', attendee, {}, [[0, [3]], [3, [0]]]),
    role(4, 'speaker', speaker, {}, [[0, [4]], [4, [0]]]),
    role(5, 'moderator', moderator, { min: 1 }, [0, 1, 2, 3, 4, 5].map((n) => others(n, 5))),
    role(6, 'super_admin', sup, {}, all.map((n) => others(n, 6))),
    enforcer(7, [[0, [1]], [1, [0]], [2, [0, 1]], [3, [0, 1]], [4, [0, 1]], [5, [0, 1]], [6, [0, 1]]]),
  ];
}

// draft-ietf-mimi-room-policy §A.4 Multi-organization administered room.
function multiOrg(): Role[] {
  const bUser = caps('canRemoveSelf', 'canAddOwnClient', 'canRemoveOwnClient', 'canSendMessage', 'canReceiveMessage',
    'canCopyMessage', 'canReportAbuse', 'canReplyInTopic', 'canReactToMessage', 'canDeleteOwnReaction',
    'canEditOwnMessage', 'canSendLink', 'canSendLinkPreview', 'canFollowLink', 'canCopyLink', 'canDownloadImage',
    'canDownloadVideo', 'canDownloadAudio', 'canDownloadAttachment', 'canChangeOwnName', 'canChangeOwnPresence', 'canChangeOwnAvatar');
  const aUser = plus(bUser, 'canChangeOwnRole', 'canJoinIfPreauthorized');
  const bAdmin = plus(bUser, 'canDeleteOwnMessage', 'canStartTopic', 'canUploadImage', 'canUploadVideo', 'canUploadAudio',
    'canUploadAttachment', 'canAddParticipant', 'canRemoveParticipant', 'canBan', 'canKick', 'canChangeUserRole');
  const aAdmin = plus(bAdmin, 'canChangeOwnRole', 'canJoinIfPreauthorized');
  const sup = plus(aAdmin, 'canUnban', 'canDeleteOtherReaction', 'canDeleteOtherMessage', 'canEditOwnTopic', 'canEditOtherTopic',
    'canChangeRoomDescription', 'canChangeRoomName', 'canChangeRoomAvatar', 'canChangeRoomSubject', 'canChangeRoomMood',
    'canChangeRoomMembershipStyle', 'canChangeRoleDefinitions', 'canChangePreauthorizedUserList', 'canDestroyRoom',
    'canSendMLSReinitProposal');
  return [
    noRole(),
    banned(),
    role(2, 'org_a_user', aUser, {}, [[0, [2]], [2, [0]]]),
    role(3, 'org_b_user', bUser, {}, [[0, [3]], [3, [0]]]),
    role(4, 'org_c_user', bUser, {}, [[0, [4]], [4, [0]]]),
    role(5, 'org_a_admin', aAdmin, {}, [[0, [2, 5]], [2, [0, 1, 5]], [5, [0, 1, 2]]]),
    role(6, 'org_b_admin', bAdmin, { min: 1, max: 3, minActive: 1 }, [[0, [3, 6]], [3, [0, 1, 6]], [6, [0, 1, 3]]]),
    role(7, 'org_c_admin', bAdmin, { min: 1, max: 3, minActive: 1 }, [[0, [4, 7]], [4, [0, 1, 7]], [7, [0, 1, 4]]]),
    role(8, 'super_admin', sup, { min: 1, minActive: 1 }, [
      [0, [1, 2, 3, 4, 5, 6, 7, 8]], [1, [0, 2, 3, 4, 5, 6, 7, 8]], [2, [0, 1, 5, 8]], [3, [0, 1, 6]], [4, [0, 1, 7]],
      [5, [0, 1, 2, 8]], [6, [0, 1, 3]], [7, [0, 1, 4]], [8, [0, 1, 2, 5]],
    ]),
    enforcer(9, [[0, [1]], [1, [0]], [3, [0, 1]], [4, [0, 1]], [5, [0, 1]], [6, [0, 1]], [7, [0, 1]], [8, [0, 1]]]),
  ];
}

// mimi-kit: direct-message room (draft-ietf-mimi-room-policy §4: fixed_membership, "most common case a 1:1").
function direct(): Role[] {
  const member = caps('canAddOwnClient', 'canRemoveOwnClient', 'canSendMessage', 'canReceiveMessage', 'canCopyMessage',
    'canReportAbuse', 'canReplyToMessage', 'canReactToMessage', 'canEditReaction', 'canDeleteOwnReaction',
    'canEditOwnMessage', 'canDeleteOwnMessage', 'canStartTopic', 'canReplyInTopic', 'canEditOwnTopic', 'canUploadImage',
    'canUploadVideo', 'canUploadAudio', 'canUploadAttachment', 'canDownloadImage', 'canDownloadVideo', 'canDownloadAudio',
    'canDownloadAttachment', 'canSendLink', 'canSendLinkPreview', 'canFollowLink', 'canCopyLink', 'canChangeOwnName',
    'canChangeOwnPresence', 'canChangeOwnMood', 'canChangeOwnAvatar', 'canStartCall', 'canJoinCall', 'canSendAudio',
    'canReceiveAudio', 'canSendVideo', 'canReceiveVideo', 'canShareScreen', 'canViewSharedScreen');
  return [noRole(), role(2, 'dm_participant', member, { min: 2, max: 2 }, [])];
}

const BUILDERS: Readonly<Record<PresetName, () => Role[]>> = {
  cooperative,
  strict,
  moderated,
  'multi-org': multiOrg,
  direct,
};

/**
 * Role index the creator receives in each preset (the preset's super_admin / dm_participant).
 * @example
 * ```ts
 * import { CREATOR_ROLE } from 'mimi-kit/room';
 * CREATOR_ROLE.moderated; // 6
 * ```
 */
export const CREATOR_ROLE: Readonly<Record<PresetName, number>> = { cooperative: 4, strict: 4, moderated: 6, 'multi-org': 8, direct: 2 };
/**
 * Role index of the policy_enforcer (hub) in each preset.
 * @example
 * ```ts
 * import { ENFORCER_ROLE } from 'mimi-kit/room';
 * ENFORCER_ROLE.direct; // undefined: a direct room has no policy enforcer
 * ```
 */
export const ENFORCER_ROLE: Readonly<Record<PresetName, number | undefined>> = { cooperative: 5, strict: 5, moderated: 7, 'multi-org': 9, direct: undefined };

/**
 * The roles of a preset (a fresh, frozen copy).
 *
 * @param preset - preset name
 * @param options - `knock: true` adds canKnock to role 0 and canAcceptKnock to every role holding canAddParticipant
 * @returns the roles in role_index order
 * @throws {@link MimiError} `room/unknown-preset`
 * @example
 * ```ts
 * presetRoles('cooperative').map((r) => r.name); // ['no_role', 'banned', 'ordinary_user', 'group_admin', 'super_admin', 'policy_enforcer']
 * ```
 */
export function presetRoles(preset: PresetName, options: { knock?: boolean } = {}): readonly Role[] {
  const b = BUILDERS[preset];
  if (!b) throw new MimiError('room/unknown-preset', `unknown preset ${String(preset)}`);
  let roles = b();
  if (options.knock) {
    roles = roles.map((r) => {
      if (r.index === 0) return { ...r, capabilities: [...r.capabilities, Capability.canKnock] };
      if (r.capabilities.includes(Capability.canAddParticipant)) return { ...r, capabilities: [...r.capabilities, Capability.canAcceptKnock] };
      return r;
    });
  }
  return deepFreeze(roles);
}

/** Options of {@link createRoom}. */
export interface CreateRoomOptions {
  readonly preset: PresetName;
  /** URI of the creating user; receives {@link CREATOR_ROLE}. */
  readonly creator: string;
  readonly roomUri?: string;
  readonly name?: string;
  readonly creatorProfile?: UserProfile;
  /** URI of the hub's policy-enforcer user, listed (inactive) with the preset's policy_enforcer role. */
  readonly hub?: string;
  /** Further initial participants (not authorized: the creator sets the initial state). */
  readonly members?: readonly { readonly user: string; readonly role: number; readonly active?: boolean; readonly profile?: UserProfile }[];
  /** Replace the preset's roles. */
  readonly roles?: readonly Role[];
  /** Enable mimi-kit's knock extension (see {@link presetRoles}). */
  readonly knock?: boolean;
  /** Overrides of the base policy. */
  readonly base?: Partial<BaseRoomPolicy>;
  readonly preauth?: readonly PreAuthEntry[];
  readonly joinLinks?: readonly string[];
}

/**
 * Creates a room from a preset.
 *
 * @param options - preset, creator and initial content
 * @returns the frozen room state
 * @throws {@link MimiError} `room/unknown-preset`, `room/invalid-state` (duplicate users, undefined roles, a maximum exceeded)
 * @example
 * ```ts
 * const room = createRoom({ preset: 'moderated', creator: 'mimi://a.example/u/alice', roomUri: 'mimi://a.example/r/town', name: 'Town hall' });
 * ```
 */
export function createRoom(options: CreateRoomOptions): RoomState {
  const roles = options.roles ? options.roles : presetRoles(options.preset, { knock: options.knock ?? false });
  const participants: Participant[] = [
    { user: options.creator, role: CREATOR_ROLE[options.preset], active: true, ...(options.creatorProfile ? { profile: options.creatorProfile } : {}) },
  ];
  const enf = ENFORCER_ROLE[options.preset];
  if (options.hub !== undefined) {
    if (enf === undefined) throw new MimiError('room/invalid-state', `preset ${options.preset} has no policy_enforcer role`);
    participants.push({ user: options.hub, role: enf, active: false });
  }
  for (const m of options.members ?? []) {
    participants.push({ user: m.user, role: m.role, active: m.active ?? true, ...(m.profile ? { profile: m.profile } : {}) });
  }
  const metadata: RoomMetadata = {
    roomUri: options.roomUri ?? '',
    name: options.name ?? '',
    descriptions: [],
    avatar: '',
    subject: '',
    mood: '',
  };
  const direct = options.preset === 'direct';
  const base: BaseRoomPolicy = {
    fixedMembership: direct,
    parentDependent: false,
    parentRoom: '',
    multiDevice: true,
    pseudonymsAllowed: false,
    persistentRoom: true,
    discoverable: false,
    policyComponentIds: [ComponentId.roles_list, ComponentId.preauth_list],
    ...(options.base ?? {}),
  };
  const state: RoomState = {
    participants,
    roles,
    metadata,
    policy: {
      base,
      preauth: options.preauth ?? [],
      ...(options.joinLinks ? { joinLinks: options.joinLinks } : {}),
    },
    knocks: [],
    otherComponents: [],
  };
  assertValidState(state);
  return deepFreeze(structuredCloneState(state));
}

/**
 * Creates a direct-message room: fixed membership, exactly two users with role `dm_participant`.
 *
 * @param a - first user URI (the creator)
 * @param b - second user URI
 * @param options - room URI and name
 * @returns the frozen room state
 * @throws {@link MimiError} `room/invalid-direct-room` when `a === b`
 * @example
 * ```ts
 * const dm = createDirectRoom('mimi://a.example/u/alice', 'mimi://b.example/u/bob');
 * ```
 */
export function createDirectRoom(a: string, b: string, options: { roomUri?: string; name?: string } = {}): RoomState {
  if (a === b) throw new MimiError('room/invalid-direct-room', 'a direct-message room needs two distinct users');
  return createRoom({ preset: 'direct', creator: a, members: [{ user: b, role: 2 }], ...options });
}

function structuredCloneState(s: RoomState): RoomState {
  // Copy arrays/objects so that caller-owned inputs are never frozen by us.
  return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (v instanceof Uint8Array ? { __bytes: Array.from(v) } : v)), (_k, v: unknown) =>
    v !== null && typeof v === 'object' && '__bytes' in v ? new Uint8Array((v as { __bytes: number[] }).__bytes) : v,
  ) as RoomState;
}
