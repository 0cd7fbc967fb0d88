import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { checkIdentityUris, commitRequiresPath, decodeClientIdentity, encodeClientIdentity, parseMimiUri } from '../../src/mls/index.js';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('mls identity (draft-mahy-mimi-identity, RFC 9420 §2.1.2)', () => {
  it('encodes client_uri<V> || user_uri<V> with one-octet varint lengths (hand-computed)', () => {
    const user = 'mimi://a.example/u/alice'; // 24 octets
    const clientUri = 'mimi://a.example/d/alice/1'; // 26 octets
    const bytes = encodeClientIdentity(user, clientUri);
    const expected = new Uint8Array([26, ...Buffer.from(clientUri), 24, ...Buffer.from(user)]);
    expect(bytes).toEqual(expected);
    expect(decodeClientIdentity(bytes)).toEqual({ userUri: user, clientUri });
  });

  it('uses the two-octet varint form from 64 octets on (0x40 | len >> 8, len & 0xff)', () => {
    const user = `mimi://a.example/u/${'x'.repeat(60)}`; // 79 octets
    const clientUri = 'mimi://a.example/d/SvPfLlwBQi-6oddVRrkqpw/04c7';
    const bytes = encodeClientIdentity(user, clientUri);
    const c = Buffer.from(clientUri);
    expect(bytes[0]).toBe(c.length);
    expect([bytes[1 + c.length], bytes[2 + c.length]]).toEqual([0x40, 79]);
    expect(decodeClientIdentity(bytes).userUri).toBe(user);
  });

  it('refuses non-minimal lengths, trailing bytes, truncation and bad URIs', () => {
    const good = encodeClientIdentity('mimi://a.example/u/a', 'mimi://a.example/d/a/1');
    expect(code(() => decodeClientIdentity(new Uint8Array([...good, 0])))).toBe('mls/bad-identity');
    expect(code(() => decodeClientIdentity(good.subarray(0, 5)))).toBe('mls/bad-identity');
    const nonMinimal = new Uint8Array([0x40, good[0]!, ...good.subarray(1)]);
    expect(code(() => decodeClientIdentity(nonMinimal))).toBe('mls/bad-identity');
    expect(code(() => encodeClientIdentity('mimi://a.example/d/a', 'mimi://a.example/d/a/1'))).toBe('mls/bad-uri');
    expect(code(() => encodeClientIdentity('mimi://a.example/u/a', 'mimi://a.example/u/a'))).toBe('mls/bad-uri');
    // a client URI belongs to its user's provider
    expect(code(() => checkIdentityUris('mimi://a.example/u/a', 'mimi://b.example/d/a/1'))).toBe('mls/bad-uri');
    expect(parseMimiUri('mimi://A.Example/d/alice/phone')).toEqual({ provider: 'a.example', kind: 'd', segments: ['alice', 'phone'] });
    expect(parseMimiUri('https://a.example/u/a')).toBeUndefined();
  });

  it('knows which commits RFC 9420 §17.4 requires a path for', () => {
    expect(commitRequiresPath([])).toBe(true);
    expect(commitRequiresPath(['add'])).toBe(false);
    expect(commitRequiresPath(['add', 'psk'])).toBe(false);
    expect(commitRequiresPath(['add', 'group_context_extensions'])).toBe(true);
    expect(commitRequiresPath(['remove'])).toBe(true);
    expect(commitRequiresPath(['update'])).toBe(true);
  });
});
