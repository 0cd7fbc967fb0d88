import { mixed } from '../../bench/fallback.js';
import { Conversation } from '../../src/fallback/index.js';
const msgs = mixed(100000);
const conv = new Conversation();
for (const x of msgs) conv.add(x);
const now = 1_700_000_000_000;
const view = conv.view(now);
const ctx = { now };
const groups = new Map<string, any[]>();
for (const e of view.entries) {
  const ct = new TextDecoder().decode((e.content?.nestedPart as any)?.content ?? new Uint8Array());
  const k = e.state === 'deleted' ? 'deleted' : e.replyTo ? 'reply' : ct.includes('**') ? 'md' : e.reactions.length ? 'fast+reactions' : 'fast';
  (groups.get(k) ?? groups.set(k, []).get(k)!).push(e);
}
for (let r = 0; r < 2; r++) for (const [k, es] of groups) {
  const t = performance.now();
  for (const e of es) conv.render(e, ctx, now);
  console.log(r, k, es.length, 'µs', ((performance.now() - t) / es.length * 1000).toFixed(1));
}
