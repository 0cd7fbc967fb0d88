/**
 * The resource cases of issue 10, one per class of input that once crashed, hung or exhausted memory:
 * each builds an input of a given size and runs one public operation on it. Used by the resource tests
 * (test/resources/resources.test.ts, small sizes, under a heap limit) and by the bench
 * (bench/resources.ts, full sizes, n against n/2). Budgets: docs/limits.md.
 */
import { decodeContent, encodeContent, messageId, type MimiContent, type NestedPart } from '../../src/content/index.js';
import { Conversation, render } from '../../src/fallback/index.js';
import { createRoom, decodeAppDataDictionary, encodeAppDataDictionary } from '../../src/room/index.js';
import { decodeCbor } from '../../src/cbor/index.js';

const utf8 = new TextEncoder();
const ALICE = 'mimi://example.com/u/alice-smith';
const ROOM = 'mimi://example.com/r/engineering_team';

/** A message with one body part (structure of draft-ietf-mimi-content §3, built by hand). */
function message(part: NestedPart, extra: Partial<MimiContent> = {}): MimiContent {
  return { salt: new Uint8Array(16), replaces: null, topicId: new Uint8Array(0), expires: null, inReplyTo: null, extensions: { senderUri: ALICE, roomUri: ROOM }, nestedPart: part, ...extra };
}

function body(contentType: string, text: string | Uint8Array): NestedPart {
  return { disposition: 1, language: '', cardinality: 'single', contentType, content: typeof text === 'string' ? utf8.encode(text) : new Uint8Array(text) };
}

const HTML = 'text/html';
const MD = 'text/markdown;variant=GFM-MIMI';
const PLAIN = 'text/plain;charset=utf-8';

/** What a case returns: a summary of the value (kept small, so the child's output is too). */
export type CaseValue = Record<string, number | string>;

/** One resource case. */
export interface ResourceCase {
  readonly name: string;
  /** The class of issue 10 it stands for. */
  readonly issueClass: string;
  /** What `n` counts. */
  readonly unit: string;
  /** `n` in the unit test (small: the whole file runs in seconds) and in the bench (the issue's sizes). */
  readonly testN: number;
  readonly benchN: number;
  /**
   * Budget of V8 heap the operation may use, in bytes, for an input of `inputBytes` bytes (the child
   * runs with `--max-old-space-size` = base + this). Linear in the input: docs/limits.md.
   */
  readonly heapFactor: number;
  /** Builds the input (not measured). */
  build(n: number): unknown;
  /** Size of the input in bytes (what the budget is relative to). */
  inputBytes(input: unknown): number;
  /** The measured operation: returns a value or throws a MimiError. */
  run(input: unknown): CaseValue;
}

const renderAll = (c: MimiContent): CaseValue => {
  const r = render(c);
  return { text: r.text.length, markdown: r.markdown.length, html: r.html.length };
};

const renderCase = (name: string, unit: string, testN: number, benchN: number, make: (n: number) => MimiContent, heapFactor = 64): ResourceCase => ({
  name,
  issueClass: name.startsWith('render-nested') || name.startsWith('render-runs') ? 'deep nesting / long runs in renderers' : 'renderer input size',
  unit,
  testN,
  benchN,
  heapFactor,
  build: make,
  inputBytes: (c) => encodeContent(c as MimiContent).length,
  run: (c) => renderAll(c as MimiContent),
});

/**
 * Heap per input byte for the many-items cases: the decoders allow one item per 8 input bytes
 * (docs/errors.md `cbor/too-many-items`) and the costliest item, an empty Map, takes ~256 bytes of heap in
 * V8: 32× the input, with half as much again for the decoder's transient state.
 */
const ITEMS_HEAP_FACTOR = 48;

/** `n` empty maps in one array: n + 5 bytes of CBOR that once decoded to ~200 n bytes of heap. */
function manyItems(n: number): Uint8Array {
  const out = new Uint8Array(n + 5).fill(0xa0);
  out.set([0x9a, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  return out;
}

/** A content message whose extension 3 is an array of `n` empty maps (hand-assembled CBOR). */
function manyItemsMessage(n: number): Uint8Array {
  // Encode with a marker byte string as the value of key 3, then put the items where the marker is.
  const mark = utf8.encode('@@items@@');
  const head = encodeContent(message(body(PLAIN, 'x'), { extensions: { senderUri: ALICE, roomUri: ROOM, other: new Map([[3, mark]]) } }));
  const at = Buffer.from(head).indexOf(Buffer.from([0x40 + mark.length, ...mark]));
  const items = manyItems(n);
  const out = new Uint8Array(head.length - mark.length - 1 + items.length);
  out.set(head.subarray(0, at));
  out.set(items, at);
  out.set(head.subarray(at + mark.length + 1), at + items.length);
  return out;
}

export const CASES: readonly ResourceCase[] = [
  renderCase('render-nested-b', 'nested <b>', 5_000, 40_000, (n) => message(body(HTML, `${'<b>'.repeat(n)}x${'</b>'.repeat(n)}`))),
  renderCase('render-nested-blockquote', 'nested <blockquote>', 5_000, 40_000, (n) => message(body(HTML, `${'<blockquote>'.repeat(n)}x${'</blockquote>'.repeat(n)}`))),
  renderCase('render-nested-list', 'nested <ul><li>', 5_000, 40_000, (n) => message(body(HTML, `${'<ul><li>'.repeat(n)}x${'</li></ul>'.repeat(n)}`))),
  renderCase('render-runs-pre', 'backtick runs in <pre>', 200_000, 400_000, (n) => message(body(HTML, `<pre>${'`a'.repeat(n)}</pre>`))),
  renderCase('render-runs-fence', 'backtick runs in a fenced block', 200_000, 400_000, (n) => message(body(MD, `\`\`\`\n${'` '.repeat(n)}\n\`\`\``))),
  renderCase('render-table-rows', 'table rows (markdown)', 200_000, 400_000, (n) => message(body(MD, `|a|\n|-|\n${'|x|\n'.repeat(n)}`))),
  renderCase('sanitize-nested-div', 'nested <div>', 80_000, 160_000, (n) => message(body(HTML, '<div>'.repeat(n)))),
  renderCase('markdown-big', 'bytes of markdown', 2 ** 21, 2 ** 24 - 4096, (n) => message(body(MD, 'Some *text* with `code`, a [link](https://example.com/) and __more__.\n\n'.repeat(Math.ceil(n / 72)).slice(0, n)))),
  {
    name: 'cbor-many-items',
    issueClass: 'many CBOR items',
    unit: 'empty maps',
    testN: 4_000_000,
    benchN: 16_000_000,
    heapFactor: ITEMS_HEAP_FACTOR,
    build: manyItems,
    inputBytes: (b) => (b as Uint8Array).length,
    run: (b) => {
      const v = decodeCbor(b as Uint8Array);
      return { items: Array.isArray(v) ? v.length : -1 };
    },
  },
  {
    name: 'content-many-items',
    issueClass: 'many CBOR items',
    unit: 'empty maps in an extension',
    testN: 4_000_000,
    benchN: 8_000_000,
    heapFactor: ITEMS_HEAP_FACTOR,
    build: manyItemsMessage,
    inputBytes: (b) => (b as Uint8Array).length,
    run: (b) => {
      const c = decodeContent(b as Uint8Array);
      return { other: c.extensions.other?.size ?? 0 };
    },
  },
  {
    name: 'room-users',
    issueClass: 'large room state',
    unit: 'users with profiles',
    testN: 10_000,
    benchN: 40_000,
    heapFactor: 64,
    build: (n) => {
      const members = Array.from({ length: n }, (_, i) => ({ user: `mimi://example.com/u/user-${i}`, role: 2, profile: { displayName: `User ${i}` } }));
      return encodeAppDataDictionary(createRoom({ preset: 'cooperative', creator: ALICE, roomUri: ROOM, members }));
    },
    inputBytes: (b) => (b as Uint8Array).length,
    run: (b) => ({ participants: decodeAppDataDictionary(b as Uint8Array).participants.length }),
  },
  {
    name: 'conversation-edits-replies',
    issueClass: 'edits + replies conversation',
    unit: 'edits (and as many replies)',
    testN: 5_000,
    benchN: 20_000,
    heapFactor: 64,
    build: (n) => {
      const original = message(body(PLAIN, 'original'));
      const bytes = encodeContent(original);
      const root = new Uint8Array(messageId(bytes));
      const msgs = [{ id: root, sender: ALICE, hubTimestamp: 1, content: original }];
      for (let i = 0; i < n; i++) {
        const salt = new Uint8Array(16);
        new DataView(salt.buffer).setUint32(0, i);
        const edit = message(body(PLAIN, `edit ${i}`), { salt, replaces: root });
        const editId = new Uint8Array(messageId(encodeContent(edit)));
        salt[15] = 1;
        const reply = message(body(PLAIN, `reply ${i}`), { salt: salt.slice(), inReplyTo: editId });
        msgs.push({ id: editId, sender: ALICE, hubTimestamp: 2 + 2 * i, content: edit }, { id: new Uint8Array(messageId(encodeContent(reply))), sender: ALICE, hubTimestamp: 3 + 2 * i, content: reply });
      }
      return msgs;
    },
    inputBytes: (msgs) => (msgs as { content: MimiContent }[]).reduce((s, m) => s + encodeContent(m.content).length, 0),
    run: (msgs) => {
      const conv = new Conversation();
      for (const m of msgs as Parameters<Conversation['add']>[0][]) conv.add(m);
      const view = conv.view(10 ** 7);
      return { entries: view.entries.length, rendered: view.entries.slice(-100).reduce((s, e) => s + conv.render(e, {}, 10 ** 7).html.length, 0) };
    },
  },
  {
    name: 'big-message',
    issueClass: 'big messages',
    unit: 'bytes of plain text',
    testN: 2 ** 22,
    benchN: 2 ** 24 - 4096,
    heapFactor: 32,
    build: (n) => encodeContent(message(body(PLAIN, new Uint8Array(n).fill(0x61)))),
    inputBytes: (b) => (b as Uint8Array).length,
    run: (b) => {
      const c = decodeContent(b as Uint8Array);
      return { id: messageId(b as Uint8Array).length, ...renderAll(c) };
    },
  },
];

