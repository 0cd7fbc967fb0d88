// mimi-kit/http is web-standard: its import graph reaches no node: module, no ts-mls, no undici, no SQLite
// (the Node server and fetch are mimi-kit/http/node). Static walk of the sources, as test/packaging does.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function reachable(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const stack = [resolve(entry)];
  const importRe = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(importRe)) {
      if (m[2]) continue; // type-only: erased
      const spec = m[3]!;
      if (spec.startsWith('.')) {
        const target = join(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(target)) stack.push(target);
      } else bare.add(spec);
    }
  }
  return { files, bare };
}

describe('mimi-kit/http boundaries', () => {
  it('src/http/index.ts loads no node: module, ts-mls, undici or better-sqlite3', () => {
    const { files, bare } = reachable('src/http/index.ts');
    expect([...bare].filter((s) => s.startsWith('node:') || s.startsWith('ts-mls') || s === 'undici' || s === 'better-sqlite3')).toEqual([]);
    expect([...files].some((f) => f.includes(`${join('src', 'http', 'node')}`))).toBe(false);
  });

  it('src/http/node/index.ts is where node:https, node:tls and undici come in', () => {
    const { bare } = reachable('src/http/node/index.ts');
    expect(bare).toContain('node:https');
    expect(bare).toContain('undici');
    expect([...bare].filter((s) => s.startsWith('ts-mls'))).toEqual([]);
  });
});
