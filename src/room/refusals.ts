/**
 * The engine's typed "no": the stable refusal codes (part of the public API), the {@link Refusal}
 * record naming the missing capability, violated constraint or refused role change, the
 * {@link Authorization} verdict, and {@link throwRefusal}, which raises a refusal as a
 * {@link MimiError} with the same code.
 *
 * @module
 */
import { MimiError } from '../errors.js';

/**
 * Stable refusal codes (part of the public API).
 * @example
 * ```ts
 * import { REFUSAL_CODES } from 'mimi-kit/room';
 * REFUSAL_CODES.includes('room/missing-capability'); // true
 * ```
 */
export const REFUSAL_CODES = [
  'room/missing-capability',
  'room/role-change-not-authorized',
  'room/min-participants',
  'room/max-participants',
  'room/min-active-participants',
  'room/max-active-participants',
  'room/max-users',
  'room/banned',
  'room/target-banned',
  'room/not-banned',
  'room/no-banned-role',
  'room/not-participant',
  'room/already-participant',
  'room/self-target',
  'room/unknown-role',
  'room/no-change',
  'room/fixed-membership',
  'room/not-preauthorized',
  'room/invalid-join-code',
  'room/duplicate-join-link',
  'room/no-knock',
  'room/already-knocking',
  'room/not-active',
  'room/single-device',
  'room/invalid-roles',
  'room/invalid-policy',
  'room/immutable-field',
  // Commit checks (src/room/commit.ts): what a commit does beyond one operation.
  'room/not-member',
  'room/proposal-not-allowed',
  'room/invalid-commit',
  'room/identity-change',
  'room/extension-not-allowed',
  'room/clients-not-removed',
  'room/duplicate-client',
  'room/missing-component',
  // Raised by applyAppDataUpdates and the app_data_dictionary decoder, reported by the commit check.
  'room/invalid-state',
  'room/duplicate-user',
  'room/index-out-of-range',
  'room/roles-and-participants-together',
  'room/preauth-and-participants-together',
  'room/component-required',
  'room/invalid-update-op',
  'room/duplicate-update',
  'room/duplicate-metadata-update',
  'room/unknown-component',
  'room/not-own-profile',
] as const;
/** A refusal code. */
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Which role constraint a refusal violates. */
export interface ViolatedConstraint {
  readonly role: number;
  readonly name:
    | 'minimum_participants_constraint'
    | 'maximum_participants_constraint'
    | 'minimum_active_participants_constraint'
    | 'maximum_active_participants_constraint'
    | 'max_users';
  readonly limit: number;
}

/** A typed "no". */
export interface Refusal {
  readonly allowed: false;
  readonly code: RefusalCode;
  readonly message: string;
  /** Name of the missing capability (`room/missing-capability`). */
  readonly capability?: string;
  readonly constraint?: ViolatedConstraint;
  /** The role transition that was refused (`room/role-change-not-authorized`). */
  readonly from?: number;
  readonly to?: number;
}

/** The verdict of {@link authorize}. */
export type Authorization = { readonly allowed: true } | Refusal;

/** A refusal with its code and message, plus what it names (capability, constraint, role change). */
export function refuse(code: RefusalCode, message: string, extra: Partial<Omit<Refusal, 'allowed' | 'code' | 'message'>> = {}): Refusal {
  return { allowed: false, code, message, ...extra };
}

/**
 * Throws a refusal as a MimiError (code = refusal code, details.refusal = the refusal).
 *
 * @param refusal - the refusal
 * @returns never
 * @throws {@link MimiError} always
 * @example
 * ```ts
 * const result = throwRefusal(refusal);
 * ```
 */
export function throwRefusal(refusal: Refusal): never {
  throw new MimiError(refusal.code, refusal.message, { details: { refusal } });
}
