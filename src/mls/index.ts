/**
 * `mimi-kit/mls`: end-to-end encrypted MIMI rooms on MLS (RFC 9420) over ts-mls 1.6.4.
 *
 * A room is an MLS group: users are participants (room state in the app_data_dictionary GroupContext
 * extension), their clients are members, MIMI content travels in application messages. Every member
 * checks every commit against the room policy. See docs/mls.md.
 *
 * @module
 */
export type { MlsErrorCode } from './errors.js';
export {
  checkIdentityUris,
  decodeClientIdentity,
  encodeClientIdentity,
  parseMimiUri,
  type CredentialClaim,
  type CredentialVerifier,
  type MimiUri,
} from './identity.js';
export type { CommitRefusal, RoomAction } from './policy.js';
export {
  APP_DATA_DICTIONARY,
  ClientIdentity,
  KeyPackageBundle,
  MimiRoom,
  commitRequiresPath,
  createClientIdentity,
  createRoom,
  generateKeyPackage,
  inspectKeyPackage,
  joinFromWelcome,
  loadRoom,
  type CommitOutcome,
  type DecryptedContent,
  type HandshakeResult,
  type RoomMember,
  type RoomOptions,
} from './room.js';
export { exportGroupInfo } from './groupInfo.js';
export { decodeExternalSenders, encodeExternalSenders, EXTERNAL_SENDERS_TYPE, type ExternalSender, type ExternalSenderCredential } from './externalSenders.js';
export { APP_COMPONENTS_ID, SUPPORTED_COMPONENTS, decodeComponentsList, encodeComponentsList } from './components.js';
// The crypto provider is the caller's choice (docs/browser.md); the node:crypto one is `mimi-kit/mls/node-crypto`.
export { defaultMimiCryptoProvider, getMimiCiphersuite } from './crypto/index.js';
export { browserCryptoProvider, createBrowserCryptoProvider, hasWebCryptoEd25519, type BrowserCryptoProviderOptions } from './crypto/browser.js';
export type { CryptoProvider } from 'ts-mls';
export { MimiError, type Result } from '../errors.js';
