/**
 * `mimi-kit/fallback`: what to show for a MIMI message a client may not fully support, and the
 * conversation as a person sees it once edits, deletes, reactions, replies and expiry are applied.
 *
 * Runs in browsers: no Node built-ins, no MLS.
 *
 * @example
 * ```ts
 * import { render, Conversation } from 'mimi-kit/fallback';
 * const r = render(content, { locale: 'fr', displayName: (uri) => room.nameOf(uri) });
 * const conv = new Conversation();
 * conv.add({ id, sender, hubTimestamp, content });
 * const view = conv.view(Date.now());
 * ```
 *
 * @module
 */
export { render, renderBody, classify, reactionKeys, DEFAULT_SUPPORTED_TYPES } from './render.js';
export {
  Conversation,
  type ConversationOptions,
  type AddOutcome,
  type Rejection,
  type ReactionSummary,
  type ReplyTarget,
  type TimelineEntry,
  type TimelineView,
  type TopicGroup,
} from './conversation.js';
export { RULES, type FallbackRule, type RuleId } from './rules.js';
export { CATALOGS, EN, FR, DE, translator, type Translate } from './i18n.js';
export { sanitizeMessageHtml, SANITIZE_OPTIONS, type SanitizeOptions } from './parse.js';
export { LINK_REL } from './tree.js';
export { RENDER_LIMITS } from './limits.js';
export {
  stripFallback,
  codePointToUtf16,
  utf16ToCodePoint,
  codePointLength,
  compareLink,
  humanSize,
  truncate,
} from './text.js';
export type {
  RenderFormat,
  MessageKind,
  ReferencedMessage,
  FallbackRange,
  RenderWarning,
  Rendering,
  Catalog,
  CatalogKey,
  DisplayNameResolver,
  RenderContext,
  ReceivedMessage,
  ActionRequest,
  AuthorizeAction,
} from './types.js';
export { MimiError, type Result } from '../errors.js';
