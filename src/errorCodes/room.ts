/**
 * Error codes of room state, policy and the authorization engine (`src/room`,
 * draft-ietf-mimi-room-policy-04). The refusal codes of `authorize` (`REFUSAL_CODES` of `mimi-kit/room`)
 * are among them.
 *
 * @module
 */

/**
 * Every code raised or returned by `mimi-kit/room`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { ROOM_ERROR_CODES } from 'mimi-kit';
 * ROOM_ERROR_CODES['room/missing-capability']; // 'the actor\'s role lacks the capability the action needs'
 * ```
 */
export const ROOM_ERROR_CODES = {
  'room/already-knocking': 'the user is already knocking',
  'room/already-participant': 'the user is already a participant',
  'room/banned': 'the actor is banned from the room',
  'room/component-required': 'a commit removes a component the room cannot lack (participant_list, roles_list)',
  'room/duplicate-component': 'a component appears twice in the app_data_dictionary',
  'room/duplicate-join-link': 'the join link already exists',
  'room/duplicate-metadata-update': 'more than one room_metadata update in one commit',
  'room/duplicate-update': 'a component whose update replaces its whole data is updated twice in one commit',
  'room/duplicate-user': 'a user is changed more than once, or added twice, in one commit',
  'room/fixed-membership': 'users cannot be added to or leave a fixed-membership room',
  'room/immutable-field': 'a room field that cannot change (room_uri, …)',
  'room/index-out-of-range': 'a participant or join-link index outside its list',
  'room/invalid-direct-room': 'a direct-message room without two distinct users',
  'room/invalid-join-code': 'the join code is not an active join link of the room',
  'room/invalid-json': 'the JSON form of room state has the wrong shape',
  'room/invalid-policy': 'a policy change that leaves the room policy invalid',
  'room/invalid-roles': 'a roles change that leaves the roles list invalid',
  'room/invalid-state': 'room state that breaks an invariant of the room policy draft',
  'room/invalid-update-op': 'a component remove combined with other updates of that component',
  'room/invalid-value': 'a field value outside the values the draft defines',
  'room/max-active-participants': 'the target role would exceed its maximum of active participants',
  'room/max-participants': 'the target role would exceed its maximum of participants',
  'room/max-users': 'the room would exceed its maximum of non-banned users',
  'room/min-active-participants': 'the source role would fall below its minimum of active participants',
  'room/min-participants': 'the source role would fall below its minimum of participants',
  'room/missing-capability': "the actor's role lacks the capability the action needs",
  'room/missing-component': 'the app_data_dictionary lacks a required component',
  'room/no-banned-role': 'the room has no role 1 named "banned" to ban into',
  'room/no-change': 'the user already has that role',
  'room/no-knock': 'the user is not knocking',
  'room/not-active': 'the user has no clients in the group',
  'room/not-banned': 'the user is not banned',
  'room/not-own-profile': "a user changes another user's profile or knock",
  'room/not-participant': 'the user is not a participant',
  'room/not-preauthorized': 'no preauthorization entry matches the joiner and role',
  'room/preauth-and-participants-together': 'preauth_list changes in a commit that also adds participants',
  'room/role-change-not-authorized': "the actor's role may not move a user between these roles",
  'room/roles-and-participants-together': 'roles_list and participant_list change in the same commit',
  'room/self-target': 'an action on oneself that has its own operation (join, leave)',
  'room/single-device': 'the room allows one client per user',
  'room/target-banned': 'the target user is banned',
  'room/unknown-component': 'a component ID mimi-kit does not know',
  'room/unknown-preset': 'an unknown room preset name',
  'room/unknown-role': 'a role index that is not defined (or role 0 for an added participant)',
  'room/unsorted-components': 'app_data_dictionary components not in ascending ID order',
  'room/not-member': 'a commit or proposal names a sender, committer or removed leaf that is not a member of the group',
  'room/proposal-not-allowed': 'a proposal type the room does not accept from that sender or in that position (ReInit, PSK, ExternalInit, custom)',
  'room/invalid-commit': 'a commit that breaks RFC 9420 §12.2 (two GroupContextExtensions, two changes to one leaf, removing or updating the committer) or whose room state no participant-list update produces',
  'room/identity-change': "an Update or UpdatePath leaf that changes the member's user or client URI (RFC 9420 §5.3.1 successor)",
  'room/extension-not-allowed': 'a GroupContextExtensions proposal that adds, removes or changes an extension other than the room state, or the required app_components',
  'room/clients-not-removed': 'a removed or banned user keeps clients in the group after the commit',
  'room/duplicate-client': 'a client URI would be in the group twice',
} as const satisfies Record<`room/${string}`, string>;

/** A code of {@link ROOM_ERROR_CODES}. */
export type RoomErrorCode = keyof typeof ROOM_ERROR_CODES;
