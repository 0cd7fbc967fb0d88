import { CONTENT_EXAMPLE_NAMES, EXAMPLE_TIMESTAMPS, exampleBytes, exampleMessageId } from '../support/examples.js';

export function hex(h: string): Uint8Array<ArrayBuffer> {
  const clean = h.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes of the draft's `examples/<name>.cbor` (from spec-vectors, test/support/examples.ts). */
export function example(name: string): Uint8Array {
  return exampleBytes(name);
}

/** All content examples (implied-original is MessageDerivedValues, not a mimiContent). */
export function contentExampleNames(): string[] {
  return [...CONTENT_EXAMPLE_NAMES];
}

/** The message ID stated in the `# message ID = h'…'` comment of the example's .edn file. */
export function ednMessageId(name: string): Uint8Array | undefined {
  return hex(exampleMessageId(name));
}

/** The `# timestamp  = 1644387225019` of the example's .edn file, when it states one. */
export function ednTimestamp(name: string): number | undefined {
  return EXAMPLE_TIMESTAMPS[name];
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const ALICE = 'mimi://example.com/u/alice-smith';
export const BOB = 'mimi://example.com/u/bob-jones';
export const CATHY = 'mimi://example.com/u/cathy-washington';
export const ROOM = 'mimi://example.com/r/engineering_team';
export const ORIGINAL_ID = hex('017ce54837404c3696e0c747b985cb172716d0ed0a3d249ca63ace7d82a096f4');
export const REPLY_ID = hex('015354973c2b65ca937bf1e035ae53a5ab80e947afa43d46920d4202e5cc0b27');
export const REACTION_ID = hex('0158c4288911e50a8f6be3f47746b6682f10fd91bc8c05557aa589a3157aff68');
