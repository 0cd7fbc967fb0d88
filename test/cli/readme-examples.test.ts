// Runs every `npx mimi …` line of README.md through runCli from the repository root (so examples/ paths
// resolve as they do for a user in the package root) and checks each one's output against the vectors.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { REPO_ROOT } from '../support/shared.js';
import { recordingIO } from './io.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const lines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split('\n'))
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter((l) => l.startsWith('npx mimi '));

interface DecodeVector {
  id: string;
  input: { hex: string };
  expected: { messageId?: string; content: { nestedPart: { url?: string; filename?: string } } };
}
const vector = (name: string): DecodeVector =>
  (JSON.parse(readFileSync(join(REPO_ROOT, 'spec-vectors', 'content', `${name}.json`), 'utf8')) as { vectors: DecodeVector[] }).vectors.find(
    (v) => v.id === `${name}/decode`,
  )!;

/** What each README command must print (from spec-vectors, the draft's EDN, the sample's own text). */
const CHECKS: Record<string, (out: string) => void> = {
  'vectors verify': (out) => expect(out.split('\n').at(-1)).toMatch(/^[1-9]\d* passed, 0 failed$/),
  'check-draft': (out) => expect(out.split('\n').at(-1)).toBe('2 examples, 0 mismatches'),
  decode: (out) => {
    const j = JSON.parse(out) as { messageId: string; content: { nestedPart: { text: string } } };
    expect(j.messageId).toBe(vector('reply').expected.messageId);
    expect(j.content.nestedPart.text).toBe("Right on! _Congratulations_ 'all!"); // examples/reply.edn
  },
  id: (out) => expect(out).toBe(vector('original').expected.messageId),
  encode: (out) => expect(out).toBe(vector('original').input.hex),
  render: (out) => {
    const part = vector('attachment').expected.content.nestedPart;
    expect(out).toContain(part.filename!);
    expect(out).toContain(part.url!);
    expect(out).toMatch(/^Pièce jointe/); // French, not English
  },
  'room preset': (out) => {
    const roles = JSON.parse(out) as { capabilities: string[] }[];
    expect(roles.length).toBeGreaterThan(2);
    expect(roles.flatMap((r) => r.capabilities).every((c) => /^can[A-Z]\w+$/.test(c))).toBe(true);
    expect(roles.some((r) => r.capabilities.includes('canSendMessage'))).toBe(true);
  },
};

describe('README CLI examples', () => {
  it('the README has the CLI examples of both blocks', () => expect(lines.length).toBeGreaterThanOrEqual(7));

  it.each(lines)('%s', async (line) => {
    const args = line.slice('npx mimi '.length).split(/\s+/);
    const check = Object.entries(CHECKS).find(([k]) => k.split(' ').every((w, i) => args[i] === w))?.[1];
    expect(check, `no check for "${line}": add one to CHECKS`).toBeDefined();
    const cwd = process.cwd();
    process.chdir(REPO_ROOT);
    try {
      const io = recordingIO();
      const status = await runCli(args, io);
      expect(io.err, line).toEqual([]);
      expect(status, line).toBe(0);
      check!(io.out.join('\n'));
    } finally {
      process.chdir(cwd);
    }
  });
});
