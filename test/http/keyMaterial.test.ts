// POST /keyMaterial/{targetUser} over real HTTPS with mutual TLS on loopback, matched to the request's
// acceptableCiphersuites and requiredCapabilities (draft-ietf-mimi-protocol-06 "Fetch Key Material",
// RFC 9420 §11.1; docs/decisions.md HT10). Every user and client code this provider answers.
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyMaterialStore, MemoryStore } from '../../src/delivery/index.js';
import { basicCredential, signKeyMaterialRequest, type KeyMaterialRequest, type KeyMaterialResponse, type RequiredCapabilities } from '../../src/protocol/index.js';
import { adapterKeyPackage, tsMlsKeyPackage } from '../delivery/keyPackageFixtures.js';
import { ALICE, Loopback, startProvider, stopProvider, type Provider } from './support.js';

const net = new Loopback();
let a: Provider;
let b: Provider;
let keys: KeyMaterialStore;
const seed = new Uint8Array(32).fill(9);
const pub = ed25519.getPublicKey(seed);
const NONE: RequiredCapabilities = { extensionTypes: [], proposalTypes: [], credentialTypes: [] };
let n = 0;
/** A fresh user of b.example per test, so that tests do not share key material. */
const user = (): { uri: string; phone: string; laptop: string } => {
  const i = ++n;
  return { uri: `mimi://b.example/u/u${i}`, phone: `mimi://b.example/d/u${i}/phone`, laptop: `mimi://b.example/d/u${i}/laptop` };
};

function request(targetUser: string, acceptableCiphersuites: number[], requiredCapabilities: RequiredCapabilities = NONE): KeyMaterialRequest {
  // Signed with an Ed25519 key: suite 1 must be among the acceptable ones for the signature to verify (HT10).
  return signKeyMaterialRequest(
    { requestingUser: ALICE, targetUser, roomId: '', acceptableCiphersuites, requiredCapabilities, requesterSignatureKey: pub, requesterCredential: basicCredential(new TextEncoder().encode(ALICE)) },
    1,
    seed,
  );
}

/** The response, with each KeyPackage as a plain Uint8Array (the decoder hands out Buffer views). */
async function claim(req: KeyMaterialRequest): Promise<KeyMaterialResponse> {
  const r = await a.client.keyMaterial('b.example', req);
  return { ...r, clients: r.clients.map((c) => (c.clientStatus === 'success' ? { ...c, keyPackage: new Uint8Array(c.keyPackage) } : c)) };
}

beforeAll(async () => {
  a = await startProvider({ domain: 'a.example', net, hub: true });
  const storeB = new MemoryStore();
  keys = new KeyMaterialStore(storeB);
  b = await startProvider({ domain: 'b.example', net, store: storeB, handler: { keyMaterial: keys } });
});

afterAll(async () => {
  await stopProvider(a);
  await stopProvider(b);
});

describe('keyMaterial matched to the request (HT10)', () => {
  it('success: every client has a package of an acceptable suite', async () => {
    const u = user();
    const phone = await adapterKeyPackage(u.uri, u.phone);
    const laptop = await tsMlsKeyPackage(u.laptop, { suite: 1 });
    await keys.publish(u.uri, u.phone, phone);
    await keys.publish(u.uri, u.laptop, laptop);
    expect(await claim(request(u.uri, [1]))).toEqual({
      userStatus: 'success',
      userUri: u.uri,
      clients: [
        { clientStatus: 'success', clientUri: u.laptop, keyPackage: laptop },
        { clientStatus: 'success', clientUri: u.phone, keyPackage: phone },
      ],
    });
  });

  it('partialSuccess: one client fits, the other is nothingCompatible with its capabilities on the wire', async () => {
    const u = user();
    const phone = await tsMlsKeyPackage(u.phone, { suite: 1, extensions: [0xf001] });
    await keys.publish(u.uri, u.phone, phone);
    await keys.publish(u.uri, u.laptop, await tsMlsKeyPackage(u.laptop, { suite: 2 }));
    expect(await claim(request(u.uri, [1]))).toEqual({
      userStatus: 'partialSuccess',
      userUri: u.uri,
      clients: [
        { clientStatus: 'nothingCompatible', clientUri: u.laptop, clientCapabilities: { versions: [1], cipherSuites: [2], extensions: [], proposals: [], credentials: [1] } },
        { clientStatus: 'success', clientUri: u.phone, keyPackage: phone },
      ],
    });
  });

  it('noCompatibleMaterial: no client supports a required extension; the packages stay for another request', async () => {
    const u = user();
    const phone = await tsMlsKeyPackage(u.phone, { suite: 1 });
    await keys.publish(u.uri, u.phone, phone);
    const needs = { ...NONE, extensionTypes: [0xf005] };
    expect(await claim(request(u.uri, [1], needs))).toEqual({
      userStatus: 'noCompatibleMaterial',
      userUri: u.uri,
      clients: [{ clientStatus: 'nothingCompatible', clientUri: u.phone, clientCapabilities: { versions: [1], cipherSuites: [1], extensions: [], proposals: [], credentials: [1] } }],
    });
    // required proposal / credential types, and a suite outside the list, are refused the same way
    expect((await claim(request(u.uri, [1], { ...NONE, proposalTypes: [0x000a] }))).userStatus).toBe('noCompatibleMaterial');
    expect((await claim(request(u.uri, [1], { ...NONE, credentialTypes: [2] }))).userStatus).toBe('noCompatibleMaterial');
    // a request without the requirement gets the package that stayed
    expect(await claim(request(u.uri, [1, 2]))).toEqual({ userStatus: 'success', userUri: u.uri, clients: [{ clientStatus: 'success', clientUri: u.phone, keyPackage: phone }] });
  });

  it('keyMaterialExhausted: a client with nothing left; noCompatibleMaterial when no client gave one (DL7)', async () => {
    const u = user();
    const phone = await tsMlsKeyPackage(u.phone, { suite: 1 });
    await keys.publish(u.uri, u.phone, phone);
    await keys.publish(u.uri, u.laptop, await tsMlsKeyPackage(u.laptop, { suite: 7 }));
    const first = await claim(request(u.uri, [1]));
    expect(first.userStatus).toBe('partialSuccess');
    expect(await claim(request(u.uri, [1]))).toEqual({
      userStatus: 'noCompatibleMaterial',
      userUri: u.uri,
      clients: [
        { clientStatus: 'nothingCompatible', clientUri: u.laptop, clientCapabilities: { versions: [1], cipherSuites: [7], extensions: [], proposals: [], credentials: [1] } },
        { clientStatus: 'keyMaterialExhausted', clientUri: u.phone },
      ],
    });
    // an expired package counts as none: the draft's "MUST NOT provide expired keying material"
    await keys.publish(u.uri, u.phone, await tsMlsKeyPackage(u.phone, { suite: 1, notBefore: 0n, notAfter: 1000n }));
    expect((await claim(request(u.uri, [1]))).clients.find((c) => c.clientUri === u.phone)).toEqual({ clientStatus: 'keyMaterialExhausted', clientUri: u.phone });
  });

  it('userUnknown: no client of the user ever published here', async () => {
    const u = user();
    expect(await claim(request(u.uri, [1]))).toEqual({ userStatus: 'userUnknown', userUri: u.uri, clients: [] });
  });
});
