import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 14 / decisions (Content) #15: no module of mimi-kit/content (nor what it pulls from src/cbor and
// src/errors) imports zod at run time, so no bundle of the content subpath carries it. The sizes themselves are
// checked by `npm run check:bundles`.
describe('mimi-kit/content loads no schema library', () => {
  it('no runtime import of zod in src/content, src/cbor, src/errors*', () => {
    const dirs = ['../../src/content/', '../../src/cbor/', '../../src/errorCodes/'];
    const files = dirs.flatMap((d) => readdirSync(fileURLToPath(new URL(d, import.meta.url))).map((f) => fileURLToPath(new URL(d + f, import.meta.url))));
    files.push(fileURLToPath(new URL('../../src/errors.ts', import.meta.url)));
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      // `import type` is erased by the compiler; any other import or re-export of zod would ship it.
      expect(text, f).not.toMatch(/^\s*(import|export)\s+(?!type\b)[^;]*from\s+['"]zod(\/[^'"]*)?['"]/m);
      expect(text, f).not.toMatch(/import\(\s*['"]zod/);
    }
  });
});
