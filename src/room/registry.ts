/**
 * Every number the room module puts on the wire, in one place.
 *
 * All of them are the drafts' *suggested* values (IANA has assigned none yet):
 * draft-ietf-mls-extensions §8 (extension and proposal types), draft-ietf-mimi-protocol §9
 * (participant_list, room_metadata), draft-ietf-mimi-room-policy §7 (policy components and the
 * MIMI Role Capabilities registry). Private-use values (0x8000–0xFFFF, draft-ietf-mls-extensions
 * §8 component registry) are mimi-kit's own, see docs/decisions.md (Room).
 *
 * @module
 */

/**
 * MLS extension type of `app_data_dictionary` (draft-ietf-mls-extensions §8, suggested 0x0006).
 * @example
 * ```ts
 * import { EXTENSION_APP_DATA_DICTIONARY } from 'mimi-kit/room';
 * EXTENSION_APP_DATA_DICTIONARY; // 6 (0x0006, suggested value)
 * ```
 */
export const EXTENSION_APP_DATA_DICTIONARY = 0x0006;
/**
 * MLS proposal type of AppDataUpdate (draft-ietf-mls-extensions §8, suggested 0x0008).
 * @example
 * ```ts
 * import { PROPOSAL_APP_DATA_UPDATE } from 'mimi-kit/room';
 * PROPOSAL_APP_DATA_UPDATE; // 8 (0x0008, suggested value)
 * ```
 */
export const PROPOSAL_APP_DATA_UPDATE = 0x0008;

/**
 * MLS component IDs (suggested values; private-use ones marked).
 * @example
 * ```ts
 * import { ComponentId } from 'mimi-kit/room';
 * ComponentId.participant_list; // 0x0022
 * ```
 */
export const ComponentId = {
  /** draft-ietf-mimi-protocol §9, suggested. */
  frank_aad: 0x0020,
  /** draft-ietf-mimi-protocol §9, suggested. */
  franking_signature_key: 0x0021,
  /** draft-ietf-mimi-protocol §9 (ParticipantListData), suggested. */
  participant_list: 0x0022,
  /** draft-ietf-mimi-protocol §9 (RoomMetaData), suggested. */
  room_metadata: 0x0023,
  /** draft-ietf-mimi-room-policy §7 TBD0, suggested. */
  mls_operational_policy: 0x0024,
  /** draft-ietf-mimi-room-policy §7 TBD1 (RoleData), suggested. */
  roles_list: 0x0025,
  /** draft-ietf-mimi-room-policy §7 TBD2 (PreAuthData), suggested. */
  preauth_list: 0x0026,
  /** draft-ietf-mimi-room-policy §7 TBD3 (BaseRoomPolicy), suggested. */
  base_room_policy: 0x0027,
  /** draft-ietf-mimi-room-policy §7 TBD4, suggested. */
  status_notification_policy: 0x0028,
  /** draft-ietf-mimi-room-policy §7 TBD5, suggested. */
  join_link_policy: 0x0029,
  /** draft-ietf-mimi-room-policy §7 TBD6, suggested. */
  join_links: 0x002a,
  /** draft-ietf-mimi-room-policy §7 TBD7, suggested (kept opaque by mimi-kit). */
  link_preview_policy: 0x002b,
  /** draft-ietf-mimi-room-policy §7 TBD8, suggested (kept opaque by mimi-kit). */
  asset_policy: 0x002c,
  /** draft-ietf-mimi-room-policy §7 TBD9, suggested. */
  logging_policy: 0x002d,
  /** draft-ietf-mimi-room-policy §7 TBD10, suggested. */
  chat_history_policy: 0x002e,
  /** draft-ietf-mimi-room-policy §7 TBD11, suggested (kept opaque by mimi-kit). */
  bot_policy: 0x002f,
  /** draft-ietf-mimi-room-policy §7 TBD12, suggested. */
  message_expiration_policy: 0x0030,
  /** mimi-kit private use: display name and avatar per user (no draft defines one). */
  user_profiles: 0x8022,
  /** mimi-kit private use: pending knocks (draft-ietf-mimi-protocol issue #38: no knock state yet). */
  knock_list: 0x8023,
} as const;
/** Name of a known component. */
export type ComponentName = keyof typeof ComponentId;

/**
 * The MIMI Role Capabilities registry of draft-ietf-mimi-room-policy §7.2 (-04), all values.
 * `(reserved)` ones are named too; canRevokeVoice / canGrantVoice are used by the draft's
 * examples but are not in the registry: mimi-kit gives them private-use values (0xF000, 0xF001).
 * @example
 * ```ts
 * import { Capability } from 'mimi-kit/room';
 * Capability.canAddParticipant; // 0x0000
 * ```
 */
export const Capability = {
  canAddParticipant: 0x0000,
  canRemoveParticipant: 0x0001,
  canAddOwnClient: 0x0002,
  canRemoveOwnClient: 0x0003,
  canOpenJoin: 0x0004,
  canJoinIfPreauthorized: 0x0005,
  canRemoveSelf: 0x0006,
  /** reserved */
  canCreateJoinCode: 0x0007,
  /** reserved */
  canDeleteJoinCode: 0x0008,
  canUseJoinCode: 0x0009,
  canBan: 0x000a,
  /** registry spelling `canUnBan`; the text also says `canUnban` (same value). */
  canUnban: 0x000b,
  canKick: 0x000c,
  /** reserved; mimi-kit uses it for its knock extension */
  canKnock: 0x000d,
  /** reserved; mimi-kit uses it for its knock extension */
  canAcceptKnock: 0x000e,
  canChangeUserRole: 0x000f,
  canChangeOwnRole: 0x0010,
  /** reserved */
  canCreateSubgroup: 0x0011,
  canSendMessage: 0x0100,
  canReceiveMessage: 0x0101,
  canCopyMessage: 0x0102,
  canReportAbuse: 0x0103,
  canReplyToMessage: 0x0104,
  canReactToMessage: 0x0105,
  canEditReaction: 0x0106,
  canDeleteOwnReaction: 0x0107,
  canDeleteOtherReaction: 0x0108,
  canEditOwnMessage: 0x0109,
  canDeleteOwnMessage: 0x010a,
  canDeleteOtherMessage: 0x010b,
  canStartTopic: 0x010c,
  canReplyInTopic: 0x010d,
  canEditOwnTopic: 0x010e,
  canEditOtherTopic: 0x010f,
  /** reserved */
  canSendDirectMessage: 0x0110,
  /** reserved */
  canTargetMessage: 0x0111,
  canUploadImage: 0x0200,
  canUploadAudio: 0x0201,
  canUploadVideo: 0x0202,
  canUploadAttachment: 0x0203,
  canDownloadImage: 0x0204,
  canDownloadAudio: 0x0205,
  canDownloadVideo: 0x0206,
  canDownloadAttachment: 0x0207,
  canSendLink: 0x0208,
  canSendLinkPreview: 0x0209,
  canFollowLink: 0x020a,
  canCopyLink: 0x020b,
  canChangeRoomName: 0x0300,
  canChangeRoomDescription: 0x0301,
  canChangeRoomAvatar: 0x0302,
  canChangeRoomSubject: 0x0303,
  canChangeRoomMood: 0x0304,
  /** reserved (used by the draft's examples) */
  canChangeOwnName: 0x0380,
  /** reserved (used by the draft's examples) */
  canChangeOwnPresence: 0x0381,
  /** reserved (used by the draft's examples) */
  canChangeOwnMood: 0x0382,
  /** reserved (used by the draft's examples) */
  canChangeOwnAvatar: 0x0383,
  canStartCall: 0x0400,
  canJoinCall: 0x0401,
  canSendAudio: 0x0402,
  canReceiveAudio: 0x0403,
  canSendVideo: 0x0404,
  canReceiveVideo: 0x0405,
  canShareScreen: 0x0406,
  canViewSharedScreen: 0x0407,
  /** reserved */
  canCreateRoom: 0x0500,
  canDestroyRoom: 0x0501,
  canChangeRoomMembershipStyle: 0x0502,
  canChangeRoleDefinitions: 0x0503,
  canChangePreauthorizedUserList: 0x0504,
  /** reserved */
  canChangeOtherPolicyAttribute: 0x0505,
  /** reserved */
  canChangeMlsOperationalPolicies: 0x0600,
  canSendMLSReinitProposal: 0x0601,
  /** reserved */
  canSendMLSUpdateProposal: 0x0602,
  /** reserved */
  canSendMLSPSKProposal: 0x0603,
  /** reserved */
  canSendMLSExternalProposal: 0x0604,
  /** reserved */
  canSendMLSExternalCommit: 0x0605,
  /** Not in the registry (draft defect): mimi-kit private use. */
  canRevokeVoice: 0xf000,
  /** Not in the registry (draft defect): mimi-kit private use. */
  canGrantVoice: 0xf001,
} as const;
/** Name of a capability. */
export type CapabilityName = keyof typeof Capability;

const CAPABILITY_NAMES = new Map<number, CapabilityName>(
  (Object.entries(Capability) as [CapabilityName, number][]).map(([k, v]) => [v, k]),
);

/**
 * Name of a capability value.
 *
 * @param value - the CapabilityType
 * @returns the registry name, or `0x....` for an unknown value
 * @example
 * ```ts
 * capabilityName(0x000a); // 'canBan'
 * ```
 */
export function capabilityName(value: number): string {
  return CAPABILITY_NAMES.get(value) ?? `0x${value.toString(16).padStart(4, '0')}`;
}

/**
 * role_index 0: not (yet / any more) in the participant list (draft-ietf-mimi-room-policy §2).
 * @example
 * ```ts
 * import { ROLE_NO_ROLE } from 'mimi-kit/room';
 * ROLE_NO_ROLE; // 0: an invite is the change 0 -> role
 * ```
 */
export const ROLE_NO_ROLE = 0;
/**
 * role_index 1: the "banned" role, when it exists (draft-ietf-mimi-room-policy §6.1.3 canBan).
 * @example
 * ```ts
 * import { ROLE_BANNED } from 'mimi-kit/room';
 * ROLE_BANNED; // 1: a ban is the change role -> 1
 * ```
 */
export const ROLE_BANNED = 1;
/**
 * The role_name the banned role must carry.
 * @example
 * ```ts
 * import { BANNED_ROLE_NAME } from 'mimi-kit/room';
 * BANNED_ROLE_NAME; // 'banned'
 * ```
 */
export const BANNED_ROLE_NAME = 'banned';

/**
 * draft-ietf-mimi-room-policy §5.1 Optionality. The select arms of the draft say `mandatory`;
 * mimi-kit reads it as `required` (1).
 * @example
 * ```ts
 * import { Optionality } from 'mimi-kit/room';
 * Optionality.required; // 1
 * ```
 */
export const Optionality = { optional: 0, required: 1, forbidden: 2 } as const;
/** An Optionality name. */
export type OptionalityName = keyof typeof Optionality;
