/**
 * Runs one resource case in a child Node process with a heap limit (shared by the resource tests and
 * bench/resources.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseValue } from './cases.js';

/** Heap every child may use whatever the input: Node, tsx and the library's modules. */
export const BASE_HEAP_MIB = 128;

/** What the child reported (see test/resources/child.ts). */
export interface ChildReport {
  readonly case: string;
  readonly n: number;
  readonly inputBytes: number;
  readonly outcome: { kind: 'value'; value: CaseValue } | { kind: 'mimi-error'; code: string } | { kind: 'crash'; error: string };
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakGrowthBytes: number;
  readonly heapUsedAfter: number;
}

/** The child's fate: its report, or how it died (heap exhausted, killed after the timeout). */
export type ChildResult = { ok: true; report: ChildReport; heapLimitMiB: number } | { ok: false; status: number | null; signal: string | null; stderr: string; heapLimitMiB: number };

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * Runs `name` at size `n` under `--max-old-space-size = BASE_HEAP_MIB + heapLimitMiB`.
 * @param timeoutMs - a hang guard (the child is killed), not a speed check
 */
export function runChild(name: string, n: number, heapLimitMiB: number, timeoutMs = 300_000): Promise<ChildResult> {
  const limit = Math.ceil(BASE_HEAP_MIB + heapLimitMiB);
  const args = [`--max-old-space-size=${limit}`, '--expose-gc', '--import', 'tsx', CHILD, name, String(n)];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop();
      if (error === null && line?.startsWith('{')) resolve({ ok: true, report: JSON.parse(line) as ChildReport, heapLimitMiB: limit });
      else {
        const e = error as (Error & { code?: number | string; signal?: string }) | null;
        resolve({ ok: false, status: typeof e?.code === 'number' ? e.code : null, signal: e?.signal ?? null, stderr: stderr.slice(-2000), heapLimitMiB: limit });
      }
    });
  });
}
