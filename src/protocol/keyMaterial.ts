/**
 * `POST /keyMaterial/{targetUser}` (draft-ietf-mimi-protocol-06 "Fetch Key Material"): KeyMaterialRequest,
 * its signed KeyMaterialRequestTBS, KeyMaterialResponse and the user and client codes.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { decodeBody, encodeBody, readEnum8, readProtocol, readUri, writeEnum8, writeProtocol, writeUri, type ProtocolDecodeOptions } from './common.js';
import {
  readCapabilities,
  readCredential,
  readKeyPackage,
  readRequiredCapabilities,
  writeCapabilities,
  writeEmbedded,
  writeRequiredCapabilities,
  type Capabilities,
  type CredentialBytes,
  type RequiredCapabilities,
} from './mlsStructures.js';
import { signWithLabel, verifyWithLabel } from './signWithLabel.js';

/**
 * KeyMaterialUserCode.
 *
 * @example
 * ```ts
 * import { KeyMaterialUserCode } from 'mimi-kit/protocol';
 * KeyMaterialUserCode.noConsentForThisRoom; // 6
 * ```
 */
export const KeyMaterialUserCode = {
  success: 0,
  partialSuccess: 1,
  incompatibleProtocol: 2,
  noCompatibleMaterial: 3,
  userUnknown: 4,
  noConsent: 5,
  noConsentForThisRoom: 6,
  userDeleted: 7,
} as const;
/** A name of {@link KeyMaterialUserCode}. */
export type KeyMaterialUserCodeName = keyof typeof KeyMaterialUserCode;

/**
 * KeyMaterialClientCode.
 *
 * @example
 * ```ts
 * import { KeyMaterialClientCode } from 'mimi-kit/protocol';
 * KeyMaterialClientCode.nothingCompatible; // 2
 * ```
 */
export const KeyMaterialClientCode = { success: 0, keyMaterialExhausted: 1, nothingCompatible: 2 } as const;
/** A name of {@link KeyMaterialClientCode}. */
export type KeyMaterialClientCodeName = keyof typeof KeyMaterialClientCode;

/** KeyMaterialRequestTBS: the request without its signature. */
export interface KeyMaterialRequestTbs {
  readonly requestingUser: string;
  readonly targetUser: string;
  /** The room the key material is for; `''` when the request is not for a room (the draft has no optional here). */
  readonly roomId: string;
  /** Non-empty. */
  readonly acceptableCiphersuites: readonly number[];
  readonly requiredCapabilities: RequiredCapabilities;
  readonly requesterSignatureKey: Uint8Array;
  readonly requesterCredential: CredentialBytes;
}

/** KeyMaterialRequest (mls10). */
export interface KeyMaterialRequest extends KeyMaterialRequestTbs {
  /** SignWithLabel(requesterSignatureKey, "KeyMaterialRequestTBS", KeyMaterialRequestTBS). */
  readonly keyMaterialRequestSignature: Uint8Array;
}

/** One client's entry of a KeyMaterialResponse. */
export type ClientKeyMaterial =
  | { readonly clientStatus: 'success'; readonly clientUri: string; /** A bare RFC 9420 KeyPackage. */ readonly keyPackage: Uint8Array }
  | { readonly clientStatus: 'keyMaterialExhausted'; readonly clientUri: string }
  | { readonly clientStatus: 'nothingCompatible'; readonly clientUri: string; readonly clientCapabilities?: Capabilities };

/** KeyMaterialResponse (mls10). */
export interface KeyMaterialResponse {
  readonly userStatus: KeyMaterialUserCodeName;
  readonly userUri: string;
  readonly clients: readonly ClientKeyMaterial[];
}

function writeTbs(w: TlsWriter, t: KeyMaterialRequestTbs): void {
  writeProtocol(w);
  writeUri(w, t.requestingUser);
  writeUri(w, t.targetUser);
  writeUri(w, t.roomId);
  if (t.acceptableCiphersuites.length === 0) throw new MimiError('protocol/empty-list', 'acceptableCiphersuites must not be empty', { path: ['acceptableCiphersuites'] });
  w.vector(t.acceptableCiphersuites, (x, s) => x.uint16(s));
  writeRequiredCapabilities(w, t.requiredCapabilities);
  w.opaque(t.requesterSignatureKey);
  writeEmbedded(w, t.requesterCredential.bytes, 'requesterCredential', readCredential);
}

function readTbs(r: TlsReader): KeyMaterialRequestTbs {
  readProtocol(r);
  const requestingUser = readUri(r);
  const targetUser = readUri(r);
  const roomId = readUri(r);
  const at = r.offset;
  const acceptableCiphersuites = r.vector((x) => x.uint16());
  // "-06 Fetch Key Material": "the request includes a non-empty list of acceptable MLS ciphersuites".
  if (acceptableCiphersuites.length === 0) {
    throw new MimiError('protocol/empty-list', 'acceptableCiphersuites is empty', { path: ['acceptableCiphersuites'], details: { offset: at } });
  }
  const requiredCapabilities = readRequiredCapabilities(r);
  const requesterSignatureKey = r.opaque();
  const requesterCredential = readCredential(r);
  return { requestingUser, targetUser, roomId, acceptableCiphersuites, requiredCapabilities, requesterSignatureKey, requesterCredential };
}

/**
 * Encodes a KeyMaterialRequestTBS (what the requester signs).
 *
 * @param tbs - the request fields
 * @returns the bytes
 * @throws {@link MimiError} `protocol/empty-list`, `protocol/value-out-of-range`, `protocol/unknown-credential-type`
 * @example
 * ```ts
 * import { encodeKeyMaterialRequestTbs } from 'mimi-kit/protocol';
 * const tbs = encodeKeyMaterialRequestTbs(fields);
 * ```
 */
export function encodeKeyMaterialRequestTbs(tbs: KeyMaterialRequestTbs): Uint8Array {
  return encodeBody('KeyMaterialRequestTBS', (w) => writeTbs(w, tbs));
}

/**
 * Encodes a KeyMaterialRequest.
 *
 * @param req - the request
 * @returns the body
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { encodeKeyMaterialRequest } from 'mimi-kit/protocol';
 * const body = encodeKeyMaterialRequest(request);
 * ```
 */
export function encodeKeyMaterialRequest(req: KeyMaterialRequest): Uint8Array {
  return encodeBody('KeyMaterialRequest', (w) => {
    writeTbs(w, req);
    w.opaque(req.keyMaterialRequestSignature);
  });
}

/**
 * Decodes a KeyMaterialRequest, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the request (its signature is not verified: {@link verifyKeyMaterialRequest})
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeKeyMaterialRequest } from 'mimi-kit/protocol';
 * decodeKeyMaterialRequest(body).targetUser; // 'mimi://b.example/u/bob'
 * ```
 */
export function decodeKeyMaterialRequest(bytes: Uint8Array, options?: ProtocolDecodeOptions): KeyMaterialRequest {
  return decodeBody(bytes, 'KeyMaterialRequest', (r) => ({ ...readTbs(r), keyMaterialRequestSignature: r.opaque() }), options);
}

/**
 * Signs a request: SignWithLabel(key, "KeyMaterialRequestTBS", KeyMaterialRequestTBS).
 *
 * @param tbs - the request fields
 * @param cipherSuite - the suite whose signature scheme the requester key uses
 * @param signaturePrivateKey - the requester's private key
 * @returns the signed request
 * @example
 * ```ts
 * import { signKeyMaterialRequest } from 'mimi-kit/protocol';
 * const request = signKeyMaterialRequest(fields, 1, privateKey);
 * ```
 */
export function signKeyMaterialRequest(tbs: KeyMaterialRequestTbs, cipherSuite: number, signaturePrivateKey: Uint8Array): KeyMaterialRequest {
  const signature = signWithLabel(cipherSuite, signaturePrivateKey, 'KeyMaterialRequestTBS', encodeKeyMaterialRequestTbs(tbs));
  return { ...tbs, keyMaterialRequestSignature: signature };
}

/**
 * Verifies a request's signature with its own requesterSignatureKey.
 *
 * @param req - the request
 * @param cipherSuite - the suite of the requester key
 * @returns whether the signature verifies
 * @example
 * ```ts
 * import { verifyKeyMaterialRequest } from 'mimi-kit/protocol';
 * verifyKeyMaterialRequest(request, 1); // true
 * ```
 */
export function verifyKeyMaterialRequest(req: KeyMaterialRequest, cipherSuite: number): boolean {
  return verifyWithLabel(cipherSuite, req.requesterSignatureKey, 'KeyMaterialRequestTBS', encodeKeyMaterialRequestTbs(req), req.keyMaterialRequestSignature);
}

function writeClient(w: TlsWriter, c: ClientKeyMaterial): void {
  writeEnum8(w, KeyMaterialClientCode, c.clientStatus, 'clientStatus');
  writeUri(w, c.clientUri);
  if (c.clientStatus === 'success') writeEmbedded(w, c.keyPackage, 'keyPackage', readKeyPackage);
  else if (c.clientStatus === 'nothingCompatible') w.optional(c.clientCapabilities, writeCapabilities);
}

function readClient(r: TlsReader): ClientKeyMaterial {
  const clientStatus = readEnum8(r, KeyMaterialClientCode, 'clientStatus');
  const clientUri = readUri(r);
  if (clientStatus === 'success') return { clientStatus, clientUri, keyPackage: readKeyPackage(r) };
  if (clientStatus === 'nothingCompatible') {
    const caps = r.optional(readCapabilities);
    return caps === undefined ? { clientStatus, clientUri } : { clientStatus, clientUri, clientCapabilities: caps };
  }
  return { clientStatus, clientUri };
}

// "-06 Fetch Key Material": clients are listed for success/partialSuccess, MAY be for noCompatibleMaterial,
// and MUST NOT be for any other user code.
const MAY_LIST_CLIENTS: ReadonlySet<string> = new Set(['success', 'partialSuccess', 'noCompatibleMaterial']);

function checkClients(res: KeyMaterialResponse): void {
  if (res.clients.length > 0 && !MAY_LIST_CLIENTS.has(res.userStatus)) {
    throw new MimiError('protocol/unexpected-clients', `userStatus ${res.userStatus} must not list clients`, { path: ['clients'] });
  }
}

/**
 * Encodes a KeyMaterialResponse.
 *
 * @param res - the response
 * @returns the body
 * @throws {@link MimiError} `protocol/unexpected-clients`, `protocol/*`
 * @example
 * ```ts
 * import { encodeKeyMaterialResponse } from 'mimi-kit/protocol';
 * encodeKeyMaterialResponse({ userStatus: 'noConsent', userUri: 'mimi://b.example/u/bob', clients: [] });
 * ```
 */
export function encodeKeyMaterialResponse(res: KeyMaterialResponse): Uint8Array {
  checkClients(res);
  return encodeBody('KeyMaterialResponse', (w) => {
    writeProtocol(w);
    writeEnum8(w, KeyMaterialUserCode, res.userStatus, 'userStatus');
    writeUri(w, res.userUri);
    w.vector(res.clients, writeClient);
  });
}

/**
 * Decodes a KeyMaterialResponse, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the response
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeKeyMaterialResponse } from 'mimi-kit/protocol';
 * decodeKeyMaterialResponse(body).clients.length;
 * ```
 */
export function decodeKeyMaterialResponse(bytes: Uint8Array, options?: ProtocolDecodeOptions): KeyMaterialResponse {
  const res = decodeBody(
    bytes,
    'KeyMaterialResponse',
    (r) => {
      readProtocol(r);
      const userStatus = readEnum8(r, KeyMaterialUserCode, 'userStatus');
      const userUri = readUri(r);
      const clients = r.vector(readClient);
      return { userStatus, userUri, clients };
    },
    options,
  );
  checkClients(res);
  return res;
}
