import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MimiError } from '../../src/errors.js';
import * as room from '../../src/room/index.js';

const A = 'mimi://a.example/u/alice';
const pool = [A, 'mimi://b.example/u/bob', 'mimi://c.example/u/cathy', 'mimi://d.example/u/diana'];

describe('robustness', () => {
  const valid = room.encodeAppDataDictionary(room.createRoom({ preset: 'moderated', creator: A, hub: 'mimi://h.example/u/hub', name: 'x' }));

  it('decoding random or mutated bytes only ever throws MimiError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (junk, pos, byte) => {
        const mutated = valid.slice();
        mutated[pos % mutated.length] = byte;
        for (const input of [junk, mutated, valid.subarray(0, pos % valid.length)]) {
          try {
            room.decodeAppDataDictionary(input);
          } catch (e) {
            expect(e).toBeInstanceOf(MimiError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random participant-list updates are either applied to a valid state or rejected without side effects', () => {
    const start = room.createRoom({ preset: 'cooperative', creator: A, members: [{ user: pool[1]!, role: 2 }, { user: pool[2]!, role: 3 }] });
    const snapshot = JSON.stringify(start);
    const arbUpdate = fc.record({
      changedRoles: fc.array(fc.record({ index: fc.integer({ min: 0, max: 4 }), role: fc.integer({ min: 0, max: 6 }) }), { maxLength: 3 }),
      removedIndices: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      added: fc.array(fc.record({ user: fc.constantFrom(...pool), role: fc.integer({ min: 0, max: 6 }) }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.constantFrom(...pool), arbUpdate, (actor, u) => {
        try {
          const r = room.applyAppDataUpdates(start, actor, [{ componentId: 0x22, op: 'update', update: room.encodeParticipantListUpdate(u) }]);
          expect(room.roomStateViolations(r.state)).toEqual([]);
          const users = [...u.changedRoles.map((c) => c.index), ...u.removedIndices];
          expect(new Set(users).size).toBe(users.length);
        } catch (e) {
          expect(e).toBeInstanceOf(MimiError);
        }
        expect(JSON.stringify(start)).toBe(snapshot);
      }),
      { numRuns: 500 },
    );
  });
});
