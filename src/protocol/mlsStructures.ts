/**
 * RFC 9420 structures as the MIMI protocol carries them: embedded without a length prefix (the TLS
 * presentation language embeds a struct as-is), so each is walked field by field to find where it ends,
 * checked for its version, wire format and enum values, and kept as its exact bytes. No cryptography and no
 * ts-mls here: `mimi-kit/mls` gives typed views of the same bytes.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { decodeBody } from './common.js';


/**
 * RFC 9420 §13.5: the GREASE values reserved in every MLS registry (0x0A0A, 0x1A1A, … 0xEAEA).
 *
 * @example
 * ```ts
 * import { GREASE_VALUES } from 'mimi-kit/protocol';
 * GREASE_VALUES[0]; // 0x0a0a
 * ```
 */
export const GREASE_VALUES: readonly number[] = Object.freeze(Array.from({ length: 15 }, (_, i) => i * 0x1010 + 0x0a0a));

/**
 * Whether `value` is one of the RFC 9420 §13.5 GREASE values.
 *
 * @param value - a registry value (ciphersuite, extension, proposal or credential type)
 * @returns true for 0x?A?A with both nibbles equal
 * @example
 * ```ts
 * import { isGrease } from 'mimi-kit/protocol';
 * isGrease(0x3a3a); // true
 * isGrease(0x0006); // false
 * ```
 */
export function isGrease(value: number): boolean {
  return GREASE_VALUES.includes(value);
}

/**
 * RFC 9420 §6 WireFormat values.
 *
 * @example
 * ```ts
 * import { WireFormat } from 'mimi-kit/protocol';
 * WireFormat.mlsPrivateMessage; // 2
 * ```
 */
export const WireFormat = { mlsPublicMessage: 1, mlsPrivateMessage: 2, mlsWelcome: 3, mlsGroupInfo: 4, mlsKeyPackage: 5 } as const;
/** A name of {@link WireFormat}. */
export type WireFormatName = keyof typeof WireFormat;

/**
 * RFC 9420 §6 ContentType values.
 *
 * @example
 * ```ts
 * import { ContentType } from 'mimi-kit/protocol';
 * ContentType.commit; // 3
 * ```
 */
export const ContentType = { application: 1, proposal: 2, commit: 3 } as const;
/** A name of {@link ContentType}. */
export type ContentTypeName = keyof typeof ContentType;

/** An RFC 9420 MLSMessage kept as its exact bytes, with what the MIMI bodies switch on. */
export interface MlsMessageBytes {
  /** The whole MLSMessage (version, wire format, body). */
  readonly bytes: Uint8Array;
  readonly wireFormat: WireFormatName;
  /** For PublicMessage and PrivateMessage (both carry it in the clear). */
  readonly contentType?: ContentTypeName;
  /** For PublicMessage and PrivateMessage. */
  readonly epoch?: bigint;
}

/** An RFC 9420 Credential (§5.3) as its exact bytes. */
export interface CredentialBytes {
  readonly bytes: Uint8Array;
  /** 1 basic, 2 x509 (the only types whose length RFC 9420 defines). */
  readonly credentialType: number;
  /** The identity of a basic credential. */
  readonly identity?: Uint8Array;
}

/** RFC 9420 §7.2 Capabilities. */
export interface Capabilities {
  readonly versions: readonly number[];
  readonly cipherSuites: readonly number[];
  readonly extensions: readonly number[];
  readonly proposals: readonly number[];
  readonly credentials: readonly number[];
}

/** RFC 9420 §11.1 RequiredCapabilities. */
export interface RequiredCapabilities {
  readonly extensionTypes: readonly number[];
  readonly proposalTypes: readonly number[];
  readonly credentialTypes: readonly number[];
}

/** Decoder options of a structure the caller already holds whole (no body bound). */
const UNBOUNDED = { maxBodyBytes: Number.POSITIVE_INFINITY } as const;

function bad(what: string, message: string, offset: number): MimiError {
  return new MimiError('protocol/bad-mls-message', `${what}: ${message}`, { details: { offset } });
}

function version(r: TlsReader, what: string): void {
  const at = r.offset;
  const v = r.uint16();
  if (v !== 1) throw bad(what, `protocol version ${v} is not mls10`, at);
}

const u16s = (r: TlsReader): number[] => r.vector((x) => x.uint16());

function skipOpaque(r: TlsReader): void {
  r.skipOpaque();
}

function skipCredential(r: TlsReader): void {
  const at = r.offset;
  const type = r.uint16();
  if (type === 1) r.skipOpaque();
  else if (type === 2) r.vector(skipOpaque);
  else {
    throw new MimiError('protocol/unknown-credential-type', `credential type ${type} has no length RFC 9420 defines`, { details: { offset: at, credentialType: type } });
  }
}

function skipLeafNode(r: TlsReader): void {
  r.skipOpaque(); // encryption_key
  r.skipOpaque(); // signature_key
  skipCredential(r);
  readCapabilities(r);
  const at = r.offset;
  const source = r.uint8();
  if (source === 1) {
    r.uint64();
    r.uint64();
  } else if (source === 3) r.skipOpaque();
  else if (source !== 2) throw bad('LeafNode', `leaf_node_source ${source}`, at);
  r.skipOpaque(); // extensions<V>, kept whole
  r.skipOpaque(); // signature
}

function skipKeyPackageBody(r: TlsReader): void {
  version(r, 'KeyPackage');
  r.uint16(); // cipher_suite
  r.skipOpaque(); // init_key
  skipLeafNode(r);
  r.skipOpaque(); // extensions
  r.skipOpaque(); // signature
}

function skipWelcomeBody(r: TlsReader): void {
  r.uint16(); // cipher_suite
  r.skipOpaque(); // secrets<V>
  r.skipOpaque(); // encrypted_group_info
}

function skipGroupInfoBody(r: TlsReader): void {
  version(r, 'GroupContext');
  r.uint16(); // cipher_suite
  r.skipOpaque(); // group_id
  r.uint64(); // epoch
  r.skipOpaque(); // tree_hash
  r.skipOpaque(); // confirmed_transcript_hash
  r.skipOpaque(); // GroupContext extensions
  r.skipOpaque(); // GroupInfo extensions
  r.skipOpaque(); // confirmation_tag
  r.uint32(); // signer
  r.skipOpaque(); // signature
}

/** Skips one RFC 9420 §12.1 Proposal (plus draft-ietf-mls-extensions AppDataUpdate 0x0008 and SelfRemove 0x000a). */
export function skipProposal(r: TlsReader): void {
  const at = r.offset;
  skipProposalBody(r, r.uint16(), at);
}

/** Skips the body of a Proposal whose type (read at `at`) is `type`. */
export function skipProposalBody(r: TlsReader, type: number, at: number): void {
  switch (type) {
    case 1: // add
      skipKeyPackageBody(r);
      return;
    case 2: // update
      skipLeafNode(r);
      return;
    case 3: // remove
      r.uint32();
      return;
    case 4: {
      // psk: PreSharedKeyID
      const pskAt = r.offset;
      const psktype = r.uint8();
      if (psktype === 1) r.skipOpaque();
      else if (psktype === 2) {
        const usageAt = r.offset;
        const usage = r.uint8();
        if (usage < 1 || usage > 3) throw bad('PreSharedKeyID', `resumption usage ${usage}`, usageAt);
        r.skipOpaque();
        r.uint64();
      } else throw bad('PreSharedKeyID', `psktype ${psktype}`, pskAt);
      r.skipOpaque(); // psk_nonce
      return;
    }
    case 5: // reinit
      r.skipOpaque();
      r.uint16();
      r.uint16();
      r.skipOpaque();
      return;
    case 6: // external_init
      r.skipOpaque();
      return;
    case 7: // group_context_extensions
      r.skipOpaque();
      return;
    case 0x0008: {
      // draft-ietf-mls-extensions AppDataUpdate: component_id, op (update 1 carries data, remove 2 none)
      r.uint16();
      const opAt = r.offset;
      const op = r.uint8();
      if (op === 1) r.skipOpaque();
      else if (op !== 2) throw bad('AppDataUpdate', `op ${op}`, opAt);
      return;
    }
    case 0x000a: // SelfRemove: struct {}
      return;
    default:
      throw new MimiError('protocol/unknown-proposal-type', `proposal type ${type} has no known length`, { details: { offset: at, proposalType: type } });
  }
}

function skipCommit(r: TlsReader): void {
  r.skipOpaque(); // proposals<V>, kept whole
  const at = r.offset;
  const present = r.uint8();
  if (present === 1) {
    skipLeafNode(r);
    r.skipOpaque(); // nodes<V>
  } else if (present !== 0) {
    throw new MimiError('protocol/bad-optional', `optional<UpdatePath> presence ${present}`, { details: { offset: at } });
  }
}

function readContentType(r: TlsReader, what: string): ContentTypeName {
  const at = r.offset;
  const v = r.uint8();
  for (const name in ContentType) if (Object.hasOwn(ContentType, name) && ContentType[name as ContentTypeName] === v) return name as ContentTypeName;
  throw bad(what, `content_type ${v}`, at);
}

/** What the MIMI bodies switch on in an MLSMessage: {@link MlsMessageBytes} without the bytes. */
export type MlsMessageShape = Omit<MlsMessageBytes, 'bytes'>;

/** Walks one MLSMessage (§6) to its end, checking it, without copying any of it. */
function walkMlsMessage(r: TlsReader): MlsMessageShape {
  version(r, 'MLSMessage');
  const wfAt = r.offset;
  const wf = r.uint16();
  switch (wf) {
    case WireFormat.mlsPublicMessage: {
      // FramedContent
      r.skipOpaque(); // group_id
      const epoch = r.uint64();
      const senderAt = r.offset;
      const senderType = r.uint8();
      if (senderType === 1 || senderType === 2) r.uint32();
      else if (senderType !== 3 && senderType !== 4) throw bad('Sender', `sender_type ${senderType}`, senderAt);
      r.skipOpaque(); // authenticated_data
      const contentType = readContentType(r, 'FramedContent');
      if (contentType === 'application') r.skipOpaque();
      else if (contentType === 'proposal') skipProposal(r);
      else skipCommit(r);
      // FramedContentAuthData
      r.skipOpaque(); // signature
      if (contentType === 'commit') r.skipOpaque(); // confirmation_tag
      if (senderType === 1) r.skipOpaque(); // membership_tag
      return { wireFormat: 'mlsPublicMessage', contentType, epoch };
    }
    case WireFormat.mlsPrivateMessage: {
      r.skipOpaque(); // group_id
      const epoch = r.uint64();
      const contentType = readContentType(r, 'PrivateMessage');
      r.skipOpaque(); // authenticated_data
      r.skipOpaque(); // encrypted_sender_data
      r.skipOpaque(); // ciphertext
      return { wireFormat: 'mlsPrivateMessage', contentType, epoch };
    }
    case WireFormat.mlsWelcome:
      skipWelcomeBody(r);
      return { wireFormat: 'mlsWelcome' };
    case WireFormat.mlsGroupInfo:
      skipGroupInfoBody(r);
      return { wireFormat: 'mlsGroupInfo' };
    case WireFormat.mlsKeyPackage:
      skipKeyPackageBody(r);
      return { wireFormat: 'mlsKeyPackage' };
    default:
      throw new MimiError('protocol/unexpected-wire-format', `wire format ${wf} is not one RFC 9420 defines`, { details: { offset: wfAt, wireFormat: wf } });
  }
}

/** The shape with the bytes walked since `start` (one copy, the only one). */
function withBytes(r: TlsReader, start: number, s: MlsMessageShape): MlsMessageBytes {
  const bytes = r.bytesSince(start);
  return s.contentType === undefined ? { bytes, wireFormat: s.wireFormat } : { bytes, wireFormat: s.wireFormat, contentType: s.contentType, epoch: s.epoch! };
}

/**
 * Reads an RFC 9420 MLSMessage (§6) and keeps its bytes.
 *
 * @param r - the reader
 * @returns the message
 * @throws {@link MimiError} `protocol/bad-mls-message`, `protocol/unexpected-wire-format`, `protocol/unknown-proposal-type`, …
 * @example
 * ```ts
 * import { readMlsMessage } from 'mimi-kit/protocol';
 * // inside a decoder: const message = readMlsMessage(reader);
 * ```
 */
export function readMlsMessage(r: TlsReader): MlsMessageBytes {
  const start = r.offset;
  return withBytes(r, start, walkMlsMessage(r));
}

/** Walks an MLSMessage whose wire format must be one of `allowed`. */
function walkMlsMessageOf(r: TlsReader, allowed: readonly WireFormatName[], field: string): MlsMessageShape {
  const at = r.offset;
  const m = walkMlsMessage(r);
  if (!allowed.includes(m.wireFormat)) {
    throw new MimiError('protocol/unexpected-wire-format', `${field}: ${m.wireFormat} is not allowed here (${allowed.join(', ')})`, {
      path: [field],
      details: { offset: at, wireFormat: m.wireFormat },
    });
  }
  return m;
}

/** Reads an MLSMessage whose wire format must be one of `allowed`. */
export function readMlsMessageOf(r: TlsReader, allowed: readonly WireFormatName[], field: string): MlsMessageBytes {
  const start = r.offset;
  return withBytes(r, start, walkMlsMessageOf(r, allowed, field));
}

/** Writes an MLSMessage's bytes after checking they are exactly one MLSMessage of an allowed wire format. */
export function writeMlsMessage(w: TlsWriter, m: MlsMessageBytes | Uint8Array, allowed: readonly WireFormatName[], field: string): void {
  const bytes = m instanceof Uint8Array ? m : m.bytes;
  writeEmbedded(w, bytes, field, (r) => walkMlsMessageOf(r, allowed, field));
}

/**
 * Writes an embedded structure's bytes after checking they are exactly one structure `read` accepts, so an
 * encoder never produces a body the decoder refuses.
 */
export function writeEmbedded(w: TlsWriter, bytes: Uint8Array, field: string, read: (r: TlsReader) => unknown): void {
  if (!(bytes instanceof Uint8Array)) throw new MimiError('protocol/value-out-of-range', `${field} must be bytes`, { path: [field] });
  decodeBody(bytes, field, read, UNBOUNDED);
  w.raw(bytes);
}

/** Reads a bare RFC 9420 KeyPackage (§10) and keeps its bytes. */
export function readKeyPackage(r: TlsReader): Uint8Array {
  const start = r.offset;
  skipKeyPackageBody(r);
  return r.bytesSince(start);
}

/** Reads a bare RFC 9420 Welcome (§12.4.3.1) and keeps its bytes. */
export function readWelcome(r: TlsReader): Uint8Array {
  const start = r.offset;
  skipWelcomeBody(r);
  return r.bytesSince(start);
}

/** Reads a bare RFC 9420 GroupInfo (§12.4.3) and keeps its bytes. */
export function readGroupInfo(r: TlsReader): Uint8Array {
  const start = r.offset;
  skipGroupInfoBody(r);
  return r.bytesSince(start);
}

/** Reads an RFC 9420 Credential (§5.3). */
export function readCredential(r: TlsReader): CredentialBytes {
  const start = r.offset;
  const type = r.uint16();
  if (type === 1) {
    const identity = r.opaque();
    return { bytes: r.bytesSince(start), credentialType: 1, identity };
  }
  if (type === 2) {
    r.vector(skipOpaque);
    return { bytes: r.bytesSince(start), credentialType: 2 };
  }
  throw new MimiError('protocol/unknown-credential-type', `credential type ${type} has no length RFC 9420 defines`, { details: { offset: start, credentialType: type } });
}

/**
 * A basic credential (RFC 9420 §5.3) for `identity`, as a {@link CredentialBytes}.
 *
 * @param identity - the identity bytes (for MIMI, a UTF-8 URI)
 * @returns the credential
 * @example
 * ```ts
 * import { basicCredential } from 'mimi-kit/protocol';
 * basicCredential(new TextEncoder().encode('mimi://a.example')).bytes; // 00 01 10 6d 69 6d 69 …
 * ```
 */
export function basicCredential(identity: Uint8Array): CredentialBytes {
  const n = identity.length;
  if (n > 0x3fffffff) throw new MimiError('protocol/value-out-of-range', 'identity too long');
  const prefix = n < 0x40 ? [n] : n < 0x4000 ? [0x40 | (n >> 8), n & 0xff] : [0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const bytes = new Uint8Array(2 + prefix.length + n);
  bytes.set([0, 1, ...prefix]);
  bytes.set(identity, 2 + prefix.length);
  return { bytes, credentialType: 1, identity: identity.slice() };
}

/** Reads RFC 9420 §7.2 Capabilities. */
export function readCapabilities(r: TlsReader): Capabilities {
  return { versions: u16s(r), cipherSuites: u16s(r), extensions: u16s(r), proposals: u16s(r), credentials: u16s(r) };
}

/** Writes RFC 9420 §7.2 Capabilities. */
export function writeCapabilities(w: TlsWriter, c: Capabilities): void {
  for (const list of [c.versions, c.cipherSuites, c.extensions, c.proposals, c.credentials]) w.vector(list, (x, v) => x.uint16(v));
}

/** Reads RFC 9420 §11.1 RequiredCapabilities. */
export function readRequiredCapabilities(r: TlsReader): RequiredCapabilities {
  return { extensionTypes: u16s(r), proposalTypes: u16s(r), credentialTypes: u16s(r) };
}

/** Writes RFC 9420 §11.1 RequiredCapabilities. */
export function writeRequiredCapabilities(w: TlsWriter, c: RequiredCapabilities): void {
  for (const list of [c.extensionTypes, c.proposalTypes, c.credentialTypes]) w.vector(list, (x, v) => x.uint16(v));
}

/**
 * Parses one whole MLSMessage (as a client hands it over) into the {@link MlsMessageBytes} the bodies carry.
 *
 * @param bytes - exactly one RFC 9420 MLSMessage
 * @returns the message with its wire format, content type and epoch
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { parseMlsMessage } from 'mimi-kit/protocol';
 * parseMlsMessage(privateMessageBytes).wireFormat; // 'mlsPrivateMessage'
 * ```
 */
export function parseMlsMessage(bytes: Uint8Array): MlsMessageBytes {
  return decodeBody(bytes, 'MLSMessage', readMlsMessage, UNBOUNDED);
}

/**
 * Checks that `bytes` are exactly one MLSMessage, as {@link parseMlsMessage} does, and returns what the bodies
 * switch on, without a copy of the bytes (the caller holds them).
 *
 * @param bytes - exactly one RFC 9420 MLSMessage
 * @returns its wire format, content type and epoch
 * @throws {@link MimiError} `protocol/*`, as {@link parseMlsMessage}
 */
export function checkMlsMessage(bytes: Uint8Array): MlsMessageShape {
  return decodeBody(bytes, 'MLSMessage', walkMlsMessage, UNBOUNDED);
}

/**
 * Parses one whole RFC 9420 Credential (basic or x509).
 *
 * @param bytes - exactly one Credential
 * @returns the credential
 * @throws {@link MimiError} `protocol/unknown-credential-type`, `protocol/*`
 * @example
 * ```ts
 * import { parseCredential } from 'mimi-kit/protocol';
 * parseCredential(new Uint8Array([0, 1, 1, 0x61])).credentialType; // 1
 * ```
 */
export function parseCredential(bytes: Uint8Array): CredentialBytes {
  return decodeBody(bytes, 'Credential', readCredential, { maxBodyBytes: Number.POSITIVE_INFINITY });
}
