/**
 * The renderer's resource caps: what it does with message bodies too deep or too large to format in
 * linear time and bounded stack (docs/fallback.md "Limits", docs/decisions.md (Fallback) D18-D20).
 *
 * @module
 */

/**
 * Caps applied to every rendered body.
 *
 * - `maxDepth`: elements nested deeper than this (HTML tags, markdown blocks and emphasis) are
 *   unwrapped: their tags are dropped, block tags leave a space, their text and line breaks stay.
 *   Every walk over a document tree is therefore bounded by this depth (no stack overflow), and the
 *   HTML sanitizer never sees deeper nesting (its cost is linear).
 * - `maxMarkupBytes`: a markdown or HTML body longer than this (UTF-8 octets) is formatted only up to
 *   that length, followed by a localized note (`truncated.note`, rule `too-long`, warning
 *   `body-truncated`). Plain text is linear and never cut.
 * - `maxTableColumns`: markdown tables pad every row to the widest; beyond this width a row's extra
 *   cells join its last column (so padding stays linear).
 *
 * @example
 * ```ts
 * import { RENDER_LIMITS } from 'mimi-kit/fallback';
 * RENDER_LIMITS.maxMarkupBytes; // 262144: longer markdown/HTML bodies are shown shortened
 * ```
 */
export const RENDER_LIMITS = Object.freeze({
  /** Deepest element nesting kept; deeper elements are unwrapped into their text. */
  maxDepth: 32,
  /** Largest markdown or HTML body formatted (UTF-8 octets); the rest is cut, with a note. */
  maxMarkupBytes: 256 * 1024,
  /** Widest markdown table emitted; a row's cells beyond it join its last column. */
  maxTableColumns: 64,
} as const);

/**
 * Length of the longest run of `ch` in `s` (no regular expression, no spread into a call: a body
 * may hold millions of runs).
 *
 * @param s - text
 * @param ch - one UTF-16 code unit, e.g. a backtick
 * @returns the length of the longest run, 0 when `ch` does not occur
 * @example
 * ```ts
 * longestRun('a ``` b `', '`'); // 3
 * ```
 */
export function longestRun(s: string, ch: string): number {
  let best = 0;
  let i = s.indexOf(ch);
  while (i >= 0) {
    let j = i + 1;
    while (j < s.length && s[j] === ch) j++;
    if (j - i > best) best = j - i;
    i = s.indexOf(ch, j);
  }
  return best;
}

/**
 * The longest prefix of UTF-8 `bytes` of at most `max` octets that does not split a character.
 *
 * @param bytes - UTF-8 text
 * @param max - largest length
 * @returns the cut position (`bytes.length` when it fits)
 * @example
 * ```ts
 * utf8Cut(new TextEncoder().encode('aé'), 2); // 1: the two octets of "é" stay together
 * ```
 */
export function utf8Cut(bytes: Uint8Array, max: number): number {
  if (bytes.length <= max) return bytes.length;
  let cut = max;
  // Back off over continuation octets (10xxxxxx) to the start of the character at `max`.
  for (let k = 0; k < 3 && cut > 0 && (bytes[cut]! & 0xc0) === 0x80; k++) cut--;
  return cut;
}
