/**
 * The example's front end (Node, loopback only): serves the built page, passes `/v1/*` through unchanged to
 * the user's provider's local client API (so the page's `fetch` stays same-origin: its Content-Security-Policy
 * keeps `connect-src 'self'`, and the provider needs no CORS), and answers `/session.json` (who the page's user
 * is, the room, and the token). The page's Welcome comes from the provider too (`GET /v1/welcomes`), routed
 * there by the room's hub.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** What the page learns from `/session.json`. */
export interface Session {
  readonly user: string;
  readonly client: string;
  readonly roomId: string;
  /** The provider's client API token (the front end authenticates its users itself, docs/provider.md PV3). */
  readonly token: string;
}

/** A running front end. */
export interface FrontEnd {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};
/** The local API refuses bodies over 2 MiB; the pass-through stops reading a little past that. */
const MAX_BODY = (2 << 20) + 1024;

async function body(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Starts the front end on 127.0.0.1.
 *
 * @param options - the built page's folder, the provider's local API URL, the session (or a function that
 *   makes one per page load), extra static pages
 *   (path → body), and the port (default any free one)
 * @returns the running server
 * @example
 * ```ts
 * const fe = await startFrontEnd({ root: DIST, providerUrl: b.localUrl, session });
 * await room.addUser(BOB); // the page polls b.example for its Welcome through /v1/welcomes
 * ```
 */
export async function startFrontEnd(options: { root: string; providerUrl: string; session: Session | (() => Session); pages?: Readonly<Record<string, string>>; port?: number }): Promise<FrontEnd> {
  const session = typeof options.session === 'function' ? options.session : () => options.session as Session;
  const base = resolve(options.root);
  const provider = options.providerUrl.replace(/\/+$/, '');
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = decodeURIComponent(url.pathname);
      const send = (status: number, type: string, text: string | Uint8Array) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(text);
      if (path.startsWith('/v1/')) {
        const bytes = await body(req);
        if (bytes === undefined) return send(413, 'application/json', JSON.stringify({ error: 'provider/bad-request', message: 'body too large' }));
        const headers: Record<string, string> = {};
        for (const h of ['authorization', 'content-type']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
        try {
          // Path and query as the page sent them (`GET /v1/welcomes?client=…` carries its argument in the query).
          const r = await fetch(`${provider}${url.pathname}${url.search}`, { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body: new Uint8Array(bytes) } : {}) });
          return send(r.status, r.headers.get('content-type') ?? 'application/json', new Uint8Array(await r.arrayBuffer()));
        } catch {
          return send(502, 'application/json', JSON.stringify({ error: 'provider/upstream', message: 'the provider did not answer' }));
        }
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', '');
      if (path === '/session.json') return send(200, 'application/json', JSON.stringify(session()));
      const page = options.pages?.[path];
      if (page !== undefined) return send(200, TYPES[extname(path)] ?? 'text/plain', page);
      const file = normalize(join(base, path === '/' ? 'index.html' : path));
      if ((file !== base && !file.startsWith(base + sep)) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'text/plain', '');
      return send(200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('front end: no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
