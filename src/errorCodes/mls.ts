/**
 * Error codes of the MLS adapter (`src/mls`, RFC 9420, draft-mahy-mimi-identity-05). Some are commit-refusal
 * codes: they appear in `details.refusal.code` of an `mls/policy-refused` error.
 *
 * @module
 */

/**
 * Every code raised by `mimi-kit/mls`, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { MLS_ERROR_CODES } from 'mimi-kit';
 * MLS_ERROR_CODES['mls/replay']; // 'a message that was already processed'
 * ```
 */
export const MLS_ERROR_CODES = {
  'mls/bad-extension': 'a GroupContext or leaf extension whose data does not decode as its struct (external_senders list, app_data_dictionary app_components)',
  'mls/bad-identity': 'not a client identity made by createClientIdentity, or a malformed identity field',
  'mls/bad-key-package': 'not an encoded KeyPackage, or one the room cannot use',
  'mls/bad-message': 'not an MLSMessage, or one of the wrong wire format',
  'mls/bad-state': 'a room object or group state mimi-kit did not make, or one lacking the room extension',
  'mls/bad-uri': 'not a mimi: user, client or room URI (draft-mahy-mimi-identity)',
  'mls/component-unsupported': 'a leaf or key package that does not advertise every component the room requires in app_components (draft-ietf-mls-extensions §5)',
  'mls/credential-rejected': "the credential verifier refused a member's credential, or none was given",
  'mls/decrypt-failed': 'an application message that does not decrypt',
  'mls/epoch-too-old': 'a message from an epoch beyond the retention window',
  'mls/extension-not-allowed': 'a GroupContextExtensions proposal that adds, removes or changes an extension other than the room state',
  'mls/invalid-commit': 'a commit RFC 9420 rejects',
  'mls/not-found': 'the named client or participant is not in the room',
  'mls/not-member': 'the sender or committer is not a member of the group',
  'mls/path-missing': 'a commit lacks the UpdatePath RFC 9420 §12.4 requires',
  'mls/policy-refused': 'the room policy refuses the operation or commit (details.refusal says why)',
  'mls/proposal-not-allowed': 'a proposal type the room does not accept from that sender or in that position (ReInit, PSK, ExternalInit, custom)',
  'mls/replay': 'a message that was already processed',
  'mls/room-mismatch': 'content or metadata naming another room',
  'mls/sender-mismatch': "content whose senderUri is not the sending client's user",
  'mls/unknown-ciphersuite': 'an MLS cipher suite the crypto provider does not know',
  'mls/unsupported': 'an operation the adapter does not support (e.g. committing its own removal)',
  'mls/wrong-epoch': 'a message from a future epoch',
  'mls/wrong-group': 'a message for another group',
} as const satisfies Record<`mls/${string}`, string>;

/** A code of {@link MLS_ERROR_CODES}. */
export type MlsErrorCode = keyof typeof MLS_ERROR_CODES;
