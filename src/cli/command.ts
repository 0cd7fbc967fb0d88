/**
 * The shape of a `mimi` CLI command.
 *
 * @module
 */
import { hexToBytes } from '../cbor/hex.js';

/** Where a command reads and writes; injectable for tests. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Writes raw bytes to standard output (binary output such as `mimi encode`). */
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
  /** Reads a file path, or standard input for "-". */
  readonly readInput: (pathOrDash: string) => Promise<Uint8Array>;
}

/** One `mimi` sub-command. */
export interface CliCommand {
  /** Command word(s), e.g. "decode" or "vectors verify". */
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  readonly run: (args: readonly string[], io: CliIO) => Promise<number>;
}

/**
 * Splits `--flag value` options from positional arguments.
 *
 * @param args - raw arguments
 * @param valued - names of flags that take a value
 * @returns positionals and flags
 */
export function parseArgs(
  args: readonly string[],
  valued: readonly string[] = [],
): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (valued.includes(a.slice(2)) && i + 1 < args.length) flags.set(a.slice(2), args[++i]!);
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

/**
 * Reads a command's input (a file path or "-" for standard input); with `hex`, the input is hex text.
 *
 * @param io - where to read
 * @param path - file path or "-"
 * @param hex - the input is hex text rather than raw bytes
 * @returns the bytes
 * @throws {@link MimiError} `hex/invalid` for bad hex
 */
export async function readBytesInput(io: CliIO, path: string, hex: boolean): Promise<Uint8Array> {
  const raw = await io.readInput(path);
  return hex ? hexToBytes(new TextDecoder().decode(raw)) : raw;
}

/**
 * Prints a usage error and returns exit code 2.
 *
 * @param io - where to write
 * @param usage - the command's usage line
 * @param message - what was wrong
 * @returns 2
 */
export function usageError(io: CliIO, usage: string, message: string): number {
  io.stderr(`${message}\nusage: mimi ${usage}`);
  return 2;
}
