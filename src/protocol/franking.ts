/**
 * Message franking (draft-ietf-mimi-protocol-06 "Message Franking"): the Frank, the `frank_aad` Safe AAD
 * component (0x0020) and the `franking_signature_key` / franking_agent GroupContext component (0x0021), the
 * ServerFrankingContext and FrankingIntegrityTBS, the client's franking_tag, the hub's frank and the
 * receiver's and hub's checks. HMAC-SHA256 from @noble/hashes; signatures by {@link signWithLabel}.
 *
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeContent } from '../content/codec.js';
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { checkU64, decodeBody, encodeBody, readFixed, writeFixed, writeUri, type ProtocolDecodeOptions } from './common.js';
import { readComponents, writeComponents, type AppComponent } from './appDataDictionary.js';
import { readCredential, writeEmbedded, type CredentialBytes } from './mlsStructures.js';
import { signWithLabel, verifyWithLabel } from './signWithLabel.js';

/**
 * IANA value of the `frank_aad` component (suggested, -06 IANA Considerations).
 *
 * @example
 * ```ts
 * import { FRANK_AAD_COMPONENT_ID } from 'mimi-kit/protocol';
 * FRANK_AAD_COMPONENT_ID; // 0x0020
 * ```
 */
export const FRANK_AAD_COMPONENT_ID = 0x0020;
/**
 * IANA value of the `franking_signature_key` component (suggested).
 *
 * @example
 * ```ts
 * import { FRANKING_SIGNATURE_KEY_COMPONENT_ID } from 'mimi-kit/protocol';
 * FRANKING_SIGNATURE_KEY_COMPONENT_ID; // 0x0021
 * ```
 */
export const FRANKING_SIGNATURE_KEY_COMPONENT_ID = 0x0021;

/** Frank: what the hub adds to an accepted, franked message. */
export interface Frank {
  /** 32 bytes. */
  readonly serverFrank: Uint8Array;
  readonly frankingSignatureCiphersuite: number;
  readonly frankingIntegritySignature: Uint8Array;
}

/** Reads a Frank (`uint8 server_frank[32]; CipherSuite; opaque franking_integrity_signature<V>`). */
export function readFrank(r: TlsReader): Frank {
  return { serverFrank: readFixed(r, 32), frankingSignatureCiphersuite: r.uint16(), frankingIntegritySignature: r.opaque() };
}

/** Writes a Frank. */
export function writeFrank(w: TlsWriter, f: Frank): void {
  writeFixed(w, f.serverFrank, 32, 'serverFrank');
  w.uint16(f.frankingSignatureCiphersuite);
  w.opaque(f.frankingIntegritySignature);
}

/** ServerFrankingContext. */
export interface ServerFrankingContext {
  readonly senderUri: string;
  readonly roomUri: string;
  readonly acceptedTimestamp: bigint;
}

function writeContext(w: TlsWriter, c: ServerFrankingContext): void {
  writeUri(w, c.senderUri);
  writeUri(w, c.roomUri);
  checkU64(c.acceptedTimestamp, 'acceptedTimestamp');
  w.uint64(c.acceptedTimestamp);
}

/**
 * Encodes a ServerFrankingContext.
 *
 * @param c - the context
 * @returns the bytes
 * @example
 * ```ts
 * import { encodeServerFrankingContext } from 'mimi-kit/protocol';
 * encodeServerFrankingContext({ senderUri: 'a', roomUri: 'b', acceptedTimestamp: 1n }); // 01 61 01 62 00…01
 * ```
 */
export function encodeServerFrankingContext(c: ServerFrankingContext): Uint8Array {
  return encodeBody('ServerFrankingContext', (w) => writeContext(w, c));
}

/**
 * Encodes a FrankingIntegrityTBS: `opaque server_frank[32]; CipherSuite; ServerFrankingContext`.
 *
 * @param serverFrank - 32 bytes
 * @param cipherSuite - franking_signature_ciphersuite
 * @param context - the context
 * @returns the bytes the hub signs
 * @example
 * ```ts
 * import { encodeFrankingIntegrityTbs } from 'mimi-kit/protocol';
 * const tbs = encodeFrankingIntegrityTbs(serverFrank, 1, context);
 * ```
 */
export function encodeFrankingIntegrityTbs(serverFrank: Uint8Array, cipherSuite: number, context: ServerFrankingContext): Uint8Array {
  return encodeBody('FrankingIntegrityTBS', (w) => {
    writeFixed(w, serverFrank, 32, 'serverFrank');
    w.uint16(cipherSuite);
    writeContext(w, context);
  });
}

/**
 * Encodes the `frank_aad` component data (`uint8 franking_tag[32]`).
 *
 * @param frankingTag - 32 bytes
 * @returns the component data
 * @example
 * ```ts
 * import { encodeFrankAad } from 'mimi-kit/protocol';
 * encodeFrankAad(tag).length; // 32
 * ```
 */
export function encodeFrankAad(frankingTag: Uint8Array): Uint8Array {
  return encodeBody('FrankAAD', (w) => writeFixed(w, frankingTag, 32, 'frankingTag'));
}

/**
 * Decodes the `frank_aad` component data.
 *
 * @param bytes - the component data
 * @returns the franking_tag
 * @throws {@link MimiError} `protocol/truncated`, `protocol/trailing-bytes`
 * @example
 * ```ts
 * import { decodeFrankAad } from 'mimi-kit/protocol';
 * decodeFrankAad(data); // the 32-byte franking_tag
 * ```
 */
export function decodeFrankAad(bytes: Uint8Array): Uint8Array {
  return decodeBody(bytes, 'FrankAAD', (r) => readFixed(r, 32));
}

/**
 * Encodes a SafeAAD (draft-ietf-mls-extensions "Safe AAD": `SafeAADItem aad_items<V>`, ascending IDs): what a
 * client puts in a PrivateMessage's authenticated_data.
 *
 * @param items - the items
 * @returns the authenticated_data
 * @throws {@link MimiError} `protocol/unsorted-components`
 * @example
 * ```ts
 * import { encodeSafeAad, encodeFrankAad, FRANK_AAD_COMPONENT_ID } from 'mimi-kit/protocol';
 * const aad = encodeSafeAad([{ componentId: FRANK_AAD_COMPONENT_ID, data: encodeFrankAad(tag) }]);
 * ```
 */
export function encodeSafeAad(items: readonly AppComponent[]): Uint8Array {
  return encodeBody('SafeAAD', (w) => writeComponents(w, items, 'aad_items'));
}

/**
 * Decodes a SafeAAD.
 *
 * @param bytes - the authenticated_data
 * @param options - limits
 * @returns the items
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeSafeAad } from 'mimi-kit/protocol';
 * decodeSafeAad(aad)[0]?.componentId; // 32
 * ```
 */
export function decodeSafeAad(bytes: Uint8Array, options?: ProtocolDecodeOptions): AppComponent[] {
  return decodeBody(bytes, 'SafeAAD', (r) => readComponents(r, 'aad_items'), options);
}

/**
 * The franking_tag in a SafeAAD authenticated_data, if it has a `frank_aad` item.
 *
 * @param authenticatedData - the PrivateMessage's authenticated_data
 * @returns the 32-byte tag, or undefined
 * @throws {@link MimiError} `protocol/*` when the AAD or the item is malformed
 * @example
 * ```ts
 * import { frankingTagFromAad } from 'mimi-kit/protocol';
 * frankingTagFromAad(aad); // Uint8Array(32) or undefined
 * ```
 */
export function frankingTagFromAad(authenticatedData: Uint8Array): Uint8Array | undefined {
  const item = decodeSafeAad(authenticatedData).find((i) => i.componentId === FRANK_AAD_COMPONENT_ID);
  return item ? decodeFrankAad(item.data) : undefined;
}

/** FrankingAgentData: the franking_agent GroupContext component (mirrors RFC 9420 ExternalSender). */
export interface FrankingAgentData {
  readonly frankingSignatureKey: Uint8Array;
  readonly credential: CredentialBytes;
}

/**
 * Encodes FrankingAgentData (also the FrankingAgentUpdate of an AppDataUpdate).
 *
 * @param a - the agent
 * @returns the component data
 * @example
 * ```ts
 * import { encodeFrankingAgent, basicCredential } from 'mimi-kit/protocol';
 * encodeFrankingAgent({ frankingSignatureKey: pub, credential: basicCredential(new TextEncoder().encode('mimi://hub.example')) });
 * ```
 */
export function encodeFrankingAgent(a: FrankingAgentData): Uint8Array {
  return encodeBody('FrankingAgentData', (w) => {
    w.opaque(a.frankingSignatureKey);
    writeEmbedded(w, a.credential.bytes, 'credential', readCredential);
  });
}

/**
 * Decodes FrankingAgentData.
 *
 * @param bytes - the component data
 * @param options - limits
 * @returns the agent
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeFrankingAgent } from 'mimi-kit/protocol';
 * decodeFrankingAgent(data).frankingSignatureKey;
 * ```
 */
export function decodeFrankingAgent(bytes: Uint8Array, options?: ProtocolDecodeOptions): FrankingAgentData {
  return decodeBody(bytes, 'FrankingAgentData', (r) => ({ frankingSignatureKey: r.opaque(), credential: readCredential(r) }), options);
}

/**
 * The client's franking_tag: HMAC_SHA256(salt, application_data).
 *
 * @param salt - the MIMI content salt (16 bytes)
 * @param applicationData - the exact application_data (the MIMI content bytes)
 * @returns 32 bytes
 * @example
 * ```ts
 * import { frankingTag } from 'mimi-kit/protocol';
 * const tag = frankingTag(content.salt, contentBytes);
 * ```
 */
export function frankingTag(salt: Uint8Array, applicationData: Uint8Array): Uint8Array {
  return hmac(sha256, salt, applicationData);
}

/**
 * The hub's server_frank: HMAC_SHA256(hub_key, franking_tag || ServerFrankingContext).
 *
 * @param hubKey - the hub's secret key
 * @param tag - the franking_tag from the AAD
 * @param context - the context
 * @returns 32 bytes
 * @example
 * ```ts
 * import { serverFrank } from 'mimi-kit/protocol';
 * serverFrank(hubKey, tag, { senderUri, roomUri, acceptedTimestamp: 1700000000000n });
 * ```
 */
export function serverFrank(hubKey: Uint8Array, tag: Uint8Array, context: ServerFrankingContext): Uint8Array {
  if (!(tag instanceof Uint8Array) || tag.length !== 32) throw new MimiError('protocol/bad-length', 'franking_tag must be 32 bytes');
  const ctx = encodeServerFrankingContext(context);
  const input = new Uint8Array(32 + ctx.length);
  input.set(tag);
  input.set(ctx, 32);
  return hmac(sha256, hubKey, input);
}

/** What the hub needs to frank an accepted message. */
export interface HubFrankInput {
  readonly hubKey: Uint8Array;
  /** The private key matching franking_agent.franking_signature_key. */
  readonly frankingPrivateKey: Uint8Array;
  /** The room's MLS cipher suite. */
  readonly cipherSuite: number;
  readonly frankingTag: Uint8Array;
  readonly context: ServerFrankingContext;
}

/**
 * The hub's frank of an accepted message ("Hub processing").
 *
 * @param input - keys, suite, the message's franking_tag and the context
 * @returns the Frank for the SubmitMessageResponse and the fanout
 * @example
 * ```ts
 * import { hubFrank } from 'mimi-kit/protocol';
 * const frank = hubFrank({ hubKey, frankingPrivateKey, cipherSuite: 1, frankingTag: tag, context });
 * ```
 */
export function hubFrank(input: HubFrankInput): Frank {
  const sf = serverFrank(input.hubKey, input.frankingTag, input.context);
  const tbs = encodeFrankingIntegrityTbs(sf, input.cipherSuite, input.context);
  return { serverFrank: sf, frankingSignatureCiphersuite: input.cipherSuite, frankingIntegritySignature: signWithLabel(input.cipherSuite, input.frankingPrivateKey, 'FrankingIntegrityTBS', tbs) };
}

/** What a receiver checks a frank against ("Receiver verification of frank"). */
export interface FrankCheckInput {
  readonly frank: Frank;
  /** The franking_tag from the decrypted message's frank_aad. */
  readonly frankingTag: Uint8Array;
  /** The decrypted application_data: the MIMI content bytes (salt, senderUri and roomUri are read from it). */
  readonly applicationData: Uint8Array;
  /** The hub acceptance time of the message (the FanoutMessage timestamp). */
  readonly acceptedTimestamp: bigint;
  /** The room's MLS cipher suite. */
  readonly groupCipherSuite: number;
  /** The franking_agent component of the GroupContext. */
  readonly frankingAgent: FrankingAgentData;
  /** The hub's domain, which the agent credential must name. */
  readonly hubDomain: string;
  /** The user URI of the sender's MLS credential (when the caller has it), which must match the content's senderUri. */
  readonly credentialSenderUri?: string;
  /** The room ID the message was received in, which must match the content's roomUri. */
  readonly roomId?: string;
}

function hostOf(identity: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(identity);
  return (m ? m[1]! : identity).replace(/^[^@]*@/, '').toLowerCase();
}

/**
 * The receiver's check of a frank: cipher suite, agent domain, integrity signature, franking_tag, sender and
 * room. Returns the ServerFrankingContext to store with the message.
 *
 * @param input - the frank and what it is checked against
 * @returns the verified context
 * @throws {@link MimiError} `protocol/frank-ciphersuite-mismatch`, `protocol/frank-agent-mismatch`,
 *   `protocol/frank-signature-invalid`, `protocol/franking-tag-mismatch`, `protocol/frank-context-mismatch`,
 *   `protocol/unsupported-ciphersuite`, `content/*` when applicationData is not MIMI content
 * @example
 * ```ts
 * import { checkFrank } from 'mimi-kit/protocol';
 * const context = checkFrank({ frank, frankingTag: tag, applicationData, acceptedTimestamp, groupCipherSuite: 1, frankingAgent, hubDomain: 'hub.example' });
 * ```
 */
export function checkFrank(input: FrankCheckInput): ServerFrankingContext {
  const { frank } = input;
  if (frank.frankingSignatureCiphersuite !== input.groupCipherSuite) {
    throw new MimiError('protocol/frank-ciphersuite-mismatch', `frank suite ${frank.frankingSignatureCiphersuite}, group suite ${input.groupCipherSuite}`);
  }
  // -06: "It verifies the domain name in the franking_agent.credential corresponds to the domain of the Hub".
  const cred = input.frankingAgent.credential;
  if (cred.identity === undefined) {
    throw new MimiError('protocol/frank-agent-mismatch', 'franking_agent credential is not a basic credential: its domain cannot be read here');
  }
  let identity: string;
  try {
    identity = new TextDecoder('utf-8', { fatal: true }).decode(cred.identity);
  } catch {
    throw new MimiError('protocol/frank-agent-mismatch', 'franking_agent identity is not UTF-8');
  }
  if (hostOf(identity) !== input.hubDomain.toLowerCase()) {
    throw new MimiError('protocol/frank-agent-mismatch', `franking_agent names ${identity}, not ${input.hubDomain}`);
  }
  const content = decodeContent(input.applicationData);
  const senderUri = content.extensions.senderUri;
  const roomUri = content.extensions.roomUri;
  if (senderUri === undefined || roomUri === undefined) {
    throw new MimiError('protocol/frank-context-mismatch', 'the content lacks senderUri or roomUri (extensions 1 and 2)');
  }
  const context: ServerFrankingContext = { senderUri, roomUri, acceptedTimestamp: input.acceptedTimestamp };
  const tbs = encodeFrankingIntegrityTbs(frank.serverFrank, frank.frankingSignatureCiphersuite, context);
  if (!verifyWithLabel(input.groupCipherSuite, input.frankingAgent.frankingSignatureKey, 'FrankingIntegrityTBS', tbs, frank.frankingIntegritySignature)) {
    throw new MimiError('protocol/frank-signature-invalid', 'franking_integrity_signature does not verify over this sender, room and time');
  }
  if (!equal(frankingTag(content.salt, input.applicationData), input.frankingTag)) {
    throw new MimiError('protocol/franking-tag-mismatch', 'franking_tag is not HMAC_SHA256(salt, application_data)');
  }
  if (input.credentialSenderUri !== undefined && input.credentialSenderUri !== senderUri) {
    throw new MimiError('protocol/frank-context-mismatch', `content senderUri ${senderUri} is not the credential's ${input.credentialSenderUri}`);
  }
  if (input.roomId !== undefined && input.roomId !== roomUri) {
    throw new MimiError('protocol/frank-context-mismatch', `content roomUri ${roomUri} is not the room ${input.roomId}`);
  }
  return context;
}

/**
 * The hub's check of its own server_frank (used when validating an AbusiveMessage, "Report abuse").
 *
 * @param hubKey - the hub key that franked the message
 * @param frank - the frank
 * @param tag - the franking_tag recomputed from the message content
 * @param context - the context recomputed from the content and the accepted timestamp
 * @throws {@link MimiError} `protocol/server-frank-mismatch`
 * @example
 * ```ts
 * import { checkServerFrank } from 'mimi-kit/protocol';
 * checkServerFrank(hubKey, frank, tag, context);
 * ```
 */
export function checkServerFrank(hubKey: Uint8Array, frank: Frank, tag: Uint8Array, context: ServerFrankingContext): void {
  if (!equal(serverFrank(hubKey, tag, context), frank.serverFrank)) {
    throw new MimiError('protocol/server-frank-mismatch', 'server_frank is not the hub HMAC over this franking_tag and context');
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
