// bin/mimi.js as a real process: a closed pipe (`mimi demo | head -n 1`) ends it quietly, and failures are
// one line on stderr with the documented exit status. The bin imports ../dist/cli/main.js; the test gives
// it a dist/ shim that re-exports the sources, so it runs without a build.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../support/shared.js';

const root = mkdtempSync(join(tmpdir(), 'mimi-bin-'));
mkdirSync(join(root, 'bin'));
mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
copyFileSync(join(REPO_ROOT, 'bin', 'mimi.js'), join(root, 'bin', 'mimi.js'));
writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
writeFileSync(join(root, 'dist', 'cli', 'main.js'), `export * from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src', 'cli', 'main.ts')).href)};\n`);
const BIN = join(root, 'bin', 'mimi.js');

const mimi = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

describe('bin/mimi.js', () => {
  it('exits quietly when the reader closes the pipe (mimi demo | head -n 1)', () => {
    const script = `"${process.execPath}" --import tsx "${BIN}" demo | head -n 1; echo "status \${PIPESTATUS[0]}" >&2`;
    const r = spawnSync('bash', ['-c', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.stdout).toMatch(/^mimi-kit demo: room mimi:\/\/a\.example\/r\/release-team\n$/);
    expect(r.stderr).toBe('status 0\n'); // no EPIPE stack trace
  });

  it('a missing file: one line on stderr, exit status 1', () => {
    const r = mimi(['decode', 'examples/no-such.cbor']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error cli/not-found: examples/no-such.cbor: no such file\n');
  });

  it('an unknown option: one line on stderr, exit status 2', () => {
    const r = mimi(['id', 'examples/original.cbor', '--colour']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error cli/usage: unknown option --colour (see mimi id --help)\n');
  });

  it('hex from standard input and the version', () => {
    const hex = execFileSync('od', ['-An', '-tx1', '-v', join(REPO_ROOT, 'examples', 'original.cbor')], { encoding: 'utf8' });
    const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, 'id', '-', '--hex'], { cwd: REPO_ROOT, input: hex, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^01[0-9a-f]{62}\n$/);
    expect(mimi(['--version']).stdout).toMatch(/^mimi-kit \d+\.\d+\.\d+/);
  });
});
