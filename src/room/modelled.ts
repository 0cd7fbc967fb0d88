/**
 * The components that `RoomState` models as fields (internal: not re-exported).
 *
 * @module
 */
import { ComponentId } from './registry.js';

/** Component IDs that `RoomState` models as fields (internal); `otherComponents` never carries them. */
export const MODELLED_COMPONENTS = new Set<number>([
  ComponentId.participant_list,
  ComponentId.room_metadata,
  ComponentId.roles_list,
  ComponentId.preauth_list,
  ComponentId.base_room_policy,
  ComponentId.status_notification_policy,
  ComponentId.join_link_policy,
  ComponentId.join_links,
  ComponentId.logging_policy,
  ComponentId.chat_history_policy,
  ComponentId.message_expiration_policy,
  ComponentId.user_profiles,
  ComponentId.knock_list,
]);
