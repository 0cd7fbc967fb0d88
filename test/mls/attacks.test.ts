/**
 * Issue 11, "Attacks that must fail": each attack is made by one member of a room across two providers
 * (alice, bob with two clients at a.example, carol at b.example) and every other member must refuse it with
 * a typed error, its room unchanged and still able to move on.
 */
import { describe, expect, it } from 'vitest';
import {
  createCommit,
  createProposal,
  decodeMlsMessage,
  encodeExternalSender,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  makePskIndex,
  processPublicMessage,
  emptyPskIndex,
  type ClientState,
  type Extension,
  type KeyPackage,
  type LeafNode,
  type Proposal,
} from 'ts-mls';
import { createContentCommitSignature } from 'ts-mls/framedContent.js';
import { protectPublicMessage } from 'ts-mls/messageProtectionPublic.js';
import { signLeafNodeCommit } from 'ts-mls/leafNode.js';
import { leafComponentsExtension } from '../../src/mls/components.js';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import { encodeContent, plainText } from '../../src/content/index.js';
import { MimiError } from '../../src/errors.js';
import { createClientIdentity, encodeClientIdentity, generateKeyPackage, type ClientIdentity, type MimiRoom } from '../../src/mls/index.js';
import { createMimiCommit } from '../../src/mls/commit.js';
import { mimiSuite } from '../../src/mls/suite.js';
import { encodeAppDataDictionary } from '../../src/room/index.js';
import { ALICE, BOB, CAROL, ROOM, type Net, client, threeUsers } from './helpers.js';

const DAVE = 'mimi://b.example/u/dave';

const text = (t: string, senderUri: string): Uint8Array => encodeContent(plainText(t, { senderUri, roomUri: ROOM }));
const stateOf = (r: MimiRoom): ClientState => r.internalState as ClientState;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
  return 'accepted';
}

/** Every member but `from` refuses `bytes` with `code`, keeps its room, and the room then moves on. */
async function everyoneRefuses(net: Net, from: ClientIdentity, bytes: Uint8Array, code: string): Promise<void> {
  for (const [uri, room] of net.rooms) {
    if (uri === from.clientUri || !room.isMember) continue;
    expect(await codeOf(room.processHandshake(bytes)), uri).toBe(code);
    expect(net.rooms.get(uri)).toBe(room);
    expect(room.pendingProposals).toBe(0);
    expect(room.isMember).toBe(true);
  }
}

/** The room still works for everyone: a commit by `by`, then a message every member reads. */
async function roomMovesOn(net: Net, by: ClientIdentity, ids: ClientIdentity[]): Promise<void> {
  const before = net.room(by).epoch;
  await net.deliver(by, await net.room(by).update());
  for (const id of ids) if (net.room(id).isMember) expect(net.room(id).epoch).toBe(before + 1n);
  const m = await net.send(by, text('still alive', by.userUri));
  for (const id of ids) if (id !== by && net.room(id).isMember) expect((await net.receive(id, m)).senderUserUri).toBe(by.userUri);
}

/**
 * A commit as a malicious member would send it: any proposals and path, validly signed and
 * membership-tagged by that member (RFC 9420 §6.1, §6.2), with a made-up confirmation tag.
 */
async function signedCommit(room: MimiRoom, proposals: ProposalOrRef[]): Promise<Uint8Array> {
  const state = stateOf(room);
  const cs = await mimiSuite();
  const { signature, framedContent } = await createContentCommitSignature(
    state.groupContext,
    'mls_public_message',
    { proposals, path: undefined },
    { senderType: 'member', leafIndex: state.privatePath.leafIndex },
    new Uint8Array(),
    state.signaturePrivateKey,
    cs.signature,
  );
  const pm = await protectPublicMessage(
    state.keySchedule.membershipKey,
    state.groupContext,
    { wireformat: 'mls_public_message', content: framedContent, auth: { contentType: 'commit', signature, confirmationTag: new Uint8Array(32) } },
    cs,
  );
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage: pm });
}

async function proposal(room: MimiRoom, p: Proposal): Promise<Uint8Array> {
  const { message } = await createProposal(stateOf(room), true, p, await mimiSuite());
  return encodeMlsMessage(message);
}

function withRoomChange(room: MimiRoom, mutate: (ext: Extension[]) => Extension[]): Proposal {
  return { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: mutate([...stateOf(room).groupContext.extensions]) } };
}

/** A key package for `id` with a chosen lifetime, made directly with ts-mls (not our generator). */
async function keyPackageWithLifetime(id: ClientIdentity, keys: { signKey: Uint8Array; publicKey: Uint8Array }, notBefore: bigint, notAfter: bigint): Promise<KeyPackage> {
  const cs = await mimiSuite();
  const { publicPackage } = await generateKeyPackageWithKey(
    { credentialType: 'basic', identity: encodeClientIdentity(id.userUri, id.clientUri) },
    { versions: ['mls10'], ciphersuites: [cs.name], extensions: [6], proposals: [], credentials: ['basic'] },
    { notBefore, notAfter },
    [],
    keys,
    cs,
    [leafComponentsExtension()], // decision D26: leaves advertise the room's required components
  );
  return publicPackage;
}

const kpBytes = (kp: KeyPackage): Uint8Array => encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: kp });
const now = (): bigint => BigInt(Math.floor(Date.now() / 1000));
const DAY = 86400n;

describe('attacks that must fail', () => {
  it('a proposal type outside what the room uses is refused (ReInit, PSK, ExternalInit, custom, Update by value) by every member, before anything applies', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const cs = await mimiSuite();
    const bob = stateOf(net.room(b1));
    // ReInit committed by an ordinary participant (bob is a speaker): today it suspends every member's group.
    const reinit: Proposal = { proposalType: 'reinit', reinit: { groupId: bob.groupContext.groupId, version: 'mls10', cipherSuite: cs.name, extensions: [] } };
    const r = await createCommit({ state: bob, cipherSuite: cs }, { extraProposals: [reinit], wireAsPublicMessage: true });
    await everyoneRefuses(net, b1, encodeMlsMessage(r.commit), 'mls/proposal-not-allowed');
    // PSK (an external PSK bob made up).
    const pskId = new Uint8Array([1, 2, 3]);
    const psk: Proposal = { proposalType: 'psk', psk: { preSharedKeyId: { psktype: 'external', pskId, pskNonce: new Uint8Array(32) } } };
    const p = await createCommit(
      { state: bob, cipherSuite: cs, pskIndex: makePskIndex(bob, { [btoa(String.fromCharCode(...pskId))]: new Uint8Array(32) }) },
      { extraProposals: [psk], wireAsPublicMessage: true },
    );
    await everyoneRefuses(net, b1, encodeMlsMessage(p.commit), 'mls/proposal-not-allowed');
    // A custom proposal type (ts-mls skips those silently).
    const custom: Proposal = { proposalType: 0xf0f0, proposalData: new Uint8Array([0]) };
    const c = await createCommit({ state: bob, cipherSuite: cs }, { extraProposals: [custom], wireAsPublicMessage: true });
    await everyoneRefuses(net, b1, encodeMlsMessage(c.commit), 'mls/proposal-not-allowed');
    // ExternalInit from a member, and an Update by value, validly signed by bob.
    await everyoneRefuses(net, b1, await signedCommit(net.room(b1), [{ proposalOrRefType: 'proposal', proposal: { proposalType: 'external_init', externalInit: { kemOutput: new Uint8Array(32) } } }]), 'mls/proposal-not-allowed');
    const ownLeaf = bob.ratchetTree[bob.privatePath.leafIndex * 2];
    if (ownLeaf?.nodeType !== 'leaf') throw new Error('no leaf');
    await everyoneRefuses(net, b1, await signedCommit(net.room(b1), [{ proposalOrRefType: 'proposal', proposal: { proposalType: 'update', update: { leafNode: { ...ownLeaf.leaf, leafNodeSource: 'update' } as never } } }]), 'mls/proposal-not-allowed');
    // The same types as standalone proposals.
    for (const bad of [reinit, psk, custom]) await everyoneRefuses(net, b1, await proposal(net.room(b1), bad), 'mls/proposal-not-allowed');
    await roomMovesOn(net, a1, [a1, b1, b2, c1]);
  });

  // ts-mls 1.6.4 applies a ReInit from any member: the group is "suspended pending reinit" for everyone.
  // Not a protocol defect (RFC 9420 leaves who may ReInit to the application), pinned to show the raw behaviour.
  it('(raw ts-mls 1.6.4) a ReInit from an ordinary member suspends the receiver, which is why the adapter refuses it first', async () => {
    const { net, a1, b1 } = await threeUsers();
    const cs = await mimiSuite();
    const bob = stateOf(net.room(b1));
    const r = await createCommit(
      { state: bob, cipherSuite: cs },
      { extraProposals: [{ proposalType: 'reinit', reinit: { groupId: bob.groupContext.groupId, version: 'mls10', cipherSuite: cs.name, extensions: [] } }], wireAsPublicMessage: true },
    );
    if (r.commit.wireformat !== 'mls_public_message') throw new Error('public');
    const res = await processPublicMessage(stateOf(net.room(a1)), r.commit.publicMessage, emptyPskIndex, cs);
    expect(res.newState.groupActiveState.kind).toBe('suspendedPendingReinit');
  });

  it('pending proposals cannot freeze a room: a participant sending two GroupContextExtensions proposals', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const subject = (s: string): Proposal =>
      withRoomChange(net.room(c1), (ext) =>
        ext.map((e) => (e.extensionType === 6 ? { ...e, extensionData: encodeAppDataDictionary({ ...net.room(c1).roomState, metadata: { ...net.room(c1).roomState.metadata!, subject: s } }) } : e)),
      );
    // carol (moderator) proposes two subject changes in one epoch; both are authorized on their own.
    const first = await createProposal(stateOf(net.room(c1)), true, subject('first'), await mimiSuite());
    const second = await createProposal(first.newState, true, subject('second'), await mimiSuite());
    // carol's client now holds both of her proposals (createProposal keeps them in her state).
    net.rooms.set(c1.clientUri, await loadCarol(net, second.newState));
    for (const id of [a1, b1, b2]) {
      for (const m of [first.message, second.message]) net.rooms.set(id.clientUri, (await net.room(id).processHandshake(encodeMlsMessage(m))).room);
      expect(net.room(id).pendingProposals).toBe(2);
      // RFC 9420 §12.2 / OpenMLS: no application message while proposals are pending ...
      expect(await codeOf(net.room(id).encryptContent(text('blocked', net.room(id).self.userUri)))).toBe('mls/bad-state');
    }
    // ... a commit that covers both is what RFC 9420 §12.2 forbids: every member refuses it.
    const refs = Object.keys(stateOf(net.room(b1)).unappliedProposals).map((r): ProposalOrRef => ({ proposalOrRefType: 'reference', reference: Uint8Array.from(atob(r), (x) => x.charCodeAt(0)) }));
    const both = await signedCommit(net.room(b1), refs);
    for (const id of [a1, b2]) expect(await codeOf(net.room(id).processHandshake(both))).toBe('mls/invalid-commit');
    // ... and yet there is always a valid commit: bob (a mere speaker) commits, keeping the first.
    const out = await net.room(b1).commitPending();
    expect(out.droppedProposals).toBe(1);
    // carol learns that one of her proposals was dropped.
    const results = await net.deliver(b1, out);
    expect(results.get(c1.clientUri)?.ownProposalsDropped).toBe(1);
    for (const id of [a1, b1, b2, c1]) {
      expect(net.room(id).roomState.metadata?.subject).toBe('first');
      expect(net.room(id).pendingProposals).toBe(0);
    }
    // Sending works again for everyone.
    for (const from of [a1, b2, c1]) {
      const m = await net.send(from, text('unblocked', from.userUri));
      for (const to of [a1, b1, b2, c1]) if (to !== from) expect((await net.receive(to, m)).senderClientUri).toBe(from.clientUri);
    }
  });

  it('pending proposals cannot freeze a room: two users leaving at once', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    // dave (b.example, speaker) joins, then bob and dave leave in the same epoch.
    const d1 = await client(net.store, DAVE, '1');
    const dkp = await generateKeyPackage(d1);
    await net.deliver(a1, await net.room(a1).addParticipant(DAVE, 4, [dkp.keyPackage]), [dkp]);
    const bobLeave = await net.room(b1).leave();
    await net.deliverProposals(b1, bobLeave.proposals, bobLeave.room);
    const daveLeave = await net.room(d1).leave();
    await net.deliverProposals(d1, daveLeave.proposals, daveLeave.room);
    expect(net.room(c1).pendingProposals).toBe(5);
    // Messages are refused while proposals are pending, until the next commit.
    expect(await codeOf(net.room(c1).encryptContent(text('blocked', CAROL)))).toBe('mls/bad-state');
    const out = await net.room(c1).commitPending();
    expect(out.droppedProposals).toBe(2); // dave's Remove + GroupContextExtensions: one leave per commit
    const results = await net.deliver(c1, out);
    expect(results.get(d1.clientUri)?.ownProposalsDropped).toBe(2);
    expect(results.get(a1.clientUri)?.ownProposalsDropped).toBe(0);
    expect(net.room(b1).isMember || net.room(b2).isMember).toBe(false);
    expect(net.room(a1).roomState.participants.map((p) => p.user).sort()).toEqual([ALICE, CAROL, DAVE].sort());
    const m = await net.send(c1, text('moving on', CAROL));
    for (const to of [a1, d1]) expect((await net.receive(to, m)).senderUserUri).toBe(CAROL);
    // dave proposes again in the new epoch; alice commits.
    const again = await net.room(d1).leave();
    await net.deliverProposals(d1, again.proposals, again.room);
    await net.deliver(a1, await net.room(a1).commitPending());
    expect(net.room(d1).isMember).toBe(false);
    expect(net.room(c1).roomState.participants.map((p) => p.user).sort()).toEqual([ALICE, CAROL].sort());
    await roomMovesOn(net, c1, [a1, c1]);
  });

  it('a client cannot change who it is: an UpdatePath or Update carrying another user\'s credential is refused by every member', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const cs = await mimiSuite();
    const bob = stateOf(net.room(b1));
    // bob also holds mallory's account, with the same signature key, and the provider vouches for both.
    const mallory = await createClientIdentity({
      userUri: 'mimi://a.example/u/mallory',
      clientUri: 'mimi://a.example/d/mallory/1',
      signatureKeys: { signKey: bob.signaturePrivateKey, publicKey: b1.signaturePublicKey },
    });
    net.store.add(mallory);
    expect(net.store.verifier({ userUri: mallory.userUri, clientUri: mallory.clientUri, signaturePublicKey: b1.signaturePublicKey })).toBe(true);
    const malloryCredential = { credentialType: 'basic' as const, identity: encodeClientIdentity(mallory.userUri, mallory.clientUri) };
    const leafIndex = bob.privatePath.leafIndex;
    const node = bob.ratchetTree[leafIndex * 2];
    if (node?.nodeType !== 'leaf') throw new Error('no leaf');
    // UpdatePath: bob's own commit builder, over a tree in which his leaf carries mallory's credential.
    const tree = bob.ratchetTree.slice();
    tree[leafIndex * 2] = { nodeType: 'leaf', leaf: { ...node.leaf, credential: malloryCredential } };
    const forged = await createMimiCommit({ ...bob, ratchetTree: tree }, cs, []);
    const path = decodeMlsMessage(encodeMlsMessage(forged.commit), 0)![0];
    if (path.wireformat !== 'mls_public_message' || path.publicMessage.content.contentType !== 'commit') throw new Error('commit');
    expect(path.publicMessage.content.commit.path?.leafNode.credential).toEqual(malloryCredential);
    await everyoneRefuses(net, b1, encodeMlsMessage(forged.commit), 'mls/credential-rejected');
    // Update proposal with mallory's credential and a fresh encryption key, signed by the shared key.
    const kp = await cs.hpke.generateKeyPair();
    const updateLeaf = async (credential: LeafNode['credential']): Promise<Uint8Array> => {
      const tbs = {
        ...node.leaf,
        leafNodeSource: 'update' as const,
        credential,
        hpkePublicKey: await cs.hpke.exportPublicKey(kp.publicKey),
        groupId: bob.groupContext.groupId,
        leafIndex,
      };
      const signed = await signLeafNodeCommit(tbs as never, bob.signaturePrivateKey, cs.signature);
      const { groupId: _g, leafIndex: _l, ...leafNode } = signed as typeof signed & { groupId: unknown; leafIndex: unknown };
      return proposal(net.room(b1), { proposalType: 'update', update: { leafNode: leafNode as never } });
    };
    const bad = await updateLeaf(malloryCredential);
    for (const id of [a1, b2, c1]) {
      const e = (await net.room(id).processHandshake(bad).catch((x: unknown) => x)) as MimiError;
      expect(e.code).toBe('mls/credential-rejected');
      expect(e.details).toMatchObject({ reason: 'not a successor credential', userUri: BOB, newUserUri: mallory.userUri });
    }
    // Control: the same Update keeping bob's own credential is accepted on receipt.
    const good = await updateLeaf(node.leaf.credential);
    expect((await net.room(a1).processHandshake(good)).kind).toBe('proposal');
    // An external commit (new_member_commit sender) is not accepted at all (decision D6).
    const ext = decodeMlsMessage((await net.room(b1).update()).commit, 0)![0];
    if (ext.wireformat !== 'mls_public_message') throw new Error('public');
    ext.publicMessage.content.sender = { senderType: 'new_member_commit' };
    // RFC 9420 §6.2: only member senders carry a membership tag.
    Object.assign(ext.publicMessage, { senderType: 'new_member_commit', membershipTag: undefined });
    expect(await codeOf(net.room(c1).processHandshake(encodeMlsMessage(ext)))).toBe('mls/not-member');
  });

  // ts-mls 1.6.4 defect (decisions.md D21): processCommit asks the AS only whether the UpdatePath credential is
  // valid, never whether it is a valid successor of the member's old one (RFC 9420 §7.3 / §5.3.1, "MUST").
  it.fails('ts-mls 1.6.4 refuses an UpdatePath whose credential is not a successor of the old one', async () => {
    const { net, a1, b1 } = await threeUsers();
    const cs = await mimiSuite();
    const bob = stateOf(net.room(b1));
    const mallory = await createClientIdentity({ userUri: 'mimi://a.example/u/mallory', clientUri: 'mimi://a.example/d/mallory/1', signatureKeys: { signKey: bob.signaturePrivateKey, publicKey: b1.signaturePublicKey } });
    net.store.add(mallory);
    const tree = bob.ratchetTree.slice();
    const node = tree[bob.privatePath.leafIndex * 2];
    if (node?.nodeType !== 'leaf') throw new Error('leaf');
    tree[bob.privatePath.leafIndex * 2] = { nodeType: 'leaf', leaf: { ...node.leaf, credential: { credentialType: 'basic', identity: encodeClientIdentity(mallory.userUri, mallory.clientUri) } } };
    const forged = await createMimiCommit({ ...bob, ratchetTree: tree }, cs, []);
    if (forged.commit.wireformat !== 'mls_public_message') throw new Error('public');
    await expect(processPublicMessage(stateOf(net.room(a1)), forged.commit.publicMessage, emptyPskIndex, cs)).rejects.toThrow();
  });

  it('group-context extensions are under the room policy: dropping required_capabilities, adding external_senders or touching a foreign extension is refused by every member', async () => {
    const { net, a1, b1, c1 } = await threeUsers();
    // bob (speaker) drops required_capabilities: standalone proposal and commit.
    const drop = withRoomChange(net.room(b1), (ext) => ext.filter((e) => e.extensionType !== 'required_capabilities'));
    await everyoneRefuses(net, b1, await proposal(net.room(b1), drop), 'mls/extension-not-allowed');
    await everyoneRefuses(net, b1, await signedCommit(net.room(b1), [{ proposalOrRefType: 'proposal', proposal: drop }]), 'mls/extension-not-allowed');
    // alice (owner) adds external_senders (ts-mls 1.6.4 would even validate it as a single sender).
    const sender = encodeExternalSender({ signaturePublicKey: a1.signaturePublicKey, credential: { credentialType: 'basic', identity: encodeClientIdentity(a1.userUri, a1.clientUri) } });
    const add = withRoomChange(net.room(a1), (ext) => [...ext, { extensionType: 'external_senders', extensionData: sender }]);
    await everyoneRefuses(net, a1, (await net.room(a1).commitWith([add], undefined, { authorize: false })).commit, 'mls/extension-not-allowed');
    // carol (moderator) rewrites required_capabilities to require nothing.
    const weaken = withRoomChange(net.room(c1), (ext) => ext.map((e) => (e.extensionType === 'required_capabilities' ? { ...e, extensionData: new Uint8Array([0, 0, 0]) } : e)));
    await everyoneRefuses(net, c1, (await net.room(c1).commitWith([weaken], undefined, { authorize: false })).commit, 'mls/extension-not-allowed');
    // The room state itself stays under the policy: bob changing the subject is a policy refusal.
    const rs = net.room(b1).roomState;
    const subject = await net.room(b1).commitWith([], { ...rs, metadata: { ...rs.metadata!, subject: 'bob was here' } }, { authorize: false });
    expect(await codeOf(net.room(a1).processHandshake(subject.commit))).toBe('mls/policy-refused');
    await roomMovesOn(net, c1, [a1, b1, c1]);
  });

  it('our own GroupContextExtensions proposals keep the extensions we do not own, in place', async () => {
    const { net, c1 } = await threeUsers();
    // A peer's extension in the group context, between required_capabilities and app_data_dictionary.
    const state = stateOf(net.room(c1));
    const foreign: Extension = { extensionType: 0xf0a1, extensionData: new Uint8Array([7, 7]) };
    const before = [state.groupContext.extensions[0]!, foreign, ...state.groupContext.extensions.slice(1)];
    const { withRoomData } = await import('../../src/mls/extensions.js');
    const after = withRoomData(before, new Uint8Array([1, 2, 3]));
    expect(after.map((e) => e.extensionType)).toEqual(before.map((e) => e.extensionType));
    expect(after[1]).toBe(foreign);
    expect(after.find((e) => e.extensionType === 6)?.extensionData).toEqual(new Uint8Array([1, 2, 3]));
    expect(after[0]).toBe(before[0]);
    // And through a real commit: the GroupContextExtensions proposal of setMetadata lists exactly the
    // extensions in force, with only app_data_dictionary changed.
    const out = await net.room(c1).setMetadata({ ...net.room(c1).roomState.metadata!, subject: 'kept' });
    const msg = decodeMlsMessage(out.commit, 0)![0];
    if (msg.wireformat !== 'mls_public_message' || msg.publicMessage.content.contentType !== 'commit') throw new Error('commit');
    const gce = msg.publicMessage.content.commit.proposals.find((p) => p.proposalOrRefType === 'proposal' && p.proposal.proposalType === 'group_context_extensions');
    if (gce?.proposalOrRefType !== 'proposal' || gce.proposal.proposalType !== 'group_context_extensions') throw new Error('no GCE');
    const sent = gce.proposal.groupContextExtensions.extensions;
    expect(sent.map((e) => e.extensionType)).toEqual(state.groupContext.extensions.map((e) => e.extensionType));
    expect(sent[0]).toEqual(state.groupContext.extensions[0]); // required_capabilities untouched
  });

  it('lifetimes: key packages longer than 84 days + 1 hour or expired are refused on receipt, by the adder and by every member', async () => {
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const cs = await mimiSuite();
    const keys = await cs.signature.keygen();
    const dave = await createClientIdentity({ userUri: 'mimi://b.example/u/dave', clientUri: 'mimi://b.example/d/dave/1', signatureKeys: keys });
    net.store.add(dave);
    const t = now();
    // 90 days + 1 hour: what mimi-kit itself generated before (one hour more than OpenMLS allows).
    const tooLong = await keyPackageWithLifetime(dave, keys, t - 3600n, t + 90n * DAY);
    const expired = await keyPackageWithLifetime(dave, keys, t - 10n * DAY, t - 60n);
    const notYet = await keyPackageWithLifetime(dave, keys, t + 3600n, t + 2n * DAY);
    const fine = await keyPackageWithLifetime(dave, keys, t - 3600n, t + 84n * DAY);
    for (const kp of [tooLong, expired, notYet]) expect(await codeOf(net.room(a1).addParticipant(dave.userUri, 4, [kpBytes(kp)]))).toBe('mls/bad-key-package');
    await net.room(a1).addParticipant(dave.userUri, 4, [kpBytes(fine)]); // exactly the maximum is accepted
    // A member that adds the long one anyway (its own checks skipped) is refused by every other member.
    const forced = await net.room(c1).commitWith([{ proposalType: 'add', add: { keyPackage: tooLong } }], undefined, { authorize: false });
    await everyoneRefuses(net, c1, forced.commit, 'mls/bad-key-package');
    await everyoneRefuses(net, c1, await proposal(net.room(c1), { proposalType: 'add', add: { keyPackage: tooLong } }), 'mls/bad-key-package');
    // Our own key packages: not_after − not_before = 84 days + 1 hour, valid now.
    const ours = decodeMlsMessage((await generateKeyPackage(b1)).keyPackage, 0)![0];
    if (ours.wireformat !== 'mls_key_package' || ours.keyPackage.leafNode.leafNodeSource !== 'key_package') throw new Error('kp');
    const { notBefore, notAfter } = ours.keyPackage.leafNode.lifetime;
    expect(notAfter - notBefore).toBe(84n * DAY + 3600n);
    expect(notBefore <= now() && now() <= notAfter).toBe(true);
    await roomMovesOn(net, b2, [a1, b1, b2, c1]);
  });

  // ts-mls 1.6.4 defect (decisions.md D23): lifetimeConfig.maximumTotalLifetime is never read; a received key
  // package's lifetime span is unchecked whatever the config says.
  it.fails('ts-mls 1.6.4 enforces lifetimeConfig.maximumTotalLifetime on a received Add', async () => {
    const { net, a1, c1 } = await threeUsers();
    const cs = await mimiSuite();
    const keys = await cs.signature.keygen();
    const dave = await createClientIdentity({ userUri: 'mimi://b.example/u/dave', clientUri: 'mimi://b.example/d/dave/1', signatureKeys: keys });
    net.store.add(dave);
    const t = now();
    const tooLong = await keyPackageWithLifetime(dave, keys, t - 3600n, t + 365n * DAY);
    const state = stateOf(net.room(c1));
    const r = await createCommit({ state, cipherSuite: cs }, { extraProposals: [{ proposalType: 'add', add: { keyPackage: tooLong } }], wireAsPublicMessage: true });
    if (r.commit.wireformat !== 'mls_public_message') throw new Error('public');
    const alice = stateOf(net.room(a1));
    const strict = { ...alice, clientConfig: { ...alice.clientConfig, lifetimeConfig: { maximumTotalLifetime: 84n * DAY + 3600n, validateLifetimeOnReceive: true } } };
    await expect(processPublicMessage(strict, r.commit.publicMessage, emptyPskIndex, cs)).rejects.toThrow();
  });

  it('saved state: every single-byte corruption and every truncation of a save is a typed mls/bad-state, never a loaded room', async () => {
    const { TrustStore, aliceRoom, client: mk } = await import('./helpers.js');
    const { loadRoom } = await import('../../src/mls/index.js');
    const store = new TrustStore();
    const a1 = await mk(store, ALICE, '1');
    const room = await aliceRoom(store, a1);
    const saved = room.save();
    expect((await loadRoom(saved, { verifier: store.verifier })).epoch).toBe(room.epoch);
    const codes = new Map<string, number>();
    const count = (c: string): void => void codes.set(c, (codes.get(c) ?? 0) + 1);
    for (let i = 0; i < saved.length; i++) {
      const bad = saved.slice();
      bad[i] = (bad[i] ?? 0) ^ 0x5a; // one byte changed, at every position
      count(await codeOf(loadRoom(bad, { verifier: store.verifier })));
    }
    for (let n = 0; n < saved.length; n++) count(await codeOf(loadRoom(saved.subarray(0, n), { verifier: store.verifier })));
    // A save in the old format 1 (no digest) is refused too: it could not tell damage from data.
    count(await codeOf(loadRoom(Uint8Array.of(1, ...saved.subarray(1, saved.length - 32)), { verifier: store.verifier })));
    expect([...codes]).toEqual([['mls/bad-state', 2 * saved.length + 1]]);
  });

  it('capabilities carry GREASE values (RFC 9420 §13.5) and receivers ignore GREASE in a peer\'s key package', async () => {
    // RFC 9420 §13.5: 0x0A0A, 0x1A1A, ..., 0xEAEA, written out here.
    const grease = [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea];
    const { net, a1, b1, b2, c1 } = await threeUsers();
    const kp = decodeMlsMessage((await generateKeyPackage(b1)).keyPackage, 0)![0];
    if (kp.wireformat !== 'mls_key_package') throw new Error('kp');
    const caps = kp.keyPackage.leafNode.capabilities;
    expect(caps.extensions.filter((x) => grease.includes(x))).toHaveLength(1);
    expect(caps.proposals.filter((x) => grease.includes(x))).toHaveLength(1);
    expect(caps.credentials.filter((x) => grease.includes(Number(x)))).toHaveLength(1);
    expect(caps.ciphersuites.filter((x) => grease.includes(Number(x)))).toHaveLength(1);
    expect(caps.extensions).toContain(6);
    expect(caps.credentials).toContain('basic');
    // A peer's key package with several GREASE values everywhere, and a GREASE leaf extension.
    const cs = await mimiSuite();
    const keys = await cs.signature.keygen();
    const dave = await createClientIdentity({ userUri: 'mimi://b.example/u/dave', clientUri: 'mimi://b.example/d/dave/1', signatureKeys: keys });
    net.store.add(dave);
    const t = now();
    const { publicPackage } = await generateKeyPackageWithKey(
      { credentialType: 'basic', identity: encodeClientIdentity(dave.userUri, dave.clientUri) },
      { versions: ['mls10'], ciphersuites: [cs.name, '2570' as never, '60138' as never], extensions: [0x1a1a, 6, 0xeaea], proposals: [0x2a2a, 0x3a3a], credentials: ['19018' as never, 'basic'] },
      { notBefore: t - 60n, notAfter: t + DAY },
      [{ extensionType: 0x1a1a, extensionData: new Uint8Array() }],
      keys,
      cs,
      [leafComponentsExtension()], // decision D26: leaves advertise the room's required components
    );
    await net.deliver(c1, await net.room(c1).addParticipant(dave.userUri, 4, [kpBytes(publicPackage)]));
    for (const id of [a1, b1, b2, c1]) expect(net.room(id).members.map((m) => m.userUri)).toContain(dave.userUri);
    await roomMovesOn(net, a1, [a1, b1, b2, c1]);
  });
});

/** carol's room as her client holds it after proposing twice: replace the internal state via save/load. */
async function loadCarol(net: Net, state: ClientState): Promise<MimiRoom> {
  const { encodeGroupState } = await import('ts-mls');
  const { encodeSavedRoom } = await import('../../src/mls/savedState.js');
  const { loadRoom } = await import('../../src/mls/index.js');
  return loadRoom(encodeSavedRoom({ roomUri: ROOM, seen: [], group: encodeGroupState(state) }), { verifier: net.store.verifier });
}
