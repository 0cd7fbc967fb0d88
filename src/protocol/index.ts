/**
 * The MIMI protocol messages of draft-ietf-mimi-protocol-06 as strict, pure codecs (no I/O): every endpoint
 * body in the TLS presentation language, the directory document, and message franking. MLS structures
 * (MLSMessage, KeyPackage, Welcome, GroupInfo, Credential) are carried as their exact bytes, walked to find
 * their ends and checked; `mimi-kit/mls` gives typed views. Browser-safe: no ts-mls, no `node:` module.
 *
 * @example
 * ```ts
 * import { decodeSubmitMessageResponse, encodeSubmitMessageResponse } from 'mimi-kit/protocol';
 * const body = encodeSubmitMessageResponse({ statusCode: 'accepted', acceptedTimestamp: 1700000000000n });
 * decodeSubmitMessageResponse(body); // { statusCode: 'accepted', acceptedTimestamp: 1700000000000n }
 * ```
 *
 * @module
 */
export { Protocol, DEFAULT_MAX_BODY_BYTES, type ProtocolName, type ProtocolDecodeOptions } from './common.js';
export {
  WireFormat,
  ContentType,
  parseMlsMessage,
  parseCredential,
  basicCredential,
  type WireFormatName,
  type ContentTypeName,
  type MlsMessageBytes,
  type CredentialBytes,
  type Capabilities,
  type RequiredCapabilities,
} from './mlsStructures.js';
export {
  decodePublicMessage,
  decodeGroupInfo,
  decodeKeyPackage,
  type GroupInfoView,
  type GroupContextView,
  type PublicMessageView,
  type ProposalView,
  type ProposalOrRefView,
  type LeafNodeView,
  type KeyPackageView,
  type SenderView,
  type MlsExtension,
} from './mlsFraming.js';
export { GREASE_VALUES, isGrease } from './mlsStructures.js';
export { keyPackageFit, DEFAULT_EXTENSION_TYPES, DEFAULT_PROPOSAL_TYPES, type KeyPackageCriteria, type KeyPackageFit } from './keyPackageMatch.js';
export { framedContentSignatureValid, groupInfoSignatureValid, proposalRef } from './mlsAuth.js';
export type { AppComponent } from './appDataDictionary.js';
export { signContent, signWithLabel, verifyWithLabel } from './signWithLabel.js';
export { DIRECTORY_PATH, DIRECTORY_ENDPOINTS, parseDirectory, directoryFor, endpointUrl, type DirectoryEndpoint, type MimiDirectory } from './directory.js';
export {
  KeyMaterialUserCode,
  KeyMaterialClientCode,
  encodeKeyMaterialRequestTbs,
  encodeKeyMaterialRequest,
  decodeKeyMaterialRequest,
  signKeyMaterialRequest,
  verifyKeyMaterialRequest,
  encodeKeyMaterialResponse,
  decodeKeyMaterialResponse,
  type KeyMaterialUserCodeName,
  type KeyMaterialClientCodeName,
  type KeyMaterialRequestTbs,
  type KeyMaterialRequest,
  type ClientKeyMaterial,
  type KeyMaterialResponse,
} from './keyMaterial.js';
export { RatchetTreeRepresentation, type RatchetTreeRepresentationName, type RatchetTreeOption } from './ratchetTreeOption.js';
export {
  GroupInfoRepresentation,
  UpdateResponseCode,
  encodeUpdateRequest,
  decodeUpdateRequest,
  encodeUpdateRoomResponse,
  decodeUpdateRoomResponse,
  type GroupInfoOption,
  type HandshakeBundle,
  type UpdateRequest,
  type UpdateResponseCodeName,
  type UpdateRoomResponse,
} from './update.js';
export {
  SubmitResponseCode,
  encodeSubmitMessageRequest,
  decodeSubmitMessageRequest,
  encodeSubmitMessageResponse,
  decodeSubmitMessageResponse,
  type SubmitMessageRequest,
  type SubmitResponseCodeName,
  type SubmitMessageResponse,
} from './submitMessage.js';
export {
  FRANK_AAD_COMPONENT_ID,
  FRANKING_SIGNATURE_KEY_COMPONENT_ID,
  encodeServerFrankingContext,
  encodeFrankingIntegrityTbs,
  encodeFrankAad,
  decodeFrankAad,
  encodeSafeAad,
  decodeSafeAad,
  frankingTagFromAad,
  encodeFrankingAgent,
  decodeFrankingAgent,
  frankingTag,
  serverFrank,
  hubFrank,
  checkFrank,
  checkServerFrank,
  type Frank,
  type ServerFrankingContext,
  type FrankingAgentData,
  type HubFrankInput,
  type FrankCheckInput,
} from './franking.js';
export { encodeFanoutMessages, decodeFanoutMessages, type FanoutMessage } from './fanout.js';
export {
  GroupInfoCode,
  encodeGroupInfoRequestTbs,
  encodeGroupInfoRequest,
  decodeGroupInfoRequest,
  signGroupInfoRequest,
  verifyGroupInfoRequest,
  encodeGroupInfoResponseTbs,
  encodeGroupInfoResponse,
  decodeGroupInfoResponse,
  signGroupInfoResponse,
  verifyGroupInfoResponse,
  encodeGroupInfoRatchetTreeTbe,
  decodeGroupInfoRatchetTreeTbe,
  type GroupInfoRequestTbs,
  type GroupInfoRequest,
  type GroupInfoCodeName,
  type ExternalSender,
  type HpkeCiphertext,
  type GroupInfoResponseBody,
  type GroupInfoResponse,
  type PendingProposal,
  type GroupInfoRatchetTreeTbe,
} from './groupInfo.js';
export {
  ConsentOperation,
  encodeConsentEntry,
  decodeConsentEntry,
  encodeConsentScope,
  decodeConsentScope,
  type ConsentOperationName,
  type ConsentScope,
  type ConsentEntry,
} from './consent.js';
export {
  SearchIdentifierType,
  IdentifierQueryCode,
  FieldSource,
  encodeIdentifierRequest,
  decodeIdentifierRequest,
  encodeIdentifierResponse,
  decodeIdentifierResponse,
  type SearchIdentifierTypeName,
  type QueryElement,
  type IdentifierRequest,
  type IdentifierQueryCodeName,
  type FieldSourceName,
  type ProfileField,
  type UserProfile,
  type IdentifierResponse,
} from './identifierQuery.js';
export { encodeAbuseReport, decodeAbuseReport, type AbusiveMessage, type AbuseReport } from './reportAbuse.js';
export { MimiError, type Result } from '../errors.js';
