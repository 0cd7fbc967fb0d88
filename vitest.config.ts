import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  resolve: {
    // Lets tests (and the README snippets they run) import the package by its public names.
    alias: [
      { find: /^mimi-kit$/, replacement: `${src}index.ts` },
      { find: /^mimi-kit\/delivery\/(sqlite|postgres)$/, replacement: `${src}delivery/store/$1.ts` },
      { find: /^mimi-kit\/mls\/node-crypto$/, replacement: `${src}mls/nodeCrypto.ts` },
      { find: /^mimi-kit\/(content|fallback|room|mls|vectors|cbor|delivery|protocol|http|http\/node|provider)$/, replacement: `${src}$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
