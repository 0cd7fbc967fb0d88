/**
 * RFC 9420 interop vectors of the crypto layer against mimi-kit's providers (src/mls/crypto):
 * crypto-basics.json (§5.1–5.2: RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel,
 * EncryptWithLabel), key-schedule.json (§8), secret-tree.json (§9), transcript-hashes.json (§8.2) and
 * psk_secret.json (§8.4). The ts-mls functions are the schedule; every primitive under them is ours.
 */
import { describe, expect, it } from 'vitest';
import { getCiphersuiteImpl } from 'ts-mls';
import { getCiphersuiteFromId, type CiphersuiteId } from 'ts-mls/crypto/ciphersuite.js';
import { refhash } from 'ts-mls/crypto/hash.js';
import { decryptWithLabel, encryptWithLabel } from 'ts-mls/crypto/hpke.js';
import { deriveSecret, deriveTreeSecret, expandWithLabel } from 'ts-mls/crypto/kdf.js';
import { signWithLabel, verifyWithLabel } from 'ts-mls/crypto/signature.js';
import { DependencyError } from 'ts-mls/mlsError.js';
import { encodeGroupContext, type GroupContext } from 'ts-mls/groupContext.js';
import { initializeEpoch, mlsExporter } from 'ts-mls/keySchedule.js';
import { createSecretTree, ratchetToGeneration } from 'ts-mls/secretTree.js';
import { expandSenderDataKey, expandSenderDataNonce, type ReuseGuard } from 'ts-mls/sender.js';
import { decodeAuthenticatedContent } from 'ts-mls/authenticatedContent.js';
import { createConfirmedHash, createInterimHash } from 'ts-mls/transcriptHash.js';
import { createConfirmationTag } from 'ts-mls/framedContent.js';
import { computePskSecret } from 'ts-mls/presharedkey.js';
import { MLS_VECTORS, PROVIDERS, hex, impl, loadVectors, reportUnavailable, rows, suiteName, toHex, unavailableRows } from './support.js';

interface CryptoBasics {
  cipher_suite: number;
  ref_hash: { label: string; value: string; out: string };
  expand_with_label: { secret: string; label: string; context: string; length: number; out: string };
  derive_secret: { secret: string; label: string; out: string };
  derive_tree_secret: { secret: string; label: string; generation: number; length: number; out: string };
  sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
  encrypt_with_label: { priv: string; pub: string; label: string; context: string; plaintext: string; kem_output: string; ciphertext: string };
}
interface KeySchedule {
  cipher_suite: number;
  group_id: string;
  initial_init_secret: string;
  epochs: {
    tree_hash: string;
    commit_secret: string;
    psk_secret: string;
    confirmed_transcript_hash: string;
    group_context: string;
    joiner_secret: string;
    welcome_secret: string;
    init_secret: string;
    sender_data_secret: string;
    encryption_secret: string;
    exporter_secret: string;
    epoch_authenticator: string;
    external_secret: string;
    confirmation_key: string;
    membership_key: string;
    resumption_psk: string;
    external_pub: string;
    exporter: { label: string; context: string; length: number; secret: string };
  }[];
}
interface SecretTree {
  cipher_suite: number;
  encryption_secret: string;
  sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
  leaves: { generation: number; application_key: string; application_nonce: string; handshake_key: string; handshake_nonce: string }[][];
}
interface TranscriptHashes {
  cipher_suite: number;
  confirmation_key: string;
  authenticated_content: string;
  interim_transcript_hash_before: string;
  confirmed_transcript_hash_after: string;
  interim_transcript_hash_after: string;
}
interface PskSecret {
  cipher_suite: number;
  psks: { psk_id: string; psk: string; psk_nonce: string }[];
  psk_secret: string;
}

const basics = loadVectors<CryptoBasics>('crypto-basics.json');
const schedules = loadVectors<KeySchedule>('key-schedule.json');
const secretTrees = loadVectors<SecretTree>('secret-tree.json');
const transcripts = loadVectors<TranscriptHashes>('transcript-hashes.json');
const psks = loadVectors<PskSecret>('psk_secret.json');

for (const p of PROVIDERS) {
  describe.skipIf(MLS_VECTORS === undefined)(`MLS interop vectors, crypto layer (${p.name})`, () => {
    it.each(rows(basics, p))('crypto-basics %s', async (_, v) => {
      const cs = await impl(p, v.cipher_suite);
      expect(toHex(await refhash(v.ref_hash.label, hex(v.ref_hash.value), cs.hash))).toBe(v.ref_hash.out);
      const e = v.expand_with_label;
      expect(toHex(await expandWithLabel(hex(e.secret), e.label, hex(e.context), e.length, cs.kdf))).toBe(e.out);
      expect(toHex(await deriveSecret(hex(v.derive_secret.secret), v.derive_secret.label, cs.kdf))).toBe(v.derive_secret.out);
      const t = v.derive_tree_secret;
      expect(toHex(await deriveTreeSecret(hex(t.secret), t.label, t.generation, t.length, cs.kdf))).toBe(t.out);
      // SignWithLabel: the published signature verifies, and ours verifies (signatures may be randomized).
      const s = v.sign_with_label;
      expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), hex(s.signature), cs.signature)).toBe(true);
      const mine = await signWithLabel(hex(s.priv), s.label, hex(s.content), cs.signature);
      expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), mine, cs.signature)).toBe(true);
      const flipped = hex(s.signature);
      flipped[0]! ^= 1;
      expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), flipped, cs.signature)).toBe(false);
      // EncryptWithLabel: the published ciphertext decrypts; ours round-trips (HPKE is randomized).
      const h = v.encrypt_with_label;
      const priv = await cs.hpke.importPrivateKey(hex(h.priv));
      const pub = await cs.hpke.importPublicKey(hex(h.pub));
      expect(toHex(await decryptWithLabel(priv, h.label, hex(h.context), hex(h.kem_output), hex(h.ciphertext), cs.hpke))).toBe(h.plaintext);
      const sealed = await encryptWithLabel(pub, h.label, hex(h.context), hex(h.plaintext), cs.hpke);
      expect(toHex(await decryptWithLabel(priv, h.label, hex(h.context), sealed.enc, sealed.ct, cs.hpke))).toBe(h.plaintext);
    });

    it.each(rows(schedules, p))('key-schedule %s', async (_, v) => {
      const cs = await impl(p, v.cipher_suite);
      let initSecret = hex(v.initial_init_secret);
      for (const [epoch, e] of v.epochs.entries()) {
        const gc: GroupContext = {
          version: 'mls10',
          cipherSuite: suiteName(v.cipher_suite),
          groupId: hex(v.group_id),
          epoch: BigInt(epoch),
          treeHash: hex(e.tree_hash),
          confirmedTranscriptHash: hex(e.confirmed_transcript_hash),
          extensions: [],
        };
        expect(toHex(encodeGroupContext(gc)), `epoch ${epoch} group_context`).toBe(e.group_context);
        const r = await initializeEpoch(initSecret, hex(e.commit_secret), gc, hex(e.psk_secret), cs.kdf);
        const got = {
          joiner_secret: toHex(r.joinerSecret),
          welcome_secret: toHex(r.welcomeSecret),
          encryption_secret: toHex(r.encryptionSecret),
          init_secret: toHex(r.keySchedule.initSecret),
          sender_data_secret: toHex(r.keySchedule.senderDataSecret),
          exporter_secret: toHex(r.keySchedule.exporterSecret),
          external_secret: toHex(r.keySchedule.externalSecret),
          confirmation_key: toHex(r.keySchedule.confirmationKey),
          membership_key: toHex(r.keySchedule.membershipKey),
          resumption_psk: toHex(r.keySchedule.resumptionPsk),
          epoch_authenticator: toHex(r.keySchedule.epochAuthenticator),
        };
        expect(got, `epoch ${epoch}`).toEqual(Object.fromEntries(Object.keys(got).map((k) => [k, e[k as keyof typeof e]])));
        // external_pub = KEM.DeriveKeyPair(external_secret).public (RFC 9420 §8.3)
        const kp = await cs.hpke.deriveKeyPair(r.keySchedule.externalSecret);
        expect(toHex(await cs.hpke.exportPublicKey(kp.publicKey)), `epoch ${epoch} external_pub`).toBe(e.external_pub);
        const x = e.exporter;
        expect(toHex(await mlsExporter(r.keySchedule.exporterSecret, x.label, hex(x.context), x.length, cs)), `epoch ${epoch} exporter`).toBe(x.secret);
        initSecret = r.keySchedule.initSecret;
      }
    });

    it.each(rows(secretTrees, p))('secret-tree %s', async (_, v) => {
      const cs = await impl(p, v.cipher_suite);
      const sd = v.sender_data;
      expect(toHex(await expandSenderDataKey(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.key);
      expect(toHex(await expandSenderDataNonce(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.nonce);
      const tree = await createSecretTree(v.leaves.length, hex(v.encryption_secret), cs.kdf);
      const config = { retainKeysForGenerations: 1000, retainKeysForEpochs: 1, maximumForwardRatchetSteps: 1 << 16 };
      const guard = new Uint8Array(4) as ReuseGuard; // a zero reuse guard leaves the nonce as derived (RFC 9420 §6.3.2)
      for (const [leafIndex, gens] of v.leaves.entries()) {
        for (const g of gens) {
          const a = await ratchetToGeneration(tree, { leafIndex, generation: g.generation, reuseGuard: guard }, 'application', config, cs);
          const h = await ratchetToGeneration(tree, { leafIndex, generation: g.generation, reuseGuard: guard }, 'commit', config, cs);
          expect([toHex(a.key), toHex(a.nonce), toHex(h.key), toHex(h.nonce)], `leaf ${leafIndex} generation ${g.generation}`).toEqual([
            g.application_key,
            g.application_nonce,
            g.handshake_key,
            g.handshake_nonce,
          ]);
        }
      }
    });

    it.each(rows(transcripts, p))('transcript-hashes %s', async (_, v) => {
      const cs = await impl(p, v.cipher_suite);
      const decoded = decodeAuthenticatedContent(hex(v.authenticated_content), 0);
      expect(decoded).toBeDefined();
      const ac = decoded![0];
      expect(ac.content.contentType).toBe('commit');
      if (ac.content.contentType !== 'commit' || !('confirmationTag' in ac.auth)) throw new Error('not a commit');
      const confirmed = await createConfirmedHash(hex(v.interim_transcript_hash_before), { wireformat: ac.wireformat, content: ac.content, signature: ac.auth.signature }, cs.hash);
      expect(toHex(confirmed)).toBe(v.confirmed_transcript_hash_after);
      // The confirmation tag carried in the content is MAC(confirmation_key, confirmed_transcript_hash) (§6.1).
      expect(toHex(await createConfirmationTag(hex(v.confirmation_key), confirmed, cs.hash))).toBe(toHex(ac.auth.confirmationTag));
      expect(toHex(await createInterimHash(confirmed, ac.auth.confirmationTag, cs.hash))).toBe(v.interim_transcript_hash_after);
    });

    it.each(rows(psks, p))('psk_secret %s', async (_, v) => {
      const cs = await impl(p, v.cipher_suite);
      const list = v.psks.map((k): [{ psktype: 'external'; pskId: Uint8Array; pskNonce: Uint8Array }, Uint8Array] => [
        { psktype: 'external', pskId: hex(k.psk_id), pskNonce: hex(k.psk_nonce) },
        hex(k.psk),
      ]);
      expect(toHex(await computePskSecret(list, cs))).toBe(v.psk_secret);
    });
  });
}

describe.skipIf(MLS_VECTORS === undefined)('MLS interop vectors, crypto layer: X448 suites', () => {
  const all = [
    ['crypto-basics.json', basics],
    ['key-schedule.json', schedules],
    ['secret-tree.json', secretTrees],
    ['transcript-hashes.json', transcripts],
    ['psk_secret.json', psks],
  ] as const;
  for (const [file, cases] of all) {
    reportUnavailable(file, cases);
    it.each(unavailableRows<{ cipher_suite: number }>(cases))(`${file} %s: the suite is refused with DependencyError`, async (_, v) => {
      await expect(getCiphersuiteImpl(getCiphersuiteFromId(v.cipher_suite as CiphersuiteId), PROVIDERS[0]!.provider)).rejects.toBeInstanceOf(DependencyError);
    });
  }
});
