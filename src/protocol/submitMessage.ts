/**
 * `POST /submitMessage/{roomId}` (draft-ietf-mimi-protocol-06 "Submit a Message"): SubmitMessageRequest,
 * SubmitMessageResponse and SubmitResponseCode.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader } from '../tls/codec.js';
import { checkU64, decodeBody, encodeBody, readEnum8, readProtocol, readUri, stringSize, writeEnum8, writeProtocol, writeUri, type ProtocolDecodeOptions } from './common.js';
import { readFrank, writeFrank, type Frank } from './franking.js';
import { readMlsMessageOf, writeMlsMessage, type MlsMessageBytes } from './mlsStructures.js';

/** SubmitMessageRequest (mls10). */
export interface SubmitMessageRequest {
  /** A PrivateMessage with content type application. */
  readonly appMessage: MlsMessageBytes;
  /** The sender's user URI (an active participant), or a pseudonym. */
  readonly sendingUri: string;
}

function readAppMessage(r: TlsReader, field: string): MlsMessageBytes {
  const at = r.offset;
  const m = readMlsMessageOf(r, ['mlsPrivateMessage'], field);
  if (m.contentType !== 'application') {
    throw new MimiError('protocol/unexpected-content-type', `${field}: a ${m.contentType ?? '?'} PrivateMessage is not an application message`, { path: [field], details: { offset: at } });
  }
  return m;
}

/**
 * Encodes a SubmitMessageRequest.
 *
 * @param req - the request
 * @returns the body
 * @throws {@link MimiError} `protocol/unexpected-wire-format`, `protocol/unexpected-content-type`, `protocol/*`
 * @example
 * ```ts
 * import { encodeSubmitMessageRequest, parseMlsMessage } from 'mimi-kit/protocol';
 * encodeSubmitMessageRequest({ appMessage: parseMlsMessage(privateMessage), sendingUri: 'mimi://c.example/u/cathy' });
 * ```
 */
export function encodeSubmitMessageRequest(req: SubmitMessageRequest): Uint8Array {
  return encodeBody(
    'SubmitMessageRequest',
    (w) => {
      writeProtocol(w);
      writeMlsMessage(w, req.appMessage, ['mlsPrivateMessage'], 'appMessage');
      if (req.appMessage.contentType !== 'application') throw new MimiError('protocol/unexpected-content-type', 'appMessage must be an application message', { path: ['appMessage'] });
      writeUri(w, req.sendingUri);
    },
    requestSize(req),
  );
}

/** The request's encoded size when its URI is ASCII (the usual case), so the body is written once, uncopied. */
function requestSize(req: SubmitMessageRequest): number | undefined {
  const m: unknown = req?.appMessage?.bytes;
  return m instanceof Uint8Array ? 1 + m.length + stringSize(req.sendingUri) : undefined;
}

/**
 * Decodes a SubmitMessageRequest, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the request
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeSubmitMessageRequest } from 'mimi-kit/protocol';
 * decodeSubmitMessageRequest(body).appMessage.epoch; // 4n
 * ```
 */
export function decodeSubmitMessageRequest(bytes: Uint8Array, options?: ProtocolDecodeOptions): SubmitMessageRequest {
  return decodeBody(
    bytes,
    'SubmitMessageRequest',
    (r) => {
      readProtocol(r);
      const appMessage = readAppMessage(r, 'appMessage');
      return { appMessage, sendingUri: readUri(r) };
    },
    options,
  );
}

/**
 * SubmitResponseCode.
 *
 * @example
 * ```ts
 * import { SubmitResponseCode } from 'mimi-kit/protocol';
 * SubmitResponseCode.epochTooOld; // 2
 * ```
 */
export const SubmitResponseCode = { accepted: 0, notAllowed: 1, epochTooOld: 2 } as const;
/** A name of {@link SubmitResponseCode}. */
export type SubmitResponseCodeName = keyof typeof SubmitResponseCode;

/** SubmitMessageResponse (mls10). The draft's `case success` is the `accepted` code (Protocol PR8). */
export type SubmitMessageResponse =
  | { readonly statusCode: 'accepted'; /** ms since the UNIX epoch. */ readonly acceptedTimestamp: bigint; readonly frank?: Frank }
  | { readonly statusCode: 'notAllowed' }
  | { readonly statusCode: 'epochTooOld'; readonly currentEpoch: bigint };

/**
 * Encodes a SubmitMessageResponse.
 *
 * @param res - the response
 * @returns the body
 * @example
 * ```ts
 * import { encodeSubmitMessageResponse } from 'mimi-kit/protocol';
 * encodeSubmitMessageResponse({ statusCode: 'notAllowed' }); // Uint8Array [1, 1]
 * ```
 */
export function encodeSubmitMessageResponse(res: SubmitMessageResponse): Uint8Array {
  return encodeBody('SubmitMessageResponse', (w) => {
    writeProtocol(w);
    writeEnum8(w, SubmitResponseCode, res.statusCode, 'statusCode');
    if (res.statusCode === 'accepted') {
      checkU64(res.acceptedTimestamp, 'acceptedTimestamp');
      w.uint64(res.acceptedTimestamp);
      w.optional(res.frank, writeFrank);
    } else if (res.statusCode === 'epochTooOld') {
      checkU64(res.currentEpoch, 'currentEpoch');
      w.uint64(res.currentEpoch);
    }
  });
}

/**
 * Decodes a SubmitMessageResponse, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the response
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeSubmitMessageResponse } from 'mimi-kit/protocol';
 * decodeSubmitMessageResponse(new Uint8Array([1, 1])); // { statusCode: 'notAllowed' }
 * ```
 */
export function decodeSubmitMessageResponse(bytes: Uint8Array, options?: ProtocolDecodeOptions): SubmitMessageResponse {
  return decodeBody(
    bytes,
    'SubmitMessageResponse',
    (r): SubmitMessageResponse => {
      readProtocol(r);
      const statusCode = readEnum8(r, SubmitResponseCode, 'statusCode');
      if (statusCode === 'accepted') {
        const acceptedTimestamp = r.uint64();
        const frank = r.optional(readFrank);
        return frank === undefined ? { statusCode, acceptedTimestamp } : { statusCode, acceptedTimestamp, frank };
      }
      if (statusCode === 'epochTooOld') return { statusCode, currentEpoch: r.uint64() };
      return { statusCode };
    },
    options,
  );
}
