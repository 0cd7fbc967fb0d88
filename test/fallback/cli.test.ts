import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../src/cbor/hex.js';
import type { CliIO } from '../../src/cli/command.js';
import { commands } from '../../src/cli/fallback-commands.js';
import { exampleBytes } from './fixtures.js';

function io(input: Uint8Array): { io: CliIO; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readInput: async () => input }, out, err };
}
const cmd = commands.find((c) => c.name === 'render')!;

describe('mimi render', () => {
  it('renders text by default', async () => {
    const t = io(exampleBytes('reaction'));
    expect(await cmd.run(['reaction.cbor'], t.io)).toBe(0);
    expect(t.out).toEqual(['Reaction: ❤']);
  });

  it('--format html, --locale and --name', async () => {
    const t = io(exampleBytes('delete'));
    expect(await cmd.run(['x', '--format', 'html', '--locale', 'fr', '--name', 'mimi://example.com/u/bob-jones=Bob'], t.io)).toBe(0);
    expect(t.out).toEqual(['<p>Bob a supprimé un message</p>']);
  });

  it('--format markdown with --hex input', async () => {
    const t = io(new TextEncoder().encode(bytesToHex(exampleBytes('original'))));
    expect(await cmd.run(['-', '--hex', '--format=markdown'], t.io)).toBe(0);
    expect(t.out).toEqual(['Hi everyone, we just shipped release 2.0. **Good work**!']);
  });

  it('--format json gives the whole rendering', async () => {
    const t = io(exampleBytes('edit'));
    expect(await cmd.run(['x', '--format', 'json'], t.io)).toBe(0);
    const j = JSON.parse(t.out[0]!) as { kind: string; fallbackRanges: { text: { start: number; end: number }[] } };
    expect(j.kind).toBe('edit');
    expect(j.fallbackRanges.text[0]).toMatchObject({ start: 0, end: 8 });
  });

  it('bad usage exits 2', async () => {
    const t = io(new Uint8Array());
    expect(await cmd.run([], t.io)).toBe(2);
    expect(await cmd.run(['x', '--format', 'pdf'], t.io)).toBe(2);
    expect(await cmd.run(['x', '--name', 'nonsense'], t.io)).toBe(2);
  });

  it('bad bytes throw a MimiError (mapped to exit 2 by the CLI)', async () => {
    const t = io(new Uint8Array([0xff]));
    await expect(cmd.run(['x'], t.io)).rejects.toMatchObject({ name: 'MimiError' });
  });
});
