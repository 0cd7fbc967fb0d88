/**
 * Tiny benchmark harness: every suite measures mimi-kit and its baselines in the same run,
 * prints a table with ratios against the baseline and writes bench/results/<suite>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Measurement {
  /** Group of rows compared with each other, e.g. "decode". */
  group: string;
  /** What was measured, e.g. "mimi-kit" or "cbor2". */
  name: string;
  /** Row the ratio is taken against (its group's baseline). */
  baseline?: boolean;
  samples: number;
  medianMs: number;
  p95Ms: number;
  opsPerSec: number;
  /** Peak RSS growth in MiB during the measurement, when recorded. */
  peakMemMiB?: number;
  /** Target, as text, and whether it was met. */
  target?: string;
  targetMet?: boolean;
  extra?: Record<string, number | string>;
}

export interface SuiteResult {
  suite: string;
  date: string;
  node: string;
  machine: string;
  measurements: Measurement[];
}

/** Runs `fn` repeatedly: `warmup` untimed calls, then timed batches until `minTimeMs` and `minSamples` are reached. */
export async function measure(
  group: string,
  name: string,
  fn: () => unknown,
  opts: { minTimeMs?: number; minSamples?: number; maxSamples?: number; warmup?: number; batch?: number; baseline?: boolean } = {},
): Promise<Measurement> {
  const { minTimeMs = 1000, minSamples = 10, maxSamples = 100_000, warmup = 20, batch = 1 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while ((performance.now() - start < minTimeMs || samples.length < minSamples) && samples.length < maxSamples) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    samples.push((performance.now() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  const p95 = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))]!;
  const m: Measurement = { group, name, samples: samples.length, medianMs: median, p95Ms: p95, opsPerSec: 1000 / median };
  if (opts.baseline) m.baseline = true;
  return m;
}

/** Runs `fn` once (for heavy operations) and records wall time and peak RSS growth. */
export async function measureOnce<T>(group: string, name: string, fn: () => Promise<T> | T): Promise<{ m: Measurement; result: T }> {
  (globalThis as { gc?: () => void }).gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    m: { group, name, samples: 1, medianMs: ms, p95Ms: ms, opsPerSec: 1000 / ms, peakMemMiB: (peak - rss0) / 2 ** 20 },
    result,
  };
}

function fmt(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

/** Prints the table (ratio = this row's median / its group's baseline median) and writes the JSON. */
export function report(suite: string, measurements: Measurement[]): SuiteResult {
  const result: SuiteResult = {
    suite,
    date: new Date().toISOString(),
    node: process.version,
    machine: `${process.platform}-${process.arch}`,
    measurements,
  };
  const rows = measurements.map((m) => {
    const base = measurements.find((b) => b.group === m.group && b.baseline);
    const ratio = base && base !== m ? `${(m.medianMs / base.medianMs).toFixed(2)}× baseline` : base === m ? 'baseline' : '';
    return [
      m.group,
      m.name,
      fmt(m.medianMs),
      m.opsPerSec >= 1 ? Math.round(m.opsPerSec).toLocaleString('en-US') : m.opsPerSec.toFixed(2),
      ratio,
      m.peakMemMiB === undefined ? '' : `${m.peakMemMiB.toFixed(1)} MiB`,
      m.target ? `${m.targetMet ? 'met' : 'MISSED'}: ${m.target}` : '',
    ];
  });
  const header = ['group', 'implementation', 'median', 'ops/s', 'ratio', 'peak mem', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n## ${suite}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/${suite}.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
  return result;
}
