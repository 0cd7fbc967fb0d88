/**
 * The page's client of its provider's local client API (docs/provider.md "The local client API"): JSON
 * over `fetch`, bytes as base64, the bearer token on every request. It speaks the routes a member needs
 * (`keyPackages`, `update`, `welcomes`, `welcomes/accept`, `submit`, `events`, `ack`), with the same method names as the
 * library's `LocalApiClient` (src/provider/client.ts), which cannot be bundled for a browser (it encodes
 * with Node's Buffer). Answers are checked field by field before they are trusted.
 *
 * @module
 */
import { MimiError } from 'mimi-kit/content';

/** One event of a client's stream (draft-ietf-mimi-protocol-06 §5.3–5.4 as the provider hands them on). */
export interface ProviderEvent {
  /** Position in the room's log at the hub (1, 2, …). */
  readonly seq: number;
  /** The hub's accepted timestamp, ms since the epoch. */
  readonly hubTime: number;
  /** `proposal`: a standalone proposal (e.g. a member's leave) to hold until a commit cites it (RFC 9420 §12.4). */
  readonly kind: 'commit' | 'message' | 'proposal' | 'erased';
  /** The submitting user (as the hub recorded it). */
  readonly sender: string;
  /** The MLSMessage bytes. */
  readonly message: Uint8Array;
}

/** A Welcome the room's hub routed to this provider for one of its clients (docs/decisions.md HT16). */
export interface HeldWelcome {
  readonly roomId: string;
  /** Sequence number of the commit that added the client: its stream starts after it. */
  readonly seq: number;
  /** The Welcome as an MLSMessage (`joinFromWelcome`). */
  readonly welcome: Uint8Array;
}

/** The hub's answer to a message (draft-ietf-mimi-protocol-06 §5.4 SubmitMessageResponse). */
export type SubmitAnswer =
  | { readonly code: 'accepted'; readonly acceptedTimestamp: number }
  | { readonly code: 'notAllowed'; readonly description: string }
  | { readonly code: 'epochTooOld'; readonly currentEpoch: number };

/**
 * Base64 of bytes (the local API's one encoding rule).
 *
 * @param bytes - any bytes
 * @returns standard base64 with padding
 * @example
 * ```ts
 * toBase64(new Uint8Array([1, 2])); // 'AQI='
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Bytes of base64 text.
 *
 * @param text - standard base64
 * @returns the bytes
 * @throws {@link MimiError} `provider/upstream` when the text is not base64
 * @example
 * ```ts
 * fromBase64('AQI='); // Uint8Array [1, 2]
 * ```
 */
export function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new MimiError('provider/upstream', 'not base64');
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function event(v: unknown): ProviderEvent {
  const e = v as Record<string, unknown>;
  if (typeof e !== 'object' || e === null || !isCount(e['seq']) || !isCount(e['hubTime']) || typeof e['sender'] !== 'string' || typeof e['message'] !== 'string') {
    throw new MimiError('provider/upstream', 'an event of the wrong shape');
  }
  const kind = e['kind'];
  if (kind !== 'commit' && kind !== 'message' && kind !== 'proposal' && kind !== 'erased') throw new MimiError('provider/upstream', 'an event of an unknown kind');
  return { seq: e['seq'], hubTime: e['hubTime'], kind, sender: e['sender'], message: fromBase64(e['message']) };
}

/**
 * The local API over `fetch`.
 *
 * @example
 * ```ts
 * const api = new ProviderApi({ url: location.origin, token });
 * await api.publishKeyPackage(user, client, kp.keyPackage);
 * const { events } = await api.next(client, roomId, 100);
 * ```
 */
export class ProviderApi {
  readonly #base: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  /**
   * @param options - base URL of the local listener (or a same-origin pass-through to it), token, timeout
   */
  constructor(options: { url: string; token: string; timeoutMs?: number }) {
    this.#base = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** POSTs `body` as JSON, or GETs `path` when there is none. */
  async #call(path: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
    let response: Response;
    let value: unknown;
    try {
      response = await fetch(`${this.#base}${path}`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        ...(body === undefined
          ? { method: 'GET', headers: { authorization: `Bearer ${this.#token}` } }
          : {
              method: 'POST',
              headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
              body: JSON.stringify(body, (_k, v: unknown) => (v instanceof Uint8Array ? toBase64(v) : v)),
            }),
      });
      value = await response.json();
    } catch (e) {
      throw new MimiError('provider/upstream', `${path}: the provider did not answer (${e instanceof Error ? e.message : String(e)})`);
    }
    const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (!response.ok) {
      // The provider's error codes are MimiError codes (docs/provider.md); kept as sent in the details.
      const code = typeof o['error'] === 'string' ? o['error'] : 'provider/upstream';
      throw new MimiError(code === 'delivery/no-such-room' ? 'delivery/no-such-room' : 'provider/upstream', `${path}: ${String(o['message'] ?? `HTTP ${response.status}`)}`, { details: { status: response.status, code } });
    }
    return o;
  }

  /**
   * Uploads a key package of one of the provider's users.
   * @param user - user URI
   * @param client - client URI
   * @param keyPackage - an MLSMessage KeyPackage (`generateKeyPackage`)
   * @example
   * ```ts
   * await api.publishKeyPackage(user, client, kp.keyPackage);
   * ```
   */
  async publishKeyPackage(user: string, client: string, keyPackage: Uint8Array): Promise<void> {
    await this.#call('/v1/keyPackages', { user, client, keyPackage });
  }

  /**
   * Submits an application message to the room's hub (through this provider).
   * @param roomId - the room
   * @param request - the PrivateMessage and its sending user
   * @returns the hub's answer
   * @example
   * ```ts
   * const r = await api.submit(roomId, { message, sendingUri: user });
   * ```
   */
  async submit(roomId: string, request: { message: Uint8Array; sendingUri: string }): Promise<SubmitAnswer> {
    const o = await this.#call('/v1/submit', { roomId, message: request.message, sender: request.sendingUri });
    if (o['code'] === 'accepted' && isCount(o['acceptedTimestamp'])) return { code: 'accepted', acceptedTimestamp: o['acceptedTimestamp'] };
    if (o['code'] === 'notAllowed') return { code: 'notAllowed', description: String(o['description'] ?? '') };
    if (o['code'] === 'epochTooOld' && isCount(o['currentEpoch'])) return { code: 'epochTooOld', currentEpoch: o['currentEpoch'] };
    throw new MimiError('provider/upstream', '/v1/submit: an answer of the wrong shape');
  }

  /**
   * Submits a commit (a PublicMessage) to the room's hub through this provider (draft-ietf-mimi-protocol-06
   * §5.3); `groupInfo` is needed when the hub is another provider.
   * @param roomId - the room
   * @param request - the commit and the new epoch's GroupInfo
   * @returns the hub's answer code, and its description when refused
   * @example
   * ```ts
   * const r = await api.update(roomId, { commit: out.commit });
   * ```
   */
  async update(roomId: string, request: { commit: Uint8Array; groupInfo?: Uint8Array; welcome?: Uint8Array }): Promise<{ code: string; description?: string }> {
    const o = await this.#call('/v1/update', { roomId, ...request });
    if (typeof o['code'] !== 'string') throw new MimiError('provider/upstream', '/v1/update: an answer of the wrong shape');
    return { code: o['code'], ...(typeof o['description'] === 'string' ? { description: o['description'] } : {}) };
  }

  /**
   * The Welcomes the rooms' hubs routed to this provider for a client (empty until one is added).
   * @param client - client URI
   * @returns one per room
   * @example
   * ```ts
   * const w = (await api.welcomes(client)).find((h) => h.roomId === roomId);
   * ```
   */
  async welcomes(client: string): Promise<HeldWelcome[]> {
    const o = await this.#call(`/v1/welcomes?client=${encodeURIComponent(client)}`);
    const list = o['welcomes'];
    if (!Array.isArray(list)) throw new MimiError('provider/upstream', '/v1/welcomes: an answer of the wrong shape');
    return list.map((v: unknown) => {
      const w = v as Record<string, unknown>;
      if (typeof w !== 'object' || w === null || typeof w['roomId'] !== 'string' || !isCount(w['seq']) || typeof w['welcome'] !== 'string') {
        throw new MimiError('provider/upstream', '/v1/welcomes: a Welcome of the wrong shape');
      }
      return { roomId: w['roomId'], seq: w['seq'], welcome: fromBase64(w['welcome']) };
    });
  }

  /**
   * Takes the client's Welcome once it joined with it: the provider starts its stream after the adding commit.
   * @param client - client URI
   * @param roomId - the room
   * @returns the client's cursor
   * @example
   * ```ts
   * const cursor = await api.acceptWelcome(client, roomId);
   * ```
   */
  async acceptWelcome(client: string, roomId: string): Promise<number> {
    const o = await this.#call('/v1/welcomes/accept', { roomId, client });
    if (!isCount(o['cursor'])) throw new MimiError('provider/upstream', '/v1/welcomes/accept: an answer of the wrong shape');
    return o['cursor'];
  }

  /**
   * The client's next events, in order; each is handed again until acknowledged.
   * @param client - client URI
   * @param roomId - the room
   * @param limit - most events (1–1000)
   * @returns the events
   * @example
   * ```ts
   * const { events } = await api.next(client, roomId, 100);
   * ```
   */
  async next(client: string, roomId: string, limit: number): Promise<{ events: ProviderEvent[] }> {
    const o = await this.#call('/v1/events', { roomId, client, limit });
    if (!Array.isArray(o['events'])) throw new MimiError('provider/upstream', '/v1/events: an answer of the wrong shape');
    return { events: o['events'].map(event) };
  }

  /**
   * Moves the client's durable cursor.
   * @param client - client URI
   * @param roomId - the room
   * @param seq - the last event processed
   * @example
   * ```ts
   * await api.ack(client, roomId, events.at(-1)!.seq);
   * ```
   */
  async ack(client: string, roomId: string, seq: number): Promise<void> {
    await this.#call('/v1/ack', { roomId, client, seq });
  }
}
