/**
 * `node --max-old-space-size=M --import tsx test/resources/child.ts CASE N`: builds the input of one
 * resource case (test/resources/cases.ts), runs its operation once and prints one JSON line: the
 * outcome (a value, a MimiError code, or a crash), wall and CPU time of the operation, the input size,
 * and the peak RSS growth during the operation (resourceUsage().maxRSS after it, minus the peak before).
 * A heap exhaustion aborts the process: the parent sees a non-zero exit and no JSON line.
 */
import { performance } from 'node:perf_hooks';
import { MimiError } from '../../src/errors.js';
import { CASES } from './cases.js';

const [name, nText] = process.argv.slice(2);
const c = CASES.find((x) => x.name === name);
if (c === undefined || nText === undefined) {
  console.error(`usage: child.ts CASE N; cases: ${CASES.map((x) => x.name).join(', ')}`);
  process.exit(2);
}
const n = Number(nText);
const input = c.build(n);
const inputBytes = c.inputBytes(input);
(globalThis as { gc?: () => void }).gc?.();
const rssBefore = process.memoryUsage().rss;
const peakBefore = process.resourceUsage().maxRSS * 1024;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let outcome: { kind: 'value'; value: unknown } | { kind: 'mimi-error'; code: string } | { kind: 'crash'; error: string };
try {
  outcome = { kind: 'value', value: c.run(input) };
} catch (e) {
  outcome = e instanceof MimiError ? { kind: 'mimi-error', code: e.code } : { kind: 'crash', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peakAfter = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    case: c.name,
    n,
    inputBytes,
    outcome,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    // Growth of the process's peak RSS during the operation (0 when it stayed under the build's peak).
    peakGrowthBytes: Math.max(0, peakAfter - Math.max(peakBefore, rssBefore)),
    heapUsedAfter: process.memoryUsage().heapUsed,
  }),
);
