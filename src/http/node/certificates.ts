/**
 * Certificates for demos and tests only: a private CA and leaf certificates naming provider domains in a
 * subjectAltName dNSName (what mutual TLS between MIMI providers checks, draft-ietf-mimi-protocol-06
 * "Transport layer", RFC 6125). ECDSA P-256 with SHA-256 through node:crypto; the X.509 DER is written here
 * by hand per RFC 5280 (docs/decisions.md "HTTP" HT9: the maintained JS X.509 libraries need a global
 * reflect-metadata polyfill or are RSA-only). Not for production: no revocation, no name constraints.
 *
 * @module
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { MimiError } from '../../errors.js';
import { normalizeDomain } from '../handler.js';
import { ascii, bits, bool, explicit, implicit, int, namedBits, octets, oid, seq, set, time, uint, utf8 } from './der.js';

/** A private certificate authority for demos and tests. */
export interface DemoCa {
  /** The self-signed CA certificate, PEM (give it as `ca` to servers and clients). */
  readonly certPem: string;
  /** The CA's private key, PKCS#8 PEM. */
  readonly keyPem: string;
  /** The CA's subject common name. */
  readonly commonName: string;
}

/** A leaf certificate and its key. */
export interface IssuedCertificate {
  /** The certificate, PEM. */
  readonly certPem: string;
  /** Its private key, PKCS#8 PEM. */
  readonly keyPem: string;
}

/** Validity options shared by the CA and leaves. */
export interface ValidityOptions {
  /** Start of validity (default: now − 1 hour, for clock skew). */
  readonly notBefore?: Date;
  /** Days of validity from `notBefore` (default 30 for leaves, 365 for the CA). */
  readonly days?: number;
}

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2')); // RFC 5758 §3.2: parameters absent
const OID = {
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const DAY = 86_400_000;

function name(commonName: string): Uint8Array {
  return seq(set(seq(oid(OID.commonName), utf8(commonName))));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's bits. */
function keyId(spki: Uint8Array): Uint8Array {
  // For a P-256 SPKI (91 bytes) the subjectPublicKey is the last 65 bytes (uncompressed point).
  return new Uint8Array(createHash('sha1').update(spki.subarray(spki.length - 65)).digest());
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function serial(): Uint8Array {
  const b = new Uint8Array(randomBytes(16));
  b[0]! &= 0x7f; // RFC 5280 §4.1.2.2: positive, at most 20 octets
  b[0]! |= 0x01; // and never with a leading zero octet to strip
  return uint(b);
}

function validity(o: ValidityOptions, defaultDays: number): Uint8Array {
  const days = o.days ?? defaultDays;
  if (!Number.isFinite(days) || days <= 0) throw new MimiError('http/bad-certificate', 'days must be a positive number');
  const from = o.notBefore ?? new Date(Date.now() - 3_600_000);
  return seq(time(from), time(new Date(from.getTime() + days * DAY)));
}

function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

function signCertificate(tbs: Uint8Array, issuerKey: KeyObject): Uint8Array {
  const signature = new Uint8Array(sign('sha256', tbs, { key: issuerKey, dsaEncoding: 'der' }));
  return seq(tbs, ECDSA_WITH_SHA256, bits(signature));
}

function keyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/**
 * Creates a private CA: a self-signed ECDSA P-256 certificate with basicConstraints CA and keyCertSign.
 *
 * @param options - subject common name (default "mimi-kit demo CA") and validity
 * @returns the CA certificate and key, PEM
 * @throws `MimiError` `http/bad-certificate` (bad validity)
 * @example
 * ```ts
 * import { createDemoCa, issueCertificate } from 'mimi-kit/http/node';
 * const ca = createDemoCa();
 * const a = issueCertificate(ca, { domain: 'a.example' });
 * ```
 */
export function createDemoCa(options: ValidityOptions & { readonly commonName?: string } = {}): DemoCa {
  const commonName = options.commonName ?? 'mimi-kit demo CA';
  const { publicKey, privateKey } = keyPair();
  const spki = spkiOf(publicKey);
  const subject = name(commonName);
  const tbs = seq(
    explicit(0, int(2)), // v3
    serial(),
    ECDSA_WITH_SHA256,
    subject,
    validity(options, 365),
    subject,
    spki,
    explicit(
      3,
      seq(
        extension(OID.basicConstraints, true, seq(bool(true))),
        extension(OID.keyUsage, true, namedBits([5, 6])), // keyCertSign, cRLSign
        extension(OID.subjectKeyIdentifier, false, octets(keyId(spki))),
      ),
    ),
  );
  return { certPem: pem('CERTIFICATE', signCertificate(tbs, privateKey)), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), commonName };
}

/**
 * Issues a leaf certificate for one or more provider domains (subjectAltName dNSNames; the first is also the
 * subject common name), usable as a TLS server and client certificate (extKeyUsage serverAuth, clientAuth).
 *
 * @param ca - the issuing CA
 * @param options - the domain(s) and validity
 * @returns the certificate and its new key, PEM
 * @throws `MimiError` `http/bad-certificate` (a CA key that does not load), `delivery/bad-request` (a domain that is no DNS name)
 * @example
 * ```ts
 * import { createDemoCa, issueCertificate } from 'mimi-kit/http/node';
 * const { certPem, keyPem } = issueCertificate(createDemoCa(), { domain: 'b.example' });
 * ```
 */
export function issueCertificate(ca: DemoCa, options: ValidityOptions & { readonly domain: string | readonly string[] }): IssuedCertificate {
  const domains = (typeof options.domain === 'string' ? [options.domain] : options.domain).map((d) => normalizeDomain(d, 'domain'));
  if (domains.length === 0) throw new MimiError('delivery/bad-request', 'at least one domain', { path: ['domain'] });
  let caKey: KeyObject;
  let caSpki: Uint8Array;
  try {
    caKey = createPrivateKey(ca.keyPem);
    caSpki = spkiOf(createPublicKey(ca.certPem));
  } catch (e) {
    throw new MimiError('http/bad-certificate', 'the CA certificate or key does not load', { cause: e });
  }
  const { publicKey, privateKey } = keyPair();
  const spki = spkiOf(publicKey);
  const san = seq(...domains.map((d) => implicit(2, ascii(d)))); // GeneralName dNSName [2] IA5String
  const tbs = seq(
    explicit(0, int(2)),
    serial(),
    ECDSA_WITH_SHA256,
    name(ca.commonName),
    validity(options, 30),
    name(domains[0]!),
    spki,
    explicit(
      3,
      seq(
        extension(OID.basicConstraints, true, seq()),
        extension(OID.keyUsage, true, namedBits([0])), // digitalSignature (ECDHE-ECDSA)
        extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth), oid(OID.clientAuth))),
        extension(OID.subjectAltName, false, san),
        extension(OID.subjectKeyIdentifier, false, octets(keyId(spki))),
        extension(OID.authorityKeyIdentifier, false, seq(implicit(0, keyId(caSpki)))),
      ),
    ),
  );
  return { certPem: pem('CERTIFICATE', signCertificate(tbs, caKey)), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
