import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkDraft, extractDraftExamples } from '../../src/vectors/checkDraft.js';
import { statedMessageId } from '../../src/vectors/edn.js';
import { CONTENT_DRAFT, EXAMPLES } from './helpers.js';

const draft = readFileSync(CONTENT_DRAFT, 'utf8');
const readInclude = (p: string): string | undefined => {
  try {
    return readFileSync(join(dirname(CONTENT_DRAFT), p), 'utf8');
  } catch {
    return undefined;
  }
};
const ORIGINAL_ID = statedMessageId(readFileSync(join(EXAMPLES, 'original.edn'), 'utf8'))!;
// The -07 ID of the Original, written by hand from the hex dumps of the Reply and Reaction sections.
const STALE_ID = '01b0084467273cc43d6f0ebeac13eb84229c4fffe8f6c3594c905f47779e5a79';

describe('check-draft on draft-ietf-mimi-content (961ea5a)', () => {
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

describe('check-draft on small drafts', () => {
  const originalHex = readFileSync(join(EXAMPLES, 'original.cbor')).toString('hex');
  const replyHex = readFileSync(join(EXAMPLES, 'reply.cbor')).toString('hex');
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
    const edn = readFileSync(join(EXAMPLES, 'original.edn'), 'utf8').replace("h'017ce548", "h'017ce549");
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
    const ex = extractDraftExamples('# A\n\n~~~ cbor-diag\n{::include examples/original.edn}\n~~~\n\n# B\n<{{examples/reply.edn}}\n', { readInclude });
    expect(ex.map((e) => e.file)).toEqual(['examples/original.edn', 'examples/reply.edn']);
    expect(ex.every((e) => e.bytes !== undefined)).toBe(true);
  });
});

describe('check-draft on an invalid MIMI message', () => {
  it('reports a content example that fails validation as a mismatch', () => {
    // The Original with cardinality 1 changed to 4 (byte "01" after "85 01 60").
    const hex = readFileSync(join(EXAMPLES, 'original.cbor')).toString('hex').replace('85016001781e', '85016004781e');
    const r = checkDraft(`# Bad\n\n~~~\n${hex}\n~~~\n`);
    expect(r.mismatches).toBe(1);
    expect(r.findings[0]!.message).toMatch(/^a MIMI content message that does not validate \(content\/unknown-cardinality/);
  });
});
