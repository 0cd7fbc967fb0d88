/**
 * Constant-time lookups into room states: users by URI, roles by index, a role's capabilities and
 * authorized role changes. Indexes are built once per frozen array or role (states returned by this
 * module are deep-frozen, so they cannot go stale) and kept in WeakMaps; unfrozen inputs are
 * scanned, as a caller may still mutate them.
 *
 * Why: decoding, validating and applying a commit look up every participant; a linear scan per
 * lookup makes a 40k-user room quadratic (issue 10).
 *
 * @module
 */
import type { Participant, Role } from './types.js';

const userIndexes = new WeakMap<readonly Participant[], ReadonlyMap<string, Participant>>();
const roleIndexes = new WeakMap<readonly Role[], ReadonlyMap<number, Role>>();
const roleFacts = new WeakMap<Role, RoleFacts>();

/** Capabilities and authorized role changes of one role, as sets. */
interface RoleFacts {
  readonly capabilities: ReadonlySet<number>;
  /** from → the set of allowed targets. */
  readonly changes: ReadonlyMap<number, ReadonlySet<number>>;
}

/**
 * The participant entry of `user` (the first one, as a scan would find).
 *
 * @param participants - a participant list
 * @param user - user URI
 * @returns the entry or undefined
 * @example
 * ```ts
 * participantByUser(state.participants, 'mimi://a.example/u/alice')?.role; // 5
 * ```
 */
export function participantByUser(participants: readonly Participant[], user: string): Participant | undefined {
  if (!Object.isFrozen(participants)) return participants.find((p) => p.user === user);
  let m = userIndexes.get(participants);
  if (!m) {
    const built = new Map<string, Participant>();
    for (const p of participants) if (!built.has(p.user)) built.set(p.user, p);
    userIndexes.set(participants, built);
    m = built;
  }
  return m.get(user);
}

/**
 * The role with `index` (the first one, as a scan would find).
 *
 * @param roles - a roles list
 * @param index - role_index
 * @returns the role or undefined
 * @example
 * ```ts
 * roleByIndex(state.roles, 1)?.name; // 'banned'
 * ```
 */
export function roleByIndex(roles: readonly Role[], index: number): Role | undefined {
  if (!Object.isFrozen(roles)) return roles.find((r) => r.index === index);
  let m = roleIndexes.get(roles);
  if (!m) {
    const built = new Map<number, Role>();
    for (const r of roles) if (!built.has(r.index)) built.set(r.index, r);
    roleIndexes.set(roles, built);
    m = built;
  }
  return m.get(index);
}

function factsOf(role: Role): RoleFacts | undefined {
  if (!Object.isFrozen(role) || !Object.isFrozen(role.capabilities) || !Object.isFrozen(role.authorizedRoleChanges)) return undefined;
  let f = roleFacts.get(role);
  if (!f) {
    const changes = new Map<number, Set<number>>();
    for (const c of role.authorizedRoleChanges) {
      let to = changes.get(c.from);
      if (!to) changes.set(c.from, (to = new Set()));
      for (const t of c.to) to.add(t);
    }
    f = { capabilities: new Set(role.capabilities), changes };
    roleFacts.set(role, f);
  }
  return f;
}

/**
 * Whether a role lists a capability.
 *
 * @param role - the role
 * @param capability - CapabilityType value
 * @returns whether held
 * @example
 * ```ts
 * roleHasCapability(role, 0x0001); // true when the role holds canAddParticipant
 * ```
 */
export function roleHasCapability(role: Role, capability: number): boolean {
  return factsOf(role)?.capabilities.has(capability) ?? role.capabilities.includes(capability);
}

/**
 * Whether a role's authorized_role_changes has an entry `from → [… to …]` (draft-ietf-mimi-room-policy §2).
 *
 * @param role - the role
 * @param from - role index before
 * @param to - role index after
 * @returns whether authorized
 * @example
 * ```ts
 * roleAllowsChange(role, 0, 2); // true when the role may add users with role 2
 * ```
 */
export function roleAllowsChange(role: Role, from: number, to: number): boolean {
  const f = factsOf(role);
  if (f) return f.changes.get(from)?.has(to) ?? false;
  return role.authorizedRoleChanges.some((c) => c.from === from && c.to.includes(to));
}
