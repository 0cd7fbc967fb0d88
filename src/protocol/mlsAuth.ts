/**
 * The RFC 9420 checks a non-member can make on PublicMessage framing with public keys only: a member's
 * FramedContentTBS signature (§6.1) over a known GroupContext, a GroupInfo signature (§12.4.3), and proposal
 * references (§5.2). Pure (noble hashes and curves through {@link verifyWithLabel}).
 *
 * @module
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { TlsWriter } from '../tls/codec.js';
import type { GroupInfoView, PublicMessageView } from './mlsFraming.js';
import { verifyWithLabel } from './signWithLabel.js';

/**
 * Verifies a member's PublicMessage signature: SignWithLabel(leaf key, "FramedContentTBS", version ‖ wire_format ‖
 * FramedContent ‖ GroupContext) (RFC 9420 §6.1).
 *
 * @param m - the decoded message (a member sender)
 * @param context - the GroupContext of the message's epoch (encoded) and its cipher suite
 * @param signatureKey - the sender leaf's signature public key
 * @returns whether it verifies
 * @example
 * ```ts
 * import { decodePublicMessage, framedContentSignatureValid } from 'mimi-kit/protocol';
 * framedContentSignatureValid(decodePublicMessage(commit), { bytes: groupContext, cipherSuite: 1 }, leafKey); // true
 * ```
 */
export function framedContentSignatureValid(m: PublicMessageView, context: { readonly bytes: Uint8Array; readonly cipherSuite: number }, signatureKey: Uint8Array): boolean {
  const head = Uint8Array.of(0, 1, 0, 1); // mls10, mls_public_message
  const tbs = new Uint8Array(head.length + m.framedContent.length + context.bytes.length);
  tbs.set(head);
  tbs.set(m.framedContent, head.length);
  tbs.set(context.bytes, head.length + m.framedContent.length);
  return verifyWithLabel(context.cipherSuite, signatureKey, 'FramedContentTBS', tbs, m.signature);
}

/**
 * Verifies a GroupInfo's signature: SignWithLabel(signer's leaf key, "GroupInfoTBS", GroupInfoTBS) (RFC 9420 §12.4.3).
 *
 * @param gi - the decoded GroupInfo
 * @param signatureKey - the signer leaf's signature public key
 * @returns whether it verifies
 * @example
 * ```ts
 * import { decodeGroupInfo, groupInfoSignatureValid } from 'mimi-kit/protocol';
 * groupInfoSignatureValid(decodeGroupInfo(groupInfo), signerKey); // true
 * ```
 */
export function groupInfoSignatureValid(gi: GroupInfoView, signatureKey: Uint8Array): boolean {
  return verifyWithLabel(gi.groupContext.cipherSuite, signatureKey, 'GroupInfoTBS', gi.tbs, gi.signature);
}

/**
 * RFC 9420 §5.2 ProposalRef = RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent), with the cipher suite's
 * hash (§17.1: SHA-256 for suites 1–3, SHA-512 for 4–6, SHA-384 for 7).
 *
 * @param m - the decoded proposal message
 * @param cipherSuite - the group's cipher suite
 * @returns the reference a commit cites the proposal by
 * @example
 * ```ts
 * import { decodePublicMessage, proposalRef } from 'mimi-kit/protocol';
 * proposalRef(decodePublicMessage(proposal), 1).length; // 32
 * ```
 */
export function proposalRef(m: PublicMessageView, cipherSuite: number): Uint8Array {
  const w = new TlsWriter();
  w.string('MLS 1.0 Proposal Reference');
  w.opaque(m.authenticatedContent);
  const input = w.finish();
  return cipherSuite === 7 ? sha384(input) : cipherSuite >= 4 && cipherSuite <= 6 ? sha512(input) : sha256(input);
}
