/**
 * What a membership transition reads of the participant list, behind one interface: a plain scan of a
 * state (one operation) or a working list that a whole commit edits in place (draft-ietf-mimi-protocol
 * §8.5: one ParticipantListUpdate may touch every participant).
 *
 * Why: authorizing each change against a fresh copy of the list costs O(participants) per change, so a
 * commit adding k users to a room of n was O(k·n) (issue 10); the working list makes it O(k + n).
 *
 * @module
 */
import { participantByUser, roleByIndex } from './lookup.js';
import { BANNED_ROLE_NAME, ROLE_BANNED } from './registry.js';
import type { Knock, Participant, RoomState } from './types.js';

/** Read access to the participant list and knocks of a room. */
export interface Members {
  /** The entry of a user, or undefined when not listed (role 0). */
  get(user: string): Participant | undefined;
  /** `[listed, active]` users with role `role`. */
  count(role: number): readonly [number, number];
  /** Listed users that count towards max_users: every role but 0 and the banned role (room-policy §4). */
  countedUsers(): number;
  /** Whether the user has a pending knock. */
  knocking(user: string): boolean;
}

function bannedIndex(state: RoomState): number | undefined {
  return roleByIndex(state.roles, ROLE_BANNED)?.name === BANNED_ROLE_NAME ? ROLE_BANNED : undefined;
}

/**
 * Members read straight from a state (each count is a scan: right for one operation).
 *
 * @param state - the room
 * @returns the view
 * @example
 * ```ts
 * scanMembers(state).count(2); // [3, 2]: three ordinary users, two with clients
 * ```
 */
export function scanMembers(state: RoomState): Members {
  const banned = bannedIndex(state);
  return {
    get: (user) => participantByUser(state.participants, user),
    count: (role) => {
      let n = 0;
      let a = 0;
      for (const p of state.participants) {
        if (p.role !== role) continue;
        n++;
        if (p.active) a++;
      }
      return [n, a];
    },
    countedUsers: () => state.participants.filter((p) => p.role !== 0 && p.role !== banned).length,
    knocking: (user) => state.knocks.some((k) => k.user === user),
  };
}

/**
 * A participant list edited in place by the changes of one commit, with counts kept up to date.
 * Entries keep their list position when changed, removed ones leave, added ones go last (the order
 * rules of docs/decisions.md (Room) #8). Positions are slots in an append-only array; a Fenwick tree
 * over the live slots finds the i-th listed user in O(log n), so indexes of a later update of the same
 * commit resolve without rebuilding the list.
 *
 * @example
 * ```ts
 * const w = new WorkingList(state);
 * w.set('mimi://b.example/u/bob', { user: 'mimi://b.example/u/bob', role: 2, active: true });
 * w.at(w.length - 1)?.user; // 'mimi://b.example/u/bob'
 * const next = w.toState(state);
 * ```
 */
export class WorkingList implements Members {
  private readonly slots: (Participant | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private tree = new Int32Array(1);
  private live = 0;
  private readonly counts = new Map<number, [number, number]>();
  private readonly knocks = new Map<string, Knock>();
  private readonly banned: number | undefined;
  private counted = 0;
  private knocksChanged = false;

  /** @param state - the room the commit starts from (roles are read once: they cannot change with the list) */
  constructor(state: RoomState) {
    this.banned = bannedIndex(state);
    // A state with a user listed twice is invalid; keep the first entry, as a scan would.
    for (const p of state.participants) if (!this.slotOf.has(p.user)) this.append(p);
    for (const k of state.knocks) if (!this.knocks.has(k.user)) this.knocks.set(k.user, k);
  }

  /** Number of listed users. */
  get length(): number {
    return this.live;
  }

  private append(p: Participant): void {
    if (this.slots.length + 1 >= this.tree.length) this.grow();
    const slot = this.slots.length;
    this.slots.push(p);
    this.slotOf.set(p.user, slot);
    this.bump(slot, 1);
    this.tally(p, 1);
  }

  /** Doubles the tree and rebuilds it from the live slots in O(size). */
  private grow(): void {
    let size = this.tree.length;
    while (size <= this.slots.length + 1) size *= 2;
    const t = new Int32Array(size);
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i]) t[i + 1] = 1;
    for (let i = 1; i < size; i++) {
      const j = i + (i & -i);
      if (j < size) t[j]! += t[i]!;
    }
    this.tree = t;
  }

  private bump(slot: number, d: number): void {
    for (let i = slot + 1; i < this.tree.length; i += i & -i) this.tree[i]! += d;
    this.live += d;
  }

  private tally(p: Participant, d: 1 | -1): void {
    const c = this.counts.get(p.role) ?? [0, 0];
    c[0] += d;
    if (p.active) c[1] += d;
    this.counts.set(p.role, c);
    if (p.role !== 0 && p.role !== this.banned) this.counted += d;
  }

  /**
   * The entry at list position `index` (0-based), as a ParticipantListUpdate index names it.
   * @param index - position
   * @returns the entry, or undefined when out of range
   */
  at(index: number): Participant | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.live) return undefined;
    // Fenwick descent: the smallest slot whose live prefix count is index + 1.
    let pos = 0;
    let rest = index + 1;
    for (let step = this.tree.length >> 1; step > 0; step >>= 1) {
      const next = pos + step;
      if (next < this.tree.length && this.tree[next]! < rest) {
        pos = next;
        rest -= this.tree[next]!;
      }
    }
    return this.slots[pos];
  }

  /** @inheritDoc */
  get(user: string): Participant | undefined {
    const slot = this.slotOf.get(user);
    return slot === undefined ? undefined : this.slots[slot];
  }

  /** @inheritDoc */
  count(role: number): readonly [number, number] {
    const c = this.counts.get(role);
    return c ? [c[0], c[1]] : [0, 0];
  }

  /** @inheritDoc */
  countedUsers(): number {
    return this.counted;
  }

  /** @inheritDoc */
  knocking(user: string): boolean {
    return this.knocks.has(user);
  }

  /**
   * Sets (or, with undefined, removes) a user's entry; a listed user no longer knocks.
   * @param user - user URI
   * @param entry - the new entry, or undefined to remove
   */
  set(user: string, entry: Participant | undefined): void {
    const slot = this.slotOf.get(user);
    if (slot !== undefined) {
      this.tally(this.slots[slot]!, -1);
      if (entry) {
        this.slots[slot] = entry;
        this.tally(entry, 1);
      } else {
        this.slots[slot] = undefined;
        this.slotOf.delete(user);
        this.bump(slot, -1);
      }
    } else if (entry) this.append(entry);
    if (entry && this.knocks.delete(user)) this.knocksChanged = true;
  }

  /**
   * The state with this participant list and knocks.
   * @param base - the state the other fields come from
   * @returns a new (unfrozen) state
   */
  toState(base: RoomState): RoomState {
    const participants = this.slots.filter((p): p is Participant => p !== undefined);
    return { ...base, participants, knocks: this.knocksChanged ? [...this.knocks.values()] : base.knocks };
  }
}
