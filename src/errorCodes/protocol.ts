/**
 * Error codes of the MIMI protocol message codecs and franking (`src/protocol`, draft-ietf-mimi-protocol-06
 * "MIMI Endpoints and Framing").
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/protocol`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { PROTOCOL_ERROR_CODES } from 'mimi-kit';
 * PROTOCOL_ERROR_CODES['protocol/trailing-bytes']; // 'bytes follow the protocol body'
 * ```
 */
export const PROTOCOL_ERROR_CODES = {
  'protocol/bad-enum': 'an enum value the draft does not define for that field (reserved values included)',
  'protocol/bad-length': 'a length prefix that is not a minimal RFC 9420 varint, or a fixed-size field of the wrong size',
  'protocol/bad-mls-message': 'an embedded MLS structure (RFC 9420) that is malformed or of an unsupported version',
  'protocol/bad-optional': 'an optional<T> presence octet other than 0 or 1',
  'protocol/body-too-large': 'a request or response body larger than the decoder limit maxBodyBytes',
  'protocol/empty-list': 'a list the draft requires to be non-empty is empty (acceptableCiphersuites)',
  'protocol/frank-agent-mismatch': "the franking_agent credential does not name the hub's domain",
  'protocol/frank-ciphersuite-mismatch': "the frank's franking_signature_ciphersuite is not the group's cipher suite",
  'protocol/frank-context-mismatch': "the frank's sender or room URI differs from the message content's",
  'protocol/frank-signature-invalid': 'the franking_integrity_signature does not verify',
  'protocol/franking-tag-mismatch': 'the franking_tag is not HMAC-SHA256(salt, application_data) of the message',
  'protocol/invalid-directory': 'a directory document that is not a JSON object of https URL templates',
  'protocol/invalid-utf8': 'a text field (URI, description, string) that is not valid UTF-8',
  'protocol/server-frank-mismatch': "the server_frank is not the hub's HMAC over franking_tag and context",
  'protocol/too-large': 'a vector longer than the decoder bound maxVectorBytes',
  'protocol/too-many-items': 'more vector elements and opaque fields than the decoder limit maxItems',
  'protocol/trailing-bytes': 'bytes follow the protocol body',
  'protocol/truncated': 'the input ends inside a protocol body',
  'protocol/unexpected-clients': 'a KeyMaterialResponse lists clients for a user code that forbids them',
  'protocol/unexpected-content-type': 'an MLS message whose content type the field does not allow',
  'protocol/unexpected-wire-format': 'an MLS message whose wire format the field does not allow',
  'protocol/unknown-credential-type': 'an MLS credential type whose length cannot be known (not basic or x509)',
  'protocol/unknown-proposal-type': 'an MLS proposal type whose length cannot be known',
  'protocol/unsorted-components': 'AppDataDictionary / SafeAAD components not in strictly ascending ID order',
  'protocol/unsupported-ciphersuite': 'a cipher suite mimi-kit cannot sign or verify with',
  'protocol/unsupported-protocol': 'a Protocol value other than mls10',
  'protocol/unsupported-representation': 'a GroupInfoOption of representation partial (PartialGroupInfo is undefined)',
  'protocol/value-out-of-range': 'a value given to an encoder that does not fit its field',
} as const satisfies Record<`protocol/${string}`, string>;

/** A code of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_CODES;
