#!/usr/bin/env node
// Every public export (function, class, constant, enum) of every entry point must have a doc comment with an
// @example; typedoc itself checks that everything is documented (typedoc.json `validation`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'mimi-kit-docs-'));
try {
  const out = join(dir, 'api.json');
  execFileSync('npx', ['typedoc', '--json', out, '--treatWarningsAsErrors'], { stdio: 'inherit' });
  const api = JSON.parse(readFileSync(out, 'utf8'));
  const kinds = new Set([8, 32, 64, 128]); // enum, variable, function, class
  const missing = [];
  for (const module of api.children ?? []) {
    for (const r of module.children ?? []) {
      if (!kinds.has(r.kind)) continue;
      const comment = r.comment ?? r.signatures?.[0]?.comment;
      if (!comment?.blockTags?.some((t) => t.tag === '@example')) missing.push(`${module.name}.${r.name}`);
    }
  }
  if (missing.length > 0) {
    console.error(`exports without an @example: ${missing.join(', ')}`);
    process.exit(1);
  }
  console.log(`docs: every export of ${api.children.length} entry points is documented with an example`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
