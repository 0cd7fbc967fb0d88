/**
 * Room state: participant list, roles and policy, room metadata (draft-ietf-mimi-protocol §8,
 * draft-ietf-mimi-room-policy), their TLS encodings inside the MLS `app_data_dictionary` extension
 * (draft-ietf-mls-extensions §4.6–4.7), and an authorization engine.
 *
 * Stable entry points for the MLS adapter:
 * - {@link encodeAppDataDictionary} / {@link decodeAppDataDictionary}: extension_data of extension 0x0006;
 * - {@link applyRoomOperation} / {@link planRoomOperation}: local operations → new state + updates;
 * - {@link applyAppDataUpdates}: a commit's AppDataUpdate proposals → new state (authorized, atomic);
 * - {@link authorize}: may this actor do this, and why not;
 * - {@link checkRoomCommit} / {@link checkRoomProposal}: a commit's proposals (decoded by the caller) → the group after it, or a typed refusal (members and the hub);
 * - {@link diffRoomStates}: which users were added / removed / role-changed;
 * - {@link createRoom}, {@link createDirectRoom}: presets.
 *
 * @module
 */
export * from './types.js';
export * from './registry.js';
export {
  encodeParticipantList,
  decodeParticipantList,
  encodeParticipantListUpdate,
  decodeParticipantListUpdate,
  encodeRoomMetadata,
  decodeRoomMetadata,
  encodeRoles,
  decodeRoles,
  encodePreauth,
  decodePreauth,
  encodeBaseRoomPolicy,
  decodeBaseRoomPolicy,
  encodeStatusNotificationPolicy,
  decodeStatusNotificationPolicy,
  encodeJoinLinkPolicy,
  decodeJoinLinkPolicy,
  encodeJoinLinks,
  decodeJoinLinks,
  encodeJoinLinksUpdate,
  decodeJoinLinksUpdate,
  encodeLoggingPolicy,
  decodeLoggingPolicy,
  encodeHistoryPolicy,
  decodeHistoryPolicy,
  encodeMessageExpirationPolicy,
  decodeMessageExpirationPolicy,
  encodeUserProfiles,
  decodeUserProfiles,
  encodeKnocks,
  decodeKnocks,
  encodeComponentDictionary,
  decodeComponentDictionary,
  encodeAppDataUpdate,
  decodeAppDataUpdate,
  type JoinLinksUpdate,
  type UserProfileEntry,
} from './components.js';
export {
  encodeAppDataDictionary,
  decodeAppDataDictionary,
  roomComponents,
  roomStateViolations,
  assertValidState,
  diffRoomStates,
  findRole,
  findParticipant,
  roleOf,
  profileOf,
  type DecodeRoomOptions,
  type RoomStateDiff,
} from './state.js';
export { authorize, applyRoomOperation, planRoomOperation, basePolicyViolation, type OperationResult } from './engine.js';
export {
  MESSAGE_ACTIONS,
  type MessageAction,
  type RoomOperation,
  type RoomAction,
  type RoomMetadataChanges,
  type OptionalPolicies,
} from './actions.js';
export {
  throwRefusal,
  REFUSAL_CODES,
  type Refusal,
  type RefusalCode,
  type ViolatedConstraint,
  type Authorization,
} from './refusals.js';
export { firstPreauthMatch } from './checks.js';
export { type JoinContext } from './transition.js';
export { participantListUpdate, encodeAppDataUpdates } from './operationUpdates.js';
export { applyAppDataUpdates, applyParticipantListUpdate, type ApplyOptions, type ApplyResult } from './apply.js';
export {
  checkRoomCommit,
  checkRoomProposal,
  checkCommitValidity,
  newGroupView,
  ALLOWED_PROPOSALS,
  ProposalType,
  APP_DATA_DICTIONARY_EXTENSION,
  APP_COMPONENTS_COMPONENT,
  type ProposalTypeName,
  type ProposalPosition,
  type GroupMember,
  type GroupExtension,
  type GroupView,
  type ProposalBody,
  type CommitProposal,
  type CommitInput,
  type CommitRefusal,
  type CommitAccepted,
  type CommitCheck,
} from './commit.js';
export {
  createRoom,
  createDirectRoom,
  presetRoles,
  PRESET_NAMES,
  CREATOR_ROLE,
  ENFORCER_ROLE,
  type PresetName,
  type CreateRoomOptions,
} from './presets.js';
export { roomStateToJson, roomStateFromJson } from './json.js';
export { MimiError, type Result } from '../errors.js';
