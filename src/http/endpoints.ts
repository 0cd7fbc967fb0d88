/**
 * Routing and the work of each endpoint (draft-ietf-mimi-protocol-06 "MIMI Endpoints and Framing"), for
 * {@link createMimiHandler}. Every check (Host, peer, From, body limit, media type, strict decoding, sender
 * domains) runs before the hub, follower or key store is called, so a refused request changes nothing.
 *
 * @module
 */
import type { UpdateResult } from '../delivery/hub.js';
import { domainOf } from '../delivery/validate.js';
import { MimiError } from '../errors.js';
import { DIRECTORY_ENDPOINTS } from '../protocol/directory.js';
import {
  DIRECTORY_PATH,
  decodeAbuseReport,
  decodeConsentEntry,
  decodeGroupInfoRequest,
  decodeIdentifierRequest,
  decodeKeyMaterialRequest,
  decodeSubmitMessageRequest,
  decodeUpdateRequest,
  encodeGroupInfoResponse,
  encodeIdentifierResponse,
  encodeKeyMaterialResponse,
  encodeSubmitMessageResponse,
  encodeUpdateRoomResponse,
  verifyGroupInfoRequest,
  verifyKeyMaterialRequest,
  type KeyMaterialRequest,
  type SubmitMessageResponse,
  type UpdateRoomResponse,
} from '../protocol/index.js';
import { readBounded } from './body.js';
import { LiteResponse, parsedUrlOf } from './fast.js';
import type { MimiHandlerOptions, MimiPeer } from './handlerTypes.js';
import { EXPIRES_HEADER, MediaType, decodeHistoryRequest, decodeSequencedNotify, decodeSequencedWelcome, encodeHistoryResponse } from './wire.js';

/** @internal The handler's resolved configuration. */
export interface Context {
  readonly options: MimiHandlerOptions;
  readonly domain: string;
  readonly basePath: string;
  readonly hosts: ReadonlySet<string>;
  readonly publicUrl: string;
  readonly maxBodyBytes: number;
}

/** @internal What the handler logs about a request, filled in while routing. */
export interface RouteLog {
  endpoint: string;
  target?: string;
  outcome?: string;
  /** What an `update` carried: a commit or proposals (metrics count them apart). */
  eventKind?: 'commit' | 'proposal';
}

/**
 * The endpoints served under the base path with their path variable: the draft's directory
 * (`DIRECTORY_ENDPOINTS`) plus mimi-kit's `history` (HT3).
 */
const VARIABLE: Readonly<Record<string, string>> = { ...DIRECTORY_ENDPOINTS, history: 'roomId' };

/** One header record per media type, shared by every answer of that type (they are never changed). */
const TYPED = new Map<string, Readonly<Record<string, string>>>();

function typed(contentType: string): Readonly<Record<string, string>> {
  let h = TYPED.get(contentType);
  if (h === undefined) TYPED.set(contentType, (h = Object.freeze({ 'content-type': contentType })));
  return h;
}

function bytes(body: Uint8Array, contentType: string = MediaType.body, status = 200): LiteResponse {
  return new LiteResponse(status, typed(contentType), body);
}

/** 201 without a body: notify, consent, reportAbuse. */
const CREATED = new LiteResponse(201, Object.freeze({}), null);

function forbidden(message: string): MimiError {
  return new MimiError('http/forbidden', message);
}

function need<T>(v: T | undefined, endpoint: string, code: 'http/not-found' | 'http/not-implemented' = 'http/not-found'): T {
  if (v === undefined) throw new MimiError(code, code === 'http/not-found' ? `this provider does not serve ${endpoint}` : `${endpoint} is not implemented by this provider`);
  return v;
}

/** The media type of a request, without parameters, lower case; '' when absent. */
function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function expectType(request: Request, type: string): void {
  const got = mediaType(request);
  if (got !== type) throw new MimiError('http/unsupported-media-type', `the body must be ${type}, not ${got || 'untyped'}`, { details: { expected: type } });
}

/** Draft "Transport layer": the Host names the target provider (its port is ignored). */
function checkHost(ctx: Context, url: URL): void {
  const h = url.hostname;
  // An IPv6 literal's brackets go (the regular expression only runs for one).
  const host = (h.charCodeAt(0) === 0x5b || h.charCodeAt(h.length - 1) === 0x5d ? h.replace(/^\[|\]$/g, '') : h).toLowerCase();
  if (!ctx.hosts.has(host)) throw new MimiError('http/misdirected', `this is ${ctx.domain}, not ${host}`);
}

/**
 * Draft "Transport layer": the TLS client certificate authenticates the source provider, and the From header
 * (`mimi@<domain>`), when sent, must name that same provider.
 */
function checkPeer(request: Request, peer: MimiPeer): string {
  if (peer.domain === undefined || peer.domain === '') throw new MimiError('http/unauthenticated', 'no client certificate authenticated a provider domain');
  const domain = peer.domain.toLowerCase();
  const from = request.headers.get('from');
  if (from !== null) {
    const m = /^\s*<?mimi@([^\s<>@]+)>?\s*$/i.exec(from);
    if (!m) throw new MimiError('delivery/bad-request', `From must be mimi@<domain>, not ${JSON.stringify(from.slice(0, 100))}`, { path: ['From'] });
    if (m[1]!.toLowerCase() !== domain) throw forbidden(`the request speaks for ${m[1]!.toLowerCase()} but the client certificate names ${domain}`);
  }
  return domain;
}

/** The sender field of a request must be at the authenticated provider (draft "Transport layer", RFC 6125). */
function sameDomain(uri: string, peer: string, field: string): void {
  const d = domainOf(uri);
  if (d !== peer) throw forbidden(`${field} ${JSON.stringify(uri.slice(0, 200))} is not at ${peer}, the authenticated provider`);
}

function directory(ctx: Context): LiteResponse {
  const o = ctx.options;
  const offered: string[] = [];
  if (o.keyMaterial) offered.push('keyMaterial');
  if (o.hub) offered.push('update', 'submitMessage', 'groupInfo', 'history');
  if (o.follower) offered.push('notify');
  if (o.consent) offered.push('requestConsent', 'updateConsent');
  if (o.identifierQuery) offered.push('identifierQuery');
  if (o.hub && o.reportAbuse) offered.push('reportAbuse');
  const doc: Record<string, string> = {};
  for (const name of offered) doc[name] = `${ctx.publicUrl}/${name}/{${VARIABLE[name]!}}`;
  return new LiteResponse(200, typed(MediaType.json), JSON.stringify(doc));
}

function parseUrl(href: string): URL {
  try {
    return new URL(href);
  } catch (e) {
    throw new MimiError('delivery/bad-request', 'the request URL is not absolute', { cause: e });
  }
}

/** @internal Routes one request; throws MimiErrors for the handler to answer. */
export async function route(ctx: Context, request: Request, peer: MimiPeer, log: RouteLog): Promise<LiteResponse> {
  const url = parsedUrlOf(request) ?? parseUrl(request.url);
  // URL getters build a new string per call: read the path once.
  const pathname = url.pathname;
  if (pathname === DIRECTORY_PATH) {
    log.endpoint = 'directory';
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new MimiError('http/method-not-allowed', 'the directory is read with GET', { details: { allow: 'GET, HEAD' } });
    checkHost(ctx, url);
    return directory(ctx);
  }
  const path = pathname.startsWith(`${ctx.basePath}/`) ? pathname.slice(ctx.basePath.length) : undefined;
  const m = path === undefined ? null : /^\/([A-Za-z]+)\/([^/]+)$/.exec(path);
  if (!m || !Object.hasOwn(VARIABLE, m[1]!)) throw new MimiError('http/not-found', `no endpoint at ${pathname.slice(0, 200)}`);
  const endpoint = m[1]!;
  log.endpoint = endpoint;
  let target: string;
  try {
    target = decodeURIComponent(m[2]!);
  } catch (e) {
    throw new MimiError('delivery/bad-request', 'the path parameter is not valid percent-encoded UTF-8', { cause: e });
  }
  log.target = target;
  if (request.method !== 'POST') throw new MimiError('http/method-not-allowed', `${endpoint} takes POST`, { details: { allow: 'POST' } });
  checkHost(ctx, url);
  const from = checkPeer(request, peer);
  const o = ctx.options;
  switch (endpoint) {
    case 'notify': {
      const follower = need(o.follower, endpoint);
      const welcome = mediaType(request) === MediaType.sequencedWelcome;
      if (!welcome) expectType(request, MediaType.sequencedNotify);
      // A room is hubbed by the provider its id names (draft "Update Room State": mimi://<hub>/r/<room>).
      const roomDomain = domainOf(target);
      if (roomDomain !== undefined && roomDomain !== from) throw forbidden(`${from} is not the hub of ${target}`);
      if (welcome) {
        // HT16: a commit's Welcome for this provider's joining clients.
        const w = decodeSequencedWelcome(await readBounded(request, ctx.maxBodyBytes, 'the welcome body'), { maxBodyBytes: ctx.maxBodyBytes });
        for (const c of w.clients) if (domainOf(c) !== ctx.domain) throw new MimiError('http/misdirected', `${c.slice(0, 200)} is not a client of ${ctx.domain}`);
        await follower.welcome(from, { hub: from, roomId: target, ...w });
        log.outcome = 'welcome';
        return CREATED;
      }
      const { txn, events, historySeconds } = decodeSequencedNotify(await readBounded(request, ctx.maxBodyBytes, 'the notify body'), { maxBodyBytes: ctx.maxBodyBytes });
      await follower.notify(from, { hub: from, roomId: target, txn, events, ...(historySeconds === undefined ? {} : { historySeconds }) });
      log.outcome = 'accepted';
      return CREATED;
    }
    case 'history': {
      const hub = need(o.hub, endpoint);
      expectType(request, MediaType.history);
      const { after, limit } = decodeHistoryRequest(await readBounded(request, 64, 'the history request'));
      const page = await hub.history({ requester: from, roomId: target, after, limit });
      log.outcome = page.complete ? 'complete' : 'partial';
      return bytes(encodeHistoryResponse(page), MediaType.history);
    }
    case 'submitMessage': {
      const hub = need(o.hub, endpoint);
      const expires = expiresHeader(request);
      const req = decodeSubmitMessageRequest(await readBounded(request, ctx.maxBodyBytes, 'the submitMessage body'), { maxBodyBytes: ctx.maxBodyBytes });
      sameDomain(req.sendingUri, from, 'sendingUri');
      const r = await hub.submitMessage(target, { message: req.appMessage.bytes, sendingUri: req.sendingUri, ...(expires === undefined ? {} : { expires }) });
      const res: SubmitMessageResponse =
        r.code === 'accepted'
          ? { statusCode: 'accepted', acceptedTimestamp: BigInt(r.acceptedTimestamp), ...(r.frank === undefined ? {} : { frank: r.frank }) }
          : r.code === 'epochTooOld'
            ? { statusCode: 'epochTooOld', currentEpoch: BigInt(r.currentEpoch) }
            : { statusCode: 'notAllowed' };
      log.outcome = r.code;
      return bytes(encodeSubmitMessageResponse(res));
    }
    case 'update':
      return update(ctx, request, target, from, log);
    case 'groupInfo': {
      const hub = need(o.hub, endpoint);
      const req = decodeGroupInfoRequest(await readBounded(request, ctx.maxBodyBytes, 'the groupInfo body'), { maxBodyBytes: ctx.maxBodyBytes });
      const refuse = (status: 'notAuthorized' | 'noSuchRoom'): LiteResponse => {
        log.outcome = status;
        return bytes(encodeGroupInfoResponse({ status, roomId: target }));
      };
      if (!verifies(() => verifyGroupInfoRequest(req))) return refuse('notAuthorized');
      let groupInfo: Uint8Array | undefined;
      try {
        groupInfo = await hub.groupInfo(target, from);
      } catch (e) {
        if (e instanceof MimiError && e.code === 'delivery/not-allowed') return refuse('notAuthorized');
        if (e instanceof MimiError && e.code === 'delivery/no-such-room') return refuse('noSuchRoom');
        throw e;
      }
      if (groupInfo === undefined) throw new MimiError('http/not-found', `no client gave a GroupInfo for ${target}`);
      const respond = need(o.groupInfo, endpoint, 'http/not-implemented');
      const res = await respond({ roomId: target, request: req, groupInfo, peer: from });
      log.outcome = res.status;
      return bytes(encodeGroupInfoResponse(res));
    }
    case 'keyMaterial':
      return keyMaterial(ctx, request, target, from, log);
    case 'requestConsent':
    case 'updateConsent': {
      const consent = need(o.consent, endpoint, 'http/not-implemented');
      const entry = decodeConsentEntry(await readBounded(request, ctx.maxBodyBytes, 'the consent body'), { maxBodyBytes: ctx.maxBodyBytes });
      // draft "Convey explicit consent": request/cancel go to the target's provider, grant/revoke to the requester's.
      const asking = endpoint === 'requestConsent';
      const ops = asking ? ['request', 'cancel'] : ['grant', 'revoke'];
      if (!ops.includes(entry.consentOperation)) throw new MimiError('delivery/bad-request', `${endpoint} takes ${ops.join(' or ')}, not ${entry.consentOperation}`, { path: ['consentOperation'] });
      sameDomain(asking ? entry.requesterUri : entry.targetUri, from, asking ? 'requesterUri' : 'targetUri');
      const local = asking ? entry.targetUri : entry.requesterUri;
      if (domainOf(local) !== ctx.domain) throw new MimiError('http/misdirected', `${local.slice(0, 200)} is not a user of ${ctx.domain}`);
      const outcome = await consent(entry, from);
      log.outcome = outcome;
      if (outcome === 'notFound') throw new MimiError('http/not-found', `${local.slice(0, 200)} is not known here`);
      return CREATED;
    }
    case 'identifierQuery': {
      const query = need(o.identifierQuery, endpoint, 'http/not-implemented');
      if (target.toLowerCase() !== ctx.domain) throw new MimiError('http/misdirected', `this is ${ctx.domain}, not ${target.slice(0, 200)}`);
      const req = decodeIdentifierRequest(await readBounded(request, ctx.maxBodyBytes, 'the identifierQuery body'), { maxBodyBytes: ctx.maxBodyBytes });
      const res = await query(req, from);
      log.outcome = res.responseCode;
      return bytes(encodeIdentifierResponse(res));
    }
    case 'reportAbuse': {
      const hub = need(o.hub, endpoint);
      const report = need(o.reportAbuse, endpoint, 'http/not-implemented');
      const body = decodeAbuseReport(await readBounded(request, ctx.maxBodyBytes, 'the reportAbuse body'), { maxBodyBytes: ctx.maxBodyBytes });
      if (body.reportingUser !== '') sameDomain(body.reportingUser, from, 'reportingUser');
      // draft "Report abuse": the hub validates each reported message's frank; a bad one refuses the report (400, HT19).
      await hub.checkAbuseReport(target, body.messages); // delivery/no-such-room → 404
      await report(target, body, from);
      log.outcome = 'accepted';
      return CREATED;
    }
    default:
      throw new MimiError('http/not-implemented', `${endpoint} is not implemented by this provider`);
  }
}

/**
 * HT14: the sender's declared expiry of a submitted message (ms since the UNIX epoch, decimal), in the
 * {@link EXPIRES_HEADER} header: SubmitMessageRequest has no field for it and the hub cannot read the content.
 */
function expiresHeader(request: Request): number | undefined {
  const v = request.headers.get(EXPIRES_HEADER);
  if (v === null) return undefined;
  const t = v.trim();
  if (!/^[0-9]{1,16}$/.test(t) || !Number.isSafeInteger(Number(t))) throw new MimiError('delivery/bad-request', `${EXPIRES_HEADER} must be ms since the UNIX epoch, not ${JSON.stringify(v.slice(0, 40))}`, { path: [EXPIRES_HEADER] });
  return Number(t);
}

function verifies(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

async function update(ctx: Context, request: Request, roomId: string, from: string, log: RouteLog): Promise<LiteResponse> {
  const hub = need(ctx.options.hub, 'update');
  const { bundle } = decodeUpdateRequest(await readBounded(request, ctx.maxBodyBytes, 'the update body'), { maxBodyBytes: ctx.maxBodyBytes });
  const answer = (res: UpdateRoomResponse): LiteResponse => {
    log.outcome = res.responseCode;
    return bytes(encodeUpdateRoomResponse(res));
  };
  const respond = (r: UpdateResult): LiteResponse => {
    switch (r.code) {
      case 'success':
        return answer({ responseCode: 'success', errorDescription: '', acceptedTimestamp: BigInt(r.acceptedTimestamp) });
      case 'wrongEpoch':
        return answer({ responseCode: 'wrongEpoch', errorDescription: r.description, currentEpoch: BigInt(r.currentEpoch) });
      case 'notAllowed':
        return answer({ responseCode: 'notAllowed', errorDescription: r.description });
      default:
        return answer({ responseCode: 'invalidProposal', errorDescription: r.description, invalidProposals: r.invalidProposals });
    }
  };
  log.eventKind = bundle.kind === 'proposal' ? 'proposal' : 'commit';
  if (bundle.kind === 'proposal') {
    // HT15: the hub holds the proposals for the epoch and fans them out; each proposer must be the peer's user.
    const proposals = [bundle.proposalOrCommit, ...bundle.moreProposals].map((m) => m.bytes);
    return respond(await hub.propose(roomId, { proposals, provider: from }));
  }
  const commit = bundle.proposalOrCommit.bytes;
  const snapshot = await hub.roomSnapshot(roomId);
  const checker = ctx.options.checker;
  if (checker) {
    const verdict = await checker.checkCommit(snapshot, commit);
    if (verdict.ok) sameDomain(verdict.committer, from, 'the committer');
  } else if (!snapshot.members.some((m) => domainOf(m) === from)) {
    return answer({ responseCode: 'notAllowed', errorDescription: `${from} has no active participant in the room` });
  }
  // The bundle's Welcome is bare (Protocol PR6); the hub keeps and routes it as an MLSMessage (HT16).
  const welcome = bundle.welcome === undefined ? {} : { welcome: wrapWelcome(bundle.welcome) };
  return respond(await hub.update(roomId, { commit, groupInfo: bundle.groupInfoOption.groupInfo, ...welcome }));
}

/** RFC 9420 §6: MLSMessage { version mls10 (1), wire_format mls_welcome (3), Welcome }. */
function wrapWelcome(bare: Uint8Array): Uint8Array {
  const out = new Uint8Array(bare.length + 4);
  out.set([0, 1, 0, 3]);
  out.set(bare, 4);
  return out;
}

function signed(req: KeyMaterialRequest): boolean {
  // The draft does not say which suite signs the request: any of the acceptable ones will do.
  return req.acceptableCiphersuites.some((suite) => verifies(() => verifyKeyMaterialRequest(req, suite)));
}

async function keyMaterial(ctx: Context, request: Request, target: string, from: string, log: RouteLog): Promise<LiteResponse> {
  const store = need(ctx.options.keyMaterial, 'keyMaterial');
  const req = decodeKeyMaterialRequest(await readBounded(request, ctx.maxBodyBytes, 'the keyMaterial body'), { maxBodyBytes: ctx.maxBodyBytes });
  if (req.targetUser !== target) throw new MimiError('delivery/bad-request', 'the path and the body name different target users', { path: ['targetUser'] });
  sameDomain(req.requestingUser, from, 'requestingUser');
  if (!signed(req)) throw forbidden('key_material_request_signature does not verify with requesterSignatureKey');
  if (domainOf(req.targetUser) !== ctx.domain) {
    log.outcome = 'userUnknown';
    return bytes(encodeKeyMaterialResponse({ userStatus: 'userUnknown', userUri: req.targetUser, clients: [] }));
  }
  // HT10: per client the oldest KeyPackage of an acceptable suite whose leaf supports requiredCapabilities.
  const claim = await store.claim(req.targetUser, { acceptableCiphersuites: req.acceptableCiphersuites, requiredCapabilities: req.requiredCapabilities });
  log.outcome = claim.userStatus;
  return bytes(encodeKeyMaterialResponse({ userStatus: claim.userStatus, userUri: claim.userUri, clients: claim.clients }));
}
