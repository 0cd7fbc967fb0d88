/**
 * Retention and erasure at the hub (docs/decisions.md DL11, DL12). The room's policy components decide how
 * long the log is kept: chat_history_policy (room-policy §5.10) — a provider that joins later may read
 * `max_time_period` seconds back, so that much is kept; logging_policy (room-policy §5.9) — while logging is
 * active the operator's archive period applies. Expired messages become tombstones; erasure tombstones one
 * user's events and deletes their key material. The log keeps its numbering throughout.
 *
 * @module
 */
import { roomStateOf } from './checker.js';
import { decodeCursor, decodeHubRoom, key, type HubRoomRecord } from './records.js';
import { Namespace, type StoreTransaction } from './store/types.js';
import type { RoomSnapshot } from './types.js';

/** What the hub keeps, and for how long (operator settings; the room's policies decide within them). */
export interface RetentionPolicy {
  /** While a room's logging policy is active (required, or optional with a logging client), keep its log this many seconds. */
  readonly loggedSeconds: number;
  /** Never keep an event longer than this many seconds, whatever the room allows. */
  readonly maxSeconds: number;
  /** Remove events older than this many seconds even if a follower never acknowledged them (a provider gone for good). */
  readonly undeliveredSeconds: number;
  /** How often `Hub.tick` sweeps, ms (0: only explicit `Hub.sweep` calls). */
  readonly sweepEveryMs: number;
}

/**
 * The default {@link RetentionPolicy}: logged rooms 90 days, no cap beyond the policies, undelivered events
 * 7 days, a sweep a minute.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETENTION } from 'mimi-kit/delivery';
 * DEFAULT_RETENTION.undeliveredSeconds; // 604800
 * ```
 */
export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({
  loggedSeconds: 90 * 86_400,
  maxSeconds: Number.MAX_SAFE_INTEGER,
  undeliveredSeconds: 7 * 86_400,
  sweepEveryMs: 60_000,
});

/** What a sweep removed. */
export interface SweepReport {
  /** Events whose `expires` had passed, now tombstones. */
  readonly expired: number;
  /** Events deleted as past retention. */
  readonly pruned: number;
}

/** What an erasure did. */
export interface ErasureReport {
  /** Events of the user now tombstones. */
  readonly events: number;
  /** Key packages deleted. */
  readonly keyPackages: number;
  /** Rooms whose state still names the user (a member, or banned): not changed. */
  readonly retainedIn: readonly string[];
}

/**
 * The seconds a room's log is kept once delivered (DL11): the history window, or the operator's archive period
 * while logging is active, whichever is longer, at most `maxSeconds`.
 *
 * @param snapshot - the room
 * @param policy - the operator's settings
 * @returns seconds
 * @example
 * ```ts
 * import { retentionSeconds, DEFAULT_RETENTION, roomSnapshot } from 'mimi-kit/delivery';
 * retentionSeconds(roomSnapshot(room, 0), DEFAULT_RETENTION); // 0 for a room that forbids history and logging
 * ```
 */
export function retentionSeconds(snapshot: RoomSnapshot, policy: RetentionPolicy): number {
  let seconds = snapshot.historySeconds;
  if (loggingActive(snapshot)) seconds = Math.max(seconds, policy.loggedSeconds);
  return Math.min(seconds, policy.maxSeconds);
}

function loggingActive(snapshot: RoomSnapshot): boolean {
  let logging;
  try {
    logging = roomStateOf(snapshot).policy.logging;
  } catch {
    return false; // a checker whose state is not a room state says nothing about logging
  }
  // room-policy §5.9: "If logging is optional and there is at least one logging_client then logging is active".
  return logging !== undefined && (logging.logging === 'required' || (logging.logging === 'optional' && logging.loggingClients.length > 0));
}

/** @internal The lowest sequence number held for the room (1 when nothing was removed). */
export async function firstHeld(tx: StoreTransaction, roomId: string): Promise<number> {
  return (await tx.events(roomId, 0, 1))[0]?.seq ?? 1;
}

/** @internal The highest held seq with hubTime < t (0 when none), by binary search on the ascending times. */
export async function lastBefore(tx: StoreTransaction, roomId: string, t: number, last: number): Promise<number> {
  let lo = 0; // answer in [lo, hi]
  let hi = last;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const e = (await tx.events(roomId, mid - 1, 1))[0];
    // e is the first held event at or after mid (numbers below the held range are gone)
    if (e !== undefined && e.seq <= hi && e.hubTime < t) lo = e.seq;
    else hi = mid - 1;
  }
  return lo;
}

/** @internal How far every follower still sent the room has acknowledged. */
async function deliveredThrough(tx: StoreTransaction, roomId: string, room: HubRoomRecord, last: number): Promise<number> {
  let through = last;
  for (const f of room.followers) {
    const acked = Math.max(decodeCursor(await tx.get(Namespace.fanout, key(roomId, f.domain))), f.from - 1);
    const end = f.until ?? last;
    if (acked < end) through = Math.min(through, acked);
  }
  return through;
}

/** @internal One sweep of every room. */
export async function sweepHub(tx: StoreTransaction, now: number, policy: RetentionPolicy): Promise<SweepReport> {
  const expired = await tx.tombstoneEvents({ expiredAt: now });
  let pruned = 0;
  for (const roomId of await tx.keys(Namespace.room)) {
    // A store shared with this provider's own follower (its local clients read through it, DL4) holds one log
    // that is also the follower's copy: the follower's retention governs it, the hub removes nothing.
    if ((await tx.get(Namespace.followed, roomId)) !== undefined) continue;
    const room = decodeHubRoom((await tx.get(Namespace.room, roomId))!, roomId);
    const last = await tx.lastSeq(roomId);
    if (last <= 1) continue;
    const keepMs = retentionSeconds(room.snapshot, policy) * 1000;
    const old = await lastBefore(tx, roomId, now - keepMs, last);
    const abandoned = await lastBefore(tx, roomId, now - Math.min(policy.undeliveredSeconds, policy.maxSeconds) * 1000, last);
    const through = Math.min(last - 1, Math.max(Math.min(old, await deliveredThrough(tx, roomId, room, last)), abandoned));
    if (through >= 1) pruned += await tx.pruneEvents(roomId, through);
  }
  return { expired, pruned };
}

/** @internal Erasure at the hub (DL12). */
export async function eraseUserAtHub(tx: StoreTransaction, user: string): Promise<ErasureReport> {
  const events = await tx.tombstoneEvents({ sender: user });
  const keyPackages = await tx.removeUser(user);
  const needle = JSON.stringify(user).slice(1, -1);
  const retainedIn: string[] = [];
  for (const roomId of await tx.keys(Namespace.room)) {
    const room = decodeHubRoom((await tx.get(Namespace.room, roomId))!, roomId);
    if (room.snapshot.members.includes(user) || new TextDecoder().decode(room.snapshot.state).includes(needle)) retainedIn.push(roomId);
  }
  return { events, keyPackages, retainedIn };
}
