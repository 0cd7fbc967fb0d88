/**
 * A private fast path between mimi-kit's own server and handler: the exact body bytes behind a `Request` or
 * `Response` they built, so neither reads its own bytes back through a web stream. Anything else (a
 * caller's own Request, a wrapped Response) goes the standard way; nothing observable changes.
 *
 * @module
 */

const bodies = new WeakMap<Request | Response, Uint8Array>();

/** @internal Remembers the bytes a Request/Response was built with. */
export function withBytes<T extends Request | Response>(message: T, bytes: Uint8Array): T {
  bodies.set(message, bytes);
  return message;
}

/** @internal The bytes a Request/Response was built with, if mimi-kit built it and its body is unread. */
export function bytesOf(message: Request | Response): Uint8Array | undefined {
  const b = bodies.get(message);
  return b !== undefined && !message.bodyUsed ? b : undefined;
}
