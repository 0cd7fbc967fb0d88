/**
 * A private fast path between mimi-kit's own pieces: the exact body bytes behind a `Request` or `Response`
 * they built, so neither reads its own bytes back through a web stream; between the Node server and the
 * handler, a lite request in and a {@link LiteResponse} out (no WHATWG objects at all); between
 * `createMtlsFetch` and `MimiHttpClient`, status and bytes without a `Response`. Anything else (a caller's
 * own Request or fetch, a wrapped handler or Response) goes the standard way; nothing observable changes.
 *
 * @module
 */

import type { FetchLike } from './fetchLike.js';

const bodies = new WeakMap<Request | Response, Uint8Array>();

/** @internal Remembers the bytes a Request/Response was built with. */
export function withBytes<T extends Request | Response>(message: T, bytes: Uint8Array): T {
  bodies.set(message, bytes);
  return message;
}

/** @internal The bytes a Request/Response was built with, if mimi-kit built it and its body is unread. */
export function bytesOf(message: Request | Response): Uint8Array | undefined {
  // A lite request carries its bytes itself (a WeakMap entry per request costs more than the rest of it).
  if (message instanceof LiteRequest) return message.bytes;
  const b = bodies.get(message);
  return b !== undefined && !message.bodyUsed ? b : undefined;
}

const fastHandlers = new WeakSet<object>();

/** @internal Marks a handler built by `createMimiHandler`: it reads only `url`, `method`, `headers.get` and the bytes of a request. */
export function markFast<T extends object>(handler: T): T {
  fastHandlers.add(handler);
  return handler;
}

/** @internal Whether the server may hand this handler a {@link liteRequest} instead of a WHATWG `Request`. */
export function isFast(handler: object): boolean {
  return fastHandlers.has(handler);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);
const OWS = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** Fetch's header value normalization (leading and trailing HTTP whitespace removed). */
function trimOws(v: string): string {
  if (v === '') return v;
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(v.length - 1);
  const ws = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  return ws(a) || ws(z) ? v.replace(OWS, '') : v;
}

/**
 * The request of {@link liteRequest}: the URL the server already parsed (the handler reads it back without
 * parsing it again) and the body bytes, read whole.
 */
class LiteRequest {
  readonly body = null;
  readonly bodyUsed = false;
  constructor(
    readonly parsed: URL,
    readonly method: string,
    readonly headers: { get(name: string): string | null },
    readonly bytes: Uint8Array | undefined,
  ) {}
  get url(): string {
    return this.parsed.href;
  }
}

/** @internal The parsed URL of a {@link liteRequest} (undefined for any other request). */
export function parsedUrlOf(request: Request): URL | undefined {
  return request instanceof LiteRequest ? request.parsed : undefined;
}

/** @internal Whether mimi-kit's own Node server built this request (it then takes a {@link LiteResponse} back). */
export function isLite(request: Request): boolean {
  return request instanceof LiteRequest;
}

/**
 * @internal `new URL`, throwing as it does, reusing the parsed form of recent URLs: a peer sends the same few
 * (one per endpoint and room), and parsing costs more than the rest of a request's routing. A reused URL is
 * the one parsed before only while its href is unchanged (code it was handed may have changed it: it is then
 * parsed afresh, as without the cache). Bounded: when full it starts over, so ever new URLs cost a parse each.
 */
export function recentUrls(max = 256): (href: string) => URL {
  const urls = new Map<string, { readonly url: URL; readonly href: string }>();
  return (href) => {
    const hit = urls.get(href);
    if (hit !== undefined && hit.url.href === hit.href) return hit.url;
    const url = new URL(href);
    if (urls.size >= max) urls.clear();
    urls.set(href, { url, href: url.href });
    return url;
  };
}

/**
 * @internal A request as mimi-kit's own handler reads it, without building a WHATWG `Request` (its AbortSignal,
 * Headers and body stream cost more than the rest of the layer). `headers.get` answers as `Headers.get` does
 * for the fields given in `raw` (Node's rawHeaders: name, value, name, value…): values of a repeated field
 * joined with ", ", names compared without case. The body is already read whole.
 */
export function liteRequest(url: string | URL, method: string, raw: readonly string[], body: Uint8Array | undefined): Request {
  const headers = {
    get(name: string): string | null {
      const want = name.toLowerCase();
      // HTTP/1.1 hop-by-hop fields do not reach the handler (as on the Request path).
      if (HOP_BY_HOP.has(want)) return null;
      let out: string | null = null;
      for (let i = 0; i < raw.length; i += 2) {
        if (raw[i]!.length === want.length && raw[i]!.toLowerCase() === want) {
          const v = trimOws(raw[i + 1]!);
          out = out === null ? v : `${out}, ${v}`;
        }
      }
      return out;
    },
  };
  return new LiteRequest(typeof url === 'string' ? new URL(url) : url, method, headers, body) as unknown as Request;
}

/**
 * @internal An answer of mimi-kit's own handler: what its Node server writes (status, headers with lower-case
 * names, body) without a WHATWG `Response`. A handler called with anything but a {@link liteRequest} turns it
 * into a real Response ({@link toResponse}), so other runtimes see the web-standard contract.
 */
export class LiteResponse {
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Uint8Array | string | null,
  ) {}
}

/** @internal The standard Response of an answer: a {@link bytesResponse} for bytes, else a plain Response. */
export function toResponse(a: LiteResponse): Response {
  if (a.body instanceof Uint8Array) return bytesResponse(a.body, a.status, a.headers);
  return new Response(a.body, { status: a.status, headers: a.headers });
}

/** @internal What mimi-kit's own fetch received: the status and the whole body, no WHATWG `Response`. */
export interface Received {
  readonly status: number;
  readonly bytes: Uint8Array;
}

/** @internal A fetch that answers with {@link Received} (same requests, limits and errors as the fetch it backs). */
export type LiteFetch = (url: string, init: Parameters<FetchLike>[1]) => Promise<Received>;

const liteFetches = new WeakMap<object, LiteFetch>();

/** @internal Gives mimi-kit's own fetch its lighter twin, which `MimiHttpClient` then calls instead. */
export function withLiteFetch<T extends object>(f: T, lite: LiteFetch): T {
  liteFetches.set(f, lite);
  return f;
}

/** @internal The lighter twin of a fetch, if mimi-kit built it (any other fetch is used the standard way). */
export function liteFetchOf(f: object): LiteFetch | undefined {
  return liteFetches.get(f);
}

/**
 * A `Response` over bytes already in memory whose web stream is built only if someone asks for it: mimi-kit's
 * server and client take the bytes through {@link bytesOf}, so on their path no ReadableStream is made (its
 * construction was the largest single cost of an answer). Every other reader (`body`, `arrayBuffer()`,
 * `text()`, `clone()`, …) gets a real Response over the same bytes, status and headers: the same behaviour.
 */
type BytesResponseClass = new (bytes: Uint8Array, status: number, headers: HeadersInit) => Response;
let BytesResponseCtor: BytesResponseClass | undefined;

// Defined on first use, not at import: touching the global `Response` while modules load (Node then loads its
// bundled undici early) made test/provider/welcome.test.ts fail every time; the cause was not pinned down.
function bytesResponseClass(): BytesResponseClass {
  if (BytesResponseCtor !== undefined) return BytesResponseCtor;
  class BytesResponse extends Response {
    readonly #bytes: Uint8Array;
    #real: Response | undefined;

    constructor(bytes: Uint8Array, status: number, headers: HeadersInit) {
      super(null, { status, headers });
      this.#bytes = bytes;
    }

    #materialize(): Response {
      return (this.#real ??= new Response(this.#bytes as Uint8Array<ArrayBuffer>, { status: this.status, statusText: this.statusText, headers: this.headers }));
    }

    override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
      return this.#materialize().body;
    }
    override get bodyUsed(): boolean {
      return this.#real?.bodyUsed ?? false;
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return this.#materialize().arrayBuffer();
    }
    override blob(): Promise<Blob> {
      return this.#materialize().blob();
    }
    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return this.#materialize().bytes();
    }
    override formData(): Promise<FormData> {
      return this.#materialize().formData();
    }
    override json(): Promise<unknown> {
      return this.#materialize().json();
    }
    override text(): Promise<string> {
      return this.#materialize().text();
    }
    override clone(): Response {
      return this.#materialize().clone();
    }
  }
  return (BytesResponseCtor = BytesResponse);
}

/** @internal A Response with these bytes as its body (see {@link BytesResponse}); {@link bytesOf} answers them. */
export function bytesResponse(bytes: Uint8Array, status: number, headers: HeadersInit): Response {
  return withBytes(new (bytesResponseClass())(bytes, status, headers), bytes);
}
