/**
 * RFC 9420 §6 interop vectors (message-protection.json) against mimi-kit's providers: the published
 * PublicMessage (proposal, commit) and PrivateMessage (proposal, commit, application) of each case are
 * unprotected (membership tag, signature, sender-data and content AEAD), and our own protection of the same
 * proposal and application data is unprotected again (it is randomized, so it cannot be compared byte for byte).
 */
import { describe, expect, it } from 'vitest';
import { getCiphersuiteImpl } from 'ts-mls';
import { getCiphersuiteFromId, type CiphersuiteId } from 'ts-mls/crypto/ciphersuite.js';
import { DependencyError } from 'ts-mls/mlsError.js';
import type { GroupContext } from 'ts-mls/groupContext.js';
import { decodeMlsMessage } from 'ts-mls/message.js';
import { decodeProposal, encodeProposal } from 'ts-mls/proposal.js';
import { encodeCommit } from 'ts-mls/commit.js';
import { createSecretTree } from 'ts-mls/secretTree.js';
import { protectApplicationData, protectProposal, unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { protectProposalPublic, unprotectPublicMessage } from 'ts-mls/messageProtectionPublic.js';
import { defaultPaddingConfig } from 'ts-mls/paddingConfig.js';
import { defaultKeyRetentionConfig } from 'ts-mls/keyRetentionConfig.js';
import type { CiphersuiteImpl } from 'ts-mls';
import { MLS_VECTORS, PROVIDERS, hex, impl, loadVectors, reportUnavailable, rows, suiteName, toHex, unavailableRows } from './support.js';

interface MessageProtection {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  tree_hash: string;
  confirmed_transcript_hash: string;
  signature_priv: string;
  signature_pub: string;
  encryption_secret: string;
  sender_data_secret: string;
  membership_key: string;
  proposal: string;
  proposal_pub: string;
  proposal_priv: string;
  commit: string;
  commit_pub: string;
  commit_priv: string;
  application: string;
  application_priv: string;
}

const cases = loadVectors<MessageProtection>('message-protection.json');

async function check(v: MessageProtection, cs: CiphersuiteImpl): Promise<void> {
  const gc: GroupContext = {
    version: 'mls10',
    cipherSuite: suiteName(v.cipher_suite),
    groupId: hex(v.group_id),
    epoch: BigInt(v.epoch),
    treeHash: hex(v.tree_hash),
    confirmedTranscriptHash: hex(v.confirmed_transcript_hash),
    extensions: [],
  };
  const sigPub = hex(v.signature_pub);
  const membershipKey = hex(v.membership_key);
  const senderDataSecret = hex(v.sender_data_secret);
  const tree = () => createSecretTree(2, hex(v.encryption_secret), cs.kdf);
  const publicMessage = (h: string) => {
    const m = decodeMlsMessage(hex(h), 0)?.[0];
    if (m?.wireformat !== 'mls_public_message') throw new Error('not a PublicMessage');
    return m.publicMessage;
  };
  const privateMessage = (h: string) => {
    const m = decodeMlsMessage(hex(h), 0)?.[0];
    if (m?.wireformat !== 'mls_private_message') throw new Error('not a PrivateMessage');
    return m.privateMessage;
  };
  const openPrivate = async (pm: ReturnType<typeof privateMessage>) =>
    (await unprotectPrivateMessage(senderDataSecret, pm, await tree(), [], gc, defaultKeyRetentionConfig, cs, sigPub)).content.content;

  // Published PublicMessages.
  const pp = await unprotectPublicMessage(membershipKey, gc, [], publicMessage(v.proposal_pub), cs, sigPub);
  expect(pp.content.contentType === 'proposal' && toHex(encodeProposal(pp.content.proposal))).toBe(v.proposal);
  const pc = await unprotectPublicMessage(membershipKey, gc, [], publicMessage(v.commit_pub), cs, sigPub);
  expect(pc.content.contentType === 'commit' && toHex(encodeCommit(pc.content.commit))).toBe(v.commit);

  // Published PrivateMessages.
  const xp = await openPrivate(privateMessage(v.proposal_priv));
  expect(xp.contentType === 'proposal' && toHex(encodeProposal(xp.proposal))).toBe(v.proposal);
  const xc = await openPrivate(privateMessage(v.commit_priv));
  expect(xc.contentType === 'commit' && toHex(encodeCommit(xc.commit))).toBe(v.commit);
  const xa = await openPrivate(privateMessage(v.application_priv));
  expect(xa.contentType === 'application' && toHex(xa.applicationData)).toBe(v.application);

  // Our protection, opened again.
  const proposal = decodeProposal(hex(v.proposal), 0)![0];
  const ourPublic = await protectProposalPublic(hex(v.signature_priv), membershipKey, gc, new Uint8Array(), proposal, 1, cs);
  const op = await unprotectPublicMessage(membershipKey, gc, [], ourPublic.publicMessage, cs, sigPub);
  expect(op.content.contentType === 'proposal' && toHex(encodeProposal(op.content.proposal))).toBe(v.proposal);
  const ourProposal = await protectProposal(hex(v.signature_priv), senderDataSecret, proposal, new Uint8Array(), gc, await tree(), 1, defaultPaddingConfig, cs);
  const oq = await openPrivate(ourProposal.privateMessage);
  expect(oq.contentType === 'proposal' && toHex(encodeProposal(oq.proposal))).toBe(v.proposal);
  const ourApp = await protectApplicationData(hex(v.signature_priv), senderDataSecret, hex(v.application), new Uint8Array(), gc, await tree(), 1, defaultPaddingConfig, cs);
  const oa = await openPrivate(ourApp.privateMessage);
  expect(oa.contentType === 'application' && toHex(oa.applicationData)).toBe(v.application);

  // A flipped ciphertext byte of the published application message is refused.
  const bad = privateMessage(v.application_priv);
  const ct = new Uint8Array(bad.ciphertext);
  ct[ct.length - 1]! ^= 1;
  await expect(openPrivate({ ...bad, ciphertext: ct })).rejects.toThrow();
}

for (const p of PROVIDERS) {
  describe.skipIf(MLS_VECTORS === undefined)(`MLS interop vectors, message protection (${p.name})`, () => {
    it.each(rows(cases, p))('message-protection %s', async (_, v) => check(v, await impl(p, v.cipher_suite)));
  });
}

describe.skipIf(MLS_VECTORS === undefined)('MLS interop vectors, message protection: X448 suites', () => {
  reportUnavailable('message-protection.json', cases);
  it.each(unavailableRows(cases))('message-protection %s: the suite is refused with DependencyError', async (_, v) => {
    await expect(getCiphersuiteImpl(getCiphersuiteFromId(v.cipher_suite as CiphersuiteId), PROVIDERS[0]!.provider)).rejects.toBeInstanceOf(DependencyError);
  });
});
