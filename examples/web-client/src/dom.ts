/**
 * Tiny DOM helpers: elements built from tag, attributes and children, never from HTML strings (the
 * one HTML string inserted, a message body, comes sanitized from mimi-kit/fallback).
 *
 * @module
 */

type Child = Node | string | null | undefined | false;

/**
 * Creates an element.
 *
 * @param tag - the tag name
 * @param attrs - attributes (`class`, `aria-*`, …); `false`/`undefined` values are left out
 * @param children - child nodes or texts
 * @returns the element
 * @example
 * ```ts
 * h('button', { type: 'button', class: 'action' }, 'Reply');
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * Finds an element by ID, or fails loudly: the page and the code ship together.
 *
 * @param id - the element ID
 * @returns the element
 * @example
 * ```ts
 * const form = byId('composer', HTMLFormElement);
 * ```
 */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing from the page`);
  return el;
}
