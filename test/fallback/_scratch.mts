import { mixed } from '../../bench/fallback.js';
import { Conversation } from '../../src/fallback/index.js';
const msgs = mixed(100000);
const ctx = { now: 1_700_000_000_000 };
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let round = 0; round < 3; round++) {
let t = cpu();
const conv = new Conversation();
for (const x of msgs) conv.add(x);
const a = cpu() - t; t = cpu();
const view = conv.view(ctx.now);
const v = cpu() - t; t = cpu();
let chars = 0;
for (const e of view.entries) chars += conv.render(e, ctx, ctx.now).text.length;
console.log('round', round, 'add', a.toFixed(0), 'view', v.toFixed(0), 'render', (cpu() - t).toFixed(0));
}
