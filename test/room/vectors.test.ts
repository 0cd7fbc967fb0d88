import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVectorFile, verifyVectorFile } from '../../src/vectors/verify.js';
import { roomSuite } from '../../src/vectors/room.js';

const DIR = 'spec-vectors/room';
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('spec-vectors/room', () => {
  it('has the four files', () => {
    expect(files.sort()).toEqual(['authorization.json', 'components.json', 'decode-errors.json', 'participant-list-updates.json']);
  });
  for (const f of files) {
    it(`${f} verifies`, async () => {
      const file = parseVectorFile(readFileSync(`${DIR}/${f}`, 'utf8'), f);
      expect(file.suite).toBe('room');
      const report = await verifyVectorFile(file, f, { passed: 0, failed: 0, failures: [] });
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(file.vectors.length);
    });
  }
  it('the verifiers notice a wrong expectation', async () => {
    const enc = parseVectorFile(readFileSync(`${DIR}/components.json`, 'utf8'), 'c');
    const v = enc.vectors[0]!;
    expect(await roomSuite.verifiers['component-encoding']!({ ...v, expected: { hex: '00' } })).toMatch(/encoding/);
    const az = parseVectorFile(readFileSync(`${DIR}/authorization.json`, 'utf8'), 'a').vectors[3]!;
    const results = (az.expected as { results: string[] }).results.map((r) => (r === 'ok' ? 'room/missing-capability' : 'ok'));
    expect(await roomSuite.verifiers['authorization']!({ ...az, expected: { results } })).toMatch(/got/);
    const err = parseVectorFile(readFileSync(`${DIR}/decode-errors.json`, 'utf8'), 'd').vectors[0]!;
    expect(await roomSuite.verifiers['component-decoding-error']!({ ...err, error: 'tls/other' })).toMatch(/expected tls\/other/);
  });
});
