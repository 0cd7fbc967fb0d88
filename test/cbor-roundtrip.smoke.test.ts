import { it, expect } from 'vitest';
import { decodeCbor, encodeCbor } from '../src/cbor/index.js';
import { ALL_EXAMPLE_NAMES, exampleBytes } from './support/examples.js';
it('re-encodes all draft examples byte for byte', () => {
  expect(ALL_EXAMPLE_NAMES.length).toBe(15);
  for (const f of ALL_EXAMPLE_NAMES) {
    const b = exampleBytes(f);
    expect(encodeCbor(decodeCbor(b)), f).toEqual(b);
  }
});
