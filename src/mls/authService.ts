/**
 * The authentication service of a room (RFC 9420 §5.3.1): every credential goes to the caller's verifier, never
 * ts-mls's accept-everything default (decision D3); and ts-mls failures mapped to the adapter's error codes.
 *
 * @module
 */
import { defaultKeyRetentionConfig, defaultLifetimeConfig, defaultPaddingConfig, type ClientConfig, type Credential } from 'ts-mls';
import { MimiError } from '../errors.js';
import { mlsError } from './errors.js';
import { decodeClientIdentity, type CredentialVerifier } from './identity.js';
import { signatureKeyEqualityConfig } from './proposals.js';

/** What the verifier refused last (to name it in the error). */
export interface AuthTracker {
  rejected: { userUri?: string; clientUri?: string; reason: string } | undefined;
}

// ts-mls's default equality with an early exit (public keys): proposals.ts, decision D18.
const fastKeyPackageEquality = signatureKeyEqualityConfig;

export function makeConfig(verifier: CredentialVerifier, retainEpochs: number | undefined): { config: ClientConfig; tracker: AuthTracker } {
  if (typeof verifier !== 'function') throw mlsError('mls/credential-rejected', 'a credential verifier is required');
  const tracker: AuthTracker = { rejected: undefined };
  const config: ClientConfig = {
    keyRetentionConfig: retainEpochs === undefined ? defaultKeyRetentionConfig : { ...defaultKeyRetentionConfig, retainKeysForEpochs: retainEpochs },
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: fastKeyPackageEquality,
    paddingConfig: defaultPaddingConfig,
    // RFC 9420 §5.3.1: never ts-mls's defaultAuthenticationService (accepts everything).
    authService: {
      async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
        if (credential.credentialType !== 'basic') {
          tracker.rejected = { reason: 'not a basic credential' };
          return false;
        }
        let id: { userUri: string; clientUri: string };
        try {
          id = decodeClientIdentity(credential.identity);
        } catch {
          tracker.rejected = { reason: 'not a MIMI client identity' };
          return false;
        }
        let ok = false;
        try {
          ok = (await verifier({ userUri: id.userUri, clientUri: id.clientUri, signaturePublicKey })) === true;
        } catch {
          ok = false;
        }
        if (!ok) tracker.rejected = { userUri: id.userUri, clientUri: id.clientUri, reason: 'verifier refused' };
        return ok;
      },
    },
  };
  return { config, tracker };
}

/** A ts-mls (or our) failure as the adapter's error. */
export function mapError(e: unknown, tracker: AuthTracker, fallback: 'mls/invalid-commit' | 'mls/decrypt-failed' | 'mls/bad-message'): MimiError {
  if (e instanceof MimiError) return e;
  if (tracker.rejected !== undefined) {
    return mlsError('mls/credential-rejected', `credential rejected: ${tracker.rejected.reason}`, { ...tracker.rejected }, e);
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (/membership/i.test(msg)) return mlsError('mls/not-member', 'membership tag invalid: sender is not a member', undefined, e);
  if (/Update path is required/i.test(msg)) return mlsError('mls/path-missing', 'commit lacks a required UpdatePath', undefined, e);
  return mlsError(fallback, msg, undefined, e);
}
