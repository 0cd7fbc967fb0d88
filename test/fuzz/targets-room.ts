/**
 * Fuzz targets of `mimi-kit/room`: the AppDataDictionary decoder (run on every commit and Welcome), each
 * component decoder, and the JSON mapping of a room state.
 */
import fc from 'fast-check';
import * as room from '../../src/room/index.js';
import { jsonMutated, mutated } from './mutate.js';
import { seeds } from './seeds.js';
import { HarnessReject, bytesEqual, invariant, must, same, type FuzzTarget } from './target.js';

const utf8 = new TextEncoder();
const randomBytes = fc.uint8Array({ maxLength: 512 });

/** Decoders that take untrusted component bytes, with their encoders; ids as in the registry. */
const COMPONENTS: readonly { name: string; id?: number; decode: (b: Uint8Array) => unknown; encode: (v: never) => Uint8Array }[] = [
  { name: 'participant_list', id: room.ComponentId.participant_list, decode: room.decodeParticipantList, encode: room.encodeParticipantList },
  { name: 'participant_list_update', decode: room.decodeParticipantListUpdate, encode: room.encodeParticipantListUpdate },
  { name: 'room_metadata', id: room.ComponentId.room_metadata, decode: room.decodeRoomMetadata, encode: room.encodeRoomMetadata },
  { name: 'roles_list', id: room.ComponentId.roles_list, decode: room.decodeRoles, encode: room.encodeRoles },
  { name: 'preauth_list', id: room.ComponentId.preauth_list, decode: room.decodePreauth, encode: room.encodePreauth },
  { name: 'base_room_policy', id: room.ComponentId.base_room_policy, decode: room.decodeBaseRoomPolicy, encode: room.encodeBaseRoomPolicy },
  { name: 'status_notification_policy', id: room.ComponentId.status_notification_policy, decode: room.decodeStatusNotificationPolicy, encode: room.encodeStatusNotificationPolicy },
  { name: 'join_link_policy', id: room.ComponentId.join_link_policy, decode: room.decodeJoinLinkPolicy, encode: room.encodeJoinLinkPolicy },
  { name: 'join_links', id: room.ComponentId.join_links, decode: room.decodeJoinLinks, encode: room.encodeJoinLinks },
  { name: 'join_links_update', decode: room.decodeJoinLinksUpdate, encode: room.encodeJoinLinksUpdate },
  { name: 'logging_policy', id: room.ComponentId.logging_policy, decode: room.decodeLoggingPolicy, encode: room.encodeLoggingPolicy },
  { name: 'chat_history_policy', id: room.ComponentId.chat_history_policy, decode: room.decodeHistoryPolicy, encode: room.encodeHistoryPolicy },
  { name: 'message_expiration_policy', id: room.ComponentId.message_expiration_policy, decode: room.decodeMessageExpirationPolicy, encode: room.encodeMessageExpirationPolicy },
  { name: 'user_profiles', id: room.ComponentId.user_profiles, decode: room.decodeUserProfiles, encode: room.encodeUserProfiles },
  { name: 'knock_list', id: room.ComponentId.knock_list, decode: room.decodeKnocks, encode: room.encodeKnocks },
  { name: 'app_data_dictionary', decode: room.decodeComponentDictionary, encode: room.encodeComponentDictionary },
  { name: 'app_data_update', decode: room.decodeAppDataUpdate, encode: room.encodeAppDataUpdate },
];

function prefixed(selector: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 1);
  out[0] = selector;
  out.set(data, 1);
  return out;
}

/** Seeds of the component target: the components of the seed rooms and the error vectors, each behind its selector. */
function componentSeeds(): Uint8Array[] {
  const s = seeds();
  const out: Uint8Array[] = [];
  const dict = COMPONENTS.findIndex((c) => c.name === 'app_data_dictionary');
  for (const r of s.rooms) {
    out.push(prefixed(dict, r));
    for (const e of room.decodeComponentDictionary(r)) {
      const i = COMPONENTS.findIndex((c) => c.id === e.componentId);
      if (i >= 0) out.push(prefixed(i, e.data));
    }
  }
  for (const c of s.components) {
    const i = COMPONENTS.findIndex((x) => x.name === c.component);
    if (i >= 0) out.push(prefixed(i, c.bytes));
  }
  return out;
}

/** `decodeAppDataDictionary`: the state re-encodes, decodes to itself, and its JSON form maps back. */
export const roomTarget: FuzzTarget = {
  name: 'room',
  api: 'decodeAppDataDictionary → encodeAppDataDictionary, roomStateToJson/roomStateFromJson',
  inputs: () => fc.oneof({ weight: 4, arbitrary: mutated(seeds().rooms) }, { weight: 1, arbitrary: randomBytes }),
  run(input) {
    const state = room.decodeAppDataDictionary(input);
    const enc = must('encodeAppDataDictionary', () => room.encodeAppDataDictionary(state));
    const again = must('re-decode', () => room.decodeAppDataDictionary(enc));
    invariant(same(again, state), 'decode → encode → decode changed the room state');
    invariant(bytesEqual(must('re-encode', () => room.encodeAppDataDictionary(again)), enc), 'encoding is not stable');
    const json = JSON.parse(JSON.stringify(must('roomStateToJson', () => room.roomStateToJson(state)))) as unknown;
    const back = must('roomStateFromJson', () => room.roomStateFromJson(json));
    invariant(bytesEqual(must('encode the JSON form', () => room.encodeAppDataDictionary(back)), enc), 'the JSON mapping does not round-trip');
  },
};

/** Every component decoder (selector byte, then the component data). */
export const roomComponentTarget: FuzzTarget = {
  name: 'room-component',
  api: 'decodeParticipantList, decodeRoles, decodeUserProfiles, … (17 decoders) → their encoders',
  inputs: () => {
    const pool = componentSeeds();
    return fc.oneof({ weight: 4, arbitrary: mutated(pool) }, { weight: 1, arbitrary: fc.tuple(fc.nat({ max: COMPONENTS.length - 1 }), randomBytes).map(([i, b]) => prefixed(i, b)) });
  },
  run(input) {
    const c = COMPONENTS[(input[0] ?? 0) % COMPONENTS.length]!;
    const value = c.decode(input.subarray(1));
    const enc = must(`encode ${c.name}`, () => c.encode(value as never));
    const again = must(`re-decode ${c.name}`, () => c.decode(enc));
    invariant(same(again, value), `${c.name}: decode → encode → decode changed the value`);
    invariant(bytesEqual(must('re-encode', () => c.encode(again as never)), enc), `${c.name}: encoding is not stable`);
  },
};

/** `roomStateFromJson`: what it accepts encodes (issue 10), and decodes back to the same encoding. */
export const roomJsonTarget: FuzzTarget = {
  name: 'room-json',
  api: 'roomStateFromJson → encodeAppDataDictionary',
  text: true,
  inputs: () => {
    const pool = seeds().rooms.map((b) => JSON.stringify(room.roomStateToJson(room.decodeAppDataDictionary(b))));
    return fc.oneof({ weight: 4, arbitrary: jsonMutated(pool) }, { weight: 1, arbitrary: mutated(pool.map((t) => utf8.encode(t))) });
  },
  run(input) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(input));
    } catch {
      throw new HarnessReject('not-json');
    }
    const state = room.roomStateFromJson(json);
    const enc = must('encodeAppDataDictionary', () => room.encodeAppDataDictionary(state));
    const back = must('decodeAppDataDictionary', () => room.decodeAppDataDictionary(enc));
    invariant(bytesEqual(must('re-encode', () => room.encodeAppDataDictionary(back)), enc), 'roomStateFromJson → encode → decode → encode is not stable');
  },
};
