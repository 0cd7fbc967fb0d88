/**
 * `node --import ./bench/loader.mjs`: runs the benchmarks' TypeScript as the JavaScript that ships. Each `.ts`
 * file is turned into JavaScript by esbuild on load (types removed, nothing else: no bundling, no renaming),
 * which is what `tsc` emits for this code. tsx, used by the tests, also wraps every function in a `__name`
 * call (esbuild's keepNames); that wrapper runs each time a closure is created and cost ~15 % of the HTTP
 * benchmark's time, so it would be measured as mimi-kit's cost though no user runs it.
 */
import { register } from 'node:module';

register('./loader-hooks.mjs', import.meta.url);
