/**
 * The "room" vector suite: checks vectors of spec-vectors/room/ against mimi-kit's room module
 * (draft-ietf-mimi-protocol §8.5–8.6, draft-ietf-mimi-room-policy, draft-ietf-mls-extensions §4.6–4.7).
 *
 * Kinds (exact shapes in spec-vectors/room/README.md):
 * - `component-encoding`: `input.value` (JSON of `input.component`) encodes to `expected.hex`, and
 *   `expected.hex` decodes back to `input.value`.
 * - `component-decoding-error`: decoding `input.hex` as `input.component` fails with the code `error`.
 * - `participant-list-updates`: applying `input.steps` (each `{ actor, updates, joinCode? }`) to the room
 *   `input.room` (app_data_dictionary hex) gives `expected.participants`, or fails with `error`.
 * - `authorization`: in room `input.room`, actor `input.actor` gets `expected.results[i]` (`"ok"` or a
 *   refusal code) for `input.actions[i]`.
 *
 * @module
 */
import { bytesToHex, hexToBytes } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import * as room from '../room/index.js';
import { claimsFromJson, preauthFromJson, roomStateFromJson, toJsonValue } from '../room/json.js';
import type { Vector, VectorOutcome, VectorSuite } from './format.js';
import { canon, errCode, isObj, type Obj } from './util.js';



interface Codec {
  readonly encode: (json: unknown) => Uint8Array;
  readonly decode: (bytes: Uint8Array, input: Obj) => unknown;
}

const plain = <T>(enc: (v: T) => Uint8Array, dec: (b: Uint8Array) => unknown): Codec => ({
  encode: (j) => enc(j as T),
  decode: (b) => toJsonValue(dec(b)),
});

/** JSON codecs of every component the vectors name. */
export const ROOM_COMPONENT_CODECS: Readonly<Record<string, Codec>> = {
  participant_list: plain(room.encodeParticipantList, room.decodeParticipantList),
  participant_list_update: plain(room.encodeParticipantListUpdate, room.decodeParticipantListUpdate),
  room_metadata: plain(room.encodeRoomMetadata, room.decodeRoomMetadata),
  roles_list: plain(room.encodeRoles, room.decodeRoles),
  preauth_list: { encode: (j) => room.encodePreauth(preauthFromJson(j)), decode: (b) => toJsonValue(room.decodePreauth(b)) },
  base_room_policy: plain(room.encodeBaseRoomPolicy, room.decodeBaseRoomPolicy),
  status_notification_policy: plain(room.encodeStatusNotificationPolicy, room.decodeStatusNotificationPolicy),
  join_link_policy: plain(room.encodeJoinLinkPolicy, room.decodeJoinLinkPolicy),
  join_links: plain(room.encodeJoinLinks, room.decodeJoinLinks),
  join_links_update: plain(room.encodeJoinLinksUpdate, room.decodeJoinLinksUpdate),
  logging_policy: plain(room.encodeLoggingPolicy, room.decodeLoggingPolicy),
  chat_history_policy: plain(room.encodeHistoryPolicy, room.decodeHistoryPolicy),
  message_expiration_policy: plain(room.encodeMessageExpirationPolicy, room.decodeMessageExpirationPolicy),
  user_profiles: plain(room.encodeUserProfiles, room.decodeUserProfiles),
  knock_list: plain(room.encodeKnocks, room.decodeKnocks),
  app_data_update: {
    encode: (j) => {
      const o = j as Obj;
      const u: room.AppDataUpdate =
        o['op'] === 'remove'
          ? { componentId: Number(o['componentId']), op: 'remove' }
          : { componentId: Number(o['componentId']), op: 'update', update: hexToBytes(String(o['update'])) };
      return room.encodeAppDataUpdate(u);
    },
    decode: (b) => toJsonValue(room.decodeAppDataUpdate(b)),
  },
  app_data_dictionary: {
    encode: (j) => room.encodeAppDataDictionary(roomStateFromJson(j)),
    decode: (b, input) => {
      const active = Array.isArray(input['activeUsers']) ? (input['activeUsers'] as string[]) : undefined;
      return toJsonValue(room.decodeAppDataDictionary(b, active ? { activeUsers: active } : {}));
    },
  },
};


function componentEncoding(v: Vector): VectorOutcome {
  const input = v.input;
  const expected = v.expected;
  if (!isObj(input) || !isObj(expected) || typeof input['component'] !== 'string' || typeof expected['hex'] !== 'string') {
    return 'input.component / expected.hex missing';
  }
  const codec = ROOM_COMPONENT_CODECS[input['component']];
  if (!codec) return `unknown component ${input['component']}`;
  const hex = bytesToHex(codec.encode(input['value']));
  if (hex !== expected['hex']) return `encoding: got ${hex}, expected ${expected['hex']}`;
  const back = codec.decode(hexToBytes(expected['hex']), input);
  if (canon(back) !== canon(input['value'])) return `decoding: got ${canon(back)}`;
  return undefined;
}

function componentDecodingError(v: Vector): VectorOutcome {
  const input = v.input;
  if (!isObj(input) || typeof input['component'] !== 'string' || typeof input['hex'] !== 'string') return 'input.component / input.hex missing';
  const codec = ROOM_COMPONENT_CODECS[input['component']];
  if (!codec) return `unknown component ${input['component']}`;
  const got = errCode(() => codec.decode(hexToBytes(input['hex'] as string), input));
  if (got === v.error) return undefined;
  return `got ${got ?? 'success'}, expected ${String(v.error)}`;
}

function updatesFromJson(v: unknown): room.AppDataUpdate[] {
  if (!Array.isArray(v)) throw new MimiError('room/invalid-json', 'updates: expected an array');
  return v.map((u: Obj) => {
    const componentId = Number(u['componentId']);
    if (u['op'] === 'remove') return { componentId, op: 'remove' } as const;
    if (isObj(u['participantListUpdate'])) {
      return { componentId, op: 'update', update: room.encodeParticipantListUpdate(u['participantListUpdate'] as unknown as room.ParticipantListUpdate) } as const;
    }
    return { componentId, op: 'update', update: hexToBytes(String(u['update'])) } as const;
  });
}

function participantListUpdates(v: Vector): VectorOutcome {
  const input = v.input;
  if (!isObj(input) || typeof input['room'] !== 'string' || !Array.isArray(input['steps'])) return 'input.room / input.steps missing';
  const active = Array.isArray(input['activeUsers']) ? (input['activeUsers'] as string[]) : [];
  let failure: string | undefined;
  let state: room.RoomState | undefined;
  const code = errCode(() => {
    state = room.decodeAppDataDictionary(hexToBytes(input['room'] as string), { activeUsers: active });
    for (const step of input['steps'] as Obj[]) {
      const ctx: room.ApplyOptions = {
        ...(typeof step['joinCode'] === 'string' ? { joinCode: step['joinCode'] } : {}),
        ...(Array.isArray(step['claims']) ? { claims: claimsFromJson(step['claims']) } : {}),
      };
      state = room.applyAppDataUpdates(state, String(step['actor']), updatesFromJson(step['updates']), ctx).state;
    }
  });
  if (v.error !== undefined) return code === v.error ? undefined : `got ${code ?? 'success'}, expected ${v.error}`;
  if (code !== undefined) return `failed with ${code}`;
  const expected = v.expected;
  if (!isObj(expected) || !Array.isArray(expected['participants'])) return 'expected.participants missing';
  const got = state!.participants.map((p) => ({ user: p.user, role: p.role }));
  if (canon(got) !== canon(expected['participants'])) failure = `participants: got ${canon(got)}`;
  return failure;
}

function authorization(v: Vector): VectorOutcome {
  const input = v.input;
  const expected = v.expected;
  if (!isObj(input) || typeof input['room'] !== 'string' || typeof input['actor'] !== 'string' || !Array.isArray(input['actions'])) {
    return 'input.room / input.actor / input.actions missing';
  }
  if (!isObj(expected) || !Array.isArray(expected['results'])) return 'expected.results missing';
  const active = Array.isArray(input['activeUsers']) ? (input['activeUsers'] as string[]) : [];
  const state = room.decodeAppDataDictionary(hexToBytes(input['room']), { activeUsers: active });
  const actions = input['actions'] as Obj[];
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const action = (a['action'] ?? a) as room.RoomAction;
    const r = room.authorize(state, input['actor'], action);
    const got = r.allowed ? 'ok' : r.code;
    const want = expected['results'][i];
    if (got !== want) return `action ${i} (${String(a['name'] ?? action.type)}): got ${got}, expected ${String(want)}`;
  }
  return undefined;
}

/** The room suite. */
export const roomSuite: VectorSuite = {
  suite: 'room',
  verifiers: {
    'component-encoding': componentEncoding,
    'component-decoding-error': componentDecodingError,
    'participant-list-updates': participantListUpdates,
    authorization,
  },
};
