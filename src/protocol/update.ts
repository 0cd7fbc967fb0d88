/**
 * `POST /update/{roomId}` (draft-ietf-mimi-protocol-06 "Update Room State"): UpdateRequest / HandshakeBundle,
 * GroupInfoOption, and UpdateRoomResponse with its codes.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { checkU64, decodeBody, encodeBody, readEnum8, writeEnum8, type ProtocolDecodeOptions } from './common.js';
import { readGroupInfo, readMlsMessageOf, readWelcome, writeEmbedded, writeMlsMessage, type MlsMessageBytes } from './mlsStructures.js';
import { readRatchetTreeOption, writeRatchetTreeOption, type RatchetTreeOption } from './ratchetTreeOption.js';

/**
 * GroupInfoRepresentation.
 *
 * @example
 * ```ts
 * import { GroupInfoRepresentation } from 'mimi-kit/protocol';
 * GroupInfoRepresentation.full; // 1
 * ```
 */
export const GroupInfoRepresentation = { reserved: 0, full: 1, partial: 2 } as const;

/** GroupInfoOption: only `full` (PartialGroupInfo is undefined in every draft: Protocol PR4). */
export interface GroupInfoOption {
  readonly representation: 'full';
  /** A bare RFC 9420 GroupInfo, without the ratchet_tree extension. */
  readonly groupInfo: Uint8Array;
}

/** HandshakeBundle: a commit with what joiners and the hub need, or proposals. */
export type HandshakeBundle =
  | {
      readonly kind: 'commit';
      /** A PublicMessage carrying a commit. */
      readonly proposalOrCommit: MlsMessageBytes;
      /** A bare RFC 9420 Welcome (not wrapped in an MLSMessage: Protocol PR6). */
      readonly welcome?: Uint8Array;
      readonly groupInfoOption: GroupInfoOption;
      readonly ratchetTreeOption: RatchetTreeOption;
    }
  | {
      readonly kind: 'proposal';
      /** A PublicMessage carrying a proposal. */
      readonly proposalOrCommit: MlsMessageBytes;
      /** More PublicMessage proposals. */
      readonly moreProposals: readonly MlsMessageBytes[];
    };

/** UpdateRequest (mls10): the struct is `select (room.protocol) { case mls10: HandshakeBundle }`, no field of its own. */
export interface UpdateRequest {
  readonly bundle: HandshakeBundle;
}

function readProposalMessage(r: TlsReader, field: string): MlsMessageBytes {
  const at = r.offset;
  const m = readMlsMessageOf(r, ['mlsPublicMessage'], field);
  if (m.contentType !== 'proposal') throw unexpectedContent(field, m, at);
  return m;
}

function unexpectedContent(field: string, m: MlsMessageBytes, offset: number): MimiError {
  return new MimiError('protocol/unexpected-content-type', `${field}: a ${m.contentType ?? 'non-framed'} message is not allowed here`, {
    path: [field],
    details: { offset, contentType: m.contentType },
  });
}

/** Reads a HandshakeBundle. */
export function readHandshakeBundle(r: TlsReader): HandshakeBundle {
  const at = r.offset;
  // -06: "A Proposal or Commit which is either a PublicMessage or a SemiPrivateMessage"; SemiPrivateMessage
  // has no wire format number yet, so only PublicMessage is readable.
  const proposalOrCommit = readMlsMessageOf(r, ['mlsPublicMessage'], 'proposalOrCommit');
  if (proposalOrCommit.contentType === 'commit') {
    const welcome = r.optional(readWelcome);
    const repAt = r.offset;
    const rep = r.uint8();
    if (rep === GroupInfoRepresentation.partial) {
      throw new MimiError('protocol/unsupported-representation', 'GroupInfoOption partial: PartialGroupInfo is not defined by any draft', { details: { offset: repAt } });
    }
    if (rep !== GroupInfoRepresentation.full) throw new MimiError('protocol/bad-enum', `GroupInfoRepresentation ${rep}`, { path: ['groupInfoOption'], details: { offset: repAt, value: rep } });
    const groupInfo = readGroupInfo(r);
    const ratchetTreeOption = readRatchetTreeOption(r);
    const base = { kind: 'commit' as const, proposalOrCommit, groupInfoOption: { representation: 'full' as const, groupInfo }, ratchetTreeOption };
    return welcome === undefined ? base : { ...base, welcome };
  }
  if (proposalOrCommit.contentType === 'proposal') {
    return { kind: 'proposal', proposalOrCommit, moreProposals: r.vector((x) => readProposalMessage(x, 'moreProposals')) };
  }
  throw unexpectedContent('proposalOrCommit', proposalOrCommit, at);
}

/** Writes a HandshakeBundle (checking every embedded MLS structure). */
export function writeHandshakeBundle(w: TlsWriter, b: HandshakeBundle): void {
  writeMlsMessage(w, b.proposalOrCommit, ['mlsPublicMessage'], 'proposalOrCommit');
  if (b.proposalOrCommit.contentType !== b.kind) {
    throw new MimiError('protocol/unexpected-content-type', `proposalOrCommit carries a ${b.proposalOrCommit.contentType ?? '?'}, the bundle is a ${b.kind}`, { path: ['proposalOrCommit'] });
  }
  if (b.kind === 'commit') {
    w.optional(b.welcome, (x, wel) => writeEmbedded(x, wel, 'welcome', readWelcome));
    if (b.groupInfoOption.representation !== 'full') {
      throw new MimiError('protocol/unsupported-representation', 'only a full GroupInfoOption can be encoded', { path: ['groupInfoOption'] });
    }
    w.uint8(GroupInfoRepresentation.full);
    writeEmbedded(w, b.groupInfoOption.groupInfo, 'groupInfo', readGroupInfo);
    writeRatchetTreeOption(w, b.ratchetTreeOption);
  } else {
    w.vector(b.moreProposals, (x, p) => {
      writeMlsMessage(x, p, ['mlsPublicMessage'], 'moreProposals');
      if (p.contentType !== 'proposal') throw new MimiError('protocol/unexpected-content-type', 'moreProposals holds only proposals', { path: ['moreProposals'] });
    });
  }
}

/**
 * Encodes an UpdateRequest.
 *
 * @param req - the request
 * @returns the body
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { encodeUpdateRequest, parseMlsMessage } from 'mimi-kit/protocol';
 * encodeUpdateRequest({ bundle: { kind: 'proposal', proposalOrCommit: parseMlsMessage(proposal), moreProposals: [] } });
 * ```
 */
export function encodeUpdateRequest(req: UpdateRequest): Uint8Array {
  return encodeBody('UpdateRequest', (w) => writeHandshakeBundle(w, req.bundle));
}

/**
 * Decodes an UpdateRequest, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the request
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeUpdateRequest } from 'mimi-kit/protocol';
 * decodeUpdateRequest(body).bundle.kind; // 'commit'
 * ```
 */
export function decodeUpdateRequest(bytes: Uint8Array, options?: ProtocolDecodeOptions): UpdateRequest {
  return decodeBody(bytes, 'UpdateRequest', (r) => ({ bundle: readHandshakeBundle(r) }), options);
}

/**
 * UpdateResponseCode.
 *
 * @example
 * ```ts
 * import { UpdateResponseCode } from 'mimi-kit/protocol';
 * UpdateResponseCode.wrongEpoch; // 1
 * ```
 */
export const UpdateResponseCode = { success: 0, wrongEpoch: 1, notAllowed: 2, invalidProposal: 3 } as const;
/** A name of {@link UpdateResponseCode}. */
export type UpdateResponseCodeName = keyof typeof UpdateResponseCode;

/** UpdateRoomResponse. `errorDescription` is UTF-8 text (`string` read as `opaque<V>`: Protocol PR7). */
export type UpdateRoomResponse =
  | { readonly responseCode: 'success'; readonly errorDescription: string; /** Hub acceptance time, ms since the UNIX epoch. */ readonly acceptedTimestamp: bigint }
  | { readonly responseCode: 'wrongEpoch'; readonly errorDescription: string; readonly currentEpoch: bigint }
  | { readonly responseCode: 'notAllowed'; readonly errorDescription: string }
  | { readonly responseCode: 'invalidProposal'; readonly errorDescription: string; /** ProposalRefs (RFC 9420 §5.2 `opaque<V>`). */ readonly invalidProposals: readonly Uint8Array[] };

/**
 * Encodes an UpdateRoomResponse.
 *
 * @param res - the response
 * @returns the body
 * @throws {@link MimiError} `protocol/value-out-of-range`
 * @example
 * ```ts
 * import { encodeUpdateRoomResponse } from 'mimi-kit/protocol';
 * encodeUpdateRoomResponse({ responseCode: 'wrongEpoch', errorDescription: '', currentEpoch: 7n }); // 01 00 00…07
 * ```
 */
export function encodeUpdateRoomResponse(res: UpdateRoomResponse): Uint8Array {
  return encodeBody('UpdateRoomResponse', (w) => {
    writeEnum8(w, UpdateResponseCode, res.responseCode, 'responseCode');
    w.string(res.errorDescription);
    if (res.responseCode === 'success') {
      checkU64(res.acceptedTimestamp, 'acceptedTimestamp');
      w.uint64(res.acceptedTimestamp);
    } else if (res.responseCode === 'wrongEpoch') {
      checkU64(res.currentEpoch, 'currentEpoch');
      w.uint64(res.currentEpoch);
    } else if (res.responseCode === 'invalidProposal') w.vector(res.invalidProposals, (x, p) => x.opaque(p));
  });
}

/**
 * Decodes an UpdateRoomResponse, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the response
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeUpdateRoomResponse } from 'mimi-kit/protocol';
 * decodeUpdateRoomResponse(body).responseCode; // 'success'
 * ```
 */
export function decodeUpdateRoomResponse(bytes: Uint8Array, options?: ProtocolDecodeOptions): UpdateRoomResponse {
  return decodeBody(
    bytes,
    'UpdateRoomResponse',
    (r): UpdateRoomResponse => {
      const responseCode = readEnum8(r, UpdateResponseCode, 'responseCode');
      const errorDescription = r.string();
      switch (responseCode) {
        case 'success':
          return { responseCode, errorDescription, acceptedTimestamp: r.uint64() };
        case 'wrongEpoch':
          return { responseCode, errorDescription, currentEpoch: r.uint64() };
        case 'invalidProposal':
          return { responseCode, errorDescription, invalidProposals: r.vector((x) => x.opaque()) };
        default:
          return { responseCode, errorDescription };
      }
    },
    options,
  );
}
