/**
 * The mls-extensions wire formats (issue 11): external_senders as a list (RFC 9420 §12.1.8.1),
 * app_components (draft-ietf-mls-extensions "Negotiating Extensions and Components"), AppDataUpdate and
 * SelfRemove committed and processed with a standards-correct GroupContext (decisions D25–D27).
 *
 * Expected bytes are written here from the RFC / draft structs; the key schedule of an AppDataUpdate commit is
 * recomputed step by step with node:crypto (RFC 9420 §8, RFC 5869), independently of ts-mls and of our code,
 * except the FramedContent bytes, taken from the wire: they carry ts-mls's framing of custom proposals, not
 * the draft's (decision D28, test/mls/customProposalWire.test.ts).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createGroup,
  createProposal,
  decodeMlsMessage,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage as tsGenerateKeyPackage,
  joinGroup,
  mlsExporter,
  processPublicMessage,
  type CiphersuiteImpl,
  type ClientState,
  type Extension,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Proposal,
  type PublicMessage,
} from 'ts-mls';
import { decodeExternalSender } from 'ts-mls/externalSender.js';
import { createMimiCommit } from '../../src/mls/commit.js';
import { APP_COMPONENTS_ID, componentsOf, COMPONENT_GREASE, SUPPORTED_COMPONENTS } from '../../src/mls/components.js';
import { appDataUpdateProposal, selfRemoveProposal, type ComponentLogic } from '../../src/mls/customProposals.js';
import { decodeExternalSenders, encodeExternalSenders } from '../../src/mls/externalSenders.js';
import { processMimiCommit } from '../../src/mls/processCommit.js';
import { mimiSuite } from '../../src/mls/suite.js';
import { encodeClientIdentity, generateKeyPackage, MimiError } from '../../src/mls/index.js';
import { aliceRoom, ALICE, BOB, client, TrustStore } from './helpers.js';

const enc = new TextEncoder();
const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
/** RFC 9420 §2.1.2 varint, written out for the lengths these tests use (< 16384). */
const varint = (n: number): number[] => (n < 64 ? [n] : [0x40 | (n >> 8), n & 0xff]);
const opaque = (b: Uint8Array): Uint8Array => cat(varint(b.length), b);
const u16 = (n: number): number[] => [n >> 8, n & 0xff];
const u64 = (n: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(56 - 8 * i)) & 0xffn));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof MimiError ? e.code : `not a MimiError: ${String(e)}`;
  }
  return undefined;
}

describe('external_senders (RFC 9420 §12.1.8.1: ExternalSender external_senders<V>)', () => {
  // ExternalSender { SignaturePublicKey signature_key (opaque<V>); Credential credential; }
  // Credential: uint16 type; basic(1) opaque identity<V>; x509(2) Certificate certificates<V>, Certificate = opaque cert_data<V>.
  const hubKey = Uint8Array.from({ length: 32 }, (_, i) => i);
  const sender1 = cat(opaque(hubKey), u16(1), opaque(enc.encode('mimi://hub.example/d/hub/1')));
  const certs = cat(opaque(Uint8Array.of(0x30, 0x01)), opaque(Uint8Array.of(0x30, 0x02, 0xff)));
  const sender2 = cat(opaque(Uint8Array.of(0xaa, 0xbb)), u16(2), opaque(certs));
  const list = cat(opaque(cat(sender1, sender2)));

  it('a correctly encoded list of two senders decodes, and re-encodes byte for byte', () => {
    const got = decodeExternalSenders(list);
    expect(got).toHaveLength(2);
    expect(hex(got[0]!.signaturePublicKey)).toBe(hex(hubKey));
    expect(got[0]!.credential).toEqual({ credentialType: 'basic', identity: enc.encode('mimi://hub.example/d/hub/1') });
    expect(got[1]!.credential).toEqual({ credentialType: 'x509', certificates: [Uint8Array.of(0x30, 0x01), Uint8Array.of(0x30, 0x02, 0xff)] });
    expect(hex(encodeExternalSenders(got))).toBe(hex(list));
    expect(decodeExternalSenders(cat(opaque(new Uint8Array())))).toEqual([]);
  });

  it('malformed data is mls/bad-extension: truncation, trailing bytes, unknown credential type, a bare ExternalSender', () => {
    for (let n = 0; n < list.length; n++) expect(code(() => decodeExternalSenders(list.subarray(0, n)))).toBe('mls/bad-extension');
    expect(code(() => decodeExternalSenders(cat(list, [0])))).toBe('mls/bad-extension');
    const custom = cat(opaque(cat(opaque(hubKey), u16(0xf000), opaque(enc.encode('x')))));
    expect(code(() => decodeExternalSenders(custom))).toBe('mls/bad-extension');
    // ts-mls 1.6.4's (wrong) single-sender encoding is not the list.
    expect(code(() => decodeExternalSenders(sender1))).toBe('mls/bad-extension');
  });

  it.fails('(raw ts-mls 1.6.4) decodeExternalSender reads the correctly encoded list as its first sender', () => {
    // Pins the defect of decisions D6/D25: ts-mls reads one ExternalSender where RFC 9420 has a list.
    const got = decodeExternalSender(list, 0);
    expect(hex(got![0].signaturePublicKey)).toBe(hex(hubKey));
  });

  it('a room exposes no external senders when the extension is absent', async () => {
    const store = new TrustStore();
    const room = await aliceRoom(store, await client(store, ALICE, '1'));
    expect(room.externalSenders).toEqual([]);
  });
});

describe('app_components (draft-ietf-mls-extensions: ComponentsList app_components, component 0x0001)', () => {
  /** The app_components list inside an app_data_dictionary extension, parsed by hand (draft §4.6 struct). */
  function handComponents(extData: Uint8Array): number[] {
    // AppDataDictionary { ComponentData component_data<V>; }, ComponentData { uint16 component_id; opaque data<V>; }
    let i = extData[0]! < 64 ? 1 : 2;
    while (i < extData.length) {
      const id = (extData[i]! << 8) | extData[i + 1]!;
      i += 2;
      const short = extData[i]! < 64;
      const len = short ? extData[i]! : ((extData[i]! & 0x3f) << 8) | extData[i + 1]!;
      i += short ? 1 : 2;
      const data = extData.subarray(i, i + len);
      i += len;
      if (id === APP_COMPONENTS_ID) {
        const off = data[0]! < 64 ? 1 : 2;
        const out: number[] = [];
        for (let k = off; k < data.length; k += 2) out.push((data[k]! << 8) | data[k + 1]!);
        return out;
      }
    }
    return [];
  }

  it('key packages advertise app_components in their leaf (every supported component plus one GREASE value)', async () => {
    const store = new TrustStore();
    const kp = decodeMlsMessage((await generateKeyPackage(await client(store, BOB, '1'))).keyPackage, 0)![0];
    if (kp.wireformat !== 'mls_key_package') throw new Error('kp');
    const ext = kp.keyPackage.leafNode.extensions.find((e) => e.extensionType === 6);
    expect(ext).toBeDefined();
    const ids = handComponents(ext!.extensionData);
    expect(ids[0]).toBe(0x0001);
    for (const c of [0x0001, 0x0022, 0x0023, 0x0025]) expect(ids).toContain(c);
    expect(ids.filter((c) => COMPONENT_GREASE.includes(c))).toHaveLength(1);
    expect(kp.keyPackage.leafNode.capabilities.extensions).toContain(6); // RFC 9420 §7.2: leaf extensions are in capabilities
  });

  it('the room GroupContext requires app_components and the room components; joiners and members accept it', async () => {
    const store = new TrustStore();
    const alice = await aliceRoom(store, await client(store, ALICE, '1'));
    const gc = (alice.internalState as ClientState).groupContext;
    const required = handComponents(gc.extensions.find((e) => e.extensionType === 6)!.extensionData);
    expect(required).toEqual([0x0001, 0x0022, 0x0023, 0x0025, 0x0026, 0x0027]);
    expect(required.every((c) => SUPPORTED_COMPONENTS.includes(c))).toBe(true);
    const b1 = await client(store, BOB, '1');
    const bkp = await generateKeyPackage(b1);
    const out = await alice.addParticipant(BOB, 4, [bkp.keyPackage]);
    const { joinFromWelcome } = await import('../../src/mls/index.js');
    const bob = await joinFromWelcome({ welcome: out.welcome!, keyPackage: bkp, verifier: store.verifier });
    expect(componentsOf((bob.internalState as ClientState).groupContext.extensions)).toEqual(required);
    // a later room change keeps the list
    const next = await out.room.changeRole(BOB, 3);
    const bob2 = (await bob.processHandshake(next.commit)).room;
    expect(componentsOf((bob2.internalState as ClientState).groupContext.extensions)).toEqual(required);
  });

  it('a key package whose leaf does not advertise the required components is refused (mls/component-unsupported)', async () => {
    const store = new TrustStore();
    const alice = await aliceRoom(store, await client(store, ALICE, '1'));
    const b1 = await client(store, BOB, '1');
    const cs = await mimiSuite();
    const { publicPackage } = await tsGenerateKeyPackage(
      { credentialType: 'basic', identity: encodeClientIdentity(b1.userUri, b1.clientUri) },
      { versions: ['mls10'], ciphersuites: [cs.name], extensions: [6], proposals: [], credentials: ['basic'] },
      { notBefore: BigInt(Math.floor(Date.now() / 1000) - 60), notAfter: BigInt(Math.floor(Date.now() / 1000) + 86400) },
      [],
      cs,
    );
    const bytes = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage });
    await expect(alice.addParticipant(BOB, 4, [bytes])).rejects.toMatchObject({ code: 'mls/component-unsupported', details: { missing: [1, 0x22, 0x23, 0x25, 0x26, 0x27] } });
  });
});

// ---- AppDataUpdate and SelfRemove at the MLS layer ----

interface Member {
  state: ClientState;
  kp: KeyPackage;
  priv: PrivateKeyPackage;
}

const CAPS = (cs: CiphersuiteImpl) => ({ versions: ['mls10' as const], ciphersuites: [cs.name], extensions: [6], proposals: [8, 10], credentials: ['basic' as const] });

async function member(cs: CiphersuiteImpl, name: string): Promise<{ kp: KeyPackage; priv: PrivateKeyPackage }> {
  const { publicPackage, privatePackage } = await tsGenerateKeyPackage({ credentialType: 'basic', identity: enc.encode(name) }, CAPS(cs), defaultLifetime, [], cs);
  return { kp: publicPackage, priv: privatePackage };
}

const pub = (m: MLSMessage): PublicMessage => {
  if (m.wireformat !== 'mls_public_message') throw new Error('not public');
  return m.publicMessage;
};

/** draft §4.7 application logic for the test components: the last update is the new data. */
const lastWins: ComponentLogic = (_id, updates) => updates.at(-1)!;

/** The dictionary 0x8000 → "v1" that the group starts with (draft §4.6 AppDataDictionary, by hand). */
const DICT_V1 = cat(opaque(cat(u16(0x8000), opaque(enc.encode('v1')))));

function extensionsBytes(ext: readonly Extension[]): Uint8Array {
  // RFC 9420 §7.2 Extension { ExtensionType extension_type; opaque extension_data<V>; }, extensions<V>
  return opaque(cat(...ext.map((e) => cat(u16(typeof e.extensionType === 'number' ? e.extensionType : 0), opaque(e.extensionData)))));
}

/** RFC 5869 with SHA-256; RFC 9420 §8 ExpandWithLabel / DeriveSecret. */
const extract = (salt: Uint8Array, ikm: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha256', salt).update(ikm).digest());
const expand32 = (prk: Uint8Array, info: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha256', prk).update(cat(info, [1])).digest());
const expandWithLabel = (secret: Uint8Array, label: string, context: Uint8Array): Uint8Array =>
  expand32(secret, cat(u16(32), opaque(enc.encode(`MLS 1.0 ${label}`)), opaque(context)));
const deriveSecret = (secret: Uint8Array, label: string): Uint8Array => expandWithLabel(secret, label, new Uint8Array());
const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());

async function exporter(s: ClientState, cs: CiphersuiteImpl): Promise<string> {
  return hex(await mlsExporter(s.keySchedule.exporterSecret, 'mimi-kit test', enc.encode('ctx'), 32, cs));
}

describe('AppDataUpdate (0x0008) and SelfRemove (0x000a) with a standards-correct GroupContext', () => {
  async function threeMembers(): Promise<{ cs: CiphersuiteImpl; alice: Member; bob: Member; carol: Member }> {
    const cs = await mimiSuite();
    const [a, b, c] = [await member(cs, 'alice'), await member(cs, 'bob'), await member(cs, 'carol')];
    let aState = await createGroup(enc.encode('g'), a.kp, a.priv, [{ extensionType: 6, extensionData: DICT_V1 }], cs);
    const adds: Proposal[] = [b, c].map((m) => ({ proposalType: 'add', add: { keyPackage: m.kp } }));
    const res = await createMimiCommit(aState, cs, adds, []);
    aState = res.newState;
    const bState = await joinGroup(res.welcome!, b.kp, b.priv, emptyPskIndex, cs);
    const cState = await joinGroup(res.welcome!, c.kp, c.priv, emptyPskIndex, cs);
    return { cs, alice: { ...a, state: aState }, bob: { ...b, state: bState }, carol: { ...c, state: cState } };
  }

  it('an AppDataUpdate commit: the new GroupContext and epoch secrets match a hand computation (RFC 9420 §8) and every member', async () => {
    const { cs, alice, bob, carol } = await threeMembers();
    const before = alice.state;
    const updates = [
      appDataUpdateProposal({ componentId: 0x8001, op: 'update', update: enc.encode('new') }),
      appDataUpdateProposal({ componentId: 0x8000, op: 'update', update: enc.encode('v2') }),
    ];
    // RFC 9420 §17.4 / draft "Path Required: N": an AppDataUpdate-only commit has no path, so commit_secret = 0.
    const res = await createMimiCommit(before, cs, updates, [], lastWins);
    const pm = pub(res.commit);
    expect(pm.content.contentType === 'commit' && pm.content.commit.path).toBeUndefined();

    // draft §4.7: entries sorted by component_id, 0x8000 replaced, 0x8001 inserted.
    const dict = cat(opaque(cat(u16(0x8000), opaque(enc.encode('v2')), u16(0x8001), opaque(enc.encode('new')))));
    const wire = encodeMlsMessage(res.commit);
    if (pm.auth.contentType !== 'commit') throw new Error('auth');
    // PublicMessage = version(2) wire_format(2) FramedContent, then signature<V>, confirmation_tag<V>, membership_tag<V>.
    if (!('membershipTag' in pm)) throw new Error('member commits carry a membership tag');
    const tail = opaque(pm.auth.signature).length + opaque(pm.auth.confirmationTag).length + opaque(pm.membershipTag).length;
    const framedContent = wire.subarray(4, wire.length - tail);
    const interim = sha256(cat(before.groupContext.confirmedTranscriptHash, opaque(before.confirmationTag)));
    const confirmed = sha256(cat(interim, u16(1), framedContent, opaque(pm.auth.signature)));
    const gc = cat(
      u16(1),
      u16(1),
      opaque(before.groupContext.groupId),
      u64(before.groupContext.epoch + 1n),
      opaque(before.groupContext.treeHash), // no path, no tree change
      opaque(confirmed),
      extensionsBytes([{ extensionType: 6, extensionData: dict }]),
    );
    const zero = new Uint8Array(32);
    const joiner = expandWithLabel(extract(before.keySchedule.initSecret, zero), 'joiner', gc);
    const epochSecret = expandWithLabel(extract(joiner, zero), 'epoch', gc);
    const authenticator = deriveSecret(epochSecret, 'authentication');

    const a2 = res.newState;
    expect(hex(a2.groupContext.extensions.find((e) => e.extensionType === 6)!.extensionData)).toBe(hex(dict));
    expect(hex(a2.groupContext.confirmedTranscriptHash)).toBe(hex(confirmed));
    expect(hex(a2.keySchedule.epochAuthenticator)).toBe(hex(authenticator));
    for (const m of [bob, carol]) {
      const { newState } = await processMimiCommit(m.state, pm, cs, lastWins);
      expect(hex(newState.keySchedule.epochAuthenticator)).toBe(hex(authenticator));
      expect(hex(newState.groupContext.extensions[0]!.extensionData)).toBe(hex(dict));
    }
  });

  it.fails('(raw ts-mls 1.6.4) processPublicMessage skips the AppDataUpdate and cannot follow the commit', async () => {
    const { cs, alice, bob } = await threeMembers();
    const res = await createMimiCommit(alice.state, cs, [appDataUpdateProposal({ componentId: 0x8000, op: 'update', update: enc.encode('v2') })], [], lastWins);
    const raw = await processPublicMessage(bob.state, pub(res.commit), emptyPskIndex, cs);
    expect(hex(raw.newState.keySchedule.epochAuthenticator)).toBe(hex(res.newState.keySchedule.epochAuthenticator));
  });

  it('SelfRemove: committed by reference it removes its sender; members and fresh joiners agree on the epoch', async () => {
    const { cs, alice, bob, carol } = await threeMembers();
    // carol leaves by SelfRemove (a PublicMessage proposal; draft "SelfRemove Proposal").
    const prop = await createProposal(carol.state, true, selfRemoveProposal(), cs);
    const received = async (s: ClientState) => (await processPublicMessage(s, pub(prop.message), emptyPskIndex, cs)).newState;
    const aHeld = await received(alice.state);
    const bHeld = await received(bob.state);
    const refs = Object.keys(aHeld.unappliedProposals);
    expect(refs).toHaveLength(1);
    const res = await createMimiCommit(aHeld, cs, [], refs);
    const pm = pub(res.commit);
    expect(pm.content.contentType === 'commit' && pm.content.commit.path).toBeDefined(); // Path Required: Y
    expect(res.newState.ratchetTree[4]).toBeUndefined(); // carol's leaf (index 2) is blank
    const b2 = (await processMimiCommit(bHeld, pm, cs)).newState;
    expect(hex(b2.keySchedule.epochAuthenticator)).toBe(hex(res.newState.keySchedule.epochAuthenticator));
    const carolSees = (await processMimiCommit(prop.newState, pm, cs)).newState;
    expect(carolSees.groupActiveState.kind).toBe('removedFromGroup');

    // A fresh joiner after SelfRemove and AppDataUpdate computes the same exporter as the members.
    const upd = await createMimiCommit(res.newState, cs, [appDataUpdateProposal({ componentId: 0x8000, op: 'update', update: enc.encode('v3') })], [], lastWins);
    const b3 = (await processMimiCommit(b2, pub(upd.commit), cs, lastWins)).newState;
    const dave = await member(cs, 'dave');
    const add = await createMimiCommit(upd.newState, cs, [{ proposalType: 'add', add: { keyPackage: dave.kp } }], []);
    const b4 = (await processMimiCommit(b3, pub(add.commit), cs)).newState;
    const d = await joinGroup(add.welcome!, dave.kp, dave.priv, emptyPskIndex, cs);
    const want = await exporter(add.newState, cs);
    expect(await exporter(b4, cs)).toBe(want);
    expect(await exporter(d, cs)).toBe(want);
    expect(hex(d.keySchedule.epochAuthenticator)).toBe(hex(add.newState.keySchedule.epochAuthenticator));
    expect(hex(d.groupContext.extensions[0]!.extensionData)).toBe(hex(cat(opaque(cat(u16(0x8000), opaque(enc.encode('v3')))))));
  });

  it('invalid uses are refused: SelfRemove by value, AppDataUpdate removing absent state or mixing ops, no logic', async () => {
    const { cs, alice, bob } = await threeMembers();
    await expect(createMimiCommit(alice.state, cs, [selfRemoveProposal()], [])).rejects.toMatchObject({ code: 'mls/invalid-commit' });
    await expect(createMimiCommit(alice.state, cs, [appDataUpdateProposal({ componentId: 0x8005, op: 'remove' })], [], lastWins)).rejects.toMatchObject({ code: 'mls/invalid-commit' });
    const mixed = [appDataUpdateProposal({ componentId: 0x8000, op: 'remove' }), appDataUpdateProposal({ componentId: 0x8000, op: 'update', update: new Uint8Array() })];
    await expect(createMimiCommit(alice.state, cs, mixed, [], lastWins)).rejects.toMatchObject({ code: 'mls/invalid-commit' });
    const res = await createMimiCommit(alice.state, cs, [appDataUpdateProposal({ componentId: 0x8000, op: 'remove' })], [], lastWins);
    expect(res.newState.groupContext.extensions[0]!.extensionData).toEqual(Uint8Array.of(0)); // empty dictionary
    await expect(processMimiCommit(bob.state, pub(res.commit), cs)).rejects.toMatchObject({ code: 'mls/proposal-not-allowed' });
    // the receiver's state is untouched: it still processes the commit with the logic
    expect((await processMimiCommit(bob.state, pub(res.commit), cs, lastWins)).newState.groupContext.epoch).toBe(bob.state.groupContext.epoch + 1n);
  });
});
