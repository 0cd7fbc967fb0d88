/**
 * Whether a KeyPackage fits a KeyMaterialRequest (draft-ietf-mimi-protocol-06 "Fetch Key Material"): its
 * cipher suite is one of `acceptableCiphersuites`, its leaf's capabilities cover `requiredCapabilities`
 * (RFC 9420 §11.1, with the default types of §7.2 and the GREASE values of §13.5), and it is inside its
 * lifetime (RFC 9420 §7.3; the draft: "MUST NOT provide expired keying material"). Pure: no clock, no I/O.
 * docs/decisions.md HT10.
 *
 * @module
 */
import type { KeyPackageView } from './mlsFraming.js';
import { isGrease, type RequiredCapabilities } from './mlsStructures.js';

/** What a requester asks of a KeyPackage (the KeyMaterialRequest fields, both optional). */
export interface KeyPackageCriteria {
  /** Cipher suites the requester accepts; absent or empty: any. */
  readonly acceptableCiphersuites?: readonly number[];
  /** Extension, proposal and credential types the leaf must support; absent: none. */
  readonly requiredCapabilities?: RequiredCapabilities;
}

/**
 * Why a KeyPackage does not fit, or `'fits'`.
 * `expired` / `notYetValid`: outside its lifetime; the others name the first unmet requirement.
 */
export type KeyPackageFit = 'fits' | 'expired' | 'notYetValid' | 'cipherSuite' | 'extension' | 'proposal' | 'credential';

/**
 * RFC 9420 §7.2: the "default" extension types (application_id 1, ratchet_tree 2, required_capabilities 3,
 * external_pub 4, external_senders 5), supported by every client and not listed in capabilities.
 *
 * @example
 * ```ts
 * import { DEFAULT_EXTENSION_TYPES } from 'mimi-kit/protocol';
 * DEFAULT_EXTENSION_TYPES.includes(2); // true
 * ```
 */
export const DEFAULT_EXTENSION_TYPES: readonly number[] = Object.freeze([1, 2, 3, 4, 5]);

/**
 * RFC 9420 §7.2: the "default" proposal types (add 1 … group_context_extensions 7), supported by every client
 * and not listed in capabilities.
 *
 * @example
 * ```ts
 * import { DEFAULT_PROPOSAL_TYPES } from 'mimi-kit/protocol';
 * DEFAULT_PROPOSAL_TYPES.includes(7); // true
 * ```
 */
export const DEFAULT_PROPOSAL_TYPES: readonly number[] = Object.freeze([1, 2, 3, 4, 5, 6, 7]);


/**
 * Checks one decoded KeyPackage against a request and the current time.
 *
 * Rules (HT10): lifetime first (`not_before <= now <= not_after`, seconds; a leaf without a lifetime is
 * `expired`: it is no KeyPackage leaf); then the cipher suite (GREASE values in `acceptableCiphersuites`
 * are ignored; a list of only GREASE values accepts nothing); then every required extension, proposal and
 * credential type must be in the leaf's capabilities (§11.1), except default extension and proposal types,
 * which every client supports (§7.2), and GREASE values, which name no feature (§13.5) and are ignored.
 *
 * @param kp - the KeyPackage ({@link decodeKeyPackage})
 * @param criteria - the request's acceptable suites and required capabilities
 * @param nowSeconds - the current time in seconds since the epoch
 * @returns `'fits'` or the first reason it does not
 * @example
 * ```ts
 * import { decodeKeyPackage, keyPackageFit } from 'mimi-kit/protocol';
 * keyPackageFit(decodeKeyPackage(bytes), { acceptableCiphersuites: [1] }, 1_700_000_000n); // 'fits'
 * ```
 */
export function keyPackageFit(kp: KeyPackageView, criteria: KeyPackageCriteria, nowSeconds: bigint): KeyPackageFit {
  const life = kp.leafNode.lifetime;
  if (life === undefined || nowSeconds > life.notAfter) return 'expired';
  if (nowSeconds < life.notBefore) return 'notYetValid';
  const suites = criteria.acceptableCiphersuites;
  if (suites !== undefined && suites.length > 0 && !suites.some((s) => !isGrease(s) && s === kp.cipherSuite)) return 'cipherSuite';
  const req = criteria.requiredCapabilities;
  if (req === undefined) return 'fits';
  const caps = kp.leafNode.capabilities;
  const lacks = (required: readonly number[], have: readonly number[], defaults: readonly number[]): boolean =>
    required.some((t) => !isGrease(t) && !defaults.includes(t) && !have.includes(t));
  if (lacks(req.extensionTypes, caps.extensions, DEFAULT_EXTENSION_TYPES)) return 'extension';
  if (lacks(req.proposalTypes, caps.proposals, DEFAULT_PROPOSAL_TYPES)) return 'proposal';
  if (lacks(req.credentialTypes, caps.credentials, [])) return 'credential';
  return 'fits';
}
