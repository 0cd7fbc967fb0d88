// The readable log format: a pino JSON record becomes one line with the UTC time, the level, the provider, the
// message and the fields; strings with spaces are quoted, other values as JSON. Expected lines written by hand.
import { describe, expect, it } from 'vitest';
import { createLogger, textLine } from '../../src/provider/logger.js';

describe('textLine', () => {
  it('formats a request record', () => {
    const json = JSON.stringify({ level: 30, time: Date.UTC(2026, 11, 2, 9, 5, 7, 42), domain: 'a.example', msg: 'request', endpoint: 'notify', peer: 'b.example', status: 201, ms: 1.8 });
    expect(textLine(json)).toBe('09:05:07.042 INFO  a.example request endpoint=notify peer=b.example status=201 ms=1.8');
  });

  it('quotes strings with spaces, writes arrays and null as JSON, keeps a non-JSON line as it is', () => {
    const json = JSON.stringify({ level: 50, time: 0, msg: 'stopped', store: 'memory: (nothing kept)', peers: ['b.example'], peer: null });
    expect(textLine(json)).toBe('00:00:00.000 ERROR stopped store="memory: (nothing kept)" peers=["b.example"] peer=null');
    expect(textLine('not json\n')).toBe('not json');
  });
});

describe('createLogger', () => {
  it('writes JSON lines or text lines at the level asked for', () => {
    const json: string[] = [];
    const text: string[] = [];
    const a = createLogger({ level: 'info', write: (l) => json.push(l), base: { domain: 'a.example' } });
    const b = createLogger({ level: 'warn', format: 'text', write: (l) => text.push(l) });
    a.debug('hidden');
    a.info({ status: 200 }, 'request');
    b.info('hidden');
    b.warn({ code: 'provider/unknown-peer' }, 'send failed');
    expect(json).toHaveLength(1);
    expect(JSON.parse(json[0]!)).toMatchObject({ level: 30, domain: 'a.example', msg: 'request', status: 200 });
    expect(text).toHaveLength(1);
    expect(text[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  send failed code=provider\/unknown-peer\n$/);
  });
});
