/**
 * Key material a provider publishes for its users (draft-ietf-mimi-protocol-06 §5.2, `keyMaterial`): clients
 * upload KeyPackages, a claim takes per client the oldest one that fits the request (cipher suite, required
 * capabilities, lifetime: `keyPackageFit`, docs/decisions.md HT10), and key material given in one response
 * is never given in another (DL7). The signed request itself is the HTTP layer's.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { keyPackageFit, type KeyPackageCriteria } from '../protocol/keyPackageMatch.js';
import { decodeKeyPackage } from '../protocol/mlsFraming.js';
import type { Capabilities } from '../protocol/mlsStructures.js';
import type { DeliveryStore, KeyPackageJudge } from './store/types.js';
import { DEFAULT_DELIVERY_LIMITS, type Clock, type DeliveryLimits } from './types.js';
import { checkBytes, checkId } from './validate.js';

/** One client's part of a claim (draft §5.2 ClientKeyMaterial). */
export type ClaimedClient =
  | { readonly clientStatus: 'success'; readonly clientUri: string; readonly keyPackage: Uint8Array }
  | { readonly clientStatus: 'keyMaterialExhausted'; readonly clientUri: string }
  | {
      readonly clientStatus: 'nothingCompatible';
      readonly clientUri: string;
      /** The leaf capabilities of the client's newest incompatible KeyPackage (the draft's optional field). */
      readonly clientCapabilities?: Capabilities;
    };

/** The answer to a claim (draft §5.2 KeyMaterialResponse, user codes this layer can decide). */
export interface KeyMaterialClaim {
  /**
   * `success`: every client gave one; `partialSuccess`: some did; `noCompatibleMaterial`: none did (each is
   * exhausted or nothingCompatible; DL7, HT10); `userUnknown`: no client of the user ever published.
   */
  readonly userStatus: 'success' | 'partialSuccess' | 'noCompatibleMaterial' | 'userUnknown';
  /** The user. */
  readonly userUri: string;
  /** One entry per client (empty for `userUnknown`). */
  readonly clients: readonly ClaimedClient[];
}

/** What a claim asks of the packages: the KeyMaterialRequest's acceptable suites and required capabilities. */
export type KeyMaterialCriteria = KeyPackageCriteria;

/**
 * Stores and hands out KeyPackages.
 *
 * @example
 * ```ts
 * import { KeyMaterialStore, MemoryStore } from 'mimi-kit/delivery';
 * const keys = new KeyMaterialStore(new MemoryStore());
 * await keys.publish('mimi://b.example/u/bob', 'mimi://b.example/d/bob/1', keyPackage);
 * (await keys.claim('mimi://b.example/u/bob')).userStatus; // 'success'
 * ```
 */
export class KeyMaterialStore {
  private readonly limits: DeliveryLimits;

  /**
   * Creates the key-material store.
   * @param store - where the packages live
   * @param limits - input bounds
   * @param clock - the time lifetimes are checked at (the hub's clock; default the system clock)
   */
  constructor(
    private readonly store: DeliveryStore,
    limits: Partial<DeliveryLimits> = {},
    private readonly clock: Clock = Date,
  ) {
    this.limits = { ...DEFAULT_DELIVERY_LIMITS, ...limits };
  }

  /**
   * Adds a KeyPackage for a user's client (stored as given, after checking it is one).
   * @param user - user URI
   * @param client - client URI
   * @param keyPackage - one bare RFC 9420 §10 KeyPackage (not an MLSMessage)
   * @throws {@link MimiError} `delivery/bad-request` (also for bytes that are not a KeyPackage; the
   *   `protocol/*` reason is its `cause`)
   * @example
   * ```ts
   * await keys.publish(user, client, keyPackage);
   * ```
   */
  async publish(user: string, client: string, keyPackage: Uint8Array): Promise<void> {
    checkId(user, 'user', this.limits);
    checkId(client, 'client', this.limits);
    checkBytes(keyPackage, 'keyPackage', this.limits);
    try {
      decodeKeyPackage(keyPackage);
    } catch (e) {
      throw new MimiError('delivery/bad-request', `keyPackage is not an RFC 9420 KeyPackage: ${(e as Error).message}`, { path: ['keyPackage'], cause: e });
    }
    await this.store.transaction((tx) => tx.addKeyPackage(user, { client, keyPackage }));
  }

  /**
   * Claims, per client of the user, the oldest KeyPackage that fits `criteria` and is inside its lifetime at
   * the clock's time; only the claimed ones are removed (one store transaction).
   * @param user - user URI
   * @param criteria - the request's acceptable cipher suites and required capabilities (absent: any)
   * @returns the draft's response fields
   * @throws {@link MimiError} `delivery/bad-request`
   * @example
   * ```ts
   * const { userStatus, clients } = await keys.claim(user, { acceptableCiphersuites: [1], requiredCapabilities });
   * ```
   */
  async claim(user: string, criteria: KeyMaterialCriteria = {}): Promise<KeyMaterialClaim> {
    checkId(user, 'user', this.limits);
    const now = BigInt(Math.floor(this.clock.now() / 1000));
    const judge: KeyPackageJudge = (bytes) => {
      let fit;
      try {
        fit = keyPackageFit(decodeKeyPackage(bytes), criteria, now);
      } catch {
        return 'discard'; // stored before publish checked the bytes: never handed out
      }
      // HT10: outside its lifetime a package is no key material at all (the draft's "MUST NOT provide expired");
      // an expired one never will be again, so the claim removes it.
      return fit === 'fits' ? 'take' : fit === 'expired' ? 'discard' : fit === 'notYetValid' ? 'unusable' : 'incompatible';
    };
    const { claimed, exhausted, incompatible } = await this.store.transaction((tx) => tx.claimKeyPackages(user, judge));
    const clients: ClaimedClient[] = [
      ...claimed.map((c): ClaimedClient => ({ clientStatus: 'success', clientUri: c.client, keyPackage: c.keyPackage })),
      ...exhausted.map((c): ClaimedClient => ({ clientStatus: 'keyMaterialExhausted', clientUri: c })),
      ...incompatible.map((c): ClaimedClient => ({ clientStatus: 'nothingCompatible', clientUri: c.client, clientCapabilities: decodeKeyPackage(c.keyPackage).leafNode.capabilities })),
    ].sort((a, b) => (a.clientUri < b.clientUri ? -1 : a.clientUri > b.clientUri ? 1 : 0));
    const userStatus =
      clients.length === 0 ? 'userUnknown' : claimed.length === clients.length ? 'success' : claimed.length === 0 ? 'noCompatibleMaterial' : 'partialSuccess';
    return { userStatus, userUri: user, clients: userStatus === 'userUnknown' ? [] : clients };
  }
}
