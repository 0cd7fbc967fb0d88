/**
 * An in-page hub: the stand-in for `mimi serve` until the MIMI protocol over HTTP exists. It keeps the
 * room state (mimi-kit/room), orders messages and stamps them (draft-ietf-mimi-protocol §3: the hub
 * is the single point of ordering), and fans them out to every connected client.
 *
 * Like a real hub in an MLS room, it never reads the content: receivers decode and check it.
 *
 * @module
 */
import { authorize, throwRefusal, type RoomState } from 'mimi-kit/room';
import type { DeliveredMessage, JoinResult, Transport, TransportEvent } from './transport.js';

/** Largest message the hub relays, in octets (the content codec has its own, finer limits). */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * The in-page hub: one room, any number of connected clients.
 *
 * @example
 * ```ts
 * const hub = new InPageHub(createRoom({ preset: 'cooperative', creator: alice, roomUri }));
 * const transport = hub.connect(alice);
 * await transport.join(roomUri);
 * ```
 */
export class InPageHub {
  #state: RoomState;
  readonly #log: DeliveredMessage[] = [];
  readonly #listeners = new Set<(event: TransportEvent) => void>();
  #lastTimestamp = 0;

  constructor(state: RoomState) {
    this.#state = state;
  }

  /** The current room state. */
  get state(): RoomState {
    return this.#state;
  }

  /**
   * A transport for one user (the in-page equivalent of an authenticated HTTP session).
   *
   * @param user - the user URI the transport speaks for
   * @returns the transport
   * @example
   * ```ts
   * const bob = hub.connect('mimi://example.com/u/bob');
   * ```
   */
  connect(user: string): Transport {
    const hub = this;
    let joined = false;
    return {
      user,
      join(roomUri: string): Promise<JoinResult> {
        if (roomUri !== hub.#state.metadata?.roomUri) return Promise.reject(new Error(`no room ${roomUri} on this hub`));
        const allowed = authorize(hub.#state, user, { type: 'message', action: 'receive' });
        if (!allowed.allowed) return Promise.reject(toError(allowed));
        joined = true;
        return Promise.resolve({ state: hub.#state, backlog: [...hub.#log] });
      },
      send(bytes: Uint8Array): Promise<{ readonly hubTimestamp: number }> {
        if (!joined) return Promise.reject(new Error('join the room before sending'));
        if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > MAX_MESSAGE_BYTES) {
          return Promise.reject(new Error(`a message is 1 to ${MAX_MESSAGE_BYTES} octets`));
        }
        // draft-ietf-mimi-room-policy §5: the hub enforces canSendMessage; the finer message
        // capabilities (reply, react, edit) need the content, so receivers check them.
        const allowed = authorize(hub.#state, user, { type: 'message', action: 'send' });
        if (!allowed.allowed) return Promise.reject(toError(allowed));
        const hubTimestamp = Math.max(Date.now(), hub.#lastTimestamp + 1);
        hub.#lastTimestamp = hubTimestamp;
        const delivered: DeliveredMessage = { type: 'message', sender: user, hubTimestamp, bytes: bytes.slice() };
        hub.#log.push(delivered);
        // Delivered after the send resolves, as over a network.
        setTimeout(() => {
          for (const l of hub.#listeners) l(delivered);
        }, 0);
        return Promise.resolve({ hubTimestamp });
      },
      onEvent(listener: (event: TransportEvent) => void): () => void {
        const wrapped = (e: TransportEvent): void => {
          if (joined) listener(e);
        };
        hub.#listeners.add(wrapped);
        return () => {
          hub.#listeners.delete(wrapped);
        };
      },
    };
  }
}

/** A refusal of the room engine as the `MimiError` (code `room/*`) it stands for. */
function toError(refusal: Parameters<typeof throwRefusal>[0]): unknown {
  try {
    return throwRefusal(refusal);
  } catch (e) {
    return e;
  }
}
