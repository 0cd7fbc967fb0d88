/**
 * What a fuzz target is, what one input's outcome is, and the checks targets share.
 *
 * The promise under test (issue 10, docs/limits.md): bad input gets a `MimiError` with a stable code;
 * whatever is accepted round-trips, has a message ID, maps to JSON and back, and renders safely.
 */
import type fc from 'fast-check';
import { MimiError } from '../../src/errors.js';
import { CborFloat, CborSimple, CborTag } from '../../src/cbor/index.js';
import type { Rendering } from '../../src/fallback/index.js';
import { htmlSafetyViolation, markdownSafetyViolation } from './safety.js';

/** One decoder or renderer fed untrusted input. */
export interface FuzzTarget {
  readonly name: string;
  /** The public API under test, for the summary. */
  readonly api: string;
  /** Inputs: mutated seeds, random bytes and target-specific structures (all seeded by fast-check). */
  inputs(): fc.Arbitrary<Uint8Array>;
  /**
   * Runs one input: returns when it is accepted and every invariant holds, lets the `MimiError` of a
   * rejection through, throws {@link InvariantError} when an accepted input breaks a promise.
   */
  run(input: Uint8Array): void | Promise<void>;
  /** Text targets: reproducers are UTF-8 text too. */
  readonly text?: boolean;
  /** Renderers: every input is accepted (a throw of any kind is a failure), so nothing is ever rejected. */
  readonly acceptsAll?: boolean;
}

/** An accepted input broke an invariant (round trip, message ID, JSON mapping, rendering). */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** The harness could not turn the input into a call (not JSON, not a list): not the library's fault. */
export class HarnessReject extends Error {
  override name = 'HarnessReject';
  constructor(readonly code: string) {
    super(code);
  }
}

/** What became of one input. */
export type Outcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'rejected'; readonly code: string }
  | { readonly kind: 'failure'; readonly error: unknown; readonly summary: string };

/**
 * Runs `target` on `input` and classifies the result: a `MimiError` with an `area/what` code is a
 * rejection, anything else thrown is a failure.
 */
export async function runInput(target: FuzzTarget, input: Uint8Array): Promise<Outcome> {
  try {
    await target.run(input);
    return { kind: 'accepted' };
  } catch (e) {
    if (e instanceof HarnessReject) return { kind: 'rejected', code: `(harness) ${e.code}` };
    if (e instanceof MimiError && /^[a-z0-9-]+\/[a-z0-9-]+$/.test(e.code)) return { kind: 'rejected', code: e.code };
    const name = e instanceof Error ? e.name : typeof e;
    const message = e instanceof Error ? e.message : String(e);
    const code = e instanceof MimiError ? ` (code ${JSON.stringify(e.code)})` : '';
    return { kind: 'failure', error: e, summary: `${name}${code}: ${message.split('\n')[0]!.slice(0, 200)}` };
  }
}

/** Throws an {@link InvariantError} unless `ok`. */
export function invariant(ok: boolean, what: string): asserts ok {
  if (!ok) throw new InvariantError(what);
}

/** Runs a step that must not throw on an accepted input (any throw, MimiError included, is a failure). */
export function must<T>(step: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new InvariantError(`${step} threw on an accepted input: ${e instanceof Error ? `${e.name}${e instanceof MimiError ? ` ${e.code}` : ''}: ${e.message}` : String(e)}`, { cause: e });
  }
}

/** Async {@link must}. */
export async function mustAsync<T>(step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new InvariantError(`${step} threw on an accepted input: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

/** Byte equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Structural equality as the JSON and CBOR mappings see it: bytes by content, Maps in order, the CBOR
 * value classes by their fields, objects by their defined (non-undefined) own keys. NaN equals NaN and
 * -0 differs from 0 (CBOR tells them apart).
 */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  if (a instanceof CborFloat || a instanceof CborSimple) return b.constructor === a.constructor && Object.is(a.value, (b as CborFloat).value);
  if (a instanceof CborTag) return b instanceof CborTag && a.tag === b.tag && same(a.value, b.value);
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    const ea = [...a];
    const eb = [...b];
    return ea.every(([k, v], i) => same(k, eb[i]![0]) && same(v, eb[i]![1]));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const defined = (o: object) => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined).sort();
  const ka = defined(a);
  const kb = defined(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The three forms exist and the HTML and markdown are safe (test/fuzz/safety.ts). */
export function checkRendering(r: Pick<Rendering, 'text' | 'markdown' | 'html'>, where: string): void {
  for (const f of ['text', 'markdown', 'html'] as const) invariant(typeof r[f] === 'string', `${where}: ${f} is not a string`);
  const html = htmlSafetyViolation(r.html);
  invariant(html === undefined, `${where}: unsafe HTML: ${html}`);
  const md = markdownSafetyViolation(r.markdown);
  invariant(md === undefined, `${where}: unsafe markdown: ${md}`);
}
