import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CBOR_ERROR_CODES,
  ERROR_CODES_BY_AREA,
  MIMI_ERROR_CODES,
  asMimiError,
  decodeCbor,
  isMimiErrorCode,
  safely,
  MimiError,
  type MimiErrorCode,
} from '../../src/index.js';
import { REFUSAL_CODES } from '../../src/room/index.js';

// The prefixes each area may use: the area's own name plus the sub-formats it owns
// (hex in cbor; the JSON form and status reports in content; EDN in vectors; the demo in cli).
const PREFIXES: Record<keyof typeof ERROR_CODES_BY_AREA, readonly string[]> = {
  cbor: ['cbor', 'hex'],
  tls: ['tls'],
  content: ['content', 'json', 'status'],
  fallback: ['fallback'],
  room: ['room'],
  mls: ['mls'],
  protocol: ['protocol'],
  delivery: ['delivery'],
  http: ['http'],
  vectors: ['vectors', 'edn'],
  provider: ['provider'],
  cli: ['cli', 'demo'],
};

// The codes vectors expect: `"error"` values and the entries of `"results"` lists (room authorization).
function vectorErrorCodes(dir: string): Set<string> {
  const codes = new Set<string>();
  const collect = (v: unknown, inResults: boolean): void => {
    if (typeof v === 'string' && inResults && v.includes('/')) codes.add(v);
    else if (Array.isArray(v)) v.forEach((x) => collect(x, inResults));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'error' && typeof x === 'string') codes.add(x);
        else collect(x, k === 'results');
      }
    }
  };
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.json') && !e.parentPath.includes('schema')) collect(JSON.parse(readFileSync(join(e.parentPath, e.name), 'utf8')), false);
  }
  return codes;
}

describe('error codes as a type and as lists', () => {
  it('every code has the form area/what, a prefix of its area, a one-line meaning, and one area only', () => {
    const seen = new Set<string>();
    let total = 0;
    for (const [area, codes] of Object.entries(ERROR_CODES_BY_AREA) as [keyof typeof PREFIXES, Record<string, string>][]) {
      for (const [code, meaning] of Object.entries(codes)) {
        expect(code).toMatch(/^[a-z]+\/[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(PREFIXES[area]).toContain(code.split('/')[0]);
        expect(meaning.length).toBeGreaterThan(10);
        expect(meaning).not.toContain('\n');
        expect(seen.has(code)).toBe(false);
        seen.add(code);
        total++;
      }
    }
    expect(Object.keys(MIMI_ERROR_CODES)).toHaveLength(total);
  });

  it('lists every code the conformance vectors expect', () => {
    const named = vectorErrorCodes(join(import.meta.dirname, '..', '..', 'spec-vectors'));
    expect(named.size).toBeGreaterThan(40);
    expect([...named].filter((c) => !isMimiErrorCode(c))).toEqual([]);
  });

  it('lists every refusal code of the room engine', () => {
    expect(REFUSAL_CODES.filter((c) => !isMimiErrorCode(c))).toEqual([]);
  });

  it('isMimiErrorCode accepts only listed codes (not inherited properties)', () => {
    expect(isMimiErrorCode('cbor/truncated')).toBe(true);
    expect(isMimiErrorCode('cbor/made-up')).toBe(false);
    expect(isMimiErrorCode('constructor')).toBe(false);
    expect(isMimiErrorCode('__proto__')).toBe(false);
    expect(isMimiErrorCode('')).toBe(false);
  });

  it('a thrown error carries a listed code: 0xff alone is a break outside an indefinite item (RFC 8949 §3.2.1)', () => {
    const r = safely(() => decodeCbor(new Uint8Array([0xff])));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('cbor/unexpected-break');
    expect(CBOR_ERROR_CODES[r.error.code as keyof typeof CBOR_ERROR_CODES]).toContain('break');
  });

  it('asMimiError wraps a foreign error with the given code and passes a MimiError through', () => {
    const cause = new Error('boom');
    const wrapped = asMimiError('mls/invalid-commit', cause);
    expect(wrapped).toBeInstanceOf(MimiError);
    expect(wrapped.code).toBe('mls/invalid-commit');
    expect(wrapped.message).toBe('boom');
    expect(wrapped.cause).toBe(cause);
    const original = new MimiError('cbor/truncated', 'short');
    expect(asMimiError('mls/invalid-commit', original)).toBe(original);
  });

  it('the code type is a closed union (compile-time check)', () => {
    const code: MimiErrorCode = 'room/missing-capability';
    // @ts-expect-error a code outside the union does not type-check
    const bad: MimiErrorCode = 'room/made-up';
    expect([code, bad]).toHaveLength(2);
  });
});
