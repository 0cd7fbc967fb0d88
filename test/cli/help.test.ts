// --help / -h for the tool and each command (stdout, exit 0), --version from package.json.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { REPO_ROOT } from '../support/shared.js';
import { recordingIO } from './io.js';

const COMMANDS = ['decode', 'id', 'encode', 'vectors verify', 'check-draft', 'render', 'room decode', 'room preset', 'room authorize', 'demo', 'serve'];
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

async function ok(args: string[]): Promise<string> {
  const io = recordingIO();
  expect(await runCli(args, io)).toBe(0);
  expect(io.err).toEqual([]);
  return io.out.join('\n');
}

describe('mimi --help', () => {
  it.each([['--help'], ['-h'], ['help']])('%s lists every command and the exit statuses on stdout', async (flag) => {
    const text = await ok([flag]);
    for (const c of COMMANDS) expect(text).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(text).toMatch(/^exit status:\n {2}0 {2}ok\n {2}1 {2}the input is bad .* or a check failed\n {2}2 {2}usage: /m);
  });

  it.each(COMMANDS)('mimi %s --help and -h print its usage and options', async (c) => {
    const text = await ok([...c.split(' '), '--help']);
    expect(text.split('\n')[0]).toMatch(new RegExp(`^usage: mimi ${c}\\b`));
    expect(text).toMatch(/^ {2}-h, --help +show this help$/m);
    expect(text).toMatch(/^exit status:$/m);
    expect(await ok([...c.split(' '), '-h'])).toBe(text);
    expect(await ok(['help', ...c.split(' ')])).toBe(text);
  });

  it('--help wins over missing arguments', async () => {
    expect(await ok(['decode', '--help'])).toMatch(/^usage: mimi decode <file\|->/);
  });

  it('each option of a command is in its help', async () => {
    const text = await ok(['render', '--help']);
    for (const o of ['--format', '--locale', '--hex', '--name', '--types', '--now']) expect(text).toContain(o);
    expect(text).toMatch(/--locale TAG +language of the fallback texts: en, fr, de/);
  });

  it('a group lists its sub-commands', async () => {
    const text = await ok(['room', '--help']);
    expect(text).toMatch(/^ {2}room decode /m);
    expect(text).not.toMatch(/^ {2}decode /m);
  });
});

describe('mimi --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package.json version', async (flag) => {
    expect(await ok([flag])).toBe(`${pkg.name} ${pkg.version}`);
  });
});
