/**
 * Resource budgets (issue 10, docs/limits.md): every case of test/resources/cases.ts at the issue's
 * size n and at n/2 (the baseline, same run), each in a child process under the heap limit
 * base + k × input. The ratio column shows linear growth (≈ 2 per doubling); the target is met when
 * the child completed under its heap limit and the doubling cost at most 2.5× the time.
 */
import { CASES } from '../test/resources/cases.js';
import { BASE_HEAP_MIB, runChild } from '../test/resources/spawn.js';
import { report, type Measurement } from './lib.js';

const MiB = 2 ** 20;
/** Largest time ratio per doubling of the input that still counts as linear (allows for noise). */
const MAX_DOUBLING_RATIO = 2.5;

export async function run(): Promise<void> {
  const rows: Measurement[] = [];
  for (const c of CASES) {
    const sizes = [Math.floor(c.benchN / 2), c.benchN];
    const results = [];
    for (const n of sizes) {
      const bytes = c.inputBytes(c.build(n));
      // Short runs are noisy on a shared host: take the median of three when one run is under 300 ms.
      const runs = [await runChild(c.name, n, (c.heapFactor * bytes) / MiB, 600_000)];
      if (runs[0]!.ok && runs[0]!.report.ms < 300) runs.push(await runChild(c.name, n, (c.heapFactor * bytes) / MiB), await runChild(c.name, n, (c.heapFactor * bytes) / MiB));
      runs.sort((a, b) => (a.ok ? a.report.ms : Infinity) - (b.ok ? b.report.ms : Infinity));
      results.push({ n, bytes, r: runs[Math.floor(runs.length / 2)]! });
    }
    const base = results[0]!;
    for (const { n, bytes, r } of results) {
      const ms = r.ok ? r.report.ms : NaN;
      const m: Measurement = {
        group: c.name,
        name: `n=${n.toLocaleString('en-US')} (${(bytes / MiB).toFixed(2)} MiB)`,
        samples: 1,
        medianMs: ms,
        p95Ms: ms,
        opsPerSec: 1000 / ms,
        extra: {
          unit: c.unit,
          inputBytes: bytes,
          heapLimitMiB: r.heapLimitMiB,
          outcome: r.ok ? (r.report.outcome.kind === 'mimi-error' ? r.report.outcome.code : r.report.outcome.kind) : `died (status ${r.status}, signal ${r.signal})`,
          ...(r.ok ? { cpuMs: Math.round(r.report.cpuMs), peakGrowthPerInputByte: Number((r.report.peakGrowthBytes / bytes).toFixed(2)) } : {}),
        },
      };
      if (r.ok) m.peakMemMiB = r.report.peakGrowthBytes / MiB;
      if (n === base.n) m.baseline = true;
      else {
        const ratio = base.r.ok && r.ok ? ms / base.r.report.ms : Infinity;
        m.target = `under ${BASE_HEAP_MIB}+${c.heapFactor}×input MiB heap, ≤ ${MAX_DOUBLING_RATIO}× per doubling`;
        m.targetMet = r.ok && base.r.ok && r.report.outcome.kind !== 'crash' && ratio <= MAX_DOUBLING_RATIO;
      }
      rows.push(m);
    }
  }
  report('resources', rows);
}
