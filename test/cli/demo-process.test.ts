// `mimi demo` end to end as a child process, as `npm run demo` runs it: exit status 0, every view equal, and no
// `mimi serve` child left behind, whether the demo ends normally or is interrupted (SIGINT) mid-run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared.js';

const ENTRY = join(REPO_ROOT, 'src', 'cli', 'demo-child.ts');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function run(onLine?: (line: string, kill: (s: NodeJS.Signals) => void) => void): Promise<{ code: number | null; out: string; err: string; pids: number[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'demo'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let seen = 0;
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      const lines = out.split('\n').slice(0, -1);
      for (const l of lines.slice(seen)) onLine?.(l, (s) => child.kill(s));
      seen = lines.length;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    child.once('exit', (code) => {
      const pids = [...out.matchAll(/^ {2}[ab]\.example: pid (\d+),/gm)].map((m) => Number(m[1]));
      resolve({ code, out, err, pids });
    });
  });
}

describe('mimi demo as a process', () => {
  it('exits 0 with every view equal and leaves no provider process behind', async () => {
    const r = await run();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^5\. checks: all 6 client views agree/m);
    const commits = r.out.split('\n').filter((l) => /^ {2}commit {2}/.test(l)).length;
    // Bob's two clients leave at the end: the other 4 are at the last epoch.
    expect(r.out).toMatch(new RegExp(`^ {3}(\\d+) entries = \\1 expected; all 4 member clients at epoch ${commits} \\(2 clients left the room\\)$`, 'm'));
    expect(r.pids).toHaveLength(2);
    expect(r.pids.filter(alive)).toEqual([]);
  }, 60_000);

  it('stops its providers when interrupted (SIGINT) mid-run', async () => {
    const r = await run((line, kill) => {
      if (/^2\. messages/.test(line)) kill('SIGINT');
    });
    expect(r.code).toBe(1);
    expect(r.pids).toHaveLength(2);
    expect(r.pids.filter(alive)).toEqual([]);
    expect(r.out).not.toMatch(/^5\. checks/m);
  }, 60_000);
});
