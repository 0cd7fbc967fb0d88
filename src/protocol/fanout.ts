/**
 * `POST /notify/{roomId}` (draft-ietf-mimi-protocol-06 "Fanout Messages and Room Events"): FanoutMessage, and
 * a notify body of one or more concatenated FanoutMessages.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { checkU64, decodeBody, encodeBody, type ProtocolDecodeOptions } from './common.js';
import { readFrank, writeFrank, type Frank } from './franking.js';
import { readMlsMessage, readMlsMessageOf, writeMlsMessage, type MlsMessageBytes } from './mlsStructures.js';
import { readRatchetTreeOption, writeRatchetTreeOption, type RatchetTreeOption } from './ratchetTreeOption.js';

/**
 * FanoutMessage. The draft switches on `message.wire_format` with content-type arm names; mimi-kit reads the
 * arms as: a PrivateMessage application message, a Welcome, a PublicMessage proposal, a PublicMessage commit
 * (Protocol PR9). There is no protocol field (the struct has a `select (protocol)` but no such member).
 */
export type FanoutMessage =
  | { readonly kind: 'application'; /** ms since the UNIX epoch. */ readonly timestamp: bigint; readonly message: MlsMessageBytes; readonly frank?: Frank }
  | { readonly kind: 'welcome'; readonly timestamp: bigint; readonly message: MlsMessageBytes; readonly ratchetTreeOption: RatchetTreeOption }
  | { readonly kind: 'proposal'; readonly timestamp: bigint; readonly message: MlsMessageBytes; readonly moreProposals: readonly MlsMessageBytes[] }
  | { readonly kind: 'commit'; readonly timestamp: bigint; readonly message: MlsMessageBytes; readonly externalProposals: readonly MlsMessageBytes[] };

/** The fanout kind an MLS message belongs to, or undefined when no arm carries it. */
function kindOf(m: MlsMessageBytes): FanoutMessage['kind'] | undefined {
  if (m.wireFormat === 'mlsWelcome') return 'welcome';
  if (m.wireFormat === 'mlsPrivateMessage' && m.contentType === 'application') return 'application';
  if (m.wireFormat === 'mlsPublicMessage' && (m.contentType === 'proposal' || m.contentType === 'commit')) return m.contentType;
  return undefined;
}

function proposalMessage(r: TlsReader, field: string): MlsMessageBytes {
  const at = r.offset;
  const m = readMlsMessageOf(r, ['mlsPublicMessage'], field);
  if (m.contentType !== 'proposal') {
    throw new MimiError('protocol/unexpected-content-type', `${field} holds only proposals`, { path: [field], details: { offset: at } });
  }
  return m;
}

/** Reads one FanoutMessage. */
export function readFanoutMessage(r: TlsReader): FanoutMessage {
  const timestamp = r.uint64();
  const at = r.offset;
  const message = readMlsMessage(r);
  const kind = kindOf(message);
  switch (kind) {
    case 'application': {
      const frank = r.optional(readFrank);
      return frank === undefined ? { kind, timestamp, message } : { kind, timestamp, message, frank };
    }
    case 'welcome':
      return { kind, timestamp, message, ratchetTreeOption: readRatchetTreeOption(r) };
    case 'proposal':
      return { kind, timestamp, message, moreProposals: r.vector((x) => proposalMessage(x, 'moreProposals')) };
    case 'commit':
      return { kind, timestamp, message, externalProposals: r.vector((x) => proposalMessage(x, 'externalProposals')) };
    default: {
      const code = message.wireFormat === 'mlsPublicMessage' || message.wireFormat === 'mlsPrivateMessage' ? 'protocol/unexpected-content-type' : 'protocol/unexpected-wire-format';
      throw new MimiError(code, `a ${message.contentType ?? ''} ${message.wireFormat} is not fanned out`, { path: ['message'], details: { offset: at } });
    }
  }
}

/** Writes one FanoutMessage. */
export function writeFanoutMessage(w: TlsWriter, f: FanoutMessage): void {
  checkU64(f.timestamp, 'timestamp');
  w.uint64(f.timestamp);
  writeMlsMessage(w, f.message, ['mlsPrivateMessage', 'mlsPublicMessage', 'mlsWelcome'], 'message');
  if (kindOf(f.message) !== f.kind) {
    throw new MimiError('protocol/unexpected-content-type', `a ${f.message.contentType ?? ''} ${f.message.wireFormat} is not a ${f.kind} fanout`, { path: ['message'] });
  }
  const proposals = (list: readonly MlsMessageBytes[], field: string): void =>
    w.vector(list, (x, p) => {
      writeMlsMessage(x, p, ['mlsPublicMessage'], field);
      if (p.contentType !== 'proposal') throw new MimiError('protocol/unexpected-content-type', `${field} holds only proposals`, { path: [field] });
    });
  if (f.kind === 'application') w.optional(f.frank, writeFrank);
  else if (f.kind === 'welcome') writeRatchetTreeOption(w, f.ratchetTreeOption);
  else if (f.kind === 'proposal') proposals(f.moreProposals, 'moreProposals');
  else proposals(f.externalProposals, 'externalProposals');
}

/**
 * Encodes a notify body: one or more FanoutMessages, concatenated.
 *
 * @param messages - at least one
 * @returns the body
 * @throws {@link MimiError} `protocol/empty-list`, `protocol/*`
 * @example
 * ```ts
 * import { encodeFanoutMessages, parseMlsMessage } from 'mimi-kit/protocol';
 * encodeFanoutMessages([{ kind: 'application', timestamp: 1700000000000n, message: parseMlsMessage(privateMessage) }]);
 * ```
 */
export function encodeFanoutMessages(messages: readonly FanoutMessage[]): Uint8Array {
  if (messages.length === 0) throw new MimiError('protocol/empty-list', 'a notify body carries at least one FanoutMessage');
  return encodeBody('FanoutMessage', (w) => {
    for (const m of messages) writeFanoutMessage(w, m);
  });
}

/**
 * Decodes a notify body: one or more concatenated FanoutMessages, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the messages in order
 * @throws {@link MimiError} `protocol/empty-list` (empty body), `protocol/*`
 * @example
 * ```ts
 * import { decodeFanoutMessages } from 'mimi-kit/protocol';
 * decodeFanoutMessages(body)[0]?.kind; // 'application'
 * ```
 */
export function decodeFanoutMessages(bytes: Uint8Array, options?: ProtocolDecodeOptions): FanoutMessage[] {
  if (bytes.length === 0) throw new MimiError('protocol/empty-list', 'an empty notify body has no FanoutMessage');
  return decodeBody(
    bytes,
    'FanoutMessage',
    (r) => {
      const out: FanoutMessage[] = [];
      while (r.remaining > 0) out.push(readFanoutMessage(r));
      return out;
    },
    options,
  );
}
