import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { VECTORS, fakeIO } from '../vectors/helpers.js';
import { exampleFile, exampleMessageId } from '../support/examples.js';
import { REPO_ROOT, sharedPath } from '../support/shared.js';

const CONTENT_DRAFT = sharedPath('mimi check-draft on the full drafts', 'specs/mimi-content/draft-ietf-mimi-content.md');
const STATUS_DRAFT = sharedPath('mimi check-draft on the full drafts', 'specs/message-status/draft-mahy-mimi-message-status.md');

const original = exampleFile('original');
const originalHex = readFileSync(original).toString('hex');
// As stated in the comment of the draft's examples/original.edn (carried by spec-vectors).
const ORIGINAL_ID = exampleMessageId('original');

describe('mimi decode', () => {
  it('prints the JSON mapping and the message ID of a .cbor file', async () => {
    const io = fakeIO();
    expect(await runCli(['decode', original], io)).toBe(0);
    const out = JSON.parse(io.out.join('\n')) as { content: { salt: string; nestedPart: { contentType: string } }; messageId: string };
    expect(out.messageId).toBe(ORIGINAL_ID);
    expect(out.content.salt).toBe('5eed9406c2545547ab6f09f20a18b003');
    expect(out.content.nestedPart.contentType).toBe('text/markdown;variant=GFM-MIMI');
  });

  it('reads hex from standard input with --hex', async () => {
    const io = fakeIO(originalHex.replace(/(.{32})/g, '$1\n'));
    expect(await runCli(['decode', '-', '--hex'], io)).toBe(0);
    expect(JSON.parse(io.out.join('\n')).messageId).toBe(ORIGINAL_ID);
  });

  it('decodes a status report with --status', async () => {
    const io = fakeIO();
    expect(await runCli(['decode', exampleFile('status'), '--status'], io)).toBe(0);
    const out = JSON.parse(io.out.join('\n')) as { report: { messageId: string; status: number }[] };
    expect(out.report[0]).toEqual({ messageId: ORIGINAL_ID, status: 2 });
  });

  it('exits 1 with the error code on bad input', async () => {
    const io = fakeIO('9807');
    expect(await runCli(['decode', '-', '--hex'], io)).toBe(1);
    expect(io.err.join('\n')).toMatch(/^error cbor\/non-shortest-head/);
  });

  it('exits 2 without an input argument', async () => {
    const io = fakeIO();
    expect(await runCli(['decode'], io)).toBe(2);
    expect(io.err).toEqual(['error cli/usage: missing <file|-> (see mimi decode --help)']);
  });
});

describe('mimi id', () => {
  it('prints the hex message ID', async () => {
    const io = fakeIO();
    expect(await runCli(['id', original], io)).toBe(0);
    expect(io.out).toEqual([ORIGINAL_ID]);
  });

  it('takes --sender/--room overrides', async () => {
    const vectors = JSON.parse(readFileSync(join(VECTORS, 'content', 'message-id.json'), 'utf8')) as {
      vectors: { id: string; input: { hex: string; senderUri?: string }; expected: { messageId: string } }[];
    };
    const v = vectors.vectors.find((x) => x.id === 'original/sender-override')!;
    const io = fakeIO(v.input.hex);
    expect(await runCli(['id', '-', '--hex', '--sender', v.input.senderUri!], io)).toBe(0);
    expect(io.out).toEqual([v.expected.messageId]);
  });
});

describe('mimi encode', () => {
  it('re-encodes the output of mimi decode to the same bytes (--hex, raw and --out)', async () => {
    const dec = fakeIO();
    await runCli(['decode', original], dec);
    const json = dec.out.join('\n');

    const hexIo = fakeIO(json);
    expect(await runCli(['encode', '-', '--hex'], hexIo)).toBe(0);
    expect(hexIo.out).toEqual([originalHex]);

    const rawIo = fakeIO(JSON.stringify(JSON.parse(json).content));
    expect(await runCli(['encode', '-'], rawIo)).toBe(0);
    expect(Buffer.from(rawIo.bytes[0]!).toString('hex')).toBe(originalHex);

    const out = join(mkdtempSync(join(tmpdir(), 'mimi-cli-')), 'x.cbor');
    expect(await runCli(['encode', '-', '--out', out], fakeIO(json))).toBe(0);
    expect(readFileSync(out).toString('hex')).toBe(originalHex);
  });

  it('exits 1 on invalid JSON', async () => {
    const io = fakeIO('{nope');
    expect(await runCli(['encode', '-', '--hex'], io)).toBe(1);
    expect(io.err.join('\n')).toMatch(/^error json\//);
  });
});

describe('mimi vectors verify', () => {
  it('passes on spec-vectors with the summary as the last line', async () => {
    const io = fakeIO();
    expect(await runCli(['vectors', 'verify', VECTORS], io)).toBe(0);
    expect(io.out).toHaveLength(1);
    expect(io.out[0]).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(io.out[0]!.split(' ')[0])).toBeGreaterThan(200);
  });

  it('prints one FAIL line per failing vector and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-vectors-'));
    mkdirSync(join(dir, 'content'));
    copyFileSync(join(VECTORS, 'content', 'manifest.json'), join(dir, 'content', 'manifest.json'));
    const file = JSON.parse(readFileSync(join(VECTORS, 'content', 'original.json'), 'utf8')) as { vectors: { expected: { messageId: string } }[] };
    file.vectors[0]!.expected.messageId = '01' + '00'.repeat(31);
    writeFileSync(join(dir, 'content', 'original.json'), JSON.stringify(file));
    copyFileSync(join(VECTORS, 'content', 'reply.json'), join(dir, 'content', 'reply.json'));
    writeFileSync(join(dir, 'content', 'broken.json'), '{');
    const io = fakeIO();
    expect(await runCli(['vectors', 'verify', dir], io)).toBe(1);
    expect(io.out).toEqual([
      'FAIL content/broken.json -: content/broken.json: not JSON',
      `FAIL content/original.json original/decode: messageId ${ORIGINAL_ID}, expected 01${'00'.repeat(31)}`,
      '1 passed, 2 failed',
    ]);
  });

  it('exits 1 for a directory that does not exist', async () => {
    const io = fakeIO();
    expect(await runCli(['vectors', 'verify', '/nonexistent/dir'], io)).toBe(1);
    expect(io.err.join('\n')).toMatch(/cli\/not-found/);
  });
});

describe('mimi check-draft', () => {
  it('reports the stale Reply hex dump of a draft-shaped fixture (test/fixtures/check-draft) and exits 1', async () => {
    const io = fakeIO();
    expect(await runCli(['check-draft', join(REPO_ROOT, 'test', 'fixtures', 'check-draft', 'draft-small.md')], io)).toBe(1);
    expect(io.out.join('\n')).toMatch(/^MISMATCH Reply \(hex dump, line \d+\): inReplyTo 01b00844… matches no example \(the EDN of the same example has 017ce548…, the Original Message example's ID\)$/m);
    expect(io.out.at(-1)).toBe('4 examples, 2 mismatches');
  });

  it.skipIf(CONTENT_DRAFT === undefined)('reports the stale Reply and Reaction hex dumps of draft-ietf-mimi-content and exits 1', async () => {
    const io = fakeIO();
    expect(await runCli(['check-draft', CONTENT_DRAFT!], io)).toBe(1);
    const text = io.out.join('\n');
    expect(text).toMatch(/^MISMATCH Reply \(hex dump, line \d+\): inReplyTo 01b00844… matches no example \(the EDN of the same example has 017ce548…, the Original Message example's ID\)$/m);
    expect(text).toMatch(/^MISMATCH Reaction \(hex dump, line \d+\): inReplyTo 01b00844… matches no example/m);
    expect(io.out.at(-1)).toBe('21 examples, 4 mismatches');
  });

  it.skipIf(CONTENT_DRAFT === undefined || STATUS_DRAFT === undefined)('passes the status draft when the content draft is given with --ref, fails without', async () => {
    const withRef = fakeIO();
    expect(await runCli(['check-draft', STATUS_DRAFT!, '--ref', CONTENT_DRAFT!], withRef)).toBe(0);
    expect(withRef.out.at(-1)).toBe('2 examples, 0 mismatches');
    const without = fakeIO();
    expect(await runCli(['check-draft', STATUS_DRAFT!], without)).toBe(1);
    expect(without.out.join('\n')).toMatch(/--ref/);
  });

  it('exits 0 on a consistent draft', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-draft-'));
    const md = join(dir, 'd.md');
    writeFileSync(md, `# Original\n\n~~~\n${originalHex}\n~~~\n`);
    const io = fakeIO();
    expect(await runCli(['check-draft', md, '--verbose'], io)).toBe(0);
    expect(io.out).toEqual([`example Original (hex dump, line 3): content id ${ORIGINAL_ID}`, '1 examples, 0 mismatches']);
  });
});
