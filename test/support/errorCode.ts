/**
 * What a test expects of a refusal: the MimiError's stable `code`, or `'ok'` when nothing was thrown. Any other
 * error is rethrown, so a crash never passes for a refusal.
 */
import { MimiError } from '../../src/errors.js';

/** The code `p` is refused with, or `'ok'`. */
export async function asyncCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
}

/** The code `f` throws, or `'ok'`. */
export function syncCode(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
}
