import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { applyRoomOperation, authorize, type PresetName, type RoomOperation } from '../../src/room/index.js';
import { FIXTURES, USERS, expectedCode, fixtureState, tableAction } from './authz-table.js';

const STATE_CHANGING = new Set(['invite', 'remove', 'kick', 'ban', 'unban', 'promote', 'leave', 'setName', 'setDescription', 'setSubject', 'setPreauth']);

describe('authorization table: preset × role × action (hand-written from the draft)', () => {
  for (const [preset, f] of Object.entries(FIXTURES)) {
    describe(preset, () => {
      const state = fixtureState(preset as PresetName);
      for (const action of Object.keys(f.table)) {
        it(action, () => {
          const got = f.roles.map((r) => {
            const v = authorize(state, USERS.actor(r), tableAction(action, f));
            return v.allowed ? 'ok' : v.code;
          });
          expect(got).toEqual(f.roles.map((r) => expectedCode(preset, action, r)));
        });
      }
    });
  }
});

describe('applyRoomOperation agrees with authorize and never mutates its input', () => {
  for (const [preset, f] of Object.entries(FIXTURES)) {
    it(preset, () => {
      const state = fixtureState(preset as PresetName);
      const snapshot = JSON.stringify(state);
      for (const action of Object.keys(f.table)) {
        if (!STATE_CHANGING.has(action)) continue;
        for (const r of f.roles) {
          const expected = expectedCode(preset, action, r);
          const op = tableAction(action, f) as RoomOperation;
          let got = 'ok';
          try {
            applyRoomOperation(state, USERS.actor(r), op);
          } catch (e) {
            if (!(e instanceof MimiError)) throw e;
            got = e.code;
            expect((e.details?.['refusal'] as { code: string }).code).toBe(e.code);
          }
          expect(got, `${preset} ${action} by role ${r}`).toBe(expected);
        }
      }
      expect(JSON.stringify(state)).toBe(snapshot);
      expect(Object.isFrozen(state.participants)).toBe(true);
    });
  }
});

describe('refusal details', () => {
  const state = fixtureState('cooperative');
  it('names the missing capability', () => {
    expect(authorize(state, USERS.actor(2), { type: 'message', action: 'deleteOther' })).toMatchObject({
      allowed: false,
      code: 'room/missing-capability',
      capability: 'canDeleteOtherMessage',
    });
  });
  it('names the violated constraint', () => {
    expect(authorize(state, USERS.actor(3), { type: 'leave' })).toMatchObject({
      code: 'room/min-participants',
      constraint: { role: 3, name: 'minimum_participants_constraint', limit: 1 },
    });
  });
  it('names the refused transition', () => {
    expect(authorize(state, USERS.actor(5), { type: 'unban', user: USERS.banned, role: 2 })).toMatchObject({
      code: 'room/role-change-not-authorized',
      from: 1,
      to: 2,
    });
  });
  it('generic capability check by name or value', () => {
    expect(authorize(state, USERS.actor(4), { type: 'capability', capability: 'canDestroyRoom' }).allowed).toBe(true);
    expect(authorize(state, USERS.actor(2), { type: 'capability', capability: 0x0501 })).toMatchObject({ capability: 'canDestroyRoom' });
  });
});
