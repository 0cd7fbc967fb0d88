/**
 * MIMI identities in MLS credentials (draft-mahy-mimi-identity §4, RFC 9420 §5.3).
 *
 * A client's MLS credential is a `basic` credential whose `identity` is
 * `struct { opaque client_uri<V>; opaque user_uri<V>; }` (RFC 9420 §2.1.2 variable-length vectors):
 * the client URI and the one user URI it is bound to. See docs/decisions.md (MLS adapter) (D2).
 *
 * @module
 */
import { mlsError } from './errors.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** A parsed `mimi://` URI (draft-mahy-mimi-identity §4). */
export interface MimiUri {
  /** The provider domain (authority), lower-cased. */
  readonly provider: string;
  /** The first path segment: `u` user, `p` pseudonym, `d` client/device, `r` room, … */
  readonly kind: string;
  /** The remaining path segments (at least one). */
  readonly segments: readonly string[];
}

/**
 * Parses a `mimi://provider/<kind>/<id>[/…]` URI.
 *
 * @param uri - the URI
 * @returns the parsed parts, or `undefined` when `uri` is not such a URI
 * @example
 * ```ts
 * parseMimiUri('mimi://a.example/d/alice/phone'); // { provider: 'a.example', kind: 'd', segments: ['alice', 'phone'] }
 * ```
 */
export function parseMimiUri(uri: string): MimiUri | undefined {
  const m = /^mimi:\/\/([^/?#\s]+)\/([a-z])\/([^?#\s]+)$/.exec(uri);
  if (m === null) return undefined;
  const segments = (m[3] ?? '').split('/');
  if (segments.some((s) => s.length === 0)) return undefined;
  return { provider: (m[1] ?? '').toLowerCase(), kind: m[2] ?? '', segments };
}

/**
 * Checks that `userUri` is a user (`/u/`) or pseudonym (`/p/`) URI and `clientUri` a client (`/d/`) URI
 * of the same provider (draft-mahy-mimi-identity §4, table "types of MIMI URI identifiers").
 *
 * @param userUri - the user URI
 * @param clientUri - the client URI
 * @throws {@link MimiError} `mls/bad-uri` otherwise
 * @example
 * ```ts
 * checkIdentityUris('mimi://a.example/u/alice', 'mimi://a.example/d/alice/phone');
 * ```
 */
export function checkIdentityUris(userUri: string, clientUri: string): void {
  const u = parseMimiUri(userUri);
  if (u === undefined || (u.kind !== 'u' && u.kind !== 'p')) {
    throw mlsError('mls/bad-uri', `not a mimi user URI: ${userUri}`, { uri: userUri });
  }
  const c = parseMimiUri(clientUri);
  if (c === undefined || c.kind !== 'd') {
    throw mlsError('mls/bad-uri', `not a mimi client URI: ${clientUri}`, { uri: clientUri });
  }
  // draft-mahy-mimi-identity §4: a client identifier lives under its provider's domain.
  if (u.provider !== c.provider) {
    throw mlsError('mls/bad-uri', `client ${clientUri} is not at the provider of ${userUri}`, { userUri, clientUri });
  }
}

function writeVarint(n: number, out: number[]): void {
  // RFC 9420 §2.1.2: 1, 2 or 4 octets, the two top bits giving the length.
  if (n < 0x40) out.push(n);
  else if (n < 0x4000) out.push(0x40 | (n >> 8), n & 0xff);
  else if (n < 0x40000000) out.push(0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  else throw mlsError('mls/bad-identity', 'vector too long');
}

function readVector(b: Uint8Array, off: number): [Uint8Array, number] {
  const first = b[off];
  if (first === undefined) throw mlsError('mls/bad-identity', 'truncated identity');
  const prefix = first >> 6;
  if (prefix === 3) throw mlsError('mls/bad-identity', 'invalid variable-length prefix');
  const size = 1 << prefix;
  if (off + size > b.length) throw mlsError('mls/bad-identity', 'truncated identity');
  let len = first & 0x3f;
  for (let i = 1; i < size; i++) len = len * 256 + (b[off + i] ?? 0);
  // RFC 9420 §2.1.2: the length MUST use the minimum number of octets.
  if ((size === 2 && len < 0x40) || (size === 4 && len < 0x4000)) {
    throw mlsError('mls/bad-identity', 'non-minimal variable-length prefix');
  }
  const start = off + size;
  if (start + len > b.length) throw mlsError('mls/bad-identity', 'truncated identity');
  return [b.subarray(start, start + len), start + len];
}

/**
 * Encodes the basic-credential identity of a client: `client_uri<V> || user_uri<V>`.
 *
 * @param userUri - the user the client belongs to
 * @param clientUri - the client
 * @returns the identity bytes
 * @throws {@link MimiError} `mls/bad-uri` for malformed URIs
 * @example
 * ```ts
 * const id = encodeClientIdentity('mimi://a.example/u/alice', 'mimi://a.example/d/alice/phone');
 * ```
 */
export function encodeClientIdentity(userUri: string, clientUri: string): Uint8Array {
  checkIdentityUris(userUri, clientUri);
  const out: number[] = [];
  const c = enc.encode(clientUri);
  const u = enc.encode(userUri);
  writeVarint(c.length, out);
  out.push(...c);
  writeVarint(u.length, out);
  out.push(...u);
  return new Uint8Array(out);
}

/**
 * Decodes and checks the basic-credential identity written by {@link encodeClientIdentity}.
 *
 * @param bytes - the identity bytes
 * @returns the user and client URIs
 * @throws {@link MimiError} `mls/bad-identity` for malformed bytes, `mls/bad-uri` for malformed URIs
 * @example
 * ```ts
 * decodeClientIdentity(id).userUri; // 'mimi://a.example/u/alice'
 * ```
 */
export function decodeClientIdentity(bytes: Uint8Array): { userUri: string; clientUri: string } {
  const [c, off] = readVector(bytes, 0);
  const [u, end] = readVector(bytes, off);
  if (end !== bytes.length) throw mlsError('mls/bad-identity', 'trailing bytes after identity');
  let clientUri: string;
  let userUri: string;
  try {
    clientUri = dec.decode(c);
    userUri = dec.decode(u);
  } catch (e) {
    throw mlsError('mls/bad-identity', 'identity is not UTF-8', undefined, e);
  }
  checkIdentityUris(userUri, clientUri);
  return { userUri, clientUri };
}

/** What a {@link CredentialVerifier} is asked to vouch for. */
export interface CredentialClaim {
  /** The user the client claims to belong to. */
  readonly userUri: string;
  /** The client URI. */
  readonly clientUri: string;
  /** The client's MLS signature public key (raw bytes of the ciphersuite's signature scheme). */
  readonly signaturePublicKey: Uint8Array;
}

/**
 * The caller's authentication service (RFC 9420 §5.3.1): returns true only when the provider's trust
 * store vouches that `signaturePublicKey` belongs to `clientUri` and that `clientUri` is a client of
 * `userUri`. There is no default: every room needs one.
 */
export type CredentialVerifier = (claim: CredentialClaim) => boolean | Promise<boolean>;
