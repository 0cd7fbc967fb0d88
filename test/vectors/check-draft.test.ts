import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkDraft, extractDraftExamples } from '../../src/vectors/checkDraft.js';
import { statedMessageId } from '../../src/vectors/edn.js';
import { exampleBytes, exampleMessageId } from '../support/examples.js';
import { REPO_ROOT, sharedPath } from '../support/shared.js';

const CONTENT_DRAFT = sharedPath('check-draft on the full text of draft-ietf-mimi-content', 'specs/mimi-content/draft-ietf-mimi-content.md');
const draft = CONTENT_DRAFT === undefined ? '' : readFileSync(CONTENT_DRAFT, 'utf8');
const includeReader = (dir: string) => (p: string): string | undefined => {
  try {
    return readFileSync(join(dir, p), 'utf8');
  } catch {
    return undefined;
  }
};
const readInclude = CONTENT_DRAFT === undefined ? () => undefined : includeReader(dirname(CONTENT_DRAFT));
// The Original's ID as stated in the comment of examples/original.edn (spec-vectors carries it).
const ORIGINAL_ID = exampleMessageId('original');
// The -07 ID of the Original, written by hand from the hex dumps of the Reply and Reaction sections.
const STALE_ID = '01b0084467273cc43d6f0ebeac13eb84229c4fffe8f6c3594c905f47779e5a79';
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** A draft-shaped fixture of our own: test/fixtures/check-draft/draft-small.md and its examples/*.edn. */
const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'check-draft');

describe.skipIf(CONTENT_DRAFT === undefined)('check-draft on draft-ietf-mimi-content (961ea5a)', () => {
  const report = checkDraft(draft, { readInclude });
  const mismatches = report.findings.filter((f) => f.severity === 'mismatch');

  it('finds the six hex dumps and the included EDN examples', () => {
    const hexDumps = report.examples.filter((e) => e.form === 'hex').map((e) => e.section);
    expect(hexDumps).toEqual(['Original Message', 'Reply', 'Reaction', 'Expiring', 'Attachments', 'Conferencing']);
    const edn = report.examples.filter((e) => e.form === 'edn' && e.file).map((e) => e.file);
    // Every example file except mention-html.edn (the draft shows only a fragment of it) is included.
    expect(edn).toHaveLength(14);
    expect(edn).not.toContain('examples/mention-html.edn');
  });

  it('reports the stale Reply and Reaction hex dumps, and nothing else', () => {
    expect(STALE_ID.startsWith('01b00844')).toBe(true);
    expect(mismatches.map((f) => f.example.split(' (')[0])).toEqual(['Reply', 'Reply', 'Reaction', 'Reaction']);
    const refs = mismatches.filter((f) => /matches no example/.test(f.message));
    expect(refs).toHaveLength(2);
    for (const f of refs) {
      expect(f.example).toMatch(/hex dump/);
      expect(f.message).toContain(`inReplyTo ${STALE_ID.slice(0, 8)}… matches no example`);
      expect(f.message).toContain(`${ORIGINAL_ID.slice(0, 8)}…, the Original Message example's ID`);
    }
  });

  it('confirms every message ID stated in the EDN comments', () => {
    const stated = report.examples.filter((e) => e.statedId !== undefined);
    expect(stated).toHaveLength(13); // the 14 included files minus implied-original.edn (no ID comment)
    for (const e of stated) expect(e.id, e.name).toBe(e.statedId);
  });

  it('still catches the stale dumps without the example files (hex dumps only)', () => {
    const r = checkDraft(draft, { readInclude: () => undefined });
    const refs = r.findings.filter((f) => f.severity === 'mismatch');
    expect(refs.map((f) => f.example.split(' (')[0])).toEqual(['Reply', 'Reaction']);
    expect(refs[0]!.message).toContain('inReplyTo 01b00844… matches no example');
  });
});

describe('check-draft on a draft-shaped fixture (test/fixtures/check-draft: one real, one stale example)', () => {
  const md = readFileSync(join(FIXTURE_DIR, 'draft-small.md'), 'utf8');
  // The hex dumps of the fixture, read with a regex of this test (not the code under test).
  const dumps = [...md.matchAll(/~~~\n((?:[0-9a-f]+\n)+)~~~/g)].map((m) => m[1]!.replace(/\s/g, ''));
  // draft-ietf-mimi-content §2.3, written out: 0x01 || SHA-256(u16 len sender || sender || u16 len room || room || bytes || salt)[0..30].
  const idOf = (bytes: Uint8Array, sender: string, room: string): string => {
    const s = Buffer.from(sender);
    const r = Buffer.from(room);
    const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
    const salt = bytes.subarray(2, 18); // 87 50 <16-byte salt>
    return '01' + createHash('sha256').update(u16(s.length)).update(s).update(u16(r.length)).update(r).update(bytes).update(salt).digest().subarray(0, 31).toString('hex');
  };
  const ROOM = 'mimi://example.com/r/engineering_team';
  const staleReply = Buffer.from(hexOf(exampleBytes('reply')).replace(ORIGINAL_ID, STALE_ID), 'hex');

  it('holds the Original as published and the Reply with the -07 inReplyTo, and EDN comments with the §2.3 IDs', () => {
    expect(dumps).toEqual([hexOf(exampleBytes('original')), staleReply.toString('hex')]);
    expect(staleReply.toString('hex')).not.toBe(hexOf(exampleBytes('reply')));
    const ednOf = (n: string) => readFileSync(join(FIXTURE_DIR, 'examples', `${n}.edn`), 'utf8');
    expect(statedMessageId(ednOf('original'))).toBe(idOf(exampleBytes('original'), 'mimi://example.com/u/alice-smith', ROOM));
    expect(statedMessageId(ednOf('reply'))).toBe(idOf(exampleBytes('reply'), 'mimi://example.com/u/bob-jones', ROOM));
  });

  it('reports the stale Reply hex dump (dangling inReplyTo, differs from its EDN twin), and nothing else', () => {
    const r = checkDraft(md, { readInclude: includeReader(FIXTURE_DIR) });
    expect(r.examples.map((e) => `${e.section}/${e.form}/${e.type}`)).toEqual([
      'Original Message/edn/content',
      'Original Message/hex/content',
      'Reply/edn/content',
      'Reply/hex/content',
    ]);
    expect(r.examples.map((e) => e.id)).toEqual([
      idOf(exampleBytes('original'), 'mimi://example.com/u/alice-smith', ROOM),
      idOf(exampleBytes('original'), 'mimi://example.com/u/alice-smith', ROOM),
      idOf(exampleBytes('reply'), 'mimi://example.com/u/bob-jones', ROOM),
      idOf(staleReply, 'mimi://example.com/u/bob-jones', ROOM),
    ]);
    const twinLine = md.split('\n').indexOf('{::include examples/reply.edn}'); // 0-based line of the include = 1-based line of its fence
    const staleId = idOf(staleReply, 'mimi://example.com/u/bob-jones', ROOM);
    expect(r.findings.filter((f) => f.severity === 'mismatch').map((f) => f.message)).toEqual([
      `inReplyTo ${STALE_ID.slice(0, 8)}… matches no example (the EDN of the same example has ${ORIGINAL_ID.slice(0, 8)}…, the Original Message example's ID)`,
      `hex dump differs from the EDN example at line ${twinLine} in inReplyTo (message ID ${staleId.slice(0, 8)}… instead of ${exampleMessageId('reply').slice(0, 8)}…)`,
    ]);
    expect(r.mismatches).toBe(2);
    expect(r.findings.every((f) => f.example.startsWith('Reply (hex dump'))).toBe(true);
  });

  it('without the included files, still catches the stale dump and notes the missing includes', () => {
    const r = checkDraft(md, { readInclude: () => undefined });
    expect(r.findings.filter((f) => f.severity === 'mismatch').map((f) => f.message)).toEqual([`inReplyTo ${STALE_ID.slice(0, 8)}… matches no example`]);
    expect(r.findings.filter((f) => f.severity === 'note').map((f) => f.message)).toEqual([
      'skipped: included file examples/original.edn not found',
      'skipped: included file examples/reply.edn not found',
    ]);
  });
});

describe('check-draft on small drafts', () => {
  const originalHex = hexOf(exampleBytes('original'));
  const replyHex = hexOf(exampleBytes('reply'));
  const dump = (hex: string): string => '~~~\n' + hex.match(/.{1,32}/g)!.map((l) => `   ${l}   # bytes`).join('\n') + '\n~~~\n';

  it('a consistent draft has no mismatches', () => {
    const md = `# Original\n\n${dump(originalHex)}\n# Reply\n\n${dump(replyHex)}`;
    const r = checkDraft(md);
    expect(r.examples.map((e) => e.type)).toEqual(['content', 'content']);
    expect(r.mismatches).toBe(0);
  });

  it('a reply to a message that is not in the draft is a mismatch', () => {
    const r = checkDraft(`# Reply\n\n${dump(replyHex)}`);
    expect(r.mismatches).toBe(1);
    expect(r.findings[0]!.message).toMatch(/^inReplyTo 017ce548… matches no example/);
  });

  it('a wrong ID in an EDN comment is a mismatch', () => {
    const edn = readFileSync(join(FIXTURE_DIR, 'examples', 'original.edn'), 'utf8').replace("h'017ce548", "h'017ce549");
    const r = checkDraft('# Original\n\n```edn\n' + edn + '```\n');
    expect(r.mismatches).toBe(1);
    expect(r.findings[0]!.message).toBe('the comment states message ID 017ce549… but the bytes give 017ce548…');
  });

  it('a hex dump that is not deterministic CBOR is a mismatch', () => {
    const r = checkDraft('# Bad\n\n~~~\n9807 01 02 03 04 05 06 07\n~~~\n');
    expect(r.mismatches).toBe(1);
    expect(r.findings[0]!.message).toMatch(/cbor\/non-shortest-head/);
  });

  it('ignores code blocks that are not hex dumps, and notes unparseable EDN fragments', () => {
    const r = checkDraft('# X\n\n~~~\nhash_output = HMAC_SHA256( a, b )\n~~~\n\n``` edn\n  / ... /\n  "a",\n  "b"\n```\n');
    expect(r.mismatches).toBe(0);
    expect(r.examples).toHaveLength(1);
    expect(r.findings[0]!.severity).toBe('note');
  });

  it('resolves kramdown {::include} and mmark <{{…}} includes', () => {
    const ex = extractDraftExamples('# A\n\n~~~ cbor-diag\n{::include examples/original.edn}\n~~~\n\n# B\n<{{examples/reply.edn}}\n', { readInclude: includeReader(FIXTURE_DIR) });
    expect(ex.map((e) => e.file)).toEqual(['examples/original.edn', 'examples/reply.edn']);
    expect(ex.every((e) => e.bytes !== undefined)).toBe(true);
  });
});

describe('check-draft on an invalid MIMI message', () => {
  it('reports a content example that fails validation as a mismatch', () => {
    // The Original with cardinality 1 changed to 4 (byte "01" after "85 01 60").
    const hex = hexOf(exampleBytes('original')).replace('85016001781e', '85016004781e');
    const r = checkDraft(`# Bad\n\n~~~\n${hex}\n~~~\n`);
    expect(r.mismatches).toBe(1);
    expect(r.findings[0]!.message).toMatch(/^a MIMI content message that does not validate \(content\/unknown-cardinality/);
  });
});
