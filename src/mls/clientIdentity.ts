/**
 * A client's long-term MLS identity (draft-mahy-mimi-identity §4, RFC 9420 §5.3): its user and client URIs, its
 * signature key pair, and the basic credential carrying both URIs (decision D2).
 *
 * @module
 */
import type { CryptoProvider, Credential } from 'ts-mls';
import { mlsError } from './errors.js';
import { checkIdentityUris, encodeClientIdentity } from './identity.js';
import { mimiSuite } from './suite.js';

const identityKeys = new WeakMap<ClientIdentity, { signKey: Uint8Array; publicKey: Uint8Array }>();

/**
 * A client's long-term MLS identity: its URIs and signature key pair (Ed25519, ciphersuite 0x0001).
 * Create with {@link createClientIdentity}; the private key never leaves the object.
 *
 * @example
 * ```ts
 * const id = await createClientIdentity({ userUri, clientUri });
 * trustStore.register(id.clientUri, id.userUri, id.signaturePublicKey);
 * ```
 */
export class ClientIdentity {
  /** The user URI (`mimi://provider/u/…`). */
  readonly userUri: string;
  /** The client URI (`mimi://provider/d/…`). */
  readonly clientUri: string;
  /** The signature public key carried in every leaf of this client. */
  readonly signaturePublicKey: Uint8Array;

  /** @internal */
  constructor(userUri: string, clientUri: string, keys: { signKey: Uint8Array; publicKey: Uint8Array }) {
    this.userUri = userUri;
    this.clientUri = clientUri;
    this.signaturePublicKey = keys.publicKey;
    identityKeys.set(this, keys);
    Object.freeze(this);
  }
}

/**
 * Creates a client identity: the user and client URIs (draft-mahy-mimi-identity §4) and a signature
 * key pair (generated unless given).
 *
 * @param options - `userUri`, `clientUri`, optional raw Ed25519 `signatureKeys`, optional `cryptoProvider`
 *   for the key generation (default: the platform's, see docs/browser.md)
 * @returns the identity
 * @throws {@link MimiError} `mls/bad-uri` when the URIs are not a user and a client URI of one provider
 * @example
 * ```ts
 * const alice1 = await createClientIdentity({ userUri: 'mimi://a.example/u/alice', clientUri: 'mimi://a.example/d/alice/1' });
 * ```
 */
export async function createClientIdentity(options: {
  userUri: string;
  clientUri: string;
  signatureKeys?: { signKey: Uint8Array; publicKey: Uint8Array };
  cryptoProvider?: CryptoProvider;
}): Promise<ClientIdentity> {
  checkIdentityUris(options.userUri, options.clientUri);
  const keys = options.signatureKeys ?? (await (await mimiSuite(options.cryptoProvider)).signature.keygen());
  return new ClientIdentity(options.userUri, options.clientUri, { signKey: keys.signKey, publicKey: keys.publicKey });
}

/**
 * The signature key pair of an identity made by {@link createClientIdentity}.
 *
 * @param identity - the identity
 * @returns the keys
 * @throws {@link MimiError} `mls/bad-identity` for any other object
 */
export function signatureKeysOf(identity: ClientIdentity): { signKey: Uint8Array; publicKey: Uint8Array } {
  const keys = identityKeys.get(identity);
  if (keys === undefined) throw mlsError('mls/bad-identity', 'not a ClientIdentity from createClientIdentity');
  return keys;
}

/** Decision D2 (docs/decisions.md (MLS adapter)): a basic credential carrying client_uri and user_uri. */
export function credentialOf(identity: ClientIdentity): Credential {
  return { credentialType: 'basic', identity: encodeClientIdentity(identity.userUri, identity.clientUri) };
}
