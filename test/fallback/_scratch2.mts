import { mixed } from '../../bench/fallback.js';
import { Conversation, render } from '../../src/fallback/index.js';
const msgs = mixed(100000);
const conv = new Conversation();
for (const x of msgs) conv.add(x);
const now = 1_700_000_000_000;
const view = conv.view(now);
const ctx = { now };
const groups = new Map<string, any[]>();
for (const e of view.entries) {
  const ct = new TextDecoder().decode((e.content?.nestedPart as any)?.content ?? new Uint8Array());
  const k = e.state === 'deleted' ? 'deleted' : e.replyTo ? 'reply' : ct.includes('**') ? 'md' : 'fast';
  (groups.get(k) ?? groups.set(k, []).get(k)!).push(e);
}
for (const [k, es] of groups) {
  for (const e of es.slice(0, 2000)) conv.render(e, ctx, now);
  let t = performance.now();
  for (const e of es) conv.render(e, ctx, now);
  const a = (performance.now() - t) / es.length * 1000;
  t = performance.now();
  for (const e of es) if (e.content) render(e.content, ctx);
  const b = (performance.now() - t) / es.length * 1000;
  console.log(k, es.length, 'conv.render µs', a.toFixed(1), 'plain render µs', b.toFixed(1));
}
