/**
 * The capabilities our leaves advertise (RFC 9420 §7.2), with GREASE values (RFC 9420 §13.5).
 *
 * Each key package lists one randomly chosen GREASE value in each of its ciphersuite, extension,
 * proposal and credential lists, so peers that choke on unknown values are found early. Receivers
 * ignore them: nothing in the adapter looks a capability up except the types we use ourselves.
 *
 * @module
 */
import type { Capabilities, CiphersuiteName, CredentialTypeName } from 'ts-mls';
import { GREASE_VALUES } from '../protocol/mlsStructures.js';
import { APP_DATA_DICTIONARY_TYPE } from './extensions.js';

function randomGrease(): number {
  const r = new Uint8Array(1);
  globalThis.crypto.getRandomValues(r);
  return GREASE_VALUES[(r[0] ?? 0) % GREASE_VALUES.length] ?? 0x0a0a;
}

/**
 * The capabilities of a MIMI client's leaf: MLS 1.0, the given ciphersuite, the app_data_dictionary
 * extension (so rooms may require it, RFC 9420 §11.1), basic credentials; plus one random GREASE value
 * in each list.
 *
 * @param cipherSuite - ts-mls's name of our ciphersuite
 * @returns the capabilities for a key package
 * @example
 * ```ts
 * mimiCapabilities('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519').extensions; // [6, 0x5a5a] (GREASE varies)
 * ```
 */
export function mimiCapabilities(cipherSuite: CiphersuiteName): Capabilities {
  // ts-mls encodes unknown ciphersuite / credential names given as decimal strings as those numbers.
  return {
    versions: ['mls10'],
    ciphersuites: [cipherSuite, String(randomGrease()) as CiphersuiteName],
    extensions: [APP_DATA_DICTIONARY_TYPE, randomGrease()],
    proposals: [randomGrease()],
    credentials: ['basic', String(randomGrease()) as CredentialTypeName],
  };
}
