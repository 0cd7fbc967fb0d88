import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../src/cbor/hex.js';
import { runCli } from '../../src/cli/main.js';
import { createRoom, encodeAppDataDictionary } from '../../src/room/index.js';
import { expectOneErrorLine, recordingIO } from '../cli/io.js';

const A = 'mimi://a.example/u/alice';
const room = createRoom({ preset: 'cooperative', creator: A, roomUri: 'mimi://a.example/r/c' });
const hex = bytesToHex(encodeAppDataDictionary(room));

describe('mimi room commands', () => {
  it('room decode', async () => {
    const t = recordingIO(hex);
    expect(await runCli(['room', 'decode', '-', '--hex', '--active', A], t)).toBe(0);
    expect(JSON.parse(t.out[0]!).participants).toEqual([{ user: A, role: 4, active: true }]);
  });

  it('room decode names capabilities as room preset does', async () => {
    const decoded = recordingIO(hex);
    expect(await runCli(['room', 'decode', '-', '--hex'], decoded)).toBe(0);
    const preset = recordingIO();
    expect(await runCli(['room', 'preset', 'cooperative'], preset)).toBe(0);
    const roles = JSON.parse(decoded.out[0]!).roles as { index: number; capabilities: string[] }[];
    const presetRoles = JSON.parse(preset.out[0]!) as { index: number; capabilities: string[] }[];
    expect(roles.map((r) => r.capabilities)).toEqual(presetRoles.map((r) => r.capabilities));
    // draft-ietf-mimi-room-policy capability names, not numbers.
    expect(roles.find((r) => r.index === 4)!.capabilities).toContain('canSendMessage');
  });

  it('room decode reports a MimiError code with exit status 1', async () => {
    const t = recordingIO('00');
    expect(await runCli(['room', 'decode', '-', '--hex'], t)).toBe(1);
    expect(expectOneErrorLine(t)).toMatch(/room\/missing-component/);
  });

  it('room preset', async () => {
    const t = recordingIO();
    expect(await runCli(['room', 'preset', 'strict'], t)).toBe(0);
    expect(JSON.parse(t.out[0]!)[0].capabilities).toEqual(['canUseJoinCode']);
    const bad = recordingIO();
    expect(await runCli(['room', 'preset', 'nope'], bad)).toBe(2);
    expect(expectOneErrorLine(bad)).toMatch(/^error cli\/usage: unknown preset "nope"; known: cooperative, strict, moderated, multi-org, direct/);
  });

  it('room authorize: a refusal names the missing capability, exit status 1', async () => {
    const t = recordingIO(hex);
    const args = ['room', 'authorize', '-', '--hex', '--actor', 'mimi://x/u/y', '--action', '{"type":"message","action":"send"}'];
    expect(await runCli(args, t)).toBe(1);
    expect(JSON.parse(t.out[0]!)).toMatchObject({ code: 'room/missing-capability', capability: 'canSendMessage' });
  });

  it('room authorize: allowed is exit status 0', async () => {
    const t = recordingIO(hex);
    expect(await runCli(['room', 'authorize', '-', '--hex', '--actor', A, '--action', '{"type":"message","action":"send"}'], t)).toBe(0);
    expect(JSON.parse(t.out[0]!)).toEqual({ allowed: true });
  });

  it.each([
    ['{"type":"message","action":"shout"}', /unknown message action "shout"; known: send, receive/],
    ['{"type":"teleport"}', /unknown action type "teleport"; known: message, capability/],
    ['{"type":"capability","capability":"canFly"}', /unknown capability "canFly"/],
    ['{"type":"invite","role":4}', /action invite needs "user" \(string\)/],
    ['{"type":"join","method":"magic"}', /join needs "method"/],
    ['[1]', /must be a JSON object/],
    ['{nope', /--action is not JSON/],
  ])('room authorize: action %s is a usage error (exit status 2), not a refusal', async (action, message) => {
    const t = recordingIO(hex);
    expect(await runCli(['room', 'authorize', '-', '--hex', '--actor', A, '--action', action], t)).toBe(2);
    expect(t.out).toEqual([]);
    expect(expectOneErrorLine(t)).toMatch(message);
  });

  it('room authorize without --actor or --action is a usage error', async () => {
    const t = recordingIO(hex);
    expect(await runCli(['room', 'authorize', '-', '--hex', '--action', '{"type":"leave"}'], t)).toBe(2);
    expect(expectOneErrorLine(t)).toMatch(/missing --actor/);
  });
});
