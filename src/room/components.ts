/**
 * TLS codecs of the room components that say who is in the room and under which rules
 * (draft-ietf-mimi-protocol §8.5–8.6, draft-ietf-mimi-room-policy §2–4, §A): participant list,
 * room metadata, roles, preauthorization, base room policy, and mimi-kit's private-use user profiles
 * and knocks. The optional policy components (§5) are in `policyComponents.ts`, the
 * app_data_dictionary / AppDataUpdate containers (draft-ietf-mls-extensions §4.6–4.7) in
 * `appDataContainers.ts`; both are re-exported here.
 *
 * Each `encodeX` returns the bytes of the component's `data` (or update); each `decodeX` is strict
 * (no trailing bytes, bounded vectors, booleans 0/1, enums in range, valid UTF-8).
 *
 * @module
 */
import { decodeWith, encodeWith, type TlsReader, type TlsReaderOptions, type TlsWriter } from '../tls/codec.js';
import type {
  BaseRoomPolicy,
  Claim,
  Knock,
  ParticipantListUpdate,
  PreAuthEntry,
  RichDescription,
  Role,
  RoomMetadata,
  UserProfile,
  UserRolePair,
} from './types.js';

// state.ts, apply.ts, commit.ts and src/mls import these from here.
export * from './policyComponents.js';
export * from './appDataContainers.js';

// ---------- participant list (draft-ietf-mimi-protocol §8.5) ----------

function writeUserRole(w: TlsWriter, p: UserRolePair): void {
  w.string(p.user);
  w.uint32(p.role);
}
function readUserRole(r: TlsReader): UserRolePair {
  return { user: r.string(), role: r.uint32() };
}

/**
 * Encodes ParticipantListData.
 * @param participants - user/role pairs in list order
 * @returns the bytes
 * @example
 * ```ts
 * encodeParticipantList([{ user: 'a', role: 2 }]); // 06 01 61 00 00 00 02
 * ```
 */
export function encodeParticipantList(participants: readonly UserRolePair[]): Uint8Array {
  return encodeWith((w) => w.vector(participants, writeUserRole));
}
/**
 * Decodes ParticipantListData.
 * @param bytes - component data
 * @param options - bounds
 * @returns the pairs
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeParticipantList(bytes, options);
 * ```
 */
export function decodeParticipantList(bytes: Uint8Array, options?: TlsReaderOptions): UserRolePair[] {
  return decodeWith(bytes, (r) => r.vector(readUserRole), options);
}

/**
 * Encodes ParticipantListUpdate.
 * @param u - the update
 * @returns the bytes
 * @example
 * ```ts
 * encodeParticipantListUpdate({ changedRoles: [], removedIndices: [0], added: [] }); // 00 04 00000000 00
 * ```
 */
export function encodeParticipantListUpdate(u: ParticipantListUpdate): Uint8Array {
  return encodeWith((w) => {
    w.vector(u.changedRoles, (w2, c) => {
      w2.uint32(c.index);
      w2.uint32(c.role);
    });
    w.vector(u.removedIndices, (w2, i) => w2.uint32(i));
    w.vector(u.added, writeUserRole);
  });
}
/**
 * Decodes ParticipantListUpdate.
 * @param bytes - the update field
 * @param options - bounds
 * @returns the update
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeParticipantListUpdate(bytes, options);
 * ```
 */
export function decodeParticipantListUpdate(bytes: Uint8Array, options?: TlsReaderOptions): ParticipantListUpdate {
  return decodeWith(
    bytes,
    (r) => ({
      changedRoles: r.vector((r2) => ({ index: r2.uint32(), role: r2.uint32() })),
      removedIndices: r.vector((r2) => r2.uint32()),
      added: r.vector(readUserRole),
    }),
    options,
  );
}

// ---------- room metadata (draft-ietf-mimi-protocol §8.6) ----------

/**
 * Encodes RoomMetaData (Uri and UTF8String are single-field structs, i.e. `opaque<V>`).
 * @param m - metadata
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeRoomMetadata(m);
 * ```
 */
export function encodeRoomMetadata(m: RoomMetadata): Uint8Array {
  return encodeWith((w) => {
    w.string(m.roomUri);
    w.string(m.name);
    w.vector(m.descriptions, (w2, d: RichDescription) => {
      w2.string(d.mediaType);
      w2.string(d.languageTag);
      w2.string(d.content);
    });
    w.string(m.avatar);
    w.string(m.subject);
    w.string(m.mood);
  });
}
/**
 * Decodes RoomMetaData.
 * @param bytes - component data
 * @param options - bounds
 * @returns metadata
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeRoomMetadata(bytes, options);
 * ```
 */
export function decodeRoomMetadata(bytes: Uint8Array, options?: TlsReaderOptions): RoomMetadata {
  return decodeWith(
    bytes,
    (r) => ({
      roomUri: r.string(),
      name: r.string(),
      descriptions: r.vector((r2) => ({ mediaType: r2.string(), languageTag: r2.string(), content: r2.string() })),
      avatar: r.string(),
      subject: r.string(),
      mood: r.string(),
    }),
    options,
  );
}

// ---------- roles (draft-ietf-mimi-room-policy §2) ----------

/**
 * Writes one Role struct.
 * @param w - writer
 * @param role - the role
 * @example
 * ```ts
 * const result = writeRole(w, role);
 * ```
 */
export function writeRole(w: TlsWriter, role: Role): void {
  w.uint32(role.index);
  w.string(role.name);
  w.string(role.description);
  w.vector(role.capabilities, (w2, c) => w2.uint16(c));
  w.uint32(role.minParticipants);
  w.optional(role.maxParticipants, (w2, v) => w2.uint32(v));
  w.uint32(role.minActive);
  w.optional(role.maxActive, (w2, v) => w2.uint32(v));
  w.vector(role.authorizedRoleChanges, (w2, c) => {
    w2.uint32(c.from);
    w2.vector(c.to, (w3, t) => w3.uint32(t));
  });
}
/**
 * Reads one Role struct.
 * @param r - reader
 * @returns the role
 * @example
 * ```ts
 * const result = readRole(r);
 * ```
 */
export function readRole(r: TlsReader): Role {
  const index = r.uint32();
  const name = r.string();
  const description = r.string();
  const capabilities = r.vector((r2) => r2.uint16());
  const minParticipants = r.uint32();
  const maxParticipants = r.optional((r2) => r2.uint32());
  const minActive = r.uint32();
  const maxActive = r.optional((r2) => r2.uint32());
  const authorizedRoleChanges = r.vector((r2) => ({ from: r2.uint32(), to: r2.vector((r3) => r3.uint32()) }));
  return {
    index,
    name,
    description,
    capabilities,
    minParticipants,
    ...(maxParticipants === undefined ? {} : { maxParticipants }),
    minActive,
    ...(maxActive === undefined ? {} : { maxActive }),
    authorizedRoleChanges,
  };
}

/**
 * Encodes RoleData (also RoleUpdate).
 * @param roles - the roles
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeRoles(roles);
 * ```
 */
export function encodeRoles(roles: readonly Role[]): Uint8Array {
  return encodeWith((w) => w.vector(roles, writeRole));
}
/**
 * Decodes RoleData.
 * @param bytes - data
 * @param options - bounds
 * @returns roles
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeRoles(bytes, options);
 * ```
 */
export function decodeRoles(bytes: Uint8Array, options?: TlsReaderOptions): Role[] {
  return decodeWith(bytes, (r) => r.vector(readRole), options);
}

// ---------- preauth (draft-ietf-mimi-room-policy §3) ----------

/**
 * Encodes PreAuthData.
 * @param entries - entries
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodePreauth(entries);
 * ```
 */
export function encodePreauth(entries: readonly PreAuthEntry[]): Uint8Array {
  return encodeWith((w) =>
    w.vector(entries, (w2, e) => {
      w2.vector(e.claims, (w3, c: Claim) => {
        w3.uint16(c.credentialType);
        w3.opaque(c.id);
        w3.opaque(c.value);
      });
      writeRole(w2, e.targetRole);
    }),
  );
}
/**
 * Decodes PreAuthData.
 * @param bytes - data
 * @param options - bounds
 * @returns entries
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodePreauth(bytes, options);
 * ```
 */
export function decodePreauth(bytes: Uint8Array, options?: TlsReaderOptions): PreAuthEntry[] {
  return decodeWith(
    bytes,
    (r) =>
      r.vector((r2) => ({
        claims: r2.vector((r3) => ({ credentialType: r3.uint16(), id: r3.opaque(), value: r3.opaque() })),
        targetRole: readRole(r2),
      })),
    options,
  );
}

// ---------- base room policy (draft-ietf-mimi-room-policy §4) ----------

/**
 * Encodes BaseRoomPolicy. `Uri parent_room<V>` is read as one `opaque<V>` (see decisions).
 * @param p - policy
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeBaseRoomPolicy(p);
 * ```
 */
export function encodeBaseRoomPolicy(p: BaseRoomPolicy): Uint8Array {
  return encodeWith((w) => {
    w.bool(p.fixedMembership);
    w.bool(p.parentDependent);
    w.string(p.parentRoom);
    w.bool(p.multiDevice);
    w.optional(p.maxClients, (w2, v) => w2.uint32(v));
    w.optional(p.maxUsers, (w2, v) => w2.uint32(v));
    w.bool(p.pseudonymsAllowed);
    w.bool(p.persistentRoom);
    w.bool(p.discoverable);
    w.vector(p.policyComponentIds, (w2, c) => w2.uint16(c));
  });
}
/**
 * Decodes BaseRoomPolicy.
 * @param bytes - data
 * @param options - bounds
 * @returns policy
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeBaseRoomPolicy(bytes, options);
 * ```
 */
export function decodeBaseRoomPolicy(bytes: Uint8Array, options?: TlsReaderOptions): BaseRoomPolicy {
  return decodeWith(
    bytes,
    (r) => {
      const fixedMembership = r.bool();
      const parentDependent = r.bool();
      const parentRoom = r.string();
      const multiDevice = r.bool();
      const maxClients = r.optional((r2) => r2.uint32());
      const maxUsers = r.optional((r2) => r2.uint32());
      return {
        fixedMembership,
        parentDependent,
        parentRoom,
        multiDevice,
        ...(maxClients === undefined ? {} : { maxClients }),
        ...(maxUsers === undefined ? {} : { maxUsers }),
        pseudonymsAllowed: r.bool(),
        persistentRoom: r.bool(),
        discoverable: r.bool(),
        policyComponentIds: r.vector((r2) => r2.uint16()),
      };
    },
    options,
  );
}
// ---------- mimi-kit private-use components ----------

/** One entry of the private-use `user_profiles` component. */
export interface UserProfileEntry {
  readonly user: string;
  readonly profile: UserProfile;
}
/**
 * Encodes mimi-kit's `user_profiles`:
 * `struct { opaque user<V>; optional<UTF8String> display_name; optional<Uri> avatar; } UserProfile; UserProfile profiles<V>;`
 * @param entries - profiles
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeUserProfiles(entries);
 * ```
 */
export function encodeUserProfiles(entries: readonly UserProfileEntry[]): Uint8Array {
  return encodeWith((w) =>
    w.vector(entries, (w2, e) => {
      w2.string(e.user);
      w2.optional(e.profile.displayName, (w3, s) => w3.string(s));
      w2.optional(e.profile.avatar, (w3, s) => w3.string(s));
    }),
  );
}
/**
 * Decodes mimi-kit's `user_profiles`.
 * @param bytes - data
 * @returns entries
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeUserProfiles(bytes);
 * ```
 */
export function decodeUserProfiles(bytes: Uint8Array): UserProfileEntry[] {
  return decodeWith(bytes, (r) =>
    r.vector((r2) => {
      const user = r2.string();
      const displayName = r2.optional((r3) => r3.string());
      const avatar = r2.optional((r3) => r3.string());
      return { user, profile: { ...(displayName === undefined ? {} : { displayName }), ...(avatar === undefined ? {} : { avatar }) } };
    }),
  );
}

/**
 * Encodes mimi-kit's `knock_list`: `opaque user<V> knocks<V>`.
 * @param knocks - knocks
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeKnocks(knocks);
 * ```
 */
export function encodeKnocks(knocks: readonly Knock[]): Uint8Array {
  return encodeWith((w) => w.vector(knocks, (w2, k) => w2.string(k.user)));
}
/**
 * Decodes mimi-kit's `knock_list`.
 * @param bytes - data
 * @returns knocks
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeKnocks(bytes);
 * ```
 */
export function decodeKnocks(bytes: Uint8Array): Knock[] {
  return decodeWith(bytes, (r) => r.vector((r2) => ({ user: r2.string() })));
}
