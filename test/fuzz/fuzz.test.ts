/**
 * The short fuzz run (issue 10): every target of test/fuzz/targets.ts, seeded and bounded, so that
 * `npm test` keeps the promise "bad input gets a MimiError, accepted input round-trips and renders
 * safely". The long run is `npm run fuzz` (scripts/fuzz.ts), same targets.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '../../src/cbor/index.js';
import { TARGETS, prepare, runInput } from './targets.js';

/** Fixed so that a failure reproduces; FUZZ_SEED overrides it (e.g. in CI, to widen coverage over time). */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261201);

/** Inputs per target: bounded so the whole file runs in a few seconds on a loaded 2-core host. */
const RUNS: Record<string, number> = { mls: 60, conversation: 60, render: 80, content: 100, validate: 120, 'content-json': 200 };

beforeAll(() => prepare(TARGETS));

describe('fuzz (short run): only MimiError on bad input, invariants on accepted input', () => {
  for (const target of TARGETS) {
    it(`${target.name}: ${target.api}`, async () => {
      const stats = { accepted: 0, rejected: 0 };
      const details = await fc.check(
        fc.asyncProperty(target.inputs(), async (input) => {
          const outcome = await runInput(target, input);
          if (outcome.kind === 'failure') throw new Error(outcome.summary);
          stats[outcome.kind]++;
        }),
        { seed: SEED, numRuns: RUNS[target.name] ?? 300 },
      );
      if (details.failed) {
        // fast-check has shrunk the input; keep the report short and the whole reproducer in a file.
        const input = details.counterexample![0];
        const file = join(tmpdir(), `mimi-fuzz-${target.name}-${SEED}.hex`);
        writeFileSync(file, bytesToHex(input) + '\n');
        const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        expect.fail(`${why}\n${input.length} bytes, reproducer in ${file} (replay: npm run fuzz -- --target ${target.name} --replay ${file}): ${bytesToHex(input.subarray(0, 96))}${input.length > 96 ? '…' : ''}`);
      }
      // The inputs reach past the first check: some are accepted, some refused.
      expect(stats.accepted).toBeGreaterThan(0);
      if (!target.acceptsAll) expect(stats.rejected).toBeGreaterThan(0);
    });
  }
});
