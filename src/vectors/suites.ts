/**
 * The registry of vector suites `mimi vectors verify` knows. One import line per suite.
 *
 * @module
 */
import type { VectorSuite } from './format.js';

/** Lazily loads every known suite (lazy so `mimi vectors verify` on content files never loads ts-mls). */
export const SUITE_LOADERS: Readonly<Record<string, () => Promise<VectorSuite>>> = {
  content: () => import('./content.js').then((m) => m.contentSuite),
  fallback: () => import('./fallback.js').then((m) => m.fallbackSuite),
  room: () => import('./room.js').then((m) => m.roomSuite),
  protocol: () => import('./protocol.js').then((m) => m.protocolSuite),
};
