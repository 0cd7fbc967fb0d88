/**
 * A commit's PublicMessage framing (RFC 9420 §6.1 signature, §6.2 membership tag, §8.2 transcript hashes, §6 wire
 * encoding) computed from **one** encoding of its FramedContent: ts-mls 1.6.4 re-encodes the FramedContent (with
 * every Add's KeyPackage) for each of them, four times when sending and three when receiving. The structs are
 * RFC 9420's, laid out as ts-mls's encoders lay them out (byte-identical, tested against them), so peers compute
 * the same signatures, tags and hashes (docs/decisions.md (MLS adapter) D31).
 *
 * @module
 * @internal
 */
import type { CiphersuiteImpl, GroupContext, PublicMessage } from 'ts-mls';
import { encode } from 'ts-mls/codec/tlsEncoder.js';
import { signWithLabel, verifyWithLabel } from 'ts-mls/crypto/signature.js';
import type { Hash } from 'ts-mls/crypto/hash.js';
import { framedContentAuthDataEncoder, type FramedContent } from 'ts-mls/framedContent.js';
import { groupContextEncoder } from 'ts-mls/groupContext.js';
import { CryptoVerificationError, InternalError } from 'ts-mls/mlsError.js';
import { protocolVersionEncoder } from 'ts-mls/protocolVersion.js';
import { findSignaturePublicKey } from 'ts-mls/publicMessage.js';
import type { RatchetTree } from 'ts-mls/ratchetTree.js';
import { createInterimHash } from 'ts-mls/transcriptHash.js';
import { wireformatEncoder } from 'ts-mls/wireformat.js';
import { concatBytes, encodeCommitContent, encodeVarLen } from './encoding.js';

type CommitContent = Extract<FramedContent, { contentType: 'commit' }>;

const PUBLIC = encode(wireformatEncoder)('mls_public_message');

/** A commit's FramedContent encoded once, with its FramedContentTBS (RFC 9420 §6.1, member sender). */
export interface EncodedCommit {
  /** FramedContent */
  readonly content: Uint8Array;
  /** FramedContentTBS = version ‖ wire_format ‖ FramedContent ‖ GroupContext */
  readonly tbs: Uint8Array;
}

/**
 * Encodes a member's commit content once and its FramedContentTBS (RFC 9420 §6.1) over `context`.
 *
 * @param fc - the commit's FramedContent
 * @param context - the GroupContext of the epoch the commit is sent in
 * @returns the encodings
 * @example
 * ```ts
 * const enc = encodeCommit(framedContent, state.groupContext);
 * ```
 * @internal
 */
export function encodeCommit(fc: CommitContent, context: GroupContext): EncodedCommit {
  const content = encodeCommitContent(fc);
  return { content, tbs: concatBytes([encode(protocolVersionEncoder)(context.version), PUBLIC, content, encode(groupContextEncoder)(context)]) };
}

function authData(signature: Uint8Array, confirmationTag: Uint8Array): Uint8Array {
  return encode(framedContentAuthDataEncoder)({ contentType: 'commit', signature, confirmationTag });
}

/**
 * SignWithLabel(., "FramedContentTBS", FramedContentTBS) (RFC 9420 §6.1).
 *
 * @param enc - the encoded commit
 * @param signKey - the committer's signature private key
 * @param cs - ciphersuite
 * @returns the signature
 * @example
 * ```ts
 * const signature = await signCommit(enc, state.signaturePrivateKey, cs);
 * ```
 * @internal
 */
export function signCommit(enc: EncodedCommit, signKey: Uint8Array, cs: CiphersuiteImpl): Promise<Uint8Array> {
  return signWithLabel(signKey, 'FramedContentTBS', enc.tbs, cs.signature);
}

/**
 * The new epoch's confirmed transcript hash (RFC 9420 §8.2): Hash(interim_transcript_hash ‖
 * ConfirmedTranscriptHashInput), with interim = Hash(confirmed_transcript_hash ‖ confirmation_tag<V>) of the
 * previous epoch (ts-mls's `nextEpochContext`).
 *
 * @param enc - the encoded commit
 * @param signature - the commit's signature
 * @param previous - the previous epoch's confirmed transcript hash
 * @param previousTag - the previous epoch's confirmation tag
 * @param h - hash primitives
 * @returns the confirmed transcript hash
 * @example
 * ```ts
 * const confirmed = await confirmedTranscriptHash(enc, signature, gc.confirmedTranscriptHash, state.confirmationTag, cs.hash);
 * ```
 * @internal
 */
export async function confirmedTranscriptHash(enc: EncodedCommit, signature: Uint8Array, previous: Uint8Array, previousTag: Uint8Array, h: Hash): Promise<Uint8Array> {
  const interim = await createInterimHash(previous, previousTag, h);
  // ConfirmedTranscriptHashInput = wire_format ‖ FramedContent ‖ signature<V>
  return h.digest(concatBytes([interim, PUBLIC, enc.content, encodeVarLen(signature)]));
}

/**
 * The commit's membership tag (RFC 9420 §6.2: MAC(membership_key, AuthenticatedContentTBM)) and its wire encoding
 * as an MLSMessage (RFC 9420 §6: version ‖ wire_format ‖ FramedContent ‖ FramedContentAuthData ‖ membership_tag<V>).
 *
 * @param enc - the encoded commit
 * @param signature - the commit's signature
 * @param confirmationTag - the new epoch's confirmation tag
 * @param membershipKey - the *current* epoch's membership key
 * @param context - the current GroupContext
 * @param h - hash primitives
 * @returns the membership tag and the MLSMessage bytes
 * @example
 * ```ts
 * const { membershipTag, bytes } = await protectCommit(enc, signature, tag, state.keySchedule.membershipKey, state.groupContext, cs.hash);
 * ```
 * @internal
 */
export async function protectCommit(
  enc: EncodedCommit,
  signature: Uint8Array,
  confirmationTag: Uint8Array,
  membershipKey: Uint8Array,
  context: GroupContext,
  h: Hash,
): Promise<{ membershipTag: Uint8Array; bytes: Uint8Array }> {
  const auth = authData(signature, confirmationTag);
  const membershipTag = await h.mac(membershipKey, concatBytes([enc.tbs, auth]));
  return { membershipTag, bytes: concatBytes([encode(protocolVersionEncoder)(context.version), PUBLIC, enc.content, auth, encodeVarLen(membershipTag)]) };
}

/**
 * ts-mls's `unprotectPublicMessage` for a member's commit (RFC 9420 §6.2 membership tag, then §6.1 signature;
 * same order, same errors) from one encoding of the content.
 *
 * @param pm - the PublicMessage (a commit from a member)
 * @param context - the receiver's current GroupContext
 * @param membershipKey - the current epoch's membership key
 * @param tree - the receiver's ratchet tree (the sender's signature key, looked up after the membership tag)
 * @param cs - ciphersuite
 * @returns the encoded commit, for the transcript hash
 * @throws ts-mls's `CryptoVerificationError` ("Could not verify membership", "Signature invalid")
 * @example
 * ```ts
 * const enc = await unprotectCommit(pm, state.groupContext, state.keySchedule.membershipKey, state.ratchetTree, cs);
 * ```
 * @internal
 */
export async function unprotectCommit(pm: PublicMessage, context: GroupContext, membershipKey: Uint8Array, tree: RatchetTree, cs: CiphersuiteImpl): Promise<EncodedCommit> {
  if (pm.content.contentType !== 'commit' || pm.auth.contentType !== 'commit') throw new InternalError('not a commit');
  const enc = encodeCommit(pm.content, context);
  if (pm.senderType === 'member') {
    const tbm = concatBytes([enc.tbs, authData(pm.auth.signature, pm.auth.confirmationTag)]);
    if (!(await cs.hash.verifyMac(membershipKey, pm.membershipTag, tbm))) throw new CryptoVerificationError('Could not verify membership');
  }
  const signatureKey = findSignaturePublicKey(tree, context, pm.content);
  if (!(await verifyWithLabel(signatureKey, 'FramedContentTBS', enc.tbs, pm.auth.signature, cs.signature))) throw new CryptoVerificationError('Signature invalid');
  return enc;
}
