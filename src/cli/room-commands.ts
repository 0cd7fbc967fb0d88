/**
 * `mimi room …` commands: decode an app_data_dictionary, show a preset, authorize an action.
 *
 * @module
 */
import * as room from '../room/index.js';
import { roomStateToJson, toJsonValue } from '../room/json.js';
import { EXIT, flag, stringOption, usage, type CliCommand, type CliIO, type CliOption, type ParsedArgs } from './command.js';
import { decodeInput } from './input.js';
import { parseRoomAction } from './room-action.js';

const OPTIONS: Record<string, CliOption> = {
  hex: { type: 'boolean', description: 'the input is hex text, not binary' },
  active: { type: 'string', value: 'user1,user2', description: 'users with clients in the group (marked active)' },
};

async function readRoom(io: CliIO, args: ParsedArgs): Promise<room.RoomState> {
  const active = stringOption(args, 'active');
  const activeUsers = active?.split(',').filter((s) => s !== '');
  const { value } = await decodeInput(io, args.positionals[0]!, flag(args, 'hex'), (b) =>
    room.decodeAppDataDictionary(b, activeUsers ? { activeUsers } : {}),
  );
  return value;
}

/** Roles with capability names, as `room preset` and `room decode` print them. */
function namedRoles(roles: readonly room.Role[]): unknown[] {
  return roles.map((r) => ({ ...(toJsonValue(r) as object), capabilities: r.capabilities.map(room.capabilityName) }));
}

const decode: CliCommand = {
  name: 'room decode',
  args: '<file|->',
  positionals: { min: 1, max: 1 },
  summary: 'decode the extension_data of an app_data_dictionary extension to room-state JSON (capabilities by name)',
  options: OPTIONS,
  run: async (args, io) => {
    const s = await readRoom(io, args);
    const json = roomStateToJson(s) as Record<string, unknown>;
    io.stdout(JSON.stringify({ ...json, roles: namedRoles(s.roles) }, null, 2));
    return EXIT.ok;
  },
};

const preset: CliCommand = {
  name: 'room preset',
  args: '<preset>',
  positionals: { min: 1, max: 1 },
  summary: `print the roles of a preset (${room.PRESET_NAMES.join(', ')}) with capability names`,
  options: {},
  notes: ['example: mimi room preset moderated'],
  run: async (args, io) => {
    const name = args.positionals[0] as room.PresetName;
    if (!room.PRESET_NAMES.includes(name)) throw usage(preset, `unknown preset ${JSON.stringify(name)}; known: ${room.PRESET_NAMES.join(', ')}`);
    io.stdout(JSON.stringify(namedRoles(room.presetRoles(name)), null, 2));
    return EXIT.ok;
  },
};

const authorizeCmd: CliCommand = {
  name: 'room authorize',
  args: '<file|->',
  positionals: { min: 1, max: 1 },
  summary: 'say whether an actor may perform an action in a room, and why not (exit status 1 when refused)',
  options: {
    actor: { type: 'string', value: 'URI', description: 'user URI of the actor (required)' },
    action: { type: 'string', value: 'JSON', description: 'the action, e.g. {"type":"message","action":"send"} (required)' },
    ...OPTIONS,
  },
  run: async (args, io) => {
    const actor = stringOption(args, 'actor');
    const actionJson = stringOption(args, 'action');
    if (actor === undefined) throw usage(authorizeCmd, 'missing --actor');
    if (actionJson === undefined) throw usage(authorizeCmd, 'missing --action');
    const action = parseRoomAction(actionJson, (m) => usage(authorizeCmd, m));
    const r = room.authorize(await readRoom(io, args), actor, action);
    io.stdout(JSON.stringify(r));
    return r.allowed ? EXIT.ok : EXIT.failed;
  },
};

/**
 * The room commands.
 *
 * @example
 * ```ts
 * await runCli(['room', 'preset', 'moderated']); // the roles, capabilities by name
 * ```
 */
export const commands: readonly CliCommand[] = [decode, preset, authorizeCmd];
