/**
 * The seam between the client and whatever carries its messages: today the in-page hub of
 * `inPageHub.ts`, later the HTTP client of the MIMI protocol (draft-ietf-mimi-protocol §5).
 * Everything above this interface deals in encoded MIMI content, never in the way it travels.
 *
 * @module
 */
import type { RoomState } from 'mimi-kit/room';

/**
 * One message as the hub delivers it: the exact bytes plus what the hub vouches for. The sender
 * comes from the transport's authentication (an MLS credential in a real room), not from the content
 * (draft-ietf-mimi-content §3.7 "Derived Data Values").
 */
export interface DeliveredMessage {
  readonly type: 'message';
  /** User URI of the authenticated sender. */
  readonly sender: string;
  /** Hub accepted timestamp, ms since the epoch. */
  readonly hubTimestamp: number;
  /** The encoded MIMI content, exactly as sent (the message ID is computed on these bytes). */
  readonly bytes: Uint8Array;
}

/** The room state changed (a participant joined, left, changed role). */
export interface RoomUpdate {
  readonly type: 'room';
  readonly state: RoomState;
}

/** What a transport reports. */
export type TransportEvent = DeliveredMessage | RoomUpdate;

/** The result of {@link Transport.join}. */
export interface JoinResult {
  readonly state: RoomState;
  /** Messages sent before this client joined, in hub order. */
  readonly backlog: readonly DeliveredMessage[];
}

/**
 * What the client needs from a transport. Implementations: `InPageHub.connect` (in this folder); the
 * HTTP client of the protocol issue will be a second one with the same three calls.
 *
 * @example
 * ```ts
 * const transport: Transport = hub.connect('mimi://example.com/u/alice');
 * const { state, backlog } = await transport.join('mimi://example.com/r/engineering');
 * const stop = transport.onEvent((e) => { if (e.type === 'message') console.log(e.sender); });
 * await transport.send(encodeContent(markdown('hi', { senderUri, roomUri })));
 * stop();
 * ```
 */
export interface Transport {
  /** The authenticated user this transport speaks for. */
  readonly user: string;
  /** Joins the room: its current state and the history this user may read. */
  join(roomUri: string): Promise<JoinResult>;
  /**
   * Sends encoded content to the room. Resolves with the hub timestamp once the hub accepted it;
   * rejects with a `MimiError` (e.g. `room/missing-capability`) when the hub refuses it. The message is
   * also delivered back to this client through {@link Transport.onEvent}, like to everyone else.
   */
  send(bytes: Uint8Array): Promise<{ readonly hubTimestamp: number }>;
  /** Subscribes to deliveries; returns the function that unsubscribes. */
  onEvent(listener: (event: TransportEvent) => void): () => void;
}
