/**
 * The vocabulary of the delivery layer: the room's log events, the requests a hub and a follower exchange
 * (draft-ietf-mimi-protocol-06 §5.6 notify, plus the sequence and transaction extension of docs/decisions.md
 * "Delivery"), and the injected clock and transports. Plain types, no I/O.
 *
 * @module
 */
import type { Frank } from '../protocol/franking.js';

/** The time source, in milliseconds since the UNIX epoch (the draft's `accepted_timestamp` unit). */
export interface Clock {
  /** Current time in ms. */
  now(): number;
}

/**
 * Kinds of events in a room's log (draft-ietf-mimi-protocol-06 §5.6: the hub fans out accepted handshake and
 * application messages).
 *
 * @example
 * ```ts
 * import { EventKind } from 'mimi-kit/delivery';
 * EventKind.commit; // 'commit'
 * ```
 */
export const EventKind = {
  /** An accepted commit (the `update` endpoint). */
  commit: 'commit',
  /** An accepted application message (the `submitMessage` endpoint). */
  message: 'message',
  /**
   * An accepted standalone proposal (the `update` endpoint's proposal case, draft-ietf-mimi-protocol-06 §5.3),
   * fanned out so that every member holds it when a later commit cites it by reference (RFC 9420 §12.4).
   */
  proposal: 'proposal',
  /**
   * A tombstone: an event whose content was erased (the sender's erasure, or its `expires` passed). It keeps
   * its `seq` and `hubTime` so the log stays gapless; `sender` is empty and `message` has no bytes (DL12).
   */
  erased: 'erased',
} as const;
/** A value of {@link EventKind}. */
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/**
 * One accepted event of a room's log, as the hub stamped it. `seq` is the per-room sequence number (1, 2, 3, …
 * without gaps: the extension of docs/decisions.md "Delivery" DL1); `hubTime` the hub acceptance time.
 */
export interface LogEvent {
  /** Per-room sequence number, from 1, without gaps. */
  readonly seq: number;
  /** Hub acceptance time, ms since the UNIX epoch (FanoutMessage.timestamp). */
  readonly hubTime: number;
  /** What was accepted. */
  readonly kind: EventKind;
  /** The submitting user (SubmitMessageRequest.sendingUri), the committer or the proposer. */
  readonly sender: string;
  /** The MLSMessage bytes exactly as accepted (FanoutMessage.message). */
  readonly message: Uint8Array;
  /**
   * When the message expires, ms since the UNIX epoch (the content's `expires`, draft-ietf-mimi-content §4.2,
   * as the sender declared it in the clear: the hub cannot read the PrivateMessage). Every store turns an
   * expired event into a tombstone at its next sweep (DL11).
   */
  readonly expires?: number;
  /**
   * The hub's frank of an application message whose authenticated_data carried a `frank_aad` item
   * (draft-ietf-mimi-protocol-06 "Hub processing"; FanoutMessage.frank; HT19). Never on other kinds or tombstones.
   */
  readonly frank?: Frank;
}

/**
 * What the hub keeps of a room's state, as an {@link UpdateChecker} produced it. `state` is opaque to the hub;
 * `members` and `historySeconds` are what the hub needs from it (who may send, whom to fan out to, how much
 * history a new follower may fetch).
 */
export interface RoomSnapshot {
  /** Current MLS epoch of the room's group. */
  readonly epoch: number;
  /** The room state, encoded by the checker (for the policy checker: the app_data_dictionary bytes). */
  readonly state: Uint8Array;
  /** User URIs of the active participants (`mimi://<domain>/u/...`): who may submit, whose providers follow. */
  readonly members: readonly string[];
  /**
   * History a follower may fetch from before it joined, in seconds (room-policy §5.10 max_time_period;
   * 0 when history sharing is forbidden or the component is absent).
   */
  readonly historySeconds: number;
}

/**
 * One hub-to-follower fanout transaction: a run of consecutive events of one room
 * (draft-ietf-mimi-protocol-06 §5.6 allows several FanoutMessages per notify; the transaction id is the
 * explicit id the draft's NOTE proposes: DL2).
 */
export interface NotifyRequest {
  /** The hub's provider domain. */
  readonly hub: string;
  /** The room. */
  readonly roomId: string;
  /** Idempotency key: the same id always carries the same events. */
  readonly txn: string;
  /** Consecutive events, ascending `seq`. */
  readonly events: readonly LogEvent[];
  /**
   * The room's history window (room-policy §5.10 max_time_period, 0 when sharing is forbidden) as the hub
   * holds it: how much scrollback a client that joins at the follower may see (DL11). Absent counts as 0.
   */
  readonly historySeconds?: number;
}

/** A history request: the events after `after`, at most `limit` of them. */
export interface HistoryRequest {
  /** The requesting provider's domain (authenticated by the transport). */
  readonly requester: string;
  /** The room. */
  readonly roomId: string;
  /** Return events with `seq > after`. */
  readonly after: number;
  /** At most this many events (1 … {@link DeliveryLimits.maxHistoryPage}). */
  readonly limit: number;
}

/** The answer to a {@link HistoryRequest}. */
export interface HistoryPage {
  /** Consecutive events, ascending `seq`, all `> after` and `>= firstAvailable`. */
  readonly events: readonly LogEvent[];
  /** True when no event after the last returned one exists yet (XMPP MAM's `complete`). */
  readonly complete: boolean;
  /**
   * The lowest sequence number the requester may see under the room's history policy; events below it are
   * withheld (DL5). 1 when nothing is withheld.
   */
  readonly firstAvailable: number;
}

/**
 * A commit's Welcome routed to one provider of joining clients (draft-ietf-mimi-protocol-06 §5.6: the hub sends
 * the Welcome to the providers of the new members; docs/decisions.md HT16). Not part of the room's log: it is
 * for the joiners only.
 */
export interface WelcomeRequest {
  /** The hub's provider domain. */
  readonly hub: string;
  /** The room. */
  readonly roomId: string;
  /** Sequence number of the commit that adds the clients: they read the room from the event after it. */
  readonly seq: number;
  /** Hub acceptance time of that commit. */
  readonly hubTime: number;
  /**
   * The joining clients at the receiving provider (client URIs from their leaf credentials). Empty when the
   * hub's checker does not name them: any client of the provider may take it.
   */
  readonly clients: readonly string[];
  /** The Welcome as an MLSMessage (RFC 9420 §12.4.3.1, wire format mls_welcome). */
  readonly welcome: Uint8Array;
}

/** How the hub reaches followers (the `notify` endpoint). Resolving means HTTP 201; rejecting, a retry. */
export interface FollowerTransport {
  /**
   * Delivers one fanout transaction to `follower`.
   * @param follower - the follower provider's domain
   * @param request - the transaction
   */
  notify(follower: string, request: NotifyRequest): Promise<void>;
  /**
   * Delivers a Welcome to a provider of joining clients (HT16); retried like a notify until it resolves.
   * Optional: a hub whose transport has none does not route Welcomes (the committer hands them out itself).
   * @param follower - the provider's domain
   * @param request - the Welcome and its recipients
   */
  welcome?(follower: string, request: WelcomeRequest): Promise<void>;
}

/** How a follower reaches a room's hub for history (fetching what is missing). */
export interface HubTransport {
  /**
   * Asks `hub` for a page of history.
   * @param hub - the hub provider's domain
   * @param request - the page wanted
   */
  history(hub: string, request: HistoryRequest): Promise<HistoryPage>;
}

/** Bounds on input the delivery layer accepts (a request beyond one is `delivery/bad-request`). */
export interface DeliveryLimits {
  /** Longest room id, user URI, client id or domain, in UTF-16 units (default 2048). */
  readonly maxIdLength: number;
  /** Largest MLSMessage, key package or group info, in bytes (default 1 MiB). */
  readonly maxMessageBytes: number;
  /** Most events in one notify transaction (default 256). */
  readonly maxNotifyEvents: number;
  /** Largest history page (default 1000). */
  readonly maxHistoryPage: number;
}

/**
 * The default {@link DeliveryLimits}.
 *
 * @example
 * ```ts
 * import { DEFAULT_DELIVERY_LIMITS } from 'mimi-kit/delivery';
 * DEFAULT_DELIVERY_LIMITS.maxHistoryPage; // 1000
 * ```
 */
export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = Object.freeze({
  maxIdLength: 2048,
  maxMessageBytes: 1 << 20,
  maxNotifyEvents: 256,
  maxHistoryPage: 1000,
});
