import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVectorFile, verifyVectorFile } from '../../src/vectors/index.js';

// The vectors are written field by field from the draft's struct text by scripts/gen-protocol-vectors.ts,
// independently of src/protocol; here every one must pass against mimi-kit.
const DIR = 'spec-vectors/protocol';
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('spec-vectors/protocol', () => {
  it('has the five files', () => {
    expect(files.sort()).toEqual(['bodies.json', 'directory.json', 'errors.json', 'franking.json', 'haven.json']);
  });
  for (const f of files) {
    it(`${f}: every vector passes`, async () => {
      const file = parseVectorFile(readFileSync(`${DIR}/${f}`, 'utf8'), f);
      expect(file.suite).toBe('protocol');
      const report = await verifyVectorFile(file, f, { passed: 0, failed: 0, failures: [] });
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(file.vectors.length);
    });
  }
  it('every negative vector names a protocol/* code', () => {
    for (const f of files) {
      const file = parseVectorFile(readFileSync(`${DIR}/${f}`, 'utf8'), f);
      for (const v of file.vectors) if (v.error !== undefined) expect(v.error).toMatch(/^protocol\//);
    }
  });
});
