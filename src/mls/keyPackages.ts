/**
 * Key packages (RFC 9420 §10): generating them for a client (with the capabilities, lifetime and app_components
 * a MIMI room needs) and reading the ones received from providers.
 *
 * @module
 */
import { decodeMlsMessage, encodeMlsMessage, generateKeyPackageWithKey, type CryptoProvider, type KeyPackage, type MLSMessage, type PrivateKeyPackage } from 'ts-mls';
import { mimiCapabilities } from './capabilities.js';
import { credentialOf, signatureKeysOf, type ClientIdentity } from './clientIdentity.js';
import { leafComponentsExtension } from './components.js';
import { mlsError } from './errors.js';
import { checkKeyPackageLifetime, keyPackageLifetime, nowSeconds } from './lifetime.js';
import { identityOfKeyPackage } from './policy.js';
import { mimiSuite } from './suite.js';

const kpSecrets = new WeakMap<KeyPackageBundle, { pub: KeyPackage; priv: PrivateKeyPackage }>();

/**
 * A key package (public bytes to publish) with its private keys (kept by the client, needed by
 * {@link joinFromWelcome}).
 *
 * @example
 * ```ts
 * const kp = await generateKeyPackage(bob1);
 * provider.publish(kp.keyPackage);
 * ```
 */
export class KeyPackageBundle {
  /** The KeyPackage as an encoded MLSMessage (RFC 9420 §6), to upload to the provider. */
  readonly keyPackage: Uint8Array;
  /** The client the key package is for. */
  readonly clientUri: string;
  /** The user of that client. */
  readonly userUri: string;

  /** @internal use {@link generateKeyPackage} */
  constructor(identity: ClientIdentity, secrets: unknown) {
    const { pub, priv } = secrets as { pub: KeyPackage; priv: PrivateKeyPackage };
    this.keyPackage = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: pub });
    this.clientUri = identity.clientUri;
    this.userUri = identity.userUri;
    kpSecrets.set(this, { pub, priv });
    Object.freeze(this);
  }
}

/** @internal the public and private parts of a bundle made by {@link generateKeyPackage}. */
export function keyPackageSecrets(bundle: KeyPackageBundle): { pub: KeyPackage; priv: PrivateKeyPackage } | undefined {
  return kpSecrets.get(bundle);
}

export async function makeKeyPackage(identity: ClientIdentity, provider?: CryptoProvider): Promise<{ pub: KeyPackage; priv: PrivateKeyPackage }> {
  const cs = await mimiSuite(provider);
  const keys = signatureKeysOf(identity);
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credentialOf(identity),
    // RFC 9420 §7.2 / §13: app_data_dictionary listed so rooms may require it; GREASE (§13.5). Decisions D16, D22.
    mimiCapabilities(cs.name),
    keyPackageLifetime(nowSeconds()),
    [],
    keys,
    cs,
    // draft-ietf-mls-extensions §4.6: app_data_dictionary users advertise app_components (decision D26).
    [leafComponentsExtension()],
  );
  return { pub: publicPackage, priv: privatePackage };
}

/**
 * Generates a key package for a client (RFC 9420 §10).
 *
 * @param identity - the client
 * @param options - optional `cryptoProvider` (default: the platform's, see docs/browser.md)
 * @returns the bundle: `keyPackage` bytes to publish, private keys kept inside
 * @throws {@link MimiError} `mls/bad-identity`
 * @example
 * ```ts
 * const kp = await generateKeyPackage(bob1);
 * upload(kp.keyPackage);
 * ```
 */
export async function generateKeyPackage(identity: ClientIdentity, options: { cryptoProvider?: CryptoProvider } = {}): Promise<KeyPackageBundle> {
  const { pub, priv } = await makeKeyPackage(identity, options.cryptoProvider);
  return new KeyPackageBundle(identity, { pub, priv });
}

export function decodeMessage(bytes: Uint8Array): MLSMessage {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw mlsError('mls/bad-message', 'not an MLSMessage', undefined, e);
  }
  if (decoded === undefined || decoded[1] !== bytes.length) throw mlsError('mls/bad-message', 'not an MLSMessage');
  return decoded[0];
}

/**
 * The user and client URIs a key package claims (not verified here: the verifier checks them when the
 * key package is used).
 *
 * @param bytes - an encoded KeyPackage (MLSMessage)
 * @returns the claimed user and client URIs
 * @throws {@link MimiError} `mls/bad-key-package`
 * @example
 * ```ts
 * inspectKeyPackage(kp.keyPackage).userUri; // 'mimi://a.example/u/bob'
 * ```
 */
export function inspectKeyPackage(bytes: Uint8Array): { userUri: string; clientUri: string } {
  return identityOfKeyPackage(parseKeyPackage(bytes));
}

function parseKeyPackage(bytes: Uint8Array): KeyPackage {
  let msg: MLSMessage;
  try {
    msg = decodeMessage(bytes);
  } catch (e) {
    throw mlsError('mls/bad-key-package', 'not an encoded KeyPackage', undefined, e);
  }
  if (msg.wireformat !== 'mls_key_package') throw mlsError('mls/bad-key-package', `expected a key package, got ${msg.wireformat}`);
  return msg.keyPackage;
}

/** A key package received from a provider, to add: decoded and within its lifetime (decision D23). */
export function receivedKeyPackage(bytes: Uint8Array): KeyPackage {
  const kp = parseKeyPackage(bytes);
  checkKeyPackageLifetime(kp);
  return kp;
}
