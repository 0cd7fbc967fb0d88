import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parseEdn, statedMessageId } from '../../src/vectors/edn.js';
import { encodeCbor } from '../../src/cbor/encode.js';
import { CborFloat, CborTag } from '../../src/cbor/value.js';
import { MimiError } from '../../src/errors.js';
import { sharedPath } from '../support/shared.js';

const EXAMPLES = sharedPath('parseEdn on the draft example files (.edn against .cbor)', 'specs/mimi-content/examples');
const STATUS_DIR = sharedPath('parseEdn on status.edn', 'specs/message-status');

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe.skipIf(EXAMPLES === undefined || STATUS_DIR === undefined)('parseEdn on the draft example files', () => {
  const EX = EXAMPLES ?? '';
  const files = EXAMPLES === undefined ? [] : readdirSync(EXAMPLES).filter((f) => f.endsWith('.edn'));

  it('finds all 15 example files', () => {
    expect(files).toHaveLength(15);
  });

  // Two independent artefacts (hand-written EDN, published CBOR) agree through parseEdn + encodeCbor:
  // a check of the parser and of the deterministic encoder at once.
  for (const f of files.filter((f) => f !== 'implied-original.edn')) {
    it(`${f} encodes to exactly the bytes of its .cbor twin`, () => {
      const edn = readFileSync(join(EX, f), 'utf8');
      const cbor = readFileSync(join(EX, f.replace(/\.edn$/, '.cbor')));
      expect(hex(encodeCbor(parseEdn(edn)))).toBe(cbor.toString('hex'));
    });
  }

  it('implied-original.edn differs from its .cbor only in the messageId (the .cbor keeps the -07 ID)', () => {
    const edn = hex(encodeCbor(parseEdn(readFileSync(join(EX, 'implied-original.edn'), 'utf8'))));
    const cbor = readFileSync(join(EX, 'implied-original.cbor')).toString('hex');
    // 87 5820 <32-byte id> …: the ID is hex characters 6..70.
    expect(edn.slice(0, 6) + edn.slice(70)).toBe(cbor.slice(0, 6) + cbor.slice(70));
    expect(edn.slice(6, 70)).toBe('017ce54837404c3696e0c747b985cb172716d0ed0a3d249ca63ace7d82a096f4');
    expect(cbor.slice(6, 14)).toBe('01b00844');
  });

  it('status.edn encodes to status.cbor', () => {
    const dir = STATUS_DIR!;
    expect(hex(encodeCbor(parseEdn(readFileSync(join(dir, 'status.edn'), 'utf8'))))).toBe(readFileSync(join(dir, 'status.cbor')).toString('hex'));
  });

  it('the message ID stated in each EDN comment is the SHA-256 formula of §2.3 over the .cbor (node:crypto)', () => {
    for (const f of files.filter((f) => f !== 'implied-original.edn')) {
      const edn = readFileSync(join(EX, f), 'utf8');
      const cbor = readFileSync(join(EX, f.replace(/\.edn$/, '.cbor')));
      const v = parseEdn(edn) as [Uint8Array, ...unknown[]];
      const ext = v[5] as Map<number, string>;
      const s = Buffer.from(ext.get(1)!);
      const r = Buffer.from(ext.get(2)!);
      const len = (b: Buffer) => Buffer.from([b.length >> 8, b.length & 0xff]);
      const digest = createHash('sha256').update(len(s)).update(s).update(len(r)).update(r).update(cbor).update(v[0]).digest();
      expect(statedMessageId(edn), f).toBe('01' + digest.subarray(0, 31).toString('hex'));
    }
  });
});

describe('parseEdn syntax', () => {
  it('reads h-strings with spaces, newlines and comments', () => {
    expect(parseEdn("h'01 02\n  # c\n 0A / x / fF'")).toEqual(new Uint8Array([1, 2, 10, 255]));
  });
  it("reads single-quoted byte strings with \\' and \\n escapes and + concatenation", () => {
    expect(new TextDecoder().decode(parseEdn("'y\\'all' +\n # c\n '\\n!'") as Uint8Array)).toBe("y'all\n!");
  });
  it('reads text with JSON escapes and non-ASCII', () => {
    expect(parseEdn('"a\\"b\\u00e9❤"')).toBe('a"bé❤');
  });
  it('reads null/true/false/undefined, integers, negative integers, hex integers', () => {
    expect(parseEdn('[null, true, false, undefined, 0, 23, -1, 0x1f, 9007199254740991]')).toEqual([null, true, false, undefined, 0, 23, -1, 31, 9007199254740991]);
  });
  it('reads maps with integer and text keys, trailing commas and missing commas', () => {
    const v = parseEdn('{1: "a", "k": [1 2,], -3: {},}') as Map<unknown, unknown>;
    expect([...v.entries()]).toEqual([[1, 'a'], ['k', [1, 2]], [-3, new Map()]]);
  });
  it('reads tags and floats', () => {
    expect(parseEdn('32("http://x")')).toEqual(new CborTag(32, 'http://x'));
    expect(parseEdn('[1.5, NaN, -Infinity]')).toEqual([new CborFloat(1.5), new CborFloat(NaN), new CborFloat(-Infinity)]);
  });
  it('encodes the draft §7.3 depth example to the bytes written by hand', () => {
    const v = parseEdn('{ /sender URI/ 1: "a", 256: [ [h\'1234\', 32("h")], [h\'3456\', 5771] ] }');
    // a2 01 61 61 | 19 0100 82 82 42 1234 d8 20 61 68 | 82 42 3456 19 168b
    expect(hex(encodeCbor(v))).toBe('a2016161190100828242' + '1234d8206168' + '82423456' + '19168b');
  });
  it('reports syntax errors as edn/syntax with line and column', () => {
    for (const bad of ["h'0'", '[1, 2', '{1 2}', '"open', "[1] 2", '{1: 1, 1: 2}', "h'zz'", '99999999999999999999', 'nope']) {
      let err: unknown;
      try {
        parseEdn(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(MimiError);
      expect((err as MimiError).code, bad).toBe('edn/syntax');
      expect((err as MimiError).message, bad).toMatch(/line \d+, column \d+/);
    }
  });
  it('statedMessageId reads a two-line comment and returns undefined without one', () => {
    expect(statedMessageId("# message ID = h'01ab\n#                cd02'\n[]")).toBe('01abcd02');
    expect(statedMessageId('[1]')).toBeUndefined();
  });
});
