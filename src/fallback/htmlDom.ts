/**
 * The HTML parser in browsers: the platform's own parser (`DOMParser`, WHATWG HTML §13.2 in full), whose
 * document is inert (no browsing context: scripts never run, nothing loads, scripting is off), walked with
 * the allowlist into the tree. Also decodes markdown's `&name;` references with an inert `<textarea>`.
 *
 * @module
 */
import type { TreeBuilder } from './allowlist.js';

/** The parts of the DOM used here, so that the module type-checks without the DOM library. */
interface DomNode {
  readonly nodeType: number;
  readonly nodeValue: string | null;
  readonly localName?: string;
  readonly childNodes: ArrayLike<DomNode>;
  readonly attributes?: ArrayLike<{ readonly name: string; readonly value: string }>;
  /** `<template>`: its content lives in a fragment. */
  readonly content?: DomNode;
  innerHTML?: string;
  readonly value?: string;
}
interface DomDocument {
  readonly documentElement: DomNode;
  createElement(name: string): DomNode;
}
interface DomParserCtor {
  new (): { parseFromString(s: string, type: 'text/html'): DomDocument };
}

/**
 * The platform's `DOMParser`, or undefined outside a window (Node, workers).
 *
 * @returns the constructor
 * @example
 * ```ts
 * domParser() !== undefined; // true in a browser page
 * ```
 */
export function domParser(): DomParserCtor | undefined {
  const p = (globalThis as { DOMParser?: unknown }).DOMParser;
  return typeof p === 'function' ? (p as DomParserCtor) : undefined;
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/**
 * Parses `html` with the browser's parser and feeds the document to `b` (head and body: a leading
 * `<title>` lands in the head), iteratively, so the DOM's depth never reaches the JS stack.
 *
 * @param Parser - `DOMParser`
 * @param html - untrusted HTML (already depth-capped)
 * @param b - the allowlist tree builder
 * @example
 * ```ts
 * parseHtmlDom(DOMParser, '<b onclick=x>hi</b>', b); // b gets <b> with no attribute, then "hi"
 * ```
 */
export function parseHtmlDom(Parser: DomParserCtor, html: string, b: TreeBuilder): void {
  const doc = new Parser().parseFromString(html, 'text/html');
  // Each entry: a node to visit, or null for "close the element opened before".
  const todo: (DomNode | null)[] = [];
  const push = (list: ArrayLike<DomNode>) => {
    for (let i = list.length - 1; i >= 0; i--) todo.push(list[i]!);
  };
  push(doc.documentElement.childNodes);
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (n === null) {
      b.close();
      continue;
    }
    if (n.nodeType === TEXT || n.nodeType === CDATA) b.text(n.nodeValue ?? '');
    else if (n.nodeType === ELEMENT) {
      const name = n.localName ?? '';
      const attrs = n.attributes;
      b.open(name, () => (attrs ? Array.from(attrs, (a) => [a.name.toLowerCase(), a.value] as const) : []));
      todo.push(null);
      push(name === 'template' && n.content ? n.content.childNodes : n.childNodes);
    }
    // Comments, processing instructions and doctypes are dropped.
  }
}

let textarea: DomNode | undefined;
const cache = new Map<string, string>();

/**
 * Decodes CommonMark §6.2 references (`&name;` with a name of the HTML table) with the browser's table,
 * through an inert `<textarea>` (RCDATA: references are decoded, markup is not parsed).
 *
 * @param Parser - `DOMParser`
 * @param s - markdown text
 * @returns the text with its `&name;` references decoded
 * @example
 * ```ts
 * decodeNamedDom(DOMParser, 'a &CounterClockwiseContourIntegral; b'); // 'a ∳ b'
 * ```
 */
export function decodeNamedDom(Parser: DomParserCtor, s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&[A-Za-z][A-Za-z0-9]{0,31};/g, (ref) => {
    let v = cache.get(ref);
    if (v === undefined) {
      textarea ??= new Parser().parseFromString('', 'text/html').createElement('textarea');
      textarea.innerHTML = ref;
      const out = textarea.value ?? ref;
      // A legacy prefix decoded without `;` (`&copyx;` gives "©x;") is not a §6.2 reference.
      v = out.endsWith(';') && ref !== '&semi;' ? ref : out;
      if (cache.size < 4096) cache.set(ref, v);
    }
    return v;
  });
}
