/**
 * A client of a provider's local client API ({@link createLocalApiHandler}) over `fetch`: what a provider's
 * client-facing front end (or `mimi demo`) uses to act for the provider's users. Answers are checked with zod
 * before they are trusted.
 *
 * @module
 */
import { z } from 'zod';
import { MimiError, type MimiErrorCode } from '../errors.js';
import { isMimiErrorCode } from '../errorCodes/index.js';
import type { ClientBatch, HeldWelcome, KeyMaterialClaim } from '../delivery/index.js';
import { toJson, type ClientOperations, type CreateRoomRequest, type LocalSubmitResult, type LocalUpdateResult, type ProviderStatus } from './localApi.js';

const bytes = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/)
  .transform((s) => new Uint8Array(Buffer.from(s, 'base64')));
const count = z.number().int().min(0);

/**
 * zod types an absent optional field as `?: T | undefined`; the library's types (exactOptionalPropertyTypes)
 * leave it out. Drops the keys whose value is undefined.
 */
function dropUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** HT19: the hub's frank of a message, bytes base64 like every other. */
const FrankSchema = z.object({ serverFrank: bytes, frankingSignatureCiphersuite: z.number().int().min(0).max(0xffff), frankingIntegritySignature: bytes });
const EventSchema = z.object({ seq: count, hubTime: count, kind: z.enum(['commit', 'message', 'proposal', 'erased']), sender: z.string(), message: bytes, expires: count.optional(), frank: FrankSchema.optional() });
const BatchSchema = z.object({ events: z.array(EventSchema), complete: z.boolean(), firstSeq: count });
const u16s = z.array(z.number().int().min(0).max(0xffff));
/** RFC 9420 §7.2 Capabilities of a `nothingCompatible` client (HT10). */
const CapabilitiesSchema = z.object({ versions: u16s, cipherSuites: u16s, extensions: u16s, proposals: u16s, credentials: u16s });
const ClaimSchema = z.object({
  userStatus: z.enum(['success', 'partialSuccess', 'noCompatibleMaterial', 'userUnknown']),
  userUri: z.string(),
  clients: z.array(
    z.union([
      z.object({ clientStatus: z.literal('success'), clientUri: z.string(), keyPackage: bytes }),
      z.object({ clientStatus: z.literal('keyMaterialExhausted'), clientUri: z.string() }),
      z.object({ clientStatus: z.literal('nothingCompatible'), clientUri: z.string(), clientCapabilities: CapabilitiesSchema.optional() }),
    ]),
  ),
});
const UpdateSchema = z.union([
  z.object({ code: z.literal('success'), acceptedTimestamp: count }),
  z.object({ code: z.literal('wrongEpoch'), currentEpoch: count, description: z.string() }),
  z.object({ code: z.literal('notAllowed'), description: z.string() }),
  z.object({ code: z.literal('invalidProposal'), description: z.string() }),
]);
const SubmitSchema = z.union([
  z.object({ code: z.literal('accepted'), acceptedTimestamp: count, frank: FrankSchema.optional() }),
  z.object({ code: z.literal('notAllowed'), description: z.string() }),
  z.object({ code: z.literal('epochTooOld'), currentEpoch: count }),
]);
const StatusSchema = z.object({ domain: z.string(), backlog: count, settled: z.boolean(), rooms: z.array(z.string()) });
const WelcomesSchema = z.object({ welcomes: z.array(z.object({ roomId: z.string(), hub: z.string(), seq: count, hubTime: count, welcome: bytes })) });
const CursorSchema = z.object({ cursor: count });
const ErrorSchema = z.object({ error: z.string(), message: z.string() });


/** Options of a {@link LocalApiClient}. */
export interface LocalApiClientOptions {
  /** Base URL of the local listener, e.g. `http://127.0.0.1:8081`. */
  readonly url: string;
  /** The provider's client API token. */
  readonly token: string;
  /** The fetch to use (default the global one). */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** A request not answered within this many ms fails (default 30 000). */
  readonly timeoutMs?: number;
}

/**
 * The local client API over HTTP.
 *
 * @example
 * ```ts
 * import { LocalApiClient } from 'mimi-kit/provider';
 * const a = new LocalApiClient({ url: 'http://127.0.0.1:8081', token });
 * const { events } = await a.next('mimi://a.example/d/alice/laptop', roomId, 100);
 * await a.ack('mimi://a.example/d/alice/laptop', roomId, events.at(-1)!.seq);
 * ```
 */
export class LocalApiClient implements ClientOperations {
  private readonly base: string;
  private readonly token: string;
  private readonly doFetch: (input: string, init: RequestInit) => Promise<Response>;
  private readonly timeoutMs: number;

  /**
   * Creates the client.
   * @param options - URL, token, fetch
   */
  constructor(options: LocalApiClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.token = options.token;
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private async call<T>(path: string, schema: z.ZodType<T>, body?: Record<string, unknown>): Promise<T> {
    const init: RequestInit = {
      signal: AbortSignal.timeout(this.timeoutMs),
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: toJson(body) }),
    };
    let response: Response;
    let text: string;
    try {
      response = await this.doFetch(`${this.base}${path}`, init);
      text = await response.text();
    } catch (e) {
      throw new MimiError('provider/upstream', `${path}: the provider did not answer (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new MimiError('provider/upstream', `${path}: HTTP ${response.status}, not JSON`);
    }
    if (!response.ok) {
      const e = ErrorSchema.safeParse(value);
      const code: MimiErrorCode = e.success && isMimiErrorCode(e.data.error) ? e.data.error : 'provider/upstream';
      throw new MimiError(code, e.success ? e.data.message : `${path}: HTTP ${response.status}`, { details: { status: response.status } });
    }
    const r = schema.safeParse(value);
    if (!r.success) throw new MimiError('provider/upstream', `${path}: an answer of the wrong shape (${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message})`);
    return r.data;
  }

  /**
   * Uploads a key package.
   * @param user - user URI
   * @param client - client URI
   * @param keyPackage - KeyPackage bytes (MLSMessage)
   * @example
   * ```ts
   * await a.publishKeyPackage(user, client, kp.keyPackage);
   * ```
   */
  async publishKeyPackage(user: string, client: string, keyPackage: Uint8Array): Promise<void> {
    await this.call('/v1/keyPackages', z.object({}), { user, client, keyPackage });
  }

  /**
   * Claims a user's key packages (the provider asks the user's provider over MIMI when it is another).
   * @param user - user URI
   * @param signedRequest - the requesting client's signed KeyMaterialRequest (needed for a user elsewhere)
   * @returns the claim
   * @example
   * ```ts
   * const { clients } = await a.claimKeyPackages('mimi://b.example/u/carol');
   * ```
   */
  async claimKeyPackages(user: string, signedRequest?: Uint8Array): Promise<KeyMaterialClaim> {
    const claim = await this.call('/v1/keyPackages/claim', ClaimSchema, { user, ...(signedRequest ? { request: signedRequest } : {}) });
    return { ...claim, clients: claim.clients.map(dropUndefined) };
  }

  /**
   * Creates a room hubbed by the provider.
   * @param request - room id, state, epoch, creator client, group info
   * @example
   * ```ts
   * await a.createRoom({ roomId, roomState: roomStateToJson(state), epoch: 0, creatorClient });
   * ```
   */
  async createRoom(request: CreateRoomRequest): Promise<void> {
    await this.call('/v1/rooms', z.object({}), { ...request });
  }

  /**
   * Submits a commit.
   * @param roomId - the room
   * @param request - commit and group info
   * @returns the hub's answer
   * @example
   * ```ts
   * const r = await a.update(roomId, { commit: out.commit });
   * ```
   */
  async update(roomId: string, request: { commit: Uint8Array; groupInfo?: Uint8Array; welcome?: Uint8Array }): Promise<LocalUpdateResult> {
    return this.call('/v1/update', UpdateSchema, { roomId, ...request });
  }

  /**
   * Submits standalone proposals (a leave) for another member to commit.
   * @param roomId - the room
   * @param request - the proposals (PublicMessage MLSMessages), in order
   * @returns the hub's answer
   * @example
   * ```ts
   * const { proposals } = await room.leave();
   * await a.propose(roomId, { proposals });
   * ```
   */
  async propose(roomId: string, request: { proposals: readonly Uint8Array[] }): Promise<LocalUpdateResult> {
    return this.call('/v1/propose', UpdateSchema, { roomId, proposals: [...request.proposals] });
  }

  /**
   * The Welcomes held for a client (routed by the rooms' hubs).
   * @param client - client URI
   * @returns one per room
   * @example
   * ```ts
   * const [w] = await b.welcomes('mimi://b.example/d/carol/laptop');
   * ```
   */
  async welcomes(client: string): Promise<HeldWelcome[]> {
    return (await this.call(`/v1/welcomes?client=${encodeURIComponent(client)}`, WelcomesSchema)).welcomes;
  }

  /**
   * Takes a client's Welcome once it joined with it.
   * @param client - client URI
   * @param roomId - the room
   * @returns the client's cursor (the adding commit's number)
   * @example
   * ```ts
   * await b.acceptWelcome(client, w.roomId);
   * ```
   */
  async acceptWelcome(client: string, roomId: string): Promise<number> {
    return (await this.call('/v1/welcomes/accept', CursorSchema, { roomId, client })).cursor;
  }

  /**
   * Submits an application message.
   * @param roomId - the room
   * @param request - message and sender
   * @returns the hub's answer
   * @example
   * ```ts
   * await a.submit(roomId, { message, sendingUri: user });
   * ```
   */
  async submit(roomId: string, request: { message: Uint8Array; sendingUri: string }): Promise<LocalSubmitResult> {
    return dropUndefined(await this.call('/v1/submit', SubmitSchema, { roomId, message: request.message, sender: request.sendingUri }));
  }

  /**
   * Reports abuse in a room (`POST /v1/reportAbuse`).
   * @param roomId - the room
   * @param report - the encoded AbuseReport (`mimi-kit/protocol` `encodeAbuseReport`)
   * @example
   * ```ts
   * await b.reportAbuse(roomId, encodeAbuseReport(report));
   * ```
   */
  async reportAbuse(roomId: string, report: Uint8Array): Promise<void> {
    await this.call('/v1/reportAbuse', z.object({}), { roomId, report });
  }

  /**
   * The next events of a client.
   * @param client - client URI
   * @param roomId - the room
   * @param limit - most events
   * @returns the batch
   * @example
   * ```ts
   * const { events } = await a.next(client, roomId, 100);
   * ```
   */
  async next(client: string, roomId: string, limit: number): Promise<ClientBatch> {
    const batch = await this.call('/v1/events', BatchSchema, { roomId, client, limit });
    return { ...batch, events: batch.events.map(dropUndefined) };
  }

  /**
   * Acknowledges a client's events.
   * @param client - client URI
   * @param roomId - the room
   * @param seq - last processed event
   * @example
   * ```ts
   * await a.ack(client, roomId, 7);
   * ```
   */
  async ack(client: string, roomId: string, seq: number): Promise<void> {
    await this.call('/v1/ack', z.object({}), { roomId, client, seq });
  }

  /**
   * The provider's status.
   * @returns domain, backlog, settled, rooms
   * @example
   * ```ts
   * (await a.status()).backlog; // 0
   * ```
   */
  async status(): Promise<ProviderStatus> {
    return this.call('/v1/status', StatusSchema);
  }
}
