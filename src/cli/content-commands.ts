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
import { EXIT, flag, stringOption, usage, type CliCommand, type CliIO, type CliOption, type ParsedArgs } from './command.js';
import { decodeInput, readText } from './input.js';
import { fromTextView, textView } from './text-bodies.js';

/**
 * A {@link CliIO} that can also write raw bytes to standard output (used by `mimi encode`).
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

const HEX: CliOption = { type: 'boolean', description: 'the input is hex text (white space ignored), not binary CBOR' };
const ID_OPTIONS: Record<string, CliOption> = {
  sender: { type: 'string', value: 'URI', description: 'sender URI for the message ID, when the message does not carry one' },
  room: { type: 'string', value: 'URI', description: 'room URI for the message ID, when the message does not carry one' },
};

function idOptions(args: ParsedArgs): { senderUri?: string; roomUri?: string } {
  const s = stringOption(args, 'sender');
  const r = stringOption(args, 'room');
  return { ...(s !== undefined ? { senderUri: s } : {}), ...(r !== undefined ? { roomUri: r } : {}) };
}

const BYTES_FORMS = ['text', 'hex'] as const;

const decode: CliCommand = {
  name: 'decode',
  args: '<file|->',
  positionals: { min: 1, max: 1 },
  summary: 'decode a MIMI content message (or status report) to JSON, with its message ID',
  options: {
    hex: HEX,
    status: { type: 'boolean', description: 'the input is a message-status report (draft-mahy-mimi-message-status)' },
    bytes: { type: 'string', value: 'text|hex', description: 'show text bodies as text (default) or as hex, exactly as the JSON mapping' },
    ...ID_OPTIONS,
  },
  notes: ['example: mimi decode examples/reply.cbor', 'the output (either --bytes form) is accepted by mimi encode'],
  run: async (args, io) => {
    const path = args.positionals[0]!;
    const form = stringOption(args, 'bytes') ?? 'text';
    if (!(BYTES_FORMS as readonly string[]).includes(form)) throw usage(decode, `unknown --bytes ${JSON.stringify(form)}; use text or hex`);
    if (flag(args, 'status')) {
      const { value } = await decodeInput(io, path, flag(args, 'hex'), (b) => decodeStatusReport(b));
      io.stdout(JSON.stringify({ report: statusToJson(value) }, null, 2));
      return EXIT.ok;
    }
    const { value: content, bytes } = await decodeInput(io, path, flag(args, 'hex'), (b) => decodeContent(b));
    const json = contentToJson(content);
    const out: Record<string, unknown> = { content: form === 'hex' ? json : textView(json) };
    try {
      out['messageId'] = bytesToHex(messageId(bytes, idOptions(args)));
    } catch (e) {
      if (!(e instanceof MimiError)) throw e;
      io.stderr(`note: no message ID (${e.code}: ${e.message}); pass --sender and --room`);
    }
    io.stdout(JSON.stringify(out, null, 2));
    return EXIT.ok;
  },
};

const id: CliCommand = {
  name: 'id',
  args: '<file|->',
  positionals: { min: 1, max: 1 },
  summary: 'print the message ID (hex) of a MIMI content message',
  options: { hex: HEX, ...ID_OPTIONS },
  notes: ['example: mimi id examples/original.cbor'],
  run: async (args, io) => {
    const { bytes } = await decodeInput(io, args.positionals[0]!, flag(args, 'hex'), (b) => decodeContent(b, { checks: false }));
    io.stdout(bytesToHex(messageId(bytes, idOptions(args))));
    return EXIT.ok;
  },
};

const encode: CliCommand = {
  name: 'encode',
  args: '<json-file|->',
  positionals: { min: 1, max: 1 },
  summary: 'encode the JSON mapping of a message (or the output of mimi decode) to deterministic CBOR',
  options: {
    hex: { type: 'boolean', description: 'print the CBOR as hex instead of writing binary' },
    out: { type: 'string', value: 'FILE', description: 'write the CBOR to FILE' },
  },
  notes: ['example: mimi encode examples/message.json --hex', 'binary output is not written to a terminal: use --hex or --out, or redirect'],
  run: async (args, io: BinaryCliIO) => {
    const path = args.positionals[0]!;
    const source = await readText(io, path, 'JSON');
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (e) {
      throw new MimiError('json/syntax', `${path === '-' ? 'standard input' : path}: not JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, { cause: e });
    }
    // Accept either the content JSON itself or the output of `mimi decode` ({ content, messageId }).
    const body = typeof json === 'object' && json !== null && 'content' in json && !('salt' in json) ? (json as { content: unknown }).content : json;
    const bytes = encodeContent(contentFromJson(fromTextView(body)));
    const out = stringOption(args, 'out');
    if (out !== undefined) await writeFile(out, bytes);
    else if (flag(args, 'hex')) io.stdout(bytesToHex(bytes));
    else if (io.stdoutBytes) io.stdoutBytes(bytes);
    else throw new MimiError('cli/binary-to-terminal', 'no binary output available here: use --hex or --out');
    return EXIT.ok;
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
  if (!existsSync(target)) throw new MimiError('cli/not-found', `${target}: no such file or directory`);
  const isDir = statSync(target).isDirectory();
  const files = isDir ? await walk(target) : [target];
  if (files.length === 0) throw new MimiError('cli/no-vectors', `${target} holds no vector files (*.json)`);
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
  args: '[dir|file]',
  positionals: { min: 0, max: 1 },
  summary: 'run conformance vector files (default: ./spec-vectors, else the packaged ones)',
  options: {},
  notes: ['prints one FAIL line per failing vector, then "N passed, N failed"; exit status 1 when any failed', 'example: mimi vectors verify spec-vectors'],
  run: async (args, io) => {
    const target = args.positionals[0] ?? (existsSync('spec-vectors') ? 'spec-vectors' : packagedVectors());
    const report = await verifyVectorsAt(target, io);
    for (const f of report.failures) io.stdout(`FAIL ${f.file} ${f.id}: ${f.reason}`);
    io.stdout(`${report.passed} passed, ${report.failed} failed`);
    return report.failed > 0 ? EXIT.failed : EXIT.ok;
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
    const ref = checkDraft(await readText(io, refPath, 'a markdown draft'), { readInclude: includeReader(refPath) });
    for (const ex of ref.examples) if (ex.id !== undefined && !knownIds.has(ex.id)) knownIds.set(ex.id, `${ex.section} (${refPath})`);
  }
  return checkDraft(await readText(io, draftPath, 'a markdown draft'), { readInclude: includeReader(draftPath), knownIds });
}

const checkDraftCommand: CliCommand = {
  name: 'check-draft',
  args: '<draft.md|->',
  positionals: { min: 1, max: 1 },
  summary: "cross-check a draft's CBOR examples (hex dumps, EDN) and message IDs",
  options: {
    ref: { type: 'string', value: 'FILE', description: 'another draft whose example message IDs may be referenced' },
    verbose: { type: 'boolean', description: 'list every example found' },
  },
  notes: ['exit status 1 when an example does not decode, or a reference or a stated message ID does not match', 'example: mimi check-draft examples/sample-draft.md'],
  run: async (args, io) => {
    const path = args.positionals[0]!;
    const report = await checkDraftFile(path, io, stringOption(args, 'ref'));
    if (report.examples.length === 0) throw new MimiError('cli/no-examples', `${path} holds no CBOR examples (hex dumps or EDN)`);
    if (flag(args, 'verbose')) {
      for (const ex of report.examples) io.stdout(`example ${ex.name}: ${ex.type}${ex.id ? ` id ${ex.id}` : ''}`);
    }
    for (const f of report.findings) io.stdout(`${f.severity === 'mismatch' ? 'MISMATCH' : 'note'} ${f.example}: ${f.message}`);
    io.stdout(`${report.examples.length} examples, ${report.mismatches} mismatch${report.mismatches === 1 ? '' : 'es'}`);
    return report.mismatches > 0 ? EXIT.failed : EXIT.ok;
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
export const commands: readonly CliCommand[] = [decode, id, encode, vectorsVerify, checkDraftCommand];
