/**
 * The in-memory {@link DeliveryStore} (tests, single-process demos). Same semantics as the persistent stores,
 * checked by the same conformance suite: a transaction that throws is undone through an undo log.
 *
 * @module
 */
import { MimiError } from '../../errors.js';
import { copyEvent, sameOrErased, tombstone } from '../validate.js';
import type { LogEvent } from '../types.js';
import { Mutex } from './mutex.js';
import { Namespace as NS, type DeliveryStore, type InsertOutcome, type Namespace, type NewEvent, type RoomHead, type StoreTransaction, type StoredKeyPackage } from './types.js';

interface Log {
  events: Map<number, LogEvent>;
  last: number;
  /** Numbers up to this were pruned (retention). */
  pruned: number;
}

/**
 * An in-memory store. A "restart" in tests is a new hub or follower on the same store object.
 *
 * @example
 * ```ts
 * import { MemoryStore } from 'mimi-kit/delivery';
 * const store = new MemoryStore();
 * const e = await store.transaction((tx) => tx.appendEvent('room', { hubTime: 1, kind: 'message', sender: 'mimi://a.example/u/a', message: new Uint8Array([1]) }));
 * e.seq; // 1
 * ```
 */
export class MemoryStore implements DeliveryStore {
  private readonly kv = new Map<string, Map<string, Uint8Array>>();
  private readonly logs = new Map<string, Log>();
  private readonly keyPackages = new Map<string, Map<string, StoredKeyPackage[]>>();
  private readonly lock = new Mutex();
  private closed = false;

  /**
   * Runs `fn` as one all-or-nothing transaction.
   * @param fn - the work
   * @returns what `fn` returned
   * @example
   * ```ts
   * await new MemoryStore().transaction(async (tx) => tx.lastSeq('room')); // 0
   * ```
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (this.closed) throw new MimiError('delivery/store-closed', 'the store is closed');
      const undo: (() => void)[] = [];
      let open = true;
      const tx = this.tx(undo, () => open);
      try {
        const value = await fn(tx);
        return value;
      } catch (e) {
        for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
        throw e;
      } finally {
        open = false;
      }
    });
  }

  /**
   * Closes the store.
   * @example
   * ```ts
   * await new MemoryStore().close();
   * ```
   */
  async close(): Promise<void> {
    await this.lock.run(async () => {
      this.closed = true;
    });
  }

  private tx(undo: (() => void)[], isOpen: () => boolean): StoreTransaction {
    const live = (): void => {
      if (!isOpen()) throw new MimiError('delivery/store-closed', 'the transaction has ended');
    };
    const table = (ns: Namespace): Map<string, Uint8Array> => {
      let t = this.kv.get(ns);
      if (!t) this.kv.set(ns, (t = new Map()));
      return t;
    };
    const log = (roomId: string): Log => {
      let l = this.logs.get(roomId);
      if (!l) {
        this.logs.set(roomId, (l = { events: new Map(), last: 0, pruned: 0 }));
        undo.push(() => this.logs.delete(roomId));
      }
      return l;
    };
    const setKv = (ns: Namespace, key: string, value: Uint8Array): void => {
      const t = table(ns);
      const before = t.get(key);
      t.set(key, value.slice());
      undo.push(() => (before === undefined ? t.delete(key) : t.set(key, before)));
    };
    const putEvent = (l: Log, e: LogEvent): void => {
      const prevLast = l.last;
      l.events.set(e.seq, copyEvent(e));
      l.last = Math.max(l.last, e.seq);
      undo.push(() => {
        l.events.delete(e.seq);
        l.last = prevLast;
      });
    };
    const replace = (l: Log, e: LogEvent): void => {
      const before = l.events.get(e.seq)!;
      l.events.set(e.seq, e);
      undo.push(() => l.events.set(e.seq, before));
    };
    const append = (roomId: string, event: NewEvent): LogEvent => {
      const l = log(roomId);
      const e: LogEvent = { ...event, seq: l.last + 1 };
      putEvent(l, e);
      return e;
    };
    const self: StoreTransaction = {
      get: async (ns, key) => (live(), table(ns).get(key)?.slice()),
      getForUpdate: async (ns, key) => (live(), table(ns).get(key)?.slice()),
      delete: async (ns, key) => {
        live();
        const t = table(ns);
        const before = t.get(key);
        if (before === undefined) return;
        t.delete(key);
        undo.push(() => t.set(key, before));
      },
      put: async (ns, key, value) => (live(), setKv(ns, key, value)),
      getMany: async (ns, keys) => {
        live();
        const t = table(ns);
        return new Map(keys.filter((k) => t.has(k)).map((k) => [k, t.get(k)!.slice()]));
      },
      putMany: async (ns, entries) => {
        live();
        for (const [k, v] of entries) setKv(ns, k, v);
      },
      putIfAbsent: async (ns, key, value) => {
        live();
        if (table(ns).has(key)) return false;
        setKv(ns, key, value);
        return true;
      },
      keys: async (ns, prefix = '') => {
        live();
        return [...table(ns).keys()].filter((k) => k.startsWith(prefix)).sort(compareUtf16);
      },
      appendEvent: async (roomId: string, event: NewEvent) => (live(), copyEvent(append(roomId, event))),
      appendEvents: async (roomId, events) => (live(), events.map((e) => copyEvent(append(roomId, e)))),
      pruneEvents: async (roomId, through) => {
        live();
        const l = this.logs.get(roomId);
        if (!l) return 0;
        let n = 0;
        for (const [seq, e] of [...l.events]) {
          if (seq > through) continue;
          l.events.delete(seq);
          undo.push(() => l.events.set(seq, e));
          n++;
        }
        const prev = l.pruned;
        l.pruned = Math.max(prev, Math.min(through, l.last));
        undo.push(() => (l.pruned = prev));
        return n;
      },
      tombstoneEvents: async (match) => {
        live();
        let n = 0;
        for (const l of this.logs.values()) {
          for (const e of [...l.events.values()]) {
            if (e.kind === 'erased') continue;
            const hit = 'sender' in match ? e.sender === match.sender : e.expires !== undefined && e.expires <= match.expiredAt;
            if (!hit) continue;
            replace(l, tombstone(e.seq, e.hubTime));
            n++;
          }
        }
        return n;
      },
      removeUser: async (user) => {
        live();
        const clients = this.keyPackages.get(user);
        if (!clients) return 0;
        const n = [...clients.values()].reduce((a, q) => a + q.length, 0);
        this.keyPackages.delete(user);
        undo.push(() => this.keyPackages.set(user, clients));
        return n;
      },
      logRooms: async () => (live(), [...this.logs.keys()].sort(compareUtf16)),
      lockRooms: async (roomIds) => {
        live();
        const out = new Map<string, RoomHead>();
        for (const id of [...roomIds].sort(compareUtf16)) {
          const record = table(NS.room).get(id);
          if (record === undefined) continue;
          const l = this.logs.get(id);
          out.set(id, { record: record.slice(), lastSeq: l?.last ?? 0, lastHubTime: l?.events.get(l.last)?.hubTime ?? 0 });
        }
        return out;
      },
      appendMany: async (batches) => {
        live();
        const out = new Map<string, number>();
        for (const [id, events] of batches) {
          if (events.length === 0) continue;
          out.set(id, append(id, events[0]!).seq);
          for (let i = 1; i < events.length; i++) append(id, events[i]!);
        }
        return out;
      },
      lastSeqs: async () => {
        live();
        return new Map([...this.logs].filter(([, l]) => l.last > 0).map(([id, l]) => [id, l.last]));
      },
      insertEvent: async (roomId: string, event: LogEvent): Promise<InsertOutcome> => {
        live();
        const l = log(roomId);
        const held = l.events.get(event.seq);
        if (held) return sameOrErased(held, event) ? 'duplicate' : 'conflict';
        putEvent(l, event);
        return 'inserted';
      },
      events: async (roomId, after, limit) => {
        live();
        const l = this.logs.get(roomId);
        if (!l) return [];
        const out: LogEvent[] = [];
        // Sequence numbers are dense on a hub (after what retention pruned); a follower's copy may have holes,
        // so walk the sorted keys there.
        if (l.events.size === l.last - l.pruned) {
          for (let s = Math.max(after, l.pruned) + 1; s <= l.last && out.length < limit; s++) out.push(copyEvent(l.events.get(s)!));
        } else {
          for (const s of [...l.events.keys()].filter((k) => k > after).sort((a, b) => a - b)) {
            if (out.length >= limit) break;
            out.push(copyEvent(l.events.get(s)!));
          }
        }
        return out;
      },
      lastSeq: async (roomId) => (live(), this.logs.get(roomId)?.last ?? 0),
      eventsMany: async (ranges) => {
        const out = new Map<string, LogEvent[]>();
        for (const r of ranges) {
          const events = await self.events(r.roomId, r.after, r.limit);
          if (events.length > 0) out.set(r.roomId, events);
        }
        return out;
      },
      addKeyPackage: async (user, entry) => {
        live();
        let clients = this.keyPackages.get(user);
        if (!clients) {
          this.keyPackages.set(user, (clients = new Map()));
          undo.push(() => this.keyPackages.delete(user));
        }
        let queue = clients.get(entry.client);
        if (!queue) {
          const c = clients;
          c.set(entry.client, (queue = []));
          undo.push(() => c.delete(entry.client));
        }
        const q = queue;
        q.push({ client: entry.client, keyPackage: entry.keyPackage.slice() });
        undo.push(() => q.pop());
      },
      claimKeyPackages: async (user, judge) => {
        live();
        const claimed: StoredKeyPackage[] = [];
        const exhausted: string[] = [];
        const incompatible: StoredKeyPackage[] = [];
        const clients = this.keyPackages.get(user);
        for (const client of [...(clients?.keys() ?? [])].sort(compareUtf16)) {
          const q = clients!.get(client)!;
          let newestIncompatible: StoredKeyPackage | undefined;
          const discarded: StoredKeyPackage[] = [];
          const found = q.findIndex((e) => {
            const verdict = judge(e.keyPackage);
            if (verdict === 'incompatible') newestIncompatible = e;
            if (verdict === 'discard') discarded.push(e);
            return verdict === 'take';
          });
          for (const gone of discarded) {
            const at = q.indexOf(gone);
            q.splice(at, 1);
            undo.push(() => q.splice(at, 0, gone));
          }
          const i = found < 0 ? -1 : found - discarded.length;
          if (i >= 0) {
            const [taken] = q.splice(i, 1) as [StoredKeyPackage];
            claimed.push({ client, keyPackage: taken.keyPackage.slice() });
            undo.push(() => q.splice(i, 0, taken));
          } else if (newestIncompatible) incompatible.push({ client, keyPackage: newestIncompatible.keyPackage.slice() });
          else exhausted.push(client);
        }
        return { claimed, exhausted, incompatible };
      },
    };
    return self;
  }
}

/** @internal Plain UTF-16 code-unit order (what `<` on strings does). */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
