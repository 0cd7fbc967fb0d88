import { readFileSync } from 'node:fs';
import type { CliIO } from '../../src/cli/command.js';
import { VECTORS_DIR } from '../support/examples.js';

// The drafts and their example files are reference material outside the repository: tests that need them
// ask test/support/shared.ts (sharedPath) and skip, saying so, when they are missing.
export const VECTORS = VECTORS_DIR;

/** A CliIO that records output and reads real files ("-" reads `stdin`). */
export function fakeIO(stdin: Uint8Array | string = new Uint8Array()): CliIO & { out: string[]; err: string[]; bytes: Uint8Array[]; stdoutBytes: (b: Uint8Array) => void } {
  const out: string[] = [];
  const err: string[] = [];
  const bytes: Uint8Array[] = [];
  return {
    out,
    err,
    bytes,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutBytes: (b) => bytes.push(b),
    readInput: async (p) => (p === '-' ? (typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin) : new Uint8Array(readFileSync(p))),
  };
}
