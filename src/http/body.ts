/**
 * Reading a request or response body with a bound: a declared Content-Length over the limit is refused before
 * anything is read, and a stream is read chunk by chunk and cancelled as soon as it passes the limit, so
 * memory never exceeds the limit plus one chunk.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { bytesOf } from './fast.js';

/**
 * Default limit of a request body (2 MiB): the delivery layer's largest message (1 MiB) with its framing,
 * well under the protocol codecs' 8 MiB.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_REQUEST_BYTES } from 'mimi-kit/http';
 * DEFAULT_MAX_REQUEST_BYTES; // 2097152
 * ```
 */
export const DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024;

function tooLarge(max: number, what: string): MimiError {
  return new MimiError('http/body-too-large', `${what} is larger than ${max} bytes`, { details: { max } });
}

/**
 * @internal A body already in memory, if it is at most `max` bytes.
 * @throws {@link MimiError} `http/body-too-large`
 */
export function checkBound(bytes: Uint8Array, max: number, what: string): Uint8Array {
  if (bytes.length > max) throw tooLarge(max, what);
  return bytes;
}

/**
 * @internal Reads a body of at most `max` bytes.
 * @throws {@link MimiError} `http/body-too-large`
 */
export async function readBounded(message: Request | Response, max: number, what: string): Promise<Uint8Array> {
  const known = bytesOf(message);
  if (known !== undefined) return checkBound(known, max, what);
  const declared = message.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > max) {
    await message.body?.cancel().catch(() => undefined);
    throw tooLarge(max, what);
  }
  if (message.body === null) return new Uint8Array(0);
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max, what);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
