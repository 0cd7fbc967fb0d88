/**
 * Where the reference material lives: `../shared` beside the repository (as CI has it), or `$MIMI_SHARED`.
 *
 * A fresh clone has nothing beside it, so tests that need the full draft texts or the MLS interop vectors
 * ask for them here and skip, with one plain line on stderr saying what was skipped and why; everything
 * else reads the facts the repository carries (spec-vectors/, test/fixtures/).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file is test/support/shared.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

const CANDIDATE = process.env.MIMI_SHARED ? resolve(process.env.MIMI_SHARED) : resolve(REPO_ROOT, '..', 'shared');

/** The reference folder: `$MIMI_SHARED` when set, else `<repo>/../shared`; undefined when it does not exist. */
export const SHARED_DIR: string | undefined = existsSync(CANDIDATE) ? CANDIDATE : undefined;

const warned = new Set<string>();

/**
 * The path of `parts` inside the reference folder, or undefined when it is not there. When it is missing,
 * prints once `SKIPPED <what>: it needs <parts> …, and <why>.` on stderr, so a skip is never silent.
 *
 * @example
 * ```ts
 * const draft = sharedPath('check-draft on the full draft text', 'specs/mimi-content/draft-ietf-mimi-content.md');
 * describe.skipIf(draft === undefined)('check-draft on the draft', () => { … });
 * ```
 */
export function sharedPath(what: string, ...parts: string[]): string | undefined {
  const p = SHARED_DIR === undefined ? undefined : join(SHARED_DIR, ...parts);
  if (p !== undefined && existsSync(p)) return p;
  const key = `${what}\0${parts.join('/')}`;
  if (!warned.has(key)) {
    warned.add(key);
    const why =
      SHARED_DIR === undefined
        ? `the reference folder ${CANDIDATE} does not exist (${process.env.MIMI_SHARED ? 'MIMI_SHARED names it' : 'a fresh clone has none; set MIMI_SHARED to point at one'})`
        : `${join(SHARED_DIR, ...parts)} does not exist`;
    console.warn(`SKIPPED ${what}: it needs ${parts.join('/')} from the reference material, and ${why}.`);
  }
  return undefined;
}
