/**
 * `npm run bench [suite…]`: runs every benchmark suite (or the named ones).
 */
const SUITES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  content: () => import('./content.js'),
  mls: () => import('./mls.js'),
  fallback: () => import('./fallback.js'),
  resources: () => import('./resources.js'),
  bundles: () => import('./bundles.js'),
  http: () => import('./http.js'),
  delivery: () => import('./delivery.js'),
};

const wanted = process.argv.slice(2);
for (const [name, load] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await (await load()).run();
}
