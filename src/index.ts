/**
 * mimi-kit: IETF MIMI for TypeScript.
 *
 * The root entry re-exports what most users need; each area also has its own subpath:
 * `mimi-kit/content`, `mimi-kit/fallback`, `mimi-kit/room`, `mimi-kit/mls`, `mimi-kit/vectors`,
 * `mimi-kit/cbor`. The root does not load ts-mls; import `mimi-kit/mls` for encrypted rooms.
 *
 * @module
 */
export { MimiError, safely, type Result } from './errors.js';
export * from './cbor/index.js';
export { render, Conversation, type Rendering, type RenderContext, type ReceivedMessage, type TimelineView, type TimelineEntry, type AuthorizeAction } from './fallback/index.js';
