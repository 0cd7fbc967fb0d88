import fc from 'fast-check';
import { fastInline } from '../../src/fallback/parse.js';
const piece = fc.constantFrom('word', 'B2', 'é', ' ', ' ', '*', '**', '_', '.', ',', '?', ':', '-', '[x y](https://e.com/p?q=1#f)', '[M](mailto:a@b.c)', '[u](https://E.com/A)', '#', '=', '+', '\'', '"', '1');
const samples = fc.sample(fc.array(piece, { minLength: 1, maxLength: 14 }), 3000);
let d = 0, withMarkup = 0;
for (const p of samples) { const s = 'w' + p.join(''); if (/\s$/.test(s)) continue; const f = fastInline(s); if (f) { d++; if (f.some((n) => typeof n !== 'string')) withMarkup++; } }
console.log('defined', d, 'with markup', withMarkup);
