// Test harness of the delivery layer: a fake clock, a stand-in MLS framing for the policy checker (the hub
// only needs the epoch, the committer and the room operations: DL6), and a fault-injecting network between
// one hub and its followers.
import { createRoom, applyRoomOperation, type HistoryPolicy, type RoomOperation, type RoomState } from '../../src/room/index.js';
import {
  Follower,
  Hub,
  MemoryStore,
  PolicyUpdateChecker,
  type DeliveryStore,
  type FollowerTransport,
  type HistoryPage,
  type HistoryRequest,
  type HubTransport,
  type NotifyRequest,
} from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';

export class FakeClock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Stand-in commit bytes: JSON `{ t: 'commit', epoch, committer, ops }` (the hub is MLS-agnostic). */
export function fakeCommit(epoch: number, committer: string, ops: RoomOperation[] = []): Uint8Array {
  return enc.encode(JSON.stringify({ t: 'commit', epoch, committer, ops }));
}

/** Stand-in application message bytes. */
export function fakeMessage(epoch: number, body: string): Uint8Array {
  return enc.encode(JSON.stringify({ t: 'msg', epoch, body }));
}

function parse(bytes: Uint8Array): { t: string; epoch: number; committer?: string; ops?: RoomOperation[]; body?: string } {
  try {
    const v = JSON.parse(dec.decode(bytes));
    if (typeof v.epoch === 'number') return v;
  } catch {
    // fall through
  }
  throw new MimiError('delivery/bad-request', 'not a test MLSMessage');
}

export function bodyOf(bytes: Uint8Array): string {
  return parse(bytes).body ?? `commit@${parse(bytes).epoch}`;
}

export function testChecker(): PolicyUpdateChecker {
  return new PolicyUpdateChecker({
    epochOf: (m) => parse(m).epoch,
    decodeCommit: (m) => {
      const v = parse(m);
      if (v.t !== 'commit') throw new MimiError('delivery/bad-request', 'not a commit');
      return { epoch: v.epoch, committer: v.committer!, operations: v.ops ?? [] };
    },
  });
}

export const ALICE = 'mimi://a.example/u/alice';
export const BOB = 'mimi://b.example/u/bob';
export const CAROL = 'mimi://c.example/u/carol';
export const DAVE = 'mimi://d.example/u/dave';
export const ROOM = 'mimi://a.example/r/club';

/** A cooperative room: alice (super_admin, 4) with bob and carol as ordinary users (2), all active. */
export function threeMemberRoom(extra: { history?: HistoryPolicy } = {}): RoomState {
  let s = createRoom({ preset: 'cooperative', creator: ALICE, roomUri: ROOM, name: 'Club' });
  s = applyRoomOperation(s, ALICE, { type: 'invite', user: BOB, role: 2 }).state;
  s = applyRoomOperation(s, ALICE, { type: 'invite', user: CAROL, role: 2 }).state;
  if (extra.history) s = applyRoomOperation(s, ALICE, { type: 'setPolicy', policies: { history: extra.history } }).state;
  return s;
}

/** Small seeded PRNG (mulberry32), so a fault schedule is reproducible from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Faults {
  drop: number; // request lost
  dropAck: number; // delivered, answer lost
  duplicate: number; // delivered twice
  maxDelayMs: number; // each delivery delayed by 0…maxDelayMs (reorders)
}

export const NO_FAULTS: Faults = { drop: 0, dropAck: 0, duplicate: 0, maxDelayMs: 0 };

interface Scheduled {
  at: number;
  order: number;
  run: () => Promise<void>;
}

/**
 * The network between one hub and its followers, on the fake clock. Every call is queued with a delay and
 * runs when {@link FaultyNetwork.advance} reaches it; faults decide whether a request arrives and whether its
 * answer gets back.
 */
export class FaultyNetwork implements FollowerTransport, HubTransport {
  hub: Hub | undefined;
  readonly followers = new Map<string, Follower>();
  faults: Faults = NO_FAULTS;
  readonly log: { at: number; to: string; txn: string }[] = [];
  private queue: Scheduled[] = [];
  private order = 0;
  private readonly random: () => number;

  constructor(
    readonly clock: FakeClock,
    seed = 1,
  ) {
    this.random = rng(seed);
  }

  private later<T>(work: () => Promise<T>): Promise<T> {
    const f = this.faults;
    return new Promise<T>((resolve, reject) => {
      const lost = () => reject(new Error('network: lost'));
      const delay = () => Math.floor(this.random() * (f.maxDelayMs + 1));
      const drop = this.random() < f.drop;
      const dropAck = this.random() < f.dropAck;
      const dup = this.random() < f.duplicate;
      if (drop) return this.push(delay(), async () => lost());
      this.push(delay(), async () => {
        try {
          const v = await work();
          if (dropAck) lost();
          else resolve(v);
        } catch (e) {
          reject(e);
        }
      });
      if (dup) this.push(delay(), async () => void (await work().catch(() => undefined)));
    });
  }

  private push(delayMs: number, run: () => Promise<void>): void {
    this.queue.push({ at: this.clock.t + delayMs, order: this.order++, run });
  }

  notify(follower: string, request: NotifyRequest): Promise<void> {
    this.log.push({ at: this.clock.t, to: follower, txn: request.txn });
    return this.later(async () => {
      const f = this.followers.get(follower);
      if (!f) throw new Error(`network: ${follower} is down`);
      await f.notify(request.hub, request);
    });
  }

  history(hub: string, request: HistoryRequest): Promise<HistoryPage> {
    return this.later(async () => {
      if (!this.hub || this.hub.domain !== hub) throw new Error(`network: ${hub} is down`);
      return this.hub.history(request);
    });
  }

  /** Moves the clock by `ms`, running every delivery that falls due (in time order), then settles promises. */
  async advance(ms: number): Promise<void> {
    const until = this.clock.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.queue[0];
      if (!next || next.at > until) break;
      this.queue.shift();
      this.clock.t = Math.max(this.clock.t, next.at);
      await next.run();
      await settle();
    }
    this.clock.t = until;
    await settle();
  }

  pending(): number {
    return this.queue.length;
  }
}

/**
 * One round: the hub and every follower tick while the network runs `ms` of fake time (a tick may wait on a
 * history request, which only the network's clock answers), then until every tick has finished.
 */
export async function step(net: FaultyNetwork, hub: Hub | undefined, followers: Iterable<Follower>, ms: number): Promise<void> {
  let done = false;
  const ticks = Promise.all([hub?.tick(), ...[...followers].map((f) => f.tick())]).finally(() => {
    done = true;
  });
  await settle();
  await net.advance(ms);
  for (let i = 0; !done && i < 10_000; i++) await net.advance(1);
  await ticks;
}

/** Lets promise callbacks (acknowledgements being recorded) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A client at a follower: pulls in order, records what it got, acknowledges. */
export class TestClient {
  readonly got: number[] = [];
  readonly bodies: string[] = [];
  complete: boolean | undefined;
  firstSeq: number | undefined;
  constructor(
    readonly id: string,
    readonly domain: string,
  ) {}

  async pull(follower: Follower, roomId: string): Promise<void> {
    if (!(await follower.rooms()).includes(roomId)) return;
    for (;;) {
      const batch = await follower.next(this.id, roomId, 7);
      this.complete = batch.complete;
      this.firstSeq = batch.firstSeq;
      if (batch.events.length === 0) return;
      for (const e of batch.events) {
        this.got.push(e.seq);
        this.bodies.push(bodyOf(e.message));
      }
      await follower.ack(this.id, roomId, batch.events[batch.events.length - 1]!.seq);
    }
  }
}

export function newHub(store: DeliveryStore, clock: FakeClock, net: FaultyNetwork, window = 4, batchSize = 3): Hub {
  const hub = new Hub({ domain: 'a.example', store, clock, checker: testChecker(), transport: net, retry: { initialMs: 50, maxMs: 400, timeoutMs: 1000 }, window, batchSize });
  net.hub = hub;
  return hub;
}

export function newFollower(domain: string, store: DeliveryStore, clock: FakeClock, net: FaultyNetwork): Follower {
  const f = new Follower({ domain, store, clock, hubs: net, gapTimeoutMs: 300, historyPage: 5 });
  net.followers.set(domain, f);
  return f;
}

export { MemoryStore };
