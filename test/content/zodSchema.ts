/**
 * The CDDL of draft-ietf-mimi-content §3/§4.2 (mimiContent, NestedPart) written as a zod schema: an
 * independent second validator for the property test "the hand validator agrees with the zod schema".
 * (Until 0.2 this schema shipped in src/content; the library now validates by hand only, Content #15.)
 */
import { z } from 'zod';
import type { MultiPart, NestedPart } from '../../src/content/index.js';

const bytes = z.instanceof(Uint8Array);
const uint = (max: number) => z.number().int().min(0).max(max);
const messageId = bytes.refine((b) => b.length === 32);
const head = { disposition: uint(255), language: z.string() };

const nullPart = z.strictObject({ ...head, cardinality: z.literal('nullpart') });
const singlePart = z.strictObject({ ...head, cardinality: z.literal('single'), contentType: z.string(), content: bytes });
const externalPart = z.strictObject({
  ...head,
  cardinality: z.literal('external'),
  contentType: z.string(),
  url: z.string(),
  expires: uint(0xffffffff), // uint .size 4
  size: uint(Number.MAX_SAFE_INTEGER), // uint .size 8, as far as a JS number is exact
  encAlg: uint(0xffff), // uint .size 2
  key: bytes,
  nonce: bytes,
  aad: bytes,
  hashAlg: uint(0xff), // uint .size 1
  contentHash: bytes,
  description: z.string(),
  filename: z.string(),
});
const nestedPart: z.ZodType<NestedPart> = z.lazy(() => z.union([nullPart, singlePart, externalPart, multiPart])) as z.ZodType<NestedPart>;
const multiPart: z.ZodType<MultiPart> = z.strictObject({
  ...head,
  cardinality: z.literal('multi'),
  partSemantics: z.enum(['chooseOne', 'singleUnit', 'processAll']),
  parts: z.array(z.lazy(() => nestedPart)).min(2), // [2* NestedPart]
}) as z.ZodType<MultiPart>;

/** mimiContent (§3), with the extensions map surfaced as senderUri / roomUri / other. */
export const MimiContentZod = z.strictObject({
  salt: bytes.refine((b) => b.length === 16),
  replaces: messageId.nullable(),
  topicId: bytes,
  expires: z.strictObject({ relative: z.boolean(), time: uint(0xffffffff) }).nullable(),
  inReplyTo: messageId.nullable(),
  extensions: z.strictObject({
    senderUri: z.string().optional(),
    roomUri: z.string().optional(),
    other: z.custom<ReadonlyMap<unknown, unknown>>((v) => v instanceof Map).optional(),
  }),
  nestedPart,
});
