/**
 * decodeKeyPackage (RFC 9420 §10) and keyPackageFit (draft-ietf-mimi-protocol-06 "Fetch Key Material",
 * RFC 9420 §7.2 / §7.3 / §11.1 / §13.5; docs/decisions.md HT10). Expected values come from the bytes the
 * test writes from the RFC struct text, or from ts-mls's own decoder of the same KeyPackage.
 */
import { decodeMlsMessage, encodeMlsMessage } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { decodeKeyPackage, keyPackageFit, type KeyPackageView } from '../../src/protocol/index.js';
import { adapterKeyPackage, handKeyPackage, tsMlsKeyPackage, u16, u64, v } from '../delivery/keyPackageFixtures.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof MimiError ? e.code : `not a MimiError: ${String(e)}`;
  }
}

const NONE = { extensionTypes: [], proposalTypes: [], credentialTypes: [] };

describe('decodeKeyPackage', () => {
  it('reads every field of hand-built bytes', () => {
    const bytes = handKeyPackage({
      suite: 2,
      suites: [2, 0x3a3a],
      extensions: [0xf001],
      proposals: [0xf002],
      credentials: [1, 2],
      notBefore: 100n,
      notAfter: 200n,
      identity: 'mimi://b.example/d/bob/1',
      kpExtensions: [[0xf003, [1, 2, 3]]],
      leafExtensions: [[0xf004, []]],
    });
    const kp = decodeKeyPackage(bytes);
    expect(kp.version).toBe(1);
    expect(kp.cipherSuite).toBe(2);
    expect(kp.initKey).toEqual(new Uint8Array(32).fill(0x1e));
    expect(kp.leafNode.source).toBe('keyPackage');
    expect(kp.leafNode.lifetime).toEqual({ notBefore: 100n, notAfter: 200n });
    expect(kp.leafNode.capabilities).toEqual({ versions: [1], cipherSuites: [2, 0x3a3a], extensions: [0xf001], proposals: [0xf002], credentials: [1, 2] });
    expect(kp.leafNode.credential.credentialType).toBe(1);
    expect(new TextDecoder().decode(kp.leafNode.credential.identity)).toBe('mimi://b.example/d/bob/1');
    expect(kp.extensions).toEqual([{ extensionType: 0xf003, extensionData: new Uint8Array([1, 2, 3]) }]);
    expect(kp.leafNode.extensions).toEqual([{ extensionType: 0xf004, extensionData: new Uint8Array(0) }]);
    expect(kp.signature).toEqual(new Uint8Array(64).fill(0x5f));
    expect(kp.bytes).toEqual(bytes);
  });

  it('agrees with ts-mls on KeyPackages ts-mls made (adapter and direct, suites 1, 2 and 7)', async () => {
    const packages = [
      await adapterKeyPackage('mimi://b.example/u/bob', 'mimi://b.example/d/bob/1'),
      await tsMlsKeyPackage('mimi://b.example/d/bob/2', { suite: 2, extensions: [0xf001], proposals: [0xf002], notBefore: 5n, notAfter: 6n }),
      await tsMlsKeyPackage('mimi://b.example/d/bob/3', { suite: 7 }),
    ];
    for (const bare of packages) {
      const ours = decodeKeyPackage(bare);
      const msg = decodeMlsMessage(new Uint8Array([0, 1, 0, 5, ...bare]), 0)![0];
      if (msg.wireformat !== 'mls_key_package') throw new Error('not a key package');
      const theirs = msg.keyPackage;
      expect(ours.leafNode.lifetime).toEqual({ notBefore: theirs.leafNode.lifetime!.notBefore, notAfter: theirs.leafNode.lifetime!.notAfter });
      expect(ours.initKey).toEqual(theirs.initKey);
      expect(ours.signature).toEqual(theirs.signature);
      expect(ours.leafNode.capabilities.extensions).toEqual(theirs.leafNode.capabilities.extensions.map(Number));
      expect(ours.leafNode.capabilities.proposals).toEqual(theirs.leafNode.capabilities.proposals.map(Number));
      expect(ours.extensions.length).toBe(theirs.extensions.length);
      // ts-mls re-encodes the same bytes
      expect(encodeMlsMessage(msg).subarray(4)).toEqual(ours.bytes);
    }
    expect(decodeKeyPackage(packages[1]!).cipherSuite).toBe(2);
    expect(decodeKeyPackage(packages[2]!).cipherSuite).toBe(7);
    expect(decodeKeyPackage(packages[1]!).leafNode.lifetime).toEqual({ notBefore: 5n, notAfter: 6n });
  });

  it('refuses trailing bytes, truncation, bad lengths, other versions, a non-key_package leaf, duplicates, unknown credentials', () => {
    const good = handKeyPackage();
    expect(codeOf(() => decodeKeyPackage(new Uint8Array([...good, 0])))).toBe('protocol/trailing-bytes');
    expect(codeOf(() => decodeKeyPackage(good.subarray(0, good.length - 1)))).toBe('protocol/truncated');
    expect(codeOf(() => decodeKeyPackage(new Uint8Array(0)))).toBe('protocol/truncated');
    // init_key<V> with a non-minimal 2-byte length 0x40 0x20 (RFC 9420 §2.1.2: minimum encoding only)
    const nonMinimal = new Uint8Array([...good.subarray(0, 4), 0x40, 0x20, ...good.subarray(5)]);
    expect(codeOf(() => decodeKeyPackage(nonMinimal))).toBe('protocol/bad-length');
    // a length prefix 0b11 (reserved in RFC 9420 §2.1.2)
    expect(codeOf(() => decodeKeyPackage(new Uint8Array([...good.subarray(0, 4), 0xc0, ...good.subarray(5)])))).toBe('protocol/bad-length');
    expect(codeOf(() => decodeKeyPackage(handKeyPackage({ version: 2 })))).toBe('protocol/bad-mls-message');
    expect(codeOf(() => decodeKeyPackage(handKeyPackage({ source: 2 })))).toBe('protocol/bad-mls-message');
    expect(codeOf(() => decodeKeyPackage(handKeyPackage({ source: 3 })))).toBe('protocol/bad-mls-message');
    expect(codeOf(() => decodeKeyPackage(handKeyPackage({ source: 4 })))).toBe('protocol/bad-mls-message');
    expect(codeOf(() => decodeKeyPackage(handKeyPackage({ kpExtensions: [[9, []], [9, [1]]] })))).toBe('protocol/bad-mls-message');
    expect(codeOf(() => decodeKeyPackage(handKeyPackage({ leafExtensions: [[0xf0, []], [0xf0, []]] })))).toBe('protocol/bad-mls-message');
    expect(codeOf(() => decodeKeyPackage(handKeyPackage({ credentialType: 7 })))).toBe('protocol/unknown-credential-type');
    // an MLSMessage-wrapped KeyPackage is not a bare one: 00 01 00 05 reads as version 1, suite 5, then garbage
    expect(codeOf(() => decodeKeyPackage(new Uint8Array([0, 1, 0, 5, ...good])))).toBeDefined();
  });

  it('hand-built bytes match the struct layout byte for byte', () => {
    // version 1, suite 1, init_key<V> of 32 bytes: 00 01 00 01 20 1e…
    const b = handKeyPackage({ notBefore: 1n, notAfter: 2n });
    expect([...b.subarray(0, 5)]).toEqual([0, 1, 0, 1, 32]);
    expect(v([1, 2])).toEqual([2, 1, 2]);
    expect(u16(0x0a0a)).toEqual([0x0a, 0x0a]);
    expect(u64(258n)).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
  });
});

describe('keyPackageFit', () => {
  const kp = (o: Parameters<typeof handKeyPackage>[0] = {}): KeyPackageView => decodeKeyPackage(handKeyPackage(o));

  it('lifetime: not_before <= now <= not_after, both ends inclusive (RFC 9420 §7.3)', () => {
    const k = kp({ notBefore: 100n, notAfter: 200n });
    expect(keyPackageFit(k, {}, 99n)).toBe('notYetValid');
    expect(keyPackageFit(k, {}, 100n)).toBe('fits');
    expect(keyPackageFit(k, {}, 200n)).toBe('fits');
    expect(keyPackageFit(k, {}, 201n)).toBe('expired');
  });

  it('cipher suite must be acceptable; GREASE values in the list accept nothing', () => {
    const k = kp({ suite: 2, suites: [2] });
    expect(keyPackageFit(k, { acceptableCiphersuites: [1, 2] }, 0n)).toBe('fits');
    expect(keyPackageFit(k, { acceptableCiphersuites: [1] }, 0n)).toBe('cipherSuite');
    expect(keyPackageFit(k, { acceptableCiphersuites: [] }, 0n)).toBe('fits');
    expect(keyPackageFit(kp({ suite: 0x2a2a }), { acceptableCiphersuites: [0x2a2a] }, 0n)).toBe('cipherSuite');
  });

  it('required extension, proposal and credential types must be in the capabilities (RFC 9420 §11.1)', () => {
    const k = kp({ extensions: [6, 0xf001], proposals: [0x000a], credentials: [1] });
    expect(keyPackageFit(k, { requiredCapabilities: { extensionTypes: [6, 0xf001], proposalTypes: [0x000a], credentialTypes: [1] } }, 0n)).toBe('fits');
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, extensionTypes: [0xf002] } }, 0n)).toBe('extension');
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, proposalTypes: [0x0008] } }, 0n)).toBe('proposal');
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, credentialTypes: [2] } }, 0n)).toBe('credential');
  });

  it('default types (RFC 9420 §7.2) are implied; GREASE values (§13.5) are ignored on both sides', () => {
    const k = kp({ extensions: [0x4a4a], proposals: [], credentials: [1, 0x7a7a] });
    // extension types 1..5 and proposal types 1..7 are default: never listed, always supported
    expect(keyPackageFit(k, { requiredCapabilities: { extensionTypes: [1, 2, 3, 4, 5], proposalTypes: [1, 2, 3, 4, 5, 6, 7], credentialTypes: [] } }, 0n)).toBe('fits');
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, extensionTypes: [6] } }, 0n)).toBe('extension');
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, proposalTypes: [8] } }, 0n)).toBe('proposal');
    // a required GREASE value names no feature: it is ignored, whatever the leaf lists
    expect(keyPackageFit(k, { requiredCapabilities: { extensionTypes: [0x0a0a], proposalTypes: [0xeaea], credentialTypes: [0x1a1a] } }, 0n)).toBe('fits');
    // 0xFAFA is not GREASE (RFC 9420 §13.5 stops at 0xEAEA)
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, extensionTypes: [0xfafa] } }, 0n)).toBe('extension');
    // the leaf's own GREASE value supports nothing but itself
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, credentialTypes: [2] } }, 0n)).toBe('credential');
  });

  it('judges real adapter KeyPackages: suite 1, app_data_dictionary (6) and basic credentials', async () => {
    const k = decodeKeyPackage(await adapterKeyPackage('mimi://b.example/u/bob', 'mimi://b.example/d/bob/1'));
    const now = BigInt(Math.floor(Date.now() / 1000));
    expect(keyPackageFit(k, { acceptableCiphersuites: [1], requiredCapabilities: { extensionTypes: [6], proposalTypes: [], credentialTypes: [1] } }, now)).toBe('fits');
    expect(keyPackageFit(k, { acceptableCiphersuites: [2] }, now)).toBe('cipherSuite');
    expect(keyPackageFit(k, { requiredCapabilities: { ...NONE, credentialTypes: [2] } }, now)).toBe('credential');
    // the adapter's lifetime: now − 1 h … now + 84 days (src/mls/lifetime.ts, D16)
    expect(keyPackageFit(k, {}, now - 7200n)).toBe('notYetValid');
    expect(keyPackageFit(k, {}, now + 85n * 86400n)).toBe('expired');
  });
});
