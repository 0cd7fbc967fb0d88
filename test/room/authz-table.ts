/**
 * The authorization table, written by hand from the preset definitions of
 * draft-ietf-mimi-room-policy Appendix A (and mimi-kit's direct-message preset).
 * Used by test/room/authorization.test.ts and by scripts/gen-room-vectors.ts.
 *
 * Codes: ok = allowed; M = room/missing-capability; R = room/role-change-not-authorized;
 * B = room/banned (actor banned); N = room/not-participant; min = room/min-participants;
 * F = room/fixed-membership; NB = room/no-banned-role; U = room/unknown-role.
 */
import type { RoomAction } from '../../src/room/index.js';

export const CODES: Readonly<Record<string, string>> = {
  ok: 'ok',
  M: 'room/missing-capability',
  R: 'room/role-change-not-authorized',
  B: 'room/banned',
  N: 'room/not-participant',
  min: 'room/min-participants',
  F: 'room/fixed-membership',
  NB: 'room/no-banned-role',
  U: 'room/unknown-role',
};

export interface PresetFixture {
  /** Roles with one actor each (0 = an outsider). */
  readonly roles: readonly number[];
  /** Role of the target user `mimi://ex.example/u/target`. */
  readonly userRole: number;
  /** Role the target is promoted to. */
  readonly promoteTo: number;
  /** action → one code per entry of `roles`. */
  readonly table: Readonly<Record<string, string>>;
}

export const USERS = {
  actor: (r: number): string => `mimi://ex.example/u/r${r}`,
  target: 'mimi://ex.example/u/target',
  banned: 'mimi://ex.example/u/banned',
  newbie: 'mimi://ex.example/u/newbie',
};

/** The actions of the table. */
export function tableAction(name: string, f: PresetFixture): RoomAction {
  switch (name) {
    case 'invite': return { type: 'invite', user: USERS.newbie, role: f.userRole };
    case 'remove': return { type: 'remove', user: USERS.target };
    case 'kick': return { type: 'kick', user: USERS.target };
    case 'ban': return { type: 'ban', user: USERS.target };
    case 'unban': return { type: 'unban', user: USERS.banned, role: f.userRole };
    case 'promote': return { type: 'changeRole', user: USERS.target, role: f.promoteTo };
    case 'leave': return { type: 'leave' };
    case 'send': return { type: 'message', action: 'send' };
    case 'reply': return { type: 'message', action: 'reply' };
    case 'react': return { type: 'message', action: 'react' };
    case 'editOwn': return { type: 'message', action: 'editOwn' };
    case 'deleteOwn': return { type: 'message', action: 'deleteOwn' };
    case 'deleteOther': return { type: 'message', action: 'deleteOther' };
    case 'startTopic': return { type: 'message', action: 'startTopic' };
    case 'setName': return { type: 'setRoomMetadata', changes: { name: 'new name' } };
    case 'setDescription': return { type: 'setRoomMetadata', changes: { descriptions: [{ mediaType: '', languageTag: 'en', content: 'd' }] } };
    case 'setSubject': return { type: 'setRoomMetadata', changes: { subject: 'topic' } };
    case 'destroy': return { type: 'destroyRoom' };
    case 'setPreauth': return { type: 'setPreauth', entries: [] };
    default: throw new Error(`unknown table action ${name}`);
  }
}

// Each row lists the verdict for the actor roles in `roles`, in order.
export const FIXTURES: Readonly<Record<string, PresetFixture>> = {
  // §A.1: 0 no_role, 1 banned, 2 ordinary_user, 3 group_admin (min 1), 4 super_admin, 5 policy_enforcer
  cooperative: {
    roles: [0, 1, 2, 3, 4, 5],
    userRole: 2,
    promoteTo: 3,
    table: {
      invite:         'M  B ok  ok  ok  M',
      remove:         'M  B ok  ok  ok  ok',
      kick:           'M  B M   ok  ok  M',
      ban:            'M  B M   ok  ok  ok',
      unban:          'M  B M   ok  ok  R',
      promote:        'M  B M   ok  ok  R',
      leave:          'N  B ok  min ok  M',
      send:           'M  B ok  ok  ok  M',
      reply:          'M  B ok  ok  ok  M',
      react:          'M  B ok  ok  ok  M',
      editOwn:        'M  B ok  ok  ok  M',
      deleteOwn:      'M  B ok  ok  ok  M',
      deleteOther:    'M  B M   ok  ok  M',
      startTopic:     'M  B ok  ok  ok  M',
      setName:        'M  B ok  ok  ok  M',
      setDescription: 'M  B M   ok  ok  M',
      setSubject:     'M  B ok  ok  ok  M',
      destroy:        'M  B M   M   ok  ok',
      setPreauth:     'M  B M   M   ok  ok',
    },
  },
  // §A.2: 0 no_role (canUseJoinCode), 1 banned, 2 ordinary_user, 3 group_admin (min 1), 4 super_admin, 5 policy_enforcer
  strict: {
    roles: [0, 1, 2, 3, 4, 5],
    userRole: 2,
    promoteTo: 3,
    table: {
      invite:         'M  B M   ok  ok  M',
      remove:         'M  B M   ok  ok  ok',
      kick:           'M  B M   ok  ok  M',
      ban:            'M  B M   ok  ok  ok',
      unban:          'M  B M   ok  ok  R',
      promote:        'M  B M   ok  ok  R',
      leave:          'N  B ok  min ok  M',
      send:           'M  B ok  ok  ok  M',
      reply:          'M  B M   M   M   M',
      react:          'M  B ok  ok  ok  M',
      editOwn:        'M  B ok  ok  ok  M',
      deleteOwn:      'M  B ok  ok  ok  M',
      deleteOther:    'M  B M   ok  ok  M',
      startTopic:     'M  B ok  ok  ok  M',
      setName:        'M  B M   ok  ok  M',
      setDescription: 'M  B M   ok  ok  M',
      setSubject:     'M  B M   ok  ok  M',
      destroy:        'M  B M   M   ok  ok',
      setPreauth:     'M  B M   M   ok  ok',
    },
  },
  // §A.3: 0 no_role, 1 banned, 2 guest, 3 attendee, 4 speaker, 5 moderator (min 1), 6 super_admin, 7 policy_enforcer
  moderated: {
    roles: [0, 1, 2, 3, 4, 5, 6, 7],
    userRole: 3,
    promoteTo: 4,
    table: {
      invite:         'M  B M   M   M   ok  ok  M',
      remove:         'M  B M   M   M   ok  ok  ok',
      kick:           'M  B M   M   M   ok  ok  M',
      ban:            'M  B M   M   M   ok  ok  ok',
      unban:          'M  B M   M   M   ok  ok  R',
      promote:        'M  B M   M   M   ok  ok  R',
      leave:          'N  B ok  ok  ok  min ok  M',
      send:           'M  B M   M   ok  ok  ok  M',
      reply:          'M  B M   M   M   M   M   M',
      react:          'M  B ok  ok  ok  ok  ok  M',
      editOwn:        'M  B M   M   ok  ok  ok  M',
      deleteOwn:      'M  B M   M   ok  ok  ok  M',
      deleteOther:    'M  B M   M   M   ok  ok  M',
      startTopic:     'M  B M   M   ok  ok  ok  M',
      setName:        'M  B M   M   M   ok  ok  M',
      setDescription: 'M  B M   M   M   M   ok  M',
      setSubject:     'M  B M   M   M   ok  ok  M',
      destroy:        'M  B M   M   M   M   ok  ok',
      setPreauth:     'M  B M   M   M   M   ok  ok',
    },
  },
  // §A.4: 0 no_role, 1 banned, 2 org_a_user, 3 org_b_user, 4 org_c_user, 5 org_a_admin, 6 org_b_admin (1..3),
  // 7 org_c_admin (1..3), 8 super_admin (min 1), 9 policy_enforcer
  'multi-org': {
    roles: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    userRole: 3,
    promoteTo: 6,
    table: {
      invite:         'M  B M   M   M   R   ok  R   ok  M',
      remove:         'M  B M   M   M   R   ok  R   ok  ok',
      kick:           'M  B M   M   M   ok  ok  ok  ok  M',
      ban:            'M  B M   M   M   R   ok  R   ok  ok',
      unban:          'M  B M   M   M   M   M   M   ok  R',
      promote:        'M  B M   M   M   R   ok  R   ok  R',
      leave:          'N  B ok  ok  ok  ok  min min min M',
      send:           'M  B ok  ok  ok  ok  ok  ok  ok  M',
      reply:          'M  B M   M   M   M   M   M   M   M',
      react:          'M  B ok  ok  ok  ok  ok  ok  ok  M',
      editOwn:        'M  B ok  ok  ok  ok  ok  ok  ok  M',
      deleteOwn:      'M  B M   M   M   ok  ok  ok  ok  M',
      deleteOther:    'M  B M   M   M   M   M   M   ok  M',
      startTopic:     'M  B M   M   M   ok  ok  ok  ok  M',
      setName:        'M  B M   M   M   M   M   M   ok  M',
      setDescription: 'M  B M   M   M   M   M   M   ok  M',
      setSubject:     'M  B M   M   M   M   M   M   ok  M',
      destroy:        'M  B M   M   M   M   M   M   ok  ok',
      setPreauth:     'M  B M   M   M   M   M   M   ok  ok',
    },
  },
  // mimi-kit direct message: 0 no_role, 2 dm_participant (exactly 2, fixed membership, no banned role)
  direct: {
    roles: [0, 2],
    userRole: 2,
    promoteTo: 3,
    table: {
      invite:         'F  F',
      remove:         'F  F',
      kick:           'M  M',
      ban:            'NB NB',
      unban:          'NB NB',
      promote:        'U  U',
      leave:          'N  F',
      send:           'M  ok',
      reply:          'M  ok',
      react:          'M  ok',
      editOwn:        'M  ok',
      deleteOwn:      'M  ok',
      deleteOther:    'M  M',
      startTopic:     'M  ok',
      setName:        'M  M',
      setDescription: 'M  M',
      setSubject:     'M  M',
      destroy:        'M  M',
      setPreauth:     'M  M',
    },
  },
};

/** Expected code for a preset, action and actor role, from the hand table. */
export function expectedCode(preset: string, action: string, role: number): string {
  const f = FIXTURES[preset]!;
  const row = f.table[action]!.trim().split(/\s+/);
  const i = f.roles.indexOf(role);
  return CODES[row[i]!]!;
}

import { CREATOR_ROLE, createDirectRoom, createRoom, presetRoles, type PresetName, type RoomState } from '../../src/room/index.js';

/** The room the table is evaluated in: one actor per non-zero role, the target, a banned user. */
export function fixtureState(preset: PresetName): RoomState {
  const f = FIXTURES[preset]!;
  if (preset === 'direct') return createDirectRoom(USERS.actor(2), USERS.target, { roomUri: 'mimi://ex.example/r/dm' });
  const roles = presetRoles(preset);
  const inactive = (r: number): boolean => roles.find((x) => x.index === r)?.maxActive === 0;
  const creatorRole = CREATOR_ROLE[preset];
  const members = f.roles
    .filter((r) => r !== 0 && r !== creatorRole)
    .map((r) => ({ user: USERS.actor(r), role: r, active: !inactive(r) }));
  members.push({ user: USERS.target, role: f.userRole, active: true });
  members.push({ user: USERS.banned, role: 1, active: false });
  return createRoom({ preset, creator: USERS.actor(creatorRole), roomUri: `mimi://ex.example/r/${preset}`, name: preset, members });
}
