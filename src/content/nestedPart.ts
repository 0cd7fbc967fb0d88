/**
 * NestedPart: the body of a MIMI message (draft-ietf-mimi-content §4.2).
 *
 * @module
 */
import { z } from 'zod';

const bytes = z.instanceof(Uint8Array);
const uint = (max: number) => z.number().int().min(0).max(max);

const partHead = {
  /** Disposition 0–255; values without a name are preserved (§4.2.4). */
  disposition: uint(255),
  /** BCP 47 language tag(s), comma-separated, or "" (§4.2.3). */
  language: z.string(),
};

/**
 * A part with no content (used by delete/unlike).
 * @example
 * ```ts
 * import { NullPartSchema } from 'mimi-kit/content';
 * NullPartSchema.safeParse({ disposition: 0, language: '', cardinality: 'nullpart' }).success; // true
 * ```
 */
export const NullPartSchema = z.strictObject({ ...partHead, cardinality: z.literal('nullpart') });
/**
 * A part whose content is carried inline.
 * @example
 * ```ts
 * import { SinglePartSchema } from 'mimi-kit/content';
 * SinglePartSchema.safeParse({ disposition: 1, language: '', cardinality: 'single', contentType: 'text/plain', content: new Uint8Array() }).success; // true
 * ```
 */
export const SinglePartSchema = z.strictObject({
  ...partHead,
  cardinality: z.literal('single'),
  contentType: z.string(),
  content: bytes,
});
/**
 * A part whose content is fetched from a URL, possibly encrypted (§4.2.6).
 * @example
 * ```ts
 * import { ExternalPartSchema } from 'mimi-kit/content';
 * ExternalPartSchema.safeParse({ cardinality: 'external' }).success; // false: every field is required
 * ```
 */
export const ExternalPartSchema = z.strictObject({
  ...partHead,
  cardinality: z.literal('external'),
  contentType: z.string(),
  url: z.string(),
  /** Seconds since the epoch after which the URL is no longer valid; 0 = unknown. `uint .size 4` */
  expires: uint(0xffffffff),
  /** Size in octets of the (decrypted) content; 0 = unknown. `uint .size 8` */
  size: uint(Number.MAX_SAFE_INTEGER),
  /** AEAD algorithm (IANA AEAD registry); 0 = not encrypted. `uint .size 2` */
  encAlg: uint(0xffff),
  key: bytes,
  nonce: bytes,
  aad: bytes,
  /** Hash algorithm (IANA Named Information registry); 1 = sha-256. `uint .size 1` */
  hashAlg: uint(0xff),
  contentHash: bytes,
  description: z.string(),
  filename: z.string(),
});

/** The `NestedPart` union, discriminated on `cardinality`. */
export type NestedPart =
  | z.infer<typeof NullPartSchema>
  | z.infer<typeof SinglePartSchema>
  | z.infer<typeof ExternalPartSchema>
  | MultiPart;

/** Alternatives, a unit or independent parts (§4.2.5). */
export interface MultiPart {
  disposition: number;
  language: string;
  cardinality: 'multi';
  partSemantics: 'chooseOne' | 'singleUnit' | 'processAll';
  /** Two or more nested parts. */
  parts: NestedPart[];
}

/**
 * Schema of {@link NestedPart}; recursive through `parts`.
 * @example
 * ```ts
 * import { NestedPartSchema, nullPart } from 'mimi-kit/content';
 * NestedPartSchema.safeParse(nullPart()).success; // true
 * ```
 */
export const NestedPartSchema: z.ZodType<NestedPart> = z.lazy(() =>
  z.union([NullPartSchema, SinglePartSchema, ExternalPartSchema, MultiPartSchema]),
) as z.ZodType<NestedPart>;

/**
 * Schema of {@link MultiPart}.
 * @example
 * ```ts
 * import { MultiPartSchema, multiPart, singlePart } from 'mimi-kit/content';
 * MultiPartSchema.safeParse(multiPart('chooseOne', [singlePart('text/plain', 'a'), singlePart('text/html', '<p>a</p>')])).success; // true
 * ```
 */
export const MultiPartSchema: z.ZodType<MultiPart> = z.strictObject({
  ...partHead,
  cardinality: z.literal('multi'),
  partSemantics: z.enum(['chooseOne', 'singleUnit', 'processAll']),
  parts: z.array(z.lazy(() => NestedPartSchema)).min(2),
}) as z.ZodType<MultiPart>;

/** A null part. */
export type NullPart = z.infer<typeof NullPartSchema>;
/** An inline single part. */
export type SinglePart = z.infer<typeof SinglePartSchema>;
/** An external part. */
export type ExternalPart = z.infer<typeof ExternalPartSchema>;
