import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVectorFile, verifyVectorFile, type VerifyReport } from '../../src/vectors/verify.js';

const DIR = new URL('../../spec-vectors/fallback/', import.meta.url);

describe('spec-vectors/fallback', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  it('has vector files', () => expect(files.length).toBeGreaterThanOrEqual(3));
  for (const f of files) {
    it(f, async () => {
      const file = parseVectorFile(readFileSync(new URL(f, DIR), 'utf8'), f);
      expect(file.suite).toBe('fallback');
      const report: VerifyReport = await verifyVectorFile(file, f, { passed: 0, failed: 0, failures: [] });
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(file.vectors.length);
    });
  }
});
