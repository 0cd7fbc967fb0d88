/**
 * Message franking in the delivery layer (draft-ietf-mimi-protocol-06 "Message Franking", "Hub processing",
 * "Report abuse"; docs/decisions.md HT2, HT19): the hub's franking configuration, the frank it computes for an
 * accepted application message whose authenticated_data carries a `frank_aad` item, the checks of a received
 * event's frank shape, the byte form the SQL stores keep, and the hub's check of reported messages.
 *
 * @module
 */
import { decodeContent } from '../content/codec.js';
import { MimiError } from '../errors.js';
import { decodeBody, encodeBody } from '../protocol/common.js';
import {
  checkServerFrank,
  decodeFrankAad,
  decodeSafeAad,
  encodeFrankingIntegrityTbs,
  frankingTag,
  FRANK_AAD_COMPONENT_ID,
  hubFrank,
  readFrank,
  writeFrank,
  type Frank,
  type ServerFrankingContext,
} from '../protocol/franking.js';
import type { AbusiveMessage } from '../protocol/reportAbuse.js';
import { verifyWithLabel } from '../protocol/signWithLabel.js';
import { TlsReader } from '../tls/codec.js';

/**
 * What a hub needs to frank (draft "Hub processing"): its secret `hub_key`, and the franking signature key pair
 * whose public half the rooms' `franking_agent` GroupContext component publishes, for the rooms' cipher suite.
 */
export interface HubFranking {
  /** The hub's secret HMAC key (`hub_key`): any length, 32 random bytes recommended. */
  readonly hubKey: Uint8Array;
  /** The private key matching `franking_agent.franking_signature_key`. */
  readonly frankingPrivateKey: Uint8Array;
  /** `franking_agent.franking_signature_key`: the hub verifies its own integrity signature with it (report abuse). */
  readonly frankingPublicKey: Uint8Array;
  /** The MLS cipher suite of the rooms (`franking_signature_ciphersuite`), e.g. 1. */
  readonly cipherSuite: number;
}

/** What the hub does with one submitted message: frank it, leave it unfranked, or refuse it. */
export type FrankDecision = { readonly frank?: Frank } | { readonly refused: string };

/**
 * The `authenticated_data` of a PrivateMessage MLSMessage (RFC 9420 §6.3: `group_id`, `epoch`, `content_type`,
 * `authenticated_data`, all in the clear), or undefined for any other message.
 *
 * @param message - the MLSMessage bytes
 * @returns the authenticated_data, or undefined
 * @example
 * ```ts
 * import { privateMessageAad } from 'mimi-kit/delivery';
 * import { frankingTagFromAad } from 'mimi-kit/protocol';
 * const aad = privateMessageAad(message);
 * const tag = aad && frankingTagFromAad(aad);
 * ```
 */
export function privateMessageAad(message: Uint8Array): Uint8Array | undefined {
  try {
    const r = new TlsReader(message);
    if (r.uint16() !== 1 || r.uint16() !== 2) return undefined; // mls10, mls_private_message
    r.opaque(); // group_id
    r.uint64(); // epoch
    r.uint8(); // content_type
    return r.opaque();
  } catch {
    return undefined;
  }
}

/**
 * The hub's franking of an accepted submitMessage (draft "Submit a Message": "If a franking_tag was included in
 * the frank_aad component … the server attempts to frank the message"; HT19): no configuration, no SafeAAD, or no
 * `frank_aad` item means no frank; a SafeAAD whose `frank_aad` item is not 32 bytes is refused.
 *
 * @param franking - the hub's configuration, if it franks
 * @param message - the PrivateMessage as an MLSMessage
 * @param context - sending URI, room URI and the hub time the event is stamped with
 * @returns the frank, nothing, or the refusal's description
 * @example
 * ```ts
 * import { frankSubmitted } from 'mimi-kit/delivery';
 * const d = frankSubmitted(franking, message, { senderUri, roomUri, acceptedTimestamp: 1700000000000n });
 * ```
 */
export function frankSubmitted(franking: HubFranking | undefined, message: Uint8Array, context: ServerFrankingContext): FrankDecision {
  if (franking === undefined) return {};
  const aad = privateMessageAad(message);
  if (aad === undefined || aad.length === 0) return {};
  let items;
  try {
    items = decodeSafeAad(aad);
  } catch {
    // Not a SafeAAD (a room without safe_aad, draft-ietf-mls-extensions "Safe AAD"): nothing to frank.
    return {};
  }
  const item = items.find((i) => i.componentId === FRANK_AAD_COMPONENT_ID);
  if (item === undefined) return {};
  let tag: Uint8Array;
  try {
    tag = decodeFrankAad(item.data);
  } catch {
    return { refused: 'the frank_aad item is not a 32-byte franking_tag' };
  }
  return { frank: hubFrank({ hubKey: franking.hubKey, frankingPrivateKey: franking.frankingPrivateKey, cipherSuite: franking.cipherSuite, frankingTag: tag, context }) };
}

/**
 * Encodes a Frank as the SQL stores keep it (the draft's `Frank` struct).
 *
 * @param frank - the frank
 * @returns its bytes
 * @example
 * ```ts
 * import { encodeStoredFrank } from 'mimi-kit/delivery';
 * encodeStoredFrank(frank).length; // 32 + 2 + 1 + signature length (for a short signature)
 * ```
 */
export function encodeStoredFrank(frank: Frank): Uint8Array {
  return encodeBody('Frank', (w) => writeFrank(w, frank));
}

/** @internal HT19: an event's frank as the SQL stores' `frank` column holds it (NULL when it has none). */
export function frankColumn(e: { readonly frank?: Frank }): Uint8Array | null {
  return e.frank === undefined ? null : encodeStoredFrank(e.frank);
}

/**
 * Decodes a stored Frank.
 *
 * @param bytes - the bytes {@link encodeStoredFrank} made
 * @returns the frank
 * @throws {@link MimiError} `delivery/corrupt-store`
 * @example
 * ```ts
 * import { decodeStoredFrank, encodeStoredFrank } from 'mimi-kit/delivery';
 * decodeStoredFrank(encodeStoredFrank(frank)).frankingSignatureCiphersuite; // 1
 * ```
 */
export function decodeStoredFrank(bytes: Uint8Array): Frank {
  try {
    return decodeBody(bytes, 'Frank', readFrank);
  } catch (e) {
    throw new MimiError('delivery/corrupt-store', 'a stored frank does not decode', { cause: e });
  }
}

/** @internal Checks a received event's frank field by field (`delivery/bad-request`). */
export function checkFrankShape(v: unknown, path: string, maxBytes: number): Frank {
  const f = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const bad = (field: string, what: string): never => {
    throw new MimiError('delivery/bad-request', `${path}.${field} ${what}`, { path: [path, field] });
  };
  if (!(f.serverFrank instanceof Uint8Array) || f.serverFrank.length !== 32) bad('serverFrank', 'must be 32 bytes');
  const suite = f.frankingSignatureCiphersuite;
  if (typeof suite !== 'number' || !Number.isInteger(suite) || suite < 0 || suite > 0xffff) bad('frankingSignatureCiphersuite', 'must be a uint16');
  const sig = f.frankingIntegritySignature;
  if (!(sig instanceof Uint8Array) || sig.length > maxBytes) bad('frankingIntegritySignature', `must be at most ${maxBytes} bytes`);
  return { serverFrank: f.serverFrank as Uint8Array, frankingSignatureCiphersuite: suite as number, frankingIntegritySignature: sig as Uint8Array };
}

/**
 * The hub's validation of reported messages (draft "Report abuse": it finds the salt, sender URI and room URI in
 * `message_content`, recalculates the franking_tag and the context with `accepted_timestamp`, regenerates the
 * server_frank with its hub_key, then verifies its franking_integrity_signature with the suite the frank names).
 * The content's room URI must also be the reported room (HT19).
 *
 * @param franking - the hub's configuration (without one the hub franked nothing: every frank is refused)
 * @param roomId - the room the report is for
 * @param messages - the reported messages
 * @throws {@link MimiError} `protocol/server-frank-mismatch`, `protocol/frank-signature-invalid`,
 *   `protocol/frank-context-mismatch`, `protocol/unsupported-ciphersuite`, `content/*`
 * @example
 * ```ts
 * import { checkAbusiveMessages } from 'mimi-kit/delivery';
 * checkAbusiveMessages(franking, roomId, report.messages); // throws on a frank this hub did not make
 * ```
 */
export function checkAbusiveMessages(franking: HubFranking | undefined, roomId: string, messages: readonly AbusiveMessage[]): void {
  messages.forEach((m, i) => {
    const at = { path: ['messages', String(i)] };
    if (franking === undefined) throw new MimiError('protocol/server-frank-mismatch', 'this hub franks no messages', at);
    const content = decodeContent(m.messageContent);
    const senderUri = content.extensions.senderUri;
    const roomUri = content.extensions.roomUri;
    if (senderUri === undefined || roomUri === undefined) {
      throw new MimiError('protocol/frank-context-mismatch', 'the reported content lacks senderUri or roomUri (extensions 1 and 2)', at);
    }
    if (roomUri !== roomId) throw new MimiError('protocol/frank-context-mismatch', `the reported content is for ${roomUri}, not ${roomId}`, at);
    const context: ServerFrankingContext = { senderUri, roomUri, acceptedTimestamp: m.acceptedTimestamp };
    checkServerFrank(franking.hubKey, m.frank, frankingTag(content.salt, m.messageContent), context);
    const tbs = encodeFrankingIntegrityTbs(m.frank.serverFrank, m.frank.frankingSignatureCiphersuite, context);
    if (!verifyWithLabel(m.frank.frankingSignatureCiphersuite, franking.frankingPublicKey, 'FrankingIntegrityTBS', tbs, m.frank.frankingIntegritySignature)) {
      throw new MimiError('protocol/frank-signature-invalid', 'the franking_integrity_signature of a reported message does not verify', at);
    }
  });
}
