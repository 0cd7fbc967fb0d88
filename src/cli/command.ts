/**
 * The shape of a `mimi` CLI command, its argument parsing (`node:util` `parseArgs`, strict) and the
 * exit statuses every command shares.
 *
 * @module
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { MimiError } from '../errors.js';

/**
 * Exit statuses of `mimi` (documented in `mimi --help` and the README).
 *
 * @example
 * ```ts
 * process.exitCode = report.failed > 0 ? EXIT.failed : EXIT.ok;
 * ```
 */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The input is bad (unreadable, not MIMI, …) or a check failed (a vector, a draft example, a refusal). */
  failed: 1,
  /** Usage: an unknown command or option, a missing or extra argument, a bad option value. */
  usage: 2,
  /** A bug in mimi-kit (an error that is not a MimiError). */
  internal: 3,
} as const;

/** One of {@link EXIT}'s values. */
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/**
 * The error code of every usage error (exit status 2).
 *
 * @example
 * ```ts
 * if (e.code === USAGE_CODE) return EXIT.usage;
 * ```
 */
export const USAGE_CODE = 'cli/usage';

/** Where a command reads and writes; injectable for tests. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Writes raw bytes to standard output (binary output such as `mimi encode`). */
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
  /** Reads a file path, or standard input for "-". */
  readonly readInput: (pathOrDash: string) => Promise<Uint8Array>;
}

/** One option of a command, for `parseArgs` and for `--help`. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The option may repeat (values collected in order). */
  readonly multiple?: boolean;
  /** Placeholder of the value in help, e.g. "URI". */
  readonly value?: string;
  readonly description: string;
}

/** Parsed arguments of a command. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

/** One `mimi` sub-command. */
export interface CliCommand {
  /** Command word(s), e.g. "decode" or "vectors verify". */
  readonly name: string;
  /** Positional arguments as shown in the usage line, e.g. "<file|->". */
  readonly args: string;
  /** Number of positional arguments accepted. */
  readonly positionals: { readonly min: number; readonly max: number };
  readonly summary: string;
  readonly options: Readonly<Record<string, CliOption>>;
  /** Lines printed after the options by `--help` (examples, notes). */
  readonly notes?: readonly string[];
  /** Runs with the parsed arguments; returns the exit status. */
  readonly run: (args: ParsedArgs, io: CliIO) => Promise<number>;
}

/**
 * A usage error (exit status 2): code `cli/usage`.
 *
 * @param command - the command, for the pointer to its help (undefined: the tool)
 * @param message - what was wrong, one line
 * @returns the error, to throw
 * @example
 * ```ts
 * throw usage(decode, 'missing input file');
 * ```
 */
export function usage(command: Pick<CliCommand, 'name'> | undefined, message: string): MimiError {
  const where = command ? `mimi ${command.name}` : 'mimi';
  return new MimiError(USAGE_CODE, `${message} (see ${where} --help)`);
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's arguments strictly: an unknown option, a missing option value or a wrong number
 * of positional arguments is a usage error.
 *
 * @param command - the command (its options and positional counts)
 * @param args - the arguments after the command words
 * @returns the parsed arguments, or `"help"` when `--help`/`-h` was given
 * @throws {@link MimiError} `cli/usage`
 * @example
 * ```ts
 * parseCommandArgs(decode, ['x.cbor', '--hex']); // { positionals: ['x.cbor'], values: { hex: true } }
 * ```
 */
export function parseCommandArgs(command: CliCommand, args: readonly string[]): ParsedArgs | 'help' {
  let parsed: ParsedArgs;
  try {
    const r = nodeParseArgs({ args: [...args], options: { ...command.options, ...HELP_OPTION }, strict: true, allowPositionals: true });
    parsed = { positionals: r.positionals, values: r.values };
  } catch (e) {
    throw usage(command, parseArgsMessage(e));
  }
  if (parsed.values['help'] === true) return 'help';
  const n = parsed.positionals.length;
  if (n < command.positionals.min) throw usage(command, `missing ${command.args.split(' ')[n] ?? 'argument'}`);
  if (n > command.positionals.max) throw usage(command, `unexpected argument ${JSON.stringify(parsed.positionals[command.positionals.max])}`);
  return parsed;
}

/** `parseArgs` errors span several lines; keep the first clause, in our words. */
function parseArgsMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string } | null)?.code;
  const name = /'([^']+)'/.exec(m)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && name) return `unknown option ${name}`;
  return (m.split('\n')[0] ?? m).replace(/^Option '([^']+)'/, 'option $1');
}

/**
 * The help text of a command.
 *
 * @param command - the command
 * @returns lines for standard output
 * @example
 * ```ts
 * io.stdout(commandHelp(decode));
 * ```
 */
export function commandHelp(command: CliCommand): string {
  const lines = [`usage: mimi ${command.name}${command.args ? ` ${command.args}` : ''} [options]`, '', command.summary, '', 'options:'];
  const opts = Object.entries({ ...command.options, help: { type: 'boolean', short: 'h', description: 'show this help' } as CliOption });
  const left = opts.map(([k, o]) => `${o.short ? `-${o.short}, ` : ''}--${k}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`);
  const width = Math.max(...left.map((l) => l.length));
  opts.forEach(([, o], i) => lines.push(`  ${left[i]!.padEnd(width)}  ${o.description}${o.multiple ? ' (may repeat)' : ''}`));
  if (command.notes) lines.push('', ...command.notes);
  lines.push('', EXIT_HELP);
  return lines.join('\n');
}

/**
 * The exit statuses, as printed by every help text.
 *
 * @example
 * ```ts
 * io.stdout(EXIT_HELP);
 * ```
 */
export const EXIT_HELP = [
  'exit status:',
  '  0  ok',
  '  1  the input is bad (missing, empty, not MIMI, hex without --hex, ...) or a check failed',
  '  2  usage: unknown command or option, missing or extra argument, bad option value',
  '  3  internal error (a bug in mimi-kit: please report it)',
  'every failure is one line on standard error: error <code>: <message>',
].join('\n');

/**
 * A string option's value (undefined when absent).
 *
 * @param args - parsed arguments
 * @param name - option name
 * @returns the value
 * @example
 * ```ts
 * const sender = stringOption(args, 'sender');
 * ```
 */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A repeatable string option's values (empty when absent).
 *
 * @param args - parsed arguments
 * @param name - option name
 * @returns the values in order
 * @example
 * ```ts
 * for (const n of listOption(args, 'name')) console.log(n);
 * ```
 */
export function listOption(args: ParsedArgs, name: string): readonly string[] {
  const v = args.values[name];
  return Array.isArray(v) ? (v as readonly string[]) : typeof v === 'string' ? [v] : [];
}

/**
 * Whether a boolean option was given.
 *
 * @param args - parsed arguments
 * @param name - option name
 * @returns true when present
 * @example
 * ```ts
 * const hex = flag(args, 'hex');
 * ```
 */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
