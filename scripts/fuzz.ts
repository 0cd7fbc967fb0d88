/**
 * `npm run fuzz -- [--iterations N] [--seed S] [--target name[,name…]] [--out DIR] [--replay FILE]`
 *
 * The long fuzz run (issue 10): the targets of test/fuzz/targets.ts (the same ones `npm test` runs
 * briefly), N inputs each from seed S. Every input is classified: accepted (and every invariant held),
 * rejected with a MimiError code, or a failure (anything else thrown, or a broken invariant). Failures
 * and inputs slower than --slow-ms are written as hex reproducers to DIR and printed; a summary table
 * ends the run. Exit code 1 when there was any failure.
 *
 * `--replay FILE` runs the one hex input in FILE through `--target` and prints the outcome and stack.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '../src/cbor/index.js';
import { TARGETS, prepare, runInput, type FuzzTarget } from '../test/fuzz/targets.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string', multiple: true },
    out: { type: 'string' },
    replay: { type: 'string' },
    'slow-ms': { type: 'string', default: '2000' },
  },
});

const iterations = Number(values.iterations);
const seed = Number(values.seed);
const slowMs = Number(values['slow-ms']);
if (!Number.isSafeInteger(iterations) || iterations < 1 || !Number.isSafeInteger(seed) || !(slowMs > 0)) {
  console.error('usage: npm run fuzz -- [--iterations N] [--seed S] [--target name] [--out DIR] [--replay FILE] [--slow-ms MS]');
  process.exit(2);
}
const names = (values.target ?? []).flatMap((t) => t.split(','));
const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
if (unknown.length > 0) {
  console.error(`unknown target(s) ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const targets = names.length === 0 ? TARGETS : TARGETS.filter((t) => names.includes(t.name));
const outDir = values.out ?? join(tmpdir(), `mimi-fuzz-${seed}`);

await prepare(targets);

if (values.replay !== undefined) {
  const input = hexToBytes(readFileSync(values.replay, 'utf8').trim());
  for (const t of targets) {
    const outcome = await runInput(t, input);
    console.log(`${t.name}: ${outcome.kind}${outcome.kind === 'rejected' ? ` ${outcome.code}` : ''}`);
    if (outcome.kind === 'failure') console.log(outcome.error instanceof Error ? outcome.error.stack : String(outcome.error));
  }
  process.exit(0);
}

interface Stats {
  target: string;
  tried: number;
  accepted: number;
  rejected: Map<string, number>;
  failures: Map<string, { count: number; file: string }>;
  slow: { ms: number; file: string }[];
  ms: number;
}

function save(t: FuzzTarget, kind: string, n: number, input: Uint8Array): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${t.name}-${kind}-${n}.hex`);
  writeFileSync(file, bytesToHex(input) + '\n');
  return file;
}

async function fuzz(t: FuzzTarget): Promise<Stats> {
  const s: Stats = { target: t.name, tried: 0, accepted: 0, rejected: new Map(), failures: new Map(), slow: [], ms: 0 };
  const t0 = performance.now();
  await fc.check(
    fc.asyncProperty(t.inputs(), async (input) => {
      s.tried++;
      const start = performance.now();
      const outcome = await runInput(t, input);
      const ms = performance.now() - start;
      if (outcome.kind === 'accepted') s.accepted++;
      else if (outcome.kind === 'rejected') s.rejected.set(outcome.code, (s.rejected.get(outcome.code) ?? 0) + 1);
      else {
        // One reproducer per kind of failure: the summary up to the offending value.
        const kind = outcome.summary.split(': ').slice(0, 4).join(': ');
        const known = s.failures.get(kind);
        if (known) known.count++;
        else {
          const file = save(t, 'failure', s.failures.size + 1, input);
          s.failures.set(kind, { count: 1, file });
          console.log(`FAILURE ${t.name}: ${outcome.summary}\n  reproducer: ${file} (${input.length} bytes)`);
        }
      }
      if (ms > slowMs && s.slow.length < 10) {
        const file = save(t, 'slow', s.slow.length + 1, input);
        s.slow.push({ ms, file });
        console.log(`SLOW ${t.name}: ${ms.toFixed(0)} ms on ${input.length} bytes\n  reproducer: ${file}`);
      }
      return true;
    }),
    { seed, numRuns: iterations },
  );
  s.ms = performance.now() - t0;
  return s;
}

const all: Stats[] = [];
for (const t of targets) {
  process.stdout.write(`${t.name} (${t.api}): ${iterations} inputs… `);
  const s = await fuzz(t);
  console.log(`${(s.ms / 1000).toFixed(1)} s`);
  all.push(s);
}

const rows = all.map((s) => {
  const rejected = [...s.rejected.values()].reduce((a, b) => a + b, 0);
  const codes = [...s.rejected].sort((a, b) => b[1] - a[1]);
  return [
    s.target,
    String(s.tried),
    String(s.accepted),
    String(rejected),
    String([...s.failures.values()].reduce((a, b) => a + b.count, 0)),
    String(s.slow.length),
    codes.map(([c, n]) => `${c}×${n}`).join(' '),
  ];
});
const header = ['target', 'tried', 'accepted', 'rejected', 'failures', 'slow', 'errors by code'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 6 ? 0 : r[i]!.length))));
const line = (r: string[]) => r.map((c, i) => (i === 6 ? c : c.padEnd(widths[i]!))).join('  ');
console.log(`\n## fuzz: seed ${seed}, ${iterations} inputs per target`);
console.log(line(header));
console.log(widths.map((w, i) => '-'.repeat(i === 6 ? 14 : w)).join('  '));
for (const r of rows) console.log(line(r));
const failures = all.flatMap((s) => [...s.failures].map(([summary, f]) => `${s.target}: ${summary} (×${f.count})\n  reproducer: ${f.file}`));
const slow = all.flatMap((s) => s.slow.map((x) => `${s.target}: ${x.ms.toFixed(0)} ms\n  reproducer: ${x.file}`));
if (failures.length > 0) console.log(`\n### failures (replay: npm run fuzz -- --target NAME --replay FILE)\n${failures.join('\n')}`);
if (slow.length > 0) console.log(`\n### slow inputs (> ${slowMs} ms)\n${slow.join('\n')}`);
process.exitCode = failures.length > 0 ? 1 : 0;
