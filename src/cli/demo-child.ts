/**
 * The entry point `mimi demo` starts its providers with (`mimi serve` in a child process): the CLI, run from
 * this module's own folder, so that the child is the same build (dist) or the same sources (under tsx) as
 * the demo that starts it.
 *
 * @module
 */
import { guardOutput, runCli } from './main.js';

guardOutput();
process.exitCode = await runCli(process.argv.slice(2));
