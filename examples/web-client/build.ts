/**
 * Builds the example client into `examples/web-client/dist/` (esbuild: one minified ESM bundle plus
 * the page and its style sheet) and, unless `--no-serve`, serves it on 127.0.0.1.
 *
 *   npm run example:web                 # build + serve, prints the URL (no provider: the in-page room)
 *   npm run example:web -- --no-serve   # build only
 *   npm run example:web -- --port 8080
 *   npm run example:web -- --a-api URL --b-api URL --token TOKEN   # against two `mimi serve` (live.ts)
 *
 * @module
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, type BuildOptions } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the example is built. */
export const DIST = join(here, 'dist');

function options(outdir: string): BuildOptions {
  return {
    entryPoints: { main: join(here, 'src/main.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    // `mimi-kit/*` resolves to ../../src through this folder's tsconfig paths: no library build needed.
    tsconfig: join(here, 'tsconfig.json'),
    logLevel: 'warning',
  };
}

function copyStatic(outdir: string): void {
  for (const f of ['index.html', 'style.css']) copyFileSync(join(here, f), join(outdir, f));
}

/**
 * Builds the example into `outdir` (default {@link DIST}).
 *
 * @param outdir - the output folder, emptied first
 * @returns the output folder
 * @example
 * ```ts
 * const dir = await buildWebClient();
 * ```
 */
export async function buildWebClient(outdir: string = DIST): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const ctx = await context(options(outdir));
  try {
    await ctx.rebuild();
  } finally {
    await ctx.dispose();
  }
  copyStatic(outdir);
  return outdir;
}

async function cli(argv: readonly string[]): Promise<void> {
  const serve = !argv.includes('--no-serve');
  const at = argv.indexOf('--port');
  const port = at >= 0 ? Number(argv[at + 1]) : 8431;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${argv[at + 1]}`);
  await buildWebClient();
  if (!serve) {
    console.log(`built ${DIST}`);
    return;
  }
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const [aApi, bApi, token] = [flag('--a-api'), flag('--b-api'), flag('--token')];
  if (aApi !== undefined || bApi !== undefined || token !== undefined) {
    if (aApi === undefined || bApi === undefined || token === undefined) throw new Error('--a-api, --b-api and --token go together');
    // live.ts reaches mimi-kit/* through this folder's tsconfig paths, which a plain `tsx` run does not read.
    const { tsImport } = await import('tsx/esm/api');
    const live = (await tsImport('./live.ts', { parentURL: import.meta.url, tsconfig: join(here, 'tsconfig.node.json') })) as typeof import('./live.js');
    const { url, stop } = await live.runLive({ aApi, bApi, token, port, root: DIST });
    console.log(`mimi-kit example client, Bob at b.example: ${url}  (Ctrl+C stops)`);
    process.once('SIGINT', () => void stop().then(() => process.exit(0)));
    return;
  }
  // esbuild's server rebuilds on each request, so edits to src/ show on reload; the page and the style
  // sheet are copied once.
  const ctx = await context(options(DIST));
  const { port: actual } = await ctx.serve({ host: '127.0.0.1', port, servedir: DIST });
  console.log(`mimi-kit example client: http://127.0.0.1:${actual}/  (Ctrl+C stops)`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  cli(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
