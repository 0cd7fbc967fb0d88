/**
 * Key material a provider publishes for its users (draft-ietf-mimi-protocol-06 §5.2, `keyMaterial`): clients
 * upload KeyPackages, a claim takes one per client, and key material given in one response is never given in
 * another. Capability matching and the signed request are the protocol layer's; this keeps the packages.
 *
 * @module
 */
import type { DeliveryStore } from './store/types.js';
import { DEFAULT_DELIVERY_LIMITS, type DeliveryLimits } from './types.js';
import { checkBytes, checkId } from './validate.js';

/** One client's part of a claim (draft §5.2 ClientKeyMaterial). */
export type ClaimedClient =
  | { readonly clientStatus: 'success'; readonly clientUri: string; readonly keyPackage: Uint8Array }
  | { readonly clientStatus: 'keyMaterialExhausted'; readonly clientUri: string };

/** The answer to a claim (draft §5.2 KeyMaterialResponse, user codes this layer can decide). */
export interface KeyMaterialClaim {
  /**
   * `success`: every client gave one; `partialSuccess`: some did; `noCompatibleMaterial`: every client is
   * exhausted (DL7); `userUnknown`: no client of the user ever published.
   */
  readonly userStatus: 'success' | 'partialSuccess' | 'noCompatibleMaterial' | 'userUnknown';
  /** The user. */
  readonly userUri: string;
  /** One entry per client (empty for `userUnknown`). */
  readonly clients: readonly ClaimedClient[];
}

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
   */
  constructor(
    private readonly store: DeliveryStore,
    limits: Partial<DeliveryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_DELIVERY_LIMITS, ...limits };
  }

  /**
   * Adds a KeyPackage for a user's client (stored as given).
   * @param user - user URI
   * @param client - client URI
   * @param keyPackage - KeyPackage bytes
   * @throws {@link MimiError} `delivery/bad-request`
   * @example
   * ```ts
   * await keys.publish(user, client, keyPackage);
   * ```
   */
  async publish(user: string, client: string, keyPackage: Uint8Array): Promise<void> {
    checkId(user, 'user', this.limits);
    checkId(client, 'client', this.limits);
    checkBytes(keyPackage, 'keyPackage', this.limits);
    await this.store.transaction((tx) => tx.addKeyPackage(user, { client, keyPackage }));
  }

  /**
   * Claims one KeyPackage per client of the user; the claimed ones are removed.
   * @param user - user URI
   * @returns the draft's response fields
   * @throws {@link MimiError} `delivery/bad-request`
   * @example
   * ```ts
   * const { userStatus, clients } = await keys.claim(user);
   * ```
   */
  async claim(user: string): Promise<KeyMaterialClaim> {
    checkId(user, 'user', this.limits);
    const { claimed, exhausted } = await this.store.transaction((tx) => tx.claimKeyPackages(user));
    const clients: ClaimedClient[] = [
      ...claimed.map((c): ClaimedClient => ({ clientStatus: 'success', clientUri: c.client, keyPackage: c.keyPackage })),
      ...exhausted.map((c): ClaimedClient => ({ clientStatus: 'keyMaterialExhausted', clientUri: c })),
    ].sort((a, b) => (a.clientUri < b.clientUri ? -1 : a.clientUri > b.clientUri ? 1 : 0));
    const userStatus =
      clients.length === 0 ? 'userUnknown' : exhausted.length === 0 ? 'success' : claimed.length === 0 ? 'noCompatibleMaterial' : 'partialSuccess';
    return { userStatus, userUri: user, clients: userStatus === 'userUnknown' ? [] : clients };
  }
}
