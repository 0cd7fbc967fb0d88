/**
 * `mimi-kit/mls` bundles per platform (issue 14, "Light bundles": the crypto provider is the caller's
 * choice and a Node bundle keeps the fast node:crypto path; decision "Browser" B2). `mimi-kit/...` is
 * resolved through package.json "exports" with esbuild's conditions for the platform, mapped from dist/
 * to src/ so that no build is needed. No browser is needed either: these run everywhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared.js';

type Exports = Record<string, string | Record<string, string>>;
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Exports; sideEffects: unknown };

/** Node's PACKAGE_EXPORTS_RESOLVE for one level of conditions: the first key in the object's order that applies. */
function target(subpath: string, conditions: readonly string[]): string {
  const e = pkg.exports[subpath];
  if (typeof e === 'string') return e;
  if (e === undefined) throw new Error(`no export ${subpath}`);
  const key = Object.keys(e).find((k) => k !== 'types' && conditions.includes(k));
  if (key === undefined) throw new Error(`${subpath}: no condition of ${conditions.join(', ')}`);
  return e[key]!;
}

/** Resolves `mimi-kit[/...]` as a consumer's bundler would, then dist/x.js → src/x.ts. */
function selfPackage(conditions: readonly string[]): Plugin {
  return {
    name: 'mimi-kit-exports',
    setup(b) {
      b.onResolve({ filter: /^mimi-kit(\/.*)?$/ }, (args) => {
        const sub = args.path === 'mimi-kit' ? '.' : `.${args.path.slice('mimi-kit'.length)}`;
        const dist = target(sub, conditions);
        return { path: join(REPO_ROOT, dist.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')) };
      });
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mimi-bundles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENTRY = `import { createClientIdentity, defaultMimiCryptoProvider, browserCryptoProvider } from 'mimi-kit/mls';
const p = await defaultMimiCryptoProvider();
const id = await createClientIdentity({ userUri: 'mimi://a.example/u/alice', clientUri: 'mimi://a.example/d/alice/1' });
console.log(JSON.stringify({ browser: p === browserCryptoProvider, keyLength: id.signaturePublicKey.length }));`;

async function bundleFor(platform: 'node' | 'browser', conditions: readonly string[], name: string) {
  const outfile = join(dir, `${name}.mjs`);
  const r = await build({
    stdin: { contents: ENTRY, resolveDir: REPO_ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    outfile,
    metafile: true,
    logLevel: 'silent',
    plugins: [selfPackage(conditions)],
    // ts-mls and noble are CommonJS-free ESM; a Node bundle of CJS deps would need `require`.
    banner: platform === 'node' ? { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } : {},
  });
  const imports = Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  const inputs = Object.keys(r.metafile.inputs);
  return { outfile, imports, inputs };
}

/** Runs a Node bundle from a folder outside the repository (nothing to fall back on but the bundle). */
function run(outfile: string): { browser: boolean; keyLength: number } {
  return JSON.parse(execFileSync(process.execPath, [outfile], { cwd: dir, encoding: 'utf8' })) as { browser: boolean; keyLength: number };
}

describe('mimi-kit/mls bundles per platform', () => {
  it('package.json: "node" condition before "default" for ./mls, and its entry kept by sideEffects', () => {
    expect(target('./mls', ['node', 'import', 'default'])).toBe('./dist/mls/index.node.js');
    expect(target('./mls', ['browser', 'import', 'default'])).toBe('./dist/mls/index.js');
    expect(pkg.sideEffects).toEqual(expect.arrayContaining(['./dist/mls/index.node.js']));
  });

  it('a browser bundle has no node: import and never includes the node:crypto provider', async () => {
    const b = await bundleFor('browser', ['browser', 'import', 'default'], 'browser');
    expect(b.imports.filter((p) => p.startsWith('node:'))).toEqual([]);
    expect(b.inputs.filter((p) => p.endsWith('src/mls/crypto/node.ts'))).toEqual([]);
    expect(readFileSync(b.outfile, 'utf8')).not.toMatch(/["']node:crypto["']/);
  });

  it('a Node bundle imports node:crypto and uses that provider by default, with no file beside it', async () => {
    const b = await bundleFor('node', ['node', 'import', 'default'], 'node');
    expect(b.imports).toContain('node:crypto');
    expect(run(b.outfile)).toEqual({ browser: false, keyLength: 32 });
  });

  it('without the "node" condition a Node bundle loses the fast path (why the condition exists)', async () => {
    const b = await bundleFor('node', ['import', 'default'], 'portable');
    expect(b.imports).not.toContain('node:crypto');
    expect(run(b.outfile)).toEqual({ browser: true, keyLength: 32 });
  });
});

describe('mimi-kit/fallback bundles per platform (decision D23)', () => {
  const inputsOf = async (entry: string, platform: 'node' | 'browser') => {
    const r = await build({ entryPoints: [join(REPO_ROOT, entry)], bundle: true, format: 'esm', platform, target: 'es2022', write: false, metafile: true, logLevel: 'silent' });
    return { inputs: Object.keys(r.metafile.inputs), imports: Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)) };
  };

  it('the portable entry has no entity table, no sanitize-html, no markdown-it and no node: import', async () => {
    const b = await inputsOf('src/fallback/index.ts', 'browser');
    for (const pkgName of ['entities', 'sanitize-html', 'htmlparser2', 'postcss', 'markdown-it']) expect(b.inputs.filter((p) => p.includes(`node_modules/${pkgName}/`)), pkgName).toEqual([]);
    expect(b.inputs.some((p) => p.includes('node_modules/marked/'))).toBe(true);
    expect(b.imports.filter((p) => p.startsWith('node:'))).toEqual([]);
  });

  it('the node entry adds the full WHATWG table (entities/decode) and still no node: import', async () => {
    const b = await inputsOf('src/fallback/index.node.ts', 'node');
    expect(b.inputs.some((p) => /node_modules\/entities\/dist\/.*decode/.test(p))).toBe(true);
    expect(b.inputs.filter((p) => p.includes('node_modules/sanitize-html/') || p.includes('node_modules/markdown-it/'))).toEqual([]);
    expect(b.imports.filter((p) => p.startsWith('node:'))).toEqual([]);
  });
});
