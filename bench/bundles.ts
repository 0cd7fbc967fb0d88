/**
 * Bundle sizes (issue 14 "Light bundles"): each entry of scripts/check-bundles.js, bundled for the browser
 * with esbuild (minified) and gzipped, next to its budget, its target and the same entry built from the
 * src/ of BASELINE_COMMIT (the commit before the size work) in the same run, with the same esbuild.
 * Writes bench/results/bundles.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JS script without declarations (shared with `npm run check:bundles`)
import { measureBundles } from '../scripts/check-bundles.js';

/** The last commit before issue 14's size work: the baseline of every figure. */
export const BASELINE_COMMIT = '377f65a';

interface Bundle {
  name: string;
  budget: number;
  target: number;
  minified: number;
  gzip: number;
  packages: Record<string, number>;
}

const root = new URL('..', import.meta.url).pathname;

/** The baseline commit's src/, extracted read-only with `git archive` (no worktree, no git state touched). */
async function baseline(): Promise<Bundle[] | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-bundles-'));
  try {
    const tar = execFileSync('git', ['-C', root, 'archive', BASELINE_COMMIT, 'src'], { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    return (await measureBundles(join(dir, 'src'))) as Bundle[];
  } catch (e) {
    console.warn(`bundles: no baseline (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const now = (await measureBundles()) as Bundle[];
  const before = await baseline();
  const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  const measurements = now.map((b) => {
    const base = before?.find((x) => x.name === b.name);
    return {
      name: b.name,
      gzipBytes: b.gzip,
      minifiedBytes: b.minified,
      budgetBytes: b.budget,
      withinBudget: b.gzip <= b.budget,
      targetBytes: b.target,
      targetMet: b.gzip <= b.target,
      ...(base ? { baseline: { commit: BASELINE_COMMIT, gzipBytes: base.gzip, minifiedBytes: base.minified } } : {}),
      packagesMinifiedBytes: b.packages,
    };
  });
  console.log('\n## bundles (esbuild --minify, browser, gzip -9)');
  for (const m of measurements) {
    const was = m.baseline ? `, was ${kB(m.baseline.gzipBytes)} at ${BASELINE_COMMIT}` : '';
    console.log(`${m.name}: ${kB(m.gzipBytes)} (budget ${kB(m.budgetBytes)}, target ${kB(m.targetBytes)} ${m.targetMet ? 'met' : 'MISSED'}${was})`);
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const result = { suite: 'bundles', date: new Date().toISOString(), node: process.version, esbuild: '0.28.2', measurements };
  writeFileSync(new URL('./results/bundles.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
}
