/**
 * The Welcome steps of src/mls/join.ts (RFC 9420 §12.4.3.1), for vectors that give no ratchet tree in the
 * Welcome: GroupSecrets (HPKE with the init key), GroupInfo (AEAD with the welcome secret), its signature and
 * confirmation tag.
 */
import type { CiphersuiteImpl, KeyPackage, Welcome } from 'ts-mls';
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js';
import type { GroupSecrets } from 'ts-mls/groupSecrets.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js';

export interface WelcomeParts {
  readonly groupSecrets: GroupSecrets;
  signatureValid(signerPublicKey: Uint8Array): Promise<boolean>;
  confirmationTagValid(): Promise<boolean>;
}

/** Decrypts a Welcome for a key package (no PSKs: the psk_secret is all zeros, §8.4). */
export async function decryptWelcomeParts(welcome: Welcome, keyPackage: KeyPackage, initPrivateKey: Uint8Array, cs: CiphersuiteImpl): Promise<WelcomeParts> {
  const ref = await makeKeyPackageRef(keyPackage, cs.hash);
  const groupSecrets = await decryptGroupSecrets(await cs.hpke.importPrivateKey(initPrivateKey), ref, welcome, cs.hpke);
  if (groupSecrets === undefined) throw new Error('GroupSecrets do not decrypt');
  const zeroes = new Uint8Array(cs.kdf.size);
  return {
    groupSecrets,
    async signatureValid(pub) {
      const gi = await decryptGroupInfo(welcome, groupSecrets.joinerSecret, zeroes, cs);
      if (gi === undefined) throw new Error('GroupInfo does not decrypt');
      return verifyGroupInfoSignature(gi, pub, cs.signature);
    },
    async confirmationTagValid() {
      const gi = await decryptGroupInfo(welcome, groupSecrets.joinerSecret, zeroes, cs);
      if (gi === undefined) throw new Error('GroupInfo does not decrypt');
      return verifyGroupInfoConfirmationTag(gi, groupSecrets.joinerSecret, zeroes, cs);
    },
  };
}
