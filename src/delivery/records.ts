/**
 * The records hubs and followers keep in a store's key-value part, and their encoding (UTF-8 JSON, bytes as
 * hex). Reading checks every field: a damaged record is `delivery/corrupt-store`, never a crash.
 *
 * @module
 */
import { bytesEqual } from '../room/bytes.js';
import { bytesToHex, hexToBytes } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import type { RoomSnapshot } from './types.js';

/** @internal A provider the hub fans a room out to, and from where. */
export interface FollowerEntry {
  /** Provider domain. */
  readonly domain: string;
  /** First sequence number it is sent (the event that made one of its users a member). */
  readonly from: number;
  /** Hub time of that event (the history window counts back from it). */
  readonly joinedAt: number;
  /** Last sequence number it is sent (the event that removed its last member), when it left. */
  readonly until?: number;
}

/** @internal What a hub keeps per room besides the log. */
export interface HubRoomRecord {
  readonly snapshot: RoomSnapshot;
  readonly groupInfo?: Uint8Array;
  readonly followers: readonly FollowerEntry[];
}

/** @internal What a follower keeps per room besides its copy of the log. */
export interface FollowedRoomRecord {
  /** The room's hub (bound by the first notify). */
  readonly hub: string;
  /** Every event up to this number is held (or withheld by the hub's history policy). */
  readonly contiguous: number;
  /** First sequence number held; events below it were withheld by the hub (history incomplete). */
  readonly firstSeq: number;
  /** The room's history window as the hub last sent it (NotifyRequest.historySeconds; DL11). */
  readonly historySeconds?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

function bad(what: string, cause?: unknown): never {
  throw new MimiError('delivery/corrupt-store', `a stored ${what} record cannot be read`, cause === undefined ? {} : { cause });
}

function parse(bytes: Uint8Array, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(dec.decode(bytes));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    bad(what, e);
  }
  return bad(what);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string';

function bytesField(v: unknown, what: string): Uint8Array {
  if (!isText(v)) bad(what);
  try {
    return hexToBytes(v);
  } catch (e) {
    return bad(what, e);
  }
}

/** @internal */
export function encodeHubRoom(r: HubRoomRecord): Uint8Array {
  const s = r.snapshot;
  return enc.encode(
    JSON.stringify({
      epoch: s.epoch,
      state: bytesToHex(s.state),
      members: s.members,
      historySeconds: s.historySeconds,
      ...(r.groupInfo ? { groupInfo: bytesToHex(r.groupInfo) } : {}),
      followers: r.followers,
    }),
  );
}

/** Decoded room records by room id, with the bytes they were decoded from (bounded, oldest dropped first). */
const decodedRooms = new Map<string, { readonly bytes: Uint8Array; readonly record: HubRoomRecord }>();
const MAX_DECODED_ROOMS = 4096;

/**
 * @internal Decodes a hub room record. With `roomId`, the last record decoded for that room is reused when the
 * bytes are the same: every submit batch and fanout tick reads the record, which changes only with a commit,
 * and decoding it (JSON, hex) costs far more than comparing bytes. Records are immutable, so sharing is safe;
 * the comparison makes the cache correct whatever store or process wrote the bytes.
 */
export function decodeHubRoom(bytes: Uint8Array, roomId?: string): HubRoomRecord {
  if (roomId === undefined) return decodeHubRoomBytes(bytes);
  const hit = decodedRooms.get(roomId);
  if (hit !== undefined && bytesEqual(hit.bytes, bytes)) return hit.record;
  const record = freezeRoom(decodeHubRoomBytes(bytes));
  decodedRooms.delete(roomId);
  if (decodedRooms.size >= MAX_DECODED_ROOMS) decodedRooms.delete(decodedRooms.keys().next().value!);
  decodedRooms.set(roomId, { bytes: Uint8Array.from(bytes), record });
  return record;
}

/** A shared record must not be changed by one of its readers. */
function freezeRoom(r: HubRoomRecord): HubRoomRecord {
  Object.freeze(r.snapshot.members);
  Object.freeze(r.snapshot);
  for (const f of r.followers) Object.freeze(f);
  Object.freeze(r.followers);
  return Object.freeze(r);
}

function decodeHubRoomBytes(bytes: Uint8Array): HubRoomRecord {
  const v = parse(bytes, 'room');
  const { epoch, state, members, historySeconds, groupInfo, followers } = v;
  if (!isCount(epoch) || !isCount(historySeconds) || !Array.isArray(members) || !members.every(isText) || !Array.isArray(followers)) bad('room');
  const fs: FollowerEntry[] = followers.map((f: unknown) => {
    const e = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    if (!isText(e.domain) || !isCount(e.from) || !isCount(e.joinedAt) || (e.until !== undefined && !isCount(e.until))) bad('room');
    return { domain: e.domain, from: e.from, joinedAt: e.joinedAt, ...(e.until !== undefined ? { until: e.until } : {}) };
  });
  return {
    snapshot: { epoch, state: bytesField(state, 'room'), members: members as string[], historySeconds },
    ...(groupInfo !== undefined ? { groupInfo: bytesField(groupInfo, 'room') } : {}),
    followers: fs,
  };
}

/** @internal */
export function encodeFollowedRoom(r: FollowedRoomRecord): Uint8Array {
  return enc.encode(JSON.stringify(r));
}

/** @internal */
export function decodeFollowedRoom(bytes: Uint8Array): FollowedRoomRecord {
  const { hub, contiguous, firstSeq, historySeconds } = parse(bytes, 'followed room');
  if (!isText(hub) || !isCount(contiguous) || !isCount(firstSeq) || (historySeconds !== undefined && !isCount(historySeconds))) bad('followed room');
  return { hub, contiguous, firstSeq, ...(historySeconds !== undefined ? { historySeconds } : {}) };
}

/** @internal A cursor (a sequence number) as bytes. */
export function encodeCursor(seq: number): Uint8Array {
  return enc.encode(String(seq));
}

/** @internal */
export function decodeCursor(bytes: Uint8Array | undefined): number {
  if (bytes === undefined) return 0;
  const n = Number(dec.decode(bytes));
  return isCount(n) ? n : bad('cursor');
}

/** @internal Joins key parts with NUL (ids never contain it: checked on input). */
export function key(...parts: string[]): string {
  return parts.join('\u0000');
}
