/**
 * Reactions to one message as a timeline shows them (draft §5.3, §9.3): per key, distinct senders in
 * order, without unliked or expired reactions, counting those made to an earlier version.
 *
 * @module
 */
import type { ConversationOptions, ReactionSummary } from './conversationTypes.js';
import { reactionKeys } from './render.js';
import { before, expiresAt, isDeleted, winner, type Rel, type Stored } from './storedMessage.js';

/**
 * The reactions to a root, summarized for the version `shown` at `now`.
 *
 * @param rel - the root's relations
 * @param shown - the version shown (its original or the winning edit)
 * @param readAt - when the local user read a message, for relative expiry
 */
export function reactionSummaries(rel: Rel | undefined, shown: Stored, now: number, readAt: ConversationOptions['readAt']): ReactionSummary[] {
  if (!rel || rel.reactions === undefined) return [];
  // Per key, in order of first reaction: distinct senders in order, and how many of them reacted
  // to an earlier version (draft §4.1: a reaction references one version; §9.3). Plain arrays for
  // the usual handful of reactions, maps (linear time) beyond.
  const list = rel.reactions;
  const small = list.length <= 8;
  const out: { key: string; count: number; senders: string[]; onPreviousVersion: number }[] = [];
  let byKey = small ? undefined : new Map<string, { sum: (typeof out)[number]; seen: Set<string> }>();
  const sorted = list.length > 1 ? [...list].sort(before) : list;
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const rr = r.rel;
    if (isDeleted(rr)) continue; // unlike
    const exp = expiresAt(r, readAt);
    if (exp !== undefined && exp <= now) continue;
    const by = winner(rr) ?? r;
    const prev = r.target !== shown.id;
    const keys = (by.keys ??= reactionKeys(by.content.nestedPart));
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      let sum: (typeof out)[number] | undefined;
      if (byKey === undefined && out.length >= 8) {
        // Few reactions but many keys (one body may list thousands): maps from here on.
        byKey = new Map();
        for (const x of out) byKey.set(x.key, { sum: x, seen: new Set(x.senders) });
      }
      if (byKey === undefined) {
        for (let j = 0; j < out.length; j++) if (out[j]!.key === key) sum = out[j];
        if (sum !== undefined && sum.senders.includes(r.sender)) continue;
      } else {
        const g = byKey.get(key);
        if (g !== undefined) {
          if (g.seen.has(r.sender)) continue;
          g.seen.add(r.sender);
          sum = g.sum;
        }
      }
      if (sum === undefined) {
        // A new key (its first sender as an array literal, sized to fit).
        sum = { key, count: 1, senders: [r.sender], onPreviousVersion: prev ? 1 : 0 };
        out.push(sum);
        byKey?.set(key, { sum, seen: new Set([r.sender]) });
        continue;
      }
      sum.senders.push(r.sender);
      sum.count++;
      if (prev) sum.onPreviousVersion++;
    }
  }
  return out;
}
