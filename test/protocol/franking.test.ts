import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import * as p from '../../src/protocol/index.js';
import { MimiError } from '../../src/index.js';
import { markdown, encodeContent, decodeContent } from '../../src/content/index.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
};

const room = { senderUri: 'mimi://b.example/u/alice', roomUri: 'mimi://hub.example/r/Rl33FWLCYWOwxHrYnpWDQg' };
const content = encodeContent(markdown('hello', room));
const salt = decodeContent(content).salt;
const hubKey = new Uint8Array(32).fill(3);
const seed = new Uint8Array(32).fill(4);
const agent: p.FrankingAgentData = { frankingSignatureKey: ed25519.getPublicKey(seed), credential: p.basicCredential(new TextEncoder().encode('mimi://hub.example')) };

describe('franking (draft-ietf-mimi-protocol-06 "Message Franking")', () => {
  it('franking_tag is HMAC-SHA256 keyed by the salt', () => {
    expect(p.frankingTag(salt, content)).toEqual(hmac(sha256, salt, content));
  });

  it('a hub frank passes the receiver check and carries the frank through SubmitMessageResponse', () => {
    const tag = p.frankingTag(salt, content);
    const aad = p.encodeSafeAad([{ componentId: p.FRANK_AAD_COMPONENT_ID, data: p.encodeFrankAad(tag) }]);
    expect(p.frankingTagFromAad(aad)).toEqual(tag);
    const context = { ...room, roomUri: room.roomUri, acceptedTimestamp: 1700000000000n };
    const frank = p.hubFrank({ hubKey, frankingPrivateKey: seed, cipherSuite: 1, frankingTag: tag, context: { senderUri: room.senderUri, roomUri: room.roomUri, acceptedTimestamp: context.acceptedTimestamp } });
    const res = p.decodeSubmitMessageResponse(p.encodeSubmitMessageResponse({ statusCode: 'accepted', acceptedTimestamp: 1700000000000n, frank }));
    expect(res.statusCode === 'accepted' && res.frank).toEqual(frank);
    const ok = p.checkFrank({ frank, frankingTag: tag, applicationData: content, acceptedTimestamp: 1700000000000n, groupCipherSuite: 1, frankingAgent: agent, hubDomain: 'hub.example', credentialSenderUri: room.senderUri, roomId: room.roomUri });
    expect(ok).toEqual({ senderUri: room.senderUri, roomUri: room.roomUri, acceptedTimestamp: 1700000000000n });
    expect(() => p.checkServerFrank(hubKey, frank, tag, ok)).not.toThrow();
    expect(codeOf(() => p.checkServerFrank(new Uint8Array(32), frank, tag, ok))).toBe('protocol/server-frank-mismatch');
    expect(codeOf(() => p.checkFrank({ frank, frankingTag: tag, applicationData: content, acceptedTimestamp: 1700000000000n, groupCipherSuite: 1, frankingAgent: agent, hubDomain: 'hub.example', credentialSenderUri: 'mimi://b.example/u/mallory' }))).toBe(
      'protocol/frank-context-mismatch',
    );
  });

  it('SignWithLabel is Sign over SignContent("MLS 1.0 " + label, content) (RFC 9420 §5.1.2)', () => {
    const tbs = new Uint8Array([1, 2, 3]);
    const label = new TextEncoder().encode('MLS 1.0 FrankingIntegrityTBS');
    const signed = new Uint8Array([label.length, ...label, 3, 1, 2, 3]);
    expect(p.signContent('FrankingIntegrityTBS', tbs)).toEqual(signed);
    expect(p.signWithLabel(1, seed, 'FrankingIntegrityTBS', tbs)).toEqual(ed25519.sign(signed, seed));
    // P-256 (suite 2): DER ECDSA over SHA-256, checked with noble directly
    const sk = new Uint8Array(32).fill(5);
    const sig = p.signWithLabel(2, sk, 'X', tbs);
    expect(p256.verify(sig, p.signContent('X', tbs), p256.getPublicKey(sk), { format: 'der' })).toBe(true);
    expect(p.verifyWithLabel(2, p256.getPublicKey(sk), 'X', tbs, sig)).toBe(true);
    expect(p.verifyWithLabel(2, p256.getPublicKey(sk), 'Y', tbs, sig)).toBe(false);
    expect(p.verifyWithLabel(1, new Uint8Array(3), 'X', tbs, sig)).toBe(false);
    expect(codeOf(() => p.signWithLabel(0x77, sk, 'X', tbs))).toBe('protocol/unsupported-ciphersuite');
  });

  it('signed requests and responses verify, and fail once a field changes', () => {
    const v = JSON.parse(readFileSync('spec-vectors/protocol/bodies.json', 'utf8')).vectors;
    const req = p.decodeKeyMaterialRequest(new Uint8Array(Buffer.from(v.find((x: { id: string }) => x.id === 'key-material-request').expected.hex, 'hex')));
    expect(p.verifyKeyMaterialRequest(req, 1)).toBe(true);
    expect(p.verifyKeyMaterialRequest({ ...req, targetUser: 'mimi://b.example/u/eve' }, 1)).toBe(false);
    const gi = p.decodeGroupInfoRequest(new Uint8Array(Buffer.from(v.find((x: { id: string }) => x.id === 'group-info-request').expected.hex, 'hex')));
    expect(p.verifyGroupInfoRequest(gi)).toBe(true);
    expect(p.verifyGroupInfoRequest({ ...gi, joiningCode: new Uint8Array(0) })).toBe(false);
    const res = p.decodeGroupInfoResponse(new Uint8Array(Buffer.from(v.find((x: { id: string }) => x.id === 'group-info-response-success').expected.hex, 'hex')));
    expect(p.verifyGroupInfoResponse(res)).toBe(true);
    const resigned = p.signKeyMaterialRequest(req, 1, new Uint8Array(32).fill(7));
    expect(resigned.keyMaterialRequestSignature).toEqual(req.keyMaterialRequestSignature);
  });
});
