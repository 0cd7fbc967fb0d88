/**
 * `mimi-kit/content`: the MIMI content format (draft-ietf-mimi-content) and message status reports
 * (draft-mahy-mimi-message-status): codec, receiver checks, message IDs, builders, part indexes and
 * `cid:` references, and the JSON mapping. Browser-safe: no `node:` imports, no MLS.
 *
 * @example
 * ```ts
 * import { markdown, encodeWithId, decodeContent, bytesToHex } from 'mimi-kit/content';
 * const { bytes, id } = encodeWithId(markdown('Hi!', { senderUri: 'mimi://a.example/u/alice', roomUri: 'mimi://a.example/r/x' }));
 * decodeContent(bytes).nestedPart.cardinality; // 'single'
 * bytesToHex(id).slice(0, 2); // '01'
 * ```
 *
 * @module
 */
export { MimiError, type Result } from '../errors.js';
export { bytesToHex, hexToBytes } from '../cbor/hex.js';
export { CborFloat, CborSimple, CborTag, bytesKeyEquals, type CborKey, type CborMap, type CborValue } from '../cbor/value.js';

export {
  Disposition,
  Cardinality,
  PartSemantics,
  dispositionName,
  type DispositionName,
  type DispositionValue,
  type CardinalityName,
  type PartSemanticsName,
} from './disposition.js';
export {
  type NestedPart,
  type NullPart,
  type SinglePart,
  type ExternalPart,
  type MultiPart,
} from './nestedPart.js';
export {
  type MimiContent,
  type MimiExtensions,
  type ExtensionKey,
  type Expiration,
} from './mimiContent.js';

export {
  encodeContent,
  decodeContent,
  safeDecodeContent,
  contentToCbor,
  contentFromCbor,
  validateContent,
  type DecodeContentOptions,
} from './codec.js';
export {
  checkReceivedContent,
  RECEIVE_LIMITS,
  HASH_ALGORITHMS,
  AEAD_ALGORITHMS,
  type ReceiveLimits,
  type ReceiveCheckOptions,
} from './checks.js';
export { messageId, encodeWithId, MESSAGE_ID_SHA256, type MessageIdOptions } from './messageId.js';
export { generateSalt, deriveSalt, SALT_LENGTH } from './salt.js';
export {
  TEXT_PLAIN,
  GFM_MIMI,
  TEXT_HTML,
  message,
  nullPart,
  singlePart,
  externalPart,
  multiPart,
  plainText,
  markdown,
  html,
  reply,
  reaction,
  unlike,
  edit,
  deleteMessage,
  expiring,
  attachment,
  alternatives,
  mention,
  type DispositionInput,
  type PartOptions,
  type MessageOptions,
  type TextFormat,
  type ExternalInput,
  type MentionRef,
} from './builders.js';
export { listParts, partAt, resolveCid, cidFor, type PartInfo } from './parts.js';
export {
  MessageStatus,
  statusName,
  encodeStatusReport,
  decodeStatusReport,
  safeDecodeStatusReport,
  statusReportToCbor,
  statusReportFromCbor,
  type MessageStatusName,
  type PerMessageStatus,
  type MessageStatusReport,
} from './status.js';
export {
  contentToJson,
  contentFromJson,
  statusToJson,
  statusFromJson,
  cborToJson,
  cborFromJson,
  extensionKeyToJson,
  extensionKeyFromJson,
  type CborJson,
  type CborKeyJson,
  type MimiContentJson,
  type NestedPartJson,
  type MessageStatusReportJson,
} from './json.js';
