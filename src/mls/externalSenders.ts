/**
 * The `external_senders` GroupContext extension, decoded as RFC 9420 §12.1.8.1 defines it: a *list*
 * `ExternalSender external_senders<V>`. ts-mls 1.6.4 decodes it as a single ExternalSender (a known defect,
 * docs/decisions.md (MLS adapter) D25), so a correctly encoded extension from another implementation fails
 * there; we read it with our own TLS codec (`src/tls`) so a hub's external proposals can be checked.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { decodeWith, encodeWith, type TlsReader, type TlsWriter } from '../tls/codec.js';
import { mlsError } from './errors.js';

/**
 * RFC 9420 §17.1 extension type of `external_senders`.
 *
 * @example
 * ```ts
 * const ext = { extensionType: EXTERNAL_SENDERS_TYPE, extensionData: encodeExternalSenders(senders) };
 * ```
 */
export const EXTERNAL_SENDERS_TYPE = 0x0005;

/** RFC 9420 §5.3 Credential, the two types RFC 9420 defines (others have no length we could skip). */
export type ExternalSenderCredential =
  | { readonly credentialType: 'basic'; readonly identity: Uint8Array }
  | { readonly credentialType: 'x509'; readonly certificates: readonly Uint8Array[] };

/** RFC 9420 §12.1.8.1 `struct { SignaturePublicKey signature_key; Credential credential; } ExternalSender`. */
export interface ExternalSender {
  readonly signaturePublicKey: Uint8Array;
  readonly credential: ExternalSenderCredential;
}

function readSender(r: TlsReader): ExternalSender {
  const signaturePublicKey = r.opaque();
  const type = r.uint16();
  // RFC 9420 §5.3: basic(1) = opaque identity<V>; x509(2) = Certificate certificates<V>, Certificate = opaque cert_data<V>.
  if (type === 1) return { signaturePublicKey, credential: { credentialType: 'basic', identity: r.opaque() } };
  if (type === 2) return { signaturePublicKey, credential: { credentialType: 'x509', certificates: r.vector((v) => v.opaque()) } };
  throw mlsError('mls/bad-extension', `external_senders: credential type 0x${type.toString(16).padStart(4, '0')} is not one RFC 9420 defines`, {
    extensionType: '0x0005',
    credentialType: type,
  });
}

function writeSender(w: TlsWriter, s: ExternalSender): void {
  w.opaque(s.signaturePublicKey);
  if (s.credential.credentialType === 'basic') {
    w.uint16(1);
    w.opaque(s.credential.identity);
  } else {
    w.uint16(2);
    w.vector(s.credential.certificates, (v, c) => v.opaque(c));
  }
}

/**
 * Decodes `external_senders` extension data (RFC 9420 §12.1.8.1: a list), strictly: every byte used.
 *
 * @param data - the extension_data
 * @returns the external senders, in wire order
 * @throws {@link MimiError} `mls/bad-extension` (details.cause: the `tls/*` error) for malformed data
 * @example
 * ```ts
 * // one sender: signature key 0xAA, basic credential "hub"
 * decodeExternalSenders(Uint8Array.of(0x08, 0x01, 0xaa, 0x00, 0x01, 0x03, 0x68, 0x75, 0x62));
 * // [{ signaturePublicKey: Uint8Array [0xaa], credential: { credentialType: 'basic', identity: … "hub" } }]
 * ```
 */
export function decodeExternalSenders(data: Uint8Array): ExternalSender[] {
  try {
    return decodeWith(data, (r) => r.vector(readSender));
  } catch (e) {
    if (e instanceof MimiError && e.code === 'mls/bad-extension') throw e;
    throw mlsError('mls/bad-extension', `external_senders does not decode as ExternalSender external_senders<V> (RFC 9420 §12.1.8.1): ${e instanceof Error ? e.message : String(e)}`, { extensionType: '0x0005' }, e);
  }
}

/**
 * Encodes `external_senders` extension data (RFC 9420 §12.1.8.1).
 *
 * @param senders - the external senders
 * @returns the extension_data
 * @example
 * ```ts
 * encodeExternalSenders([{ signaturePublicKey: Uint8Array.of(0xaa), credential: { credentialType: 'basic', identity: new TextEncoder().encode('hub') } }]);
 * // 08 01 aa 00 01 03 68 75 62
 * ```
 */
export function encodeExternalSenders(senders: readonly ExternalSender[]): Uint8Array {
  return encodeWith((w) => w.vector(senders, writeSender));
}
