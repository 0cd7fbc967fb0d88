// Every endpoint over real HTTPS with mutual TLS on loopback: the hub a.example and the follower b.example
// (draft-ietf-mimi-protocol-06 "MIMI Endpoints and Framing"). Expected answers come from the draft's
// response codes and the room-policy presets, written out here.
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyMaterialStore, MemoryStore } from '../../src/delivery/index.js';
import {
  basicCredential,
  decodeKeyMaterialResponse,
  decodeUpdateRequest,
  parseMlsMessage,
  signGroupInfoRequest,
  signKeyMaterialRequest,
  type GroupInfoRequest,
} from '../../src/protocol/index.js';
import {
  ALICE,
  BOB,
  Loopback,
  ROOM,
  appMessage,
  commitMessage,
  drain,
  openRoom,
  startProvider,
  stopProvider,
  until,
  vectorHex,
  type Provider,
} from './support.js';
import { asyncCode as code } from '../support/errorCode.js';

const net = new Loopback();
let a: Provider;
let b: Provider;
const keysB = { store: undefined as KeyMaterialStore | undefined };
const consents: string[] = [];
const reports: string[] = [];
const kp = decodeKeyMaterialResponse(vectorHex('key-material-response-success')).clients[0] as { keyPackage: Uint8Array };
const template = decodeUpdateRequest(vectorHex('update-commit')).bundle as Extract<ReturnType<typeof decodeUpdateRequest>['bundle'], { kind: 'commit' }>;

function bundle(commit: Uint8Array) {
  return { bundle: { kind: 'commit' as const, proposalOrCommit: parseMlsMessage(commit), groupInfoOption: template.groupInfoOption, ratchetTreeOption: template.ratchetTreeOption } };
}

const seed = new Uint8Array(32).fill(7);
const pub = ed25519.getPublicKey(seed);

function groupInfoRequest(identity: string): GroupInfoRequest {
  return signGroupInfoRequest(
    { cipherSuite: 1, requestingSignatureKey: pub, requestingCredential: basicCredential(new TextEncoder().encode(identity)), groupInfoPublicKey: new Uint8Array(32).fill(0x0e), joiningCode: new Uint8Array(0) },
    seed,
  );
}

beforeAll(async () => {
  a = await startProvider({
    domain: 'a.example',
    net,
    hub: true,
    handler: {
      groupInfo: async ({ roomId, groupInfo }) => ({
        status: 'success',
        roomId,
        cipherSuite: 1,
        hubSender: { signatureKey: pub, credential: basicCredential(new TextEncoder().encode('mimi://a.example')) },
        // A stand-in for EncryptWithLabel: the test checks the hub's stored GroupInfo reached the responder.
        encryptedGroupInfoAndTree: { kemOutput: new Uint8Array(32), ciphertext: groupInfo },
        signature: new Uint8Array(64),
      }),
      reportAbuse: async (roomId, report, peer) => void reports.push(`${peer} ${roomId} ${report.allegedAbuserUri}`),
    },
  });
  const storeB = new MemoryStore();
  keysB.store = new KeyMaterialStore(storeB);
  b = await startProvider({
    domain: 'b.example',
    net,
    store: storeB,
    handler: {
      keyMaterial: keysB.store,
      consent: async (entry, peer) => {
        consents.push(`${peer} ${entry.consentOperation} ${entry.targetUri}`);
        return entry.targetUri === BOB || entry.requesterUri === BOB ? 'accepted' : 'notFound';
      },
      identifierQuery: async (req) => ({
        responseCode: req.queryElements.some((q) => q.searchValue === 'im:bob@b.example') ? 'success' : 'notFound',
        uri: req.queryElements.some((q) => q.searchValue === 'im:bob@b.example') ? [BOB] : [],
        foundProfiles: [],
        idResponseExtensions: [],
      }),
    },
  });
  await openRoom(a);
});

afterAll(async () => {
  await stopProvider(a);
  await stopProvider(b);
});

describe('HTTPS endpoints between a hub (a.example) and a follower (b.example)', () => {
  it('serves the directory at /.well-known/mimi-protocol-directory with the endpoints it offers', async () => {
    const dir = await b.client.directory('a.example');
    expect(dir).toEqual({
      update: 'https://a.example/update/{roomId}',
      submitMessage: 'https://a.example/submitMessage/{roomId}',
      groupInfo: 'https://a.example/groupInfo/{roomId}',
      notify: 'https://a.example/notify/{roomId}',
      reportAbuse: 'https://a.example/reportAbuse/{roomId}',
    });
    expect(Object.keys(await a.client.directory('b.example')).sort()).toEqual(['identifierQuery', 'keyMaterial', 'notify', 'requestConsent', 'updateConsent']);
  });

  it('submitMessage: accepted with the hub time; fanned out by notify to both providers, in order, exactly once', async () => {
    const before = Date.now();
    const r1 = await b.client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, 'hello from bob')), sendingUri: BOB });
    const r2 = await a.client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, 'hi bob')), sendingUri: ALICE });
    expect(r1.statusCode).toBe('accepted');
    expect(r2.statusCode).toBe('accepted');
    if (r1.statusCode !== 'accepted' || r2.statusCode !== 'accepted') return;
    expect(Number(r1.acceptedTimestamp)).toBeGreaterThanOrEqual(before);
    expect(r2.acceptedTimestamp).toBeGreaterThanOrEqual(r1.acceptedTimestamp);
    const gotA: string[] = [];
    const gotB: string[] = [];
    await until([a, b], async () => {
      gotA.push(...(await drain(a, 'alice-laptop')));
      gotB.push(...(await drain(b, 'bob-phone')));
      return gotA.length >= 2 && gotB.length >= 2;
    });
    expect(gotB).toEqual(['1:hello from bob', '2:hi bob']);
    expect(gotA).toEqual(['1:hello from bob', '2:hi bob']);
    expect(await a.hub!.backlog()).toBe(0);
  });

  it('submitMessage: notAllowed for a sender who is no participant, epochTooOld with the current epoch after a commit', async () => {
    const r = await b.client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, 'x')), sendingUri: 'mimi://b.example/u/mallory' });
    expect(r).toEqual({ statusCode: 'notAllowed' });
    const u = await a.client.update('a.example', ROOM, bundle(commitMessage(0, ALICE)));
    expect(u.responseCode).toBe('success');
    const old = await b.client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(appMessage(0, 'late')), sendingUri: BOB });
    expect(old).toEqual({ statusCode: 'epochTooOld', currentEpoch: 1n });
  });

  it('update: the second commit of an epoch gets wrongEpoch with the current epoch; a forbidden one notAllowed', async () => {
    const ok = await b.client.update('a.example', ROOM, bundle(commitMessage(1, BOB)));
    expect(ok.responseCode).toBe('success');
    const second = await a.client.update('a.example', ROOM, bundle(commitMessage(1, ALICE)));
    expect(second).toMatchObject({ responseCode: 'wrongEpoch', currentEpoch: 2n });
    // cooperative preset: an ordinary user (bob, role 2) may not ban (room-policy §6)
    const ban = await b.client.update('a.example', ROOM, bundle(commitMessage(2, BOB, [{ type: 'ban', user: ALICE }])));
    expect(ban.responseCode).toBe('notAllowed');
    // this hub's checker (the test one) has no checkProposal: it holds no proposals (HT15)
    const proposals = decodeUpdateRequest(vectorHex('update-proposals'));
    expect((await a.client.update('a.example', ROOM, proposals)).responseCode).toBe('notAllowed');
    const gotB: string[] = [];
    await until([a, b], async () => {
      gotB.push(...(await drain(b, 'bob-phone')));
      return gotB.length >= 2;
    });
    expect(gotB).toEqual(['3:commit@0', '4:commit@1']);
  });

  it('history: a follower reads the log after N with complete; a provider that never followed is refused', async () => {
    const page = await b.client.history('a.example', { requester: 'b.example', roomId: ROOM, after: 1, limit: 2 });
    expect(page.events.map((e) => e.seq)).toEqual([2, 3]);
    expect(page.complete).toBe(false);
    expect(page.firstAvailable).toBe(1);
    const rest = await b.client.history('a.example', { requester: 'b.example', roomId: ROOM, after: 3, limit: 100 });
    expect(rest.events.map((e) => e.seq)).toEqual([4]);
    expect(rest.complete).toBe(true);
    expect(await code(b.client.history('a.example', { requester: 'b.example', roomId: 'mimi://a.example/r/none', after: 0, limit: 1 }))).toBe('delivery/no-such-room');
  });

  it('groupInfo: verifies the signed request, serves the stored GroupInfo to a follower through the responder', async () => {
    const res = await b.client.groupInfo('a.example', ROOM, groupInfoRequest('mimi://b.example/d/bob-phone'));
    expect(res.status).toBe('success');
    if (res.status === 'success') expect(Buffer.from(res.encryptedGroupInfoAndTree.ciphertext)).toEqual(Buffer.from(template.groupInfoOption.groupInfo));
    expect(await b.client.groupInfo('a.example', 'mimi://a.example/r/none', groupInfoRequest('x'))).toEqual({ status: 'noSuchRoom', roomId: 'mimi://a.example/r/none' });
    const forged = { ...groupInfoRequest('mimi://b.example/d/bob-phone'), signature: new Uint8Array(64) };
    expect(await b.client.groupInfo('a.example', ROOM, forged)).toEqual({ status: 'notAuthorized', roomId: ROOM });
  });

  it('keyMaterial: a signed claim takes one KeyPackage per client, and never hands it out twice', async () => {
    await keysB.store!.publish(BOB, 'mimi://b.example/d/bob-phone', kp.keyPackage);
    const request = signKeyMaterialRequest(
      {
        requestingUser: ALICE,
        targetUser: BOB,
        roomId: ROOM,
        acceptableCiphersuites: [1],
        requiredCapabilities: { extensionTypes: [], proposalTypes: [], credentialTypes: [] },
        requesterSignatureKey: pub,
        requesterCredential: basicCredential(new TextEncoder().encode(ALICE)),
      },
      1,
      seed,
    );
    const first = await a.client.keyMaterial('b.example', request);
    expect(first.userStatus).toBe('success');
    expect(first.clients).toHaveLength(1);
    expect(first.clients[0]).toMatchObject({ clientStatus: 'success', clientUri: 'mimi://b.example/d/bob-phone' });
    const second = await a.client.keyMaterial('b.example', request);
    expect(second).toEqual({ userStatus: 'noCompatibleMaterial', userUri: BOB, clients: [{ clientStatus: 'keyMaterialExhausted', clientUri: 'mimi://b.example/d/bob-phone' }] });
    // a request whose signature does not verify is refused
    expect(await code(a.client.keyMaterial('b.example', { ...request, keyMaterialRequestSignature: new Uint8Array(64) }))).toBe('http/forbidden');
    // a request speaking for a user of another provider than the authenticated one
    expect(await code(a.client.keyMaterial('b.example', { ...request, requestingUser: 'mimi://c.example/u/carol' }))).toBe('http/forbidden');
  });

  it('requestConsent / updateConsent: 201 when received, 404 for an unknown target; identifierQuery answers', async () => {
    const base = { requesterUri: ALICE, clientKeyPackages: [], consentExtensions: [] };
    expect(await a.client.consent('b.example', { ...base, consentOperation: 'request', targetUri: BOB })).toBe('accepted');
    expect(await a.client.consent('b.example', { ...base, consentOperation: 'request', targetUri: 'mimi://b.example/u/nobody' })).toBe('notFound');
    expect(consents).toEqual(['a.example request mimi://b.example/u/bob', 'a.example request mimi://b.example/u/nobody']);
    // a grant names the requester at the receiving provider and the target at the sender
    expect(await a.client.consent('b.example', { consentOperation: 'grant', requesterUri: BOB, targetUri: ALICE, clientKeyPackages: [], consentExtensions: [] })).toBe('accepted');
    const found = await a.client.identifierQuery('b.example', { queryElements: [{ searchType: 'handle', searchValue: 'im:bob@b.example' }], idRequestExtensions: [] });
    expect(found).toEqual({ responseCode: 'success', uri: [BOB], foundProfiles: [], idResponseExtensions: [] });
    // a does not offer consent or identifierQuery: 501
    expect(await code(b.client.consent('a.example', { ...base, requesterUri: BOB, consentOperation: 'request', targetUri: ALICE }))).toBe('http/not-implemented');
    expect(await code(b.client.identifierQuery('a.example', { queryElements: [{ searchType: 'nick', searchValue: 'alice' }], idRequestExtensions: [] }))).toBe('http/not-implemented');
  });

  it('reportAbuse: 201 for a room of the hub; b serves no hub, so it has no reportAbuse', async () => {
    const report = { reportingUser: BOB, allegedAbuserUri: ALICE, reasonCode: 0, note: 'spam', messages: [], abuseExtensions: [] };
    await b.client.reportAbuse('a.example', ROOM, report);
    expect(reports).toEqual([`b.example ${ROOM} ${ALICE}`]);
    expect(await code(b.client.reportAbuse('a.example', 'mimi://a.example/r/none', report))).toBe('delivery/no-such-room');
    expect(await code(a.client.reportAbuse('b.example', ROOM, { ...report, reportingUser: ALICE }))).toBe('http/not-found');
  });

  it('unknown paths are 404, a GET on a POST endpoint 405 with Allow, proxyDownload 501', async () => {
    const f = b.fetch;
    const url = net.resolve('a.example');
    const headers = { from: 'mimi@b.example' };
    expect((await f(`${url}/nothing/here`, { method: 'POST', headers })).status).toBe(404);
    const get = await f(`${url}/submitMessage/${encodeURIComponent(ROOM)}`, { method: 'GET', headers });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const problem = (await get.json()) as { code: string; status: number; type: string };
    expect(problem).toMatchObject({ code: 'http/method-not-allowed', status: 405, type: 'urn:mimi-kit:error:http/method-not-allowed' });
    expect((await f(`${url}/proxyDownload/x`, { method: 'POST', headers })).status).toBe(501);
  });
});
