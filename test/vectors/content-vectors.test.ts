import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseVectorFile, verifyVectorFile, type VerifyReport, type Vector } from '../../src/vectors/index.js';
import { contentSuite } from '../../src/vectors/content.js';
import { safeDecodeContent } from '../../src/content/index.js';
import { hexToBytes } from '../../src/cbor/hex.js';
import { statedMessageId } from '../../src/vectors/edn.js';
import { VECTORS } from './helpers.js';
import { sharedPath } from '../support/shared.js';

// The draft's example folder, to check the vectors against the files they were made from (reference material).
const EXAMPLES = sharedPath('the checks of spec-vectors/content against the draft example files they come from', 'specs/mimi-content/examples');
const SPECS = sharedPath('scripts/gen-content-vectors.ts (regenerates spec-vectors/content from the drafts)', 'specs');
const EX = EXAMPLES ?? '';

const DIR = join(VECTORS, 'content');
const vectorFiles = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'manifest.json');
const load = (f: string) => parseVectorFile(readFileSync(join(DIR, f), 'utf8'), f);
const all = vectorFiles.flatMap((f) => load(f).vectors.map((v) => ({ file: f, v })));
const ofKind = (k: string) => all.filter((x) => x.v.kind === k).map((x) => x.v);

describe('spec-vectors/content', () => {
  it.skipIf(EXAMPLES === undefined)('has one decode file per example (14 messages + implied values) plus the status report', () => {
    const examples = readdirSync(EX).filter((f) => f.endsWith('.cbor')).map((f) => f.replace('.cbor', '.json'));
    expect(examples).toHaveLength(15);
    for (const f of [...examples, 'status.json']) expect(vectorFiles, f).toContain(f);
  });

  it('every vector passes the content suite', async () => {
    const report: VerifyReport = { passed: 0, failed: 0, failures: [] };
    for (const f of vectorFiles) await verifyVectorFile(load(f), f, report);
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(all.length);
  });

  it('vector ids are unique', () => {
    const ids = all.map((x) => x.v.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has at least 60 negative vectors, each a distinct input, each failing with exactly its code', () => {
    const neg = ofKind('decode-error');
    expect(neg.length).toBeGreaterThanOrEqual(60);
    const inputs = neg.map((v) => (v.input as { hex: string }).hex);
    expect(new Set(inputs).size).toBe(inputs.length);
    for (const v of neg) {
      const r = safeDecodeContent(hexToBytes((v.input as { hex: string }).hex));
      expect(r.ok, v.id).toBe(false);
      if (!r.ok) expect(r.error.code, v.id).toBe(v.error);
      expect(v.description, v.id).toBeTruthy();
    }
  });

  it('covers every strict-CBOR rule and the content structure rules', () => {
    const codes = new Set(ofKind('decode-error').map((v) => v.error));
    for (const c of [
      'cbor/non-shortest-head',
      'cbor/indefinite-length',
      'cbor/unsorted-map-keys',
      'cbor/duplicate-map-key',
      'cbor/trailing-bytes',
      'cbor/truncated',
      'cbor/invalid-utf8',
      'cbor/integer-out-of-range',
      'cbor/non-canonical-nan',
      'cbor/non-shortest-float',
      'cbor/reserved-additional-info',
      'cbor/unexpected-break',
      'cbor/unsupported-map-key',
      'cbor/invalid-simple',
      'cbor/too-deep',
      'content/bad-structure',
      'content/invalid-salt',
      'content/invalid-message-id',
      'content/invalid-expiration',
      'content/unknown-cardinality',
      'content/multipart-too-few-parts',
      'content/unknown-part-semantics',
      'content/invalid-disposition',
      'content/too-deep',
      'content/too-many-parts',
      'content/invalid-extension-key',
      'content/unknown-hash-alg',
    ]) {
      expect(codes, c).toContain(c);
    }
  });

  it.skipIf(EXAMPLES === undefined)('expected message IDs of the decode vectors are the ones stated in the .edn comments', () => {
    const decodes = ofKind('decode');
    expect(decodes).toHaveLength(14);
    for (const v of decodes) {
      const name = v.id.replace(/\/decode$/, '');
      const edn = readFileSync(join(EX, `${name}.edn`), 'utf8');
      expect((v.expected as { messageId: string }).messageId, name).toBe(statedMessageId(edn));
      expect((v.input as { hex: string }).hex, name).toBe(readFileSync(join(EX, `${name}.cbor`)).toString('hex'));
    }
  });

  it.skipIf(EXAMPLES === undefined)('the status report refers to the Original, Reply, Mention and Expiring examples', () => {
    const [status] = ofKind('status-decode');
    const ids = (status!.expected as { report: { messageId: string }[] }).report.map((e) => e.messageId);
    const stated = ['original', 'reply', 'mention', 'expiring'].map((n) => statedMessageId(readFileSync(join(EX, `${n}.edn`), 'utf8')));
    expect(ids).toEqual(stated);
  });

  it('the manifest names the sources, commits and every file', () => {
    const m = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
      sources: { repo: string; commit: string }[];
      files: { file: string; vectors: number }[];
    };
    expect(m.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ repo: 'ietf-wg-mimi/draft-ietf-mimi-content', commit: '961ea5a' }),
        expect.objectContaining({ repo: 'rohanmahy/mimi-message-status', commit: '03e41d6' }),
      ]),
    );
    expect(m.files.map((f) => f.file).sort()).toEqual([...vectorFiles].sort());
    for (const f of m.files) expect(f.vectors, f.file).toBe(load(f.file).vectors.length);
  });
});

describe('the content verifiers are not vacuous', () => {
  const run = (v: Vector) => contentSuite.verifiers[v.kind]!(v);
  const first = (k: string) => structuredClone(ofKind(k)[0]!);

  it('decode: a wrong message ID, a wrong field or a wrong byte fails', () => {
    const v = first('decode');
    (v.expected as { messageId: string }).messageId = '01' + '00'.repeat(31);
    expect(run(v)).toMatch(/messageId/);
    const w = first('decode');
    (w.expected as { content: { topicId: string } }).content.topicId = '00';
    expect(run(w)).toMatch(/content\.topicId/);
    const x = first('decode');
    const input = x.input as { hex: string };
    input.hex = input.hex.slice(0, -2) + '00';
    expect(run(x)).toBeDefined();
  });

  it('decode-error: a valid input or another code fails', () => {
    const v = first('decode-error');
    v.error = 'cbor/something-else';
    expect(run(v)).toMatch(/expected cbor\/something-else/);
    const w = first('decode-error');
    (w.input as { hex: string }).hex = (first('decode').input as { hex: string }).hex;
    expect(run(w)).toMatch(/decoded without error/);
  });

  it('message-id, status-decode and derived-values detect a changed expectation', () => {
    const m = first('message-id');
    (m.expected as { messageId: string }).messageId = '01' + 'ff'.repeat(31);
    expect(run(m)).toBeDefined();
    const s = first('status-decode');
    (s.expected as { report: { status: number }[] }).report[0]!.status = 1;
    expect(run(s)).toMatch(/report\[0\]\.status/);
    const d = first('derived-values');
    (d.expected as { senderLeafIndex: number }).senderLeafIndex = 5;
    expect(run(d)).toMatch(/senderLeafIndex/);
  });
});

describe('spec-vectors/schema/vector-file.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(VECTORS, 'schema', 'vector-file.schema.json'), 'utf8')) as {
    $schema: string;
    properties: { format: { const: string } };
    $defs: { contentVector: { properties: { kind: { enum: string[] } } } };
  };
  it('is draft 2020-12, names the current format and exactly the kinds the content suite verifies', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.format.const).toBe('mimi-kit-vectors/1');
    expect([...schema.$defs.contentVector.properties.kind.enum].sort()).toEqual(Object.keys(contentSuite.verifiers).sort());
  });
});

describe.skipIf(SPECS === undefined)('scripts/gen-content-vectors.ts', () => {
  it('regenerates exactly the committed files', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const out = mkdtempSync(join(tmpdir(), 'mimi-gen-'));
    execFileSync(process.execPath, ['--import', 'tsx', join(VECTORS, '..', 'scripts', 'gen-content-vectors.ts')], {
      env: { ...process.env, MIMI_VECTORS_OUT: out, MIMI_SPECS: SPECS! },
      stdio: 'pipe',
    });
    const generated = readdirSync(out).sort();
    expect(generated).toEqual(readdirSync(DIR).filter((f) => f.endsWith('.json')).sort());
    for (const f of generated) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(DIR, f), 'utf8'));
  });
});
