/**
 * The language-neutral test-vector file format (see spec-vectors/schema/vector-file.schema.json).
 *
 * A vector file is JSON: `{ format, suite, version, description, source?, vectors: [...] }`. Each vector
 * has an `id`, a `kind` (what operation it exercises), an `input`, and either `expected` (the result) or
 * `error` (the stable MimiError code the operation must fail with). Bytes are lower-case hex strings.
 *
 * @module
 */
import { z } from 'zod';

/**
 * Identifier of this vector file format; bumped on incompatible changes.
 * @example
 * ```ts
 * import { VECTOR_FORMAT } from 'mimi-kit/vectors';
 * VECTOR_FORMAT; // 'mimi-kit-vectors/1', the `format` field of every vector file
 * ```
 */
export const VECTOR_FORMAT = 'mimi-kit-vectors/1';

/**
 * Where the vectors of a file come from (a draft and commit, or "mimi-kit" for hand-made ones).
 * @example
 * ```ts
 * import { VectorSourceSchema } from 'mimi-kit/vectors';
 * VectorSourceSchema.safeParse({ document: 'draft-ietf-mimi-content', commit: '961ea5a' }).success; // true
 * ```
 */
export const VectorSourceSchema = z.looseObject({
  document: z.string(),
  commit: z.string().optional(),
  section: z.string().optional(),
  note: z.string().optional(),
});

/**
 * One test vector.
 * @example
 * ```ts
 * import { VectorSchema } from 'mimi-kit/vectors';
 * VectorSchema.safeParse({ id: 'x', kind: 'decode', input: { hex: '00' }, error: 'content/bad-structure' }).success; // true
 * ```
 */
export const VectorSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.string().min(1),
  description: z.string().optional(),
  input: z.unknown(),
  expected: z.unknown().optional(),
  error: z.string().optional(),
});
/** One test vector. */
export type Vector = z.infer<typeof VectorSchema>;

/**
 * A vector file.
 * @example
 * ```ts
 * import { VectorFileSchema } from 'mimi-kit/vectors';
 * VectorFileSchema.safeParse(JSON.parse(text)).success;
 * ```
 */
export const VectorFileSchema = z.looseObject({
  format: z.literal(VECTOR_FORMAT),
  suite: z.string().min(1),
  version: z.number().int().min(1),
  description: z.string(),
  source: VectorSourceSchema.optional(),
  vectors: z.array(VectorSchema),
});
/** A vector file. */
export type VectorFile = z.infer<typeof VectorFileSchema>;

/**
 * The outcome of checking one vector: `undefined` when it passed, otherwise a one-line reason.
 */
export type VectorOutcome = string | undefined;

/** Checks one vector of a given kind. May be async (MLS). Must not throw for a failing vector: return the reason. */
export type VectorVerifier = (vector: Vector) => VectorOutcome | Promise<VectorOutcome>;

/** A suite: the verifiers for each `kind` of the vectors in files whose `suite` matches. */
export interface VectorSuite {
  readonly suite: string;
  readonly verifiers: Readonly<Record<string, VectorVerifier>>;
}
