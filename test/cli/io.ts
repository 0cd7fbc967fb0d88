// A recording CliIO for the CLI tests: standard input is given, files are read from disk.
import { readFileSync } from 'node:fs';
import type { CliIO } from '../../src/cli/command.js';

export interface RecordingIO extends CliIO {
  readonly out: string[];
  readonly err: string[];
  readonly bytes: Uint8Array[];
}

/** Records stdout/stderr lines and binary output; "-" reads `stdin`, anything else the file system. */
export function recordingIO(stdin: Uint8Array | string = new Uint8Array()): RecordingIO {
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

/** The one stderr line of a failure: `error <code>: …`, no stack trace. */
export function expectOneErrorLine(io: RecordingIO): string {
  const text = io.err.join('\n');
  if (io.err.length !== 1 || text.includes('\n') || /\n\s+at /.test(text) || !/^error [a-z]+\/[a-z-]+: /.test(text)) {
    throw new Error(`expected one "error <code>: …" line on stderr, got ${JSON.stringify(io.err)}`);
  }
  return text;
}
