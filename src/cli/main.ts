/**
 * `mimi`: the command-line entry point. Finds the command, parses its arguments strictly, runs it and
 * turns every failure into one line on standard error and an exit status ({@link EXIT}).
 *
 * @module
 */
import { createReadStream, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { MimiError } from '../errors.js';
import { EXIT, EXIT_HELP, USAGE_CODE, commandHelp, parseCommandArgs, usage, type CliCommand, type CliIO } from './command.js';
import { COMMAND_MODULES } from './commands.js';
import { MAX_INPUT } from './input.js';

/** Reads a stream whole, refusing more than {@link MAX_INPUT} bytes (standard input may never end). */
async function readAll(stream: Readable, label: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT) {
      stream.destroy();
      throw new MimiError('cli/input-too-large', `${label} is larger than ${MAX_INPUT} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const line = (t: string): string => (t.endsWith('\n') ? t : t + '\n');

/**
 * Node's real I/O. Binary output is refused on a terminal (as gzip does): it would garble the screen.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), nodeIO);
 * ```
 */
export const nodeIO: CliIO = {
  stdout: (t) => void process.stdout.write(line(t)),
  stderr: (t) => void process.stderr.write(line(t)),
  stdoutBytes: (b) => {
    if (process.stdout.isTTY) throw new MimiError('cli/binary-to-terminal', 'not writing binary CBOR to a terminal: pass --hex or --out FILE, or redirect');
    process.stdout.write(b);
  },
  readInput: (p) => (p === '-' ? readAll(process.stdin, 'standard input') : readAll(createReadStream(p), p)),
};

/**
 * Makes output errors of the process quiet: a reader that stops early (`mimi … | head`) closes the pipe,
 * and the process stops with exit status 0, as cat does; any other write error (a full disk) is one
 * line (`cli/unwritable`) and exit status 1, never a stack trace. Called by bin/mimi.js.
 *
 * @example
 * ```ts
 * guardOutput();
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export function guardOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(EXIT.ok);
      const err = new MimiError('cli/unwritable', `cannot write the output (${e.code ?? e.message})`);
      if (stream !== process.stderr) process.stderr.write(`error ${err.code}: ${err.message}\n`);
      process.exit(EXIT.failed);
    });
  }
}

/** The package version, from package.json (two levels up from both src/cli and dist/cli). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}`;
}

async function allCommands(): Promise<CliCommand[]> {
  const all: CliCommand[] = [];
  for (const m of COMMAND_MODULES) all.push(...(await m.load()).commands);
  return all;
}

const signature = (c: CliCommand): string => `${c.name}${c.args ? ` ${c.args}` : ''}`;

function toolHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => signature(c).length));
  return [
    'mimi: MIMI content, fallback rendering, room policy and conformance vectors (mimi-kit)',
    '',
    'usage: mimi <command> [arguments] [options]',
    '       mimi <command> --help    options of one command',
    '       mimi --version',
    '',
    'commands:',
    ...commands.map((c) => `  ${signature(c).padEnd(width)}  ${c.summary}`),
    '',
    EXIT_HELP,
  ].join('\n');
}

const GLOBAL_OPTIONS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } } as const;

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  // Options before the command word belong to the tool: --help, --version.
  const first = argv.findIndex((a) => !a.startsWith('-') || a === '-');
  const globalArgs = first < 0 ? [...argv] : argv.slice(0, first);
  let global;
  try {
    global = parseArgs({ args: globalArgs, options: GLOBAL_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const name = /'([^']+)'/.exec(e instanceof Error ? e.message : '')?.[1];
    throw usage(undefined, name ? `unknown option ${name}` : 'bad option');
  }
  if (global.version) {
    io.stdout(version());
    return EXIT.ok;
  }
  let words = first < 0 ? [] : argv.slice(first);
  let helpFor = global.help === true;
  if (words[0] === 'help') {
    helpFor = true;
    words = words.slice(1);
  }
  if (words.length === 0) {
    if (!helpFor) throw usage(undefined, 'missing command');
    io.stdout(toolHelp(await allCommands()));
    return EXIT.ok;
  }
  const module = COMMAND_MODULES.find((m) => m.words.includes(words[0]!));
  if (!module) throw usage(undefined, `unknown command ${JSON.stringify(words[0])}`);
  const commands = (await module.load()).commands.filter((c) => c.name.split(' ')[0] === words[0]);
  const command = commands.find((c) => c.name.split(' ').every((w, i) => words[i] === w));
  if (!command) {
    // A group such as "room" or "vectors" without (or with an unknown) sub-command.
    const subs = commands.map((c) => c.name.split(' ')[1]).join(', ');
    const sub = words[1];
    if (helpFor || sub === '--help' || sub === '-h') {
      io.stdout(toolHelp(commands));
      return EXIT.ok;
    }
    throw usage(undefined, sub === undefined || sub.startsWith('-') ? `mimi ${words[0]} needs a sub-command: ${subs}` : `unknown command "${words[0]} ${sub}"; ${words[0]} has ${subs}`);
  }
  const parsed = helpFor ? 'help' : parseCommandArgs(command, words.slice(command.name.split(' ').length));
  if (parsed === 'help') {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  return await command.run(parsed, io);
}

/** One line, bounded: multi-line messages (parsers, Node) are joined. */
const oneLine = (t: string): string => {
  const s = t.replace(/\s*\n\s*/g, ' ');
  return s.length > 1000 ? `${s.slice(0, 1000)}…` : s;
};

/**
 * Runs the CLI with the given arguments. Never throws: every failure is one line on `io.stderr` and an
 * exit status (0 ok, 1 bad input or failed check, 2 usage, 3 internal error).
 *
 * @param argv - arguments after the program name
 * @param io - I/O (default: the process's)
 * @returns the exit status
 * @example
 * ```ts
 * await runCli(['id', 'examples/original.cbor']); // prints the message ID, returns 0
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO = nodeIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof MimiError) {
      io.stderr(oneLine(`error ${e.code}: ${e.message}${e.path.length ? ` (at ${e.path.join('.')})` : ''}`));
      return e.code === USAGE_CODE ? EXIT.usage : EXIT.failed;
    }
    io.stderr(oneLine(`error internal: ${e instanceof Error ? e.message : String(e)} (a bug in mimi-kit: please report it)`));
    return EXIT.internal;
  }
}
