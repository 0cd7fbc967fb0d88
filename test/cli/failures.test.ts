// Every failure class of the CLI: one line on stderr, `error <code>: …`, no stack trace, and the documented
// exit status (1 = the input is bad, 2 = usage).
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { REPO_ROOT } from '../support/shared.js';
import { expectOneErrorLine, recordingIO } from './io.js';

const dir = mkdtempSync(join(tmpdir(), 'mimi-cli-failures-'));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const ORIGINAL = join(REPO_ROOT, 'examples', 'original.cbor');
// The bytes of examples/original.cbor as hex text (spec-vectors/content/original.json input.hex, first bytes).
const ORIGINAL_HEX_PREFIX = '87505eed9406c2545547ab6f09f20a18b003';

async function fails(args: string[], status: number, pattern: RegExp, stdin?: string | Uint8Array): Promise<void> {
  const io = recordingIO(stdin);
  expect(await runCli(args, io)).toBe(status);
  expect(io.out).toEqual([]);
  expect(expectOneErrorLine(io)).toMatch(pattern);
}

describe('bad input: exit status 1, one line naming the file', () => {
  const missing = join(dir, 'nope.cbor');
  it.each([
    ['decode', [missing]],
    ['id', [missing]],
    ['render', [missing]],
    ['encode', [join(dir, 'nope.json')]],
    ['check-draft', [join(dir, 'nope.md')]],
    ['room decode', [missing]],
  ])('%s of a missing file', async (cmd, rest) => {
    await fails([...cmd.split(' '), ...rest], 1, new RegExp(`^error cli/not-found: ${rest[0]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: no such file$`));
  });

  it.each(['decode', 'encode', 'render', 'check-draft'])('%s of a directory', async (cmd) => {
    await fails([cmd, dir], 1, /^error cli\/is-directory: .* is a directory, not a file$/);
  });

  it.each(['decode', 'id', 'encode', 'render', 'check-draft'])('%s of an empty file', async (cmd) => {
    await fails([cmd, file('empty', '')], 1, /^error cli\/empty-input: .*empty is empty$/);
  });

  it('empty standard input', async () => {
    await fails(['decode', '-'], 1, /^error cli\/empty-input: standard input is empty$/, '');
  });

  it('--hex input with no hex digits', async () => {
    await fails(['decode', file('blank.hex', ' \n'), '--hex'], 1, /^error cli\/empty-input: .* holds no hex digits$/);
  });

  it.each(['decode', 'id', 'render'])('%s of hex text given without --hex says so', async (cmd) => {
    const p = file('original.hex', `${ORIGINAL_HEX_PREFIX}\n`);
    await fails([cmd, p], 1, /^error cli\/hex-without-flag: .*original\.hex looks like hex text, not binary CBOR: pass --hex$/);
  });

  it('room decode of hex text given without --hex says so', async () => {
    await fails(['room', 'decode', '-'], 1, /^error cli\/hex-without-flag: standard input looks like hex text/, '0001ff');
  });

  it('bad hex with --hex names the input', async () => {
    await fails(['decode', '-', '--hex'], 1, /^error hex\/invalid: standard input \(--hex\): /, 'zz');
  });

  it('binary garbage to decode is a CBOR error, not hex or a crash', async () => {
    await fails(['decode', file('garbage.bin', new Uint8Array([0xff, 0x00, 0x13, 0x37]))], 1, /^error cbor\//);
  });

  it('binary garbage where text is expected (encode, check-draft)', async () => {
    const p = file('garbage2.bin', new Uint8Array([0x87, 0xff, 0xfe, 0x00]));
    await fails(['encode', p], 1, /^error cli\/not-text: .* is not UTF-8 text \(binary data\?\); expected JSON$/);
    await fails(['check-draft', p], 1, /^error cli\/not-text: .*expected a markdown draft$/);
  });

  it('a .cbor file given to encode is reported as not text', async () => {
    await fails(['encode', ORIGINAL], 1, /^error cli\/not-text: /);
  });

  it('bad JSON names the file and the position', async () => {
    await fails(['encode', file('bad.json', '{"salt": ')], 1, /^error json\/syntax: .*bad\.json: not JSON \(.+\)$/);
  });

  it('JSON that is not a message gives the mapping error', async () => {
    await fails(['encode', file('array.json', '[1, 2]')], 1, /^error json\/bad-structure: /);
  });

  it('a draft without examples fails', async () => {
    await fails(['check-draft', file('plain.md', '# Nothing here\n\nJust prose.\n')], 1, /^error cli\/no-examples: .*plain\.md holds no CBOR examples/);
  });

  it('a folder without vector files fails', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mimi-novectors-'));
    await fails(['vectors', 'verify', empty], 1, /^error cli\/no-vectors: /);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file (skipped as root: root reads every file)', async () => {
    const p = file('secret.cbor', new Uint8Array([0x80]));
    chmodSync(p, 0o000);
    await fails(['decode', p], 1, /^error cli\/unreadable: .*permission denied$/);
  });

  it('binary output with no binary stream is refused, not written as text', async () => {
    const { stdoutBytes: _, ...io } = recordingIO();
    expect(await runCli(['encode', join(REPO_ROOT, 'examples', 'message.json')], io)).toBe(1);
    expect(io.err).toEqual(['error cli/binary-to-terminal: no binary output available here: use --hex or --out']);
  });
});

describe('usage: exit status 2, one line naming what was wrong', () => {
  it.each([
    [[], /^error cli\/usage: missing command \(see mimi --help\)$/],
    [['frobnicate'], /^error cli\/usage: unknown command "frobnicate" \(see mimi --help\)$/],
    [['--frobnicate'], /^error cli\/usage: unknown option --frobnicate \(see mimi --help\)$/],
    [['decode', 'x', '--frobnicate'], /^error cli\/usage: unknown option --frobnicate \(see mimi decode --help\)$/],
    [['decode', 'x', '-z'], /^error cli\/usage: unknown option -z \(see mimi decode --help\)$/],
    [['decode', 'x', 'y'], /^error cli\/usage: unexpected argument "y" \(see mimi decode --help\)$/],
    [['decode', 'x', '--sender'], /^error cli\/usage: option --sender <value> argument missing \(see mimi decode --help\)$/],
    [['decode', 'x', '--hex=yes'], /^error cli\/usage: option --hex does not take an argument/],
    [['id'], /^error cli\/usage: missing <file\|-> \(see mimi id --help\)$/],
    [['room'], /^error cli\/usage: mimi room needs a sub-command: decode, preset, authorize/],
    [['room', 'paint'], /^error cli\/usage: unknown command "room paint"; room has decode, preset, authorize/],
    [['vectors'], /^error cli\/usage: mimi vectors needs a sub-command: verify/],
    [['demo', 'now'], /^error cli\/usage: unexpected argument "now" \(see mimi demo --help\)$/],
  ])('mimi %j', async (args, pattern) => {
    await fails(args, 2, pattern);
  });
});
