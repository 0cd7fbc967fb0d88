import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Walks the static and dynamic import graph of a source entry point (import specifiers are written
// with `.js` suffixes; sources are `.ts`). Type-only imports are erased at build time and skipped.
function reachable(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const stack = [resolve(entry)];
  const importRe = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
  const dynamicRe = /import\(\s*['"]([^'"]+)['"]\s*\)/g;
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    const specs: string[] = [];
    for (const m of text.matchAll(importRe)) if (!m[2]) specs.push(m[3]!);
    for (const m of text.matchAll(dynamicRe)) specs.push(m[1]!);
    for (const spec of specs) {
      if (spec.startsWith('.')) {
        const target = join(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(target)) stack.push(target);
      } else bare.add(spec);
    }
  }
  return { files, bare };
}

describe('entry points load only what they need', () => {
  for (const entry of ['src/content/index.ts', 'src/fallback/index.ts', 'src/fallback/index.node.ts', 'src/room/index.ts', 'src/delivery/index.ts', 'src/protocol/index.ts', 'src/http/index.ts', 'src/index.ts']) {
    it(`${entry} never loads ts-mls nor a node: module (runs in browsers)`, () => {
      if (!existsSync(entry)) return;
      const { bare } = reachable(entry);
      const offending = [...bare].filter((s) => s === 'ts-mls' || s.startsWith('ts-mls/') || s.startsWith('node:'));
      expect(offending).toEqual([]);
    });
  }

  for (const entry of ['src/cli/content-commands.ts', 'src/cli/fallback-commands.ts', 'src/cli/room-commands.ts', 'src/vectors/content.ts']) {
    it(`${entry} never loads ts-mls (mimi decode/render/room/vectors stay light)`, () => {
      const { bare } = reachable(entry);
      expect([...bare].filter((s) => s.startsWith('ts-mls'))).toEqual([]);
    });
  }

  it('only src/mls imports ts-mls and only src/cbor-adjacent code stays free of cbor-x', () => {
    const all = reachable('src/index.ts');
    for (const f of all.files) expect(f.includes('/src/mls/') || !readFileSync(f, 'utf8').includes("'ts-mls")).toBe(true);
  });

  it('src/delivery/index.ts never loads better-sqlite3 (the SQLite store is mimi-kit/delivery/sqlite)', () => {
    const { bare, files } = reachable('src/delivery/index.ts');
    expect([...bare].filter((s) => s.startsWith('better-sqlite3'))).toEqual([]);
    expect([...files].some((f) => f.endsWith('/src/delivery/store/sqlite.ts'))).toBe(false);
  });
});
