/**
 * `mimi room …` commands: decode an app_data_dictionary, show a preset, authorize an action.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import * as room from '../room/index.js';
import { roomStateToJson } from '../room/json.js';
import { parseArgs, readBytesInput, type CliCommand, type CliIO } from './command.js';


async function readRoom(io: CliIO, path: string, hex: boolean, active: string | true | undefined): Promise<room.RoomState> {
  const bytes = await readBytesInput(io, path, hex);
  const activeUsers = typeof active === 'string' ? active.split(',').filter((s) => s !== '') : undefined;
  return room.decodeAppDataDictionary(bytes, activeUsers ? { activeUsers } : {});
}

function fail(io: CliIO, e: unknown): number {
  if (e instanceof MimiError) {
    io.stderr(`error ${e.code}: ${e.message}`);
    return 1;
  }
  throw e;
}

const decode: CliCommand = {
  name: 'room decode',
  usage: 'room decode <file|-> [--hex] [--active user1,user2]',
  summary: 'decode the extension_data of an app_data_dictionary extension to room-state JSON',
  run: async (args, io) => {
    const { positional, flags } = parseArgs(args, ['active']);
    if (positional.length !== 1) {
      io.stderr('usage: mimi room decode <file|-> [--hex] [--active user1,user2]');
      return 2;
    }
    try {
      const s = await readRoom(io, positional[0]!, flags.has('hex'), flags.get('active'));
      io.stdout(JSON.stringify(roomStateToJson(s), null, 2));
      return 0;
    } catch (e) {
      return fail(io, e);
    }
  },
};

const preset: CliCommand = {
  name: 'room preset',
  usage: 'room preset <cooperative|strict|moderated|multi-org|direct>',
  summary: 'print the roles of a preset with capability names',
  run: async (args, io) => {
    const name = args[0] as room.PresetName | undefined;
    if (!name || !room.PRESET_NAMES.includes(name)) {
      io.stderr(`usage: mimi room preset <${room.PRESET_NAMES.join('|')}>`);
      return 2;
    }
    const roles = room.presetRoles(name).map((r) => ({ ...r, capabilities: r.capabilities.map(room.capabilityName) }));
    io.stdout(JSON.stringify(roles, null, 2));
    return 0;
  },
};

const authorizeCmd: CliCommand = {
  name: 'room authorize',
  usage: 'room authorize <file|-> --actor <uri> --action <json> [--hex] [--active user1,user2]',
  summary: 'say whether an actor may perform an action in a room, and why not',
  run: async (args, io) => {
    const { positional, flags } = parseArgs(args, ['actor', 'action', 'active']);
    const actor = flags.get('actor');
    const action = flags.get('action');
    if (positional.length !== 1 || typeof actor !== 'string' || typeof action !== 'string') {
      io.stderr('usage: mimi room authorize <file|-> --actor <uri> --action <json> [--hex]');
      return 2;
    }
    try {
      const s = await readRoom(io, positional[0]!, flags.has('hex'), flags.get('active'));
      let parsed: room.RoomAction;
      try {
        parsed = JSON.parse(action) as room.RoomAction;
      } catch {
        io.stderr('--action is not JSON');
        return 2;
      }
      const r = room.authorize(s, actor, parsed);
      io.stdout(JSON.stringify(r));
      return r.allowed ? 0 : 1;
    } catch (e) {
      return fail(io, e);
    }
  },
};

/** The room commands. */
export const commands: readonly CliCommand[] = [decode, preset, authorizeCmd];
