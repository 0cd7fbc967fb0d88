import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../../src/cbor/index.js';
import {
  MessageStatus,
  bytesToHex,
  decodeStatusReport,
  encodeStatusReport,
  safeDecodeStatusReport,
  statusFromJson,
  statusName,
  statusToJson,
} from '../../src/content/index.js';
import { hex } from './helpers.js';
import { statusExampleBytes } from '../support/examples.js';

const bytes = statusExampleBytes();

describe('message status (draft-mahy-mimi-message-status)', () => {
  it('status.cbor round-trips and matches status.edn', () => {
    const r = decodeStatusReport(bytes);
    expect(r.map((e) => [bytesToHex(e.messageId), e.status])).toEqual([
      ['017ce54837404c3696e0c747b985cb172716d0ed0a3d249ca63ace7d82a096f4', 2],
      ['015354973c2b65ca937bf1e035ae53a5ab80e947afa43d46920d4202e5cc0b27', 2],
      ['018d825adf9f6be00dcafc5704c4102f5022e74219d0b603e4ba7622654042af', 0],
      ['01e59db8173939facc2c8a4a0f0ae8d0c7a11a81239626630c9464a8d6717a03', 3],
    ]);
    expect(encodeStatusReport(r)).toEqual(bytes);
    expect(statusName(r[3]!.status)).toBe('expired');
    expect(MessageStatus.read).toBe(2);
    expect(statusFromJson(JSON.stringify(statusToJson(r)))).toEqual(r);
  });

  it('keeps unknown statuses 7..255', () => {
    const id = hex('01'.repeat(32));
    const b = encodeStatusReport([{ messageId: id, status: 200 }]);
    expect(bytesToHex(b)).toBe('81825820' + '01'.repeat(32) + '18c8');
    expect(decodeStatusReport(b)[0]!.status).toBe(200);
    expect(statusName(200)).toBeUndefined();
    expect(decodeStatusReport(new Uint8Array([0x80]))).toEqual([]);
  });

  it('error codes', () => {
    const id = new Uint8Array(32);
    const code = (b: Uint8Array) => {
      const r = safeDecodeStatusReport(b);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(encodeCbor(new Map()))).toBe('status/bad-structure');
    expect(code(encodeCbor([[id]]))).toBe('status/bad-structure');
    expect(code(encodeCbor([[new Uint8Array(31), 1]]))).toBe('status/invalid-message-id');
    expect(code(encodeCbor([[id, 256]]))).toBe('status/invalid-status');
    expect(code(encodeCbor([[id, -1]]))).toBe('status/invalid-status');
    expect(code(new Uint8Array([0x81]))).toBe('cbor/truncated');
    expect(() => encodeStatusReport([{ messageId: id, status: 1.5 }])).toThrow(expect.objectContaining({ code: 'status/invalid-status', path: [0, 'status'] }));
    expect(() => statusFromJson('[{"messageId":"zz","status":1}]')).toThrow(expect.objectContaining({ code: 'json/invalid-hex' }));
    expect(() => statusFromJson('{')).toThrow(expect.objectContaining({ code: 'json/syntax' }));
    expect(() => statusFromJson({})).toThrow(expect.objectContaining({ code: 'json/bad-structure' }));
  });
});
