/**
 * Implied part indexes and `cid:` URIs (draft-ietf-mimi-content §3.8 "Message Bodies", Appendix
 * "Complicated Nested Example"): parts are numbered depth-first from 0 (the top-level body), and a
 * container part refers to another part as `cid:<partIndex>@local.invalid` (RFC 2392), which MUST
 * name a SinglePart or ExternalPart.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { MimiContent } from './mimiContent.js';
import type { ExternalPart, NestedPart, SinglePart } from './nestedPart.js';

/** A part with its implied position. */
export interface PartInfo<P extends NestedPart = NestedPart> {
  /** Implied part index: depth-first pre-order, top-level body = 0. */
  readonly index: number;
  /** Nesting level: the top-level body is 1 (the draft's "levels", at most 4). */
  readonly depth: number;
  /** Indexes into successive `parts` arrays from the top-level body; `[]` for the body itself. */
  readonly path: readonly number[];
  /** The part. */
  readonly part: P;
}

function body(c: MimiContent | NestedPart): NestedPart {
  return 'nestedPart' in c ? c.nestedPart : c;
}

/**
 * Lists every part with its implied index, depth and path, in part-index order.
 *
 * @param content - a message or a NestedPart (its root gets index 0)
 * @returns the parts; `result[i].index === i`
 * @throws never
 * @example
 * ```ts
 * listParts(multipart3).map((p) => p.part.cardinality); // ['multi', 'multi', 'multi', 'single', ...]
 * ```
 */
export function listParts(content: MimiContent | NestedPart): PartInfo[] {
  const out: PartInfo[] = [];
  const stack: { part: NestedPart; depth: number; path: number[] }[] = [{ part: body(content), depth: 1, path: [] }];
  while (stack.length > 0) {
    const { part, depth, path } = stack.pop()!;
    out.push({ index: out.length, depth, path, part });
    if (part.cardinality === 'multi') {
      for (let i = part.parts.length - 1; i >= 0; i--) stack.push({ part: part.parts[i]!, depth: depth + 1, path: [...path, i] });
    }
  }
  return out;
}

/**
 * The part with a given implied index.
 *
 * @param content - a message or a NestedPart
 * @param index - the part index (0 = top-level body)
 * @returns the part info, or `undefined` when there is no such part
 * @throws never
 * @example
 * ```ts
 * partAt(multipart3, 5)?.part; // the GIF SinglePart
 * ```
 */
export function partAt(content: MimiContent | NestedPart, index: number): PartInfo | undefined {
  if (!Number.isInteger(index) || index < 0) return undefined;
  let found: PartInfo | undefined;
  let n = 0;
  const visit = (part: NestedPart, depth: number, path: number[]): boolean => {
    if (n === index) {
      found = { index, depth, path, part };
      return true;
    }
    n++;
    if (part.cardinality === 'multi') {
      for (let i = 0; i < part.parts.length; i++) if (visit(part.parts[i]!, depth + 1, [...path, i])) return true;
    }
    return false;
  };
  visit(body(content), 1, []);
  return found;
}

/**
 * The `cid:` URI that refers to a part index inside a MIMI message (§3.8).
 *
 * @param index - the part index
 * @returns `cid:<index>@local.invalid`
 * @throws {@link MimiError} `content/invalid-cid` for a negative or non-integer index
 * @example
 * ```ts
 * cidFor(5); // 'cid:5@local.invalid'
 * ```
 */
export function cidFor(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new MimiError('content/invalid-cid', `invalid part index ${index}`);
  return `cid:${index}@local.invalid`;
}

const CID = /^cid:(0|[1-9][0-9]{0,9})@local\.invalid$/i;

/**
 * Resolves a `cid:<partIndex>@local.invalid` URI (§3.8) to the SinglePart or ExternalPart it names.
 * The scheme and domain are matched case-insensitively; the index is decimal without leading zeros.
 *
 * @param content - a message or a NestedPart
 * @param uri - the content-ID URI, e.g. from an `<img src>`
 * @returns the part info
 * @throws {@link MimiError} `content/invalid-cid` (not of that form), `content/cid-not-found` (no such
 *   part), `content/cid-not-leaf` (names a MultiPart or NullPart, which the draft forbids)
 * @example
 * ```ts
 * resolveCid(multipart3, 'cid:5@local.invalid').part.contentType; // 'image/gif'
 * ```
 */
export function resolveCid(content: MimiContent | NestedPart, uri: string): PartInfo<SinglePart | ExternalPart> {
  const m = typeof uri === 'string' ? CID.exec(uri) : null;
  if (m === null) throw new MimiError('content/invalid-cid', `not a MIMI part reference (cid:<partIndex>@local.invalid): ${String(uri)}`);
  const index = Number(m[1]);
  const info = partAt(content, index);
  if (info === undefined) throw new MimiError('content/cid-not-found', `no part with index ${index}`, { details: { index } });
  const p = info.part;
  if (p.cardinality !== 'single' && p.cardinality !== 'external') {
    throw new MimiError('content/cid-not-leaf', `part ${index} is a ${p.cardinality} part; cid: may only name a SinglePart or ExternalPart`, {
      details: { index },
    });
  }
  return info as PartInfo<SinglePart | ExternalPart>;
}
