/**
 * Character references (WHATWG HTML §13.2.5.72-80) for the parsers that run without a DOM: the HTML
 * tokenizer (text and attribute values) and the markdown tree (CommonMark §6.2, `&name;` only).
 *
 * The full table of 2 231 names costs ~12-16 kB gzip, a third of the fallback's budget, so it is not in
 * the portable entry: by default a compact table decodes the HTML 4 names (the 106 legacy names that
 * HTML also accepts without `;`, Greek, punctuation, arrows, maths) and every numeric reference; an
 * unknown name stays as it was written, as text (escaped on output, so never markup). The `node` entry
 * (`index.node.ts`) installs the full table from `entities`, and in a browser the DOM decodes (the
 * document parser for HTML, an inert `<textarea>` for markdown). Decision D23.
 *
 * @module
 */

/**
 * Decoding of the character references in one run of source text.
 * @example
 * ```ts
 * const d: RefDecoder = refDecoder();
 * d.attr('?a=1&copy=2'); // unchanged: a legacy name before "=" in an attribute (§13.2.5.73)
 * ```
 */
export interface RefDecoder {
  /** Text content: legacy names without `;` are decoded, also before a letter (§13.2.5.73). */
  readonly text: (s: string) => string;
  /** Attribute values: a legacy name without `;` before `=` or an alphanumeric stays as written. */
  readonly attr: (s: string) => string;
  /** CommonMark §6.2: only `&name;` with a known name, and numeric references. */
  readonly strict: (s: string) => string;
}

/** Latin-1 names, U+00A0 onwards in order: the WHATWG legacy names (decoded without `;` too). */
const LATIN1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

/** The other HTML 4 names (`name hex`), plus `apos`; legacy (no `;` needed): `amp lt gt quot` and upper-case twins. */
const OTHERS =
  'quot 22 amp 26 apos 27 lt 3c gt 3e QUOT 22 AMP 26 LT 3c GT 3e COPY a9 REG ae OElig 152 oelig 153 Scaron 160 scaron 161 Yuml 178 fnof 192 circ 2c6 tilde 2dc ' +
  'Alpha 391 Beta 392 Gamma 393 Delta 394 Epsilon 395 Zeta 396 Eta 397 Theta 398 Iota 399 Kappa 39a Lambda 39b Mu 39c Nu 39d Xi 39e Omicron 39f Pi 3a0 Rho 3a1 Sigma 3a3 Tau 3a4 Upsilon 3a5 Phi 3a6 Chi 3a7 Psi 3a8 Omega 3a9 ' +
  'alpha 3b1 beta 3b2 gamma 3b3 delta 3b4 epsilon 3b5 zeta 3b6 eta 3b7 theta 3b8 iota 3b9 kappa 3ba lambda 3bb mu 3bc nu 3bd xi 3be omicron 3bf pi 3c0 rho 3c1 sigmaf 3c2 sigma 3c3 tau 3c4 upsilon 3c5 phi 3c6 chi 3c7 psi 3c8 omega 3c9 thetasym 3d1 upsih 3d2 piv 3d6 ' +
  'ensp 2002 emsp 2003 thinsp 2009 zwnj 200c zwj 200d lrm 200e rlm 200f ndash 2013 mdash 2014 lsquo 2018 rsquo 2019 sbquo 201a ldquo 201c rdquo 201d bdquo 201e dagger 2020 Dagger 2021 bull 2022 hellip 2026 permil 2030 prime 2032 Prime 2033 lsaquo 2039 rsaquo 203a oline 203e frasl 2044 euro 20ac ' +
  'image 2111 weierp 2118 real 211c trade 2122 alefsym 2135 larr 2190 uarr 2191 rarr 2192 darr 2193 harr 2194 crarr 21b5 lArr 21d0 uArr 21d1 rArr 21d2 dArr 21d3 hArr 21d4 ' +
  'forall 2200 part 2202 exist 2203 empty 2205 nabla 2207 isin 2208 notin 2209 ni 220b prod 220f sum 2211 minus 2212 lowast 2217 radic 221a prop 221d infin 221e ang 2220 and 2227 or 2228 cap 2229 cup 222a int 222b there4 2234 sim 223c cong 2245 asymp 2248 ne 2260 equiv 2261 le 2264 ge 2265 sub 2282 sup 2283 nsub 2284 sube 2286 supe 2287 oplus 2295 otimes 2297 perp 22a5 sdot 22c5 ' +
  'lceil 2308 rceil 2309 lfloor 230a rfloor 230b lang 27e8 rang 27e9 loz 25ca spades 2660 clubs 2663 hearts 2665 diams 2666';

let named: Map<string, string> | undefined;
let legacy: Set<string> | undefined;

function table(): Map<string, string> {
  if (named) return named;
  named = new Map();
  legacy = new Set(['quot', 'amp', 'lt', 'gt', 'QUOT', 'AMP', 'LT', 'GT', 'COPY', 'REG']);
  LATIN1.split(' ').forEach((n, i) => {
    named!.set(n, String.fromCharCode(0xa0 + i));
    legacy!.add(n);
  });
  const o = OTHERS.split(' ');
  for (let i = 0; i < o.length; i += 2) named.set(o[i]!, String.fromCodePoint(parseInt(o[i + 1]!, 16)));
  return named;
}

/** WHATWG §13.2.5.80: C1 controls named by a numeric reference mean their windows-1252 character. */
const C1 = '20ac,81,201a,192,201e,2026,2020,2021,2c6,2030,160,2039,152,8d,17d,8f,90,2018,2019,201c,201d,2022,2013,2014,2dc,2122,161,203a,153,9d,17e,178'.split(',').map((h) => parseInt(h, 16));

/**
 * The character a numeric reference stands for (§13.2.5.80 "numeric character reference end state").
 *
 * @param cp - the number written
 * @returns the character
 * @example
 * ```ts
 * numericRef(0x80); // '€'
 * ```
 */
export function numericRef(cp: number): string {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  if (cp >= 0x80 && cp <= 0x9f) return String.fromCodePoint(C1[cp - 0x80]!);
  return String.fromCodePoint(cp);
}

const REF = /&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*)(;?))/g;

function num(hex: string | undefined, dec: string | undefined): string {
  // Long runs of digits only overflow to U+FFFD: parse a bounded prefix.
  const digits = (hex ?? dec)!;
  if (digits.replace(/^0+/, '').length > 8) return '\ufffd';
  return numericRef(parseInt(digits, hex !== undefined ? 16 : 10));
}

type Mode = 0 | 1 | 2; // text, attribute, strict

function decodeWith(s: string, mode: Mode): string {
  if (!s.includes('&')) return s;
  const t = table();
  return s.replace(REF, (m, hex: string | undefined, dec: string | undefined, name: string | undefined, semi: string, at: number) => {
    if (name === undefined) return mode === 2 && !m.endsWith(';') ? m : num(hex, dec);
    if (semi) {
      const v = t.get(name);
      if (v !== undefined) return v;
      if (mode === 2) return m;
    } else if (mode === 2) return m;
    // A legacy name decodes without `;`, as the longest prefix of the run (§13.2.5.73).
    for (let k = Math.min(name.length, 6); k >= 2; k--) {
      const p = name.slice(0, k);
      if (!legacy!.has(p)) continue;
      if (mode === 1) {
        const next = k < name.length ? name[k]! : s[at + m.length] ?? '';
        if (next === '=' || /[A-Za-z0-9]/.test(next)) return m;
      }
      return t.get(p)! + m.slice(k + 1);
    }
    return m;
  });
}

/**
 * The default decoder: compact table, numeric references in full.
 * @example
 * ```ts
 * COMPACT_DECODER.text('&eacute;&#x20AC;&starf;'); // 'é€&starf;' (no full table here)
 * ```
 */
export const COMPACT_DECODER: RefDecoder = {
  text: (s) => decodeWith(s, 0),
  attr: (s) => decodeWith(s, 1),
  strict: (s) => decodeWith(s, 2),
};

let current: RefDecoder = COMPACT_DECODER;

/**
 * Installs the decoder used by the DOM-free parsers (the `node` entry installs the full table).
 *
 * @param d - the decoder
 * @example
 * ```ts
 * setRefDecoder({ text: decodeHTML, attr: decodeHTMLAttribute, strict: decodeHTMLStrict });
 * ```
 */
export function setRefDecoder(d: RefDecoder): void {
  current = d;
}

/**
 * The decoder in use.
 *
 * @returns the installed decoder
 * @example
 * ```ts
 * refDecoder().text('&eacute;t&eacute;'); // 'été'
 * ```
 */
export function refDecoder(): RefDecoder {
  return current;
}
