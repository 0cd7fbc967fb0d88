/**
 * KeyMaterialStore matched to the requester (draft-ietf-mimi-protocol-06 "Fetch Key Material", RFC 9420
 * §7.3 / §11.1; docs/decisions.md HT10, DL7) with real KeyPackages made by ts-mls, on memory and SQLite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyMaterialStore, MemoryStore, type DeliveryStore } from '../../src/delivery/index.js';
import { openSqliteStore } from '../../src/delivery/store/sqlite.js';
import { MimiError } from '../../src/errors.js';
import { adapterKeyPackage, handKeyPackage, tsMlsKeyPackage } from './keyPackageFixtures.js';
import { FakeClock } from './support.js';
import { asyncCode as code } from '../support/errorCode.js';

const BOB = 'mimi://b.example/u/bob';
const PHONE = 'mimi://b.example/d/bob/phone';
const LAPTOP = 'mimi://b.example/d/bob/laptop';
const TABLET = 'mimi://b.example/d/bob/tablet';
const NONE = { extensionTypes: [], proposalTypes: [], credentialTypes: [] };

const root = mkdtempSync(join(tmpdir(), 'mimi-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const stores: [string, () => DeliveryStore][] = [
  ['memory', () => new MemoryStore()],
  ['sqlite', () => openSqliteStore({ directory: join(root, String(n++)) })],
];

describe.each(stores)('KeyMaterialStore matching (%s)', (_name, open) => {
  it('takes per client the oldest package of an acceptable suite; the others stay', async () => {
    const keys = new KeyMaterialStore(open());
    const p1 = await tsMlsKeyPackage(PHONE, { suite: 1 });
    const p2 = await tsMlsKeyPackage(PHONE, { suite: 2 });
    const p7 = await tsMlsKeyPackage(PHONE, { suite: 7 });
    for (const kp of [p1, p2, p7]) await keys.publish(BOB, PHONE, kp);
    // suite 2 only: the middle one, although p1 is older
    expect(await keys.claim(BOB, { acceptableCiphersuites: [2] })).toEqual({ userStatus: 'success', userUri: BOB, clients: [{ clientStatus: 'success', clientUri: PHONE, keyPackage: p2 }] });
    // 2 or 7: p2 is gone, p7 is the oldest fitting one
    expect((await keys.claim(BOB, { acceptableCiphersuites: [2, 7] })).clients).toEqual([{ clientStatus: 'success', clientUri: PHONE, keyPackage: p7 }]);
    // nothing of suite 2 or 7 is left: the client is nothingCompatible with the capabilities of its newest package (p1)
    expect(await keys.claim(BOB, { acceptableCiphersuites: [2, 7] })).toEqual({
      userStatus: 'noCompatibleMaterial',
      userUri: BOB,
      clients: [{ clientStatus: 'nothingCompatible', clientUri: PHONE, clientCapabilities: { versions: [1], cipherSuites: [1], extensions: [], proposals: [], credentials: [1] } }],
    });
    // p1 was never removed
    expect((await keys.claim(BOB)).clients).toEqual([{ clientStatus: 'success', clientUri: PHONE, keyPackage: p1 }]);
    expect((await keys.claim(BOB)).clients).toEqual([{ clientStatus: 'keyMaterialExhausted', clientUri: PHONE }]);
  });

  it('required capabilities (RFC 9420 §11.1): success, partialSuccess and noCompatibleMaterial', async () => {
    const keys = new KeyMaterialStore(open());
    const withExt = await tsMlsKeyPackage(PHONE, { extensions: [0xf001], proposals: [0xf002] });
    const plain = await tsMlsKeyPackage(LAPTOP, {});
    const adapter = await adapterKeyPackage(BOB, TABLET); // lists app_data_dictionary (6) and one GREASE value per list
    await keys.publish(BOB, PHONE, withExt);
    await keys.publish(BOB, LAPTOP, plain);
    await keys.publish(BOB, TABLET, adapter);
    const needsF001 = { acceptableCiphersuites: [1], requiredCapabilities: { ...NONE, extensionTypes: [0xf001], proposalTypes: [0xf002] } };
    const got = await keys.claim(BOB, needsF001);
    expect(got.userStatus).toBe('partialSuccess');
    expect(got.clients.map((c) => [c.clientUri, c.clientStatus])).toEqual([
      [LAPTOP, 'nothingCompatible'],
      [PHONE, 'success'],
      [TABLET, 'nothingCompatible'],
    ]);
    const tablet = got.clients[2] as Extract<(typeof got.clients)[number], { clientStatus: 'nothingCompatible' }>;
    expect(tablet.clientCapabilities?.extensions).toContain(6);
    expect(tablet.clientCapabilities?.cipherSuites).toContain(1);
    // default types (extension 1..5, proposal 1..7) are required of nobody's capabilities: every client fits
    const defaults = await keys.claim(BOB, { acceptableCiphersuites: [1], requiredCapabilities: { extensionTypes: [2, 3], proposalTypes: [1, 7], credentialTypes: [1] } });
    expect(defaults.userStatus).toBe('partialSuccess'); // the phone is exhausted now
    expect(defaults.clients.map((c) => c.clientStatus)).toEqual(['success', 'keyMaterialExhausted', 'success']);
    expect(await keys.claim(BOB, needsF001)).toEqual({
      userStatus: 'noCompatibleMaterial',
      userUri: BOB,
      clients: [
        { clientStatus: 'keyMaterialExhausted', clientUri: LAPTOP },
        { clientStatus: 'keyMaterialExhausted', clientUri: PHONE },
        { clientStatus: 'keyMaterialExhausted', clientUri: TABLET },
      ],
    });
  });

  it('lifetime at the clock given: not yet valid and expired packages are never handed out (HT10)', async () => {
    const clock = new FakeClock(150_000); // 150 s
    const keys = new KeyMaterialStore(open(), {}, clock);
    const early = await tsMlsKeyPackage(PHONE, { notBefore: 200n, notAfter: 300n });
    const now = await tsMlsKeyPackage(PHONE, { notBefore: 100n, notAfter: 150n });
    await keys.publish(BOB, PHONE, early);
    await keys.publish(BOB, PHONE, now);
    expect((await keys.claim(BOB)).clients).toEqual([{ clientStatus: 'success', clientUri: PHONE, keyPackage: now }]);
    // only `early` is left: not valid before 200 s, and it is no key material before then (exhausted, not nothingCompatible)
    expect((await keys.claim(BOB)).clients).toEqual([{ clientStatus: 'keyMaterialExhausted', clientUri: PHONE }]);
    clock.t = 200_999; // 200.999 s: floor to 200 s, the first valid second
    expect((await keys.claim(BOB)).clients).toEqual([{ clientStatus: 'success', clientUri: PHONE, keyPackage: early }]);
    await keys.publish(BOB, PHONE, await tsMlsKeyPackage(PHONE, { notBefore: 0n, notAfter: 100n }));
    expect((await keys.claim(BOB)).clients).toEqual([{ clientStatus: 'keyMaterialExhausted', clientUri: PHONE }]);
  });

  it('a claim removes the expired packages it meets; one not valid yet stays (the store holds only what may still be used)', async () => {
    const clock = new FakeClock(150_000); // 150 s
    const store = open();
    const keys = new KeyMaterialStore(store, {}, clock);
    const expired = await tsMlsKeyPackage(PHONE, { notBefore: 0n, notAfter: 100n });
    const later = await tsMlsKeyPackage(PHONE, { notBefore: 200n, notAfter: 300n });
    await keys.publish(BOB, PHONE, expired);
    await keys.publish(BOB, PHONE, later);
    expect((await keys.claim(BOB)).clients).toEqual([{ clientStatus: 'keyMaterialExhausted', clientUri: PHONE }]);
    // What the store still holds, read without judging (every package taken, oldest first): only `later`.
    const held = await store.transaction((tx) => tx.claimKeyPackages(BOB, () => 'take'));
    expect(held.claimed).toEqual([{ client: PHONE, keyPackage: later }]);
    expect((await store.transaction((tx) => tx.claimKeyPackages(BOB, () => 'take'))).claimed).toEqual([]);
  });

  it('adapter KeyPackages are valid at the system clock by default', async () => {
    const keys = new KeyMaterialStore(open());
    const kp = await adapterKeyPackage(BOB, PHONE);
    await keys.publish(BOB, PHONE, kp);
    expect(await keys.claim(BOB, { acceptableCiphersuites: [1], requiredCapabilities: { ...NONE, extensionTypes: [6], credentialTypes: [1] } })).toEqual({
      userStatus: 'success',
      userUri: BOB,
      clients: [{ clientStatus: 'success', clientUri: PHONE, keyPackage: kp }],
    });
    expect((await keys.claim('mimi://b.example/u/nobody')).userStatus).toBe('userUnknown');
  });

  it('publish refuses what is not a bare KeyPackage, and stores nothing', async () => {
    const keys = new KeyMaterialStore(open());
    const good = handKeyPackage();
    const refused = [
      new Uint8Array([1, 2, 3]),
      new Uint8Array([0, 1, 0, 5, ...good]), // an MLSMessage, not the bare KeyPackage
      new Uint8Array([...good, 0]),
      handKeyPackage({ version: 2 }),
      handKeyPackage({ source: 2 }),
    ];
    for (const bytes of refused) expect(await code(keys.publish(BOB, PHONE, bytes))).toBe('delivery/bad-request');
    const e = await keys.publish(BOB, PHONE, new Uint8Array([...good, 0])).catch((x: unknown) => x);
    expect((e as MimiError).cause).toBeInstanceOf(MimiError);
    expect(((e as MimiError).cause as MimiError).code).toBe('protocol/trailing-bytes');
    expect(await keys.claim(BOB)).toEqual({ userStatus: 'userUnknown', userUri: BOB, clients: [] });
  });
});
