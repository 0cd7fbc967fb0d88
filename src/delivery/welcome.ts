/**
 * Welcome routing (draft-ietf-mimi-protocol-06 §5.6: "the hub … sends the Welcome to the providers of the new
 * members"; docs/decisions.md HT16). An accepted commit's Welcome is queued in the hub's store in the commit's
 * own transaction, one entry per provider of joining clients, and sent by {@link Hub.tick} with the fanout's
 * backoff until the provider acknowledges it; the provider keeps it per joining client until that client
 * takes it. A Welcome is never part of the room's log: only its recipients' providers receive it.
 *
 * @module
 */
import { bytesToHex, hexToBytes } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import { backoffDelay, type RetryPolicy } from './fanout.js';
import { key } from './records.js';
import { Namespace, type DeliveryStore, type StoreTransaction } from './store/types.js';
import type { Clock, FollowerTransport, WelcomeRequest } from './types.js';
import { domainOf } from './validate.js';

/** A Welcome held for one client by {@link Follower.welcomes}. */
export interface HeldWelcome {
  /** The room it admits to. */
  readonly roomId: string;
  /** The hub that sent it. */
  readonly hub: string;
  /** Sequence number of the commit that added the client: its first event is the one after. */
  readonly seq: number;
  /** Hub time of that commit (the `hubTimestamp` for MimiRoom's expiry checks). */
  readonly hubTime: number;
  /** The Welcome as an MLSMessage. */
  readonly welcome: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** @internal One queued or held Welcome, as stored (JSON, bytes as hex). */
interface WelcomeRecord {
  readonly hub: string;
  readonly roomId: string;
  readonly seq: number;
  readonly hubTime: number;
  readonly clients: readonly string[];
  readonly welcome: Uint8Array;
}

function encode(r: WelcomeRecord): Uint8Array {
  return enc.encode(JSON.stringify({ hub: r.hub, roomId: r.roomId, seq: r.seq, hubTime: r.hubTime, clients: r.clients, welcome: bytesToHex(r.welcome) }));
}

function decode(bytes: Uint8Array): WelcomeRecord {
  try {
    const v = JSON.parse(dec.decode(bytes)) as Record<string, unknown>;
    const { hub, roomId, seq, hubTime, clients, welcome } = v;
    if (
      typeof hub === 'string' &&
      typeof roomId === 'string' &&
      Number.isSafeInteger(seq) &&
      Number.isSafeInteger(hubTime) &&
      Array.isArray(clients) &&
      clients.every((c) => typeof c === 'string') &&
      typeof welcome === 'string'
    ) {
      return { hub, roomId, seq: seq as number, hubTime: hubTime as number, clients: clients as string[], welcome: hexToBytes(welcome) };
    }
  } catch (e) {
    throw new MimiError('delivery/corrupt-store', 'a stored welcome record cannot be read', { cause: e });
  }
  throw new MimiError('delivery/corrupt-store', 'a stored welcome record cannot be read');
}

/**
 * @internal The providers a commit's Welcome goes to, with their joining clients: by the joiners' client URIs
 * when the checker names them, else the providers of the users the commit made active (clients unknown).
 */
export function welcomeTargets(joiners: readonly string[] | undefined, before: readonly string[], after: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (joiners !== undefined) {
    for (const c of joiners) {
      const d = domainOf(c);
      if (d !== undefined) out.set(d, [...(out.get(d) ?? []), c]);
    }
    return out;
  }
  const had = new Set(before);
  for (const u of after) {
    const d = domainOf(u);
    if (!had.has(u) && d !== undefined && !out.has(d)) out.set(d, []);
  }
  return out;
}

/** @internal Queues a Welcome for each target provider, in the commit's transaction. */
export async function queueWelcomes(tx: StoreTransaction, base: Omit<WelcomeRecord, 'clients'>, targets: ReadonlyMap<string, readonly string[]>): Promise<void> {
  const entries = [...targets].map(([domain, clients]): [string, Uint8Array] => [key(base.roomId, domain, String(base.seq)), encode({ ...base, clients })]);
  if (entries.length > 0) await tx.putMany(Namespace.welcomeOut, entries);
}

/** @internal The hub's sender of queued Welcomes. */
export class WelcomeOutbox {
  /** Per queued key: attempts so far and when the next is due; present while one is in flight. */
  private readonly state = new Map<string, { attempt: number; dueAt: number; sending: boolean }>();
  /** Whether the queue may hold something not yet seen: true at start (a restart), and after {@link noteQueued}. */
  private unseen = true;

  constructor(
    private readonly store: DeliveryStore,
    private readonly clock: Clock,
    private readonly transport: FollowerTransport,
    private readonly retry: RetryPolicy,
  ) {}

  /** The hub queued Welcomes (their transaction committed): the next tick reads the queue. */
  noteQueued(): void {
    this.unseen = true;
  }

  /**
   * Sends every queued Welcome that is due; an acknowledged one is removed from the queue. The store is read
   * only when something may be queued: a tick with nothing to route costs no transaction.
   */
  async tick(): Promise<void> {
    const send = this.transport.welcome?.bind(this.transport);
    if (send === undefined) return;
    if (!this.unseen && this.state.size === 0) return;
    this.unseen = false;
    const now = this.clock.now();
    const due = await this.store.transaction(async (tx) => {
      const keys = (await tx.keys(Namespace.welcomeOut)).filter((k) => {
        const s = this.state.get(k);
        return s === undefined || (!s.sending && now >= s.dueAt);
      });
      return [...(await tx.getMany(Namespace.welcomeOut, keys))];
    });
    for (const [k, bytes] of due) {
      const r = decode(bytes);
      const domain = k.split('\u0000')[1]!;
      const s = this.state.get(k) ?? { attempt: 0, dueAt: now, sending: false };
      s.sending = true;
      this.state.set(k, s);
      const request: WelcomeRequest = { hub: r.hub, roomId: r.roomId, seq: r.seq, hubTime: r.hubTime, clients: r.clients, welcome: r.welcome };
      let p: Promise<void>;
      try {
        p = send(domain, request);
      } catch (e) {
        p = Promise.reject(e);
      }
      void p.then(
        async () => {
          await this.store.transaction((tx) => tx.delete(Namespace.welcomeOut, k)).catch(() => undefined);
          this.state.delete(k);
        },
        () => {
          s.sending = false;
          s.attempt++;
          s.dueAt = this.clock.now() + backoffDelay(this.retry, s.attempt);
        },
      );
    }
  }

  /** Welcomes queued and not yet acknowledged. */
  async pending(): Promise<number> {
    return this.store.transaction(async (tx) => (await tx.keys(Namespace.welcomeOut)).length);
  }
}

/** @internal A follower keeps a received Welcome for each named client (or, unnamed, under the empty client). */
export async function holdWelcome(tx: StoreTransaction, request: WelcomeRequest): Promise<void> {
  const record = encode({ ...request, clients: [] });
  for (const client of request.clients.length === 0 ? [''] : request.clients) {
    const k = key(client, request.roomId);
    const held = await tx.get(Namespace.welcome, k);
    // A later commit re-adding the client supersedes an older Welcome; a repeat of the same changes nothing.
    if (held === undefined || decode(held).seq < request.seq) await tx.put(Namespace.welcome, k, record);
  }
}

/** @internal The Welcomes held for a client (its own, then unnamed ones), by room. */
export async function heldWelcomes(tx: StoreTransaction, client: string): Promise<HeldWelcome[]> {
  const keys = [...(await tx.keys(Namespace.welcome, key(client, ''))), ...(client === '' ? [] : await tx.keys(Namespace.welcome, key('', '')))];
  const found = await tx.getMany(Namespace.welcome, keys);
  return keys.flatMap((k) => {
    const bytes = found.get(k);
    if (bytes === undefined) return [];
    const { hub, roomId, seq, hubTime, welcome } = decode(bytes);
    return [{ hub, roomId, seq, hubTime, welcome }];
  });
}

/** @internal Takes a client's Welcome for a room: removed, its commit number returned (undefined: none held). */
export async function takeWelcome(tx: StoreTransaction, client: string, roomId: string): Promise<number | undefined> {
  for (const k of [key(client, roomId), key('', roomId)]) {
    const held = await tx.get(Namespace.welcome, k);
    if (held === undefined) continue;
    await tx.delete(Namespace.welcome, k);
    return decode(held).seq;
  }
  return undefined;
}

/** @internal Removes the Welcomes held for the given clients (erasure, DL12). */
export async function dropWelcomes(tx: StoreTransaction, clients: readonly string[]): Promise<void> {
  for (const c of clients) for (const k of await tx.keys(Namespace.welcome, key(c, ''))) await tx.delete(Namespace.welcome, k);
}

