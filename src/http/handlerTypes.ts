/**
 * The types of the MIMI handler (`createMimiHandler` in handler.ts): its options, the authenticated peer and
 * the per-request log entry. Apart, so that the endpoints take them without importing the handler back.
 *
 * @module
 */
import type { Follower } from '../delivery/follower.js';
import type { Hub } from '../delivery/hub.js';
import type { KeyMaterialStore } from '../delivery/keyMaterial.js';
import type { UpdateChecker } from '../delivery/checker.js';
import type { AbuseReport, ConsentEntry, GroupInfoRequest, GroupInfoResponse, IdentifierRequest, IdentifierResponse } from '../protocol/index.js';
import type { DEFAULT_MAX_REQUEST_BYTES } from './body.js';

/** The authenticated peer of a request, as the server established it. */
export interface MimiPeer {
  /**
   * The peer provider's domain, from its TLS client certificate (subjectAltName dNSName); undefined when the
   * peer is not authenticated (then only the directory is served).
   */
  readonly domain?: string;
}

/** A MIMI request handler: web-standard `Request` in, `Response` out; never throws. */
export type MimiHandler = (request: Request, peer: MimiPeer) => Promise<Response>;

/** Who is asked for consent, and what they answered (draft "Convey explicit consent"). */
export type ConsentOutcome = 'accepted' | 'notFound';

/** One handled request, for logs and metrics. */
export interface MimiRequestLog {
  /** HTTP method. */
  readonly method: string;
  /** The endpoint name (`submitMessage`, `notify`, `directory`, …) or `unknown`. */
  readonly endpoint: string;
  /** The path parameter (room id, user URI, domain), decoded, when there is one. */
  readonly target?: string;
  /** The authenticated peer domain. */
  readonly peer?: string;
  /** HTTP status answered. */
  readonly status: number;
  /** The MimiError code of a refusal, or the draft's response code (`accepted`, `wrongEpoch`, …). */
  readonly outcome?: string;
  /** Handling time in ms. */
  readonly ms: number;
  /** For `update`: whether it carried a commit or standalone proposals (HT15). */
  readonly eventKind?: 'commit' | 'proposal';
}

/** Options of {@link createMimiHandler}. */
export interface MimiHandlerOptions {
  /** This provider's domain: the Host a request must name (draft "Transport layer"). */
  readonly domain: string;
  /** Serves the hub endpoints (update, submitMessage, groupInfo, history, reportAbuse) for the rooms it holds. */
  readonly hub?: Hub;
  /** Serves notify (this provider follows rooms hubbed elsewhere, or its own hub's rooms). */
  readonly follower?: Follower;
  /** Serves keyMaterial for this provider's users. */
  readonly keyMaterial?: KeyMaterialStore;
  /**
   * The hub's commit checker. When given, an update whose committer is at another domain than the peer is
   * refused (403); without it, only a member provider of the room may send an update.
   */
  readonly checker?: UpdateChecker;
  /** Other Host names accepted as this provider (e.g. `['127.0.0.1', 'localhost']` on loopback). */
  readonly hostAliases?: readonly string[];
  /** Path prefix of every endpoint (default `''`: the draft's paths, `/notify/{roomId}`, …). */
  readonly basePath?: string;
  /** Base URL the directory advertises (default `https://<domain><basePath>`). */
  readonly publicUrl?: string;
  /** Largest request body, bytes (default {@link DEFAULT_MAX_REQUEST_BYTES}). */
  readonly maxBodyBytes?: number;
  /**
   * Builds a successful GroupInfoResponse (HPKE-encrypts GroupInfoRatchetTreeTBE to the requester and signs
   * as the hub's external sender: crypto the handler does not hold). Called after the request's signature
   * verified and the hub agreed to serve the room's GroupInfo; without it, groupInfo answers 501.
   */
  readonly groupInfo?: (input: { roomId: string; request: GroupInfoRequest; groupInfo: Uint8Array; peer: string }) => Promise<GroupInfoResponse>;
  /** requestConsent / updateConsent; without it, 501. */
  readonly consent?: (entry: ConsentEntry, peer: string) => Promise<ConsentOutcome>;
  /** identifierQuery; without it, 501. */
  readonly identifierQuery?: (request: IdentifierRequest, peer: string) => Promise<IdentifierResponse>;
  /** reportAbuse (for a room this hub holds); without it, 501. */
  readonly reportAbuse?: (roomId: string, report: AbuseReport, peer: string) => Promise<void>;
  /** Called once per request after it is answered (never for the answer's body). */
  readonly onRequest?: (log: MimiRequestLog) => void;
  /** Called with failures that are not MimiErrors (answered 500). */
  readonly onError?: (error: unknown) => void;
}
