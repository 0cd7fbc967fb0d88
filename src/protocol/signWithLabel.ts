/**
 * RFC 9420 §5.1.2 SignWithLabel / VerifyWithLabel, browser-safe (@noble/curves), for the signed MIMI bodies
 * (KeyMaterialRequestTBS, GroupInfoRequestTBS, GroupInfoResponseTBS, FrankingIntegrityTBS).
 *
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { MimiError } from '../errors.js';
import { TlsWriter } from '../tls/codec.js';

interface Scheme {
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

const eddsa = (c: typeof ed25519 | typeof ed448): Scheme => ({
  sign: (m, k) => c.sign(m, k),
  verify: (s, m, p) => c.verify(s, m, p),
});
// RFC 9420 §5.1.2: ECDSA signatures are DER-encoded; the message is hashed with the suite's hash.
const ecdsa = (c: typeof p256 | typeof p384 | typeof p521): Scheme => ({
  sign: (m, k) => c.sign(m, k, { format: 'der' }),
  verify: (s, m, p) => c.verify(s, m, p, { format: 'der', lowS: false }),
});

/** RFC 9420 §17.1 cipher suites 1–7 → their signature scheme. */
const SCHEMES: Readonly<Record<number, Scheme>> = {
  1: eddsa(ed25519),
  2: ecdsa(p256),
  3: eddsa(ed25519),
  4: eddsa(ed448),
  5: ecdsa(p521),
  6: eddsa(ed448),
  7: ecdsa(p384),
};

function scheme(cipherSuite: number): Scheme {
  const s = SCHEMES[cipherSuite];
  if (!s) throw new MimiError('protocol/unsupported-ciphersuite', `cipher suite ${cipherSuite} is not one of RFC 9420's 1–7`, { details: { cipherSuite } });
  return s;
}

/**
 * RFC 9420 §5.1.2 SignContent: `opaque label<V> = "MLS 1.0 " + Label; opaque content<V>`.
 *
 * @param label - the label without the "MLS 1.0 " prefix
 * @param content - the signed content
 * @returns the bytes that are signed
 * @example
 * ```ts
 * import { signContent } from 'mimi-kit/protocol';
 * signContent('FrankingIntegrityTBS', new Uint8Array([1])); // 1c "MLS 1.0 FrankingIntegrityTBS" 01 01
 * ```
 */
export function signContent(label: string, content: Uint8Array): Uint8Array {
  const w = new TlsWriter();
  w.string(`MLS 1.0 ${label}`);
  w.opaque(content);
  return w.finish();
}

/**
 * SignWithLabel (RFC 9420 §5.1.2) with the signature scheme of `cipherSuite`.
 *
 * @param cipherSuite - RFC 9420 cipher suite 1–7
 * @param signaturePrivateKey - the raw private key (Ed25519/Ed448 seed, ECDSA scalar)
 * @param label - the label, e.g. "KeyMaterialRequestTBS"
 * @param content - the TBS bytes
 * @returns the signature
 * @throws {@link MimiError} `protocol/unsupported-ciphersuite`, `protocol/value-out-of-range` (bad key)
 * @example
 * ```ts
 * import { signWithLabel, verifyWithLabel } from 'mimi-kit/protocol';
 * const sig = signWithLabel(1, privateKey, 'KeyMaterialRequestTBS', tbs);
 * verifyWithLabel(1, publicKey, 'KeyMaterialRequestTBS', tbs, sig); // true
 * ```
 */
export function signWithLabel(cipherSuite: number, signaturePrivateKey: Uint8Array, label: string, content: Uint8Array): Uint8Array {
  const s = scheme(cipherSuite);
  try {
    return s.sign(signContent(label, content), signaturePrivateKey);
  } catch (e) {
    throw new MimiError('protocol/value-out-of-range', `cannot sign with this key for cipher suite ${cipherSuite}`, { cause: e });
  }
}

/**
 * VerifyWithLabel (RFC 9420 §5.1.2). A malformed key or signature verifies as false.
 *
 * @param cipherSuite - RFC 9420 cipher suite 1–7
 * @param signaturePublicKey - the raw public key
 * @param label - the label
 * @param content - the TBS bytes
 * @param signature - the signature
 * @returns whether it verifies
 * @throws {@link MimiError} `protocol/unsupported-ciphersuite`
 * @example
 * ```ts
 * import { verifyWithLabel } from 'mimi-kit/protocol';
 * verifyWithLabel(1, publicKey, 'FrankingIntegrityTBS', tbs, signature); // true or false
 * ```
 */
export function verifyWithLabel(cipherSuite: number, signaturePublicKey: Uint8Array, label: string, content: Uint8Array, signature: Uint8Array): boolean {
  const s = scheme(cipherSuite);
  try {
    return s.verify(signature, signContent(label, content), signaturePublicKey);
  } catch {
    return false;
  }
}
