/**
 * TLS codecs of the optional policy components (draft-ietf-mimi-room-policy §5): status
 * notifications, join link policy, join links and their JoinLinksUpdate, logging, history sharing and
 * message expiration, with the Optionality enum they share. Strict like every component decoder.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { TlsReader, TlsWriter, decodeWith, encodeWith } from '../tls/codec.js';
import { Optionality, type OptionalityName } from './registry.js';
import type { HistoryPolicy, JoinLinkPolicy, LoggingPolicy, MessageExpirationPolicy, StatusNotificationPolicy } from './types.js';

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
