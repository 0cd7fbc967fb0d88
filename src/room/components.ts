/**
 * TLS codecs of the room components (draft-ietf-mimi-protocol §8.5–8.6,
 * draft-ietf-mimi-room-policy §2–5, §A) and of the app_data_dictionary / AppDataUpdate containers
 * (draft-ietf-mls-extensions §4.6–4.7).
 *
 * Each `encodeX` returns the bytes of the component's `data` (or update); each `decodeX` is strict
 * (no trailing bytes, bounded vectors, booleans 0/1, enums in range, valid UTF-8).
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { TlsReader, TlsWriter, decodeWith, encodeWith, type TlsReaderOptions } from '../tls/codec.js';
import { Optionality, type OptionalityName } from './registry.js';
import type {
  AppDataUpdate,
  BaseRoomPolicy,
  Claim,
  ComponentData,
  HistoryPolicy,
  JoinLinkPolicy,
  Knock,
  LoggingPolicy,
  MessageExpirationPolicy,
  ParticipantListUpdate,
  PreAuthEntry,
  RichDescription,
  Role,
  RoomMetadata,
  StatusNotificationPolicy,
  UserProfile,
  UserRolePair,
} from './types.js';

const OPT_NAMES: readonly OptionalityName[] = ['optional', 'required', 'forbidden'];

function writeOptionality(w: TlsWriter, v: OptionalityName): void {
  const n = Optionality[v];
  if (n === undefined) throw new MimiError('room/invalid-value', `unknown Optionality ${String(v)}`);
  w.uint8(n);
}
function readOptionality(r: TlsReader): OptionalityName {
  const at = r.offset;
  const v = r.uint8();
  const name = OPT_NAMES[v];
  if (name === undefined) throw new MimiError('tls/invalid-enum', `Optionality ${v} is not 0, 1 or 2`, { details: { offset: at } });
  return name;
}

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

// ---------- other policy components (draft-ietf-mimi-room-policy §5) ----------

/**
 * Encodes StatusNotificationPolicy.
 * @param p - policy
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeStatusNotificationPolicy(p);
 * ```
 */
export function encodeStatusNotificationPolicy(p: StatusNotificationPolicy): Uint8Array {
  return encodeWith((w) => {
    writeOptionality(w, p.deliveryNotifications);
    writeOptionality(w, p.readReceipts);
  });
}
/**
 * Decodes StatusNotificationPolicy.
 * @param bytes - data
 * @returns policy
 * @throws {@link MimiError} `tls/invalid-enum`, `tls/*`
 * @example
 * ```ts
 * const result = decodeStatusNotificationPolicy(bytes);
 * ```
 */
export function decodeStatusNotificationPolicy(bytes: Uint8Array): StatusNotificationPolicy {
  return decodeWith(bytes, (r) => ({ deliveryNotifications: readOptionality(r), readReceipts: readOptionality(r) }));
}

/**
 * Encodes JoinLinkPolicy.
 * @param p - policy
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeJoinLinkPolicy(p);
 * ```
 */
export function encodeJoinLinkPolicy(p: JoinLinkPolicy): Uint8Array {
  return encodeWith((w) => {
    w.bool(p.onRequest);
    w.string(p.joinLink);
    w.bool(p.multiuser);
    w.uint32(p.expiration);
  });
}
/**
 * Decodes JoinLinkPolicy.
 * @param bytes - data
 * @returns policy
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeJoinLinkPolicy(bytes);
 * ```
 */
export function decodeJoinLinkPolicy(bytes: Uint8Array): JoinLinkPolicy {
  return decodeWith(bytes, (r) => ({ onRequest: r.bool(), joinLink: r.string(), multiuser: r.bool(), expiration: r.uint32() }));
}

/**
 * Encodes JoinLinksData (`JoinLink JoinLinksData<V>`, JoinLink = `opaque join_link<V>` per -04).
 * @param links - the links
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeJoinLinks(links);
 * ```
 */
export function encodeJoinLinks(links: readonly string[]): Uint8Array {
  return encodeWith((w) => w.vector(links, (w2, l) => w2.string(l)));
}
/**
 * Decodes JoinLinksData.
 * @param bytes - data
 * @returns links
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeJoinLinks(bytes);
 * ```
 */
export function decodeJoinLinks(bytes: Uint8Array): string[] {
  return decodeWith(bytes, (r) => r.vector((r2) => r2.string()));
}

/** draft-ietf-mimi-room-policy §5.2 JoinLinksUpdate. */
export interface JoinLinksUpdate {
  readonly removedIndices: readonly number[];
  readonly added: readonly string[];
}
/**
 * Encodes JoinLinksUpdate.
 * @param u - update
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeJoinLinksUpdate(u);
 * ```
 */
export function encodeJoinLinksUpdate(u: JoinLinksUpdate): Uint8Array {
  return encodeWith((w) => {
    w.vector(u.removedIndices, (w2, i) => w2.uint32(i));
    w.vector(u.added, (w2, l) => w2.string(l));
  });
}
/**
 * Decodes JoinLinksUpdate.
 * @param bytes - update
 * @returns the update
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeJoinLinksUpdate(bytes);
 * ```
 */
export function decodeJoinLinksUpdate(bytes: Uint8Array): JoinLinksUpdate {
  return decodeWith(bytes, (r) => ({ removedIndices: r.vector((r2) => r2.uint32()), added: r.vector((r2) => r2.string()) }));
}

/**
 * Encodes LoggingPolicy (select on Optionality: nothing more when forbidden).
 * @param p - policy
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeLoggingPolicy(p);
 * ```
 */
export function encodeLoggingPolicy(p: LoggingPolicy): Uint8Array {
  return encodeWith((w) => {
    writeOptionality(w, p.logging);
    if (p.logging === 'forbidden') return;
    w.vector(p.loggingClients, (w2, u) => w2.string(u));
    w.string(p.machineReadablePolicy);
    w.string(p.humanReadablePolicy);
  });
}
/**
 * Decodes LoggingPolicy.
 * @param bytes - data
 * @returns policy
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeLoggingPolicy(bytes);
 * ```
 */
export function decodeLoggingPolicy(bytes: Uint8Array): LoggingPolicy {
  return decodeWith(bytes, (r) => {
    const logging = readOptionality(r);
    if (logging === 'forbidden') return { logging, loggingClients: [], machineReadablePolicy: '', humanReadablePolicy: '' };
    return { logging, loggingClients: r.vector((r2) => r2.string()), machineReadablePolicy: r.string(), humanReadablePolicy: r.string() };
  });
}

/**
 * Encodes HistoryPolicy.
 * @param p - policy
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeHistoryPolicy(p);
 * ```
 */
export function encodeHistoryPolicy(p: HistoryPolicy): Uint8Array {
  return encodeWith((w) => {
    writeOptionality(w, p.historySharing);
    if (p.historySharing === 'forbidden') return;
    w.vector(p.rolesThatCanShare, (w2, i) => w2.uint32(i));
    w.bool(p.automaticallyShare);
    w.uint32(p.maxTimePeriod);
  });
}
/**
 * Decodes HistoryPolicy.
 * @param bytes - data
 * @returns policy
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeHistoryPolicy(bytes);
 * ```
 */
export function decodeHistoryPolicy(bytes: Uint8Array): HistoryPolicy {
  return decodeWith(bytes, (r) => {
    const historySharing = readOptionality(r);
    if (historySharing === 'forbidden') return { historySharing, rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 };
    return { historySharing, rolesThatCanShare: r.vector((r2) => r2.uint32()), automaticallyShare: r.bool(), maxTimePeriod: r.uint32() };
  });
}

/**
 * Encodes MessageExpiration.
 * @param p - policy
 * @returns the bytes
 * @example
 * ```ts
 * const result = encodeMessageExpirationPolicy(p);
 * ```
 */
export function encodeMessageExpirationPolicy(p: MessageExpirationPolicy): Uint8Array {
  return encodeWith((w) => {
    writeOptionality(w, p.expiringMessages);
    if (p.expiringMessages === 'forbidden') return;
    w.uint32(p.minExpirationDuration);
    w.uint32(p.maxExpirationDuration);
    w.optional(p.defaultExpirationDuration, (w2, v) => w2.uint32(v));
  });
}
/**
 * Decodes MessageExpiration.
 * @param bytes - data
 * @returns policy
 * @throws {@link MimiError} `tls/*`
 * @example
 * ```ts
 * const result = decodeMessageExpirationPolicy(bytes);
 * ```
 */
export function decodeMessageExpirationPolicy(bytes: Uint8Array): MessageExpirationPolicy {
  return decodeWith(bytes, (r) => {
    const expiringMessages = readOptionality(r);
    if (expiringMessages === 'forbidden') return { expiringMessages, minExpirationDuration: 0, maxExpirationDuration: 0 };
    const minExpirationDuration = r.uint32();
    const maxExpirationDuration = r.uint32();
    const d = r.optional((r2) => r2.uint32());
    return { expiringMessages, minExpirationDuration, maxExpirationDuration, ...(d === undefined ? {} : { defaultExpirationDuration: d }) };
  });
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

// ---------- containers (draft-ietf-mls-extensions §4.6, §4.7) ----------

/**
 * Encodes an AppDataDictionary; entries must be sorted by componentId without duplicates.
 * @param entries - component data
 * @returns the extension_data bytes
 * @throws {@link MimiError} `room/unsorted-components`, `room/duplicate-component`
 * @example
 * ```ts
 * const result = encodeComponentDictionary(entries);
 * ```
 */
export function encodeComponentDictionary(entries: readonly ComponentData[]): Uint8Array {
  checkSorted(entries.map((e) => e.componentId));
  return encodeWith((w) =>
    w.vector(entries, (w2, e) => {
      w2.uint16(e.componentId);
      w2.opaque(e.data);
    }),
  );
}
/**
 * Decodes an AppDataDictionary (strictly sorted, unique component IDs).
 * @param bytes - extension_data
 * @param options - bounds
 * @returns entries
 * @throws {@link MimiError} `room/unsorted-components`, `room/duplicate-component`, `tls/*`
 * @example
 * ```ts
 * const result = decodeComponentDictionary(bytes, options);
 * ```
 */
export function decodeComponentDictionary(bytes: Uint8Array, options?: TlsReaderOptions): ComponentData[] {
  const entries = decodeWith(bytes, (r) => r.vector((r2) => ({ componentId: r2.uint16(), data: r2.opaque() })), options);
  checkSorted(entries.map((e) => e.componentId));
  return entries;
}

function checkSorted(ids: readonly number[]): void {
  for (let i = 1; i < ids.length; i++) {
    const a = ids[i - 1]!;
    const b = ids[i]!;
    // draft-ietf-mls-extensions §4.6: sorted by component_id, at most one entry each.
    if (a === b) throw new MimiError('room/duplicate-component', `component 0x${b.toString(16)} appears twice`, { path: [i] });
    if (a > b) throw new MimiError('room/unsorted-components', `component_data not sorted at entry ${i}`, { path: [i] });
  }
}

/**
 * Encodes an AppDataUpdate proposal body.
 * @param u - the update
 * @returns the bytes
 * @example
 * ```ts
 * encodeAppDataUpdate({ componentId: 0x22, op: 'remove' }); // 00 22 02
 * ```
 */
export function encodeAppDataUpdate(u: AppDataUpdate): Uint8Array {
  return encodeWith((w) => {
    w.uint16(u.componentId);
    if (u.op === 'update') {
      w.uint8(1);
      w.opaque(u.update);
    } else w.uint8(2);
  });
}
/**
 * Decodes an AppDataUpdate proposal body.
 * @param bytes - the proposal body
 * @param options - bounds
 * @returns the update
 * @throws {@link MimiError} `tls/invalid-enum` for op `invalid(0)` or unknown, `tls/*`
 * @example
 * ```ts
 * const result = decodeAppDataUpdate(bytes, options);
 * ```
 */
export function decodeAppDataUpdate(bytes: Uint8Array, options?: TlsReaderOptions): AppDataUpdate {
  return decodeWith(
    bytes,
    (r): AppDataUpdate => {
      const componentId = r.uint16();
      const at = r.offset;
      const op = r.uint8();
      if (op === 1) return { componentId, op: 'update', update: r.opaque() };
      if (op === 2) return { componentId, op: 'remove' };
      throw new MimiError('tls/invalid-enum', `AppDataUpdateOperation ${op} is not update(1) or remove(2)`, { details: { offset: at } });
    },
    options,
  );
}
