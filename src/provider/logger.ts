/**
 * The provider's structured logs (pino): JSON lines for machines, or the same records as one readable line
 * each (`mimi serve --log-format text`, the default on a terminal).
 *
 * @module
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** How log records are written. */
export type LogFormat = 'json' | 'text';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level (`info`, `debug`, …, `silent`). */
  readonly level: string;
  /** JSON lines or readable lines (default JSON). */
  readonly format?: LogFormat;
  /** Where lines go (default: standard output). */
  readonly write?: (line: string) => void;
  /** Fields on every record (e.g. the provider domain). */
  readonly base?: Readonly<Record<string, string>>;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'domain']);

/**
 * One JSON record as a readable line: `12:00:01.234 INFO  a.example request endpoint=notify status=201 ms=1.8`.
 *
 * @param json - a pino JSON line
 * @returns the readable line (the input unchanged when it is not JSON)
 * @example
 * ```ts
 * textLine('{"level":30,"time":0,"msg":"listening","url":"https://127.0.0.1:4443"}');
 * // '00:00:00.000 INFO  listening url=https://127.0.0.1:4443'
 * ```
 */
export function textLine(json: string): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof r['time'] === 'number' ? new Date(r['time']).toISOString().slice(11, 23) : '';
  const level = (LEVELS[Number(r['level'])] ?? String(r['level'])).padEnd(5);
  const fields = Object.entries(r)
    .filter(([k, v]) => !OMIT.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  return [time, level, r['domain'], r['msg'], ...fields].filter((x) => x !== undefined && x !== '').join(' ');
}

/**
 * Creates a logger.
 *
 * @param options - level, format, destination
 * @returns the pino logger
 * @example
 * ```ts
 * const log = createLogger({ level: 'info', format: 'text', base: { domain: 'a.example' } });
 * log.info({ endpoint: 'notify', status: 201, ms: 1.8 }, 'request');
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const format = options.format ?? 'json';
  const destination: DestinationStream = { write: format === 'json' ? write : (line) => write(`${textLine(line)}\n`) };
  return pino({ level: options.level, base: { ...options.base }, timestamp: pino.stdTimeFunctions.epochTime }, destination);
}

export type { Logger } from 'pino';
