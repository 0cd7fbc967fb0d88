/**
 * Message IDs (draft-ietf-mimi-content §2.3 "Message ID").
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MimiError, type MimiErrorCode } from '../errors.js';
import { decodeContent, encodeContent } from './codec.js';
import type { MimiContent } from './mimiContent.js';

/**
 * Hash algorithm octet of a SHA-256 message ID (IANA Named Information registry).
 * @example
 * ```ts
 * import { messageId, MESSAGE_ID_SHA256 } from 'mimi-kit/content';
 * messageId(bytes)[0] === MESSAGE_ID_SHA256; // true
 * ```
 */
export const MESSAGE_ID_SHA256 = 0x01;

const encoder = new TextEncoder();

/** Options of {@link messageId}: override the sender and room URIs taken from extensions 1 and 2. */
export interface MessageIdOptions {
  /** Sender URI; default: extension key 1 (senderUri) of the message. */
  readonly senderUri?: string;
  /** Room URI; default: extension key 2 (roomUri) of the message. */
  readonly roomUri?: string;
}

function lengthPrefixed(uri: string, code: MimiErrorCode): Uint8Array {
  const b = encoder.encode(uri);
  if (b.length > 0xffff) throw new MimiError(code, `URI of ${b.length} octets does not fit a 16-bit length`);
  const out = new Uint8Array(2 + b.length);
  out[0] = b.length >> 8;
  out[1] = b.length & 0xff;
  out.set(b, 2);
  return out;
}

function compute(bytes: Uint8Array, salt: Uint8Array, senderUri: string, roomUri: string): Uint8Array {
  // draft-ietf-mimi-content §2.3:
  // hash_output = SHA-256(senderUriLength || senderUri || roomUriLength || roomUri || message || salt)
  // messageId = 0x01 || hash_output[0..30]
  const h = sha256.create();
  h.update(lengthPrefixed(senderUri, 'content/sender-uri-too-long'));
  h.update(lengthPrefixed(roomUri, 'content/room-uri-too-long'));
  h.update(bytes);
  h.update(salt);
  const digest = h.digest();
  const id = new Uint8Array(32);
  id[0] = MESSAGE_ID_SHA256;
  id.set(digest.subarray(0, 31), 1);
  return id;
}

/**
 * Computes the message ID of an encoded MIMI content message (draft-ietf-mimi-content §2.3):
 * `0x01 || SHA-256(u16(len senderUri) || senderUri || u16(len roomUri) || roomUri || bytes || salt)[0..30]`.
 *
 * The bytes are decoded (structure only, no receiver checks) to find the salt and, unless given, the
 * sender and room URIs (extension keys 1 and 2). The hash covers `bytes` exactly as given.
 *
 * @param bytes - the exact encoded message
 * @param opts - sender/room URIs overriding extension keys 1 and 2
 * @returns the 32-octet message ID
 * @throws {@link MimiError} `content/missing-sender-uri` / `content/missing-room-uri` when a URI is neither
 *   given nor in the message; `cbor/*` / `content/*` when `bytes` is not a MIMI content message
 * @example
 * ```ts
 * bytesToHex(messageId(originalBytes)); // '017ce548…82a096f4'
 * ```
 */
export function messageId(bytes: Uint8Array, opts: MessageIdOptions = {}): Uint8Array {
  const c = decodeContent(bytes, { checks: false });
  const senderUri = opts.senderUri ?? c.extensions.senderUri;
  const roomUri = opts.roomUri ?? c.extensions.roomUri;
  if (senderUri === undefined) {
    throw new MimiError('content/missing-sender-uri', 'no senderUri given and the message has no extension 1', { path: [5, 1] });
  }
  if (roomUri === undefined) {
    throw new MimiError('content/missing-room-uri', 'no roomUri given and the message has no extension 2', { path: [5, 2] });
  }
  return compute(bytes, c.salt, senderUri, roomUri);
}

/**
 * Encodes a message and computes its message ID in one step.
 *
 * @param content - the message
 * @param opts - sender/room URIs overriding extension keys 1 and 2
 * @returns `{ bytes, id }`: the encoding to send and its message ID
 * @throws {@link MimiError} as {@link encodeContent} and {@link messageId}
 * @example
 * ```ts
 * const { bytes, id } = encodeWithId(plainText('hi', { senderUri, roomUri }));
 * ```
 */
export function encodeWithId(content: MimiContent, opts: MessageIdOptions = {}): { bytes: Uint8Array; id: Uint8Array } {
  const bytes = encodeContent(content);
  const senderUri = opts.senderUri ?? content.extensions.senderUri;
  const roomUri = opts.roomUri ?? content.extensions.roomUri;
  if (senderUri === undefined) throw new MimiError('content/missing-sender-uri', 'no senderUri given and the message has none', { path: ['extensions', 'senderUri'] });
  if (roomUri === undefined) throw new MimiError('content/missing-room-uri', 'no roomUri given and the message has none', { path: ['extensions', 'roomUri'] });
  return { bytes, id: compute(bytes, content.salt, senderUri, roomUri) };
}
