/**
 * The provider's local client API: how the provider's own client-facing front end (not MIMI, which is
 * provider to provider) submits commits and messages for its users, reads each client's events with a
 * cursor and acknowledges them, and uploads and claims key packages. JSON over HTTP on the loopback-only
 * local listener, every request authenticated by the configured bearer token; bytes are base64. A handler
 * `(Request) => Promise<Response>` (Node: Buffer, node:crypto); the routes are in docs/provider.md.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { MimiError } from '../errors.js';
import type { ClientBatch, HeldWelcome, KeyMaterialClaim } from '../delivery/index.js';
import type { Frank } from '../protocol/franking.js';

/** What the local API asks of its provider. */
export interface ClientOperations {
  /** Stores a key package for one of this provider's users' clients. */
  publishKeyPackage(user: string, client: string, keyPackage: Uint8Array): Promise<void>;
  /**
   * Claims key packages of a user: here, or at the user's provider over MIMI, which needs the requesting
   * client's signed KeyMaterialRequest (draft-ietf-mimi-protocol-06 §5.2; `mimi-kit/protocol`
   * `signKeyMaterialRequest`). Key packages are answered as MLSMessages (what `generateKeyPackage` gives).
   */
  claimKeyPackages(user: string, signedRequest?: Uint8Array): Promise<KeyMaterialClaim>;
  /** Creates a room hubbed here. */
  createRoom(request: CreateRoomRequest): Promise<void>;
  /**
   * Submits a commit to the room's hub (here or over MIMI), with the Welcome for the clients it adds: the hub
   * routes the Welcome to the joiners' providers (docs/decisions.md HT16).
   */
  update(roomId: string, request: { commit: Uint8Array; groupInfo?: Uint8Array; welcome?: Uint8Array }): Promise<LocalUpdateResult>;
  /**
   * Submits standalone proposals (e.g. `MimiRoom.leave()`) to the room's hub, which holds them for the epoch and
   * fans them out for another member to commit (draft-ietf-mimi-protocol-06 §5.3; HT15).
   */
  propose(roomId: string, request: { proposals: readonly Uint8Array[] }): Promise<LocalUpdateResult>;
  /** The Welcomes the hubs routed here for one of this provider's clients, one per room (HT16). */
  welcomes(client: string): Promise<HeldWelcome[]>;
  /** Takes a client's Welcome once it joined with it; its event cursor starts after the commit that added it. */
  acceptWelcome(client: string, roomId: string): Promise<number>;
  /** Submits an application message to the room's hub. */
  submit(roomId: string, request: { message: Uint8Array; sendingUri: string }): Promise<LocalSubmitResult>;
  /** Reports abuse in a room (an encoded AbuseReport) to the room's hub, here or over MIMI. */
  reportAbuse(roomId: string, report: Uint8Array): Promise<void>;
  /** The next events of a client, in order. */
  next(client: string, roomId: string, limit: number): Promise<ClientBatch>;
  /** Acknowledges a client's events up to `seq`. */
  ack(client: string, roomId: string, seq: number): Promise<void>;
  /** Provider status for operators and tests. */
  status(): Promise<ProviderStatus>;
}

/**
 * The hub's answer to a commit (draft-ietf-mimi-protocol-06 §5.3 UpdateRoomResponse), the same whether the hub
 * is this provider or another one.
 */
export type LocalUpdateResult =
  | { readonly code: 'success'; readonly acceptedTimestamp: number }
  | { readonly code: 'wrongEpoch'; readonly currentEpoch: number; readonly description: string }
  | { readonly code: 'notAllowed'; readonly description: string }
  | { readonly code: 'invalidProposal'; readonly description: string };

/** The hub's answer to a message (draft-ietf-mimi-protocol-06 §5.4 SubmitMessageResponse). */
export type LocalSubmitResult =
  | { readonly code: 'accepted'; readonly acceptedTimestamp: number; /** The hub's frank (HT19), its bytes base64 on the wire. */ readonly frank?: Frank }
  | { readonly code: 'notAllowed'; readonly description: string }
  | { readonly code: 'epochTooOld'; readonly currentEpoch: number };

/**
 * A room to create at its hub: the MLS group as the creator's client shows it (`MimiRoom.groupView()`), so that
 * the hub can check every later commit against it (`mlsRoomSnapshot`).
 */
export interface CreateRoomRequest {
  /** The room id (`mimi://<this domain>/r/…`). */
  readonly roomId: string;
  /** The MLS epoch the room starts at (0 for a new group). */
  readonly epoch: number;
  /** The room state as `roomStateToJson` gives it. */
  readonly roomState: unknown;
  /** The group's leaves: leaf index, user and client URIs, and the leaf's signature key when known. */
  readonly members: readonly { readonly leafIndex: number; readonly user: string; readonly client: string; readonly signatureKey?: Uint8Array }[];
  /** The GroupContext extensions. */
  readonly extensions: readonly { readonly extensionType: number; readonly extensionData: Uint8Array }[];
  /** The first GroupInfo, if any. */
  readonly groupInfo?: Uint8Array;
}

/** {@link ClientOperations.status}. */
export interface ProviderStatus {
  /** The provider's domain. */
  readonly domain: string;
  /** Unacknowledged (event, follower) deliveries of the rooms hubbed here. */
  readonly backlog: number;
  /** Whether every followed room is held without a gap. */
  readonly settled: boolean;
  /** Rooms followed here. */
  readonly rooms: readonly string[];
}

/**
 * Largest local API request body (a 1 MiB MLS message is about 1.4 MiB in base64).
 *
 * @example
 * ```ts
 * import { MAX_LOCAL_BODY } from 'mimi-kit/provider';
 * MAX_LOCAL_BODY; // 2097152 (2 MiB)
 * ```
 */
export const MAX_LOCAL_BODY = 2 << 20;

const id = z.string().min(1).max(2048);
const b64 = z
  .string()
  .max(MAX_LOCAL_BODY)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
  .transform((s) => new Uint8Array(Buffer.from(s, 'base64')));
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const ROUTES = {
  '/v1/keyPackages': z.object({ user: id, client: id, keyPackage: b64 }).strict(),
  '/v1/keyPackages/claim': z.object({ user: id, request: b64.optional() }).strict(),
  '/v1/rooms': z
    .object({
      roomId: id,
      epoch: seq.default(0),
      roomState: z.unknown(),
      members: z.array(z.object({ leafIndex: seq, user: id, client: id, signatureKey: b64.optional() }).strict()).min(1).max(100_000),
      extensions: z.array(z.object({ extensionType: z.number().int().min(0).max(0xffff), extensionData: b64 }).strict()).max(64),
      groupInfo: b64.optional(),
    })
    .strict(),
  '/v1/update': z.object({ roomId: id, commit: b64, groupInfo: b64.optional(), welcome: b64.optional() }).strict(),
  // RFC 9420 §12.1: a leave is one Remove per client plus the room's GroupContextExtensions; 1000 is ample.
  '/v1/propose': z.object({ roomId: id, proposals: z.array(b64).min(1).max(1000) }).strict(),
  '/v1/welcomes/accept': z.object({ roomId: id, client: id }).strict(),
  '/v1/submit': z.object({ roomId: id, message: b64, sender: id }).strict(),
  '/v1/reportAbuse': z.object({ roomId: id, report: b64 }).strict(),
  '/v1/events': z.object({ roomId: id, client: id, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
  '/v1/ack': z.object({ roomId: id, client: id, seq }).strict(),
} as const;

type Route = keyof typeof ROUTES;

const toB64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/**
 * JSON with every Uint8Array as base64 (the local API's one encoding rule). The replacer looks at the holder's
 * own value: a Buffer's toJSON() has already run by the time the replacer sees `v`.
 *
 * @param value - the answer or request body
 * @returns its JSON text
 * @example
 * ```ts
 * toJson({ message: new Uint8Array([1, 2]) }); // '{"message":"AQI="}'
 * ```
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, k: string, v: unknown) {
    const own = this[k];
    return own instanceof Uint8Array ? toB64(own) : v;
  });
}

function json(status: number, value: unknown): Response {
  const body = toJson(value);
  return new Response(body, { status, headers: { 'content-type': 'application/json' } });
}

/** HTTP status of a MimiError code at the local API. */
function statusOf(code: string): number {
  if (code === 'provider/unauthorized') return 401;
  if (code === 'provider/not-found' || code === 'delivery/no-such-room') return 404;
  if (code === 'delivery/room-exists' || code === 'delivery/conflict') return 409;
  if (code === 'provider/shutting-down') return 503;
  if (code === 'provider/upstream' || code === 'provider/unknown-peer' || code.startsWith('http/')) return 502;
  return 400;
}

/** Reads at most `limit` bytes of a body, stopping as soon as it is exceeded. */
async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new MimiError('provider/bad-request', `the body is larger than ${limit} bytes`);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new MimiError('provider/bad-request', `the body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function parseBody<R extends Route>(route: R, bytes: Uint8Array): z.output<(typeof ROUTES)[R]> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new MimiError('provider/bad-request', 'the body is not JSON');
  }
  const r = ROUTES[route].safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
    throw new MimiError('provider/bad-request', `${path.join('.') || 'body'}: ${issue.message}`, { path });
  }
  return r.data as z.output<(typeof ROUTES)[R]>;
}

/** Compares the token in time independent of where it differs (digests have equal lengths). */
function sameToken(given: string, expected: string): boolean {
  const digest = (t: string) => createHash('sha256').update(t, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Options of {@link createLocalApiHandler}. */
export interface LocalApiOptions {
  /** The bearer token every client API request must carry. */
  readonly token: string;
  /** The provider's operations. */
  readonly operations: ClientOperations;
  /** `/metrics`: the Prometheus text exposition (no token: the listener is loopback only). */
  readonly metrics: () => Promise<{ body: string; contentType: string }>;
  /** Called once per request with what happened (for logs). */
  readonly onRequest?: (entry: { route: string; status: number; ms: number; code?: string }) => void;
}

/**
 * Creates the local listener's handler: `GET /metrics`, and the client API under `/v1/`.
 *
 * @param options - token, operations, metrics
 * @returns the handler
 * @example
 * ```ts
 * const handler = createLocalApiHandler({ token, operations, metrics: () => metrics.render() });
 * const res = await handler(new Request('http://127.0.0.1/v1/events', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ roomId, client }) }));
 * ```
 */
export function createLocalApiHandler(options: LocalApiOptions): (request: Request) => Promise<Response> {
  const { operations: ops } = options;
  return async (request) => {
    const t0 = performance.now();
    const route = new URL(request.url).pathname;
    let response: Response;
    let code: string | undefined;
    try {
      response = await dispatch(route, request);
    } catch (e) {
      if (e instanceof MimiError) {
        code = e.code;
        response = json(statusOf(e.code), { error: e.code, message: e.message });
      } else {
        // A bug, not the caller's input: nothing of it is echoed back.
        code = 'internal';
        response = json(500, { error: 'internal', message: 'internal error' });
      }
    }
    options.onRequest?.({ route, status: response.status, ms: performance.now() - t0, ...(code ? { code } : {}) });
    return response;
  };

  async function dispatch(route: string, request: Request): Promise<Response> {
    if (route === '/metrics' && request.method === 'GET') {
      const { body, contentType } = await options.metrics();
      return new Response(body, { status: 200, headers: { 'content-type': contentType } });
    }
    const auth = request.headers.get('authorization') ?? '';
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), options.token)) {
      throw new MimiError('provider/unauthorized', 'the client API needs the configured bearer token');
    }
    if (route === '/v1/status' && request.method === 'GET') return json(200, await ops.status());
    if (route === '/v1/welcomes' && request.method === 'GET') {
      const client = id.safeParse(new URL(request.url).searchParams.get('client') ?? undefined);
      if (!client.success) throw new MimiError('provider/bad-request', 'client: a client URI is required (?client=…)', { path: ['client'] });
      return json(200, { welcomes: await ops.welcomes(client.data) });
    }
    if (!(route in ROUTES) || request.method !== 'POST') throw new MimiError('provider/not-found', `no ${request.method} ${route}`);
    const r = route as Route;
    const bytes = await readBounded(request, MAX_LOCAL_BODY);
    switch (r) {
      case '/v1/keyPackages': {
        const b = parseBody(r, bytes);
        await ops.publishKeyPackage(b.user, b.client, b.keyPackage);
        return json(200, {});
      }
      case '/v1/keyPackages/claim': {
        const b = parseBody(r, bytes);
        return json(200, await ops.claimKeyPackages(b.user, b.request));
      }
      case '/v1/rooms': {
        const b = parseBody(r, bytes);
        const members = b.members.map(({ signatureKey, ...m }) => (signatureKey ? { ...m, signatureKey } : m));
        await ops.createRoom({ roomId: b.roomId, epoch: b.epoch, roomState: b.roomState, members, extensions: b.extensions, ...(b.groupInfo ? { groupInfo: b.groupInfo } : {}) });
        return json(201, {});
      }
      case '/v1/update': {
        const b = parseBody(r, bytes);
        return json(200, await ops.update(b.roomId, { commit: b.commit, ...(b.groupInfo ? { groupInfo: b.groupInfo } : {}), ...(b.welcome ? { welcome: b.welcome } : {}) }));
      }
      case '/v1/propose': {
        const b = parseBody(r, bytes);
        return json(200, await ops.propose(b.roomId, { proposals: b.proposals }));
      }
      case '/v1/welcomes/accept': {
        const b = parseBody(r, bytes);
        return json(200, { cursor: await ops.acceptWelcome(b.client, b.roomId) });
      }
      case '/v1/submit': {
        const b = parseBody(r, bytes);
        return json(200, await ops.submit(b.roomId, { message: b.message, sendingUri: b.sender }));
      }
      case '/v1/reportAbuse': {
        const b = parseBody(r, bytes);
        await ops.reportAbuse(b.roomId, b.report);
        return json(201, {});
      }
      case '/v1/events': {
        const b = parseBody(r, bytes);
        return json(200, await ops.next(b.client, b.roomId, b.limit));
      }
      case '/v1/ack': {
        const b = parseBody(r, bytes);
        await ops.ack(b.client, b.roomId, b.seq);
        return json(200, {});
      }
    }
  }
}
