/**
 * The draft examples as the repository carries them: the bytes of `examples/*.cbor` (draft-ietf-mimi-content
 * at 961ea5a) and `status.cbor` (draft-mahy-mimi-message-status at 03e41d6), read from the `input.hex` of
 * the spec-vectors files, with the message IDs the `.edn` comments state (`expected.messageId`, see
 * spec-vectors/README.md). No test needs `../shared` for them.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './shared.js';

/** spec-vectors/ of this repository. */
export const VECTORS_DIR = join(REPO_ROOT, 'spec-vectors');
const CONTENT = join(VECTORS_DIR, 'content');

interface RawVector {
  id: string;
  kind: string;
  input: { hex: string };
  expected?: { messageId?: string };
}
const vectorsOf = (file: string): RawVector[] => (JSON.parse(readFileSync(join(CONTENT, file), 'utf8')) as { vectors: RawVector[] }).vectors;
const bytesOf = (hex: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(hex, 'hex'));

/** name → the decode vector of `<name>.json` (one per official content example). */
const decodeVectors = new Map<string, RawVector>();
for (const f of readdirSync(CONTENT).filter((f) => f.endsWith('.json')).sort()) {
  const name = f.slice(0, -5);
  const v = (JSON.parse(readFileSync(join(CONTENT, f), 'utf8')) as { vectors?: RawVector[] }).vectors?.find((x) => x.id === `${name}/decode` && x.kind === 'decode');
  if (v) decodeVectors.set(name, v);
}

/** The 14 content examples (`examples/<name>.cbor` minus implied-original), sorted. */
export const CONTENT_EXAMPLE_NAMES: readonly string[] = [...decodeVectors.keys()];

/** All 15 `.cbor` example files of the content draft: the 14 messages and implied-original. */
export const ALL_EXAMPLE_NAMES: readonly string[] = [...CONTENT_EXAMPLE_NAMES, 'implied-original'].sort();

/** Bytes of `examples/<name>.cbor` (a content example, or `implied-original`: the file as published, -07 ID). */
export function exampleBytes(name: string): Uint8Array<ArrayBuffer> {
  if (name === 'implied-original') return bytesOf(vectorsOf('implied-original.json').find((v) => v.id === 'implied-original/cbor-file')!.input.hex);
  const v = decodeVectors.get(name);
  if (!v) throw new Error(`no example ${name} in spec-vectors/content`);
  return bytesOf(v.input.hex);
}

/** The message ID (hex) that the `# message ID = h'…'` comment of `examples/<name>.edn` states. */
export function exampleMessageId(name: string): string {
  const id = decodeVectors.get(name)?.expected?.messageId;
  if (id === undefined) throw new Error(`no message ID for ${name} in spec-vectors/content`);
  return id;
}

/**
 * Hub timestamps stated in the `# timestamp = …` comments of the `.edn` files (copied by hand; the
 * attachment, conferencing and multipart examples say "not specified in example").
 */
export const EXAMPLE_TIMESTAMPS: Readonly<Record<string, number>> = {
  original: 1644387225019,
  reply: 1644387237492,
  reaction: 1644387237728,
  mention: 1644387243008,
  'mention-html': 1644387243008,
  edit: 1644387248621,
  delete: 1644387248621,
  unlike: 1644387250389,
  expiring: 1644389403227,
};

/** Bytes of `status.cbor` (draft-mahy-mimi-message-status). */
export function statusExampleBytes(): Uint8Array<ArrayBuffer> {
  return bytesOf(vectorsOf('status.json').find((v) => v.id === 'status/decode')!.input.hex);
}

let dir: string | undefined;
/**
 * A file holding the example's bytes, for tests that pass a path (the CLI): `<tmp>/<name>.cbor`, or
 * `<tmp>/status.cbor` for `'status'`. Written once per test file.
 */
export function exampleFile(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'mimi-examples-'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.cbor`);
  writeFileSync(path, name === 'status' ? statusExampleBytes() : exampleBytes(name));
  return path;
}
