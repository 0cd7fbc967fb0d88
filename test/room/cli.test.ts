import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../src/cbor/hex.js';
import { commands } from '../../src/cli/room-commands.js';
import { createRoom, encodeAppDataDictionary } from '../../src/room/index.js';

const A = 'mimi://a.example/u/alice';
const room = createRoom({ preset: 'cooperative', creator: A, roomUri: 'mimi://a.example/r/c' });
const hex = bytesToHex(encodeAppDataDictionary(room));

function io(input: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), readInput: async () => new TextEncoder().encode(input) },
  };
}
const cmd = (name: string) => commands.find((c) => c.name === name)!;

describe('mimi room commands', () => {
  it('room decode', async () => {
    const t = io(hex);
    expect(await cmd('room decode').run(['-', '--hex', '--active', A], t.io)).toBe(0);
    expect(JSON.parse(t.out[0]!).participants).toEqual([{ user: A, role: 4, active: true }]);
  });
  it('room decode reports a MimiError code', async () => {
    const t = io('00');
    expect(await cmd('room decode').run(['-', '--hex'], t.io)).toBe(1);
    expect(t.err[0]).toMatch(/room\/missing-component/);
  });
  it('room preset', async () => {
    const t = io('');
    expect(await cmd('room preset').run(['strict'], t.io)).toBe(0);
    expect(JSON.parse(t.out[0]!)[0].capabilities).toEqual(['canUseJoinCode']);
    expect(await cmd('room preset').run(['nope'], t.io)).toBe(2);
  });
  it('room authorize', async () => {
    const t = io(hex);
    expect(await cmd('room authorize').run(['-', '--hex', '--actor', 'mimi://x/u/y', '--action', '{"type":"message","action":"send"}'], t.io)).toBe(1);
    expect(JSON.parse(t.out[0]!)).toMatchObject({ code: 'room/missing-capability', capability: 'canSendMessage' });
  });
});
