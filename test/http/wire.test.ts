// The SequencedNotify and history bodies (docs/decisions.md HT2, HT3), checked against bytes written here
// field by field from their struct text (RFC 9420 varints, the draft's FanoutMessage layout).
import { describe, expect, it } from 'vitest';
import {
  decodeHistoryRequest,
  decodeHistoryResponse,
  decodeSequencedNotify,
  encodeHistoryRequest,
  encodeHistoryResponse,
  encodeSequencedNotify,
} from '../../src/http/index.js';
import { decodeFanoutMessages } from '../../src/protocol/index.js';
import { BOB, appMessage, commitMessage, vectorHex } from './support.js';
import { syncCode as code } from '../support/errorCode.js';

const enc = new TextEncoder();
const u64 = (n: bigint) => Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(8 * (7 - i))) & 0xffn));
const opaque = (b: ArrayLike<number>) => {
  const n = b.length;
  const len = n < 64 ? [n] : [0x40 | (n >> 8), n & 0xff];
  return [...len, ...Array.from(b)];
};
const hex = (b: ArrayLike<number>) => Buffer.from(Uint8Array.from(b)).toString('hex');

describe('SequencedNotify', () => {
  const app = appMessage(4, 'hi');
  const commit = commitMessage(4, BOB);
  const events = [
    { seq: 7, hubTime: 1_700_000_000_000, kind: 'message' as const, sender: BOB, message: app },
    { seq: 8, hubTime: 1_700_000_000_005, kind: 'commit' as const, sender: BOB, message: commit },
  ];
  // SequencedFanoutMessage = uint64 sequence, uint8 type fanout (1), IdentifierUri sender, optional<uint64> expires
  // (absent: 0), FanoutMessage (uint64 timestamp, MLSMessage, then `optional Frank` (absent: 0) for an application
  // message or `MLSMessage externalProposals<V>` (empty: 0) for a commit). SequencedNotify = opaque transactionId<V>,
  // optional<uint64> historySeconds (absent: 0), SequencedFanoutMessage messages<V>.
  const first = [...u64(7n), 1, ...opaque(enc.encode(BOB)), 0, ...u64(1_700_000_000_000n), ...app, 0];
  const second = [...u64(8n), 1, ...opaque(enc.encode(BOB)), 0, ...u64(1_700_000_000_005n), ...commit, 0];
  const expected = [...opaque(enc.encode('a.example r 7-8')), 0, ...opaque([...first, ...second])];

  it('encodes field by field as its struct says, and decodes back', () => {
    const body = encodeSequencedNotify({ txn: 'a.example r 7-8', events });
    expect(hex(body)).toBe(hex(expected));
    const back = decodeSequencedNotify(body);
    expect(back.txn).toBe('a.example r 7-8');
    expect(back.events).toEqual(events);
  });

  it('carries the draft FanoutMessage unchanged after the sequence number and sender', () => {
    const fanout = first.slice(8 + 1 + 1 + BOB.length + 1);
    const [m] = decodeFanoutMessages(Uint8Array.from(fanout));
    expect(m).toMatchObject({ kind: 'application', timestamp: 1_700_000_000_000n });
    expect(hex(m!.message.bytes)).toBe(hex(app));
  });

  it('a non-ASCII or long sender and transaction id travel as their UTF-8 bytes', () => {
    const sender = 'mimi://b.example/u/zoë'; // ë is C3 AB
    const long = `mimi://b.example/u/${'l'.repeat(60)}`; // 79 bytes: a two-byte length
    const evs = [{ ...events[0]!, sender }, { ...events[1]!, sender: long }];
    const a = [...u64(7n), 1, ...opaque(enc.encode(sender)), 0, ...u64(1_700_000_000_000n), ...app, 0];
    const b = [...u64(8n), 1, ...opaque(enc.encode(long)), 0, ...u64(1_700_000_000_005n), ...commit, 0];
    const body = encodeSequencedNotify({ txn: 'é 7-8', events: evs });
    expect(hex(body)).toBe(hex([...opaque([0xc3, 0xa9, 0x20, 0x37, 0x2d, 0x38]), 0, ...opaque([...a, ...b])]));
    expect(decodeSequencedNotify(body).events).toEqual(evs);
  });

  it('refuses numbers a uint64 cannot carry, as before', () => {
    expect(code(() => encodeSequencedNotify({ txn: 't', events: [{ ...events[0]!, seq: -1 }] }))).toBe('protocol/value-out-of-range');
    expect(code(() => encodeSequencedNotify({ txn: 't', events: [{ ...events[0]!, hubTime: -5 }] }))).toBe('protocol/value-out-of-range');
    expect(() => encodeSequencedNotify({ txn: 't', events: [{ ...events[0]!, seq: 1.5 }] })).toThrow(RangeError);
  });

  it('refuses an empty list, trailing bytes, numbers beyond 2^53, and fanouts no delivery event can hold', () => {
    expect(code(() => decodeSequencedNotify(Uint8Array.from([...opaque([0x74]), 0, 0])))).toBe('protocol/empty-list');
    expect(code(() => decodeSequencedNotify(Uint8Array.from([...expected, 0])))).toBe('protocol/trailing-bytes');
    const huge = [...u64(1n << 60n), ...first.slice(8)];
    expect(code(() => decodeSequencedNotify(Uint8Array.from([...opaque([0x74]), 0, ...opaque(huge)])))).toBe('delivery/bad-request');
    // a proposal FanoutMessage with more proposals, from the protocol vectors (the draft's fanout-proposal body)
    const proposal = Array.from(vectorHex('fanout-proposal'));
    expect(code(() => decodeSequencedNotify(Uint8Array.from([...opaque([0x74]), 0, ...opaque([...u64(1n), 1, ...opaque(enc.encode(BOB)), 0, ...proposal])])))).toBe('delivery/bad-request');
    // an unknown SequencedEventType
    expect(code(() => decodeSequencedNotify(Uint8Array.from([...opaque([0x74]), 0, ...opaque([...u64(1n), 3, ...u64(5n)])])))).toBe('delivery/bad-request');
    // an event whose bytes are no MLSMessage cannot be encoded
    expect(code(() => encodeSequencedNotify({ txn: 't', events: [{ ...events[0]!, message: new Uint8Array([9, 9]) }] }))).toMatch(/^protocol\//);
  });
});

describe('HistoryRequest / HistoryResponse', () => {
  it('HistoryRequest is uint64 after, uint32 limit', () => {
    expect(hex(encodeHistoryRequest(5, 300))).toBe(hex([...u64(5n), 0, 0, 1, 44]));
    expect(decodeHistoryRequest(Uint8Array.from([...u64(5n), 0, 0, 1, 44]))).toEqual({ after: 5, limit: 300 });
    expect(code(() => decodeHistoryRequest(Uint8Array.from([...u64(5n), 0, 0])))).toBe('protocol/truncated');
    expect(code(() => decodeHistoryRequest(new Uint8Array(100)))).toBe('protocol/body-too-large');
  });

  it('HistoryResponse is uint64 firstAvailable, bool complete, SequencedFanoutMessage messages<V>', () => {
    expect(hex(encodeHistoryResponse({ events: [], complete: true, firstAvailable: 1 }))).toBe(hex([...u64(1n), 1, 0]));
    const e = { seq: 3, hubTime: 9, kind: 'message' as const, sender: BOB, message: appMessage(0, 'x') };
    const body = encodeHistoryResponse({ events: [e], complete: false, firstAvailable: 2 });
    const item = [...u64(3n), 1, ...opaque(enc.encode(BOB)), 0, ...u64(9n), ...e.message, 0];
    expect(hex(body)).toBe(hex([...u64(2n), 0, ...opaque(item)]));
    expect(decodeHistoryResponse(body)).toEqual({ events: [e], complete: false, firstAvailable: 2 });
    expect(code(() => decodeHistoryResponse(Uint8Array.from([...u64(2n), 2, 0])))).toBe('protocol/bad-enum');
  });
});

describe('HT14: tombstones, expiry and the history window on the wire', () => {
  const app = appMessage(2, 'soon gone');
  it('a tombstone is uint64 sequence, type erased (2), uint64 timestamp, and decodes to an erased event', () => {
    const t = { seq: 5, hubTime: 1_700_000_000_123, kind: 'erased' as const, sender: '', message: new Uint8Array(0) };
    const body = encodeSequencedNotify({ txn: 'x', events: [t] });
    const item = [...u64(5n), 2, ...u64(1_700_000_000_123n)];
    expect(hex(body)).toBe(hex([...opaque(enc.encode('x')), 0, ...opaque(item)]));
    expect(decodeSequencedNotify(body).events).toEqual([t]);
    const page = encodeHistoryResponse({ events: [t], complete: true, firstAvailable: 1 });
    expect(hex(page)).toBe(hex([...u64(1n), 1, ...opaque(item)]));
    expect(decodeHistoryResponse(page).events).toEqual([t]);
  });

  it('expires and historySeconds travel as optional<uint64>', () => {
    const e = { seq: 1, hubTime: 10, kind: 'message' as const, sender: BOB, message: app, expires: 1_700_000_999_000 };
    const body = encodeSequencedNotify({ txn: 'y', events: [e], historySeconds: 3600 });
    const item = [...u64(1n), 1, ...opaque(enc.encode(BOB)), 1, ...u64(1_700_000_999_000n), ...u64(10n), ...app, 0];
    expect(hex(body)).toBe(hex([...opaque(enc.encode('y')), 1, ...u64(3600n), ...opaque(item)]));
    expect(decodeSequencedNotify(body)).toEqual({ txn: 'y', events: [e], historySeconds: 3600 });
    // a presence octet other than 0 or 1 is refused
    expect(code(() => decodeSequencedNotify(Uint8Array.from([...opaque(enc.encode('y')), 2, ...u64(3600n), ...opaque(item)])))).toMatch(/^protocol\//);
  });
});

describe('HT19: the hub frank travels in the FanoutMessage of a message event', () => {
  const app = appMessage(3, 'franked');
  const frank = {
    serverFrank: Uint8Array.from({ length: 32 }, (_, i) => i + 1),
    frankingSignatureCiphersuite: 1,
    frankingIntegritySignature: Uint8Array.from({ length: 64 }, (_, i) => 0xa0 ^ i),
  };
  // Frank = uint8 server_frank[32], CipherSuite (uint16), opaque franking_integrity_signature<V> (64: varint 0x40 0x40),
  // after the presence octet 1 of the application arm's `optional Frank`.
  const frankBytes = [1, ...frank.serverFrank, 0x00, 0x01, 0x40, 0x40, ...frank.frankingIntegritySignature];
  const e = { seq: 9, hubTime: 1_700_000_000_042, kind: 'message' as const, sender: BOB, message: app, frank };
  const item = [...u64(9n), 1, ...opaque(enc.encode(BOB)), 0, ...u64(1_700_000_000_042n), ...app, ...frankBytes];

  it('notify: encodes field by field and decodes back with the frank', () => {
    const body = encodeSequencedNotify({ txn: 'f', events: [e] });
    expect(hex(body)).toBe(hex([...opaque(enc.encode('f')), 0, ...opaque(item)]));
    expect(decodeSequencedNotify(body).events).toEqual([e]);
    // the FanoutMessage inside is the draft's, and the draft's own codec reads the frank
    const [m] = decodeFanoutMessages(Uint8Array.from(item.slice(8 + 1 + 1 + BOB.length + 1)));
    expect(m).toMatchObject({ kind: 'application', frank });
  });

  it('history: the same item in a HistoryResponse', () => {
    const page = encodeHistoryResponse({ events: [e], complete: false, firstAvailable: 1 });
    expect(hex(page)).toBe(hex([...u64(1n), 0, ...opaque(item)]));
    expect(decodeHistoryResponse(page).events).toEqual([e]);
  });

  it('decodes the protocol vector fanout-application (a FanoutMessage with a frank) as a message event', () => {
    const franked = Array.from(vectorHex('fanout-application'));
    const [f] = decodeFanoutMessages(Uint8Array.from(franked));
    const back = decodeSequencedNotify(Uint8Array.from([...opaque([0x74]), 0, ...opaque([...u64(1n), 1, ...opaque(enc.encode(BOB)), 0, ...franked])]));
    expect(back.events[0]).toMatchObject({ seq: 1, kind: 'message', frank: f!.kind === 'application' ? f!.frank : 'none' });
    expect(back.events[0]!.frank).toBeDefined();
  });

  it('refuses a frank on a commit, and a server_frank that is not 32 bytes', () => {
    const commit = commitMessage(3, BOB);
    expect(code(() => encodeSequencedNotify({ txn: 'f', events: [{ seq: 1, hubTime: 1, kind: 'commit', sender: BOB, message: commit, frank }] }))).toBe('delivery/bad-request');
    expect(code(() => encodeSequencedNotify({ txn: 'f', events: [{ ...e, frank: { ...frank, serverFrank: new Uint8Array(31) } }] }))).toMatch(/^protocol\//);
    // truncated frank: the signature length says 64, 63 bytes follow
    const cut = item.slice(0, -1);
    expect(code(() => decodeSequencedNotify(Uint8Array.from([...opaque(enc.encode('f')), 0, ...opaque(cut)])))).toMatch(/^protocol\//);
  });
});
