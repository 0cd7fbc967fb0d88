/**
 * RFC 9420 interop vectors of joining and following a group, against mimi-kit's join path
 * (src/mls/join.ts, src/mls/treeValidation.ts) and crypto providers:
 * - welcome.json (§12.4.3.1): the GroupSecrets decrypt with the key package's init key, the GroupInfo
 *   decrypts, its signature and confirmation tag verify — the Welcome half of `joinFromWelcomeFast`;
 * - passive-client-welcome / -handling-commit / -random.json: a client joins by Welcome, then follows every
 *   proposal and commit, checking each epoch authenticator. Where the ratchet tree is in the Welcome and the
 *   Welcome carries no PSK (what MIMI rooms send), the join is `joinFromWelcomeFast`; otherwise (tree given out
 *   of band, external PSKs: our join refuses both, MIMI uses neither) ts-mls's `joinGroup`. Either way the
 *   joined tree, and the tree after the last epoch, pass our `validateRatchetTree`. Commits are processed by
 *   ts-mls (`processPrivateMessage` / `processPublicMessage`) on our providers.
 */
import { describe, expect, it } from 'vitest';
import { getCiphersuiteImpl, type CiphersuiteImpl, type ClientState } from 'ts-mls';
import { makePskIndex, joinGroup } from 'ts-mls/clientState.js';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { getCiphersuiteFromId, type CiphersuiteId } from 'ts-mls/crypto/ciphersuite.js';
import { decryptWelcomeParts } from './welcome-parts.js';
import { DependencyError } from 'ts-mls/mlsError.js';
import { decodeMlsMessage } from 'ts-mls/message.js';
import { processPrivateMessage, processPublicMessage } from 'ts-mls/processMessages.js';
import { decodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { bytesToBase64 } from 'ts-mls/util/byteArray.js';
import { joinFromWelcomeFast } from '../../../src/mls/join.js';
import { validateRatchetTree } from '../../../src/mls/treeValidation.js';
import { MLS_VECTORS, PROVIDERS, hex, impl, loadVectors, reportUnavailable, rows, toHex, unavailableRows } from './support.js';

interface WelcomeCase {
  cipher_suite: number;
  init_priv: string;
  key_package: string;
  signer_pub: string;
  welcome: string;
}
interface PassiveClient {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
}

const welcomes = loadVectors<WelcomeCase>('welcome.json');
const passive: [string, PassiveClient[]][] = [
  ['passive-client-welcome.json', loadVectors<PassiveClient>('passive-client-welcome.json')],
  ['passive-client-handling-commit.json', loadVectors<PassiveClient>('passive-client-handling-commit.json')],
  ['passive-client-random.json', loadVectors<PassiveClient>('passive-client-random.json')],
];

function message(h: string) {
  const m = decodeMlsMessage(hex(h), 0);
  if (m === undefined) throw new Error('MLSMessage does not decode');
  return m[0];
}
function keyPackageOf(h: string) {
  const m = message(h);
  if (m.wireformat !== 'mls_key_package') throw new Error('not a key package');
  return m.keyPackage;
}
function welcomeOf(h: string) {
  const m = message(h);
  if (m.wireformat !== 'mls_welcome') throw new Error('not a Welcome');
  return m.welcome;
}

async function checkWelcome(v: WelcomeCase, cs: CiphersuiteImpl): Promise<void> {
  const parts = await decryptWelcomeParts(welcomeOf(v.welcome), keyPackageOf(v.key_package), hex(v.init_priv), cs);
  expect(await parts.signatureValid(hex(v.signer_pub))).toBe(true);
  expect(await parts.confirmationTagValid()).toBe(true);
  const otherKey = hex(v.signer_pub);
  otherKey[5]! ^= 1;
  expect(await parts.signatureValid(otherKey).catch(() => false)).toBe(false);
}

/** Whether our join path applies: tree in the Welcome and no PSK in its GroupSecrets. */
async function ourJoinApplies(v: PassiveClient, cs: CiphersuiteImpl): Promise<boolean> {
  if (v.ratchet_tree !== null) return false;
  const parts = await decryptWelcomeParts(welcomeOf(v.welcome), keyPackageOf(v.key_package), hex(v.init_priv), cs);
  return parts.groupSecrets.psks.length === 0;
}

async function followPassive(v: PassiveClient, cs: CiphersuiteImpl): Promise<'ours' | 'ts-mls'> {
  const keyPackage = keyPackageOf(v.key_package);
  const welcome = welcomeOf(v.welcome);
  const privateKeys = { initPrivateKey: hex(v.init_priv), hpkePrivateKey: hex(v.encryption_priv), signaturePrivateKey: hex(v.signature_priv) };
  const psks = Object.fromEntries(v.external_psks.map((p) => [bytesToBase64(hex(p.psk_id)), hex(p.psk)]));
  const ours = await ourJoinApplies(v, cs);
  let state: ClientState = ours
    ? await joinFromWelcomeFast(welcome, keyPackage, privateKeys, cs, defaultClientConfig)
    : await joinGroup(welcome, keyPackage, privateKeys, makePskIndex(undefined, psks), cs, v.ratchet_tree === null ? undefined : decodeRatchetTree(hex(v.ratchet_tree), 0)![0], undefined, defaultClientConfig);
  expect(toHex(state.keySchedule.epochAuthenticator), 'initial epoch authenticator').toBe(v.initial_epoch_authenticator);
  const validate = async (s: ClientState) =>
    validateRatchetTree(s.ratchetTree, s.groupContext, defaultClientConfig.lifetimeConfig, defaultClientConfig.authService, s.groupContext.treeHash, cs);
  expect(await validate(state), 'joined tree').toBeUndefined();
  for (const [i, epoch] of v.epochs.entries()) {
    for (const h of [...epoch.proposals, epoch.commit]) {
      const m = message(h);
      if (m.wireformat === 'mls_private_message') state = (await processPrivateMessage(state, m.privateMessage, makePskIndex(state, psks), cs)).newState;
      else if (m.wireformat === 'mls_public_message') state = (await processPublicMessage(state, m.publicMessage, makePskIndex(state, psks), cs)).newState;
      else throw new Error(`unexpected ${m.wireformat}`);
    }
    expect(toHex(state.keySchedule.epochAuthenticator), `epoch ${i + 1} authenticator`).toBe(epoch.epoch_authenticator);
  }
  if (v.epochs.length > 0) expect(await validate(state), 'tree after the last epoch').toBeUndefined();
  return ours ? 'ours' : 'ts-mls';
}

const used = { ours: 0, 'ts-mls': 0 };
for (const p of PROVIDERS) {
  describe.skipIf(MLS_VECTORS === undefined)(`MLS interop vectors, joining and following (${p.name})`, () => {
    it.each(rows(welcomes, p))('welcome %s', async (_, v) => checkWelcome(v, await impl(p, v.cipher_suite)));
    for (const [file, cases] of passive) {
      it.each(rows(cases, p))(`${file.replace('.json', '')} %s`, async (_, v) => {
        used[await followPassive(v, await impl(p, v.cipher_suite))]++;
      }, 120_000);
    }
  });
}

describe.skipIf(MLS_VECTORS === undefined)('MLS interop vectors, joining: X448 suites and coverage', () => {
  for (const [file, cases] of [['welcome.json', welcomes] as const, ...passive]) {
    reportUnavailable(file, cases);
    it.each(unavailableRows<{ cipher_suite: number }>(cases))(`${file} %s: the suite is refused with DependencyError`, async (_, v) => {
      await expect(getCiphersuiteImpl(getCiphersuiteFromId(v.cipher_suite as CiphersuiteId), PROVIDERS[0]!.provider)).rejects.toBeInstanceOf(DependencyError);
    });
  }
  it('our join path (joinFromWelcomeFast) took part in the passive-client cases', () => {
    console.info(`passive-client vectors: ${used.ours} runs joined through src/mls/join.ts, ${used['ts-mls']} through ts-mls joinGroup (tree out of band or PSKs)`);
    expect(used.ours).toBeGreaterThan(0);
  });
});
