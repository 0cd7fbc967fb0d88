// Franking over HTTPS (draft-ietf-mimi-protocol-06 "Submit a Message", "Message Franking", "Report abuse";
// docs/decisions.md HT19): the SubmitMessageResponse carries the hub's frank, the notify to the follower carries it
// in the FanoutMessage, the follower hands it to clients, the provider's local client API gives it in base64, and
// reportAbuse is refused (400) when a reported message's server_frank is not the hub's.
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubFranking, type LogEvent } from '../../src/delivery/index.js';
import { encodeContent, markdown, decodeContent } from '../../src/content/index.js';
import { MimiError } from '../../src/errors.js';
import { parseMlsMessage, type AbusiveMessage, type Frank } from '../../src/protocol/index.js';
import { createLocalApiHandler, LocalApiClient, type ClientOperations } from '../../src/provider/index.js';
import { ALICE, BOB, Loopback, ROOM, openRoom, startProvider, stopProvider, until, type Provider } from './support.js';
import { asyncCode as code } from '../support/errorCode.js';

const enc = new TextEncoder();
const varint = (n: number): number[] => (n < 0x40 ? [n] : [0x40 | (n >> 8), n & 0xff]);
const opaque = (b: ArrayLike<number>): number[] => [...varint(b.length), ...Array.from(b)];
const u64 = (n: number): number[] => Array.from({ length: 8 }, (_, i) => Number((BigInt(n) >> BigInt(8 * (7 - i))) & 0xffn));

const seed = new Uint8Array(32).fill(0x33);
const franking: HubFranking = { hubKey: new Uint8Array(32).fill(0x44), frankingPrivateKey: seed, frankingPublicKey: ed25519.getPublicKey(seed), cipherSuite: 1 };

// The content bob "sent" (what a receiver decrypted and would report) and its franking_tag (draft "Client creation and sending").
const content = encodeContent(markdown('abusive', { senderUri: BOB, roomUri: ROOM }));
const tag = hmac(sha256, decodeContent(content).salt, content);
/** A hand-framed PrivateMessage (RFC 9420 §6.3) whose authenticated_data is a SafeAAD (`SafeAADItem aad_items<V>`) holding frank_aad (0x0020): tag. */
const message = Uint8Array.from([0, 1, 0, 2, ...opaque(enc.encode('club-group')), ...u64(0), 1, ...opaque(opaque([0x00, 0x20, ...opaque(tag)])), ...opaque([0xee]), ...opaque(enc.encode('franked'))]);

/** A frank as hex strings (Buffer and Uint8Array compare equal). */
const plain = (f: Frank) => ({ s: Buffer.from(f.serverFrank).toString('hex'), c: f.frankingSignatureCiphersuite, g: Buffer.from(f.frankingIntegritySignature).toString('hex') });

const net = new Loopback();
let a: Provider;
let b: Provider;
const reports: string[] = [];

beforeAll(async () => {
  a = await startProvider({ domain: 'a.example', net, hub: true, franking, handler: { reportAbuse: async (roomId, report) => void reports.push(`${roomId} ${report.messages.length}`) } });
  b = await startProvider({ domain: 'b.example', net });
  await openRoom(a);
});

afterAll(async () => {
  await stopProvider(a);
  await stopProvider(b);
});

describe('HT19: franks over HTTPS', () => {
  let frank: Frank;
  let acceptedTimestamp: bigint;

  it('submitMessage answers with the frank; notify carries it to the follower; the client gets it', async () => {
    const res = await b.client.submitMessage('a.example', ROOM, { appMessage: parseMlsMessage(message), sendingUri: BOB });
    expect(res.statusCode).toBe('accepted');
    if (res.statusCode !== 'accepted' || res.frank === undefined) throw new Error('no frank');
    frank = res.frank;
    acceptedTimestamp = res.acceptedTimestamp;
    // server_frank = HMAC_SHA256(hub_key, franking_tag || ServerFrankingContext(sender, room, accepted_timestamp))
    const context = [...opaque(enc.encode(BOB)), ...opaque(enc.encode(ROOM)), ...u64(Number(acceptedTimestamp))];
    expect(Buffer.from(frank.serverFrank).toString('hex')).toBe(Buffer.from(hmac(sha256, franking.hubKey, Uint8Array.from([...tag, ...context]))).toString('hex'));
    const client = 'mimi://b.example/d/bob/1';
    let events: readonly LogEvent[] = [];
    await until([a, b], async () => (await b.follower.rooms()).includes(ROOM) && (events = (await b.follower.next(client, ROOM, 10)).events).length > 0);
    const [event] = events;
    expect(event).toMatchObject({ kind: 'message', sender: BOB, hubTime: Number(acceptedTimestamp), frank });

    // the provider's local client API: the frank's bytes in base64, read back by LocalApiClient
    // (only next() is used; other clients of the follower: each is handed the event once)
    const ops = { next: (c: string, r: string, n: number) => b.follower.next(c, r, n) } as unknown as ClientOperations;
    const handler = createLocalApiHandler({ token: 't', operations: ops, metrics: async () => ({ body: '', contentType: 'text/plain' }) });
    const raw = await handler(new Request('http://127.0.0.1/v1/events', { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify({ roomId: ROOM, client: 'mimi://b.example/d/bob/2' }) }));
    const json = (await raw.json()) as { events: { frank?: { serverFrank: string; frankingSignatureCiphersuite: number; frankingIntegritySignature: string } }[] };
    expect(json.events[0]!.frank).toEqual({
      serverFrank: Buffer.from(frank.serverFrank).toString('base64'),
      frankingSignatureCiphersuite: 1,
      frankingIntegritySignature: Buffer.from(frank.frankingIntegritySignature).toString('base64'),
    });
    const api = new LocalApiClient({ url: 'http://127.0.0.1', token: 't', fetch: (input, init) => handler(new Request(input, init)) });
    expect(plain((await api.next('mimi://b.example/d/bob/3', ROOM, 10)).events[0]!.frank!)).toEqual(plain(frank));
  });

  it('reportAbuse: 201 with the hub frank; 400 when the frank, the time, the content or the room is not the one franked', async () => {
    const report = (messages: AbusiveMessage[]) => ({ reportingUser: '', allegedAbuserUri: BOB, reasonCode: 0, note: '', messages, abuseExtensions: [] });
    const good: AbusiveMessage = { messageContent: content, frank, acceptedTimestamp };
    await b.client.reportAbuse('a.example', ROOM, report([good]));
    expect(reports).toEqual([`${ROOM} 1`]);
    const flipped = Uint8Array.from(frank.serverFrank);
    flipped[31] = flipped[31]! ^ 0x80;
    expect(await code(b.client.reportAbuse('a.example', ROOM, report([good, { ...good, frank: { ...frank, serverFrank: flipped } }])))).toBe('protocol/server-frank-mismatch');
    expect(await code(b.client.reportAbuse('a.example', ROOM, report([{ ...good, acceptedTimestamp: acceptedTimestamp - 1n }])))).toBe('protocol/server-frank-mismatch');
    const other = encodeContent(markdown('made up', { senderUri: BOB, roomUri: ROOM }));
    expect(await code(b.client.reportAbuse('a.example', ROOM, report([{ ...good, messageContent: other }])))).toBe('protocol/server-frank-mismatch');
    // a correct server_frank with a signature that is not the hub's
    const badSig = Uint8Array.from(frank.frankingIntegritySignature);
    badSig[0] = badSig[0]! ^ 1;
    expect(await code(b.client.reportAbuse('a.example', ROOM, report([{ ...good, frank: { ...frank, frankingIntegritySignature: badSig } }])))).toBe('protocol/frank-signature-invalid');
    // the content names another room than the one reported
    const elsewhere = encodeContent(markdown('x', { senderUri: ALICE, roomUri: 'mimi://a.example/r/other' }));
    expect(await code(b.client.reportAbuse('a.example', ROOM, report([{ ...good, messageContent: elsewhere }])))).toBe('protocol/frank-context-mismatch');
    expect(reports).toEqual([`${ROOM} 1`]);
    // on the wire the refusal is HTTP 400 (the draft: "the response code only indicates if the abuse report was accepted")
    const err = await b.client.reportAbuse('a.example', ROOM, report([{ ...good, acceptedTimestamp: 0n }])).catch((e: unknown) => e);
    expect(err instanceof MimiError && (err.details as { status?: number } | undefined)?.status).toBe(400);
  });
});
