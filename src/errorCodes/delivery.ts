/**
 * Error codes of the delivery layer (`src/delivery`: hub, follower, stores; draft-ietf-mimi-protocol-06 §5).
 * Refusals the draft gives a response code for (`wrongEpoch`, `notAllowed`, `invalidProposal`, `epochTooOld`)
 * are response values, not errors; these codes are for input no response code covers.
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/delivery`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { DELIVERY_ERROR_CODES } from 'mimi-kit';
 * DELIVERY_ERROR_CODES['delivery/no-such-room']; // 'the hub or follower holds no room with this id'
 * ```
 */
export const DELIVERY_ERROR_CODES = {
  'delivery/bad-request': 'a request field is missing, of the wrong type, or outside its bound (ids, sequence numbers, limits, sizes)',
  'delivery/conflict': 'an event arrives with a sequence number already held for a different event of the room',
  'delivery/driver-missing': 'the database driver a store needs (better-sqlite3, pg) is not installed',
  'delivery/store-unavailable': 'the database server cannot be reached or refused the work (PostgreSQL store)',
  'delivery/corrupt-store': 'a stored record cannot be read back (the data directory is damaged or not ours)',
  'delivery/not-allowed': 'the requesting provider is not a follower of the room (history, group info)',
  'delivery/no-such-room': 'the hub or follower holds no room with this id',
  'delivery/room-exists': 'a room with this id already exists on the hub',
  'delivery/store-closed': 'the store was closed',
  'delivery/wrong-hub': 'a fanout for a room comes from a provider other than the room\'s hub',
} as const satisfies Record<`delivery/${string}`, string>;

/** A code of {@link DELIVERY_ERROR_CODES}. */
export type DeliveryErrorCode = keyof typeof DELIVERY_ERROR_CODES;
