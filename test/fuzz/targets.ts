/**
 * Every fuzz target, shared by the short run in `npm test` (test/fuzz/*.test.ts) and the long one
 * behind `npm run fuzz` (scripts/fuzz.ts).
 */
import { cborTarget, contentJsonTarget, contentTarget, conversationTarget, renderTarget, statusTarget, validateTarget } from './targets-content.js';
import { mlsTarget, prepareMls } from './targets-mls.js';
import { roomComponentTarget, roomJsonTarget, roomTarget } from './targets-room.js';
import type { FuzzTarget } from './target.js';

export { runInput, type FuzzTarget, type Outcome } from './target.js';

/** All targets, in the order of the summary table. */
export const TARGETS: readonly FuzzTarget[] = [
  cborTarget,
  contentTarget,
  statusTarget,
  contentJsonTarget,
  validateTarget,
  renderTarget,
  conversationTarget,
  roomTarget,
  roomComponentTarget,
  roomJsonTarget,
  mlsTarget,
];

/** Async set-up some targets need before `inputs()` (the MLS room). */
export async function prepare(targets: readonly FuzzTarget[]): Promise<void> {
  if (targets.includes(mlsTarget)) await prepareMls();
}
