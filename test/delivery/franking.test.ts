// Message franking through the delivery layer (draft-ietf-mimi-protocol-06 "Message Franking"; docs/decisions.md
// HT19): the hub franks a submitted PrivateMessage whose authenticated_data carries frank_aad, keeps the frank with
// the event in every store, fans it out, and the follower hands it to clients; a receiving MimiRoom member checks
// it with checkFrank. Expected franks are computed here from the draft's formulas with @noble directly
// (HMAC-SHA256 and Ed25519 over RFC 9420 §5.1.2 SignContent written out byte by byte), not with the hub's code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Follower, Hub, MemoryStore, MlsUpdateChecker, mlsRoomSnapshot, privateMessageAad, roomSnapshot, type DeliveryStore, type FollowerTransport, type HubFranking, type LogEvent } from '../../src/delivery/index.js';
import { SqliteStore } from '../../src/delivery/store/sqlite.js';
import { openPostgresStore } from '../../src/delivery/store/postgres.js';
import { MIGRATIONS } from '../../src/delivery/store/postgresMigrations.js';
import pg from 'pg';
import { postgresAvailable, startPostgres, type PgServer } from './pg-server.js';
import { MimiError } from '../../src/errors.js';
import { encodeContent, markdown, decodeContent } from '../../src/content/index.js';
import { createRoom, generateKeyPackage, joinFromWelcome } from '../../src/mls/index.js';
import { createRoom as createRoomState } from '../../src/room/index.js';
import {
  basicCredential,
  checkFrank,
  decodeFrankingAgent,
  encodeFrankAad,
  encodeFrankingAgent,
  encodeSafeAad,
  frankingTag,
  FRANK_AAD_COMPONENT_ID,
  FRANKING_SIGNATURE_KEY_COMPONENT_ID,
  frankingTagFromAad,
  type Frank,
} from '../../src/protocol/index.js';
import { ALICE, BOB, ROOM, appMessage, testChecker, twoProviderRoom } from '../http/support.js';
import { TrustStore, client } from '../mls/helpers.js';
import { FakeClock } from './support.js';
import { syncCode as codeOf } from '../support/errorCode.js';

const enc = new TextEncoder();
const varint = (n: number): number[] => (n < 0x40 ? [n] : [0x40 | (n >> 8), n & 0xff]);
const opaque = (b: ArrayLike<number>): number[] => [...varint(b.length), ...Array.from(b)];
const u64 = (n: number): number[] => Array.from({ length: 8 }, (_, i) => Number((BigInt(n) >> BigInt(8 * (7 - i))) & 0xffn));
const cat = (...parts: ArrayLike<number>[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

const hubKey = new Uint8Array(32).fill(0x11);
const seed = new Uint8Array(32).fill(0x22);
const franking: HubFranking = { hubKey, frankingPrivateKey: seed, frankingPublicKey: ed25519.getPublicKey(seed), cipherSuite: 1 };

/** A PrivateMessage (RFC 9420 §6.3) written by hand: version mls10, wire format 2, group_id, epoch, application (1), authenticated_data, sender data, ciphertext. */
function privateMessage(epoch: number, aad: ArrayLike<number>, body: string): Uint8Array {
  return cat([0, 1, 0, 2], opaque(enc.encode('club-group')), u64(epoch), [1], opaque(aad), opaque([0xee, 0xee]), opaque(enc.encode(body)));
}

/** SafeAAD (draft-ietf-mls-extensions "Safe AAD") with one frank_aad item: uint16 0x0020, opaque aad_item_data<V> (32 bytes). */
function frankAad(tag: Uint8Array): number[] {
  return opaque([0x00, 0x20, ...opaque(tag)]);
}

/** The expected frank, from the draft's formulas (ServerFrankingContext = IdentifierUri sender, IdentifierUri room, uint64 time). */
function expectedServerFrank(tag: Uint8Array, sender: string, room: string, time: number): Uint8Array {
  const context = [...opaque(enc.encode(sender)), ...opaque(enc.encode(room)), ...u64(time)];
  return hmac(sha256, hubKey, cat(tag, context));
}

/** RFC 9420 §5.1.2: SignContent = opaque label<V> ("MLS 1.0 " + label), opaque content<V>; FrankingIntegrityTBS = server_frank[32], uint16 suite, context. */
function integrityVerifies(frank: Frank, sender: string, room: string, time: number): boolean {
  const tbs = [...frank.serverFrank, 0x00, 0x01, ...opaque(enc.encode(sender)), ...opaque(enc.encode(room)), ...u64(time)];
  const signContent = cat(opaque(enc.encode('MLS 1.0 FrankingIntegrityTBS')), opaque(tbs));
  return ed25519.verify(frank.frankingIntegritySignature, signContent, franking.frankingPublicKey);
}

async function newHub(store: DeliveryStore, clock: FakeClock, withFranking = true, transport: FollowerTransport = { notify: async () => undefined }): Promise<Hub> {
  const hub = new Hub({ domain: 'a.example', store, clock, checker: testChecker(), transport, ...(withFranking ? { franking } : {}) });
  await hub.createRoom(ROOM, roomSnapshot(twoProviderRoom(), 0));
  return hub;
}

const tag = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);

describe('the hub franks submitted messages (draft "Hub processing")', () => {
  it('frank_aad in the AAD: the response and the logged event carry HMAC(hub_key, tag || context) and a valid integrity signature', async () => {
    const clock = new FakeClock(1_700_000_000_500);
    const store = new MemoryStore();
    const hub = await newHub(store, clock);
    const message = privateMessage(0, frankAad(tag), 'franked');
    const r = await hub.submitMessage(ROOM, { message, sendingUri: BOB });
    expect(r.code).toBe('accepted');
    const frank = (r as { frank?: Frank }).frank!;
    expect(frank.frankingSignatureCiphersuite).toBe(1);
    expect(Buffer.from(frank.serverFrank).toString('hex')).toBe(Buffer.from(expectedServerFrank(tag, BOB, ROOM, 1_700_000_000_500)).toString('hex'));
    expect(integrityVerifies(frank, BOB, ROOM, 1_700_000_000_500)).toBe(true);
    expect(integrityVerifies(frank, ALICE, ROOM, 1_700_000_000_500)).toBe(false);
    const [event] = await store.transaction((tx) => tx.events(ROOM, 0, 10));
    expect(event).toMatchObject({ seq: 1, hubTime: 1_700_000_000_500, kind: 'message', sender: BOB, frank });
    const page = await hub.history({ requester: 'b.example', roomId: ROOM, after: 0, limit: 10 });
    expect(page.events[0]!.frank).toEqual(frank);
  });

  it('no frank without a tag, without SafeAAD, or without a franking configuration; a malformed frank_aad is notAllowed (HT19)', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const hub = await newHub(store, clock);
    const plain = (await hub.submitMessage(ROOM, { message: appMessage(0, 'no aad'), sendingUri: BOB })) as { code: string; frank?: Frank };
    expect(plain).toMatchObject({ code: 'accepted' });
    expect(plain.frank).toBeUndefined();
    // a SafeAAD with another item only (component 0x0030, 1 byte)
    const other = (await hub.submitMessage(ROOM, { message: privateMessage(0, opaque([0x00, 0x30, 1, 9]), 'other'), sendingUri: BOB })) as { frank?: Frank };
    expect(other.frank).toBeUndefined();
    // an authenticated_data that is no SafeAAD (a room without safe_aad)
    const unsafe = (await hub.submitMessage(ROOM, { message: privateMessage(0, [0xff, 0xff, 0xff], 'unsafe'), sendingUri: BOB })) as { code: string; frank?: Frank };
    expect(unsafe.code).toBe('accepted');
    expect(unsafe.frank).toBeUndefined();
    // frank_aad whose franking_tag is 31 bytes
    const bad = await hub.submitMessage(ROOM, { message: privateMessage(0, opaque([0x00, 0x20, ...opaque(new Uint8Array(31))]), 'bad'), sendingUri: BOB });
    expect(bad.code).toBe('notAllowed');
    expect((await store.transaction((tx) => tx.events(ROOM, 0, 10))).map((e) => e.frank === undefined)).toEqual([true, true, true]);
    const unfranking = await newHub(new MemoryStore(), clock, false);
    const r = (await unfranking.submitMessage(ROOM, { message: privateMessage(0, frankAad(tag), 'x'), sendingUri: BOB })) as { code: string; frank?: Frank };
    expect(r.code).toBe('accepted');
    expect(r.frank).toBeUndefined();
  });

  it('the follower keeps the frank and hands it to clients; erasure drops it with the content', async () => {
    const clock = new FakeClock();
    const follower = new Follower({ domain: 'b.example', store: new MemoryStore(), clock, hubs: { history: async () => ({ events: [], complete: true, firstAvailable: 1 }) } });
    const hubStore = new MemoryStore();
    const hub = await newHub(hubStore, clock, true, { notify: async (_to: string, req) => follower.notify(req.hub, req) });
    const r = (await hub.submitMessage(ROOM, { message: privateMessage(0, frankAad(tag), 'to b'), sendingUri: BOB })) as { frank?: Frank };
    await hub.tick();
    await hub.tick();
    const batch = await follower.next('mimi://b.example/d/bob/1', ROOM, 10);
    expect(batch.events.map((e) => e.frank)).toEqual([r.frank]);
    await hub.eraseUser(BOB);
    expect((await hubStore.transaction((tx) => tx.events(ROOM, 0, 10)))[0]).toEqual({ seq: 1, hubTime: clock.t, kind: 'erased', sender: '', message: new Uint8Array(0) });
  });

  it('a follower refuses a frank on a commit or a tombstone, and a server_frank that is not 32 bytes', async () => {
    const follower = new Follower({ domain: 'b.example', store: new MemoryStore(), clock: new FakeClock(), hubs: { history: async () => ({ events: [], complete: true, firstAvailable: 1 }) } });
    const frank: Frank = { serverFrank: new Uint8Array(32), frankingSignatureCiphersuite: 1, frankingIntegritySignature: new Uint8Array(64) };
    const base = { hub: 'a.example', roomId: ROOM, txn: 't1' };
    const send = async (e: LogEvent): Promise<string> => {
      try {
        await follower.notify('a.example', { ...base, events: [e] });
        return 'ok';
      } catch (err) {
        if (err instanceof MimiError) return err.code;
        throw err;
      }
    };
    expect(await send({ seq: 1, hubTime: 1, kind: 'commit', sender: BOB, message: appMessage(0, 'c'), frank })).toBe('delivery/bad-request');
    expect(await send({ seq: 1, hubTime: 1, kind: 'erased', sender: '', message: new Uint8Array(0), frank })).toBe('delivery/bad-request');
    expect(await send({ seq: 1, hubTime: 1, kind: 'message', sender: BOB, message: appMessage(0, 'm'), frank: { ...frank, serverFrank: new Uint8Array(31) } })).toBe('delivery/bad-request');
    expect(await send({ seq: 1, hubTime: 1, kind: 'message', sender: BOB, message: appMessage(0, 'm'), frank })).toBe('ok');
  });
});

const pgAvailable = postgresAvailable('the PostgreSQL franking tests');

describe('stores keep the frank (HT19)', () => {
  const dirs: string[] = [];
  let server: PgServer | undefined;
  beforeAll(async () => {
    if (pgAvailable) server = await startPostgres({ fsync: false });
  });
  afterAll(async () => {
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    await server?.stop();
  });
  const frank: Frank = { serverFrank: Uint8Array.from({ length: 32 }, (_, i) => i), frankingSignatureCiphersuite: 1, frankingIntegritySignature: Uint8Array.from({ length: 64 }, (_, i) => 255 - i) };
  const stores: [string, () => Promise<DeliveryStore>][] = [
    ['memory', async () => new MemoryStore()],
    ['sqlite', async () => new SqliteStore({ file: ':memory:' })],
    ...(pgAvailable ? [['postgres', async () => openPostgresStore({ connectionString: server!.url, schema: await server!.freshSchema() })] as [string, () => Promise<DeliveryStore>]] : []),
  ];
  for (const [name, open] of stores) {
    it(`${name}: append, read, insert (same frank duplicate, other frank conflict), tombstone`, async () => {
      const s = await open();
      const m = appMessage(0, 'm');
      await s.transaction(async (tx) => {
        await tx.appendMany(new Map([[ROOM, [{ hubTime: 5, kind: 'message' as const, sender: BOB, message: m, frank }, { hubTime: 5, kind: 'message' as const, sender: BOB, message: m }]]]));
        const [a, b] = await tx.events(ROOM, 0, 10);
        expect(a!.frank).toEqual(frank);
        expect(b!.frank).toBeUndefined();
        expect((await tx.eventsMany([{ roomId: ROOM, after: 0, limit: 1 }])).get(ROOM)![0]!.frank).toEqual(frank);
        expect(await tx.insertEvent('copy', { seq: 3, hubTime: 5, kind: 'message', sender: BOB, message: m, frank })).toBe('inserted');
        expect(await tx.insertEvent('copy', { seq: 3, hubTime: 5, kind: 'message', sender: BOB, message: m, frank })).toBe('duplicate');
        expect(await tx.insertEvent('copy', { seq: 3, hubTime: 5, kind: 'message', sender: BOB, message: m })).toBe('conflict');
        expect(await tx.tombstoneEvents({ sender: BOB })).toBe(3);
        expect((await tx.events(ROOM, 0, 1))[0]!.frank).toBeUndefined();
      });
      await s.close();
    });
  }

  it('sqlite: a version 2 data file (no frank column) is upgraded on open and keeps its events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-frank-'));
    dirs.push(dir);
    const file = join(dir, 'v2.sqlite');
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string) => { exec(s: string): void; pragma(s: string): unknown; prepare(s: string): { run(...a: unknown[]): unknown }; close(): void };
    const db = new Database(file);
    // The version 2 schema as released (src/delivery/store/sqlite.ts before HT19).
    db.exec(`CREATE TABLE kv (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE rooms (room_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE events (room_id TEXT NOT NULL, seq INTEGER NOT NULL, hub_time INTEGER NOT NULL, kind TEXT NOT NULL,
  sender TEXT NOT NULL, message BLOB NOT NULL, expires INTEGER, PRIMARY KEY (room_id, seq)) WITHOUT ROWID;
CREATE TABLE clients (user TEXT NOT NULL, client TEXT NOT NULL, PRIMARY KEY (user, client)) WITHOUT ROWID;
CREATE TABLE key_packages (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, client TEXT NOT NULL, key_package BLOB NOT NULL);`);
    db.prepare('INSERT INTO rooms (room_id, last_seq) VALUES (?, 1)').run(ROOM);
    db.prepare("INSERT INTO events (room_id, seq, hub_time, kind, sender, message, expires) VALUES (?, 1, 7, 'message', ?, ?, NULL)").run(ROOM, BOB, Buffer.from(appMessage(0, 'old')));
    db.pragma('user_version = 2');
    db.close();
    const s = new SqliteStore({ file });
    const [old] = await s.transaction((tx) => tx.events(ROOM, 0, 10));
    expect(old).toEqual({ seq: 1, hubTime: 7, kind: 'message', sender: BOB, message: appMessage(0, 'old') });
    await s.transaction((tx) => tx.appendEvent(ROOM, { hubTime: 8, kind: 'message', sender: BOB, message: appMessage(0, 'new'), frank }));
    await s.close();
    const again = new SqliteStore({ file });
    expect((await again.transaction((tx) => tx.events(ROOM, 1, 10)))[0]!.frank).toEqual(frank);
    await again.close();
  });

  it.skipIf(!pgAvailable)('postgres: migration 2 adds the frank column to a database at version 1, whose events stay readable', async () => {
    const schema = await server!.freshSchema();
    const c = new pg.Client({ connectionString: server!.url });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
      await c.query('CREATE TABLE mimi_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      await c.query(MIGRATIONS[0]!.sql);
      await c.query('INSERT INTO mimi_migrations (version, name) VALUES (1, $1)', [MIGRATIONS[0]!.name]);
      await c.query('INSERT INTO rooms (room_id, last_seq) VALUES ($1, 1)', [ROOM]);
      await c.query("INSERT INTO events (room_id, seq, hub_time, kind, sender, message) VALUES ($1, 1, 7, 'message', $2, $3)", [ROOM, BOB, Buffer.from(appMessage(0, 'old'))]);
    } finally {
      await c.end();
    }
    const s = await openPostgresStore({ connectionString: server!.url, schema });
    expect(await s.transaction((tx) => tx.events(ROOM, 0, 10))).toEqual([{ seq: 1, hubTime: 7, kind: 'message', sender: BOB, message: appMessage(0, 'old') }]);
    await s.transaction((tx) => tx.appendEvent(ROOM, { hubTime: 8, kind: 'message', sender: BOB, message: appMessage(0, 'new'), frank }));
    expect((await s.transaction((tx) => tx.events(ROOM, 1, 10)))[0]!.frank).toEqual(frank);
    await s.close();
  });
});

describe('end to end: a MimiRoom sender, the hub, a receiving member (draft "Receiver verification of frank")', () => {
  it('the frank checks with the franking_agent of the GroupContext; a tampered frank or message fails', async () => {
    const ROOM_URI = 'mimi://a.example/r/franked';
    const CAROL = 'mimi://b.example/u/carol';
    const trust = new TrustStore();
    const a1 = await client(trust, ALICE, '1');
    const c1 = await client(trust, CAROL, '1');
    // The room publishes the hub's franking key: franking_agent (0x0021) = FrankingAgentData, credential naming the hub.
    const agentData = encodeFrankingAgent({ frankingSignatureKey: franking.frankingPublicKey, credential: basicCredential(enc.encode('mimi://a.example')) });
    const st = createRoomState({ preset: 'cooperative', creator: ALICE, roomUri: ROOM_URI, name: 'Franked' });
    const roomState = { ...st, otherComponents: [{ componentId: FRANKING_SIGNATURE_KEY_COMPONENT_ID, data: agentData }] };
    let alice = await createRoom({ identity: a1, roomUri: ROOM_URI, roomState, verifier: trust.verifier });
    const kp = await generateKeyPackage(c1);
    const out = await alice.addParticipant(CAROL, 2, [kp.keyPackage]);
    alice = out.room;
    let carol = await joinFromWelcome({ welcome: out.welcome!, keyPackage: kp, verifier: trust.verifier });

    const clock = new FakeClock(1_700_000_123_000);
    const store = new MemoryStore();
    const hub = new Hub({ domain: 'a.example', store, clock, checker: new MlsUpdateChecker(), transport: { notify: async () => undefined }, franking });
    await hub.createRoom(ROOM_URI, mlsRoomSnapshot(alice.groupView(), Number(alice.epoch)));

    // Sender ("Client creation and sending"): senderUri and roomUri in the content, franking_tag = HMAC(salt, content) in frank_aad.
    const contentBytes = encodeContent(markdown('report me', { senderUri: ALICE, roomUri: ROOM_URI }));
    const tagOfContent = hmac(sha256, decodeContent(contentBytes).salt, contentBytes);
    const aad = encodeSafeAad([{ componentId: FRANK_AAD_COMPONENT_ID, data: encodeFrankAad(tagOfContent) }]);
    const sent = await alice.encryptContent(contentBytes, { authenticatedData: aad });
    const r = await hub.submitMessage(ROOM_URI, { message: sent.message, sendingUri: ALICE });
    expect(r.code).toBe('accepted');
    const [event] = await store.transaction((tx) => tx.events(ROOM_URI, 0, 10));
    expect(event!.frank).toBeDefined();
    expect(Buffer.from(event!.frank!.serverFrank).toString('hex')).toBe(Buffer.from(expectedServerFrank(tagOfContent, ALICE, ROOM_URI, 1_700_000_123_000)).toString('hex'));

    // Receiver: decrypt, read the franking_tag from the (now authenticated) AAD, the agent from the GroupContext.
    const got = await carol.decryptContent(event!.message, { hubTimestamp: event!.hubTime });
    carol = got.room;
    const agentComponent = carol.roomState.otherComponents.find((c) => c.componentId === FRANKING_SIGNATURE_KEY_COMPONENT_ID)!;
    const frankingAgent = decodeFrankingAgent(agentComponent.data);
    const receivedTag = frankingTagFromAad(privateMessageAad(event!.message)!)!;
    expect(receivedTag).toEqual(frankingTag(decodeContent(got.contentBytes).salt, got.contentBytes));
    const input = {
      frank: event!.frank!,
      frankingTag: receivedTag,
      applicationData: got.contentBytes,
      acceptedTimestamp: BigInt(event!.hubTime),
      groupCipherSuite: 1, // MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, every mimi-kit room's
      frankingAgent,
      hubDomain: 'a.example',
      credentialSenderUri: got.senderUserUri,
      roomId: ROOM_URI,
    };
    expect(checkFrank(input)).toEqual({ senderUri: ALICE, roomUri: ROOM_URI, acceptedTimestamp: 1_700_000_123_000n });
    // tampering: a follower moves the timestamp, flips the server_frank, or the message content is another
    expect(codeOf(() => checkFrank({ ...input, acceptedTimestamp: input.acceptedTimestamp + 1n }))).toBe('protocol/frank-signature-invalid');
    const flipped = Uint8Array.from(input.frank.serverFrank);
    flipped[0] = flipped[0]! ^ 1;
    expect(codeOf(() => checkFrank({ ...input, frank: { ...input.frank, serverFrank: flipped } }))).toBe('protocol/frank-signature-invalid');
    const other = encodeContent(markdown('not what was sent', { senderUri: ALICE, roomUri: ROOM_URI }));
    expect(codeOf(() => checkFrank({ ...input, applicationData: other }))).toBe('protocol/franking-tag-mismatch');
    expect(codeOf(() => checkFrank({ ...input, hubDomain: 'c.example' }))).toBe('protocol/frank-agent-mismatch');
  });
});
