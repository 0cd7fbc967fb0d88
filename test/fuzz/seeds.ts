/**
 * Seed inputs of the fuzz targets, all taken from the repository's own conformance vectors
 * (spec-vectors/, never ../shared): the draft examples and their decode-error variants for the content
 * codec, the status report example, the room states and component encodings of spec-vectors/room.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { hexToBytes } from '../../src/cbor/index.js';

const VECTORS = new URL('../../spec-vectors/', import.meta.url);

interface VectorFile {
  vectors?: { id: string; kind: string; input?: Record<string, unknown> }[];
}

function files(suite: string): VectorFile[] {
  const dir = new URL(`${suite}/`, VECTORS);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'manifest.json')
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as VectorFile);
}

function hexInputs(suite: string, keep: (kind: string) => boolean, field = 'hex'): { id: string; kind: string; bytes: Uint8Array; input: Record<string, unknown> }[] {
  const out: { id: string; kind: string; bytes: Uint8Array; input: Record<string, unknown> }[] = [];
  for (const f of files(suite)) {
    for (const v of f.vectors ?? []) {
      const h = v.input?.[field];
      if (keep(v.kind) && typeof h === 'string') out.push({ id: v.id, kind: v.kind, bytes: hexToBytes(h), input: v.input! });
    }
  }
  return out;
}

let cache: Seeds | undefined;

/** Every seed, grouped by what decodes it. */
export interface Seeds {
  /** MIMI content messages that decode (the 15 draft examples and the round-trip vectors). */
  readonly content: readonly Uint8Array[];
  /** Content inputs that must fail: near misses, good starting points for mutation. */
  readonly contentErrors: readonly Uint8Array[];
  /** Message status reports (the draft example and its error variants). */
  readonly status: readonly Uint8Array[];
  /** AppDataDictionary bytes (room states of the authorization and participant-list vectors). */
  readonly rooms: readonly Uint8Array[];
  /** Component encodings by component name (spec-vectors/room/decode-errors.json). */
  readonly components: readonly { component: string; bytes: Uint8Array }[];
  /** The draft examples by name (original, reply, …), for conversations. */
  readonly examples: ReadonlyMap<string, Uint8Array>;
}

/** Loads (once) the seeds from spec-vectors/. */
export function seeds(): Seeds {
  if (cache) return cache;
  const good = hexInputs('content', (k) => k === 'decode' || k === 'roundtrip' || k === 'derived-values' || k === 'message-id');
  const examples = new Map<string, Uint8Array>();
  for (const v of good) if (v.kind === 'decode') examples.set(v.id.split('/')[0]!, v.bytes);
  const dedupe = (xs: Uint8Array[]) => [...new Map(xs.map((b) => [Buffer.from(b).toString('hex'), b])).values()];
  const rooms = dedupe(hexInputs('room', (k) => k === 'authorization' || k === 'participant-list-updates', 'room').map((v) => v.bytes));
  const components = hexInputs('room', (k) => k === 'component-decoding-error').map((v) => ({ component: String(v.input['component']), bytes: v.bytes }));
  cache = {
    content: dedupe(good.map((v) => v.bytes)),
    contentErrors: dedupe(hexInputs('content', (k) => k === 'decode-error').map((v) => v.bytes)),
    status: dedupe(hexInputs('content', (k) => k.startsWith('status')).map((v) => v.bytes)),
    rooms,
    components,
    examples,
  };
  return cache;
}
