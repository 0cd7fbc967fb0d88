/**
 * The MIMI content container (draft-ietf-mimi-content §3, `mimiContent` in the CDDL).
 *
 * @module
 */
import { z } from 'zod';
import type { CborValue } from '../cbor/value.js';
import { NestedPartSchema } from './nestedPart.js';

const bytes = z.instanceof(Uint8Array);

/**
 * A message ID: 32 octets, first octet the hash algorithm (0x01 = SHA-256) (§3.2).
 * @example
 * ```ts
 * import { MessageIdSchema } from 'mimi-kit/content';
 * MessageIdSchema.safeParse(new Uint8Array(32)).success; // true
 * ```
 */
export const MessageIdSchema = bytes.refine((b) => b.length === 32, 'a MessageId is 32 octets');

/**
 * Expiration (§3.6): absolute seconds since the epoch, or relative seconds from the hub timestamp.
 * @example
 * ```ts
 * import { ExpirationSchema } from 'mimi-kit/content';
 * ExpirationSchema.safeParse({ relative: true, time: 3600 }).success; // true
 * ```
 */
export const ExpirationSchema = z.strictObject({
  relative: z.boolean(),
  /** `uint .size 4` */
  time: z.number().int().min(0).max(0xffffffff),
});
/** Expiration of a message. */
export type Expiration = z.infer<typeof ExpirationSchema>;

/**
 * A key of the `mimiExtensions` map (§3.7, §7.2): a safe integer or a text string of 1..255 UTF-8 octets.
 * (Maps nested inside extension values may also have byte-string keys: `CborKey`.)
 */
export type ExtensionKey = number | string;

/**
 * The `mimiExtensions` map (§3.7). Keys 1 and 2 are surfaced as `senderUri` and `roomUri`; every other
 * key (integer or text, known or not) is kept in `other` and re-encoded unchanged.
 * @example
 * ```ts
 * import { MimiExtensionsSchema } from 'mimi-kit/content';
 * MimiExtensionsSchema.safeParse({ senderUri: 'mimi://example.com/u/alice' }).success; // true
 * ```
 */
export const MimiExtensionsSchema = z.strictObject({
  senderUri: z.string().optional(),
  roomUri: z.string().optional(),
  other: z.custom<ReadonlyMap<ExtensionKey, CborValue>>((v) => v instanceof Map).optional(),
});
/** The extensions of a message. */
export type MimiExtensions = z.infer<typeof MimiExtensionsSchema>;

/**
 * One MIMI message, exactly as carried on the wire (§3).
 * @example
 * ```ts
 * import { MimiContentSchema, type MimiContent } from 'mimi-kit/content';
 * const ok = MimiContentSchema.safeParse(untrusted).success; // prefer validateContent(), which throws MimiError
 * ```
 */
export const MimiContentSchema = z.strictObject({
  /** 16 random octets (§3.1). */
  salt: bytes.refine((b) => b.length === 16, 'salt is 16 octets'),
  /** ID of the message this one edits or deletes (§3.3), or null. */
  replaces: MessageIdSchema.nullable(),
  /** Topic identifier (§3.4); empty when none. */
  topicId: bytes,
  /** Expiration (§3.6), or null for never. */
  expires: ExpirationSchema.nullable(),
  /** ID of the message this one replies or reacts to (§3.5), or null. */
  inReplyTo: MessageIdSchema.nullable(),
  extensions: MimiExtensionsSchema,
  nestedPart: NestedPartSchema,
});
/** One MIMI message. */
export type MimiContent = z.infer<typeof MimiContentSchema>;
