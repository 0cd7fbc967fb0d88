/**
 * The data model of a MIMI room: participant list, roles, policy components and metadata
 * (draft-ietf-mimi-protocol §8.5–8.6, draft-ietf-mimi-room-policy §2–5).
 *
 * Every object here is treated as immutable: the functions of this module never mutate their
 * inputs and return deep-frozen results.
 *
 * @module
 */
import type { OptionalityName } from './registry.js';

/** Display profile of a user (mimi-kit private-use component `user_profiles`, see docs/decisions.md (Room)). */
export interface UserProfile {
  /** Human-readable display name. */
  readonly displayName?: string;
  /** URI of an avatar image. */
  readonly avatar?: string;
}

/** One entry of the participant list (draft-ietf-mimi-protocol §8.5 UserRolePair) plus local facts. */
export interface Participant {
  /** The user's URI (`mimi://…/u/…`), the `user` field. */
  readonly user: string;
  /** `role_index` (never 0 inside the list). */
  readonly role: number;
  /**
   * Whether the user has at least one client in the MLS group (an "active participant").
   * Not on the wire: the MLS layer knows it (see `DecodeOptions.activeUsers`).
   */
  readonly active: boolean;
  /** Display name / avatar, when set. */
  readonly profile?: UserProfile;
}

/** draft-ietf-mimi-room-policy §2 SingleSourceRoleChangeTargets. */
export interface RoleChangeTargets {
  readonly from: number;
  readonly to: readonly number[];
}

/** draft-ietf-mimi-room-policy §2 Role. */
export interface Role {
  readonly index: number;
  readonly name: string;
  readonly description: string;
  /** CapabilityType values (see `Capability`). */
  readonly capabilities: readonly number[];
  readonly minParticipants: number;
  readonly maxParticipants?: number;
  readonly minActive: number;
  readonly maxActive?: number;
  readonly authorizedRoleChanges: readonly RoleChangeTargets[];
}

/** draft-ietf-mimi-protocol §8.6 RichDescription. */
export interface RichDescription {
  /** Empty = text/plain;charset=utf-8. */
  readonly mediaType: string;
  readonly languageTag: string;
  readonly content: string;
}

/** draft-ietf-mimi-protocol §8.6 RoomMetaData. */
export interface RoomMetadata {
  readonly roomUri: string;
  readonly name: string;
  readonly descriptions: readonly RichDescription[];
  /** https URI of the room avatar, or empty. */
  readonly avatar: string;
  /** The room's subject / topic. */
  readonly subject: string;
  readonly mood: string;
}

/** draft-ietf-mimi-room-policy §4 BaseRoomPolicy. */
export interface BaseRoomPolicy {
  readonly fixedMembership: boolean;
  readonly parentDependent: boolean;
  /** Room URI of the parent, empty unless parentDependent. */
  readonly parentRoom: string;
  readonly multiDevice: boolean;
  readonly maxClients?: number;
  readonly maxUsers?: number;
  readonly pseudonymsAllowed: boolean;
  readonly persistentRoom: boolean;
  readonly discoverable: boolean;
  /** Component IDs of the room's policy components. */
  readonly policyComponentIds: readonly number[];
}

/** draft-ietf-mimi-room-policy §3 Claim (ClaimId flattened). */
export interface Claim {
  /** MLS CredentialType. */
  readonly credentialType: number;
  /** Claim identifier bytes (OID, JWT claim name, CWT key). */
  readonly id: Uint8Array;
  readonly value: Uint8Array;
}

/** draft-ietf-mimi-room-policy §3 PreAuthRoleEntry. */
export interface PreAuthEntry {
  /** All must match. */
  readonly claims: readonly Claim[];
  /** The role granted; only `targetRole.index` is used for authorization (see decisions). */
  readonly targetRole: Role;
}

/** draft-ietf-mimi-room-policy §5.1 StatusNotificationPolicy. */
export interface StatusNotificationPolicy {
  readonly deliveryNotifications: OptionalityName;
  readonly readReceipts: OptionalityName;
}

/** draft-ietf-mimi-room-policy §5.2 JoinLinkPolicy. */
export interface JoinLinkPolicy {
  readonly onRequest: boolean;
  readonly joinLink: string;
  readonly multiuser: boolean;
  /** Seconds a new link stays valid. */
  readonly expiration: number;
}

/** draft-ietf-mimi-room-policy §5.5 LoggingPolicy (fields empty when forbidden). */
export interface LoggingPolicy {
  readonly logging: OptionalityName;
  readonly loggingClients: readonly string[];
  readonly machineReadablePolicy: string;
  readonly humanReadablePolicy: string;
}

/** draft-ietf-mimi-room-policy §5.6 HistoryPolicy (fields empty when forbidden). */
export interface HistoryPolicy {
  readonly historySharing: OptionalityName;
  readonly rolesThatCanShare: readonly number[];
  readonly automaticallyShare: boolean;
  readonly maxTimePeriod: number;
}

/** draft-ietf-mimi-room-policy §5.8 MessageExpiration (fields zero when forbidden). */
export interface MessageExpirationPolicy {
  readonly expiringMessages: OptionalityName;
  readonly minExpirationDuration: number;
  readonly maxExpirationDuration: number;
  readonly defaultExpirationDuration?: number;
}

/** The policy components of a room; absent ones are not in the app_data_dictionary. */
export interface RoomPolicy {
  readonly base?: BaseRoomPolicy;
  readonly preauth?: readonly PreAuthEntry[];
  readonly statusNotifications?: StatusNotificationPolicy;
  readonly joinLinkPolicy?: JoinLinkPolicy;
  /** Active join links / codes (JoinLinksData). */
  readonly joinLinks?: readonly string[];
  readonly logging?: LoggingPolicy;
  readonly history?: HistoryPolicy;
  readonly messageExpiration?: MessageExpirationPolicy;
}

/** A pending knock (mimi-kit extension, private-use component `knock_list`). */
export interface Knock {
  readonly user: string;
}

/** A component mimi-kit carries opaquely (link preview, assets, bots, operational, or unknown). */
export interface OpaqueComponent {
  readonly componentId: number;
  readonly data: Uint8Array;
}

/**
 * The whole state of a room as carried in the app_data_dictionary GroupContext extension.
 * States returned by this module are deep-frozen and share unchanged parts with their inputs
 * (build your own states as plain objects; they may be frozen when passed through an operation).
 */
export interface RoomState {
  /** The participant list, in wire order (indexes are positions here). */
  readonly participants: readonly Participant[];
  /** roles_list, in wire order. */
  readonly roles: readonly Role[];
  readonly metadata?: RoomMetadata;
  readonly policy: RoomPolicy;
  readonly knocks: readonly Knock[];
  /** Components kept as bytes, sorted by componentId. */
  readonly otherComponents: readonly OpaqueComponent[];
  /**
   * IDs of the list components `user_profiles` (0x8022) / `knock_list` (0x8023) that are present on the
   * wire although they hold no entry (ascending). draft-ietf-mls-extensions §4.6–4.7 tells an empty
   * component from an absent one, so the state keeps the difference and re-encodes byte for byte;
   * an ID is only listed while its list is empty (docs/decisions.md (Room) #32).
   */
  readonly emptyComponents?: readonly number[];
}

/** draft-ietf-mimi-protocol §8.5 UserRolePair. */
export interface UserRolePair {
  readonly user: string;
  readonly role: number;
}

/** draft-ietf-mimi-protocol §8.5 ParticipantListUpdate. Indexes refer to the list before the update. */
export interface ParticipantListUpdate {
  readonly changedRoles: readonly { readonly index: number; readonly role: number }[];
  readonly removedIndices: readonly number[];
  readonly added: readonly UserRolePair[];
}

/** draft-ietf-mls-extensions §4.7 AppDataUpdate (the proposal body). */
export type AppDataUpdate =
  | { readonly componentId: number; readonly op: 'update'; readonly update: Uint8Array }
  | { readonly componentId: number; readonly op: 'remove' };

/** draft-ietf-mls-extensions §4.6 ComponentData. */
export interface ComponentData {
  readonly componentId: number;
  readonly data: Uint8Array;
}
