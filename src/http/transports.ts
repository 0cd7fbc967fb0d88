/**
 * The delivery layer's transports over HTTPS: the hub's {@link FollowerTransport} (notify) and the follower's
 * {@link HubTransport} (history), on a {@link MimiHttpClient}. A provider that is both hub and follower of a
 * room (DL4: the hub's own domain follows its rooms) calls itself directly instead of over the network.
 *
 * @module
 */
import type { Follower } from '../delivery/follower.js';
import type { Hub } from '../delivery/hub.js';
import type { FollowerTransport, HistoryPage, HistoryRequest, HubTransport, NotifyRequest, WelcomeRequest } from '../delivery/types.js';
import type { MimiHttpClient } from './client.js';

/**
 * The hub's fanout transport: `notify` is `POST /notify/{roomId}` to the follower (resolves on 201, rejects
 * otherwise, so the hub retries: DL3); `welcome` the same path with a SequencedWelcome (HT16).
 *
 * @param client - the HTTP client (its domain is the hub's)
 * @param options - `local`: this provider's own follower, reached without HTTP
 * @returns the transport
 * @example
 * ```ts
 * import { MimiHttpClient, httpFollowerTransport } from 'mimi-kit/http';
 * const hub = new Hub({ domain: 'a.example', store, clock: Date, checker, transport: httpFollowerTransport(client, { local: follower }) });
 * ```
 */
export function httpFollowerTransport(client: MimiHttpClient, options: { readonly local?: Follower } = {}): FollowerTransport {
  return {
    notify(follower: string, request: NotifyRequest): Promise<void> {
      if (options.local && follower === client.domain) return options.local.notify(request.hub, request);
      return client.notify(follower, request);
    },
    welcome(follower: string, request: WelcomeRequest): Promise<void> {
      if (options.local && follower === client.domain) return options.local.welcome(request.hub, request);
      return client.welcome(follower, request);
    },
  };
}

/**
 * The follower's history transport: `history` is `POST /history/{roomId}` to the room's hub.
 *
 * @param client - the HTTP client (its domain is the follower's)
 * @param options - `local`: this provider's own hub, reached without HTTP
 * @returns the transport
 * @example
 * ```ts
 * import { MimiHttpClient, httpHubTransport } from 'mimi-kit/http';
 * const follower = new Follower({ domain: 'b.example', store, clock: Date, hubs: httpHubTransport(client) });
 * ```
 */
export function httpHubTransport(client: MimiHttpClient, options: { readonly local?: Hub } = {}): HubTransport {
  return {
    history(hub: string, request: HistoryRequest): Promise<HistoryPage> {
      if (options.local && hub === client.domain) return options.local.history(request);
      return client.history(hub, request);
    },
  };
}
