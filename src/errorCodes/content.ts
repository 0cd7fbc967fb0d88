/**
 * Error codes of the MIMI content format (`src/content`, draft-ietf-mimi-content-09; meanings cite its section names), its JSON form and
 * message-status reports (draft-mahy-mimi-message-status-01).
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/content`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { CONTENT_ERROR_CODES } from 'mimi-kit';
 * CONTENT_ERROR_CODES['content/invalid-salt']; // 'the salt is not a 16-octet byte string (Message Behavior Fields)'
 * ```
 */
export const CONTENT_ERROR_CODES = {
  'content/bad-encryption-params': 'ExternalPart encryption key or nonce inconsistent with encAlg (External content)',
  'content/bad-structure': 'a field of the wrong type, or an array with the wrong number of items',
  'content/cid-not-found': 'a cid: URI names a part index the message does not have',
  'content/cid-not-leaf': 'a cid: URI names a part that is not a SinglePart or ExternalPart',
  'content/content-hash-length': 'an ExternalPart contentHash whose length does not fit hashAlg (External content)',
  'content/expired': 'an absolute expiry not after the hub timestamp (Message Behavior Fields: expires)',
  'content/expiry-too-far': 'an expiry further away than the configured limit (Message Behavior Fields: expires)',
  'content/extension-too-deep': 'an extension value nested deeper than the limit (Depth restrictions)',
  'content/invalid-cid': 'not a MIMI part reference (cid:<partIndex>@local.invalid)',
  'content/invalid-disposition': 'a disposition that is not an integer 0..255 (Message Bodies)',
  'content/invalid-expiration': 'expires is neither null nor [bool, uint32] (Message Behavior Fields: expires)',
  'content/invalid-extension-key': 'an extension key that is not an integer or a 1..255-octet text (Extension Fields)',
  'content/invalid-extensions': 'mimiExtensions is not a map (Message Behavior Fields)',
  'content/invalid-language': 'a language that is not a text string (Message Bodies)',
  'content/invalid-mention-uri': 'a mention target not usable as a link',
  'content/invalid-message-id': 'replaces or inReplyTo is neither null nor a 32-octet MessageId (Message Behavior Fields)',
  'content/invalid-room-uri': 'extension 2 (roomUri) is not text (Extension Fields)',
  'content/invalid-salt': 'the salt is not a 16-octet byte string (Message Behavior Fields)',
  'content/invalid-salt-input': 'an empty or non-bytes input to the salt derivation',
  'content/invalid-sender-uri': 'extension 1 (senderUri) is not text (Extension Fields)',
  'content/invalid-topic-id': 'topicId is not a byte string (Message Behavior Fields)',
  'content/missing-room-uri': 'a message ID needs a room URI and none was given nor carried (Message ID)',
  'content/missing-sender-uri': 'a message ID needs a sender URI and none was given nor carried (Message ID)',
  'content/multipart-too-few-parts': 'a MultiPart with fewer than two parts (Message Bodies)',
  'content/no-random': 'crypto.getRandomValues is not available to generate a salt',
  'content/room-uri-too-long': 'a room URI longer than a 16-bit length allows in the message ID input (Message ID)',
  'content/sender-uri-too-long': 'a sender URI longer than a 16-bit length allows in the message ID input (Message ID)',
  'content/too-deep': 'parts nested deeper than the limit (Depth restrictions)',
  'content/too-many-parts': 'more parts than the limit',
  'content/topic-too-long': 'a topicId longer than the limit',
  'content/unexpected-null-part': 'a NullPart other than the whole body of a replacing message (Message Bodies)',
  'content/unknown-cardinality': 'a part cardinality other than nullpart, single, external, multi (Message Bodies)',
  'content/unknown-hash-alg': 'an ExternalPart hashAlg not in the IANA registry (External content)',
  'content/unknown-message-id-alg': 'a referenced MessageId whose first octet is not a known hash algorithm (Message ID)',
  'content/unknown-part-semantics': 'a partSemantics other than chooseOne, singleUnit, processAll (Message Bodies)',
  'json/bad-structure': 'the JSON form of a message has the wrong shape',
  'json/duplicate-key': 'a key appears twice in the JSON form of a map',
  'json/invalid-extension-key': 'a JSON extension key with a bad "#" or "\\" escape',
  'json/invalid-hex': 'a JSON byte string that is not even-length hex',
  'json/invalid-number': 'a JSON number that is not a safe integer, or a bad float form',
  'json/invalid-text': 'a JSON string with a lone surrogate, which UTF-8 cannot carry (draft-ietf-mimi-content §7.2)',
  'json/invalid-value': 'a JSON value that maps to no CBOR value',
  'json/syntax': 'the input is not JSON',
  'json/too-deep': 'a JSON value nested more than 64 levels',
  'json/unencodable': 'a value that has no JSON form',
  'status/bad-structure': 'a message-status report or entry of the wrong shape',
  'status/invalid-message-id': 'a status entry whose messageId is not a 32-octet byte string',
  'status/invalid-status': 'a status that is not an integer 0..255',
} as const satisfies Record<`${'content' | 'json' | 'status'}/${string}`, string>;

/** A code of {@link CONTENT_ERROR_CODES}. */
export type ContentErrorCode = keyof typeof CONTENT_ERROR_CODES;
