/**
 * `mimi`: the command-line entry point.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { MimiError } from '../errors.js';
import type { CliCommand, CliIO } from './command.js';
import { COMMAND_MODULES } from './commands.js';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Node's real I/O. */
export const nodeIO: CliIO = {
  stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  stdoutBytes: (b) => process.stdout.write(b),
  readInput: async (p) => (p === '-' ? readStdin() : new Uint8Array(await readFile(p))),
};

async function loadCommands(first: string | undefined): Promise<CliCommand[]> {
  const all: CliCommand[] = [];
  const wanted = COMMAND_MODULES.filter((m) => first !== undefined && m.words.includes(first));
  for (const m of wanted.length > 0 ? wanted : COMMAND_MODULES) all.push(...(await m.load()).commands);
  return all;
}

function help(commands: readonly CliCommand[]): string {
  const lines = ['usage: mimi <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  mimi ${c.usage}`, `      ${c.summary}`);
  return lines.join('\n');
}

/**
 * Runs the CLI with the given arguments.
 *
 * @param argv - arguments after the program name
 * @param io - I/O (default: the process's)
 * @returns the exit code: 0 success, 1 a check failed, 2 bad usage or input
 * @example
 * ```ts
 * await runCli(['id', 'message.cbor']);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO = nodeIO): Promise<number> {
  const commands = await loadCommands(argv[0]);
  // Longest match first so "vectors verify" wins over a hypothetical "vectors".
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  const command = sorted.find((c) => {
    const words = c.name.split(' ');
    return words.every((w, i) => argv[i] === w);
  });
  if (!command || argv.includes('--help') && argv.length === 1) {
    io.stderr(help(commands));
    return argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' ? 0 : 2;
  }
  try {
    return await command.run(argv.slice(command.name.split(' ').length), io);
  } catch (e) {
    if (e instanceof MimiError) {
      io.stderr(`error ${e.code}: ${e.message}${e.path.length ? ` (at ${e.path.join('.')})` : ''}`);
      return 2;
    }
    throw e;
  }
}
