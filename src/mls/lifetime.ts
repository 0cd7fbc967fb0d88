/**
 * Key package and leaf lifetimes (RFC 9420 §7.2 "the application MUST define a maximum total lifetime",
 * §10.1): what we generate and what we accept on receipt (docs/decisions.md (MLS adapter) D16, D23).
 *
 * ts-mls 1.6.4 never enforces `lifetimeConfig.maximumTotalLifetime` and checks the current-time window of a
 * received key package only when `validateLifetimeOnReceive` is set, so the adapter checks both itself.
 *
 * @module
 */
import type { KeyPackage, LeafNode } from 'ts-mls';
import { mlsError } from './errors.js';

/** One hour, in seconds: the back-dating of our key packages' `not_before` (clock skew allowance). */
const HOUR = 3600n;
/** 84 days, in seconds: how long our key packages stay valid (OpenMLS's default). */
const VALIDITY = 84n * 86400n;

/**
 * The longest lifetime (`not_after − not_before`, seconds) accepted in a received key package or leaf:
 * 84 days + 1 hour, the same bound as OpenMLS, so that key packages cross between the two stacks.
 *
 * @example
 * ```ts
 * MAX_KEY_PACKAGE_LIFETIME; // 7261200n
 * ```
 */
export const MAX_KEY_PACKAGE_LIFETIME = VALIDITY + HOUR;

/**
 * The lifetime of a key package generated at `nowSeconds`: `now − 1 h … now + 84 days`.
 *
 * @param nowSeconds - the current time in seconds since the Unix epoch
 * @returns the lifetime (bounds in seconds)
 * @example
 * ```ts
 * keyPackageLifetime(1_700_000_000n); // { notBefore: 1699996400n, notAfter: 1707257600n }
 * ```
 */
export function keyPackageLifetime(nowSeconds: bigint): { notBefore: bigint; notAfter: bigint } {
  return { notBefore: nowSeconds - HOUR, notAfter: nowSeconds + VALIDITY };
}

/** The current time in whole seconds. */
export function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

/**
 * Checks the lifetime of a leaf that came from a key package: not longer than
 * {@link MAX_KEY_PACKAGE_LIFETIME} and, when `current` is set, valid at `nowSeconds` (RFC 9420 §7.3
 * leaf node validation). Leaves from updates and commits carry no lifetime and pass.
 *
 * @param leaf - the leaf node
 * @param options - `now` in seconds; `current: false` skips the time-window check (a member's leaf
 *   in a received ratchet tree stays valid until the member updates it)
 * @throws {@link MimiError} `mls/bad-key-package`
 * @example
 * ```ts
 * checkLeafLifetime(keyPackage.leafNode, { now: nowSeconds(), current: true });
 * ```
 */
export function checkLeafLifetime(leaf: LeafNode, options: { now: bigint; current: boolean }): void {
  if (leaf.leafNodeSource !== 'key_package') return;
  const { notBefore, notAfter } = leaf.lifetime;
  if (notAfter < notBefore || notAfter - notBefore > MAX_KEY_PACKAGE_LIFETIME) {
    throw mlsError('mls/bad-key-package', `key package lifetime of ${notAfter - notBefore} s exceeds the maximum of ${MAX_KEY_PACKAGE_LIFETIME} s (RFC 9420 §7.2)`, {
      notBefore: notBefore.toString(),
      notAfter: notAfter.toString(),
    });
  }
  if (options.current && (options.now < notBefore || options.now > notAfter)) {
    throw mlsError('mls/bad-key-package', 'key package is expired or not yet valid (RFC 9420 §7.3)', {
      notBefore: notBefore.toString(),
      notAfter: notAfter.toString(),
    });
  }
}

/**
 * {@link checkLeafLifetime} for a received key package, at the current time.
 *
 * @param kp - the key package
 * @throws {@link MimiError} `mls/bad-key-package`
 * @example
 * ```ts
 * checkKeyPackageLifetime(kp);
 * ```
 */
export function checkKeyPackageLifetime(kp: KeyPackage): void {
  checkLeafLifetime(kp.leafNode, { now: nowSeconds(), current: true });
}
