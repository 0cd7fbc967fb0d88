/**
 * The state of one render call: the context, the rules applied and warnings raised so far, the mentions
 * found, the depth-first part index (draft §4.4) and the parsed `supportedTypes`; plus the helpers that
 * record into it and the short-label cleaning every part of the renderer shares.
 *
 * @module
 */
import type { NestedPart } from '../content/nestedPart.js';
import { translator, type Translate } from './i18n.js';
import type { RuleId } from './rules.js';
import type { EmitEnv } from './tree.js';
import { parseMediaType } from './text.js';
import type { RenderContext, RenderWarning } from './types.js';

/**
 * Media types the renderer turns into text, in default preference order (§7.1).
 * @example
 * ```ts
 * import { DEFAULT_SUPPORTED_TYPES, render } from 'mimi-kit/fallback';
 * render(content, { supportedTypes: DEFAULT_SUPPORTED_TYPES.filter((t) => t !== 'text/html') });
 * ```
 */
export const DEFAULT_SUPPORTED_TYPES: readonly string[] = [
  'text/markdown;variant=GFM-MIMI',
  'text/markdown;variant=CommonMark',
  'text/html',
  'text/plain',
];

/** A rendered fragment in the three forms. */
export interface Block {
  text: string;
  markdown: string;
  html: string;
}

export interface State {
  readonly ctx: RenderContext;
  readonly t: Translate;
  readonly locale: string;
  /** Created with the first rule or warning (an array literal is sized to fit; a push onto `[]` is not). */
  rules: RuleId[] | undefined;
  warnings: RenderWarning[] | undefined;
  mentions: Set<string> | undefined;
  readonly root: NestedPart;
  index: { parts: NestedPart[]; indexOf: Map<NestedPart, number> } | undefined;
  env?: EmitEnv;
  /** Part indexes already shown through a cid: reference. */
  consumed: Set<number> | undefined;
  readonly supported: readonly Cap[];
  /** Silent mode: used to compare alternatives without recording rules or warnings. */
  readonly silent: boolean;
}

export function newState(ctx: RenderContext, root: NestedPart, silent = false): State {
  return {
    ctx,
    t: translator(ctx),
    locale: ctx.locale ?? 'en',
    rules: undefined,
    warnings: undefined,
    mentions: undefined,
    root,
    index: undefined,
    consumed: undefined,
    supported: parsedCaps(ctx.supportedTypes ?? DEFAULT_SUPPORTED_TYPES),
    silent,
  };
}

/** The depth-first part index (draft §4.4), built only when a cid: reference needs it. */
export function partIndex(st: State): { parts: NestedPart[]; indexOf: Map<NestedPart, number> } {
  if (st.index) return st.index;
  const parts: NestedPart[] = [];
  const indexOf = new Map<NestedPart, number>();
  // draft §4.4: "an implied part index, which is a zero-indexed, depth-first integer".
  const walk = (p: NestedPart) => {
    indexOf.set(p, parts.length);
    parts.push(p);
    if (p.cardinality === 'multi') for (const c of p.parts) walk(c);
  };
  walk(st.root);
  return (st.index = { parts, indexOf });
}

/** A capability of `supportedTypes`, parsed once. */
export interface Cap {
  readonly essence: string;
  readonly type: string;
  readonly subtype: string | undefined;
  readonly variant: string | undefined;
}

const CAPS = new WeakMap<readonly string[], readonly Cap[]>();
let lastTypes: readonly string[] | undefined;
let lastCaps: readonly Cap[] = [];
function parsedCaps(types: readonly string[]): readonly Cap[] {
  if (types === lastTypes) return lastCaps;
  let c = CAPS.get(types);
  if (!c) {
    c = types.map((t) => {
      const mt = parseMediaType(t);
      const [type = '', subtype] = mt.essence.split('/');
      return { essence: mt.essence, type, subtype, variant: mt.params.variant };
    });
    CAPS.set(types, c);
  }
  lastTypes = types;
  return (lastCaps = c);
}

export function rule(st: State, id: RuleId): void {
  if (st.silent) return;
  if (st.rules === undefined) st.rules = [id];
  else if (!st.rules.includes(id)) st.rules.push(id);
}

export function warn(st: State, code: RenderWarning['code'], detail: string): void {
  if (st.silent) return;
  if (st.warnings === undefined) st.warnings = [{ code, detail }];
  else if (!st.warnings.some((w) => w.code === code && w.detail === detail)) st.warnings.push({ code, detail });
}

/** Removes bidi overrides/isolates and control characters from short labels (names, reactions). */
export function cleanLabel(s: string): string {
  return (UNSAFE_LABEL.test(s) ? s.replace(UNSAFE_LABEL_G, '') : s).trim();
}

const UNSAFE_LABEL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]/;
const UNSAFE_LABEL_G = new RegExp(UNSAFE_LABEL.source, 'g');

export function nameOf(st: State, uri: string | undefined): string {
  if (uri === undefined || uri === '') return st.t('sender.unknown');
  const n = st.ctx.displayName?.(uri);
  const c = n === undefined ? '' : cleanLabel(n);
  return c === '' ? uri : c;
}
