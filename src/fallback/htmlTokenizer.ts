/**
 * The HTML parser for environments without a DOM (Node, workers): a tokenizer following the WHATWG HTML
 * tokenizer (§13.2.5) for what the allowlist needs, and htmlparser2's simple open-element stack for the
 * tree (implied end tags, void elements, `</p>` and `</br>`), so that the result is the tree sanitize-html
 * gave (checked by a differential test against it; the differences are listed in decision D23).
 *
 * Tokens: start tags with attributes (names lower-cased, values decoded, quoted values may hold `>`), end
 * tags (their attributes read and ignored), comments (`<!-->`, `<!--->`, ending at `-->` or `--!>`), bogus
 * comments (`<!…>` including doctypes and CDATA sections, `<?…>`, `</…>` not followed by a letter: to the
 * first `>`), text with character references. A tag cut by the end of the input is dropped. The content
 * of `script`, `style`, `xmp`, `iframe`, `noembed`, `noframes` (RAWTEXT/script data) and `textarea`
 * (RCDATA) runs to the matching end tag and is dropped; `title` (RCDATA) keeps its decoded text;
 * `plaintext` makes the rest of the input text.
 *
 * @module
 */
import type { TreeBuilder } from './allowlist.js';
import type { RefDecoder } from './entities.js';
import { IMPLIES_CLOSE, VOID } from './htmlDepth.js';

const RAW = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'textarea', 'title']);
const RCDATA = new Set(['textarea', 'title']);
const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);
const COMMENT_END = /--!?>/g;

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** WHATWG "ASCII whitespace" as the tokenizer uses it (tab, LF, FF, CR, space). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

interface Tag {
  readonly name: string;
  readonly attrs: [string, string][];
  readonly selfClosing: boolean;
  /** Index after the tag's `>`. */
  readonly end: number;
}

/**
 * Reads a start or end tag whose name starts at `j` (§13.2.5.8-40); undefined when the input ends
 * inside it (the tag is then dropped, §13.2.5 "eof-in-tag").
 */
function readTag(html: string, j: number, dec: RefDecoder, wantAttrs: boolean): Tag | undefined {
  const n = html.length;
  let k = j;
  while (k < n) {
    const c = html.charCodeAt(k);
    if (isSpace(c) || c === 0x2f || c === 0x3e) break;
    k++;
  }
  const name = html.slice(j, k).toLowerCase();
  const attrs: [string, string][] = [];
  while (k < n) {
    const c = html.charCodeAt(k);
    if (isSpace(c)) {
      k++;
      continue;
    }
    if (c === 0x3e) return { name, attrs, selfClosing: false, end: k + 1 };
    if (c === 0x2f) {
      if (html.charCodeAt(k + 1) === 0x3e) return { name, attrs, selfClosing: true, end: k + 2 };
      k++;
      continue;
    }
    // Attribute name: a leading `=` belongs to it (§13.2.5.32).
    const a = k;
    k++;
    while (k < n) {
      const d = html.charCodeAt(k);
      if (isSpace(d) || d === 0x2f || d === 0x3e || d === 0x3d) break;
      k++;
    }
    const attrName = html.slice(a, k).toLowerCase();
    while (k < n && isSpace(html.charCodeAt(k))) k++;
    let value = '';
    if (html.charCodeAt(k) === 0x3d) {
      k++;
      while (k < n && isSpace(html.charCodeAt(k))) k++;
      const q = html.charCodeAt(k);
      if (q === 0x22 || q === 0x27) {
        const e = html.indexOf(q === 0x22 ? '"' : "'", k + 1);
        if (e < 0) return undefined;
        value = html.slice(k + 1, e);
        k = e + 1;
      } else {
        const v = k;
        while (k < n) {
          const d = html.charCodeAt(k);
          if (isSpace(d) || d === 0x3e) break;
          k++;
        }
        value = html.slice(v, k);
      }
    }
    if (wantAttrs) attrs.push([attrName, dec.attr(value)]);
  }
  return undefined;
}

/** Index after the first `>` from `k`, or the input length (bogus comment, §13.2.5.41). */
function afterGt(html: string, k: number): number {
  const e = html.indexOf('>', k);
  return e < 0 ? html.length : e + 1;
}

const rawEnds = new Map<string, RegExp>();
function rawEnd(name: string): RegExp {
  let re = rawEnds.get(name);
  if (!re) rawEnds.set(name, (re = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi')));
  return re;
}

/**
 * Parses untrusted HTML into `b` (see the module comment). Time linear in the input (times the open
 * element stack, which the caller bounds with `capHtmlNesting`).
 *
 * @param html - untrusted HTML
 * @param b - the allowlist tree builder
 * @param dec - character reference decoder
 * @example
 * ```ts
 * const b = new TreeBuilder();
 * parseHtmlTokens('<p>a<b>b</p>', b, refDecoder());
 * b.finish(); // [{ tag: 'p', attrs: {}, children: ['a', { tag: 'b', attrs: {}, children: ['b'] }] }]
 * ```
 */
export function parseHtmlTokens(html: string, b: TreeBuilder, dec: RefDecoder): void {
  const n = html.length;
  const stack: string[] = [];
  const foreign: boolean[] = [false];
  const pop = () => {
    stack.pop();
    b.close();
  };
  let from = 0; // start of pending text
  let i = html.indexOf('<');
  const flush = (to: number) => {
    if (to > from) b.text(dec.text(html.slice(from, to)));
  };
  while (i >= 0 && i < n) {
    const c = html.charCodeAt(i + 1);
    if (isAlpha(c)) {
      const t = readTag(html, i + 1, dec, true);
      flush(i);
      if (t === undefined) {
        from = n;
        break;
      }
      from = t.end;
      const implied = IMPLIES_CLOSE.get(t.name);
      if (implied !== undefined) while (stack.length > 0 && implied.has(stack[stack.length - 1]!)) pop();
      b.open(t.name, () => t.attrs);
      if (VOID.has(t.name)) b.close();
      else {
        stack.push(t.name);
        if (FOREIGN.has(t.name)) foreign.push(true);
        else if (INTEGRATION.has(t.name)) foreign.push(false);
        // htmlparser2 honours `/>` only in SVG/MathML content (WHATWG: on foreign elements).
        if (t.selfClosing && foreign[foreign.length - 1]) pop();
        else if (t.name === 'plaintext') {
          flush(n); // §13.2.5.7: everything after is text
          from = n;
          break;
        } else if (RAW.has(t.name)) {
          const re = rawEnd(t.name);
          re.lastIndex = from;
          const m = re.exec(html);
          const end = m ? m.index : n;
          if (end > from) {
            const s = html.slice(from, end);
            b.text(RCDATA.has(t.name) ? dec.text(s) : s);
          }
          from = end;
          i = end;
          if (!m) break;
          continue;
        }
      }
      i = html.indexOf('<', from);
      continue;
    }
    if (c === 0x2f) {
      const d = html.charCodeAt(i + 2);
      if (isAlpha(d)) {
        const t = readTag(html, i + 2, dec, false);
        flush(i);
        if (t === undefined) {
          from = n;
          break;
        }
        from = t.end;
        if (FOREIGN.has(t.name) || INTEGRATION.has(t.name)) if (foreign.length > 1) foreign.pop();
        if (!VOID.has(t.name)) {
          const k = stack.lastIndexOf(t.name);
          if (k >= 0) while (stack.length > k) pop();
          else if (t.name === 'p') {
            b.open('p', () => []); // a stray </p> is an empty paragraph (§13.2.6.4.7)
            b.close();
          }
        } else if (t.name === 'br') {
          b.open('br', () => []); // </br> is a <br> (§13.2.6.4.7)
          b.close();
        }
        i = html.indexOf('<', from);
        continue;
      }
      if (i + 2 >= n) break; // "</" at the end is text
      flush(i);
      from = d === 0x3e ? i + 3 : afterGt(html, i + 2); // "</>" is nothing; else a bogus comment
      i = html.indexOf('<', from);
      continue;
    }
    if (c === 0x21 || c === 0x3f) {
      flush(i);
      if (c === 0x21 && html.startsWith('<!--', i)) {
        if (html.startsWith('>', i + 4)) from = i + 5;
        else if (html.startsWith('->', i + 4)) from = i + 6;
        else {
          COMMENT_END.lastIndex = i + 4;
          const m = COMMENT_END.exec(html);
          from = m ? m.index + m[0].length : n;
        }
      } else from = afterGt(html, i + 2);
      i = html.indexOf('<', from);
      continue;
    }
    i = html.indexOf('<', i + 1); // '<' as text
  }
  flush(n);
}
