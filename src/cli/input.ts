/**
 * Reading a command's input: files or standard input, turned into bytes, hex or text, with every way
 * it can go wrong reported as one `MimiError` (exit status 1) naming the file.
 *
 * @module
 */
import { hexToBytes } from '../cbor/hex.js';
import { MimiError, type MimiErrorCode } from '../errors.js';
import type { CliIO } from './command.js';

/**
 * Largest input read (files and standard input); the CBOR decoder's own limit is 16 MiB.
 *
 * @example
 * ```ts
 * if (size > MAX_INPUT) throw new MimiError('cli/input-too-large', 'too large');
 * ```
 */
export const MAX_INPUT = 64 * 1024 * 1024;

const label = (path: string): string => (path === '-' ? 'standard input' : path);

const FS_ERRORS: Readonly<Record<string, [code: MimiErrorCode, what: string]>> = {
  ENOENT: ['cli/not-found', 'no such file'],
  ENOTDIR: ['cli/not-found', 'no such file'],
  EISDIR: ['cli/is-directory', 'is a directory, not a file'],
  EACCES: ['cli/unreadable', 'permission denied'],
  EPERM: ['cli/unreadable', 'permission denied'],
};

/**
 * Reads a file (or "-" for standard input), mapping file-system errors and empty input to a MimiError.
 *
 * @param io - where to read
 * @param path - file path or "-"
 * @returns the bytes (never empty)
 * @throws {@link MimiError} `cli/not-found`, `cli/is-directory`, `cli/unreadable`, `cli/empty-input`, `cli/input-too-large`
 * @example
 * ```ts
 * const bytes = await readInput(nodeIO, 'examples/original.cbor');
 * ```
 */
export async function readInput(io: CliIO, path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await io.readInput(path);
  } catch (e) {
    if (e instanceof MimiError) throw e;
    const errno = (e as { code?: unknown } | null)?.code;
    const known = typeof errno === 'string' ? FS_ERRORS[errno] : undefined;
    if (known) throw new MimiError(known[0], `${label(path)}: ${known[1]}`, { cause: e });
    throw new MimiError('cli/unreadable', `${label(path)}: cannot read (${typeof errno === 'string' ? errno : 'error'})`, { cause: e });
  }
  if (bytes.length === 0) throw new MimiError('cli/empty-input', `${label(path)} is empty`);
  if (bytes.length > MAX_INPUT) throw new MimiError('cli/input-too-large', `${label(path)} is larger than ${MAX_INPUT} bytes`);
  return bytes;
}

/**
 * Reads an input as UTF-8 text (JSON, markdown).
 *
 * @param io - where to read
 * @param path - file path or "-"
 * @param what - what the text should be, for the message ("JSON", "a markdown draft")
 * @returns the text
 * @throws {@link MimiError} as {@link readInput}, and `cli/not-text` for bytes that are not UTF-8
 * @example
 * ```ts
 * const json = JSON.parse(await readText(nodeIO, 'examples/message.json', 'JSON'));
 * ```
 */
export async function readText(io: CliIO, path: string, what: string): Promise<string> {
  const bytes = await readInput(io, path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new MimiError('cli/not-text', `${label(path)} is not UTF-8 text (binary data?); expected ${what}`, { cause: e });
  }
}

/** Only hex digits and white space: what a hex dump without `--hex` looks like. */
function looksLikeHex(bytes: Uint8Array): boolean {
  let digits = 0;
  for (const b of bytes) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)) digits++;
    else if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return digits >= 2 && digits % 2 === 0;
}

/**
 * Reads binary input and decodes it with `decode`. With `hex`, the input is hex text (white space
 * ignored). Without it, input that fails to decode and consists only of hex digits is reported as
 * hex given without `--hex`, rather than as the decoder's complaint about the first ASCII byte.
 *
 * @param io - where to read
 * @param path - file path or "-"
 * @param hex - the input is hex text
 * @param decode - the decoder (throws MimiError on bad bytes)
 * @returns what `decode` returns, and the bytes decoded
 * @throws {@link MimiError} as {@link readInput}; `hex/invalid`; `cli/hex-without-flag`; the decoder's errors
 * @example
 * ```ts
 * const { value } = await decodeInput(nodeIO, 'x.hex', true, (b) => decodeContent(b));
 * ```
 */
export async function decodeInput<T>(io: CliIO, path: string, hex: boolean, decode: (bytes: Uint8Array) => T): Promise<{ value: T; bytes: Uint8Array }> {
  const raw = await readInput(io, path);
  if (hex) {
    let bytes: Uint8Array;
    try {
      bytes = hexToBytes(new TextDecoder().decode(raw));
    } catch (e) {
      if (!(e instanceof MimiError)) throw e;
      throw new MimiError(e.code, `${label(path)} (--hex): ${e.message}`, { cause: e });
    }
    if (bytes.length === 0) throw new MimiError('cli/empty-input', `${label(path)} holds no hex digits`);
    return { value: decode(bytes), bytes };
  }
  try {
    return { value: decode(raw), bytes: raw };
  } catch (e) {
    if (e instanceof MimiError && looksLikeHex(raw)) {
      throw new MimiError('cli/hex-without-flag', `${label(path)} looks like hex text, not binary CBOR: pass --hex`, { cause: e });
    }
    throw e;
  }
}
