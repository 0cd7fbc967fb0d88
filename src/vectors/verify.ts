/**
 * Runs vector files against mimi-kit.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { VectorFileSchema, type VectorFile, type VectorSuite } from './format.js';
import { SUITE_LOADERS } from './suites.js';

/** The result of verifying vectors: counts and one entry per failing vector. */
export interface VerifyReport {
  passed: number;
  failed: number;
  failures: { file: string; id: string; reason: string }[];
}

/**
 * Parses a vector file's JSON text.
 *
 * @param text - the file's text
 * @param name - file name for error messages
 * @returns the parsed file
 * @throws {@link MimiError} `vectors/invalid-file` when the JSON or its shape is wrong
 * @example
 * ```ts
 * const file = parseVectorFile(readFileSync(path, 'utf8'), path);
 * ```
 */
export function parseVectorFile(text: string, name: string): VectorFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MimiError('vectors/invalid-file', `${name}: not JSON`, { cause: e });
  }
  const parsed = VectorFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MimiError('vectors/invalid-file', `${name}: ${issue?.message ?? 'invalid'} at ${issue?.path.join('.') ?? ''}`);
  }
  return parsed.data;
}

/**
 * Verifies the vectors of one parsed file, appending to `report`.
 *
 * @param file - the parsed file
 * @param name - its name, used in failure lines
 * @param report - accumulates counts and failures
 * @param suites - suite implementations (default: the built-in ones)
 * @returns the same report
 * @example
 * ```ts
 * const report = await verifyVectorFile(file, 'content/original.json', { passed: 0, failed: 0, failures: [] });
 * ```
 */
export async function verifyVectorFile(
  file: VectorFile,
  name: string,
  report: VerifyReport,
  suites: Readonly<Record<string, () => Promise<VectorSuite>>> = SUITE_LOADERS,
): Promise<VerifyReport> {
  const load = suites[file.suite];
  const suite = load ? await load() : undefined;
  for (const vector of file.vectors) {
    const verifier = suite?.verifiers[vector.kind];
    let reason: string | undefined;
    if (!suite) reason = `unknown suite "${file.suite}"`;
    else if (!verifier) reason = `unknown vector kind "${vector.kind}" in suite "${file.suite}"`;
    else {
      try {
        reason = await verifier(vector);
      } catch (e) {
        reason = `verifier threw ${e instanceof MimiError ? e.code : String(e)}`;
      }
    }
    if (reason === undefined) report.passed++;
    else {
      report.failed++;
      report.failures.push({ file: name, id: vector.id, reason });
    }
  }
  return report;
}
