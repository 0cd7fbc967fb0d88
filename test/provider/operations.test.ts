// The provider's own checks on client operations (before anything is stored or sent), and what a stopping
// provider answers. One provider on a memory store, plain HTTP, with a peer that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MlsUpdateChecker } from '../../src/delivery/checker.js';
import { parseProviderConfig } from '../../src/provider/config.js';
import { createLocalApiHandler, type ClientOperations } from '../../src/provider/localApi.js';
import { createLogger } from '../../src/provider/logger.js';
import { Provider } from '../../src/provider/provider.js';
import { TOKEN } from './support.js';
import { handKeyPackage } from '../delivery/keyPackageFixtures.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { basicCredential, encodeKeyMaterialRequest, signKeyMaterialRequest } from '../../src/protocol/index.js';

// An MLSMessage header (mls10, mls_key_package) and a KeyPackage written from the RFC 9420 §10 struct.
const KP = new Uint8Array([0, 1, 0, 5, ...handKeyPackage({ identity: 'mimi://a.example/d/bob/1' })]);

describe('provider operations refuse before storing', () => {
  let p: Provider;
  beforeAll(async () => {
    const config = parseProviderConfig({ domain: 'a.example', store: 'memory:', plainHttp: true, peers: { 'b.example': 'http://127.0.0.1:9' }, local: { token: TOKEN } });
    p = await Provider.start({ config, checker: new MlsUpdateChecker(), logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('key packages: only for its own users, only as MLSMessages; a refused one is not stored', async () => {
    await expect(p.publishKeyPackage('mimi://b.example/u/bob', 'mimi://b.example/d/bob/1', KP)).rejects.toMatchObject({ code: 'provider/bad-request', path: ['user'] });
    await expect(p.publishKeyPackage('mimi://a.example/u/bob', 'mimi://a.example/d/bob/1', KP.subarray(4))).rejects.toMatchObject({ code: 'provider/bad-request', path: ['keyPackage'] });
    expect(await p.claimKeyPackages('mimi://a.example/u/bob')).toEqual({ userStatus: 'userUnknown', userUri: 'mimi://a.example/u/bob', clients: [] });
    await p.publishKeyPackage('mimi://a.example/u/bob', 'mimi://a.example/d/bob/1', KP);
    expect((await p.claimKeyPackages('mimi://a.example/u/bob')).clients).toEqual([{ clientStatus: 'success', clientUri: 'mimi://a.example/d/bob/1', keyPackage: KP }]);
  });

  it('a local claim with the client-signed request is matched to its suites (HT10), with the draft codes', async () => {
    const seed = new Uint8Array(32).fill(7);
    const signed = (acceptableCiphersuites: number[]): Uint8Array =>
      encodeKeyMaterialRequest(
        signKeyMaterialRequest(
          { requestingUser: 'mimi://a.example/u/alice', targetUser: 'mimi://a.example/u/dave', roomId: '', acceptableCiphersuites, requiredCapabilities: { extensionTypes: [], proposalTypes: [], credentialTypes: [] }, requesterSignatureKey: ed25519.getPublicKey(seed), requesterCredential: basicCredential(new TextEncoder().encode('mimi://a.example/u/alice')) },
          1,
          seed,
        ),
      );
    // Dave's one client published a suite-1 package only (hand-written bytes: cipher_suite 1, capabilities [1]).
    const kp1 = new Uint8Array([0, 1, 0, 5, ...handKeyPackage({ identity: 'mimi://a.example/d/dave/1', suite: 1 })]);
    await p.publishKeyPackage('mimi://a.example/u/dave', 'mimi://a.example/d/dave/1', kp1);
    // A requester that accepts only suite 3 gets nothingCompatible with the client's capabilities; the package stays.
    const none = await p.claimKeyPackages('mimi://a.example/u/dave', signed([3]));
    expect(none.userStatus).toBe('noCompatibleMaterial');
    expect(none.clients).toEqual([{ clientStatus: 'nothingCompatible', clientUri: 'mimi://a.example/d/dave/1', clientCapabilities: { versions: [1], cipherSuites: [1], extensions: [], proposals: [], credentials: [1] } }]);
    // Accepting suite 1 takes it, once.
    expect((await p.claimKeyPackages('mimi://a.example/u/dave', signed([1]))).clients).toEqual([{ clientStatus: 'success', clientUri: 'mimi://a.example/d/dave/1', keyPackage: kp1 }]);
    expect((await p.claimKeyPackages('mimi://a.example/u/dave', signed([1]))).clients).toEqual([{ clientStatus: 'keyMaterialExhausted', clientUri: 'mimi://a.example/d/dave/1' }]);
    // A request for another user is refused before anything is claimed.
    await expect(p.claimKeyPackages('mimi://a.example/u/bob', signed([1]))).rejects.toMatchObject({ code: 'provider/bad-request', path: ['request'] });
  });

  it('a claim at another provider needs the client-signed request', async () => {
    await expect(p.claimKeyPackages('mimi://b.example/u/carol')).rejects.toMatchObject({ code: 'provider/bad-request', path: ['request'] });
    await expect(p.claimKeyPackages('carol')).rejects.toMatchObject({ code: 'provider/bad-request', path: ['user'] });
  });

  it('rooms, commits and messages', async () => {
    await expect(p.createRoom({ roomId: 'mimi://b.example/r/x', epoch: 0, roomState: {}, members: [], extensions: [] })).rejects.toMatchObject({ code: 'provider/not-hub' });
    await expect(p.submit('mimi://a.example/r/x', { message: new Uint8Array([1]), sendingUri: 'mimi://b.example/u/carol' })).rejects.toMatchObject({ code: 'provider/bad-request', path: ['sender'] });
    await expect(p.update('mimi://b.example/r/x', { commit: new Uint8Array([1]) })).rejects.toMatchObject({ code: 'provider/bad-request', path: ['groupInfo'] });
    await expect(p.update('mimi://c.example/r/x', { commit: new Uint8Array([1]), groupInfo: new Uint8Array([1]) })).rejects.toMatchObject({ code: 'protocol/truncated' });
    await expect(p.update('not-a-room', { commit: new Uint8Array([1]) })).rejects.toMatchObject({ code: 'provider/bad-request', path: ['roomId'] });
    expect((await p.status()).rooms).toEqual([]);
  });
});

describe('a stopping provider', () => {
  it('answers the client API 503 (and /metrics still 200) while it stops', async () => {
    const config = parseProviderConfig({ domain: 'a.example', store: 'memory:', plainHttp: true, local: { token: TOKEN } });
    const p = await Provider.start({ config, checker: new MlsUpdateChecker(), logger: createLogger({ level: 'silent' }) });
    const stopping = p.stop();
    const res = await p.localHandler(new Request('http://127.0.0.1/v1/status', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'provider/shutting-down' });
    expect((await p.localHandler(new Request('http://127.0.0.1/metrics'))).status).toBe(200);
    expect(await stopping).toMatchObject({ flushed: true, backlog: 0 });
  });
});

describe('the local API on any body (fast-check)', () => {
  const routes = ['/v1/keyPackages', '/v1/keyPackages/claim', '/v1/rooms', '/v1/update', '/v1/submit', '/v1/events', '/v1/ack'];
  const untouched: ClientOperations = new Proxy({} as ClientOperations, {
    get: () => () => Promise.reject(new Error('reached the provider')),
  });
  const handler = createLocalApiHandler({ token: TOKEN, operations: untouched, metrics: async () => ({ body: '', contentType: 'text/plain' }) });

  it('a body that is not the route\'s shape is 400 provider/bad-request and never reaches the provider', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async (route, value) => {
        const res = await handler(new Request(`http://127.0.0.1${route}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(value) }));
        // A random JSON value is not a valid request (those need URIs and base64 fields); one that reached the
        // provider would be answered 500 and fail here.
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toBe('provider/bad-request');
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });
});
