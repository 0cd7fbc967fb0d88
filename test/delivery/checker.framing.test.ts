// mimi-kit/protocol's pure PublicMessage decoder (src/protocol/mlsFraming.ts), which the hub's checker uses,
// against a second implementation: ts-mls's decodeMlsMessage on the same real commits and proposals.
import { describe, expect, it } from 'vitest';
import { decodeMlsMessage, type ClientState, type Proposal } from 'ts-mls';
import { createGroupInfo } from 'ts-mls/createCommit.js';
import { encodeGroupInfo } from 'ts-mls/groupInfo.js';
import { mimiSuite } from '../../src/mls/suite.js';
import { extensionTypeToNumber } from 'ts-mls/extension.js';
import { MimiError } from '../../src/errors.js';
import { generateKeyPackage } from '../../src/mls/index.js';
import { decodeGroupInfo, decodePublicMessage, groupInfoSignatureValid, type ProposalView } from '../../src/protocol/index.js';
import { ALICE, BOB, CAROL, Net, TrustStore, aliceRoom, client } from '../mls/helpers.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function tsMls(bytes: Uint8Array) {
  const m = decodeMlsMessage(bytes, 0)![0];
  if (m.wireformat !== 'mls_public_message') throw new Error('not public');
  return m.publicMessage;
}

/** One proposal as ts-mls sees it, in the fields the pure view has. */
function fromTsMls(p: Proposal): unknown {
  switch (p.proposalType) {
    case 'add':
      return { kind: 'add', signatureKey: hex(p.add.keyPackage.leafNode.signaturePublicKey), identity: p.add.keyPackage.leafNode.credential.credentialType === 'basic' ? hex(p.add.keyPackage.leafNode.credential.identity) : '' };
    case 'remove':
      return { kind: 'remove', removed: p.remove.removed };
    case 'group_context_extensions':
      return { kind: 'groupContextExtensions', extensions: p.groupContextExtensions.extensions.map((e) => [extensionTypeToNumber(e.extensionType), hex(e.extensionData)]) };
    case 'update':
      return { kind: 'update', signatureKey: hex(p.update.leafNode.signaturePublicKey) };
    default:
      return { kind: 'other' };
  }
}

function fromPure(p: ProposalView): unknown {
  switch (p.kind) {
    case 'add':
      return { kind: 'add', signatureKey: hex(p.keyPackage.leafNode.signatureKey), identity: hex(p.keyPackage.leafNode.credential.identity ?? new Uint8Array()) };
    case 'remove':
      return { kind: 'remove', removed: p.removed };
    case 'groupContextExtensions':
      return { kind: 'groupContextExtensions', extensions: p.extensions.map((e) => [e.extensionType, hex(e.extensionData)]) };
    case 'update':
      return { kind: 'update', signatureKey: hex(p.leafNode.signatureKey) };
    default:
      return { kind: 'other' };
  }
}

async function messages(): Promise<Uint8Array[]> {
  const store = new TrustStore();
  const net = new Net(store);
  const a1 = await client(store, ALICE, '1');
  const b1 = await client(store, BOB, '1');
  const b2 = await client(store, BOB, '2');
  const c1 = await client(store, CAROL, '1');
  net.rooms.set(a1.clientUri, await aliceRoom(store, a1));
  const out: Uint8Array[] = [];
  const kps = [await generateKeyPackage(b1), await generateKeyPackage(b2)];
  const add = await net.room(a1).addParticipant(BOB, 4, kps.map((k) => k.keyPackage));
  out.push(add.commit);
  await net.deliver(a1, add, kps);
  const kc = [await generateKeyPackage(c1)];
  const add2 = await net.room(a1).addParticipant(CAROL, 5, kc.map((k) => k.keyPackage));
  out.push(add2.commit);
  await net.deliver(a1, add2, kc);
  const ban = await net.room(c1).ban(BOB);
  out.push(ban.commit);
  await net.deliver(c1, ban);
  const upd = await net.room(c1).update();
  out.push(upd.commit);
  await net.deliver(c1, upd);
  const { proposals } = await net.room(a1).leave();
  out.push(...proposals);
  return out;
}

describe('decodePublicMessage (pure) agrees with ts-mls on real messages', () => {
  it('sender, epoch, content type, every proposal and the UpdatePath leaf', async () => {
    const all = await messages();
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const bytes of all) {
      const pure = decodePublicMessage(bytes);
      const ref = tsMls(bytes);
      expect(pure.bytes).toEqual(bytes);
      expect(pure.epoch).toBe(ref.content.epoch);
      expect(hex(pure.groupId)).toBe(hex(ref.content.groupId));
      expect(pure.sender).toEqual({ type: 'member', leafIndex: ref.content.sender.senderType === 'member' ? ref.content.sender.leafIndex : -1 });
      expect(pure.contentType).toBe(ref.content.contentType);
      expect(hex(pure.signature)).toBe(hex(ref.auth.signature));
      if (ref.content.contentType === 'commit') {
        const props = ref.content.commit.proposals;
        expect(pure.commit?.proposals.map((p) => (p.kind === 'proposal' ? fromPure(p.proposal) : { ref: hex(p.reference) }))).toEqual(
          props.map((p) => (p.proposalOrRefType === 'proposal' ? fromTsMls(p.proposal) : { ref: hex(p.reference) })),
        );
        expect(pure.commit?.path && hex(pure.commit.path.leafNode.signatureKey)).toBe(ref.content.commit.path && hex(ref.content.commit.path.leafNode.signaturePublicKey));
        expect(pure.commit?.path && hex(pure.commit.path.leafNode.encryptionKey)).toBe(ref.content.commit.path && hex(ref.content.commit.path.leafNode.hpkePublicKey));
        expect(pure.confirmationTag && hex(pure.confirmationTag)).toBe(ref.auth.contentType === 'commit' ? hex(ref.auth.confirmationTag) : undefined);
      } else if (ref.content.contentType === 'proposal') {
        expect(fromPure(pure.proposal!)).toEqual(fromTsMls(ref.content.proposal));
      }
    }
  }, 60_000);

  it('every truncation and a trailing byte are protocol/* errors, never a crash', async () => {
    const [commit] = await messages();
    for (let n = 0; n < commit!.length; n += 7) {
      let err: unknown;
      try {
        decodePublicMessage(commit!.subarray(0, n));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MimiError);
      expect((err as MimiError).code).toMatch(/^protocol\//);
    }
    expect(() => decodePublicMessage(Uint8Array.from([...commit!, 0]))).toThrow(expect.objectContaining({ code: 'protocol/trailing-bytes' }));
  }, 60_000);

  it('decodeGroupInfo reads what ts-mls signs; the signature verifies with the signer leaf key, not with another', async () => {
    const store = new TrustStore();
    const a1 = await client(store, ALICE, '1');
    const room = await aliceRoom(store, a1);
    const state = room.internalState as ClientState;
    const bytes = encodeGroupInfo(await createGroupInfo(state.groupContext, state.confirmationTag, state, [], await mimiSuite()));
    const gi = decodeGroupInfo(bytes);
    expect(gi.groupContext.epoch).toBe(state.groupContext.epoch);
    expect(hex(gi.groupContext.groupId)).toBe(hex(state.groupContext.groupId));
    expect(hex(gi.groupContext.treeHash)).toBe(hex(state.groupContext.treeHash));
    expect(gi.groupContext.extensions.map((e) => [e.extensionType, hex(e.extensionData)])).toEqual(
      state.groupContext.extensions.map((e) => [extensionTypeToNumber(e.extensionType), hex(e.extensionData)]),
    );
    expect(hex(gi.confirmationTag)).toBe(hex(state.confirmationTag));
    expect(gi.signer).toBe(0);
    expect(groupInfoSignatureValid(gi, a1.signaturePublicKey)).toBe(true);
    const other = await client(store, BOB, '1');
    expect(groupInfoSignatureValid(gi, other.signaturePublicKey)).toBe(false);
  });

  it('refuses other wire formats and a proposal type of unknown length', () => {
    // MLSMessage mls10, wire format 2 (PrivateMessage).
    expect(() => decodePublicMessage(Uint8Array.of(0, 1, 0, 2))).toThrow(expect.objectContaining({ code: 'protocol/unexpected-wire-format' }));
    // A PublicMessage proposal of type 0xf0f0: group_id '', epoch 0, member 0, no aad, content_type proposal(2), type f0f0.
    const bytes = Uint8Array.of(0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0xf0, 0xf0);
    expect(() => decodePublicMessage(bytes)).toThrow(expect.objectContaining({ code: 'protocol/unknown-proposal-type' }));
  });
});
