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

/**
 * Every command module.
 *
 * @example
 * ```ts
 * const m = COMMAND_MODULES.find((x) => x.words.includes('decode'))!;
 * (await m.load()).commands.map((c) => c.name); // ['decode', 'id', 'encode', 'vectors verify', 'check-draft']
 * ```
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { words: ['decode', 'id', 'encode', 'vectors', 'check-draft'], load: () => import('./content-commands.js') },
  { words: ['render'], load: () => import('./fallback-commands.js') },
  { words: ['room'], load: () => import('./room-commands.js') },
  { words: ['demo'], load: () => import('./demo.js') },
  { words: ['serve'], load: () => import('./serve.js') },
];
