/**
 * The byte format of a saved room (docs/decisions.md (MLS adapter) D14, D24):
 *
 * `0x02 ‖ u32 len ‖ room URI ‖ u32 n ‖ n × 32-byte digests ‖ group state ‖ SHA-256(everything before)`
 *
 * The trailing digest makes any damage (a flipped bit, a truncation, a splice) a typed error before a
 * byte of it is decoded: ts-mls's `decodeGroupState` accepts many corrupted states and some of them still
 * decrypt. It is an integrity check, not authentication: whoever can write the storage can write a new
 * digest; the bytes hold private keys and must be stored encrypted anyway.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { MimiError } from '../errors.js';
import { bytesEqual } from '../room/bytes.js';
import { mlsError } from './errors.js';

const FORMAT = 2;
const DIGEST = 32;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The parts of a saved room. */
export interface SavedRoomParts {
  readonly roomUri: string;
  /** Replay-window digests (hex, 32 bytes each). */
  readonly seen: readonly string[];
  /** ts-mls `encodeGroupState` bytes. */
  readonly group: Uint8Array;
}

function hexToBytes(h: string, out: Uint8Array, at: number): void {
  for (let k = 0; k < DIGEST; k++) out[at + k] = parseInt(h.slice(2 * k, 2 * k + 2), 16);
}

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/**
 * Encodes a saved room with its integrity digest.
 *
 * @param parts - room URI, replay window, group state
 * @returns the bytes
 */
export function encodeSavedRoom(parts: SavedRoomParts): Uint8Array {
  const uri = utf8.encode(parts.roomUri);
  const body = 1 + 4 + uri.length + 4 + parts.seen.length * DIGEST + parts.group.length;
  const out = new Uint8Array(body + DIGEST);
  const dv = new DataView(out.buffer);
  let o = 0;
  out[o++] = FORMAT;
  dv.setUint32(o, uri.length);
  o += 4;
  out.set(uri, o);
  o += uri.length;
  dv.setUint32(o, parts.seen.length);
  o += 4;
  for (const d of parts.seen) {
    hexToBytes(d, out, o);
    o += DIGEST;
  }
  out.set(parts.group, o);
  out.set(sha256(out.subarray(0, body)), body);
  return out;
}

/**
 * Decodes and checks a saved room: format, digest, lengths, UTF-8 room URI.
 *
 * @param bytes - what {@link encodeSavedRoom} produced
 * @returns the parts (the group state is a view into `bytes`)
 * @throws {@link MimiError} `mls/bad-state` for anything else (format 1 saves carry no digest and are refused)
 */
export function decodeSavedRoom(bytes: Uint8Array): SavedRoomParts {
  const bad = (why: string, cause?: unknown): MimiError => mlsError('mls/bad-state', `not a saved room: ${why}`, undefined, cause);
  if (bytes.length < 1 + 4 + 4 + DIGEST) throw bad('too short');
  if (bytes[0] === 1) throw bad('format 1 (no integrity check) is no longer accepted: save the room again with this version');
  if (bytes[0] !== FORMAT) throw bad('unknown format');
  const body = bytes.length - DIGEST;
  if (!bytesEqual(sha256(bytes.subarray(0, body)), bytes.subarray(body))) throw bad('integrity check failed (damaged or truncated)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 1;
  const uriLen = dv.getUint32(o);
  o += 4;
  if (uriLen > body - o - 4) throw bad('truncated');
  let roomUri: string;
  try {
    roomUri = fromUtf8.decode(bytes.subarray(o, o + uriLen));
  } catch (e) {
    throw bad('room URI', e);
  }
  o += uriLen;
  const n = dv.getUint32(o);
  o += 4;
  if (n > (body - o) / DIGEST) throw bad('truncated');
  const seen: string[] = [];
  for (let k = 0; k < n; k++, o += DIGEST) seen.push(toHex(bytes.subarray(o, o + DIGEST)));
  return { roomUri, seen, group: bytes.subarray(o, body) };
}
