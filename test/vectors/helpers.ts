import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from '../../src/cli/command.js';

/** The shared specs (drafts and their example files). */
export const SPECS = join(import.meta.dirname, '..', '..', '..', 'shared', 'specs');
export const EXAMPLES = join(SPECS, 'mimi-content', 'examples');
export const CONTENT_DRAFT = join(SPECS, 'mimi-content', 'draft-ietf-mimi-content.md');
export const STATUS_DRAFT = join(SPECS, 'message-status', 'draft-mahy-mimi-message-status.md');
export const VECTORS = join(import.meta.dirname, '..', '..', 'spec-vectors');

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
