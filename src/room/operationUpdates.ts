/**
 * The proposals that carry an accepted operation: the ParticipantListUpdate (draft-ietf-mimi-protocol
 * §8.5) and the AppDataUpdate bodies (draft-ietf-mls-extensions §4.7) that turn the state before into
 * the state after, with join_links changes as JoinLinksUpdate (draft-ietf-mimi-room-policy §5.2).
 *
 * @module
 */
import { encodeAppDataUpdate } from './appDataContainers.js';
import { bytesEqual } from './bytes.js';
import { encodeParticipantListUpdate } from './components.js';
import { encodeJoinLinksUpdate } from './policyComponents.js';
import { ComponentId } from './registry.js';
import { roomComponents } from './state.js';
import type { AppDataUpdate, ParticipantListUpdate, RoomState } from './types.js';

/**
 * The ParticipantListUpdate that turns `before`'s list into `after`'s (changed roles, removed
 * indexes ascending, additions in order), assuming survivors keep their relative order.
 *
 * @param before - list before
 * @param after - list after
 * @returns the update, or undefined when the lists are equal
 * @example
 * ```ts
 * const result = participantListUpdate(before, after);
 * ```
 */
export function participantListUpdate(before: RoomState, after: RoomState): ParticipantListUpdate | undefined {
  const afterMap = new Map(after.participants.map((p) => [p.user, p.role]));
  const beforeUsers = new Set(before.participants.map((p) => p.user));
  const changedRoles: { index: number; role: number }[] = [];
  const removedIndices: number[] = [];
  before.participants.forEach((p, i) => {
    const r = afterMap.get(p.user);
    if (r === undefined) removedIndices.push(i);
    else if (r !== p.role) changedRoles.push({ index: i, role: r });
  });
  const added = after.participants.filter((p) => !beforeUsers.has(p.user)).map((p) => ({ user: p.user, role: p.role }));
  if (changedRoles.length + removedIndices.length + added.length === 0) return undefined;
  return { changedRoles, removedIndices, added };
}

export function deriveUpdates(before: RoomState, after: RoomState): { update?: ParticipantListUpdate; appDataUpdates: AppDataUpdate[] } {
  const b = new Map(roomComponents(before).map((c) => [c.componentId, c.data]));
  const a = new Map(roomComponents(after).map((c) => [c.componentId, c.data]));
  const ids = [...new Set([...b.keys(), ...a.keys()])].sort((x, y) => x - y);
  const out: AppDataUpdate[] = [];
  let update: ParticipantListUpdate | undefined;
  for (const id of ids) {
    const bd = b.get(id);
    const ad = a.get(id);
    if (ad === undefined) {
      out.push({ componentId: id, op: 'remove' });
      continue;
    }
    if (bd !== undefined && bytesEqual(bd, ad)) continue;
    if (id === ComponentId.participant_list) {
      update = participantListUpdate(before, after);
      if (update) out.push({ componentId: id, op: 'update', update: encodeParticipantListUpdate(update) });
    } else if (id === ComponentId.join_links) {
      // draft-ietf-mimi-room-policy §5.2: join_links changes travel as JoinLinksUpdate (also when the component is new).
      const bl = before.policy.joinLinks ?? [];
      const al = after.policy.joinLinks ?? [];
      const now = new Set(al);
      const removedIndices = bl.flatMap((l, i) => (now.has(l) ? [] : [i]));
      const kept = bl.filter((l) => now.has(l));
      out.push({ componentId: id, op: 'update', update: encodeJoinLinksUpdate({ removedIndices, added: al.slice(kept.length) }) });
    } else out.push({ componentId: id, op: 'update', update: ad });
  }
  return { ...(update ? { update } : {}), appDataUpdates: out };
}

/**
 * Encodes the AppDataUpdate bodies of a result, ready to wrap in MLS proposals.
 *
 * @param updates - updates
 * @returns one byte string per proposal
 * @example
 * ```ts
 * const result = encodeAppDataUpdates(updates);
 * ```
 */
export function encodeAppDataUpdates(updates: readonly AppDataUpdate[]): Uint8Array[] {
  return updates.map(encodeAppDataUpdate);
}
