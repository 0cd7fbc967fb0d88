// Harness of the HTTPS tests: hand-framed MLS messages (RFC 9420 §6 layouts written here, independently of
// the protocol codecs), a checker that reads them, a private CA with one certificate per provider, and two
// providers on loopback HTTPS: the hub a.example (which also follows its own room, DL4) and the follower
// b.example, each with its own store, server and mutual-TLS client.
import { readFileSync } from 'node:fs';
import { createRoom, applyRoomOperation, type RoomOperation, type RoomState } from '../../src/room/index.js';
import { Follower, Hub, MemoryStore, PolicyUpdateChecker, roomSnapshot, Namespace, type DeliveryStore, type HubFranking, type RetryPolicy, type UpdateChecker } from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';
import { createMimiHandler, httpFollowerTransport, httpHubTransport, MimiHttpClient, type FetchLike, type MimiHandlerOptions } from '../../src/http/index.js';
import { createDemoCa, createMtlsFetch, issueCertificate, startMimiServer, type DemoCa, type IssuedCertificate, type MimiServer, type MtlsFetch } from '../../src/http/node/index.js';

export const ALICE = 'mimi://a.example/u/alice';
export const BOB = 'mimi://b.example/u/bob';
export const CAROL = 'mimi://c.example/u/carol';
export const ROOM = 'mimi://a.example/r/club';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** RFC 9420 §2.1.2 variable-length integer (1, 2 or 4 bytes). */
function varint(n: number): number[] {
  if (n < 0x40) return [n];
  if (n < 0x4000) return [0x40 | (n >> 8), n & 0xff];
  return [0x80 | ((n >> 24) & 0x3f), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
const opaque = (b: Uint8Array | number[]): number[] => [...varint(b.length), ...b];
const u64 = (n: number): number[] => {
  const out: number[] = [];
  let v = BigInt(n);
  for (let i = 0; i < 8; i++) {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
};
const GROUP = enc.encode('club-group');

/**
 * A PrivateMessage application message (RFC 9420 §6.3.1): version mls10, wire_format 2, group_id, epoch,
 * content_type application (1), authenticated_data, encrypted_sender_data, ciphertext. The "ciphertext"
 * is the body text, so tests can read what arrived.
 */
export function appMessage(epoch: number, body: string): Uint8Array {
  return Uint8Array.from([0, 1, 0, 2, ...opaque(GROUP), ...u64(epoch), 1, ...opaque([]), ...opaque([0xee, 0xee]), ...opaque(enc.encode(body))]);
}

/**
 * A PublicMessage commit (RFC 9420 §6.2) from member leaf 0: FramedContent (group_id, epoch, sender
 * member(1) + leaf index, authenticated_data, content_type commit (3), Commit with no proposals and no
 * path), then signature, confirmation_tag and membership_tag. The authenticated_data carries the committer
 * and room operations as JSON for {@link testChecker} (the hub is MLS-agnostic: DL6).
 */
export function commitMessage(epoch: number, committer: string, ops: RoomOperation[] = []): Uint8Array {
  const aad = enc.encode(JSON.stringify({ committer, ops }));
  return Uint8Array.from([
    0, 1, 0, 1,
    ...opaque(GROUP), ...u64(epoch), 1, 0, 0, 0, 0, ...opaque(aad), 3,
    ...opaque([]), 0,
    ...opaque([0x51, 0x51]), ...opaque([0xc7, 0xc7]), ...opaque([0x3b, 0x3b]),
  ]);
}

/** Reads back what {@link appMessage} / {@link commitMessage} wrote. */
export function readTestMessage(bytes: Uint8Array): { kind: 'app' | 'commit'; epoch: number; body?: string; committer?: string; ops?: RoomOperation[] } {
  const fail = () => new MimiError('delivery/bad-request', 'not a test MLSMessage');
  let at = 4;
  const len = (): number => {
    const b = bytes[at]!;
    const kind = b >> 6;
    if (kind === 0) return (at++, b);
    if (kind === 1) return ((at += 2), ((b & 0x3f) << 8) | bytes[at - 1]!);
    at += 4;
    return ((b & 0x3f) << 24) | (bytes[at - 3]! << 16) | (bytes[at - 2]! << 8) | bytes[at - 1]!;
  };
  const take = (): Uint8Array => {
    const n = len();
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 1) throw fail();
  const wf = bytes[3];
  take(); // group_id
  let epoch = 0;
  for (let i = 0; i < 8; i++) epoch = epoch * 256 + bytes[at++]!;
  if (wf === 2) {
    at++; // content_type
    take();
    take();
    return { kind: 'app', epoch, body: dec.decode(take()) };
  }
  if (wf !== 1) throw fail();
  at += 5; // sender
  const v = JSON.parse(dec.decode(take())) as { committer: string; ops: RoomOperation[] };
  return { kind: 'commit', epoch, committer: v.committer, ops: v.ops };
}

/** The label a test reads off a log event. */
export function label(bytes: Uint8Array): string {
  const m = readTestMessage(bytes);
  return m.kind === 'app' ? m.body! : `commit@${m.epoch}`;
}

export function testChecker(): PolicyUpdateChecker {
  return new PolicyUpdateChecker({
    epochOf: (m) => readTestMessage(m).epoch,
    decodeCommit: (m) => {
      const v = readTestMessage(m);
      if (v.kind !== 'commit') throw new MimiError('delivery/bad-request', 'not a commit');
      return { epoch: v.epoch, committer: v.committer!, operations: v.ops ?? [] };
    },
  });
}

/** A cooperative room: alice (a.example, super_admin) and bob (b.example, ordinary user). */
export function twoProviderRoom(): RoomState {
  let s = createRoom({ preset: 'cooperative', creator: ALICE, roomUri: ROOM, name: 'Club' });
  s = applyRoomOperation(s, ALICE, { type: 'invite', user: BOB, role: 2 }).state;
  return s;
}

/** A body from the protocol vectors (spec-vectors/protocol/bodies.json), by id. */
export function vectorHex(id: string): Uint8Array {
  const file = JSON.parse(readFileSync(new URL('../../spec-vectors/protocol/bodies.json', import.meta.url), 'utf8')) as { vectors: { id: string; expected: { hex: string } }[] };
  const v = file.vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return Uint8Array.from(Buffer.from(v.expected.hex, 'hex'));
}

let ca: DemoCa | undefined;
const certs = new Map<string, IssuedCertificate>();
/** One CA for the whole test process; one certificate per domain. */
export function pki(): { ca: DemoCa; cert: (domain: string) => IssuedCertificate } {
  ca ??= createDemoCa();
  return {
    ca,
    cert: (domain) => {
      let c = certs.get(domain);
      if (!c) certs.set(domain, (c = issueCertificate(ca!, { domain })));
      return c;
    },
  };
}

/** Where each domain listens on loopback: base URLs and, per port, the name its certificate carries. */
export class Loopback {
  readonly urls = new Map<string, string>();
  readonly names = new Map<string, string>();
  set(domain: string, server: MimiServer): void {
    this.urls.set(domain, server.url);
    this.names.set(String(server.port), domain);
  }
  resolve = (domain: string): string => {
    const u = this.urls.get(domain);
    if (!u) throw new MimiError('http/network', `${domain} is not listening`);
    return u;
  };
  servername = (url: URL): string | undefined => this.names.get(url.port);
}

/** A fetch with mutual TLS as `domain`. */
export function mtlsFetchFor(domain: string, net: Loopback): MtlsFetch {
  const { ca, cert } = pki();
  const c = cert(domain);
  return createMtlsFetch({ cert: c.certPem, key: c.keyPem, ca: ca.certPem, servername: net.servername });
}

export const FAST_RETRY: Partial<RetryPolicy> = { initialMs: 20, maxMs: 200, timeoutMs: 3000 };

export interface Provider {
  domain: string;
  store: DeliveryStore;
  follower: Follower;
  hub?: Hub;
  server: MimiServer;
  client: MimiHttpClient;
  fetch: MtlsFetch;
}

/** Starts a provider: its follower (and hub), its handler on an ephemeral HTTPS port, its client. */
export async function startProvider(opts: {
  domain: string;
  net: Loopback;
  store?: DeliveryStore;
  hub?: boolean;
  /** Wraps the client's fetch (fault injection). */
  wrapFetch?: (f: FetchLike) => FetchLike;
  handler?: Partial<MimiHandlerOptions>;
  gapTimeoutMs?: number;
  port?: number;
  /** The hub's and the handler's checker (default {@link testChecker}). */
  checker?: UpdateChecker;
  /** The hub's franking keys (HT19). */
  franking?: HubFranking;
}): Promise<Provider> {
  const { ca, cert } = pki();
  const store = opts.store ?? new MemoryStore();
  const fetch = mtlsFetchFor(opts.domain, opts.net);
  const client = new MimiHttpClient({ domain: opts.domain, fetch: opts.wrapFetch ? opts.wrapFetch(fetch) : fetch, resolve: opts.net.resolve, timeoutMs: 5000 });
  let hub: Hub | undefined;
  const follower = new Follower({
    domain: opts.domain,
    store,
    clock: Date,
    hubs: { history: (h, r) => httpHubTransport(client, hub ? { local: hub } : {}).history(h, r) },
    gapTimeoutMs: opts.gapTimeoutMs ?? 150,
    historyPage: 50,
  });
  if (opts.hub) {
    hub = new Hub({ domain: opts.domain, store, clock: Date, transport: httpFollowerTransport(client, { local: follower }), retry: FAST_RETRY, batchSize: 16, checker: opts.checker ?? testChecker(), ...(opts.franking ? { franking: opts.franking } : {}) });
  }
  const c = cert(opts.domain);
  const handler = createMimiHandler({ domain: opts.domain, ...(hub ? { hub } : {}), follower, hostAliases: ['127.0.0.1'], checker: opts.checker ?? testChecker(), ...opts.handler });
  const server = await startMimiServer({ handler, port: opts.port ?? 0, tls: { cert: c.certPem, key: c.keyPem, ca: ca.certPem } });
  opts.net.set(opts.domain, server);
  return { domain: opts.domain, store, follower, ...(hub ? { hub } : {}), server, client, fetch };
}

export async function stopProvider(p: Provider): Promise<void> {
  await p.hub?.stop();
  await p.server.close(500);
  await p.fetch.close();
}

/** Creates the two-provider room on a's hub. */
export async function openRoom(a: Provider): Promise<void> {
  await a.hub!.createRoom(ROOM, roomSnapshot(twoProviderRoom(), 0));
}

/** Ticks the hub and followers until `done()` holds (real time, bounded). */
export async function until(providers: readonly Provider[], done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const p of providers) {
      await p.hub?.tick();
      await p.follower.tick();
    }
    if (await done()) return;
    if (Date.now() > end) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Everything a client of `p` can read of the room, acknowledging as it goes. */
export async function drain(p: Provider, client: string): Promise<string[]> {
  const out: string[] = [];
  if (!(await p.follower.rooms()).includes(ROOM)) return out;
  for (;;) {
    const batch = await p.follower.next(client, ROOM, 50);
    if (batch.events.length === 0) return out;
    for (const e of batch.events) out.push(`${e.seq}:${label(e.message)}`);
    await p.follower.ack(client, ROOM, batch.events.at(-1)!.seq);
  }
}

/** A dump of a store's contents (every namespace, every room's log), to compare before and after. */
export async function dump(store: DeliveryStore): Promise<string> {
  return store.transaction(async (tx) => {
    const out: string[] = [];
    const rooms = new Set<string>();
    for (const ns of Object.values(Namespace)) {
      for (const k of await tx.keys(ns)) {
        const v = await tx.get(ns, k);
        out.push(`${ns}/${k}=${v ? Buffer.from(v).toString('hex') : ''}`);
        if (ns === Namespace.room || ns === Namespace.followed) rooms.add(k);
      }
    }
    for (const r of rooms) {
      const last = await tx.lastSeq(r);
      for (const e of await tx.events(r, 0, last + 1)) out.push(`log/${r}/${e.seq}=${e.hubTime}/${e.kind}/${e.sender}/${Buffer.from(e.message).toString('hex')}`);
    }
    return out.join('\n');
  });
}
