/**
 * Receiver checks for MIMI content (draft-ietf-mimi-content §9.1 "General handling", §7.3 "Depth
 * restrictions", §4.3 "External content"). Values the draft leaves vague are decided in
 * docs/decisions.md (Content).
 *
 * @module
 */
import type { CborValue } from '../cbor/value.js';
import { CborTag } from '../cbor/value.js';
import { MimiError, type MimiErrorCode } from '../errors.js';
import type { MimiContent } from './mimiContent.js';
import type { NestedPart } from './nestedPart.js';

/** Limits applied by {@link checkReceivedContent}. */
export interface ReceiveLimits {
  /** Most parts (every NestedPart, multiparts included, i.e. highest part index + 1). §9.1: 1024. */
  readonly maxParts: number;
  /** Deepest NestedPart level; the top-level part is level 1. §7.3: 4. */
  readonly maxPartDepth: number;
  /** Longest topicId in octets. §9.1: 4096. */
  readonly maxTopicIdBytes: number;
  /** Deepest nesting of maps/arrays/tags in the extensions, the extensions map being level 1. §7.3: 4. */
  readonly maxExtensionDepth: number;
  /** Farthest expiry, in seconds, after the hub timestamp (absolute) or after reading (relative). §9.1: one year. */
  readonly maxExpirySeconds: number;
}

/**
 * The default limits (the draft's numbers; a year is 366 days).
 * @example
 * ```ts
 * import { decodeContent, RECEIVE_LIMITS } from 'mimi-kit/content';
 * RECEIVE_LIMITS.maxParts; // 1024
 * decodeContent(bytes, { limits: { ...RECEIVE_LIMITS, maxParts: 64 } });
 * ```
 */
export const RECEIVE_LIMITS: Readonly<ReceiveLimits> = Object.freeze({
  maxParts: 1024,
  maxPartDepth: 4,
  maxTopicIdBytes: 4096,
  maxExtensionDepth: 4,
  maxExpirySeconds: 366 * 24 * 3600,
});

/** Options of {@link checkReceivedContent}. */
export interface ReceiveCheckOptions {
  /**
   * Hub accepted timestamp of the message, in milliseconds since the UNIX epoch (§2.4). Without it,
   * absolute expiry times are not checked.
   */
  readonly hubTimestamp?: number;
  /** Overrides for {@link RECEIVE_LIMITS}. */
  readonly limits?: Partial<ReceiveLimits>;
}

/**
 * Hash algorithms of the IANA Named Information Hash Algorithm registry with their output length in
 * octets (RFC 6920 §9.4). 0 means "no hash" (the conferencing example) and requires an empty contentHash.
 * @example
 * ```ts
 * import { HASH_ALGORITHMS } from 'mimi-kit/content';
 * HASH_ALGORITHMS.get(1); // { name: 'sha-256', length: 32 }
 * ```
 */
export const HASH_ALGORITHMS: ReadonlyMap<number, { readonly name: string; readonly length: number }> = new Map([
  [1, { name: 'sha-256', length: 32 }],
  [2, { name: 'sha-256-128', length: 16 }],
  [3, { name: 'sha-256-120', length: 15 }],
  [4, { name: 'sha-256-96', length: 12 }],
  [5, { name: 'sha-256-64', length: 8 }],
  [6, { name: 'sha-256-32', length: 4 }],
  [7, { name: 'sha-384', length: 48 }],
  [8, { name: 'sha-512', length: 64 }],
  [9, { name: 'sha3-224', length: 28 }],
  [10, { name: 'sha3-256', length: 32 }],
  [11, { name: 'sha3-384', length: 48 }],
  [12, { name: 'sha3-512', length: 64 }],
]);

/**
 * AEAD algorithms (IANA AEAD registry, RFC 5116) whose key and nonce lengths are checked.
 * @example
 * ```ts
 * import { AEAD_ALGORITHMS } from 'mimi-kit/content';
 * AEAD_ALGORITHMS.get(1)?.keyLength; // 16 (AES-128-GCM)
 * ```
 */
export const AEAD_ALGORITHMS: ReadonlyMap<number, { readonly name: string; readonly keyLength: number; readonly nonceLength: number }> =
  new Map([
    [1, { name: 'AEAD_AES_128_GCM', keyLength: 16, nonceLength: 12 }],
    [2, { name: 'AEAD_AES_256_GCM', keyLength: 32, nonceLength: 12 }],
    [3, { name: 'AEAD_AES_128_CCM', keyLength: 16, nonceLength: 12 }],
    [4, { name: 'AEAD_AES_256_CCM', keyLength: 32, nonceLength: 12 }],
    [29, { name: 'AEAD_CHACHA20_POLY1305', keyLength: 32, nonceLength: 12 }],
  ]);

type Path = (string | number)[];

function fail(code: MimiErrorCode, message: string, path: Path, details?: Record<string, unknown>): never {
  throw new MimiError(code, message, details === undefined ? { path } : { path, details });
}

function containerDepth(v: CborValue, budget: number): number {
  // Returns the nesting depth of maps/arrays/tags in v, stopping early once it exceeds `budget`.
  if (budget < 0) return 1;
  if (Array.isArray(v)) {
    let d = 0;
    for (const x of v) d = Math.max(d, containerDepth(x, budget - 1));
    return 1 + d;
  }
  if (v instanceof Map) {
    let d = 0;
    for (const x of v.values()) d = Math.max(d, containerDepth(x, budget - 1));
    return 1 + d;
  }
  if (v instanceof CborTag) return 1 + containerDepth(v.value, budget - 1);
  return 0;
}

function checkExternal(p: Extract<NestedPart, { cardinality: 'external' }>, s: WalkState): void {
  // draft-ietf-mimi-content §9.1 / §4.3: hashAlg is an IANA Named Information hash algorithm.
  if (p.hashAlg === 0) {
    if (p.contentHash.length !== 0) problem(s, 'content/content-hash-length', 'hashAlg 0 (none) requires an empty contentHash', 'contentHash');
  } else {
    const alg = HASH_ALGORITHMS.get(p.hashAlg);
    if (alg === undefined) problem(s, 'content/unknown-hash-alg', `unknown hash algorithm ${p.hashAlg}`, 'hashAlg', { hashAlg: p.hashAlg });
    if (p.contentHash.length !== alg.length) {
      problem(s, 'content/content-hash-length', `${alg.name} hashes are ${alg.length} octets, not ${p.contentHash.length}`, 'contentHash', {
        expected: alg.length,
        actual: p.contentHash.length,
      });
    }
  }
  // §4.3: "If ... the encAlg is set to zero, ... the key, nonce, and aad fields are zero length."
  if (p.encAlg === 0) {
    if (p.key.length !== 0) problem(s, 'content/bad-encryption-params', 'encAlg 0 (not encrypted) requires an empty key', 'key');
    if (p.nonce.length !== 0) problem(s, 'content/bad-encryption-params', 'encAlg 0 (not encrypted) requires an empty nonce', 'nonce');
    if (p.aad.length !== 0) problem(s, 'content/bad-encryption-params', 'encAlg 0 (not encrypted) requires an empty aad', 'aad');
  } else {
    const aead = AEAD_ALGORITHMS.get(p.encAlg);
    if (aead !== undefined) {
      if (p.key.length !== aead.keyLength) problem(s, 'content/bad-encryption-params', `${aead.name} keys are ${aead.keyLength} octets`, 'key');
      if (p.nonce.length !== aead.nonceLength) {
        problem(s, 'content/bad-encryption-params', `${aead.name} nonces are ${aead.nonceLength} octets`, 'nonce');
      }
    }
  }
}

interface WalkState {
  count: number;
  readonly limits: ReceiveLimits;
  readonly replaces: boolean;
  /**
   * Path of the current part, maintained with push/pop and copied only on failure; `undefined` on the
   * first, path-free pass (the common case: everything passes), where a failure throws {@link NEEDS_PATH}.
   */
  readonly path: Path | undefined;
}

/** Thrown by the path-free pass: the walk is rerun with paths to raise the error where it belongs. */
const NEEDS_PATH: unique symbol = Symbol('needs path');

function problem(s: WalkState, code: MimiErrorCode, message: string, field?: string, details?: Record<string, unknown>): never {
  if (s.path === undefined) throw NEEDS_PATH;
  fail(code, message, field === undefined ? [...s.path] : [...s.path, field], details);
}

function walkParts(p: NestedPart, depth: number, s: WalkState): void {
  s.count++;
  const { limits } = s;
  if (s.count > limits.maxParts) problem(s, 'content/too-many-parts', `more than ${limits.maxParts} parts`, undefined, { limit: limits.maxParts });
  if (depth > limits.maxPartDepth) {
    problem(s, 'content/too-deep', `part nested ${depth} levels deep (limit ${limits.maxPartDepth})`, undefined, { limit: limits.maxPartDepth });
  }
  switch (p.cardinality) {
    case 'nullpart':
      if (depth !== 1 || !s.replaces) {
        problem(s, 'content/unexpected-null-part', 'a NullPart is only the whole body of a message that replaces another (delete, unlike)');
      }
      return;
    case 'external':
      checkExternal(p, s);
      return;
    case 'multi': {
      const path = s.path;
      path?.push('parts', 0);
      for (let i = 0; i < p.parts.length; i++) {
        if (path !== undefined) path[path.length - 1] = i;
        walkParts(p.parts[i]!, depth + 1, s);
      }
      if (path !== undefined) path.length -= 2;
      return;
    }
    default:
      return;
  }
}

/**
 * Applies the receiver checks of draft-ietf-mimi-content §9.1 ("nonsensical values that most likely
 * represent malicious messages") and §7.3 (depth restrictions) to a structurally valid message.
 * {@link decodeContent} runs it by default.
 *
 * @param content - a decoded message
 * @param opts - `hubTimestamp` (ms) to check absolute expiry; `limits` to override {@link RECEIVE_LIMITS}
 * @returns the same message
 * @throws {@link MimiError} `content/too-many-parts`, `content/too-deep`, `content/topic-too-long`,
 *   `content/expired`, `content/expiry-too-far`, `content/unknown-message-id-alg`, `content/unknown-hash-alg`,
 *   `content/content-hash-length`, `content/bad-encryption-params`, `content/extension-too-deep`,
 *   `content/unexpected-null-part` (path uses field names)
 * @example
 * ```ts
 * checkReceivedContent(decodeContent(bytes, { checks: false }), { hubTimestamp: 1644387225019 });
 * ```
 */
export function checkReceivedContent(content: MimiContent, opts: ReceiveCheckOptions = {}): MimiContent {
  const limits: ReceiveLimits = opts.limits === undefined ? RECEIVE_LIMITS : { ...RECEIVE_LIMITS, ...opts.limits };

  // §9.1 topicId: "very long (greater than 4096 octets)".
  if (content.topicId.length > limits.maxTopicIdBytes) {
    fail('content/topic-too-long', `topicId of ${content.topicId.length} octets exceeds ${limits.maxTopicIdBytes}`, ['topicId'], {
      limit: limits.maxTopicIdBytes,
    });
  }

  // §9.1 message IDs: "the first octet of the message ID is an unknown hash algorithm" (only 0x01 = SHA-256 is defined, §2.3).
  const rep = content.replaces;
  if (rep !== null && rep[0] !== 0x01) fail('content/unknown-message-id-alg', `replaces starts with unknown hash algorithm ${rep[0]}`, ['replaces']);
  const irt = content.inReplyTo;
  if (irt !== null && irt[0] !== 0x01) {
    fail('content/unknown-message-id-alg', `inReplyTo starts with unknown hash algorithm ${irt[0]}`, ['inReplyTo']);
  }

  // §9.1 expires: not more than a year in the future; absolute ones not in the past of the hub timestamp.
  const ex = content.expires;
  if (ex !== null) {
    if (ex.relative) {
      if (ex.time > limits.maxExpirySeconds) {
        fail('content/expiry-too-far', `relative expiry of ${ex.time} s exceeds ${limits.maxExpirySeconds} s`, ['expires', 'time']);
      }
    } else if (opts.hubTimestamp !== undefined) {
      const hubSeconds = Math.floor(opts.hubTimestamp / 1000);
      if (ex.time <= hubSeconds) {
        fail('content/expired', `absolute expiry ${ex.time} is not after the hub timestamp (${hubSeconds} s)`, ['expires', 'time'], {
          expires: ex.time,
          hubSeconds,
        });
      }
      if (ex.time - hubSeconds > limits.maxExpirySeconds) {
        fail('content/expiry-too-far', `absolute expiry is ${ex.time - hubSeconds} s after the hub timestamp`, ['expires', 'time']);
      }
    }
  }

  // §7.3: extensions map is level 1; no more than 4 levels of maps, arrays and tags.
  const other = content.extensions.other;
  if (other !== undefined) {
    for (const [k, v] of other) {
      const d = 1 + containerDepth(v, limits.maxExtensionDepth);
      if (d > limits.maxExtensionDepth) {
        fail('content/extension-too-deep', `extension ${String(k)} nests ${d} levels (limit ${limits.maxExtensionDepth})`, [
          'extensions',
          'other',
          k,
        ]);
      }
    }
  }

  // §9.1 body: too many parts, nested too deeply; §3.8: zero parts only when deleting or unliking.
  const p = content.nestedPart;
  if (p.cardinality === 'single') return content; // the common case: nothing more to check
  if (p.cardinality === 'nullpart' && content.replaces !== null) return content;
  const replaces = content.replaces !== null;
  try {
    walkParts(p, 1, { count: 0, limits, replaces, path: undefined });
  } catch (e) {
    if (e !== NEEDS_PATH) throw e;
    walkParts(p, 1, { count: 0, limits, replaces, path: ['nestedPart'] });
  }
  return content;
}
