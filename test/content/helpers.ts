import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../../shared/specs/mimi-content/examples/', import.meta.url));
export const STATUS_DIR = fileURLToPath(new URL('../../../shared/specs/message-status/', import.meta.url));

export function hex(h: string): Uint8Array<ArrayBuffer> {
  const clean = h.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function example(name: string): Uint8Array {
  return new Uint8Array(readFileSync(EXAMPLES_DIR + name + '.cbor'));
}

export function edn(name: string): string {
  return readFileSync(EXAMPLES_DIR + name + '.edn', 'utf8');
}

/** All content examples (implied-original is MessageDerivedValues, not a mimiContent). */
export function contentExampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.cbor') && f !== 'implied-original.cbor')
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Parses `# message ID = h'…'` (possibly over two comment lines) from an .edn file. */
export function ednMessageId(name: string): Uint8Array | undefined {
  const text = edn(name);
  const m = /# message ID = h'([0-9a-f]+)\s*\n#\s*([0-9a-f]+)'/.exec(text);
  return m ? hex(m[1]! + m[2]!) : undefined;
}

/** Parses `# timestamp  = 1644387225019` from an .edn file. */
export function ednTimestamp(name: string): number | undefined {
  const m = /# timestamp\s*=\s*(\d+)/.exec(edn(name));
  return m ? Number(m[1]) : undefined;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const ALICE = 'mimi://example.com/u/alice-smith';
export const BOB = 'mimi://example.com/u/bob-jones';
export const CATHY = 'mimi://example.com/u/cathy-washington';
export const ROOM = 'mimi://example.com/r/engineering_team';
export const ORIGINAL_ID = hex('017ce54837404c3696e0c747b985cb172716d0ed0a3d249ca63ace7d82a096f4');
export const REPLY_ID = hex('015354973c2b65ca937bf1e035ae53a5ab80e947afa43d46920d4202e5cc0b27');
export const REACTION_ID = hex('0158c4288911e50a8f6be3f47746b6682f10fd91bc8c05557aa589a3157aff68');
