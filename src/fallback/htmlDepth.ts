/**
 * A linear pre-pass that bounds the element nesting of untrusted HTML before any sanitizer parses it.
 *
 * HTML parsers keep a stack of open elements; htmlparser2 (under sanitize-html) shifts and searches it
 * per tag, so 100 000 nested `<div>` cost time quadratic in the depth. This pass tracks the same stack
 * (start tags, end tags, void elements and htmlparser2's implied end tags, WHATWG HTML §13.2.6.4
 * "optional end tags") and drops the start and end tags of elements that would open deeper than the
 * cap; block tags leave a space so words do not run together, and the text stays. It does not depend on
 * the sanitizer (issue 14 may swap it), and it is only a cost bound: the sanitizer still sees, and
 * cleans, everything that remains.
 *
 * Where parsers differ the pass reads *more* markup than they do, so its depth is never below
 * theirs: a tag ends at the first `>` outside a quoted attribute value, end tags, comments (`<!`),
 * processing instructions (`<?`) and doctypes end at the first `>`, and raw-text elements (`<script>`,
 * `<style>`, `<textarea>`, `<title>`) are scanned like any other content.
 *
 * @module
 */

/** WHATWG HTML §13.1.2 void elements, plus the obsolete ones htmlparser2 also treats as void. */
export const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
/** Start tags that close the open element on top of the stack when it is one of these (htmlparser2's table). */
export const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['rt', new Set(['rt', 'rp'])],
  ['rp', new Set(['rt', 'rp'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ['body', new Set(['head', 'link', 'script'])],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM] as const),
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul'].map((t) => [t, P] as const),
]);

/** Tags whose removal must not join the words around them. */
const BLOCKISH = new Set([
  'p', 'div', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'blockquote', 'pre', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'aside', 'header', 'footer', 'nav', 'main', 'figure', 'figcaption', 'address', 'details', 'summary',
]);

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** WHATWG "ASCII whitespace", which ends a tag name and separates attributes. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** End of a tag name that starts at `j` (at whitespace, `/` or `>`). */
function nameEnd(html: string, j: number): number {
  while (j < html.length) {
    const c = html.charCodeAt(j);
    if (isSpace(c) || c === 0x2f || c === 0x3e) break;
    j++;
  }
  return j;
}

/**
 * Index after the `>` that ends the start tag whose attributes start at `k` (or the input length):
 * WHATWG §13.2.5.32-38, a value is quoted when its first non-space character after `=` is a quote.
 */
function startTagEnd(html: string, k: number): number {
  const n = html.length;
  while (k < n) {
    const c = html.charCodeAt(k);
    if (c === 0x3e) return k + 1;
    k++;
    if (c !== 0x3d) continue;
    while (k < n && isSpace(html.charCodeAt(k))) k++;
    const q = html.charCodeAt(k);
    if (q === 0x22 || q === 0x27) {
      const e = html.indexOf(q === 0x22 ? '"' : "'", k + 1);
      if (e < 0) return n;
      k = e + 1;
    }
  }
  return n;
}

/** Index after the next `>` from `k` (or the input length). */
function afterGt(html: string, k: number): number {
  const e = html.indexOf('>', k);
  return e < 0 ? html.length : e + 1;
}

/**
 * Unwraps elements nested deeper than `maxDepth` (see the module comment): time linear in the input
 * (times `maxDepth` for end-tag lookups), the output never longer than the input.
 *
 * @param html - untrusted HTML
 * @param maxDepth - deepest nesting of non-void elements kept
 * @returns the same HTML with the start and end tags of deeper elements removed
 * @example
 * ```ts
 * capHtmlNesting('<b><i><u>x</u></i></b>', 2); // '<b><i>x</i></b>'
 * ```
 */
export function capHtmlNesting(html: string, maxDepth: number): string {
  let i = html.indexOf('<');
  if (i < 0) return html;
  const n = html.length;
  const stack: string[] = [];
  /** Open elements dropped since the stack last shrank, by name: their end tags are dropped too. */
  let dropped: Map<string, number> | undefined;
  let out = '';
  let from = 0; // html.slice(from, …) is still to be copied
  const drop = (start: number, end: number, name: string) => {
    out += html.slice(from, start) + (BLOCKISH.has(name) ? ' ' : '');
    from = end;
  };
  while (i >= 0) {
    const c = html.charCodeAt(i + 1);
    let end: number;
    if (isAlpha(c)) {
      const j = nameEnd(html, i + 1);
      const name = html.slice(i + 1, j).toLowerCase();
      end = startTagEnd(html, j);
      const implied = IMPLIES_CLOSE.get(name);
      if (implied !== undefined) {
        while (stack.length > 0 && implied.has(stack[stack.length - 1]!)) {
          stack.pop();
          dropped = undefined;
        }
      }
      if (!VOID.has(name)) {
        if (stack.length < maxDepth) stack.push(name);
        else {
          drop(i, end, name);
          (dropped ??= new Map()).set(name, (dropped.get(name) ?? 0) + 1);
        }
      }
    } else if (c === 0x2f && isAlpha(html.charCodeAt(i + 2))) {
      const j = nameEnd(html, i + 2);
      const name = html.slice(i + 2, j).toLowerCase();
      end = afterGt(html, j);
      const d = dropped?.get(name);
      if (d !== undefined && d > 0) {
        drop(i, end, name);
        dropped!.set(name, d - 1);
      } else {
        const k = stack.lastIndexOf(name);
        if (k >= 0) {
          // Closing an open element closes what is inside it, dropped elements included.
          stack.length = k;
          dropped = undefined;
        } else if (name === 'p' && stack.length >= maxDepth) {
          drop(i, end, name); // a stray </p> opens an empty <p> (WHATWG §13.2.6.4.7) one level deeper
        }
      }
    } else if (c === 0x21 || c === 0x3f) end = afterGt(html, i + 2); // <!…> and <?…>: to the first '>'
    else end = i + 1; // '<' as text, or '</' not followed by a letter: scan on
    if (end >= n) break;
    i = html.indexOf('<', end);
  }
  return from === 0 ? html : out + html.slice(from);
}
