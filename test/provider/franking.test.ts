// A provider's franking keys from its secret file (`mimi serve --franking-key FILE`, config `frankingKeyFile`,
// HT19): derivation checked against node:crypto's HKDF (a second implementation of RFC 5869), the file created
// 0600 and reused, bad files refused, and a provider started with it franks a tagged message so that the
// frank verifies under the derived keys (server_frank and FrankingIntegrityTBS written by hand from the draft).
import { hkdfSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeContent, encodeContent, markdown } from '../../src/content/index.js';
import { MlsUpdateChecker } from '../../src/delivery/checker.js';
import { createClientIdentity, createRoom, type CredentialVerifier } from '../../src/mls/index.js';
import { encodeAbuseReport, encodeFrankAad, encodeSafeAad, FRANK_AAD_COMPONENT_ID } from '../../src/protocol/index.js';
import { frankingFromSecret, loadFrankingKeyFile } from '../../src/provider/franking.js';
import { parseProviderConfig } from '../../src/provider/config.js';
import { createLogger } from '../../src/provider/logger.js';
import { Provider } from '../../src/provider/provider.js';
import { createRoom as createRoomState, roomStateToJson } from '../../src/room/index.js';
import { TOKEN } from './support.js';

const enc = new TextEncoder();
const dir = mkdtempSync(join(tmpdir(), 'mimi-franking-'));
const varint = (n: number): number[] => (n < 0x40 ? [n] : [0x40 | (n >> 8), n & 0xff]);
const opaque = (b: ArrayLike<number>): number[] => [...varint(b.length), ...Array.from(b)];
const u64 = (n: number): number[] => Array.from({ length: 8 }, (_, i) => Number((BigInt(n) >> BigInt(8 * (7 - i))) & 0xffn));
const nodeHkdf = (secret: Uint8Array, info: string): Uint8Array => new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), info, 32));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('provider franking keys (HT19)', () => {
  it('derives hub_key and the Ed25519 key from the secret with HKDF-SHA256 under two labels', () => {
    const secret = new Uint8Array(32).map((_, i) => i);
    const f = frankingFromSecret(secret);
    expect(Buffer.from(f.hubKey).toString('hex')).toBe(Buffer.from(nodeHkdf(secret, 'mimi-kit franking hub_key')).toString('hex'));
    const seed = nodeHkdf(secret, 'mimi-kit franking signature key');
    expect(Buffer.from(f.frankingPrivateKey).toString('hex')).toBe(Buffer.from(seed).toString('hex'));
    expect(Buffer.from(f.frankingPublicKey).toString('hex')).toBe(Buffer.from(ed25519.getPublicKey(seed)).toString('hex'));
    expect(f.cipherSuite).toBe(1);
    expect(() => frankingFromSecret(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'provider/bad-config' }));
  });

  it('creates the file (0600, 32 bytes base64url) when missing, reuses it, and refuses a malformed one', () => {
    const path = join(dir, 'franking-key');
    const first = loadFrankingKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8').trim();
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(loadFrankingKeyFile(path).frankingPublicKey)).toEqual(Buffer.from(first.frankingPublicKey));
    expect(Buffer.from(first.hubKey)).toEqual(Buffer.from(nodeHkdf(Buffer.from(text, 'base64url'), 'mimi-kit franking hub_key')));
    const bad = join(dir, 'bad-key');
    writeFileSync(bad, 'not a key\n');
    expect(() => loadFrankingKeyFile(bad)).toThrow(expect.objectContaining({ code: 'provider/bad-config' }));
    expect(() => loadFrankingKeyFile(join(dir, 'missing-dir', 'key'))).toThrow(expect.objectContaining({ code: 'provider/unreadable-file' }));
  });

  it('a provider started with frankingKeyFile franks a tagged message under those keys', async () => {
    const path = join(dir, 'provider-key');
    const config = parseProviderConfig({ domain: 'a.example', store: 'memory:', plainHttp: true, frankingKeyFile: path, local: { token: TOKEN } });
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', format: 'json', write: (l) => void logs.push(JSON.parse(l) as Record<string, unknown>) });
    const p = await Provider.start({ config, checker: new MlsUpdateChecker(), logger });
    try {
      const keys = loadFrankingKeyFile(path);
      expect(Buffer.from(p.frankingPublicKey!)).toEqual(Buffer.from(keys.frankingPublicKey));
      const ALICE = 'mimi://a.example/u/alice';
      const ROOM = 'mimi://a.example/r/franked';
      const anyone: CredentialVerifier = () => true;
      const alice = await createClientIdentity({ userUri: ALICE, clientUri: 'mimi://a.example/d/alice/1' });
      const room = await createRoom({ identity: alice, roomUri: ROOM, roomState: createRoomState({ preset: 'moderated', creator: ALICE, roomUri: ROOM }), verifier: anyone });
      const g = room.groupView();
      await p.createRoom({ roomId: ROOM, epoch: 0, roomState: roomStateToJson(g.state), members: g.members, extensions: g.extensions });
      // The sender's franking_tag = HMAC-SHA256(salt, content) in frank_aad (draft "Client creation and sending").
      const content = encodeContent(markdown('franked', { senderUri: ALICE, roomUri: ROOM }));
      const tag = hmac(sha256, decodeContent(content).salt, content);
      const sent = await room.encryptContent(content, { authenticatedData: encodeSafeAad([{ componentId: FRANK_AAD_COMPONENT_ID, data: encodeFrankAad(tag) }]) });
      const r = await p.submit(ROOM, { message: sent.message, sendingUri: ALICE });
      expect(r.code).toBe('accepted');
      if (r.code !== 'accepted') return;
      const frank = r.frank!;
      // server_frank = HMAC(hub_key, franking_tag || ServerFrankingContext) (draft "Hub processing").
      const context = [...opaque(enc.encode(ALICE)), ...opaque(enc.encode(ROOM)), ...u64(r.acceptedTimestamp)];
      expect(Buffer.from(frank.serverFrank)).toEqual(Buffer.from(hmac(sha256, keys.hubKey, Uint8Array.from([...tag, ...context]))));
      const tbs = [...frank.serverFrank, 0x00, 0x01, ...context];
      const signContent = Uint8Array.from([...opaque(enc.encode('MLS 1.0 FrankingIntegrityTBS')), ...opaque(tbs)]);
      expect(ed25519.verify(frank.frankingIntegritySignature, signContent, keys.frankingPublicKey)).toBe(true);

      // A peer reports the message (plain HTTP: the peer is the From header). With the hub's frank: 201, one
      // warn line for the operator, counted; with a flipped server_frank: 400, neither logged nor counted.
      const reportOf = (f: typeof frank) =>
        encodeAbuseReport({ reportingUser: 'mimi://b.example/u/bob', allegedAbuserUri: ALICE, reasonCode: 1, note: 'spam', messages: [{ messageContent: content, frank: f, acceptedTimestamp: BigInt(r.acceptedTimestamp) }], abuseExtensions: [] });
      const post = (body: Uint8Array) =>
        fetch(`${p.mimiUrl}/reportAbuse/${encodeURIComponent(ROOM)}`, { method: 'POST', headers: { from: 'mimi@b.example', host: 'a.example', 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
      const flipped = Uint8Array.from(frank.serverFrank, (x, i) => (i === 0 ? x ^ 1 : x));
      expect((await post(reportOf({ ...frank, serverFrank: flipped }))).status).toBe(400);
      expect((await post(reportOf(frank))).status).toBe(201);
      const reports = logs.filter((l) => l['msg'] === 'abuse report');
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ roomId: ROOM, peer: 'b.example', reportingUser: 'mimi://b.example/u/bob', allegedAbuser: ALICE, reasonCode: 1, messages: 1, note: 'spam' });
      const metrics = await (await fetch(`${p.localUrl}/metrics`)).text();
      expect(metrics).toMatch(/^mimi_abuse_reports_total\{peer="b\.example"\} 1$/m);
    } finally {
      await p.stop();
    }
  }, 30_000);
});
