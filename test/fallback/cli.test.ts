import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '../../src/cbor/hex.js';
import { runCli } from '../../src/cli/main.js';
import { expectOneErrorLine, recordingIO } from '../cli/io.js';
import { exampleBytes } from './fixtures.js';

const render = (args: string[], input: Uint8Array) => {
  const io = recordingIO(input);
  return { io, run: runCli(['render', '-', ...args], io) };
};

describe('mimi render', () => {
  it('renders text by default', async () => {
    const t = render([], exampleBytes('reaction'));
    expect(await t.run).toBe(0);
    expect(t.io.out).toEqual(['Reaction: ❤']);
  });

  it('--format html, --locale and --name', async () => {
    const t = render(['--format', 'html', '--locale', 'fr', '--name', 'mimi://example.com/u/bob-jones=Bob'], exampleBytes('delete'));
    expect(await t.run).toBe(0);
    expect(t.io.out).toEqual(['<p>Bob a supprimé un message</p>']);
  });

  it('--name repeats', async () => {
    const t = render(['--name', 'mimi://x/u/y=Y', '--name', 'mimi://example.com/u/bob-jones=Bobby'], exampleBytes('delete'));
    expect(await t.run).toBe(0);
    expect(t.io.out[0]).toMatch(/^Bobby /);
  });

  it('a regional tag uses its language catalog (fr-CA → fr)', async () => {
    const t = render(['--locale', 'fr-CA'], exampleBytes('reaction'));
    expect(await t.run).toBe(0);
    expect(t.io.out).toEqual(['Réaction : ❤']);
  });

  it('--format markdown with --hex input', async () => {
    const t = render(['--hex', '--format=markdown'], new TextEncoder().encode(bytesToHex(exampleBytes('original'))));
    expect(await t.run).toBe(0);
    expect(t.io.out).toEqual(['Hi everyone, we just shipped release 2.0. **Good work**!']);
  });

  it('--format json gives the whole rendering', async () => {
    const t = render(['--format', 'json'], exampleBytes('edit'));
    expect(await t.run).toBe(0);
    const j = JSON.parse(t.io.out[0]!) as { kind: string; fallbackRanges: { text: { start: number; end: number }[] } };
    expect(j.kind).toBe('edit');
    expect(j.fallbackRanges.text[0]).toMatchObject({ start: 0, end: 8 });
  });

  it('an unknown locale is a usage error that lists the supported ones', async () => {
    const t = render(['--locale', 'xx'], exampleBytes('reaction'));
    expect(await t.run).toBe(2);
    expect(t.io.out).toEqual([]);
    // The catalogs of src/fallback/i18n.ts: English, French, German.
    expect(expectOneErrorLine(t.io)).toMatch(/^error cli\/usage: unknown locale "xx"; supported: en, fr, de/);
  });

  it.each([
    [[], /missing <file\|->/],
    [['x', '--format', 'pdf'], /unknown format "pdf"; use text, markdown, html, json/],
    [['x', '--name', 'nonsense'], /--name expects URI=Name/],
    [['x', '--now', 'soon'], /--now expects milliseconds/],
    [['x', '--colour'], /unknown option --colour/],
  ])('bad usage %j exits 2 with one line', async (args, message) => {
    const io = recordingIO();
    expect(await runCli(['render', ...args], io)).toBe(2);
    expect(expectOneErrorLine(io)).toMatch(message);
  });

  it('bad bytes exit 1 with the error code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-render-'));
    writeFileSync(join(dir, 'x.cbor'), new Uint8Array([0xff]));
    const io = recordingIO();
    expect(await runCli(['render', join(dir, 'x.cbor')], io)).toBe(1);
    expect(expectOneErrorLine(io)).toMatch(/^error cbor\//);
  });
});
