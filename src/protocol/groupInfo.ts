/**
 * `POST /groupInfo/{roomId}` (draft-ietf-mimi-protocol-06 "Claim group key information"): GroupInfoRequest and
 * its TBS, GroupInfoResponse and its TBS, GroupInfoCode, PendingProposal and GroupInfoRatchetTreeTBE (the
 * plaintext the hub encrypts to groupInfoPublicKey; the HPKE step itself is the caller's).
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { checkU64, decodeBody, encodeBody, readEnum8, readProtocol, writeEnum8, writeProtocol, type ProtocolDecodeOptions } from './common.js';
import { readCredential, readGroupInfo, readMlsMessageOf, writeEmbedded, writeMlsMessage, type CredentialBytes, type MlsMessageBytes } from './mlsStructures.js';
import { readRatchetTreeOption, writeRatchetTreeOption, type RatchetTreeOption } from './ratchetTreeOption.js';
import { signWithLabel, verifyWithLabel } from './signWithLabel.js';

/** GroupInfoRequestTBS fields; the request carries the same plus its signature. */
export interface GroupInfoRequestTbs {
  readonly cipherSuite: number;
  readonly requestingSignatureKey: Uint8Array;
  readonly requestingCredential: CredentialBytes;
  readonly groupInfoPublicKey: Uint8Array;
  /** Empty when there is none: the TBS then carries an absent optional (Protocol PR10). */
  readonly joiningCode: Uint8Array;
}

/** GroupInfoRequest (mls10). */
export interface GroupInfoRequest extends GroupInfoRequestTbs {
  /** SignWithLabel(requestingSignatureKey, "GroupInfoRequestTBS", GroupInfoRequestTBS). */
  readonly signature: Uint8Array;
}

function writeRequestHead(w: TlsWriter, t: GroupInfoRequestTbs): void {
  writeProtocol(w);
  w.uint16(t.cipherSuite);
  w.opaque(t.requestingSignatureKey);
  writeEmbedded(w, t.requestingCredential.bytes, 'requestingCredential', readCredential);
  w.opaque(t.groupInfoPublicKey);
}

/**
 * Encodes a GroupInfoRequestTBS (`optional opaque joiningCode<V>`, present when non-empty).
 *
 * @param t - the fields
 * @returns the bytes signed
 * @example
 * ```ts
 * import { encodeGroupInfoRequestTbs } from 'mimi-kit/protocol';
 * const tbs = encodeGroupInfoRequestTbs(fields);
 * ```
 */
export function encodeGroupInfoRequestTbs(t: GroupInfoRequestTbs): Uint8Array {
  return encodeBody('GroupInfoRequestTBS', (w) => {
    writeRequestHead(w, t);
    w.optional(t.joiningCode.length > 0 ? t.joiningCode : undefined, (x, c) => x.opaque(c));
  });
}

/**
 * Encodes a GroupInfoRequest.
 *
 * @param req - the request
 * @returns the body
 * @example
 * ```ts
 * import { encodeGroupInfoRequest } from 'mimi-kit/protocol';
 * const body = encodeGroupInfoRequest(request);
 * ```
 */
export function encodeGroupInfoRequest(req: GroupInfoRequest): Uint8Array {
  return encodeBody('GroupInfoRequest', (w) => {
    writeRequestHead(w, req);
    w.opaque(req.joiningCode);
    w.opaque(req.signature);
  });
}

/**
 * Decodes a GroupInfoRequest, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the request (signature unchecked: {@link verifyGroupInfoRequest})
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeGroupInfoRequest } from 'mimi-kit/protocol';
 * decodeGroupInfoRequest(body).cipherSuite; // 1
 * ```
 */
export function decodeGroupInfoRequest(bytes: Uint8Array, options?: ProtocolDecodeOptions): GroupInfoRequest {
  return decodeBody(
    bytes,
    'GroupInfoRequest',
    (r) => {
      readProtocol(r);
      return {
        cipherSuite: r.uint16(),
        requestingSignatureKey: r.opaque(),
        requestingCredential: readCredential(r),
        groupInfoPublicKey: r.opaque(),
        joiningCode: r.opaque(),
        signature: r.opaque(),
      };
    },
    options,
  );
}

/**
 * Signs a GroupInfoRequest with the requester's key.
 *
 * @param t - the fields
 * @param signaturePrivateKey - the requester's private key
 * @returns the request
 * @example
 * ```ts
 * import { signGroupInfoRequest } from 'mimi-kit/protocol';
 * const request = signGroupInfoRequest(fields, privateKey);
 * ```
 */
export function signGroupInfoRequest(t: GroupInfoRequestTbs, signaturePrivateKey: Uint8Array): GroupInfoRequest {
  return { ...t, signature: signWithLabel(t.cipherSuite, signaturePrivateKey, 'GroupInfoRequestTBS', encodeGroupInfoRequestTbs(t)) };
}

/**
 * Verifies a GroupInfoRequest's signature with its requestingSignatureKey and cipherSuite.
 *
 * @param req - the request
 * @returns whether it verifies
 * @example
 * ```ts
 * import { verifyGroupInfoRequest } from 'mimi-kit/protocol';
 * verifyGroupInfoRequest(request); // true
 * ```
 */
export function verifyGroupInfoRequest(req: GroupInfoRequest): boolean {
  return verifyWithLabel(req.cipherSuite, req.requestingSignatureKey, 'GroupInfoRequestTBS', encodeGroupInfoRequestTbs(req), req.signature);
}

/**
 * GroupInfoCode.
 *
 * @example
 * ```ts
 * import { GroupInfoCode } from 'mimi-kit/protocol';
 * GroupInfoCode.noSuchRoom; // 3
 * ```
 */
export const GroupInfoCode = { reserved: 0, success: 1, notAuthorized: 2, noSuchRoom: 3 } as const;
/** A name of {@link GroupInfoCode} (reserved excluded). */
export type GroupInfoCodeName = Exclude<keyof typeof GroupInfoCode, 'reserved'>;

/** RFC 9420 §12.1.8.1 ExternalSender. */
export interface ExternalSender {
  readonly signatureKey: Uint8Array;
  readonly credential: CredentialBytes;
}

/** RFC 9420 §5.1.3 HPKECiphertext. */
export interface HpkeCiphertext {
  readonly kemOutput: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** The mls10 fields of a successful GroupInfoResponse (and of its TBS). */
export interface GroupInfoResponseBody {
  readonly cipherSuite: number;
  readonly hubSender: ExternalSender;
  readonly encryptedGroupInfoAndTree: HpkeCiphertext;
}

/** GroupInfoResponse. `roomId` is the `opaque room_id<V>` read as UTF-8. */
export type GroupInfoResponse =
  | ({ readonly status: 'success'; readonly roomId: string; /** SignWithLabel(hub_sender.signature_key, "GroupInfoResponseTBS", …). */ readonly signature: Uint8Array } & GroupInfoResponseBody)
  | { readonly status: 'notAuthorized' | 'noSuchRoom'; readonly roomId: string };

function writeBody(w: TlsWriter, b: GroupInfoResponseBody): void {
  w.uint16(b.cipherSuite);
  w.opaque(b.hubSender.signatureKey);
  writeEmbedded(w, b.hubSender.credential.bytes, 'hubSender.credential', readCredential);
  w.opaque(b.encryptedGroupInfoAndTree.kemOutput);
  w.opaque(b.encryptedGroupInfoAndTree.ciphertext);
}

function readResponseBody(r: TlsReader): GroupInfoResponseBody {
  return {
    cipherSuite: r.uint16(),
    hubSender: { signatureKey: r.opaque(), credential: readCredential(r) },
    encryptedGroupInfoAndTree: { kemOutput: r.opaque(), ciphertext: r.opaque() },
  };
}

/**
 * Encodes a GroupInfoResponseTBS of a successful response (the struct's `Protocol version` is the protocol).
 *
 * @param roomId - the room
 * @param body - the mls10 fields
 * @returns the bytes the hub signs
 * @example
 * ```ts
 * import { encodeGroupInfoResponseTbs } from 'mimi-kit/protocol';
 * const tbs = encodeGroupInfoResponseTbs('mimi://a.example/r/clubhouse', body);
 * ```
 */
export function encodeGroupInfoResponseTbs(roomId: string, body: GroupInfoResponseBody): Uint8Array {
  return encodeBody('GroupInfoResponseTBS', (w) => {
    writeProtocol(w);
    w.string(roomId);
    w.uint8(GroupInfoCode.success);
    writeBody(w, body);
  });
}

/**
 * Encodes a GroupInfoResponse.
 *
 * @param res - the response
 * @returns the body
 * @example
 * ```ts
 * import { encodeGroupInfoResponse } from 'mimi-kit/protocol';
 * encodeGroupInfoResponse({ status: 'noSuchRoom', roomId: 'mimi://a.example/r/x' });
 * ```
 */
export function encodeGroupInfoResponse(res: GroupInfoResponse): Uint8Array {
  return encodeBody('GroupInfoResponse', (w) => {
    writeProtocol(w);
    w.string(res.roomId);
    writeEnum8(w, GroupInfoCode, res.status, 'status');
    if (res.status === 'success') {
      writeBody(w, res);
      w.opaque(res.signature);
    }
  });
}

/**
 * Decodes a GroupInfoResponse, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the response (signature unchecked: {@link verifyGroupInfoResponse})
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeGroupInfoResponse } from 'mimi-kit/protocol';
 * decodeGroupInfoResponse(body).status; // 'success'
 * ```
 */
export function decodeGroupInfoResponse(bytes: Uint8Array, options?: ProtocolDecodeOptions): GroupInfoResponse {
  return decodeBody(
    bytes,
    'GroupInfoResponse',
    (r): GroupInfoResponse => {
      readProtocol(r);
      const roomId = r.string();
      const status = readEnum8(r, GroupInfoCode, 'status');
      if (status !== 'success') return { status, roomId };
      const body = readResponseBody(r);
      return { status, roomId, ...body, signature: r.opaque() };
    },
    options,
  );
}

/**
 * Signs a successful GroupInfoResponse with the hub's external-sender key.
 *
 * @param roomId - the room
 * @param body - the mls10 fields
 * @param hubSignaturePrivateKey - the private key of hubSender.signatureKey
 * @returns the response
 * @example
 * ```ts
 * import { signGroupInfoResponse } from 'mimi-kit/protocol';
 * const res = signGroupInfoResponse(roomId, body, hubPrivateKey);
 * ```
 */
export function signGroupInfoResponse(roomId: string, body: GroupInfoResponseBody, hubSignaturePrivateKey: Uint8Array): GroupInfoResponse {
  return { status: 'success', roomId, ...body, signature: signWithLabel(body.cipherSuite, hubSignaturePrivateKey, 'GroupInfoResponseTBS', encodeGroupInfoResponseTbs(roomId, body)) };
}

/**
 * Verifies a successful GroupInfoResponse's signature with its hubSender key.
 *
 * @param res - the response
 * @returns whether it verifies (false for a failure status)
 * @example
 * ```ts
 * import { verifyGroupInfoResponse } from 'mimi-kit/protocol';
 * verifyGroupInfoResponse(res); // true
 * ```
 */
export function verifyGroupInfoResponse(res: GroupInfoResponse): boolean {
  if (res.status !== 'success') return false;
  return verifyWithLabel(res.cipherSuite, res.hubSender.signatureKey, 'GroupInfoResponseTBS', encodeGroupInfoResponseTbs(res.roomId, res), res.signature);
}

/** PendingProposal: a proposal the hub accepted in the current epoch. */
export interface PendingProposal {
  readonly proposal: MlsMessageBytes;
  readonly hubAcceptedTime: bigint;
}

/** GroupInfoRatchetTreeTBE: what the hub encrypts to the requester. */
export interface GroupInfoRatchetTreeTbe {
  /** A bare RFC 9420 GroupInfo without the ratchet_tree extension. */
  readonly groupInfo: Uint8Array;
  readonly ratchetTreeOption: RatchetTreeOption;
  readonly pendingProposals: readonly PendingProposal[];
}

function readPending(r: TlsReader): PendingProposal {
  const at = r.offset;
  const proposal = readMlsMessageOf(r, ['mlsPublicMessage'], 'pending_proposals');
  if (proposal.contentType !== 'proposal') throw new MimiError('protocol/unexpected-content-type', 'a pending proposal must be a proposal', { details: { offset: at } });
  return { proposal, hubAcceptedTime: r.uint64() };
}

/**
 * Encodes a GroupInfoRatchetTreeTBE.
 *
 * @param t - GroupInfo, tree option and pending proposals
 * @returns the plaintext to EncryptWithLabel
 * @example
 * ```ts
 * import { encodeGroupInfoRatchetTreeTbe } from 'mimi-kit/protocol';
 * encodeGroupInfoRatchetTreeTbe({ groupInfo, ratchetTreeOption: { representation: 'distributionService' }, pendingProposals: [] });
 * ```
 */
export function encodeGroupInfoRatchetTreeTbe(t: GroupInfoRatchetTreeTbe): Uint8Array {
  return encodeBody('GroupInfoRatchetTreeTBE', (w) => {
    writeEmbedded(w, t.groupInfo, 'groupInfo', readGroupInfo);
    writeRatchetTreeOption(w, t.ratchetTreeOption);
    w.vector(t.pendingProposals, (x, p) => {
      writeMlsMessage(x, p.proposal, ['mlsPublicMessage'], 'pending_proposals');
      if (p.proposal.contentType !== 'proposal') throw new MimiError('protocol/unexpected-content-type', 'a pending proposal must be a proposal');
      checkU64(p.hubAcceptedTime, 'hubAcceptedTime');
      x.uint64(p.hubAcceptedTime);
    });
  });
}

/**
 * Decodes a GroupInfoRatchetTreeTBE (after HPKE decryption), strictly.
 *
 * @param bytes - the plaintext
 * @param options - limits
 * @returns the value
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeGroupInfoRatchetTreeTbe } from 'mimi-kit/protocol';
 * decodeGroupInfoRatchetTreeTbe(plaintext).pendingProposals.length;
 * ```
 */
export function decodeGroupInfoRatchetTreeTbe(bytes: Uint8Array, options?: ProtocolDecodeOptions): GroupInfoRatchetTreeTbe {
  return decodeBody(
    bytes,
    'GroupInfoRatchetTreeTBE',
    (r) => ({ groupInfo: readGroupInfo(r), ratchetTreeOption: readRatchetTreeOption(r), pendingProposals: r.vector(readPending) }),
    options,
  );
}
