/**
 * The registry of `mimi` sub-commands: one lazy loader per command module.
 *
 * @module
 */
import type { CliCommand } from './command.js';

/** Each entry loads a module exporting `commands: CliCommand[]`. Lazy so `mimi decode` never loads ts-mls. */
export const COMMAND_MODULES: readonly (() => Promise<{ commands: readonly CliCommand[] }>)[] = [
  () => import('./content-commands.js'),
  () => import('./fallback-commands.js'),
  () => import('./room-commands.js'),
];
