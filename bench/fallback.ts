/**
 * Fallback rendering and conversation view benchmarks: `npm run bench fallback`.
 *
 * - render throughput per message kind (plain, GFM-MIMI, HTML, reply with quote, attachment, multipart);
 * - a timeline of 100 000 mixed messages (texts, edits, deletes, reactions, replies) built and every
 *   entry rendered; target ≤ 1 s.
 */
import { decodeContent } from '../src/content/index.js';
import type { MimiContent } from '../src/content/mimiContent.js';
import type { NestedPart } from '../src/content/nestedPart.js';
import { Conversation, render, type ReceivedMessage } from '../src/fallback/index.js';
import { measure, measureOnce, report, type Measurement } from './lib.js';
import { exampleBytes } from '../test/support/examples.js';

// The draft's examples, as spec-vectors carries their bytes (no ../shared needed).
const example = (n: string) => decodeContent(exampleBytes(n));
const enc = new TextEncoder();

function part(contentType: string, text: string, disposition = 1): NestedPart {
  return { disposition, language: '', cardinality: 'single', contentType, content: enc.encode(text) as Uint8Array<ArrayBuffer> };
}
function hexId(n: number): string {
  return '01' + n.toString(16).padStart(62, '0');
}
function bytesOf(h: string): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return b;
}
function content(nestedPart: NestedPart, o: { replaces?: string; inReplyTo?: string } = {}): MimiContent {
  return {
    salt: new Uint8Array(16) as Uint8Array<ArrayBuffer>,
    replaces: o.replaces ? bytesOf(o.replaces) : null,
    topicId: new Uint8Array(0) as Uint8Array<ArrayBuffer>,
    expires: null,
    inReplyTo: o.inReplyTo ? bytesOf(o.inReplyTo) : null,
    extensions: {},
    nestedPart,
  };
}

const USERS = Array.from({ length: 50 }, (_, i) => `mimi://example.com/u/user${i}`);
const NAMES = new Map(USERS.map((u, i) => [u, `User ${i}`]));

/** 100k messages: 55% texts (of which a quarter markdown with markup), 15% replies, 15% reactions, 8% edits, 5% deletes, 2% unlikes. */
export function mixed(n: number): ReceivedMessage[] {
  const out: ReceivedMessage[] = [];
  const originals: { id: string; sender: string }[] = [];
  const reactions: { id: string; sender: string }[] = [];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < n; i++) {
    const id = hexId(i + 1);
    const sender = USERS[Math.floor(rnd() * USERS.length)]!;
    const ts = 1_700_000_000_000 + i * 10;
    const r = rnd();
    const target = originals.length > 0 ? originals[Math.floor(rnd() * originals.length)]! : undefined;
    let c: MimiContent;
    if (!target || r < 0.55) {
      c = content(
        i % 4 === 0
          ? part('text/markdown;variant=GFM-MIMI', `Release **${i}** is _out_, see [notes](https://example.com/r/${i})`)
          : part('text/markdown;variant=GFM-MIMI', `plain message number ${i} with some ordinary words in it`),
      );
      originals.push({ id, sender });
    } else if (r < 0.7) {
      c = content(part('text/plain;charset=utf-8', `reply ${i}`), { inReplyTo: target.id });
      originals.push({ id, sender });
    } else if (r < 0.85) {
      c = content(part('text/plain;charset=utf-8', ['👍', '❤', '🎉', '😂'][i % 4]!, 2), { inReplyTo: target.id });
      reactions.push({ id, sender });
    } else if (r < 0.93) {
      c = content(part('text/markdown;variant=GFM-MIMI', `edited ${i}`), { replaces: target.id });
      out.push({ id, sender: target.sender, hubTimestamp: ts, content: c });
      continue;
    } else if (r < 0.98) {
      c = content({ disposition: 1, language: '', cardinality: 'nullpart' }, { replaces: target.id });
      out.push({ id, sender: target.sender, hubTimestamp: ts, content: c });
      continue;
    } else {
      const re = reactions.length > 0 ? reactions[Math.floor(rnd() * reactions.length)]! : undefined;
      if (!re) continue;
      c = content({ disposition: 2, language: '', cardinality: 'nullpart' }, { replaces: re.id });
      out.push({ id, sender: re.sender, hubTimestamp: ts, content: c });
      continue;
    }
    out.push({ id, sender, hubTimestamp: ts, content: c });
  }
  return out;
}

/** Runs the fallback suite and writes bench/results/fallback.json. */
export async function run(): Promise<void> {
  const ms: Measurement[] = [];
  const ctx = { displayName: (u: string) => NAMES.get(u), now: 1_700_000_000_000 };
  const original = example('original');
  const reply = example('reply');
  const replyCtx = { ...ctx, resolveMessage: () => ({ status: 'available' as const, sender: USERS[0]!, content: original }) };
  const cases: [string, MimiContent, object][] = [
    ['plain text', content(part('text/plain;charset=utf-8', 'Hello, world. Lunch at noon?')), ctx],
    ['GFM-MIMI (draft original)', original, ctx],
    ['HTML mention (allowlist tokenizer)', example('mention-html'), ctx],
    ['reply with quote', reply, replyCtx],
    ['attachment', example('attachment'), ctx],
    ['multipart-3 (nested, cid)', example('multipart-3'), ctx],
  ];
  for (const [name, c, cx] of cases) ms.push(await measure('render one message', name, () => render(c, cx), { minTimeMs: 500, batch: 50, warmup: 2000 }));

  const N = 100_000;
  const msgs = mixed(N);
  // Warm the JIT on a smaller, different set first (steady-state figure, as a long-running client sees).
  {
    const warm = mixed(20_000);
    const conv = new Conversation();
    for (const x of warm) conv.add(x);
    for (const e of conv.view(ctx.now).entries) conv.render(e, ctx, ctx.now);
  }
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const c0 = cpu();
  const { m, result } = await measureOnce('timeline 100k mixed', 'build + view + render all', () => {
    const conv = new Conversation();
    for (const x of msgs) conv.add(x);
    const view = conv.view(ctx.now);
    let chars = 0;
    for (const e of view.entries) chars += conv.render(e, ctx, ctx.now).text.length;
    return { entries: view.entries.length, chars, pending: view.pending, rejected: view.rejectedCount };
  });
  m.target = '≤ 1 s';
  m.targetMet = m.medianMs <= 1000;
  const cpuMs = cpu() - c0;
  m.extra = { messages: N, entries: result.entries, pending: result.pending, rejected: result.rejected, cpuMs: Math.round(cpuMs) };
  console.log(`timeline 100k: wall ${m.medianMs.toFixed(0)} ms, process CPU ${cpuMs.toFixed(0)} ms (all threads, GC included)`);
  ms.push(m);
  const build = await measureOnce('timeline 100k mixed', 'build + view only', () => {
    const conv = new Conversation();
    for (const x of msgs) conv.add(x);
    return conv.view(ctx.now).entries.length;
  });
  ms.push(build.m);
  report('fallback', ms);
}


if (import.meta.url === `file://${process.argv[1]}`) await run();
