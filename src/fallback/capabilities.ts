/**
 * Which parts of a message the receiver supports (its `supportedTypes`, draft §7.1) and which
 * alternative of a chooseOne multipart it shows (draft §4.4): fewest unsupported parts, then the
 * preferred language, then the best-ranked type, then the first.
 *
 * @module
 */
import type { MultiPart, NestedPart } from '../content/nestedPart.js';
import type { State } from './renderState.js';
import { parseMediaType } from './text.js';

export function typeSupported(st: State, contentType: string): number {
  const mt = parseMediaType(contentType);
  const slash = mt.essence.indexOf('/');
  const pt = slash < 0 ? mt.essence : mt.essence.slice(0, slash);
  const ps = slash < 0 ? undefined : mt.essence.slice(slash + 1, nextSlash(mt.essence, slash));
  for (let i = 0; i < st.supported.length; i++) {
    const cap = st.supported[i]!;
    const essenceOk = cap.essence === '*/*' || (cap.type === pt && (cap.subtype === '*' || cap.subtype === ps));
    if (!essenceOk) continue;
    const cv = cap.variant;
    const pv = mt.params.variant;
    if (cv !== undefined && pv !== undefined && cv.toLowerCase() !== pv.toLowerCase()) continue;
    return i;
  }
  // Text we can convert (§7.1: "rendering Markdown as plain text is an acceptable form of support")
  // ranks after every listed type but is never "unsupported".
  return isTextType(contentType) ? st.supported.length : Infinity;
}

/** End of the second `/`-separated field (what `split('/')[1]` would give). */
function nextSlash(s: string, slash: number): number {
  const j = s.indexOf('/', slash + 1);
  return j < 0 ? s.length : j;
}

export function unsupportedCount(st: State, p: NestedPart): number {
  switch (p.cardinality) {
    case 'nullpart':
      return 0;
    case 'single':
    case 'external':
      return typeSupported(st, p.contentType) === Infinity ? 1 : 0;
    case 'multi':
      if (p.partSemantics === 'chooseOne') {
        // A loop, not Math.min(...spread): a part may have more children than a call has arguments.
        let min = Infinity;
        for (const c of p.parts) min = Math.min(min, unsupportedCount(st, c));
        return min;
      }
      return p.parts.reduce((n, c) => n + unsupportedCount(st, c), 0);
  }
}

function firstRank(st: State, p: NestedPart): number {
  switch (p.cardinality) {
    case 'nullpart':
      return Infinity;
    case 'single':
    case 'external':
      return typeSupported(st, p.contentType);
    case 'multi': {
      let min = Infinity;
      for (const c of p.parts) min = Math.min(min, firstRank(st, c));
      return min;
    }
  }
}

function partLanguage(p: NestedPart): string {
  if (p.language !== '') return p.language;
  if (p.cardinality === 'multi') {
    for (const c of p.parts) {
      const l = partLanguage(c);
      if (l !== '') return l;
    }
  }
  return '';
}

function langRank(st: State, p: NestedPart): number {
  const prefs = st.ctx.languages ?? [];
  const tags = partLanguage(p)
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (tags.length === 0) return prefs.length;
  for (let i = 0; i < prefs.length; i++) {
    const want = prefs[i]!.toLowerCase();
    if (tags.some((t) => t === want || t.startsWith(want + '-') || want.startsWith(t + '-'))) return i;
  }
  return prefs.length + 1;
}

// draft §4.4 chooseOne: "the receiver picks exactly one part ... according to its own policy".
export function chooseOne(st: State, m: MultiPart): NestedPart {
  let best = m.parts[0]!;
  let bestKey: number[] | undefined;
  m.parts.forEach((p, i) => {
    const key = [unsupportedCount(st, p), langRank(st, p), firstRank(st, p), i];
    if (bestKey === undefined || lexLess(key, bestKey)) {
      best = p;
      bestKey = key;
    }
  });
  return best;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

export function isTextType(ct: string): boolean {
  const e = parseMediaType(ct).essence;
  return e === 'text/plain' || e === 'text/markdown' || e === 'text/html';
}
