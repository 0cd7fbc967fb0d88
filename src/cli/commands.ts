/**
 * The registry of `mimi` sub-commands: the first word of each command and the module that holds it.
 * Modules load lazily, only the one asked for, so `mimi decode` never loads ts-mls.
 *
 * @module
 */
import type { CliCommand } from './command.js';

/** A command module and the first words of the commands it provides. */
export interface CommandModule {
  readonly words: readonly string[];
  readonly load: () => Promise<{ commands: readonly CliCommand[] }>;
}

/** Every command module. */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { words: ['decode', 'id', 'encode', 'vectors', 'check-draft'], load: () => import('./content-commands.js') },
  { words: ['render'], load: () => import('./fallback-commands.js') },
  { words: ['room'], load: () => import('./room-commands.js') },
  { words: ['demo'], load: () => import('./demo.js') },
];
