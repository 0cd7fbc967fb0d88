/**
 * The library in a real Chromium (issue 14): content codec and message IDs against spec-vectors, fallback
 * rendering of the hostile inputs into the live DOM, the room authorization table, and an MLS room on the
 * browser crypto provider. The page (test/browser/page.ts) runs src/ bundled by esbuild; expected values
 * come from the vector files, the hand-written table and the draft, read here in Node.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared.js';
import { exampleMessageId, EXAMPLE_TIMESTAMPS } from '../support/examples.js';
import { FIXTURES, expectedCode } from '../room/authz-table.js';
import { describeBrowser, openPage, type OpenedPage } from './harness.js';
import type { PageVector } from './page.js';

interface Suite {
  content(v: readonly PageVector[]): Record<string, { reencoded?: string; messageId?: string; error?: string }>;
  fallback(): Promise<{
    findings: { name: string; predicate?: string; markdown?: string; active: number; handlers: string[]; badUrls: string[]; targets: number; depth: number; hasInner: boolean }[];
    alerts: number;
    cap: number;
  }>;
  room(): Record<string, string>;
  mls(originalHex: string, hubTimestamp: number): Promise<Record<string, unknown>>;
}
declare const mimiSuite: Suite;

interface FileVector extends PageVector {
  error?: string;
  expected?: { messageId?: string };
}
const CONTENT = join(REPO_ROOT, 'spec-vectors', 'content');
const KINDS = new Set(['decode', 'decode-error', 'roundtrip', 'message-id', 'message-id-error']);
const vectors: FileVector[] = readdirSync(CONTENT)
  .filter((f) => f.endsWith('.json') && f !== 'manifest.json')
  .flatMap((f) => (JSON.parse(readFileSync(join(CONTENT, f), 'utf8')) as { vectors?: FileVector[] }).vectors ?? [])
  .filter((v) => KINDS.has(v.kind));
const originalHex = vectors.find((v) => v.id === 'original/decode')!.input.hex;

describeBrowser('the library in Chromium', () => {
  let opened: OpenedPage;
  beforeAll(async () => {
    opened = await openPage({ entries: { page: join(REPO_ROOT, 'test/browser/page.ts') } });
  }, 120_000);
  afterAll(async () => opened?.close());

  it('content: every decode, round-trip, message-ID and error vector of spec-vectors/content', async () => {
    expect(vectors.length).toBeGreaterThan(190); // 14 examples, 36 round trips, 148 decode errors, 9 ID vectors
    const got = await opened.page.evaluate((v) => mimiSuite.content(v), vectors.map(({ id, kind, input }) => ({ id, kind, input })));
    for (const v of vectors) {
      const r = got[v.id];
      if (v.kind === 'decode-error' || v.kind === 'message-id-error') expect(r, v.id).toEqual({ error: v.error });
      else if (v.kind === 'message-id') expect(r, v.id).toEqual({ messageId: v.expected!.messageId });
      else {
        expect(r?.reencoded, v.id).toBe(v.input.hex); // byte-exact
        if (v.kind === 'decode') expect(r?.messageId, v.id).toBe(v.expected!.messageId);
      }
    }
  });

  it('fallback: hostile HTML and markdown rendered into the live DOM stay inert', async () => {
    const { findings, alerts, cap } = await opened.page.evaluate(() => mimiSuite.fallback());
    expect(findings.length).toBeGreaterThan(50);
    for (const f of findings) {
      // The shared predicate (test/fuzz/safety.ts), run in the page, and what Chromium's parser built.
      expect({ name: f.name, predicate: f.predicate, markdown: f.markdown, active: f.active, handlers: f.handlers, badUrls: f.badUrls, targets: f.targets }).toEqual({
        name: f.name,
        predicate: undefined,
        markdown: undefined,
        active: 0,
        handlers: [],
        badUrls: [],
        targets: 0,
      });
      expect(f.hasInner, f.name).toBe(true);
      // Decision D18 (32 levels), plus the <p> or <pre><code> a body may add: the browser's own tree.
      expect(f.depth, f.name).toBeLessThanOrEqual(cap + 2);
    }
    expect(alerts).toBe(0);
    expect(opened.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });

  it('room: the authorization table of draft-ietf-mimi-room-policy Appendix A, in the page', async () => {
    const got = await opened.page.evaluate(() => mimiSuite.room());
    const want: Record<string, string> = {};
    for (const [preset, f] of Object.entries(FIXTURES)) {
      for (const action of Object.keys(f.table)) for (const r of f.roles) want[`${preset}/${action}/${r}`] = expectedCode(preset, action, r);
    }
    expect(Object.keys(want).length).toBeGreaterThan(100);
    expect(got).toEqual(want);
  });

  it('mls: create, add, Welcome join, encrypt, decrypt on the browser crypto provider', async () => {
    const got = await opened.page.evaluate(([hex, ts]) => mimiSuite.mls(hex, ts), [originalHex, EXAMPLE_TIMESTAMPS.original!] as const);
    expect(got).toEqual({
      defaultIsBrowser: true, // outside Node the default provider is the browser one
      webCryptoEd25519: true, // Chromium ≥ 137 has WebCrypto Ed25519: the fast path
      members: ['mimi://example.com/d/alice-smith/1', 'mimi://example.com/d/bob-jones/1'],
      contentHex: originalHex,
      messageId: exampleMessageId('original'), // the ID draft-ietf-mimi-content states for examples/original.cbor
      sender: 'mimi://example.com/d/alice-smith/1',
      backText: 'seen, thanks',
      backSender: 'mimi://example.com/u/bob-jones',
      tamperedCode: expect.stringMatching(/^mls\//),
    });
  });
});
