/**
 * What the provider translates between its local client API and the MIMI wire: KeyPackages and Welcomes in and
 * out of their MLSMessage framing (clients hand over whole MLSMessages, the endpoints carry the bare
 * structures), the client's signed KeyMaterialRequest, and a remote hub's UpdateRoomResponse as a local result.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { decodeKeyMaterialRequest, parseMlsMessage, type KeyMaterialRequest, type UpdateRoomResponse } from '../protocol/index.js';
import type { LocalUpdateResult } from './localApi.js';

// RFC 9420 §6: MLSMessage = version (mls10 = 1) || wire_format (mls_key_package = 5) || KeyPackage.
const KEY_PACKAGE_MESSAGE = [0x00, 0x01, 0x00, 0x05] as const;

/** @internal The KeyPackage inside an MLSMessage (the keyMaterial endpoint answers bare ones, draft §5.2). */
export function bareKeyPackage(message: Uint8Array): Uint8Array {
  if (message.length <= 4 || !KEY_PACKAGE_MESSAGE.every((x, i) => message[i] === x)) {
    throw new MimiError('provider/bad-request', 'keyPackage must be an MLSMessage holding a KeyPackage (RFC 9420 §6)', { path: ['keyPackage'] });
  }
  return message.subarray(4);
}

/** @internal A bare KeyPackage as the MLSMessage a client takes. */
export function wrapKeyPackage(keyPackage: Uint8Array): Uint8Array {
  const out = new Uint8Array(keyPackage.length + 4);
  out.set(KEY_PACKAGE_MESSAGE);
  out.set(keyPackage, 4);
  return out;
}

/** @internal The Welcome inside an MLSMessage (RFC 9420 §6: version mls10, wire_format mls_welcome). */
export function bareWelcome(message: Uint8Array): Uint8Array {
  if (parseMlsMessage(message).wireFormat !== 'mlsWelcome') throw new MimiError('provider/bad-request', 'welcome is not an MLSMessage Welcome', { path: ['welcome'] });
  return message.subarray(4);
}

/** @internal The client's signed KeyMaterialRequest, which must be for `user`. */
export function signedRequestFor(user: string, bytes: Uint8Array): KeyMaterialRequest {
  const request = decodeKeyMaterialRequest(bytes);
  if (request.targetUser !== user) throw new MimiError('provider/bad-request', 'the signed request names another target user', { path: ['request'] });
  return request;
}

/** @internal A remote hub's UpdateRoomResponse (draft-ietf-mimi-protocol-06 §5.3) as the local API's result. */
export function fromRemoteUpdate(r: UpdateRoomResponse): LocalUpdateResult {
  switch (r.responseCode) {
    case 'success':
      return { code: 'success', acceptedTimestamp: Number(r.acceptedTimestamp) };
    case 'wrongEpoch':
      return { code: 'wrongEpoch', currentEpoch: Number(r.currentEpoch), description: r.errorDescription };
    default:
      return { code: r.responseCode, description: r.errorDescription };
  }
}
