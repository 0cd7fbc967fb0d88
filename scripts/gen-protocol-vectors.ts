/**
 * Generates spec-vectors/protocol/*.json. Run: `npx tsx scripts/gen-protocol-vectors.ts`.
 *
 * Independence: every expected byte string is written here field by field from the struct text of
 * draft-ietf-mimi-protocol-06 (and RFC 9420 for the MLS structures) with the few-line encoder below; nothing
 * is taken from src/protocol. Franking values are computed with @noble/hashes and @noble/curves directly from
 * the draft's formulas. Negative vectors are hand edits, each naming the rule it breaks. The script then runs
 * the suite and aborts if mimi-kit disagrees with a vector.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decode as cborDecode } from 'cbor2';
import type { Vector } from '../src/vectors/format.js';

const OUT = 'spec-vectors/protocol';

// ---------- the independent TLS presentation-language encoder ----------
type B = Uint8Array;
const cat = (...parts: B[]): B => {
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};
const u8 = (v: number): B => new Uint8Array([v]);
const u16 = (v: number): B => new Uint8Array([v >> 8, v & 0xff]);
const u32 = (v: number): B => new Uint8Array([v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
const u64 = (v: bigint): B => cat(u32(Number(v >> 32n)), u32(Number(v & 0xffffffffn)));
// RFC 9420 §2.1.2: 1, 2 or 4 octets, top two bits 00/01/10.
const varint = (n: number): B => (n < 0x40 ? u8(n) : n < 0x4000 ? u16(0x4000 | n) : u32((0x80000000 | n) >>> 0));
const V = (...parts: B[]): B => {
  const body = cat(...parts);
  return cat(varint(body.length), body);
};
const txt = (s: string): B => new TextEncoder().encode(s);
const S = (s: string): B => V(txt(s)); // IdentifierUri / opaque UTF-8 <V>
const fill = (n: number, b: number): B => new Uint8Array(n).fill(b);
const hex = (b: B): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): B => new Uint8Array(Buffer.from(h, 'hex'));
const H = (b: B): { hex: string } => ({ hex: hex(b) });
const U = (n: bigint | number): { u64: string } => ({ u64: String(n) });

// ---------- RFC 9420 structures ----------
const credBasic = (id: string): B => cat(u16(1), S(id)); // §5.3 Credential, basic
const capabilities = cat(V(u16(1)), V(u16(1)), V(), V(), V(u16(1))); // §7.2: versions, suites, ext, proposals, creds
const leafNode = (id: string): B =>
  cat(V(fill(32, 0x11)), V(fill(32, 0x22)), credBasic(id), capabilities, u8(1), u64(0n), u64(0xffffffffffffffffn), V(), V(fill(64, 0x33))); // §7.2, source key_package
const keyPackage = (id: string): B => cat(u16(1), u16(1), V(fill(32, 0x44)), leafNode(id), V(), V(fill(64, 0x55))); // §10
const GID = txt('mimi://a.example/g/clubhouse');
// §6.3.1 PrivateMessage inside §6 MLSMessage (version mls10, wire_format 2)
const privateMessage = (epoch: bigint, contentType: number, aad: B = new Uint8Array(0)): B =>
  cat(u16(1), u16(2), V(GID), u64(epoch), u8(contentType), V(aad), V(fill(16, 0x66)), V(fill(40, 0x77)));
// §6.2 PublicMessage, member sender 0: FramedContent, FramedContentAuthData, membership_tag
const publicCommit = (epoch: bigint): B =>
  cat(u16(1), u16(1), V(GID), u64(epoch), u8(1), u32(0), V(), u8(3), V(u8(2), V(fill(32, 0x88))), u8(0), V(fill(64, 0x99)), V(fill(32, 0xaa)), V(fill(32, 0xbb)));
const publicProposal = (epoch: bigint, proposal: B): B => cat(u16(1), u16(1), V(GID), u64(epoch), u8(1), u32(1), V(), u8(2), proposal, V(fill(64, 0x99)), V(fill(32, 0xbb)));
const removeProposal = cat(u16(3), u32(2)); // §12.1.3
const appDataUpdateProposal = cat(u16(0x0008), u16(0x0022), u8(1), V(fill(3, 0xcc))); // mls-extensions AppDataUpdate
const welcomeBody = cat(u16(1), V(fill(10, 0xdd)), V(fill(12, 0xee))); // §12.4.3.1 Welcome
const welcomeMessage = cat(u16(1), u16(3), welcomeBody);
const groupInfo = cat(u16(1), u16(1), V(GID), u64(5n), V(fill(32, 0x01)), V(fill(32, 0x02)), V(), V(), V(fill(32, 0x03)), u32(0), V(fill(64, 0x04))); // §12.4.3
const rtoFull = cat(u8(1), V(fill(6, 0x05))); // RatchetTreeOption full (Protocol PR3)

const PM = privateMessage(4n, 1);
const COMMIT = publicCommit(4n);
const PROP_REMOVE = publicProposal(4n, removeProposal);
const PROP_ADU = publicProposal(4n, appDataUpdateProposal);
const KP_BOB = keyPackage('mimi://b.example/d/bob-phone');
const ALICE = 'mimi://a.example/u/alice';
const BOB = 'mimi://b.example/u/bob';
const ROOM = 'mimi://a.example/r/clubhouse';
const CRED_ALICE = credBasic('mimi://a.example/d/alice-laptop');

// ---------- keys (fixed seeds, so signatures are reproducible: Ed25519 is deterministic) ----------
const REQUESTER_SEED = fill(32, 0x07);
const HUB_SEED = fill(32, 0x09);
const REQUESTER_PUB = ed25519.getPublicKey(REQUESTER_SEED);
const HUB_PUB = ed25519.getPublicKey(HUB_SEED);
// RFC 9420 §5.1.2 SignWithLabel: Sign(SignContent{ opaque label<V> = "MLS 1.0 " + Label; opaque content<V> })
const signWithLabel = (seed: B, label: string, content: B): B => ed25519.sign(cat(S(`MLS 1.0 ${label}`), V(content)), seed);

// ---------- bodies ----------
const vectors: Record<string, Vector[]> = { bodies: [], errors: [], franking: [], directory: [], haven: [] };
const body = (file: string, id: string, name: string, description: string, value: unknown, bytes: B, kind = 'body'): void => {
  vectors[file]!.push({ id, kind, description, input: { body: name, value }, expected: { hex: hex(bytes) } });
};
const bad = (file: string, id: string, name: string, description: string, bytes: B, error: string): void => {
  vectors[file]!.push({ id, kind: 'body-error', description, input: { body: name, hex: hex(bytes) }, error });
};

// KeyMaterialRequest ("Fetch Key Material")
const kmTbs = cat(u8(1), S(ALICE), S(BOB), S(ROOM), V(u16(1), u16(3)), V(), V(u16(8)), V(), V(REQUESTER_PUB), CRED_ALICE);
const kmSig = signWithLabel(REQUESTER_SEED, 'KeyMaterialRequestTBS', kmTbs);
const kmTbsValue = {
  requestingUser: ALICE,
  targetUser: BOB,
  roomId: ROOM,
  acceptableCiphersuites: [1, 3],
  requiredCapabilities: { extensionTypes: [], proposalTypes: [8], credentialTypes: [] },
  requesterSignatureKey: H(REQUESTER_PUB),
  requesterCredential: { credential: hex(CRED_ALICE) },
};
body('bodies', 'key-material-request-tbs', 'KeyMaterialRequestTBS', 'the TBS the requester signs', kmTbsValue, kmTbs, 'body-encode');
body('bodies', 'key-material-request', 'KeyMaterialRequest', 'mls10, two suites, AppDataUpdate required, basic credential, Ed25519 SignWithLabel over the TBS', { ...kmTbsValue, keyMaterialRequestSignature: H(kmSig) }, cat(kmTbs, V(kmSig)));

// KeyMaterialResponse
const kmr = (user: number, clients: B): B => cat(u8(1), u8(user), S(BOB), V(clients));
body(
  'bodies',
  'key-material-response-success',
  'KeyMaterialResponse',
  'success: one client with a bare KeyPackage',
  { userStatus: 'success', userUri: BOB, clients: [{ clientStatus: 'success', clientUri: 'mimi://b.example/d/bob-phone', keyPackage: H(KP_BOB) }] },
  kmr(0, cat(u8(0), S('mimi://b.example/d/bob-phone'), KP_BOB)),
);
body(
  'bodies',
  'key-material-response-partial',
  'KeyMaterialResponse',
  'partialSuccess: one exhausted client, one nothingCompatible with capabilities, one without',
  {
    userStatus: 'partialSuccess',
    userUri: BOB,
    clients: [
      { clientStatus: 'keyMaterialExhausted', clientUri: 'mimi://b.example/d/1' },
      { clientStatus: 'nothingCompatible', clientUri: 'mimi://b.example/d/2', clientCapabilities: { versions: [1], cipherSuites: [1], extensions: [], proposals: [], credentials: [1] } },
      { clientStatus: 'nothingCompatible', clientUri: 'mimi://b.example/d/3' },
    ],
  },
  kmr(1, cat(u8(1), S('mimi://b.example/d/1'), u8(2), S('mimi://b.example/d/2'), u8(1), capabilities, u8(2), S('mimi://b.example/d/3'), u8(0))),
);
body('bodies', 'key-material-response-no-consent', 'KeyMaterialResponse', 'noConsent: no clients', { userStatus: 'noConsent', userUri: BOB, clients: [] }, kmr(5, new Uint8Array(0)));

// UpdateRequest = HandshakeBundle ("Update Room State")
body(
  'bodies',
  'update-commit',
  'UpdateRequest',
  'a PublicMessage commit, a bare Welcome, a full GroupInfo, a full ratchet tree',
  { bundle: { kind: 'commit', proposalOrCommit: { mls: hex(COMMIT) }, welcome: H(welcomeBody), groupInfoOption: { representation: 'full', groupInfo: H(groupInfo) }, ratchetTreeOption: { representation: 'full', ratchetTree: H(fill(6, 0x05)) } } },
  cat(COMMIT, u8(1), welcomeBody, u8(1), groupInfo, rtoFull),
);
body(
  'bodies',
  'update-commit-no-welcome',
  'UpdateRequest',
  'a commit without Welcome; the tree is kept by the hub (distributionService)',
  { bundle: { kind: 'commit', proposalOrCommit: { mls: hex(COMMIT) }, groupInfoOption: { representation: 'full', groupInfo: H(groupInfo) }, ratchetTreeOption: { representation: 'distributionService' } } },
  cat(COMMIT, u8(0), u8(1), groupInfo, u8(4)),
);
body(
  'bodies',
  'update-proposals',
  'UpdateRequest',
  'a Remove proposal with one more (AppDataUpdate) proposal, as a leaving client sends',
  { bundle: { kind: 'proposal', proposalOrCommit: { mls: hex(PROP_REMOVE) }, moreProposals: [{ mls: hex(PROP_ADU) }] } },
  cat(PROP_REMOVE, V(PROP_ADU)),
);

// UpdateRoomResponse
body('bodies', 'update-response-success', 'UpdateRoomResponse', 'success with the hub timestamp', { responseCode: 'success', errorDescription: '', acceptedTimestamp: U(1700000000000n) }, cat(u8(0), V(), u64(1700000000000n)));
body('bodies', 'update-response-wrong-epoch', 'UpdateRoomResponse', 'wrongEpoch with the current epoch', { responseCode: 'wrongEpoch', errorDescription: 'epoch 5', currentEpoch: U(5) }, cat(u8(1), S('epoch 5'), u64(5n)));
body('bodies', 'update-response-not-allowed', 'UpdateRoomResponse', 'notAllowed: nothing after the description', { responseCode: 'notAllowed', errorDescription: 'room/missing-capability' }, cat(u8(2), S('room/missing-capability')));
body(
  'bodies',
  'update-response-invalid-proposal',
  'UpdateRoomResponse',
  'invalidProposal with two ProposalRefs',
  { responseCode: 'invalidProposal', errorDescription: '', invalidProposals: [H(fill(32, 0x0a)), H(fill(32, 0x0b))] },
  cat(u8(3), V(), V(V(fill(32, 0x0a)), V(fill(32, 0x0b)))),
);

// SubmitMessageRequest / Response ("Submit a Message")
body('bodies', 'submit-request', 'SubmitMessageRequest', 'a PrivateMessage application message and the sender URI', { appMessage: { mls: hex(PM) }, sendingUri: 'mimi://c.example/u/cathy' }, cat(u8(1), PM, S('mimi://c.example/u/cathy')));
body('bodies', 'submit-response-accepted', 'SubmitMessageResponse', 'accepted, no frank (absent optional)', { statusCode: 'accepted', acceptedTimestamp: U(1700000000001n) }, cat(u8(1), u8(0), u64(1700000000001n), u8(0)));
const FRANK = cat(fill(32, 0x0c), u16(1), V(fill(64, 0x0d)));
const frankValue = { serverFrank: H(fill(32, 0x0c)), frankingSignatureCiphersuite: 1, frankingIntegritySignature: H(fill(64, 0x0d)) };
body('bodies', 'submit-response-franked', 'SubmitMessageResponse', 'accepted with a Frank', { statusCode: 'accepted', acceptedTimestamp: U(1700000000001n), frank: frankValue }, cat(u8(1), u8(0), u64(1700000000001n), u8(1), FRANK));
body('bodies', 'submit-response-not-allowed', 'SubmitMessageResponse', 'notAllowed: no fields', { statusCode: 'notAllowed' }, cat(u8(1), u8(1)));
body('bodies', 'submit-response-epoch-too-old', 'SubmitMessageResponse', 'epochTooOld with the current epoch', { statusCode: 'epochTooOld', currentEpoch: U(9) }, cat(u8(1), u8(2), u64(9n)));

// FanoutMessage ("Fanout Messages and Room Events"): no protocol field
const T = 1700000000002n;
body(
  'bodies',
  'fanout-application',
  'FanoutMessages',
  'one application message with a frank',
  [{ kind: 'application', timestamp: U(T), message: { mls: hex(PM) }, frank: frankValue }],
  cat(u64(T), PM, u8(1), FRANK),
);
body(
  'bodies',
  'fanout-concatenated',
  'FanoutMessages',
  'three concatenated FanoutMessages: a Welcome with its tree option, a commit without stapled proposals, an application message without frank',
  [
    { kind: 'welcome', timestamp: U(T), message: { mls: hex(welcomeMessage) }, ratchetTreeOption: { representation: 'httpsUri', uri: 'https://a.example/tree/1' } },
    { kind: 'commit', timestamp: U(T + 1n), message: { mls: hex(COMMIT) }, externalProposals: [] },
    { kind: 'application', timestamp: U(T + 2n), message: { mls: hex(PM) } },
  ],
  cat(u64(T), welcomeMessage, u8(2), S('https://a.example/tree/1'), u64(T + 1n), COMMIT, V(), u64(T + 2n), PM, u8(0)),
);
body('bodies', 'fanout-proposal', 'FanoutMessages', 'a proposal with one more proposal', [{ kind: 'proposal', timestamp: U(T), message: { mls: hex(PROP_REMOVE) }, moreProposals: [{ mls: hex(PROP_ADU) }] }], cat(u64(T), PROP_REMOVE, V(PROP_ADU)));

// GroupInfo ("Claim group key information")
const HPKE_PUB = fill(32, 0x0e);
const giHead = cat(u8(1), u16(1), V(REQUESTER_PUB), CRED_ALICE, V(HPKE_PUB));
const giTbs = cat(giHead, u8(1), V(txt('JOIN-42')));
const giSig = signWithLabel(REQUESTER_SEED, 'GroupInfoRequestTBS', giTbs);
const giReq = { cipherSuite: 1, requestingSignatureKey: H(REQUESTER_PUB), requestingCredential: { credential: hex(CRED_ALICE) }, groupInfoPublicKey: H(HPKE_PUB), joiningCode: H(txt('JOIN-42')) };
body('bodies', 'group-info-request-tbs', 'GroupInfoRequestTBS', 'the TBS: joiningCode as a present optional', giReq, giTbs, 'body-encode');
body('bodies', 'group-info-request', 'GroupInfoRequest', 'with a joining code, signed over the TBS', { ...giReq, signature: H(giSig) }, cat(giHead, V(txt('JOIN-42')), V(giSig)));
const CRED_HUB = credBasic('mimi://a.example');
const giBody = cat(u16(1), V(HUB_PUB), CRED_HUB, V(fill(32, 0x0f)), V(fill(48, 0x10)));
const giResTbs = cat(u8(1), S(ROOM), u8(1), giBody);
const giResSig = signWithLabel(HUB_SEED, 'GroupInfoResponseTBS', giResTbs);
body(
  'bodies',
  'group-info-response-success',
  'GroupInfoResponse',
  'success, signed by the hub external sender over GroupInfoResponseTBS',
  { status: 'success', roomId: ROOM, cipherSuite: 1, hubSender: { signatureKey: H(HUB_PUB), credential: { credential: hex(CRED_HUB) } }, encryptedGroupInfoAndTree: { kemOutput: H(fill(32, 0x0f)), ciphertext: H(fill(48, 0x10)) }, signature: H(giResSig) },
  cat(giResTbs, V(giResSig)),
);
body('bodies', 'group-info-response-no-such-room', 'GroupInfoResponse', 'noSuchRoom: default arm, nothing after the status', { status: 'noSuchRoom', roomId: ROOM }, cat(u8(1), S(ROOM), u8(3)));
body(
  'bodies',
  'group-info-tbe',
  'GroupInfoRatchetTreeTBE',
  'GroupInfo, full tree, one pending proposal with its hub time',
  { groupInfo: H(groupInfo), ratchetTreeOption: { representation: 'full', ratchetTree: H(fill(6, 0x05)) }, pendingProposals: [{ proposal: { mls: hex(PROP_REMOVE) }, hubAcceptedTime: U(T) }] },
  cat(groupInfo, rtoFull, V(PROP_REMOVE, u64(T))),
);

// Consent ("Convey explicit consent")
body(
  'bodies',
  'consent-request-room',
  'ConsentEntry',
  'request for one room (roomId present), no extensions',
  { consentOperation: 'request', requesterUri: ALICE, targetUri: BOB, roomId: ROOM, clientKeyPackages: [], consentExtensions: [] },
  cat(u8(1), S(ALICE), S(BOB), u8(1), S(ROOM), V()),
);
body(
  'bodies',
  'consent-grant',
  'ConsentEntry',
  'grant for any room with one KeyPackage and one consent extension component (AppDataDictionary)',
  { consentOperation: 'grant', requesterUri: ALICE, targetUri: BOB, clientKeyPackages: [H(KP_BOB)], consentExtensions: [{ componentId: 0x8001, data: H(txt('hi')) }] },
  cat(u8(2), S(ALICE), S(BOB), u8(0), V(KP_BOB), V(u16(0x8001), S('hi'))),
);
body('bodies', 'consent-revoke', 'ConsentEntry', 'revoke: no key package vector at all', { consentOperation: 'revoke', requesterUri: ALICE, targetUri: BOB, clientKeyPackages: [], consentExtensions: [] }, cat(u8(3), S(ALICE), S(BOB), u8(0), V()));
body('bodies', 'consent-scope', 'ConsentScope', 'scope without room', { requesterUri: ALICE, targetUri: BOB }, cat(S(ALICE), S(BOB), u8(0)));

// Identifier query ("Find internal address")
body(
  'bodies',
  'identifier-request',
  'IdentifierRequest',
  'handle AND an OIDC given_name claim',
  { queryElements: [{ searchType: 'handle', searchValue: 'im:alice.smith@a.example' }, { searchType: 'oidcStdClaim', claimName: 'given_name', searchValue: 'Alice' }], idRequestExtensions: [] },
  cat(V(u8(1), S('im:alice.smith@a.example'), u8(7), S('given_name'), S('Alice')), V()),
);
body(
  'bodies',
  'identifier-response',
  'IdentifierResponse',
  'success: one URI and one profile with a vCard field',
  { responseCode: 'success', uri: [ALICE], foundProfiles: [{ stableUri: ALICE, fields: [{ fieldSource: 'vcardField', fieldName: 'ORG', fieldValue: H(txt('Example')) }] }], idResponseExtensions: [] },
  cat(u8(0), V(S(ALICE)), V(S(ALICE), V(u8(8), S('ORG'), S('Example'))), V()),
);

// Report abuse
body(
  'bodies',
  'abuse-report',
  'AbuseReport',
  'one allegedly abusive message with its frank; reasonCode 0 (the only AbuseType -06 defines)',
  { reportingUser: BOB, allegedAbuserUri: 'mimi://c.example/u/eve', reasonCode: 0, note: 'spam', messages: [{ messageContent: H(fill(5, 0x12)), frank: frankValue, acceptedTimestamp: U(T) }], abuseExtensions: [] },
  cat(S(BOB), S('mimi://c.example/u/eve'), u8(0), S('spam'), V(V(fill(5, 0x12)), FRANK, u64(T)), V()),
);

// Franking components
const TAG = fill(32, 0x13);
body('bodies', 'frank-aad', 'FrankAAD', 'frank_aad component data: 32 bytes, no length', H(TAG), TAG);
body('bodies', 'safe-aad', 'SafeAAD', 'a SafeAAD holding the frank_aad item (component 0x0020)', [{ componentId: 0x0020, data: H(TAG) }], V(u16(0x0020), V(TAG)));
body('bodies', 'franking-agent', 'FrankingAgentData', 'franking_signature_key and the hub credential', { frankingSignatureKey: H(HUB_PUB), credential: { credential: hex(CRED_HUB) } }, cat(V(HUB_PUB), CRED_HUB));
body('bodies', 'server-franking-context', 'ServerFrankingContext', 'sender, room, time', { senderUri: ALICE, roomUri: ROOM, acceptedTimestamp: U(T) }, cat(S(ALICE), S(ROOM), u64(T)), 'body-encode');

// ---------- negative vectors (hand edits) ----------
const SNA = cat(u8(1), u8(1));
bad('errors', 'trailing-byte', 'SubmitMessageResponse', 'one byte after notAllowed', cat(SNA, u8(0)), 'protocol/trailing-bytes');
bad('errors', 'truncated-u64', 'SubmitMessageResponse', 'epochTooOld with 7 of the 8 epoch bytes', cat(u8(1), u8(2), fill(7, 0)), 'protocol/truncated');
bad('errors', 'submit-code-3', 'SubmitMessageResponse', 'SubmitResponseCode 3 is not defined', cat(u8(1), u8(3)), 'protocol/bad-enum');
bad('errors', 'protocol-2', 'SubmitMessageResponse', 'Protocol 2 is not mls10', cat(u8(2), u8(1)), 'protocol/unsupported-protocol');
bad('errors', 'protocol-reserved', 'KeyMaterialResponse', 'Protocol reserved(0)', cat(u8(0), u8(5), S(BOB), V()), 'protocol/unsupported-protocol');
bad('errors', 'frank-presence-2', 'SubmitMessageResponse', 'optional<Frank> presence octet 2', cat(u8(1), u8(0), u64(1n), u8(2)), 'protocol/bad-optional');
bad('errors', 'frank-short', 'SubmitMessageResponse', 'server_frank[32] cut to 31 bytes and nothing else', cat(u8(1), u8(0), u64(1n), u8(1), fill(31, 0)), 'protocol/truncated');
bad('errors', 'user-code-8', 'KeyMaterialResponse', 'KeyMaterialUserCode 8', cat(u8(1), u8(8), S(BOB), V()), 'protocol/bad-enum');
bad('errors', 'clients-on-no-consent', 'KeyMaterialResponse', 'noConsent MUST NOT list clients', kmr(5, cat(u8(1), S('mimi://b.example/d/1'))), 'protocol/unexpected-clients');
bad('errors', 'client-code-3', 'KeyMaterialResponse', 'KeyMaterialClientCode 3', kmr(0, cat(u8(3), S('x'))), 'protocol/bad-enum');
bad('errors', 'non-minimal-varint', 'UpdateRoomResponse', 'errorDescription length 0 written in two octets (0x4000)', cat(u8(2), u16(0x4000)), 'protocol/bad-length');
bad('errors', 'reserved-varint', 'UpdateRoomResponse', 'errorDescription length with the reserved prefix 0b11', cat(u8(2), u8(0xc0)), 'protocol/bad-length');
bad('errors', 'invalid-utf8', 'UpdateRoomResponse', 'errorDescription 0xff is not UTF-8', cat(u8(2), V(u8(0xff))), 'protocol/invalid-utf8');
bad('errors', 'update-code-4', 'UpdateRoomResponse', 'UpdateResponseCode 4', cat(u8(4), V()), 'protocol/bad-enum');
bad('errors', 'vector-past-end', 'UpdateRoomResponse', 'invalidProposals length 5 with 2 bytes left', cat(u8(3), V(), u8(5), u8(1), u8(0)), 'protocol/truncated');
bad('errors', 'empty-ciphersuites', 'KeyMaterialRequest', 'acceptableCiphersuites must be non-empty', cat(u8(1), S(ALICE), S(BOB), S(ROOM), V(), V(), V(), V(), V(REQUESTER_PUB), CRED_ALICE, V()), 'protocol/empty-list');
bad('errors', 'odd-ciphersuites', 'KeyMaterialRequest', 'a 3-byte list of uint16 suites ends inside a suite', cat(u8(1), S(ALICE), S(BOB), S(ROOM), V(u16(1), u8(0)), V(), V(), V(), V(REQUESTER_PUB), CRED_ALICE, V()), 'protocol/truncated');
bad('errors', 'credential-type-7', 'KeyMaterialRequest', 'credential type 7 has no length RFC 9420 defines', cat(kmTbs.subarray(0, kmTbs.length - CRED_ALICE.length), u16(7), V(txt('x')), V()), 'protocol/unknown-credential-type');
bad('errors', 'submit-public-message', 'SubmitMessageRequest', 'appMessage must be a PrivateMessage, not a PublicMessage', cat(u8(1), COMMIT, S(ALICE)), 'protocol/unexpected-wire-format');
bad('errors', 'submit-private-commit', 'SubmitMessageRequest', 'a PrivateMessage of content type commit is not an application message', cat(u8(1), privateMessage(4n, 3), S(ALICE)), 'protocol/unexpected-content-type');
bad('errors', 'mls-version-2', 'SubmitMessageRequest', 'MLSMessage version 2', cat(u8(1), u16(2), PM.subarray(2), S(ALICE)), 'protocol/bad-mls-message');
bad('errors', 'wire-format-6', 'SubmitMessageRequest', 'wire format 6 is not defined by RFC 9420 (SemiPrivateMessage has no number)', cat(u8(1), u16(1), u16(6), PM.subarray(4), S(ALICE)), 'protocol/unexpected-wire-format');
bad('errors', 'update-partial-group-info', 'UpdateRequest', 'GroupInfoOption partial: PartialGroupInfo is undefined', cat(COMMIT, u8(0), u8(2), groupInfo, u8(4)), 'protocol/unsupported-representation');
bad('errors', 'update-group-info-reserved', 'UpdateRequest', 'GroupInfoRepresentation reserved(0)', cat(COMMIT, u8(0), u8(0), groupInfo, u8(4)), 'protocol/bad-enum');
bad('errors', 'update-tree-reserved', 'UpdateRequest', 'RatchetTreeRepresentation reserved(0)', cat(COMMIT, u8(0), u8(1), groupInfo, u8(0)), 'protocol/bad-enum');
bad('errors', 'update-application', 'UpdateRequest', 'an update carries a proposal or commit, not a PrivateMessage', cat(PM, V()), 'protocol/unexpected-wire-format');
bad('errors', 'update-unknown-proposal', 'UpdateRequest', 'proposal type 0x0f0f has no known length', cat(publicProposal(4n, cat(u16(0x0f0f), u8(0))), V()), 'protocol/unknown-proposal-type');
bad('errors', 'more-proposals-commit', 'UpdateRequest', 'moreProposals holds a commit', cat(PROP_REMOVE, V(COMMIT)), 'protocol/unexpected-content-type');
bad('errors', 'fanout-key-package', 'FanoutMessages', 'a KeyPackage MLSMessage is not fanned out', cat(u64(T), u16(1), u16(5), KP_BOB), 'protocol/unexpected-wire-format');
bad('errors', 'fanout-empty', 'FanoutMessages', 'an empty notify body', new Uint8Array(0), 'protocol/empty-list');
bad('errors', 'fanout-second-truncated', 'FanoutMessages', 'the second FanoutMessage stops after its timestamp', cat(u64(T), PM, u8(0), u64(T)), 'protocol/truncated');
bad('errors', 'consent-op-4', 'ConsentEntry', 'ConsentOperation 4', cat(u8(4), S(ALICE), S(BOB), u8(0), V()), 'protocol/bad-enum');
bad('errors', 'consent-unsorted', 'ConsentEntry', 'consent_extensions components 2 then 1', cat(u8(1), S(ALICE), S(BOB), u8(0), V(u16(2), V(), u16(1), V())), 'protocol/unsorted-components');
bad('errors', 'consent-duplicate', 'ConsentEntry', 'consent_extensions component 1 twice', cat(u8(1), S(ALICE), S(BOB), u8(0), V(u16(1), V(), u16(1), V())), 'protocol/unsorted-components');
bad('errors', 'search-type-reserved', 'IdentifierRequest', 'SearchIdentifierType reserved(0)', cat(V(u8(0), S('x')), V()), 'protocol/bad-enum');
bad('errors', 'field-source-1', 'IdentifierResponse', 'FieldSource 1 is not defined (only 7, 8)', cat(u8(0), V(), V(S(ALICE), V(u8(1), S('n'), S('v'))), V()), 'protocol/bad-enum');
bad('errors', 'group-info-code-reserved', 'GroupInfoResponse', 'GroupInfoCode reserved(0)', cat(u8(1), S(ROOM), u8(0)), 'protocol/bad-enum');
bad('errors', 'safe-aad-unsorted', 'SafeAAD', 'aad_items 0x21 then 0x20', V(u16(0x21), V(), u16(0x20), V()), 'protocol/unsorted-components');
bad('errors', 'frank-aad-long', 'FrankAAD', '33 bytes', fill(33, 1), 'protocol/trailing-bytes');

// ---------- Haven (havenmessenger/interop) readings that differ (Protocol PR15) ----------
body(
  'haven',
  'haven-consent-extensions-pairs',
  'ConsentEntry',
  'Haven writes consent_extensions as (name<V>, value<V>) pairs; read as the draft\'s AppDataDictionary, the pair ("x", "y") is component 0x0178 with data "y"',
  { consentOperation: 'request', requesterUri: ALICE, targetUri: BOB, clientKeyPackages: [], consentExtensions: [{ componentId: 0x0178, data: H(txt('y')) }] },
  cat(u8(1), S(ALICE), S(BOB), u8(0), V(S('x'), S('y'))),
);
const havenWelcome = cat(u16(1), u16(3), u16(1), V(), V(fill(2, 0xaa)));
bad(
  'haven',
  'haven-welcome-as-mls-message',
  'UpdateRequest',
  'Haven wraps the HandshakeBundle Welcome in an MLSMessage; read as the draft\'s bare Welcome, 00 01 is the suite, 00 the secrets, 03 takes 3 bytes, and the GroupInfoRepresentation octet becomes 02 (partial)',
  cat(COMMIT, u8(1), havenWelcome, u8(1), groupInfo, u8(4)),
  'protocol/unsupported-representation',
);
bad(
  'haven',
  'haven-group-info-with-length',
  'UpdateRequest',
  'Haven puts a <V> length before the GroupInfo; read as the draft\'s embedded GroupInfo, the length octets become the GroupContext version',
  cat(COMMIT, u8(0), u8(1), V(groupInfo), u8(4)),
  'protocol/bad-mls-message',
);
body('haven', 'haven-submit-not-allowed', 'SubmitMessageResponse', 'Haven and mimi-kit agree: notAllowed is protocol, code, nothing else', { statusCode: 'notAllowed' }, cat(u8(1), u8(1)));
body('haven', 'haven-submit-accepted-no-frank', 'SubmitMessageResponse', 'Haven and mimi-kit agree: accepted carries the timestamp and an absent optional<Frank> octet', { statusCode: 'accepted', acceptedTimestamp: U(1n) }, cat(u8(1), u8(0), u64(1n), u8(0)));
body(
  'haven',
  'haven-key-material-no-room',
  'KeyMaterialRequest',
  'Haven and mimi-kit agree: a request outside any room carries an empty roomId (the struct has no optional)',
  { ...kmTbsValue, roomId: '', keyMaterialRequestSignature: H(new Uint8Array(0)) },
  cat(u8(1), S(ALICE), S(BOB), V(), V(u16(1), u16(3)), V(), V(u16(8)), V(), V(REQUESTER_PUB), CRED_ALICE, V()),
);
vectors['directory']!.push({
  id: 'haven-directory-extra-members',
  kind: 'directory',
  description: "Haven's directory adds nested endpoints/wireEndpoints/unsupported members: ignored, the flat keys are read",
  input: { json: JSON.stringify({ keyMaterial: 'https://haven.example/keyMaterial/{targetUser}', endpoints: { a: 1 }, wireEndpoints: {}, unsupported: ['groupInfo'] }) },
  expected: { directory: { keyMaterial: 'https://haven.example/keyMaterial/{targetUser}' } },
});

// ---------- directory ----------
const fullDir = {
  keyMaterial: 'https://mimi.example.com/v1/keyMaterial/{targetUser}',
  update: 'https://mimi.example.com/v1/update/{roomId}',
  notify: 'https://mimi.example.com/v1/notify/{roomId}',
  submitMessage: 'https://mimi.example.com/v1/submitMessage/{roomId}',
  groupInfo: 'https://mimi.example.com/v1/groupInfo/{roomId}',
  requestConsent: 'https://mimi.example.com/v1/requestConsent/{targetUser}',
  updateConsent: 'https://mimi.example.com/v1/updateConsent/{requesterUser}',
  identifierQuery: 'https://mimi.example.com/v1/identifierQuery/{domain}',
  reportAbuse: 'https://mimi.example.com/v1/reportAbuse/{roomId}',
  proxyDownload: 'https://mimi.example.com/v1/proxyDownload/{downloadUrl}',
};
vectors['directory']!.push(
  { id: 'directory-draft', kind: 'directory', description: "the draft's example, with its missing colon after proxyDownload and the slash of update{roomId} restored", input: { json: JSON.stringify(fullDir) }, expected: { directory: fullDir } },
  { id: 'directory-draft-verbatim', kind: 'directory', description: "the draft's example verbatim is not JSON (no colon after \"proxyDownload\")", input: { json: '{"update": "https://mimi.example.com/v1/update{roomId}", "proxyDownload" "https://x/{downloadUrl}"}' }, error: 'protocol/invalid-directory' },
  { id: 'directory-http', kind: 'directory', description: 'plain http is refused', input: { json: '{"notify":"http://mimi.example.com/notify/{roomId}"}' }, error: 'protocol/invalid-directory' },
  { id: 'directory-wrong-variable', kind: 'directory', description: 'notify takes {roomId}, not {targetUser}', input: { json: '{"notify":"https://m.example/notify/{targetUser}"}' }, error: 'protocol/invalid-directory' },
  { id: 'directory-array', kind: 'directory', description: 'not an object', input: { json: '[]' }, error: 'protocol/invalid-directory' },
);

// ---------- franking (draft "Message Franking"), computed from the formulas with @noble ----------
const original = JSON.parse(readFileSync('spec-vectors/content/original.json', 'utf8')) as { vectors: { input: { hex: string } }[] };
const CONTENT = fromHex(original.vectors[0]!.input.hex);
// The salt is the first element of the MIMI content array (draft-ietf-mimi-content): read with cbor2, not mimi-kit.
const decoded = cborDecode(CONTENT) as unknown[];
const SALT = decoded[0] as Uint8Array;
const ext = decoded[5] as Map<number, string>;
const SENDER = ext.get(1)!;
const CROOM = ext.get(2)!;
const HUB_KEY = fill(32, 0x14);
const FRANK_SEED = fill(32, 0x15);
const FRANK_PUB = ed25519.getPublicKey(FRANK_SEED);
const TS = 1700000000123n;
const tag = hmac(sha256, SALT, CONTENT); // franking_tag = HMAC_SHA256(salt, application_data)
const ctx = (ts: bigint, sender = SENDER, room = CROOM): B => cat(S(sender), S(room), u64(ts)); // ServerFrankingContext
const sf = hmac(sha256, HUB_KEY, cat(tag, ctx(TS))); // server_frank = HMAC_SHA256(hub_key, franking_tag || context)
const tbs = cat(sf, u16(1), ctx(TS)); // FrankingIntegrityTBS
const sig = signWithLabel(FRANK_SEED, 'FrankingIntegrityTBS', tbs);
vectors['franking']!.push({
  id: 'frank-original',
  kind: 'franking',
  description: "draft-ietf-mimi-content's Original example franked by a hub (suite 1, Ed25519)",
  input: { salt: hex(SALT), applicationData: hex(CONTENT), hubKey: hex(HUB_KEY), frankingPrivateKey: hex(FRANK_SEED), cipherSuite: 1, senderUri: SENDER, roomUri: CROOM, acceptedTimestamp: String(TS) },
  expected: { frankingTag: hex(tag), serverFrank: hex(sf), frankingIntegritySignature: hex(sig) },
});
const agent = (id: string): string => hex(cat(V(FRANK_PUB), credBasic(id)));
const check = { serverFrank: hex(sf), frankingSignatureCiphersuite: 1, frankingIntegritySignature: hex(sig), frankingTag: hex(tag), applicationData: hex(CONTENT), acceptedTimestamp: String(TS), groupCipherSuite: 1, frankingAgent: agent('mimi://example.com'), hubDomain: 'example.com' };
const fc = (id: string, description: string, input: Record<string, unknown>, error?: string): void => {
  vectors['franking']!.push(error === undefined ? { id, kind: 'frank-check', description, input, expected: { ok: true } } : { id, kind: 'frank-check', description, input, error });
};
fc('check-ok', 'the receiver accepts the frank of frank-original', check);
fc('check-ok-room', 'and the room matches the content roomUri', { ...check, roomId: CROOM });
fc('check-timestamp', 'a follower moved the accepted timestamp by 1 ms', { ...check, acceptedTimestamp: String(TS + 1n) }, 'protocol/frank-signature-invalid');
fc('check-server-frank', 'a follower changed server_frank', { ...check, serverFrank: hex(fill(32, 0)) }, 'protocol/frank-signature-invalid');
fc('check-suite', 'franking_signature_ciphersuite 3 in a suite-1 group', { ...check, frankingSignatureCiphersuite: 3 }, 'protocol/frank-ciphersuite-mismatch');
fc('check-agent-domain', 'the franking_agent credential names another domain', { ...check, frankingAgent: agent('mimi://evil.example') }, 'protocol/frank-agent-mismatch');
fc('check-tag', 'the AAD franking_tag is not HMAC(salt, content)', { ...check, frankingTag: hex(fill(32, 0x16)) }, 'protocol/franking-tag-mismatch');
fc('check-room', 'received in another room than the content roomUri', { ...check, roomId: 'mimi://example.com/r/other' }, 'protocol/frank-context-mismatch');

// ---------- write ----------
const FILES: Record<string, string> = {
  bodies: 'Every body of draft-ietf-mimi-protocol-06, encoded field by field from the struct text',
  errors: 'Negative bodies: each breaks one rule and names the code it must produce',
  haven: 'Where Haven (havenmessenger/interop) reads an encoding differently, and where it agrees (docs/decisions.md Protocol PR15)',
  directory: 'The directory document',
  franking: 'Message franking: the client tag, the hub frank and the receiver check',
};
mkdirSync(OUT, { recursive: true });
for (const [name, description] of Object.entries(FILES)) {
  const f = {
    format: 'mimi-kit-vectors/1',
    suite: 'protocol',
    version: 1,
    description,
    source: { document: 'draft-ietf-mimi-protocol-06', repo: 'ietf-wg-mimi/mimi-protocol', commit: '833394a', note: 'MLS structures per RFC 9420; readings of undefined or inconsistent structs: docs/decisions.md Protocol' },
    vectors: vectors[name]!,
  };
  writeFileSync(`${OUT}/${name}.json`, `${JSON.stringify(f, null, 2)}\n`);
  console.log(`${name}.json: ${vectors[name]!.length} vectors`);
}

// Abort when mimi-kit disagrees (the vectors stay; the failure is printed).
const { protocolSuite } = await import('../src/vectors/protocol.js');
let failed = 0;
for (const list of Object.values(vectors)) {
  for (const v of list) {
    const reason = await protocolSuite.verifiers[v.kind]!(v);
    if (reason !== undefined) {
      failed++;
      console.error(`FAIL ${v.id}: ${reason}`);
    }
  }
}
if (failed > 0) process.exit(1);
