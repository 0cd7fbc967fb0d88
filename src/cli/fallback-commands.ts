/**
 * `mimi render`: what a receiving client shows for a MIMI content message.
 *
 * @module
 */
import { decodeContent } from '../content/index.js';
import { render } from '../fallback/render.js';
import type { RenderContext, RenderFormat } from '../fallback/types.js';
import { parseArgs, readBytesInput, type CliCommand } from './command.js';

const FORMATS = ['text', 'markdown', 'html', 'json'] as const;

const renderCommand: CliCommand = {
  name: 'render',
  usage: 'render <file|-> [--format text|markdown|html|json] [--locale xx] [--hex] [--name URI=Name]… [--types t1,t2] [--now ms]',
  summary: 'render a MIMI content message as a receiver would show it (fallback rules)',
  run: async (args, io) => {
    // --name may repeat: collect it by hand before parseArgs (which keeps the last value).
    const names = new Map<string, string>();
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const v = a === '--name' ? args[++i] : a.startsWith('--name=') ? a.slice(7) : undefined;
      if (v === undefined && a !== '--name') {
        rest.push(a);
        continue;
      }
      const eq = v?.indexOf('=') ?? -1;
      if (v === undefined || eq <= 0) {
        io.stderr(`--name expects URI=Name\nusage: mimi ${renderCommand.usage}`);
        return 2;
      }
      names.set(v.slice(0, eq), v.slice(eq + 1));
    }
    const { positional, flags } = parseArgs(rest, ['format', 'locale', 'types', 'now']);
    const path = positional[0];
    const format = flags.get('format') ?? 'text';
    if (path === undefined || typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format)) {
      io.stderr(`${path === undefined ? 'missing input' : `unknown format ${String(format)}`}\nusage: mimi ${renderCommand.usage}`);
      return 2;
    }
    const bytes = await readBytesInput(io, path, flags.has('hex'));
    const content = decodeContent(bytes, { checks: false });
    const locale = flags.get('locale');
    const types = flags.get('types');
    const now = flags.get('now');
    const ctx: RenderContext = {
      ...(typeof locale === 'string' ? { locale } : {}),
      ...(names.size > 0 ? { displayName: (u: string) => names.get(u) } : {}),
      ...(typeof types === 'string' ? { supportedTypes: types.split(',').map((t) => t.trim()) } : {}),
      ...(typeof now === 'string' && Number.isFinite(Number(now)) ? { now: Number(now) } : {}),
    };
    const r = render(content, ctx);
    if (format === 'json') io.stdout(JSON.stringify(r, null, 2));
    else io.stdout(r[format as RenderFormat]);
    return 0;
  },
};

/** The commands of this module. */
export const commands: readonly CliCommand[] = [renderCommand];
