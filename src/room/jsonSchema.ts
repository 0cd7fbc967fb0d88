/**
 * zod schemas of the JSON form of room values (bytes as hex), checked at the boundary so that every
 * value `roomStateFromJson` accepts encodes (every number fits its TLS field, every string is
 * well-formed Unicode, every `select` arm matches its Optionality) and decodes back equal.
 *
 * The schemas are non-recursive, so a deep or cyclic value cannot overflow zod's stack.
 *
 * @module
 */
import { z } from 'zod';
import { hexToBytes } from '../cbor/hex.js';
import { MODELLED_COMPONENTS } from './modelled.js';
import { ComponentId } from './registry.js';

const uint = (max: number): z.ZodNumber => z.number().int().min(0).max(max);
const u16 = uint(0xffff);
const u32 = uint(0xffffffff);
// A lone surrogate would be replaced by U+FFFD on encoding: the round trip would change the text.
const LONE_SURROGATE = /\p{Cs}/u;
const text = z.string().refine((s) => !LONE_SURROGATE.test(s), 'not well-formed Unicode (lone surrogate)');
const hex = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{2})*$/, 'expected an even-length hex string')
  .transform((s) => hexToBytes(s));
const optionality = z.enum(['optional', 'required', 'forbidden']);

const RoleJson = z.strictObject({
  index: u32,
  name: text,
  description: text,
  capabilities: z.array(u16),
  minParticipants: u32,
  maxParticipants: u32.optional(),
  minActive: u32,
  maxActive: u32.optional(),
  authorizedRoleChanges: z.array(z.strictObject({ from: u32, to: z.array(u32) })),
});

/**
 * draft-ietf-mimi-room-policy §3 Claim in JSON (`id` / `value` as hex).
 * @example
 * ```ts
 * ClaimJsonSchema.safeParse({ credentialType: 1, id: '6f75', value: '6872' }).success; // true
 * ```
 */
export const ClaimJsonSchema = z.strictObject({ credentialType: u16, id: hex, value: hex });

/**
 * draft-ietf-mimi-room-policy §3 PreAuthData in JSON.
 * @example
 * ```ts
 * PreauthJsonSchema.safeParse([]).success; // true
 * ```
 */
export const PreauthJsonSchema = z.array(z.strictObject({ claims: z.array(ClaimJsonSchema), targetRole: RoleJson }));

// draft-ietf-mimi-room-policy §5.5, §5.6, §5.8: when forbidden, the select arm is empty, so the other
// fields must hold what the decoder fills in, or the value would not decode back equal.
const LoggingJson = z
  .strictObject({ logging: optionality, loggingClients: z.array(text), machineReadablePolicy: text, humanReadablePolicy: text })
  .refine(
    (p) => p.logging !== 'forbidden' || (p.loggingClients.length === 0 && p.machineReadablePolicy === '' && p.humanReadablePolicy === ''),
    'a forbidden logging policy has empty fields',
  );
const HistoryJson = z
  .strictObject({ historySharing: optionality, rolesThatCanShare: z.array(u32), automaticallyShare: z.boolean(), maxTimePeriod: u32 })
  .refine(
    (p) => p.historySharing !== 'forbidden' || (p.rolesThatCanShare.length === 0 && !p.automaticallyShare && p.maxTimePeriod === 0),
    'a forbidden history policy has empty fields',
  );
const ExpirationJson = z
  .strictObject({ expiringMessages: optionality, minExpirationDuration: u32, maxExpirationDuration: u32, defaultExpirationDuration: u32.optional() })
  .refine(
    (p) =>
      p.expiringMessages !== 'forbidden' ||
      (p.minExpirationDuration === 0 && p.maxExpirationDuration === 0 && p.defaultExpirationDuration === undefined),
    'a forbidden expiration policy has zero fields',
  );

const PolicyJson = z.strictObject({
  base: z
    .strictObject({
      fixedMembership: z.boolean(),
      parentDependent: z.boolean(),
      parentRoom: text,
      multiDevice: z.boolean(),
      maxClients: u32.optional(),
      maxUsers: u32.optional(),
      pseudonymsAllowed: z.boolean(),
      persistentRoom: z.boolean(),
      discoverable: z.boolean(),
      policyComponentIds: z.array(u16),
    })
    .optional(),
  preauth: PreauthJsonSchema.optional(),
  statusNotifications: z.strictObject({ deliveryNotifications: optionality, readReceipts: optionality }).optional(),
  joinLinkPolicy: z.strictObject({ onRequest: z.boolean(), joinLink: text, multiuser: z.boolean(), expiration: u32 }).optional(),
  joinLinks: z.array(text).optional(),
  logging: LoggingJson.optional(),
  history: HistoryJson.optional(),
  messageExpiration: ExpirationJson.optional(),
});


const ascending = (ids: readonly number[]): boolean => ids.every((id, i) => i === 0 || ids[i - 1]! < id);

/**
 * A whole room state in JSON (the inverse of `roomStateToJson`). `policy`, `knocks` and
 * `otherComponents` default to empty.
 * @example
 * ```ts
 * RoomStateJsonSchema.safeParse({ participants: [null], roles: [] }).success; // false
 * ```
 */
export const RoomStateJsonSchema = z.strictObject({
  participants: z.array(
    z.strictObject({
      user: text,
      role: u32,
      active: z.boolean(),
      profile: z.strictObject({ displayName: text.optional(), avatar: text.optional() }).optional(),
    }),
  ),
  roles: z.array(RoleJson),
  metadata: z
    .strictObject({
      roomUri: text,
      name: text,
      descriptions: z.array(z.strictObject({ mediaType: text, languageTag: text, content: text })),
      avatar: text,
      subject: text,
      mood: text,
    })
    .optional(),
  policy: PolicyJson.default({}),
  knocks: z.array(z.strictObject({ user: text })).default([]),
  // draft-ietf-mls-extensions §4.6: component_data is sorted by ID, each at most once.
  otherComponents: z
    .array(z.strictObject({ componentId: u16, data: hex }))
    .default([])
    .refine((cs) => ascending(cs.map((c) => c.componentId)), 'otherComponents must be sorted by componentId, each once')
    .refine((cs) => cs.every((c) => !MODELLED_COMPONENTS.has(c.componentId)), 'otherComponents may not carry a component the state models'),
  emptyComponents: z
    .array(z.union([z.literal(ComponentId.user_profiles), z.literal(ComponentId.knock_list)]))
    .refine(ascending, 'emptyComponents must be ascending, each once')
    .optional(),
});
