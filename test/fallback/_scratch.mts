import { __mixed } from '../../bench/fallback.js';
import { Conversation } from '../../src/fallback/index.js';
const msgs = __mixed(100000);
const ctx = { now: 1_700_000_000_000 };
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let round = 0; round < 2; round++) {
let t = cpu(), w = performance.now();
const conv = new Conversation();
for (const x of msgs) conv.add(x);
console.log('add cpu', (cpu() - t).toFixed(0), 'wall', (performance.now() - w).toFixed(0)); t = cpu(); w = performance.now();
const view = conv.view(ctx.now);
console.log('view cpu', (cpu() - t).toFixed(0), 'wall', (performance.now() - w).toFixed(0)); t = cpu(); w = performance.now();
let chars = 0;
for (const e of view.entries) chars += conv.render(e, ctx, ctx.now).text.length;
console.log('render cpu', (cpu() - t).toFixed(0), 'wall', (performance.now() - w).toFixed(0));
}
