/**
 * RFC 9420 PublicMessage framing read by value (§6 FramedContent, §6.2 PublicMessage, §12.1 Proposal, §12.4
 * Commit, §7.2 LeafNode, §10 KeyPackage), so a hub that is no MLS member can see what a commit proposes:
 * who commits, each proposal by value (Adds with the joining leaf's credential, Removes by leaf, Updates,
 * GroupContextExtensions with their extensions) or by reference, and the UpdatePath's new leaf. No
 * cryptography and no ts-mls: signatures, tags and HPKE ciphertexts are kept as bytes.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader } from '../tls/codec.js';
import { decodeBody } from './common.js';
import { readCapabilities, readCredential, skipProposalBody, WireFormat, type Capabilities, type CredentialBytes } from './mlsStructures.js';

/** An RFC 9420 §12.1.7 / §13 Extension. */
export interface MlsExtension {
  readonly extensionType: number;
  readonly extensionData: Uint8Array;
}

/** An RFC 9420 §7.2 LeafNode, by value. */
export interface LeafNodeView {
  /** The whole LeafNode. */
  readonly bytes: Uint8Array;
  readonly encryptionKey: Uint8Array;
  readonly signatureKey: Uint8Array;
  readonly credential: CredentialBytes;
  readonly capabilities: Capabilities;
  /** leaf_node_source: key_package(1), update(2), commit(3). */
  readonly source: 'keyPackage' | 'update' | 'commit';
  /** RFC 9420 §7.2 Lifetime (seconds since the epoch): only a `keyPackage` leaf carries one. */
  readonly lifetime?: { readonly notBefore: bigint; readonly notAfter: bigint };
  readonly extensions: readonly MlsExtension[];
  readonly signature: Uint8Array;
}

/** An RFC 9420 §10 KeyPackage, by value. */
export interface KeyPackageView {
  readonly bytes: Uint8Array;
  /** ProtocolVersion: always mls10 (1), other versions are refused. */
  readonly version: number;
  readonly cipherSuite: number;
  readonly initKey: Uint8Array;
  readonly leafNode: LeafNodeView;
  /** The KeyPackage's own extensions (not the leaf's). */
  readonly extensions: readonly MlsExtension[];
  readonly signature: Uint8Array;
}

/** An RFC 9420 §12.1 Proposal, by value (types without a field here are kept as bytes). */
export type ProposalView = { readonly proposalType: number; readonly bytes: Uint8Array } & (
  | { readonly kind: 'add'; readonly keyPackage: KeyPackageView }
  | { readonly kind: 'update'; readonly leafNode: LeafNodeView }
  | { readonly kind: 'remove'; readonly removed: number }
  | { readonly kind: 'groupContextExtensions'; readonly extensions: readonly MlsExtension[] }
  | { readonly kind: 'other' }
);

/** RFC 9420 §12.4 ProposalOrRef. */
export type ProposalOrRefView = { readonly kind: 'proposal'; readonly proposal: ProposalView } | { readonly kind: 'reference'; readonly reference: Uint8Array };

/** RFC 9420 §6 Sender. */
export type SenderView =
  | { readonly type: 'member'; readonly leafIndex: number }
  | { readonly type: 'external'; readonly senderIndex: number }
  | { readonly type: 'newMemberProposal' }
  | { readonly type: 'newMemberCommit' };

/** An RFC 9420 §6.2 PublicMessage (inside an MLSMessage), by value. */
export interface PublicMessageView {
  /** The whole MLSMessage. */
  readonly bytes: Uint8Array;
  /** The FramedContent's bytes (RFC 9420 §6), what FramedContentTBS signs after version and wire format. */
  readonly framedContent: Uint8Array;
  /**
   * RFC 9420 §6.1 AuthenticatedContent (wire format, FramedContent, FramedContentAuthData): what a proposal
   * reference hashes (§5.2) and the confirmed transcript hash covers.
   */
  readonly authenticatedContent: Uint8Array;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly sender: SenderView;
  readonly authenticatedData: Uint8Array;
  readonly contentType: 'application' | 'proposal' | 'commit';
  /** For a proposal. */
  readonly proposal?: ProposalView;
  /** For a commit. */
  readonly commit?: { readonly proposals: readonly ProposalOrRefView[]; readonly path?: { readonly leafNode: LeafNodeView; readonly nodes: Uint8Array } };
  readonly signature: Uint8Array;
  /** For a commit. */
  readonly confirmationTag?: Uint8Array;
  /** For a member sender. */
  readonly membershipTag?: Uint8Array;
}

function bad(what: string, message: string, offset: number): MimiError {
  return new MimiError('protocol/bad-mls-message', `${what}: ${message}`, { details: { offset } });
}

function readExtensions(r: TlsReader): MlsExtension[] {
  return r.vector((v) => ({ extensionType: v.uint16(), extensionData: v.opaque() }));
}

/** Reads an RFC 9420 §7.2 LeafNode. */
export function readLeafNode(r: TlsReader): LeafNodeView {
  const start = r.offset;
  const encryptionKey = r.opaque();
  const signatureKey = r.opaque();
  const credential = readCredential(r);
  const capabilities = readCapabilities(r);
  const at = r.offset;
  const s = r.uint8();
  let source: LeafNodeView['source'];
  let lifetime: LeafNodeView['lifetime'];
  if (s === 1) {
    lifetime = { notBefore: r.uint64(), notAfter: r.uint64() };
    source = 'keyPackage';
  } else if (s === 2) source = 'update';
  else if (s === 3) {
    r.skipOpaque();
    source = 'commit';
  } else throw bad('LeafNode', `leaf_node_source ${s}`, at);
  const extensions = readExtensions(r);
  const signature = r.opaque();
  return { bytes: r.bytesSince(start), encryptionKey, signatureKey, credential, capabilities, source, ...(lifetime ? { lifetime } : {}), extensions, signature };
}

function readKeyPackageView(r: TlsReader): KeyPackageView {
  const start = r.offset;
  const at = r.offset;
  if (r.uint16() !== 1) throw bad('KeyPackage', 'protocol version is not mls10', at);
  const cipherSuite = r.uint16();
  const initKey = r.opaque();
  const leafNode = readLeafNode(r);
  const extensions = readExtensions(r);
  const signature = r.opaque();
  return { bytes: r.bytesSince(start), version: 1, cipherSuite, initKey, leafNode, extensions, signature };
}

function noDuplicates(list: readonly MlsExtension[], what: string): void {
  const seen = new Set<number>();
  for (const e of list) {
    // RFC 9420 §7.2 / §10: an extensions list MUST NOT contain more than one extension of any type.
    if (seen.has(e.extensionType)) throw bad(what, `extension type ${e.extensionType} appears twice`, 0);
    seen.add(e.extensionType);
  }
}

/**
 * Decodes one whole bare RFC 9420 §10 KeyPackage (not wrapped in an MLSMessage, as the MIMI keyMaterial
 * response carries it), by value. Structure only: the signature is not verified.
 *
 * @param bytes - exactly one KeyPackage
 * @returns version, cipher suite, init key, the leaf node (credential, capabilities, lifetime, extensions),
 *   the KeyPackage extensions and the signature
 * @throws {@link MimiError} `protocol/bad-mls-message` (version, leaf_node_source other than key_package
 *   (§10.1), duplicate extension types), `protocol/unknown-credential-type`, `protocol/truncated`,
 *   `protocol/trailing-bytes`, `protocol/bad-length`
 * @example
 * ```ts
 * import { decodeKeyPackage } from 'mimi-kit/protocol';
 * const kp = decodeKeyPackage(keyPackageBytes);
 * kp.cipherSuite; // 1
 * kp.leafNode.lifetime?.notAfter; // 1707257600n
 * ```
 */
export function decodeKeyPackage(bytes: Uint8Array): KeyPackageView {
  return decodeBody(
    bytes,
    'KeyPackage',
    (r) => {
      const kp = readKeyPackageView(r);
      // RFC 9420 §10.1: "Verify that the leaf_node.leaf_node_source field is set to key_package."
      if (kp.leafNode.source !== 'keyPackage') throw bad('KeyPackage', `leaf_node_source is ${kp.leafNode.source}, not key_package`, 0);
      noDuplicates(kp.extensions, 'KeyPackage');
      noDuplicates(kp.leafNode.extensions, 'LeafNode');
      return kp;
    },
    { maxBodyBytes: Number.POSITIVE_INFINITY },
  );
}

/** Reads an RFC 9420 §12.1 Proposal by value. */
export function readProposal(r: TlsReader): ProposalView {
  const start = r.offset;
  const peek = r.uint16();
  switch (peek) {
    case 1: {
      const keyPackage = readKeyPackageView(r);
      return { proposalType: 1, kind: 'add', keyPackage, bytes: r.bytesSince(start) };
    }
    case 2: {
      const leafNode = readLeafNode(r);
      return { proposalType: 2, kind: 'update', leafNode, bytes: r.bytesSince(start) };
    }
    case 3: {
      const removed = r.uint32();
      return { proposalType: 3, kind: 'remove', removed, bytes: r.bytesSince(start) };
    }
    case 7: {
      const extensions = readExtensions(r);
      return { proposalType: 7, kind: 'groupContextExtensions', extensions, bytes: r.bytesSince(start) };
    }
    default: {
      // The shared walker finds the end (and refuses a type of unknown length, PR2).
      skipProposalBody(r, peek, start);
      return { proposalType: peek, kind: 'other', bytes: r.bytesSince(start) };
    }
  }
}

function readProposalOrRef(r: TlsReader): ProposalOrRefView {
  const at = r.offset;
  const t = r.uint8();
  if (t === 1) return { kind: 'proposal', proposal: readProposal(r) };
  if (t === 2) return { kind: 'reference', reference: r.opaque() };
  throw bad('ProposalOrRef', `type ${t}`, at);
}

function readSender(r: TlsReader): SenderView {
  const at = r.offset;
  const t = r.uint8();
  if (t === 1) return { type: 'member', leafIndex: r.uint32() };
  if (t === 2) return { type: 'external', senderIndex: r.uint32() };
  if (t === 3) return { type: 'newMemberProposal' };
  if (t === 4) return { type: 'newMemberCommit' };
  throw bad('Sender', `sender_type ${t}`, at);
}

function readPublicMessage(r: TlsReader): PublicMessageView {
  const start = r.offset;
  const vAt = r.offset;
  if (r.uint16() !== 1) throw bad('MLSMessage', 'protocol version is not mls10', vAt);
  const wfAt = r.offset;
  const wf = r.uint16();
  if (wf !== WireFormat.mlsPublicMessage) {
    throw new MimiError('protocol/unexpected-wire-format', `wire format ${wf} is not a PublicMessage`, { details: { offset: wfAt, wireFormat: wf } });
  }
  const contentStart = r.offset;
  const groupId = r.opaque();
  const epoch = r.uint64();
  const sender = readSender(r);
  const authenticatedData = r.opaque();
  const ctAt = r.offset;
  const ct = r.uint8();
  let proposal: ProposalView | undefined;
  let commit: PublicMessageView['commit'];
  let contentType: PublicMessageView['contentType'];
  if (ct === 1) {
    contentType = 'application';
    r.skipOpaque();
  } else if (ct === 2) {
    contentType = 'proposal';
    proposal = readProposal(r);
  } else if (ct === 3) {
    contentType = 'commit';
    const proposals = r.vector(readProposalOrRef);
    const pAt = r.offset;
    const present = r.uint8();
    let path: { leafNode: LeafNodeView; nodes: Uint8Array } | undefined;
    if (present === 1) path = { leafNode: readLeafNode(r), nodes: r.opaque() };
    else if (present !== 0) throw new MimiError('protocol/bad-optional', `optional<UpdatePath> presence ${present}`, { details: { offset: pAt } });
    commit = { proposals, ...(path ? { path } : {}) };
  } else throw bad('FramedContent', `content_type ${ct}`, ctAt);
  const framedContent = r.bytesSince(contentStart);
  const signature = r.opaque();
  const confirmationTag = contentType === 'commit' ? r.opaque() : undefined;
  const authenticatedContent = r.bytesSince(wfAt);
  const membershipTag = sender.type === 'member' ? r.opaque() : undefined;
  return {
    bytes: r.bytesSince(start),
    framedContent,
    authenticatedContent,
    groupId,
    epoch,
    sender,
    authenticatedData,
    contentType,
    ...(proposal ? { proposal } : {}),
    ...(commit ? { commit } : {}),
    signature,
    ...(confirmationTag ? { confirmationTag } : {}),
    ...(membershipTag ? { membershipTag } : {}),
  };
}

/**
 * Decodes one whole MLSMessage that must be a PublicMessage (RFC 9420 §6.2), by value.
 *
 * @param bytes - exactly one MLSMessage
 * @returns the message's sender, epoch and content (proposal or commit read field by field)
 * @throws {@link MimiError} `protocol/unexpected-wire-format`, `protocol/bad-mls-message`,
 *   `protocol/unknown-proposal-type`, `protocol/unknown-credential-type`, `protocol/truncated`, …
 * @example
 * ```ts
 * import { decodePublicMessage } from 'mimi-kit/protocol';
 * const m = decodePublicMessage(commitBytes);
 * m.commit?.proposals.length; // 2
 * ```
 */
export function decodePublicMessage(bytes: Uint8Array): PublicMessageView {
  return decodeBody(bytes, 'PublicMessage', readPublicMessage, { maxBodyBytes: Number.POSITIVE_INFINITY });
}

/** An RFC 9420 §8.1 GroupContext, by value. */
export interface GroupContextView {
  /** The whole GroupContext. */
  readonly bytes: Uint8Array;
  readonly cipherSuite: number;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly treeHash: Uint8Array;
  readonly confirmedTranscriptHash: Uint8Array;
  readonly extensions: readonly MlsExtension[];
}

/** An RFC 9420 §12.4.3 GroupInfo, by value. */
export interface GroupInfoView {
  readonly bytes: Uint8Array;
  readonly groupContext: GroupContextView;
  readonly extensions: readonly MlsExtension[];
  readonly confirmationTag: Uint8Array;
  /** Leaf index of the member that signed. */
  readonly signer: number;
  readonly signature: Uint8Array;
  /** GroupInfoTBS: every field but the signature (signed with the label "GroupInfoTBS"). */
  readonly tbs: Uint8Array;
}

function readGroupInfoView(r: TlsReader): GroupInfoView {
  const start = r.offset;
  const vAt = r.offset;
  if (r.uint16() !== 1) throw bad('GroupContext', 'protocol version is not mls10', vAt);
  const cipherSuite = r.uint16();
  const groupId = r.opaque();
  const epoch = r.uint64();
  const treeHash = r.opaque();
  const confirmedTranscriptHash = r.opaque();
  const contextExtensions = readExtensions(r);
  const groupContext: GroupContextView = { bytes: r.bytesSince(start), cipherSuite, groupId, epoch, treeHash, confirmedTranscriptHash, extensions: contextExtensions };
  const extensions = readExtensions(r);
  const confirmationTag = r.opaque();
  const signer = r.uint32();
  const tbs = r.bytesSince(start);
  const signature = r.opaque();
  return { bytes: r.bytesSince(start), groupContext, extensions, confirmationTag, signer, signature, tbs };
}

/**
 * Decodes one whole bare RFC 9420 GroupInfo (§12.4.3; not wrapped in an MLSMessage, as the MIMI update carries it).
 *
 * @param bytes - exactly one GroupInfo
 * @returns its GroupContext, extensions, confirmation tag, signer and signature, and the signed bytes
 * @throws {@link MimiError} `protocol/bad-mls-message`, `protocol/truncated`, …
 * @example
 * ```ts
 * import { decodeGroupInfo } from 'mimi-kit/protocol';
 * decodeGroupInfo(groupInfoBytes).groupContext.epoch; // 3n
 * ```
 */
export function decodeGroupInfo(bytes: Uint8Array): GroupInfoView {
  return decodeBody(bytes, 'GroupInfo', readGroupInfoView, { maxBodyBytes: Number.POSITIVE_INFINITY });
}
