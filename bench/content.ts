/**
 * `npm run bench content`: encode, decode and messageId throughput of mimi-kit against cbor2 (the draft's
 * own tooling, in CDE mode: sorted keys, shortest forms, duplicate-key rejection) and raw cbor-x
 * (plain-CBOR options, no validation), over the 14 draft content examples per iteration.
 *
 * Each implementation is measured in 3 interleaved rounds and its best median kept.
 *
 * Targets: mimi-kit ≥ 3× faster than cbor2 (ratio ≤ 0.33 in the "vs cbor2" groups) and within 1.5× of
 * raw cbor-x (ratio ≤ 1.5 in the "vs cbor-x" groups).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode as cbor2Decode, encode as cbor2Encode } from 'cbor2';
import { Decoder, Encoder } from 'cbor-x';
import { decodeContent, encodeContent, messageId, type MimiContent } from '../src/content/index.js';
import { measure, report, type Measurement } from './lib.js';
import { CONTENT_EXAMPLE_NAMES, exampleBytes } from '../test/support/examples.js';

// The 14 content examples of the draft, as spec-vectors carries their bytes (no ../shared needed).
const files = CONTENT_EXAMPLE_NAMES.map((n) => `${n}.cbor`);
const examples = CONTENT_EXAMPLE_NAMES.map((n) => exampleBytes(n));
const totalBytes = examples.reduce((n, b) => n + b.length, 0);

const cborxOptions = { useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true } as const;
const cborxEnc = new Encoder(cborxOptions);
const cborxDec = new Decoder(cborxOptions);
const cbor2Opts = { cde: true, preferMap: true } as const;

const mimiValues: MimiContent[] = examples.map((b) => decodeContent(b));
const cbor2Values = examples.map((b) => cbor2Decode(b, cbor2Opts));
const cborxValues = examples.map((b) => cborxDec.decode(b) as unknown);

// Sanity: all three re-encode the examples byte for byte (cbor-x because the examples' maps are already sorted).
for (let i = 0; i < examples.length; i++) {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const want = hex(examples[i]!);
  if (hex(encodeContent(mimiValues[i]!)) !== want) throw new Error(`mimi-kit does not re-encode ${files[i]}`);
  if (hex(cbor2Encode(cbor2Values[i], cbor2Opts)) !== want) throw new Error(`cbor2 does not re-encode ${files[i]}`);
  if (hex(cborxEnc.encode(cborxValues[i])) !== want) throw new Error(`cbor-x does not re-encode ${files[i]}`);
}

const enc = new TextEncoder();
/** The §2.3 message ID computed around a generic decoder (what a baseline user would write). */
function idFrom(bytes: Uint8Array, salt: Uint8Array, sender: string, room: string): Uint8Array {
  const s = enc.encode(sender);
  const r = enc.encode(room);
  const h = sha256.create();
  h.update(new Uint8Array([s.length >> 8, s.length & 0xff]));
  h.update(s);
  h.update(new Uint8Array([r.length >> 8, r.length & 0xff]));
  h.update(r);
  h.update(bytes);
  h.update(salt);
  const out = new Uint8Array(32);
  out[0] = 1;
  out.set(h.digest().subarray(0, 31), 1);
  return out;
}

let sink = 0;
const opts = { minTimeMs: 700, batch: 50, warmup: 1000 };
const ROUNDS = 3;

/** Runs `run()`. */
export async function run(): Promise<void> {
  const rows: Measurement[] = [];
  const ops: [string, () => void, () => void, () => void][] = [
    [
      'encode',
      () => {
        for (const v of mimiValues) sink += encodeContent(v).length;
      },
      () => {
        for (const v of cbor2Values) sink += cbor2Encode(v, cbor2Opts).length;
      },
      () => {
        for (const v of cborxValues) sink += cborxEnc.encode(v).length;
      },
    ],
    [
      'decode',
      () => {
        for (const b of examples) sink += decodeContent(b).salt.length;
      },
      () => {
        for (const b of examples) sink += (cbor2Decode(b, cbor2Opts) as unknown[]).length;
      },
      () => {
        for (const b of examples) sink += (cborxDec.decode(b) as unknown[]).length;
      },
    ],
    [
      'messageId',
      () => {
        for (const b of examples) sink += messageId(b)[1]!;
      },
      () => {
        for (const b of examples) {
          const v = cbor2Decode(b, cbor2Opts) as [Uint8Array, ...unknown[]];
          const ext = v[5] as Map<number, string>;
          sink += idFrom(b, v[0], ext.get(1)!, ext.get(2)!)[1]!;
        }
      },
      () => {
        for (const b of examples) {
          const v = cborxDec.decode(b) as [Uint8Array, ...unknown[]];
          const ext = v[5] as Map<number, string>;
          sink += idFrom(b, v[0], ext.get(1)!, ext.get(2)!)[1]!;
        }
      },
    ],
  ];
  for (const [op, mimi, c2, cx] of ops) {
    // Interleaved rounds, best median per implementation: a shared machine's load then hits all three alike.
    const best = (a: Measurement | undefined, b: Measurement) => (a === undefined || b.medianMs < a.medianMs ? b : a);
    let m: Measurement | undefined;
    let b2: Measurement | undefined;
    let bx: Measurement | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      m = best(m, await measure(op, 'mimi-kit', mimi, opts));
      b2 = best(b2, await measure(op, 'cbor2 (cde)', c2, opts));
      bx = best(bx, await measure(op, 'cbor-x (raw)', cx, opts));
    }
    if (m === undefined || b2 === undefined || bx === undefined) throw new Error('no measurement');
    const vs2 = m.medianMs / b2.medianMs;
    const vsx = m.medianMs / bx.medianMs;
    const extra = { examples: examples.length, bytes: totalBytes };
    rows.push({ ...b2, group: `${op} vs cbor2`, baseline: true, extra });
    rows.push({ ...m, group: `${op} vs cbor2`, target: '≥3× faster than cbor2 (ratio ≤ 0.33)', targetMet: vs2 <= 1 / 3, extra });
    rows.push({ ...bx, group: `${op} vs cbor-x`, baseline: true, extra });
    rows.push({ ...m, group: `${op} vs cbor-x`, target: 'within 1.5× of raw cbor-x (ratio ≤ 1.5)', targetMet: vsx <= 1.5, extra });
  }
  report('content', rows);
  if (sink === 42) console.log('');
}
