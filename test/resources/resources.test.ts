/**
 * Resource tests (issue 10): each class of input that once crashed, hung or exhausted memory runs in a
 * child process whose V8 heap is limited to a base plus a constant times the input size
 * (test/resources/cases.ts, docs/limits.md). The test asserts only that the child completed under that
 * limit and that the result is a value or a MimiError: times are measured by the bench
 * (bench/resources.ts), never asserted here. The child is killed after a generous timeout (a hang).
 */
import { describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { runChild } from './spawn.js';

const MiB = 2 ** 20;

/** Two children at a time: the host has two cores, shared. */
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

describe.concurrent('resources: every case completes under a heap limit linear in its input', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.testN} ${c.unit} (${c.issueClass}), heap ≤ base + ${c.heapFactor}× input`, async () => {
      // The input size is only known once built: the limit uses the size the builder promises
      // (checked against the child's own count below).
      const estimate = await inputSize(c.name);
      const r = await slot(() => runChild(c.name, c.testN, (c.heapFactor * estimate) / MiB, 240_000));
      if (!r.ok) expect.fail(`child died (status ${r.status}, signal ${r.signal}) under --max-old-space-size=${r.heapLimitMiB}:\n${r.stderr}`);
      expect(r.report.inputBytes).toBe(estimate);
      expect(['value', 'mimi-error'], JSON.stringify(r.report.outcome)).toContain(r.report.outcome.kind);
      if (r.report.outcome.kind === 'mimi-error') expect(r.report.outcome.code).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    });
  }
});

/** Builds the case's input here, only to know its size (cheap next to running the operation). */
async function inputSize(name: string): Promise<number> {
  const c = CASES.find((x) => x.name === name)!;
  return c.inputBytes(c.build(c.testN));
}
