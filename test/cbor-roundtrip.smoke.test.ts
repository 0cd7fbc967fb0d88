import { it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { decodeCbor, encodeCbor } from '../src/cbor/index.js';
const dir = '../shared/specs/mimi-content/examples/';
it('re-encodes all draft examples byte for byte', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cbor'));
  expect(files.length).toBe(15);
  for (const f of files) {
    const b = new Uint8Array(readFileSync(dir + f));
    expect(encodeCbor(decodeCbor(b)), f).toEqual(b);
  }
});
