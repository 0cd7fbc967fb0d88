/**
 * A client for the MIMI endpoints over `fetch` (injectable: the Node mTLS fetch of `mimi-kit/http/node`, a
 * fault-injecting wrapper in tests, the platform's fetch elsewhere). Requests carry the draft's From header;
 * answers are decoded with `mimi-kit/protocol` into typed results, and refusals without a body the draft
 * defines become `MimiError`s (the peer's problem `code` when it is a stable one).
 *
 * @module
 */
import type { HistoryPage, HistoryRequest, NotifyRequest, WelcomeRequest } from '../delivery/types.js';
import { MimiError } from '../errors.js';
import {
  DIRECTORY_PATH,
  decodeGroupInfoResponse,
  decodeIdentifierResponse,
  decodeKeyMaterialResponse,
  decodeSubmitMessageResponse,
  decodeUpdateRoomResponse,
  encodeAbuseReport,
  encodeConsentEntry,
  encodeGroupInfoRequest,
  encodeIdentifierRequest,
  encodeKeyMaterialRequest,
  encodeSubmitMessageRequest,
  encodeUpdateRequest,
  parseDirectory,
  type AbuseReport,
  type ConsentEntry,
  type GroupInfoRequest,
  type GroupInfoResponse,
  type IdentifierRequest,
  type IdentifierResponse,
  type KeyMaterialRequest,
  type KeyMaterialResponse,
  type MimiDirectory,
  type SubmitMessageRequest,
  type SubmitMessageResponse,
  type UpdateRequest,
  type UpdateRoomResponse,
} from '../protocol/index.js';
import { checkBound, readBounded } from './body.js';
import type { FetchLike } from './fetchLike.js';
import { liteFetchOf, type LiteFetch, type Received } from './fast.js';
import { errorFromResponse } from './problem.js';
import { EXPIRES_HEADER, MediaType, decodeHistoryResponse, encodeHistoryRequest, encodeSequencedNotify, encodeSequencedWelcome } from './wire.js';

export type { FetchLike } from './fetchLike.js';

/** Options of a {@link MimiHttpClient}. */
export interface MimiHttpClientOptions {
  /** This provider's domain, sent as `From: mimi@<domain>` (draft "Transport layer"). */
  readonly domain: string;
  /** The fetch to use (default: the global `fetch`). For mutual TLS on Node: `createMtlsFetch`. */
  readonly fetch?: FetchLike;
  /** Base URL of a provider's endpoints (default `https://<domain>`); must match the server's `basePath`. */
  readonly resolve?: (domain: string) => string;
  /** Largest answer read, bytes (default 8 MiB, the protocol codecs' bound). */
  readonly maxResponseBytes?: number;
  /** A request not answered within this many ms fails with `http/network` (default 30 000). */
  readonly timeoutMs?: number;
}

/**
 * Speaks the MIMI endpoints to other providers.
 *
 * @example
 * ```ts
 * import { MimiHttpClient } from 'mimi-kit/http';
 * import { createMtlsFetch } from 'mimi-kit/http/node';
 * const client = new MimiHttpClient({ domain: 'b.example', fetch: createMtlsFetch({ cert, key, ca }) });
 * const res = await client.submitMessage('a.example', roomId, { appMessage, sendingUri: 'mimi://b.example/u/bob' });
 * res.statusCode; // 'accepted'
 * ```
 */
export class MimiHttpClient {
  /** This provider's domain. */
  readonly domain: string;
  /** The From header of every request (draft "Transport layer"). */
  private readonly from: string;
  private readonly fetchFn: FetchLike;
  /** mimi-kit's own fetch answers status and bytes without a Response (undefined for any other fetch). */
  private readonly liteFn: LiteFetch | undefined;
  private readonly resolve: (domain: string) => string;
  private readonly maxResponseBytes: number;
  private readonly timeoutMs: number;

  /**
   * Creates a client for this provider.
   * @param options - own domain, fetch, resolution of peers, limits
   * @throws {@link MimiError} `http/network` when no fetch is given and none is global
   */
  constructor(options: MimiHttpClientOptions) {
    this.domain = options.domain.toLowerCase();
    this.from = `mimi@${this.domain}`;
    const f = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
    if (f === undefined) throw new MimiError('http/network', 'no fetch: pass options.fetch');
    this.fetchFn = f;
    this.liteFn = liteFetchOf(f);
    this.resolve = options.resolve ?? ((d) => `https://${d}`);
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * Reads a provider's directory (draft "Directory").
   * @param domain - the provider
   * @returns the endpoint templates it offers
   * @throws {@link MimiError} `http/*`, `protocol/invalid-directory`
   * @example
   * ```ts
   * (await client.directory('a.example')).submitMessage; // 'https://a.example/submitMessage/{roomId}'
   * ```
   */
  async directory(domain: string): Promise<MimiDirectory> {
    const res = await this.send(domain, 'GET', `${this.origin(domain)}${DIRECTORY_PATH}`, undefined, MediaType.json, 'directory');
    return parseDirectory(new TextDecoder().decode(await this.ok(res, 200, 'directory')));
  }

  /**
   * `POST /keyMaterial/{targetUser}` to the target user's provider.
   * @param domain - the provider of `request.targetUser`
   * @param request - the signed request
   * @returns the KeyMaterialResponse
   * @throws {@link MimiError} `http/*`, `protocol/*`
   * @example
   * ```ts
   * const { userStatus, clients } = await client.keyMaterial('b.example', request);
   * ```
   */
  async keyMaterial(domain: string, request: KeyMaterialRequest): Promise<KeyMaterialResponse> {
    return decodeKeyMaterialResponse(await this.post(domain, 'keyMaterial', request.targetUser, encodeKeyMaterialRequest(request)));
  }

  /**
   * `POST /update/{roomId}` to the room's hub.
   * @param hub - the hub's domain
   * @param roomId - the room
   * @param request - the HandshakeBundle
   * @returns the UpdateRoomResponse (`success`, `wrongEpoch`, `notAllowed`, `invalidProposal`)
   * @throws {@link MimiError} `http/*`, `delivery/*`, `protocol/*`
   * @example
   * ```ts
   * const r = await client.update('a.example', roomId, { bundle });
   * ```
   */
  async update(hub: string, roomId: string, request: UpdateRequest): Promise<UpdateRoomResponse> {
    return decodeUpdateRoomResponse(await this.post(hub, 'update', roomId, encodeUpdateRequest(request)));
  }

  /**
   * `POST /submitMessage/{roomId}` to the room's hub.
   * @param hub - the hub's domain
   * @param roomId - the room
   * @param request - the PrivateMessage and its sender
   * @param options - `expires`: the message's declared expiry, ms since the UNIX epoch, sent in {@link EXPIRES_HEADER} (HT14)
   * @returns the SubmitMessageResponse (`accepted`, `notAllowed`, `epochTooOld`)
   * @throws {@link MimiError} `http/*`, `delivery/*`, `protocol/*`
   * @example
   * ```ts
   * (await client.submitMessage('a.example', roomId, { appMessage, sendingUri })).statusCode; // 'accepted'
   * ```
   */
  async submitMessage(hub: string, roomId: string, request: SubmitMessageRequest, options: { readonly expires?: number } = {}): Promise<SubmitMessageResponse> {
    const extra = options.expires === undefined ? undefined : { [EXPIRES_HEADER]: String(options.expires) };
    return decodeSubmitMessageResponse(await this.post(hub, 'submitMessage', roomId, encodeSubmitMessageRequest(request), MediaType.body, 200, extra));
  }

  /**
   * `POST /notify/{roomId}` to a follower: one fanout transaction as a SequencedNotify (HT2). Resolves on 201.
   * @param follower - the follower's domain
   * @param request - the transaction
   * @throws {@link MimiError} `http/*`, `delivery/*`
   * @example
   * ```ts
   * await client.notify('b.example', { hub: 'a.example', roomId, txn, events });
   * ```
   */
  async notify(follower: string, request: NotifyRequest): Promise<void> {
    await this.post(follower, 'notify', request.roomId, encodeSequencedNotify(request), MediaType.sequencedNotify, 201);
  }

  /**
   * `POST /notify/{roomId}` to a provider of joining clients: a commit's Welcome as a SequencedWelcome (HT16).
   * Resolves on 201.
   * @param follower - the provider's domain
   * @param request - the Welcome and its recipients
   * @throws {@link MimiError} `http/*`, `delivery/*`, `protocol/*`
   * @example
   * ```ts
   * await client.welcome('b.example', { hub: 'a.example', roomId, seq: 7, hubTime, clients, welcome });
   * ```
   */
  async welcome(follower: string, request: WelcomeRequest): Promise<void> {
    await this.post(follower, 'notify', request.roomId, encodeSequencedWelcome(request), MediaType.sequencedWelcome, 201);
  }

  /**
   * `POST /history/{roomId}` to the room's hub (HT3): the events after `after`.
   * @param hub - the hub's domain
   * @param request - room, after, limit (the requester is this provider, as its certificate says)
   * @returns the page
   * @throws {@link MimiError} `http/*`, `delivery/*`, `protocol/*`
   * @example
   * ```ts
   * const page = await client.history('a.example', { requester: 'b.example', roomId, after: 0, limit: 100 });
   * ```
   */
  async history(hub: string, request: HistoryRequest): Promise<HistoryPage> {
    const body = await this.post(hub, 'history', request.roomId, encodeHistoryRequest(request.after, request.limit), MediaType.history);
    return decodeHistoryResponse(body, { maxBodyBytes: this.maxResponseBytes });
  }

  /**
   * `POST /groupInfo/{roomId}` to the room's hub.
   * @param hub - the hub's domain
   * @param roomId - the room
   * @param request - the signed request
   * @returns the GroupInfoResponse
   * @throws {@link MimiError} `http/*`, `protocol/*`
   * @example
   * ```ts
   * (await client.groupInfo('a.example', roomId, request)).status; // 'success'
   * ```
   */
  async groupInfo(hub: string, roomId: string, request: GroupInfoRequest): Promise<GroupInfoResponse> {
    return decodeGroupInfoResponse(await this.post(hub, 'groupInfo', roomId, encodeGroupInfoRequest(request)));
  }

  /**
   * `POST /requestConsent/{targetUser}` (request, cancel) to the target's provider, or `POST
   * /updateConsent/{requesterUser}` (grant, revoke) to the requester's.
   * @param domain - the receiving provider
   * @param entry - the ConsentEntry
   * @returns `accepted` (201) or `notFound` (404)
   * @throws {@link MimiError} `http/*`
   * @example
   * ```ts
   * await client.consent('b.example', { consentOperation: 'request', requesterUri, targetUri, clientKeyPackages: [], consentExtensions: [] });
   * ```
   */
  async consent(domain: string, entry: ConsentEntry): Promise<'accepted' | 'notFound'> {
    const asking = entry.consentOperation === 'request' || entry.consentOperation === 'cancel';
    try {
      await this.post(domain, asking ? 'requestConsent' : 'updateConsent', asking ? entry.targetUri : entry.requesterUri, encodeConsentEntry(entry), MediaType.body, 201);
      return 'accepted';
    } catch (e) {
      if (e instanceof MimiError && e.details?.status === 404 && e.code === 'http/not-found') return 'notFound';
      throw e;
    }
  }

  /**
   * `POST /identifierQuery/{domain}`.
   * @param domain - the provider asked
   * @param request - the query
   * @returns the IdentifierResponse
   * @throws {@link MimiError} `http/*`, `protocol/*`
   * @example
   * ```ts
   * (await client.identifierQuery('b.example', { queryElements: [{ searchType: 'handle', searchValue: 'im:bob@b.example' }], idRequestExtensions: [] })).responseCode;
   * ```
   */
  async identifierQuery(domain: string, request: IdentifierRequest): Promise<IdentifierResponse> {
    return decodeIdentifierResponse(await this.post(domain, 'identifierQuery', domain, encodeIdentifierRequest(request)));
  }

  /**
   * `POST /reportAbuse/{roomId}` to the room's hub. Resolves on 201.
   * @param hub - the hub's domain
   * @param roomId - the room
   * @param report - the AbuseReport
   * @throws {@link MimiError} `http/*`
   * @example
   * ```ts
   * await client.reportAbuse('a.example', roomId, report);
   * ```
   */
  async reportAbuse(hub: string, roomId: string, report: AbuseReport): Promise<void> {
    await this.post(hub, 'reportAbuse', roomId, encodeAbuseReport(report), MediaType.body, 201);
  }

  private origin(domain: string): string {
    return this.resolve(domain).replace(/\/+$/, '');
  }

  private async post(domain: string, endpoint: string, param: string, body: Uint8Array, type: string = MediaType.body, expect = 200, extra?: Record<string, string>): Promise<Uint8Array> {
    const res = await this.send(domain, 'POST', `${this.origin(domain)}/${endpoint}/${encodeURIComponent(param)}`, body, type, endpoint, extra);
    return this.ok(res, expect, endpoint);
  }

  private async send(domain: string, method: string, url: string, body: Uint8Array | undefined, type: string, what: string, extra?: Record<string, string>): Promise<Response | Received> {
    const headers: Record<string, string> = { from: this.from, accept: `${type}, ${MediaType.problem}` };
    if (extra !== undefined) Object.assign(headers, extra);
    if (body !== undefined) headers['content-type'] = type;
    try {
      const init: Parameters<FetchLike>[1] = { method, headers };
      if (body !== undefined) init.body = body;
      if (this.fetchFn.enforcesTimeout !== true) init.signal = AbortSignal.timeout(this.timeoutMs);
      init.maxResponseBytes = this.maxResponseBytes;
      init.timeoutMs = this.timeoutMs;
      return await (this.liteFn === undefined ? this.fetchFn(url, init) : this.liteFn(url, init));
    } catch (e) {
      if (e instanceof MimiError) throw e;
      throw new MimiError('http/network', `${what} to ${domain}: ${e instanceof Error ? e.message : String(e)}`, { cause: e, details: { domain } });
    }
  }

  private async ok(res: Response | Received, expect: number, what: string): Promise<Uint8Array> {
    let body: Uint8Array;
    try {
      // `send` answers a Received exactly when the lite fetch is there.
      body = this.liteFn === undefined ? await readBounded(res as Response, this.maxResponseBytes, `the ${what} answer`) : checkBound((res as Received).bytes, this.maxResponseBytes, `the ${what} answer`);
    } catch (e) {
      if (e instanceof MimiError) throw e;
      throw new MimiError('http/network', `${what}: the answer broke off: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (res.status === expect) return body;
    throw errorFromResponse(res.status, new TextDecoder().decode(body.subarray(0, 4096)), what);
  }
}
