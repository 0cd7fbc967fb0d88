/**
 * A private fast path between mimi-kit's own server and handler: the exact body bytes behind a `Request` or
 * `Response` they built, so neither reads its own bytes back through a web stream. Anything else (a
 * caller's own Request, a wrapped Response) goes the standard way; nothing observable changes.
 *
 * @module
 */

const bodies = new WeakMap<Request | Response, Uint8Array>();

/** @internal Remembers the bytes a Request/Response was built with. */
export function withBytes<T extends Request | Response>(message: T, bytes: Uint8Array): T {
  bodies.set(message, bytes);
  return message;
}

/** @internal The bytes a Request/Response was built with, if mimi-kit built it and its body is unread. */
export function bytesOf(message: Request | Response): Uint8Array | undefined {
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
 * @internal A request as mimi-kit's own handler reads it, without building a WHATWG `Request` (its AbortSignal,
 * Headers and body stream cost more than the rest of the layer). `headers.get` answers as `Headers.get` does
 * for the fields given in `raw` (Node's rawHeaders: name, value, name, value…): values of a repeated field
 * joined with ", ", names compared without case. The body is already read whole.
 */
export function liteRequest(url: string, method: string, raw: readonly string[], body: Uint8Array | undefined): Request {
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
  const request = { url, method, headers, body: null, bodyUsed: false } as unknown as Request;
  return body === undefined ? request : withBytes(request, body);
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
