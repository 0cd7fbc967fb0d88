/**
 * The store a provider runs on, chosen by a specification string (`mimi serve --store`): the one switch
 * point where store kinds are added.
 *
 * @module
 */
import { resolve } from 'node:path';
import { MimiError } from '../errors.js';
import { MemoryStore } from '../delivery/store/memory.js';
import { openSqliteStore } from '../delivery/store/sqlite.js';
import { openPostgresStore } from '../delivery/store/postgres.js';
import type { DeliveryStore } from '../delivery/store/types.js';

/** What a store specification names. */
export type StoreSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly directory: string }
  | { readonly kind: 'url'; readonly scheme: string; readonly url: string };

/**
 * Reads a store specification: `memory:` (nothing kept: tests), a URL with a scheme of two or more letters
 * (`postgres://…`), or else a data directory path for the embedded SQLite store.
 *
 * @param spec - the specification
 * @returns what it names
 * @throws {@link MimiError} `provider/bad-config` for an empty specification
 * @example
 * ```ts
 * parseStoreSpec('./data/a');            // { kind: 'sqlite', directory: '/abs/path/data/a' }
 * parseStoreSpec('postgres://db/mimi');  // { kind: 'url', scheme: 'postgres', url: 'postgres://db/mimi' }
 * ```
 */
export function parseStoreSpec(spec: string): StoreSpec {
  if (spec.length === 0) throw new MimiError('provider/bad-config', 'the store specification is empty', { path: ['store'] });
  if (spec === 'memory:') return { kind: 'memory' };
  // Two letters at least, so that a Windows drive ("C:\data") stays a path.
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(spec)?.[1];
  if (scheme !== undefined) return { kind: 'url', scheme: scheme.toLowerCase(), url: spec };
  return { kind: 'sqlite', directory: resolve(spec) };
}

/**
 * Opens the store a specification names. Store kinds are added here (PostgreSQL: a `postgres`/`postgresql`
 * scheme branch that opens the PostgreSQL store).
 *
 * @param spec - `memory:`, a data directory, or a store URL
 * @returns the open store (the caller closes it)
 * @throws {@link MimiError} `provider/unsupported-store` for a scheme this build cannot open,
 *   `delivery/corrupt-store` for a data directory that is not ours
 * @example
 * ```ts
 * import { openStore } from 'mimi-kit/provider';
 * const store = await openStore('./data/a');
 * await store.close();
 * ```
 */
export async function openStore(spec: string): Promise<DeliveryStore> {
  const parsed = parseStoreSpec(spec);
  switch (parsed.kind) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      return openSqliteStore({ directory: parsed.directory });
    case 'url':
      // PostgreSQL (docs/postgres.md): the URL is node-postgres's connection string; migrations run on open.
      if (parsed.scheme === 'postgres' || parsed.scheme === 'postgresql') return openPostgresStore({ connectionString: parsed.url });
      throw new MimiError('provider/unsupported-store', `no store for ${parsed.scheme}:// URLs in this build (use a data directory path)`, {
        path: ['store'],
        details: { scheme: parsed.scheme },
      });
  }
}

/**
 * A specification for logs: the SQLite directory, `memory:`, or the URL without its password.
 *
 * @param spec - the specification
 * @returns a printable form
 * @example
 * ```ts
 * describeStore('postgres://mimi:secret@db/mimi'); // 'postgres://mimi:***@db/mimi'
 * ```
 */
export function describeStore(spec: string): string {
  const parsed = parseStoreSpec(spec);
  if (parsed.kind === 'memory') return 'memory: (nothing kept)';
  if (parsed.kind === 'sqlite') return `sqlite ${parsed.directory}`;
  return parsed.url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
