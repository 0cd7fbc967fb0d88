/**
 * The CLI's readable view of the JSON mapping: a single part whose content type is text in UTF-8 shows
 * its body as `"text": "…"` instead of `"content": "<hex>"`; `mimi encode` accepts both forms.
 * The library's mapping (docs/json-mapping.md) stays hex-only; this view is the CLI's (decisions: CLI).
 *
 * @module
 */
import { bytesToHex } from '../cbor/hex.js';
import type { MimiContentJson, NestedPartJson } from '../content/json.js';

/** A NestedPart in the CLI view: a text single part may carry `text` instead of `content`. */
export type CliPartJson =
  | Exclude<NestedPartJson, { cardinality: 'single' } | { cardinality: 'multi' }>
  | Extract<NestedPartJson, { cardinality: 'single' }>
  | { disposition: number; language: string; cardinality: 'single'; contentType: string; text: string }
  | (Omit<Extract<NestedPartJson, { cardinality: 'multi' }>, 'parts'> & { parts: CliPartJson[] });

/**
 * Is this content type text in UTF-8? `text/*` with no charset or `charset=utf-8` (draft-ietf-mimi-content
 * §3.8: the text types of a MIMI message are UTF-8).
 *
 * @param contentType - a media type with parameters
 * @returns true for UTF-8 text
 * @example
 * ```ts
 * isUtf8TextType('text/markdown;variant=GFM-MIMI'); // true
 * ```
 */
export function isUtf8TextType(contentType: string): boolean {
  const [type, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  if (!type?.startsWith('text/')) return false;
  const charset = params.find((p) => p.startsWith('charset='));
  return charset === undefined || charset.slice(8).replace(/"/g, '') === 'utf-8';
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hexToUtf8(hex: string): string | undefined {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  try {
    return strict.decode(bytes); // valid UTF-8 re-encodes to the same bytes, so the view is lossless
  } catch {
    return undefined;
  }
}

function partToView(p: NestedPartJson): CliPartJson {
  if (p.cardinality === 'multi') return { ...p, parts: p.parts.map(partToView) };
  if (p.cardinality !== 'single' || !isUtf8TextType(p.contentType)) return p;
  const text = hexToUtf8(p.content);
  if (text === undefined) return p;
  const { content: _hex, ...rest } = p;
  return { ...rest, text };
}

/**
 * The CLI view of a message's JSON mapping: text bodies as text.
 *
 * @param json - the JSON mapping (`contentToJson`)
 * @returns the same object with text single parts carrying `text`
 * @example
 * ```ts
 * textView(contentToJson(decodeContent(bytes))).nestedPart; // { …, contentType: 'text/plain;charset=utf-8', text: 'Hi' }
 * ```
 */
export function textView(json: MimiContentJson): Omit<MimiContentJson, 'nestedPart'> & { nestedPart: CliPartJson } {
  return { ...json, nestedPart: partToView(json.nestedPart) };
}

function partFromView(p: unknown, depth: number): unknown {
  if (typeof p !== 'object' || p === null || Array.isArray(p) || depth > 64) return p;
  const o = p as Record<string, unknown>;
  if (Array.isArray(o['parts'])) return { ...o, parts: o['parts'].map((x) => partFromView(x, depth + 1)) };
  if (typeof o['text'] !== 'string' || 'content' in o) return p;
  const { text, ...rest } = o;
  return { ...rest, content: bytesToHex(new TextEncoder().encode(text as string)) };
}

/**
 * Inverse of {@link textView} on untrusted JSON: every `text` body becomes hex `content` again. Anything
 * else is left for `contentFromJson` to check.
 *
 * @param json - parsed JSON, either form
 * @returns JSON in the library's mapping
 * @example
 * ```ts
 * contentFromJson(fromTextView(JSON.parse(readFileSync('examples/message.json', 'utf8'))));
 * ```
 */
export function fromTextView(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('nestedPart' in json)) return json;
  return { ...json, nestedPart: partFromView((json as { nestedPart: unknown }).nestedPart, 1) };
}
