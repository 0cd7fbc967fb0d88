/**
 * The caller chooses the MLS crypto provider (issue 14): identities, key packages and rooms use the
 * provider given, and members on different providers share one room (RFC 9420: the cipher suite, not the
 * implementation, is what members agree on). Runs in Node; the browser run is in library.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { defaultCryptoProvider, type CryptoProvider } from 'ts-mls';
import { encodeContent, markdown } from '../../src/content/index.js';
import { createRoom as createRoomState } from '../../src/room/index.js';
import {
  browserCryptoProvider,
  createBrowserCryptoProvider,
  createClientIdentity,
  createRoom,
  defaultMimiCryptoProvider,
  generateKeyPackage,
  joinFromWelcome,
  loadRoom,
  type CredentialVerifier,
} from '../../src/mls/index.js';
import { nodeCryptoProvider } from '../../src/mls/nodeCrypto.js';

/** Wraps a provider and counts how often a suite is asked of it. */
function counting(inner: CryptoProvider): { provider: CryptoProvider; calls: () => number } {
  let n = 0;
  return { provider: { getCiphersuiteImpl: (cs) => (n++, inner.getCiphersuiteImpl(cs)) }, calls: () => n };
}

const ROOM = 'mimi://a.example/r/club';
const verifier: CredentialVerifier = () => true;

describe('crypto provider choice', () => {
  it('under Node (unbundled sources) the default is the node:crypto provider', async () => {
    expect(await defaultMimiCryptoProvider()).toBe(nodeCryptoProvider);
  });

  it('identity, key package, create, join and load use the provider given', async () => {
    const a = counting(createBrowserCryptoProvider({ ed25519: 'noble' }));
    const b = counting(defaultCryptoProvider); // ts-mls's own provider
    const alice = await createClientIdentity({ userUri: 'mimi://a.example/u/alice', clientUri: 'mimi://a.example/d/alice/1', cryptoProvider: a.provider });
    expect(a.calls()).toBe(1);
    const bob = await createClientIdentity({ userUri: 'mimi://a.example/u/bob', clientUri: 'mimi://a.example/d/bob/1', cryptoProvider: b.provider });
    expect(b.calls()).toBe(1);
    const roomState = createRoomState({ preset: 'moderated', creator: alice.userUri, roomUri: ROOM });
    const a0 = await createRoom({ identity: alice, roomUri: ROOM, roomState, verifier, cryptoProvider: a.provider });
    const kp = await generateKeyPackage(bob, { cryptoProvider: b.provider });
    const added = await a0.addParticipant(bob.userUri, 4, [kp.keyPackage]);
    const b0 = await joinFromWelcome({ welcome: added.welcome!, keyPackage: kp, verifier, cryptoProvider: b.provider });
    // One suite per provider, made once and cached (suite.ts): no further lookups.
    expect([a.calls(), b.calls()]).toEqual([1, 1]);
    const text = 'across providers';
    const sent = await added.room.encryptContent(encodeContent(markdown(text, { senderUri: alice.userUri, roomUri: ROOM })));
    const got = await b0.decryptContent(sent.message, { hubTimestamp: Date.now() });
    expect(new TextDecoder().decode((got.content.nestedPart as { content: Uint8Array }).content)).toBe(text);

    const c = counting(browserCryptoProvider);
    const again = await loadRoom(got.room.save(), { verifier, cryptoProvider: c.provider });
    expect(c.calls()).toBe(1);
    const back = await again.encryptContent(encodeContent(markdown('and back', { senderUri: bob.userUri, roomUri: ROOM })));
    expect((await sent.room.decryptContent(back.message, { hubTimestamp: Date.now() })).senderUserUri).toBe(bob.userUri);
  });
});
