#!/usr/bin/env node
// Packs the library as npm would publish it, then checks the tarball:
// publint (strict), attw (ESM-only profile), and that the packed `mimi` CLI and subpaths work
// when installed into an empty project elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'mimi-kit-pack-'));
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  const [{ filename }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work]));
  const tarball = join(work, filename);
  console.log(`packed ${filename}`);
  process.stdout.write(run('npx', ['publint', '--strict', tarball]));
  process.stdout.write(run('npx', ['attw', '--pack', root, '--profile', 'esm-only', '--format', 'table-flipped']));

  const consumer = join(work, 'consumer');
  run('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], consumer);
  const help = execFileSync('npx', ['mimi', '--help'], { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  void help;
  const probe = `
    const subpaths = ['mimi-kit', 'mimi-kit/content', 'mimi-kit/fallback', 'mimi-kit/room', 'mimi-kit/mls', 'mimi-kit/vectors', 'mimi-kit/cbor'];
    for (const s of subpaths) { const m = await import(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }
    console.log('subpaths ok: ' + subpaths.join(', '));`;
  writeFileSync(join(consumer, 'probe.mjs'), probe);
  process.stdout.write(run('node', ['probe.mjs'], consumer));
  const ver = run('npx', ['mimi', 'vectors', 'verify', join(consumer, 'node_modules/mimi-kit/spec-vectors')], consumer);
  console.log(`installed tarball: npx mimi vectors verify -> ${ver.trim().split('\n').pop()}`);
  console.log('packaging checks passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}
