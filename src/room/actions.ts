/**
 * What an actor may ask the authorization engine for: the state-changing {@link RoomOperation}s
 * (draft-ietf-mimi-room-policy §6.1–6.2, mimi-kit's knocks), the message-level actions with the
 * capability each needs (§6.3–6.5), and the wider {@link RoomAction} that `authorize` judges.
 *
 * @module
 */
import type { CapabilityName } from './registry.js';
import type {
  BaseRoomPolicy,
  Claim,
  HistoryPolicy,
  JoinLinkPolicy,
  LoggingPolicy,
  MessageExpirationPolicy,
  PreAuthEntry,
  RichDescription,
  Role,
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
