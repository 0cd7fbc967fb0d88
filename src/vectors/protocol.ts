/**
 * The "protocol" vector suite: checks spec-vectors/protocol/ against `mimi-kit/protocol`
 * (draft-ietf-mimi-protocol-06 "MIMI Endpoints and Framing", "Message Franking").
 *
 * Kinds (shapes in spec-vectors/protocol/README.md):
 * - `body`: `input.value` (JSON of `input.body`) encodes to `expected.hex`, and `expected.hex` decodes back to it.
 * - `body-encode`: `input.value` encodes to `expected.hex` (structures only ever encoded: TBS, contexts).
 * - `body-error`: decoding `input.hex` as `input.body` fails with the code `error`.
 * - `franking`: the franking_tag, server_frank and hub frank of `input` equal `expected`.
 * - `frank-check`: the receiver's check of `input` passes (`expected.ok`) or fails with `error`.
 * - `directory`: `input.json` parses to `expected.directory`, or fails with `error`.
 *
 * JSON of values: the camelCase fields of the `mimi-kit/protocol` types; enum values by name; byte strings
 * `{ "hex": … }`, uint64 `{ "u64": "decimal" }`, embedded MLSMessages `{ "mls": hex }`, Credentials
 * `{ "credential": hex }`.
 *
 * @module
 */
import { bytesToHex, hexToBytes } from '../cbor/hex.js';
import * as p from '../protocol/index.js';
import type { Vector, VectorOutcome, VectorSuite } from './format.js';
import { canon, errCode, isObj, type Obj } from './util.js';


/** JSON form of a decoded protocol value. */
export function protocolToJson(v: unknown): unknown {
  if (v instanceof Uint8Array) return { hex: bytesToHex(v) };
  if (typeof v === 'bigint') return { u64: v.toString() };
  if (Array.isArray(v)) return v.map(protocolToJson);
  if (isObj(v)) {
    if (v['bytes'] instanceof Uint8Array && typeof v['wireFormat'] === 'string') return { mls: bytesToHex(v['bytes']) };
    if (v['bytes'] instanceof Uint8Array && typeof v['credentialType'] === 'number') return { credential: bytesToHex(v['bytes']) };
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = protocolToJson(x);
    return out;
  }
  return v;
}

/** The value a JSON form stands for (the inverse of {@link protocolToJson}). */
export function protocolFromJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(protocolFromJson);
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && typeof v['hex'] === 'string') return hexToBytes(v['hex']);
    if (keys.length === 1 && typeof v['u64'] === 'string') return BigInt(v['u64']);
    if (keys.length === 1 && typeof v['mls'] === 'string') return p.parseMlsMessage(hexToBytes(v['mls']));
    if (keys.length === 1 && typeof v['credential'] === 'string') return p.parseCredential(hexToBytes(v['credential']));
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = protocolFromJson(x);
    return out;
  }
  return v;
}

interface BodyCodec {
  readonly encode: (v: never) => Uint8Array;
  readonly decode?: (b: Uint8Array) => unknown;
}

/** Codecs of every body the vectors name. */
export const PROTOCOL_BODIES: Readonly<Record<string, BodyCodec>> = {
  KeyMaterialRequest: { encode: p.encodeKeyMaterialRequest, decode: p.decodeKeyMaterialRequest },
  KeyMaterialRequestTBS: { encode: p.encodeKeyMaterialRequestTbs },
  KeyMaterialResponse: { encode: p.encodeKeyMaterialResponse, decode: p.decodeKeyMaterialResponse },
  UpdateRequest: { encode: p.encodeUpdateRequest, decode: p.decodeUpdateRequest },
  UpdateRoomResponse: { encode: p.encodeUpdateRoomResponse, decode: p.decodeUpdateRoomResponse },
  SubmitMessageRequest: { encode: p.encodeSubmitMessageRequest, decode: p.decodeSubmitMessageRequest },
  SubmitMessageResponse: { encode: p.encodeSubmitMessageResponse, decode: p.decodeSubmitMessageResponse },
  FanoutMessages: { encode: p.encodeFanoutMessages, decode: p.decodeFanoutMessages },
  GroupInfoRequest: { encode: p.encodeGroupInfoRequest, decode: p.decodeGroupInfoRequest },
  GroupInfoRequestTBS: { encode: p.encodeGroupInfoRequestTbs },
  GroupInfoResponse: { encode: p.encodeGroupInfoResponse, decode: p.decodeGroupInfoResponse },
  GroupInfoRatchetTreeTBE: { encode: p.encodeGroupInfoRatchetTreeTbe, decode: p.decodeGroupInfoRatchetTreeTbe },
  ConsentEntry: { encode: p.encodeConsentEntry, decode: p.decodeConsentEntry },
  ConsentScope: { encode: p.encodeConsentScope, decode: p.decodeConsentScope },
  IdentifierRequest: { encode: p.encodeIdentifierRequest, decode: p.decodeIdentifierRequest },
  IdentifierResponse: { encode: p.encodeIdentifierResponse, decode: p.decodeIdentifierResponse },
  AbuseReport: { encode: p.encodeAbuseReport, decode: p.decodeAbuseReport },
  SafeAAD: { encode: p.encodeSafeAad, decode: p.decodeSafeAad },
  FrankAAD: { encode: p.encodeFrankAad, decode: p.decodeFrankAad },
  FrankingAgentData: { encode: p.encodeFrankingAgent, decode: p.decodeFrankingAgent },
  ServerFrankingContext: { encode: p.encodeServerFrankingContext },
};



function codecOf(input: unknown): { codec: BodyCodec; input: Obj } | string {
  if (!isObj(input) || typeof input['body'] !== 'string') return 'input.body missing';
  const codec = PROTOCOL_BODIES[input['body']];
  return codec ? { codec, input } : `unknown body ${input['body']}`;
}

function body(v: Vector, needDecode: boolean): VectorOutcome {
  const c = codecOf(v.input);
  if (typeof c === 'string') return c;
  const expected = v.expected;
  if (!isObj(expected) || typeof expected['hex'] !== 'string') return 'expected.hex missing';
  const hex = bytesToHex(c.codec.encode(protocolFromJson(c.input['value']) as never));
  if (hex !== expected['hex']) return `encoding: got ${hex}, expected ${expected['hex']}`;
  if (!needDecode) return undefined;
  if (!c.codec.decode) return `${String(c.input['body'])} has no decoder`;
  const back = canon(protocolToJson(c.codec.decode(hexToBytes(expected['hex']))));
  return back === canon(c.input['value']) ? undefined : `decoding: got ${back}`;
}

function bodyError(v: Vector): VectorOutcome {
  const c = codecOf(v.input);
  if (typeof c === 'string') return c;
  const decode = c.codec.decode;
  if (!decode || typeof c.input['hex'] !== 'string') return 'no decoder or input.hex missing';
  const got = errCode(() => decode(hexToBytes(c.input['hex'] as string)));
  return got === v.error ? undefined : `got ${got ?? 'success'}, expected ${String(v.error)}`;
}

const hexOf = (o: Obj, k: string): Uint8Array => hexToBytes(String(o[k]));

function franking(v: Vector): VectorOutcome {
  const i = v.input;
  const e = v.expected;
  if (!isObj(i) || !isObj(e)) return 'input/expected missing';
  const tag = p.frankingTag(hexOf(i, 'salt'), hexOf(i, 'applicationData'));
  if (bytesToHex(tag) !== e['frankingTag']) return `franking_tag ${bytesToHex(tag)}`;
  const context = { senderUri: String(i['senderUri']), roomUri: String(i['roomUri']), acceptedTimestamp: BigInt(String(i['acceptedTimestamp'])) };
  const frank = p.hubFrank({ hubKey: hexOf(i, 'hubKey'), frankingPrivateKey: hexOf(i, 'frankingPrivateKey'), cipherSuite: Number(i['cipherSuite']), frankingTag: tag, context });
  if (bytesToHex(frank.serverFrank) !== e['serverFrank']) return `server_frank ${bytesToHex(frank.serverFrank)}`;
  if (bytesToHex(frank.frankingIntegritySignature) !== e['frankingIntegritySignature']) return `signature ${bytesToHex(frank.frankingIntegritySignature)}`;
  return undefined;
}

function frankCheck(v: Vector): VectorOutcome {
  const i = v.input;
  if (!isObj(i)) return 'input missing';
  const got = errCode(() =>
    p.checkFrank({
      frank: {
        serverFrank: hexOf(i, 'serverFrank'),
        frankingSignatureCiphersuite: Number(i['frankingSignatureCiphersuite']),
        frankingIntegritySignature: hexOf(i, 'frankingIntegritySignature'),
      },
      frankingTag: hexOf(i, 'frankingTag'),
      applicationData: hexOf(i, 'applicationData'),
      acceptedTimestamp: BigInt(String(i['acceptedTimestamp'])),
      groupCipherSuite: Number(i['groupCipherSuite']),
      frankingAgent: p.decodeFrankingAgent(hexOf(i, 'frankingAgent')),
      hubDomain: String(i['hubDomain']),
      ...(typeof i['roomId'] === 'string' ? { roomId: i['roomId'] } : {}),
    }),
  );
  if (v.error === undefined) return got === undefined ? undefined : `failed with ${got}`;
  return got === v.error ? undefined : `got ${got ?? 'success'}, expected ${v.error}`;
}

function directory(v: Vector): VectorOutcome {
  const i = v.input;
  if (!isObj(i)) return 'input missing';
  let got: unknown;
  const code = errCode(() => {
    got = p.parseDirectory(i['json']);
  });
  if (v.error !== undefined) return code === v.error ? undefined : `got ${code ?? 'success'}, expected ${v.error}`;
  if (code !== undefined) return `failed with ${code}`;
  const e = v.expected;
  return isObj(e) && canon(got) === canon(e['directory']) ? undefined : `got ${canon(got)}`;
}

/** The suite. */
export const protocolSuite: VectorSuite = {
  suite: 'protocol',
  verifiers: {
    body: (v) => body(v, true),
    'body-encode': (v) => body(v, false),
    'body-error': bodyError,
    franking,
    'frank-check': frankCheck,
    directory,
  },
};
