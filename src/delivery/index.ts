/**
 * Hub and follower delivery, transport-free (draft-ietf-mimi-protocol-06 §5.3–5.7): per-room ordering with
 * gapless sequence numbers, idempotent fanout retried until acknowledged, gap filling from the hub's history,
 * per-client durable cursors, key material and group info. Store, clock, transports and the commit check are
 * injected; nothing here loads ts-mls or a `node:` module (the SQLite store is `mimi-kit/delivery/sqlite`).
 *
 * @module
 */
export * from './types.js';
export { Namespace, type DeliveryStore, type StoreTransaction, type NewEvent, type InsertOutcome, type StoredKeyPackage, type KeyPackageJudge, type KeyPackageClaimResult, type RoomHead } from './store/types.js';
export { MemoryStore } from './store/memory.js';
export {
  MlsUpdateChecker,
  mlsRoomSnapshot,
  groupViewOfSnapshot,
  PolicyUpdateChecker,
  roomSnapshot,
  roomStateOf,
  type UpdateChecker,
  type UpdateVerdict,
  type ProposalVerdict,
  type CheckRefusalCode,
  type DecodedCommit,
  type CommitDecoder,
} from './checker.js';
export { DEFAULT_RETRY, backoffDelay, type RetryPolicy } from './fanout.js';
export { Hub, type HubOptions, type UpdateRequest, type UpdateResult, type ProposeRequest, type SubmitRequest, type SubmitResult } from './hub.js';
export { Follower, type FollowerOptions, type ClientBatch } from './follower.js';
export { checkAbusiveMessages, decodeStoredFrank, encodeStoredFrank, frankSubmitted, privateMessageAad, type FrankDecision, type HubFranking } from './franking.js';
export type { HeldWelcome } from './welcome.js';
export { DEFAULT_RETENTION, retentionSeconds, type RetentionPolicy, type SweepReport, type ErasureReport } from './retention.js';
export { KeyMaterialStore, type KeyMaterialClaim, type ClaimedClient, type KeyMaterialCriteria } from './keyMaterial.js';
export { MimiError, type Result } from '../errors.js';
