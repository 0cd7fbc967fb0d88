// DL15: the hub's room records are decoded once per content; the cache never serves a stale record.
import { describe, expect, it } from 'vitest';
import { decodeHubRoom, encodeHubRoom, type HubRoomRecord } from '../../src/delivery/records.js';

const record = (epoch: number, members: string[]): HubRoomRecord => ({
  snapshot: { epoch, state: new Uint8Array([1, 2, 3]), members, historySeconds: 0 },
  followers: [{ domain: 'a.example', from: 1, joinedAt: 5 }],
});

describe('decodeHubRoom cache (DL15)', () => {
  it('the same bytes give the same (frozen) record; changed bytes the new one; another room its own', () => {
    const v1 = encodeHubRoom(record(0, ['mimi://a.example/u/alice']));
    const first = decodeHubRoom(v1, 'r1');
    expect(decodeHubRoom(Uint8Array.from(v1), 'r1')).toBe(first); // equal bytes in another buffer: cached
    expect(first.snapshot.members).toEqual(['mimi://a.example/u/alice']);
    expect(Object.isFrozen(first) && Object.isFrozen(first.snapshot.members) && Object.isFrozen(first.followers[0])).toBe(true);
    const v2 = encodeHubRoom(record(1, ['mimi://a.example/u/alice', 'mimi://b.example/u/bob']));
    const second = decodeHubRoom(v2, 'r1');
    expect(second).not.toBe(first);
    expect(second.snapshot).toMatchObject({ epoch: 1, members: ['mimi://a.example/u/alice', 'mimi://b.example/u/bob'] });
    // The cache compares content, so a write by someone else (another process, a restart) is never missed.
    expect(decodeHubRoom(v1, 'r1').snapshot.epoch).toBe(0);
    expect(decodeHubRoom(v2, 'r2').snapshot.epoch).toBe(1);
    // Without a room id nothing is cached: a fresh object each time.
    expect(decodeHubRoom(v1)).not.toBe(decodeHubRoom(v1));
  });

  it('records of equal length differing in one byte, at a word or in the tail, at any offset, are told apart', () => {
    // Members 'u/a…' vs 'u/b…': same length, one character apart; the JSON puts it mid-record.
    const one = encodeHubRoom(record(7, ['mimi://a.example/u/aaaa']));
    const two = encodeHubRoom(record(7, ['mimi://a.example/u/aaab']));
    const three = encodeHubRoom(record(8, ['mimi://a.example/u/aaaa'])); // the epoch digit
    expect(one.length).toBe(two.length);
    expect(one.length).toBe(three.length);
    expect(decodeHubRoom(one, 'r4').snapshot.members).toEqual(['mimi://a.example/u/aaaa']);
    expect(decodeHubRoom(two, 'r4').snapshot.members).toEqual(['mimi://a.example/u/aaab']);
    expect(decodeHubRoom(three, 'r4').snapshot.epoch).toBe(8);
    // The same bytes one byte into a larger buffer (not word-aligned): still equal, still told apart.
    const shifted = (b: Uint8Array): Uint8Array => {
      const big = new Uint8Array(b.length + 1);
      big.set(b, 1);
      return big.subarray(1);
    };
    expect(decodeHubRoom(shifted(three), 'r4').snapshot.epoch).toBe(8);
    expect(decodeHubRoom(shifted(one), 'r4').snapshot).toMatchObject({ epoch: 7, members: ['mimi://a.example/u/aaaa'] });
  });

  it('a damaged record is still delivery/corrupt-store', () => {
    expect(() => decodeHubRoom(new TextEncoder().encode('{"epoch":-1}'), 'r3')).toThrow(expect.objectContaining({ code: 'delivery/corrupt-store' }));
  });
});
