#!/usr/bin/env node
// The size budget (issue 14 "Light bundles"): bundles each measured entry for the browser with esbuild
// (minified, tree-shaken, ES2022), gzips it with node:zlib (level 9) and fails when one is over budget.
// Entries import from src/ (esbuild strips the types), so the figures do not depend on a build.
// `measureBundles(srcDir)` is shared with bench/bundles.ts, which also measures a named older commit.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/**
 * What a browser page would import, with sizes in gzip bytes (1 kB = 1000 bytes): `target` is issue 14's
 * goal, `budget` what CI enforces (the target once it is met; until then the size reached, so that it
 * can only shrink). Each entry is a small module; `@src` stands for the src/ directory measured.
 */
export const ENTRIES = [
  {
    name: 'content: encode + decode + messageId',
    budget: 15_000,
    target: 15_000,
    code: `import { encodeContent, decodeContent, messageId } from '@src/content/index.ts';
export { encodeContent, decodeContent, messageId };`,
  },
  { name: 'content: whole subpath', budget: 25_000, target: 25_000, code: `export * from '@src/content/index.ts';` },
  {
    name: 'fallback: render (text, markdown, html) + Conversation',
    // Met (37.2 kB; 153.8 kB with sanitize-html and markdown-it): marked 15.5 kB, the rest ours. No entity
    // table in browsers (decision D23: the DOM decodes; the `node` entry installs the full table).
    budget: 45_000,
    target: 45_000,
    code: `import { render, Conversation } from '@src/fallback/index.ts';
export { render, Conversation };`,
  },
  {
    name: 'page: content (encode, decode, messageId, builders) + fallback render + Conversation',
    budget: 60_000,
    target: 60_000,
    code: `import { encodeContent, decodeContent, messageId, markdown, reply } from '@src/content/index.ts';
import { render, Conversation } from '@src/fallback/index.ts';
export { encodeContent, decodeContent, messageId, markdown, reply, render, Conversation };`,
  },
  // Target 100 kB (79.5 kB since the browser provider stopped falling back to ts-mls's default provider).
  { name: 'mls: whole subpath', budget: 100_000, target: 100_000, code: `export * from '@src/mls/index.ts';` },
];

/**
 * Bundles every entry against `srcDir` and returns its minified and gzipped sizes in bytes.
 * `nodeModules` is where packages resolve from (an older commit's src/ shares this repo's).
 */
export async function measureBundles(srcDir = resolve(root, 'src'), nodeModules = resolve(root, 'node_modules')) {
  const out = [];
  for (const e of ENTRIES) {
    const r = await build({
      stdin: { contents: e.code, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
      alias: { '@src': srcDir },
      nodePaths: [nodeModules],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // mls loads its node:crypto provider only under Node, through a dynamic import esbuild cannot follow.
      external: ['node:*'],
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    const bytes = r.outputFiles[0].contents;
    const inputs = Object.entries(r.metafile.outputs)[0][1].inputs;
    const packages = {};
    for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
      // The innermost package: nested copies (e.g. dom-serializer/node_modules/entities) count as their own.
      const m = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m ? m[1] : 'mimi-kit';
      packages[key] = (packages[key] ?? 0) + bytesInOutput;
    }
    out.push({ name: e.name, budget: e.budget, target: e.target, minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, packages });
  }
  return out;
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await measureBundles();
  let over = 0;
  for (const r of results) {
    const ok = r.gzip <= r.budget;
    if (!ok) over++;
    const top = Object.entries(r.packages)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([p, n]) => `${p} ${kB(n)}`)
      .join(', ');
    const target = r.gzip <= r.target ? 'target met' : `target ${kB(r.target)} not met`;
    console.log(`${ok ? 'ok  ' : 'OVER'} ${r.name}: ${kB(r.gzip)} gzip (budget ${kB(r.budget)}, ${target}), ${kB(r.minified)} minified [${top}]`);
  }
  if (over > 0) {
    console.error(`check:bundles: ${over} bundle(s) over budget`);
    process.exit(1);
  }
}
