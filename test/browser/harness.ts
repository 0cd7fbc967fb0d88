/**
 * Browser test harness: Debian's Chromium driven by playwright-core, pages served on 127.0.0.1 by a tiny
 * static server, code bundled for the browser by esbuild at test time (into a temp folder). Shared by the
 * library's browser suite (test/browser/*.test.ts) and the example client's test (examples/web-client/).
 *
 * Stable API (additions only):
 * - `CHROMIUM_PATH`, `CHROMIUM_ARGS`: the browser and the flags it always gets.
 * - `browserAvailability()`: `'run'` when Chromium is installed, `'skip'` when it is absent outside CI,
 *   `'fail'` when it is absent in CI (`process.env.CI` set). Use with {@link describeBrowser}.
 * - `describeBrowser(name, fn)`: a vitest `describe` that runs, skips with a plain message, or fails.
 * - `bundle({ entries, outdir? })`: esbuild (platform browser, ESM, es2022) of `{ name: absolutePath }`
 *   into `<outdir>/<name>.js`; returns `{ dir, files, cleanup }`.
 * - `serveStatic(root, { pages? })`: a static server on 127.0.0.1 (ephemeral port) for `root`, plus
 *   in-memory `pages` (path → body); returns `{ url, close }`. Only GET/HEAD, no path escapes `root`.
 * - `launchChromium()`: a headless Chromium with a fresh empty user-data-dir; every request that is not
 *   to 127.0.0.1 is aborted (no network at test time). Returns `{ context, newPage, close }`.
 * - `openPage({ entries, html?, files? })`: all of the above in one call: bundles `entries`, serves them with
 *   an index page that loads each bundle as a module (or your `html`), opens it and waits for
 *   `window.__ready === true` when the page sets `window.__ready = false` first (else for `load`).
 *   Returns `{ page, url, errors, close }`; `errors` collects page errors and console errors.
 *
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

/** Debian's chromium package (`apt-get install -y chromium`); the playwright download does not work here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for every launch. Without the background-networking ones Chromium tries many outside connections
 * (refused here); QUIC off and no GPU keep it quiet in containers.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What a browser suite should do here: run, skip (no Chromium, not CI), or fail (no Chromium in CI). */
export function browserAvailability(): 'run' | 'skip' | 'fail' {
  if (existsSync(CHROMIUM_PATH)) return 'run';
  return process.env.CI ? 'fail' : 'skip';
}

/**
 * A vitest `describe` for browser tests: runs `fn` when Chromium is installed; otherwise a single test
 * that is skipped with a plain message, or that fails in CI (CI must run the browser suite).
 */
export function describeBrowser(name: string, fn: () => void): void {
  const mode = browserAvailability();
  const missing = `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
  if (mode === 'run') describe(name, fn);
  else if (mode === 'skip') describe(name, () => it.skip(`skipped: ${missing}`, () => {}));
  else
    describe(name, () =>
      it('Chromium is installed (required in CI)', () => {
        throw new Error(missing);
      }),
    );
}

/** A bundle written by {@link bundle}. */
export interface Bundle {
  /** The folder holding `<name>.js` for every entry. */
  readonly dir: string;
  /** Entry name → absolute path of its bundle. */
  readonly files: Readonly<Record<string, string>>;
  /** Removes the folder (only when `bundle` made it). */
  cleanup(): void;
}

/**
 * Bundles entries for the browser with esbuild (ESM, es2022, sourcemaps inline so stack traces point
 * at src/). `node:` modules are not shimmed: a browser bundle that reaches one fails to build.
 */
export async function bundle(options: { entries: Readonly<Record<string, string>>; outdir?: string; minify?: boolean }): Promise<Bundle> {
  const made = options.outdir === undefined;
  const dir = options.outdir ?? mkdtempSync(join(tmpdir(), 'mimi-browser-'));
  await build({
    entryPoints: Object.fromEntries(Object.entries(options.entries).map(([k, v]) => [k, resolve(v)])),
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    minify: options.minify ?? false,
    logLevel: 'silent',
  });
  const files = Object.fromEntries(Object.keys(options.entries).map((k) => [k, join(dir, `${k}.js`)]));
  return { dir, files, cleanup: () => made && rmSync(dir, { recursive: true, force: true }) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.cbor': 'application/cbor',
};

/** A running static server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `root` (and in-memory `pages`, path → body) on 127.0.0.1 at an ephemeral port. */
export async function serveStatic(root: string, options: { pages?: Readonly<Record<string, string>> } = {}): Promise<StaticServer> {
  const base = resolve(root);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const page = options.pages?.[path] ?? (path === '/' ? options.pages?.['/index.html'] : undefined);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? TYPES['.html']!, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    if ((file !== base && !file.startsWith(base + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('static server: no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** A launched Chromium (one persistent context: the only way to give it a fresh user-data-dir). */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches headless Chromium with {@link CHROMIUM_ARGS}, a new empty user-data-dir, loopback-only traffic. */
export async function launchChromium(): Promise<LaunchedChromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'mimi-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    return u.hostname === '127.0.0.1' || u.protocol === 'data:' || u.protocol === 'blob:' ? route.continue() : route.abort('blockedbyclient');
  });
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A page opened by {@link openPage}. */
export interface OpenedPage {
  readonly page: Page;
  readonly url: string;
  /** Uncaught page errors and console errors, in order. */
  readonly errors: string[];
  /** Closes the browser, stops the server, removes the bundle. */
  close(): Promise<void>;
}

/**
 * Bundles `entries`, serves them (each at `/<name>.js`) with `html` as `/index.html` (default: a page that
 * loads every bundle as a module), plus `files` (path → body), launches Chromium and opens the page.
 */
export async function openPage(options: {
  entries: Readonly<Record<string, string>>;
  html?: string;
  files?: Readonly<Record<string, string>>;
}): Promise<OpenedPage> {
  const b = await bundle({ entries: options.entries });
  const scripts = Object.keys(options.entries)
    .map((k) => `<script type="module" src="/${k}.js"></script>`)
    .join('\n');
  const html = options.html ?? `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>mimi-kit browser test</title></head><body>\n${scripts}\n</body></html>`;
  const server = await serveStatic(b.dir, { pages: { ...options.files, '/index.html': html } });
  let chrome: LaunchedChromium | undefined;
  try {
    chrome = await launchChromium();
    const page = await chrome.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as { __ready?: boolean }).__ready !== false, undefined, { timeout: 30_000 });
    const c = chrome;
    return {
      page,
      url: server.url,
      errors,
      close: async () => {
        await c.close();
        await server.close();
        b.cleanup();
      },
    };
  } catch (e) {
    await chrome?.close();
    await server.close();
    b.cleanup();
    throw e;
  }
}
