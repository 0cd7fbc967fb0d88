/**
 * `mimi` commands for MIMI content: `decode`, `id`, `encode`, `vectors verify`, `check-draft`.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '../cbor/hex.js';
import {
  contentFromJson,
  contentToJson,
  decodeContent,
  decodeStatusReport,
  encodeContent,
  messageId,
  statusToJson,
} from '../content/index.js';
import { MimiError } from '../errors.js';
import { checkDraft, type DraftReport } from '../vectors/checkDraft.js';
import { parseVectorFile, verifyVectorFile, type VerifyReport } from '../vectors/verify.js';
import { parseArgs, readBytesInput, usageError, type CliCommand, type CliIO } from './command.js';

/**
 * A {@link CliIO} that can also write raw bytes to standard output (used by `mimi encode`); without
 * `stdoutBytes` the bytes go to `process.stdout`.
 *
 * @example
 * ```ts
 * const io: BinaryCliIO = { ...nodeIO, stdoutBytes: (b) => chunks.push(b) };
 * ```
 */
export interface BinaryCliIO extends CliIO {
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
}

const text = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(b);


function idOptions(flags: Map<string, string | true>): { senderUri?: string; roomUri?: string } {
  const s = flags.get('sender');
  const r = flags.get('room');
  return { ...(typeof s === 'string' ? { senderUri: s } : {}), ...(typeof r === 'string' ? { roomUri: r } : {}) };
}

const decode: CliCommand = {
  name: 'decode',
  usage: 'decode <file|-> [--hex] [--status] [--sender URI] [--room URI]',
  summary: 'decode a MIMI content message (or status report) to JSON, with its message ID',
  run: async (args, io) => {
    const { positional, flags } = parseArgs(args, ['sender', 'room']);
    const path = positional[0];
    if (path === undefined) return usageError(io, decode.usage, 'missing input');
    const bytes = await readBytesInput(io, path, flags.has('hex'));
    if (flags.has('status')) {
      io.stdout(JSON.stringify({ report: statusToJson(decodeStatusReport(bytes)) }, null, 2));
      return 0;
    }
    const content = decodeContent(bytes);
    const out: Record<string, unknown> = { content: contentToJson(content) };
    try {
      out.messageId = bytesToHex(messageId(bytes, idOptions(flags)));
    } catch (e) {
      if (!(e instanceof MimiError)) throw e;
      io.stderr(`note: no message ID (${e.code}: ${e.message}); pass --sender and --room`);
    }
    io.stdout(JSON.stringify(out, null, 2));
    return 0;
  },
};

const id: CliCommand = {
  name: 'id',
  usage: 'id <file|-> [--hex] [--sender URI] [--room URI]',
  summary: 'print the message ID (hex) of a MIMI content message',
  run: async (args, io) => {
    const { positional, flags } = parseArgs(args, ['sender', 'room']);
    const path = positional[0];
    if (path === undefined) return usageError(io, id.usage, 'missing input');
    const bytes = await readBytesInput(io, path, flags.has('hex'));
    io.stdout(bytesToHex(messageId(bytes, idOptions(flags))));
    return 0;
  },
};

const encode: CliCommand = {
  name: 'encode',
  usage: 'encode <json-file|-> [--hex] [--out FILE]',
  summary: 'encode the JSON mapping of a message to deterministic CBOR',
  run: async (args, io: BinaryCliIO) => {
    const { positional, flags } = parseArgs(args, ['out']);
    const path = positional[0];
    if (path === undefined) return usageError(io, encode.usage, 'missing input');
    let json: unknown;
    try {
      json = JSON.parse(text(await io.readInput(path)));
    } catch (e) {
      if (e instanceof MimiError) throw e;
      throw new MimiError('json/syntax', `${path}: not JSON`, { cause: e });
    }
    // Accept either the content JSON itself or the output of `mimi decode` ({ content, messageId }).
    const body = typeof json === 'object' && json !== null && 'content' in json && !('salt' in json) ? (json as { content: unknown }).content : json;
    const bytes = encodeContent(contentFromJson(body));
    const out = flags.get('out');
    if (typeof out === 'string') await writeFile(out, bytes);
    else if (flags.has('hex')) io.stdout(bytesToHex(bytes));
    else if (io.stdoutBytes) io.stdoutBytes(bytes);
    else process.stdout.write(bytes);
    return 0;
  },
};

/** Is this JSON file a vector file (not a manifest or a schema)? */
function isVectorFileName(path: string): boolean {
  const base = path.split(sep).pop() ?? path;
  if (!base.endsWith('.json')) return false;
  if (base === 'manifest.json' || base.endsWith('.schema.json')) return false;
  return !path.split(sep).includes('schema');
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.isFile() && isVectorFileName(p)) out.push(p);
  }
  return out;
}

/** The spec-vectors directory shipped with the package (dist/cli/ → ../../spec-vectors). */
function packagedVectors(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'spec-vectors');
}

/**
 * Verifies every vector file under a directory (or one file).
 *
 * @param target - a directory (walked recursively) or a single vector file
 * @param io - where `readInput` reads from
 * @returns the report (invalid files count as one failure each, with id "-")
 * @throws {@link MimiError} `cli/not-found` when `target` does not exist
 * @example
 * ```ts
 * const r = await verifyVectorsAt('spec-vectors', nodeIO);
 * console.log(r.passed, r.failed);
 * ```
 */
export async function verifyVectorsAt(target: string, io: CliIO): Promise<VerifyReport> {
  if (!existsSync(target)) throw new MimiError('cli/not-found', `${target} does not exist`);
  const isDir = statSync(target).isDirectory();
  const files = isDir ? await walk(target) : [target];
  const report: VerifyReport = { passed: 0, failed: 0, failures: [] };
  for (const f of files) {
    const name = isDir ? relative(target, f).split(sep).join('/') : f;
    try {
      const file = parseVectorFile(text(await io.readInput(f)), name);
      await verifyVectorFile(file, name, report);
    } catch (e) {
      if (!(e instanceof MimiError)) throw e;
      report.failed++;
      report.failures.push({ file: name, id: '-', reason: e.message });
    }
  }
  return report;
}

const vectorsVerify: CliCommand = {
  name: 'vectors verify',
  usage: 'vectors verify [dir|file]',
  summary: 'run conformance vector files (default: ./spec-vectors, else the packaged ones)',
  run: async (args, io) => {
    const { positional } = parseArgs(args);
    const target = positional[0] ?? (existsSync('spec-vectors') ? 'spec-vectors' : packagedVectors());
    const report = await verifyVectorsAt(target, io);
    for (const f of report.failures) io.stdout(`FAIL ${f.file} ${f.id}: ${f.reason}`);
    io.stdout(`${report.passed} passed, ${report.failed} failed`);
    return report.failed > 0 ? 1 : 0;
  },
};

function includeReader(draftPath: string): (p: string) => string | undefined {
  const base = draftPath === '-' ? process.cwd() : dirname(resolve(draftPath));
  return (p) => {
    const full = resolve(base, p);
    try {
      return readFileSync(full, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * Runs {@link checkDraft} on a draft file, resolving includes next to it, with the message IDs of the
 * examples of `refPath` (another draft) counted as known.
 *
 * @param draftPath - the draft's markdown file (or "-")
 * @param io - reads the files
 * @param refPath - optional draft whose example IDs may be referenced
 * @returns the report
 * @throws {@link MimiError} from reading the files
 * @example
 * ```ts
 * const r = await checkDraftFile('draft-mahy-mimi-message-status.md', nodeIO, 'draft-ietf-mimi-content.md');
 * ```
 */
export async function checkDraftFile(draftPath: string, io: CliIO, refPath?: string): Promise<DraftReport> {
  const knownIds = new Map<string, string>();
  if (refPath !== undefined) {
    const ref = checkDraft(text(await io.readInput(refPath)), { readInclude: includeReader(refPath) });
    for (const ex of ref.examples) if (ex.id !== undefined && !knownIds.has(ex.id)) knownIds.set(ex.id, `${ex.section} (${refPath})`);
  }
  return checkDraft(text(await io.readInput(draftPath)), { readInclude: includeReader(draftPath), knownIds });
}

const checkDraftCommand: CliCommand = {
  name: 'check-draft',
  usage: 'check-draft <draft.md> [--ref other-draft.md] [--verbose]',
  summary: "cross-check a draft's CBOR examples (hex dumps, EDN) and message IDs",
  run: async (args, io) => {
    const { positional, flags } = parseArgs(args, ['ref']);
    const path = positional[0];
    if (path === undefined) return usageError(io, checkDraftCommand.usage, 'missing draft');
    const ref = flags.get('ref');
    const report = await checkDraftFile(path, io, typeof ref === 'string' ? ref : undefined);
    if (flags.has('verbose')) {
      for (const ex of report.examples) io.stdout(`example ${ex.name}: ${ex.type}${ex.id ? ` id ${ex.id}` : ''}`);
    }
    for (const f of report.findings) io.stdout(`${f.severity === 'mismatch' ? 'MISMATCH' : 'note'} ${f.example}: ${f.message}`);
    io.stdout(`${report.examples.length} examples, ${report.mismatches} mismatch${report.mismatches === 1 ? '' : 'es'}`);
    return report.mismatches > 0 ? 1 : 0;
  },
};

/**
 * The commands of this module, registered in src/cli/commands.ts.
 *
 * @example
 * ```ts
 * await runCli(['vectors', 'verify', 'spec-vectors']); // prints "N passed, N failed"
 * ```
 */
export const commands: CliCommand[] = [decode, id, encode, vectorsVerify, checkDraftCommand];
