/**
 * `mimi render`: what a receiving client shows for a MIMI content message.
 *
 * @module
 */
import { decodeContent } from '../content/index.js';
// The full table of named character references (decision D23): the CLI runs under Node.
import '../fallback/index.node.js';
import { CATALOGS } from '../fallback/i18n.js';
import { render } from '../fallback/render.js';
import type { RenderContext, RenderFormat } from '../fallback/types.js';
import { EXIT, flag, listOption, stringOption, usage, type CliCommand } from './command.js';
import { decodeInput } from './input.js';

const FORMATS = ['text', 'markdown', 'html', 'json'] as const;

/**
 * Is a locale one the built-in catalogs serve? The renderer tries the exact tag, then its language, then
 * English (src/fallback/i18n.ts), so `fr-CA` is served by `fr`; a tag whose language has no catalog would
 * silently render English, which the CLI reports instead.
 *
 * @param locale - a BCP 47 tag
 * @returns true when a catalog serves it
 * @example
 * ```ts
 * isSupportedLocale('fr-CA'); // true
 * ```
 */
export function isSupportedLocale(locale: string): boolean {
  const tag = locale.toLowerCase();
  return Object.hasOwn(CATALOGS, tag) || Object.hasOwn(CATALOGS, tag.split('-')[0] ?? '');
}

const renderCommand: CliCommand = {
  name: 'render',
  args: '<file|->',
  positionals: { min: 1, max: 1 },
  summary: 'render a MIMI content message as a receiver would show it (fallback rules)',
  options: {
    format: { type: 'string', value: FORMATS.join('|'), description: 'output form (default text)' },
    locale: { type: 'string', value: 'TAG', description: `language of the fallback texts: ${Object.keys(CATALOGS).join(', ')} (default en)` },
    hex: { type: 'boolean', description: 'the input is hex text, not binary CBOR' },
    name: { type: 'string', value: 'URI=Name', multiple: true, description: 'display name of a user' },
    types: { type: 'string', value: 't1,t2', description: 'content types the receiver supports' },
    now: { type: 'string', value: 'MS', description: 'the current time in ms since the epoch (for expiry)' },
  },
  notes: ['example: mimi render examples/attachment.cbor --format markdown --locale fr'],
  run: async (args, io) => {
    const format = stringOption(args, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) throw usage(renderCommand, `unknown format ${JSON.stringify(format)}; use ${FORMATS.join(', ')}`);
    const locale = stringOption(args, 'locale');
    if (locale !== undefined && !isSupportedLocale(locale)) {
      throw usage(renderCommand, `unknown locale ${JSON.stringify(locale)}; supported: ${Object.keys(CATALOGS).join(', ')} (and regional tags such as fr-CA)`);
    }
    const names = new Map<string, string>();
    for (const v of listOption(args, 'name')) {
      const eq = v.indexOf('=');
      if (eq <= 0) throw usage(renderCommand, `--name expects URI=Name, got ${JSON.stringify(v)}`);
      names.set(v.slice(0, eq), v.slice(eq + 1));
    }
    const now = stringOption(args, 'now');
    if (now !== undefined && !/^\d{1,16}$/.test(now)) throw usage(renderCommand, `--now expects milliseconds since the epoch, got ${JSON.stringify(now)}`);
    const types = stringOption(args, 'types');
    const { value: content } = await decodeInput(io, args.positionals[0]!, flag(args, 'hex'), (b) => decodeContent(b, { checks: false }));
    const ctx: RenderContext = {
      ...(locale !== undefined ? { locale } : {}),
      ...(names.size > 0 ? { displayName: (u: string) => names.get(u) } : {}),
      ...(types !== undefined ? { supportedTypes: types.split(',').map((t) => t.trim()) } : {}),
      ...(now !== undefined ? { now: Number(now) } : {}),
    };
    const r = render(content, ctx);
    io.stdout(format === 'json' ? JSON.stringify(r, null, 2) : r[format as RenderFormat]);
    return EXIT.ok;
  },
};

/**
 * The commands of this module.
 *
 * @example
 * ```ts
 * await runCli(['render', 'examples/reaction.cbor']); // prints "Reaction: ❤"
 * ```
 */
export const commands: readonly CliCommand[] = [renderCommand];
