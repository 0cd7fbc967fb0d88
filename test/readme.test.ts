// Runs every ```ts block of README.md (imports of 'mimi-kit/…' resolve to src/ through vitest.config.ts),
// so the quick start cannot drift from the API.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = fileURLToPath(new URL('./.readme-snippets/', import.meta.url));

describe('README quick start', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('has TypeScript snippets', () => expect(blocks.length).toBeGreaterThanOrEqual(2));
  blocks.forEach((code, i) => {
    it(`snippet ${i + 1} runs`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = `${dir}snippet-${i + 1}.ts`;
      writeFileSync(file, `${code}\nexport {};\n`);
      await import(/* @vite-ignore */ file);
    });
  });
});
