/**
 * Error codes of the `mimi` command-line tool (`src/cli`) and its demo.
 *
 * @module
 */

/**
 * Every code raised by the `mimi` CLI, with its one-line meaning. Codes are only ever added.
 *
 * @example
 * ```ts
 * import { CLI_ERROR_CODES } from 'mimi-kit';
 * CLI_ERROR_CODES['cli/not-found']; // 'a file or folder named on the command line does not exist'
 * ```
 */
export const CLI_ERROR_CODES = {
  'cli/usage': 'a usage error: unknown command or option, missing or extra argument (exit status 2)',
  'cli/binary-to-terminal': 'binary output with nowhere to go: use --hex or --out',
  'cli/empty-input': 'an input file that is empty or holds no hex digits',
  'cli/hex-without-flag': 'an input that looks like hex text given without --hex',
  'cli/input-too-large': 'an input file larger than the CLI accepts',
  'cli/is-directory': 'a directory where a file was expected',
  'cli/no-examples': 'a draft that holds no CBOR examples (hex dumps or EDN)',
  'cli/no-vectors': 'a folder that holds no vector files (*.json)',
  'cli/not-found': 'a file or folder named on the command line does not exist',
  'cli/not-text': 'an input that is not UTF-8 text where text (JSON, hex, a draft) was expected',
  'cli/unreadable': 'an input file that cannot be read (permissions, I/O error)',
  'cli/unwritable': 'the output cannot be written (a write error other than a closed pipe)',
  'demo/hub-refused': 'the hub refused a commit or message of the demo that the room policy allows',
  'demo/leak': 'the demo saw a removed member decrypt a later message',
  'demo/no-recipient': 'the demo saw a message that nobody received',
  'demo/no-room': 'the demo addressed a client that is not in the room',
  'demo/policy-bypassed': 'the demo saw the room policy let an ordinary user kick a moderator',
} as const satisfies Record<`${'cli' | 'demo'}/${string}`, string>;

/** A code of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = keyof typeof CLI_ERROR_CODES;
