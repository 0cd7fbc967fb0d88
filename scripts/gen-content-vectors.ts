/**
 * Generates spec-vectors/content/*.json from the official examples of draft-ietf-mimi-content
 * (ietf-wg-mimi/draft-ietf-mimi-content 961ea5a) and draft-mahy-mimi-message-status
 * (rohanmahy/mimi-message-status 03e41d6).
 *
 * Independence: no expected value is produced by mimi-kit's content codec.
 * - decode vectors: input = the `.cbor` file; expected content = the `.edn` twin parsed by
 *   src/vectors/edn.ts and mapped to the JSON mapping by `ednToJson` below (a separate, minimal
 *   implementation of docs/json-mapping.md); expected message ID = the ID written in the `.edn` comment.
 * - decode-error vectors: hand edits of the example bytes (each described); the error code is the one
 *   the edit must provoke by the rule it breaks.
 * - message-id vectors: SHA-256 computed here with node:crypto from the formula of
 *   draft-ietf-mimi-content §2.3.
 *
 * Run: `npx tsx scripts/gen-content-vectors.ts` (writes spec-vectors/content/, or $MIMI_VECTORS_OUT; the
 * specs are read from ../shared/specs or $MIMI_SPECS).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CborFloat, CborSimple, CborTag, type CborValue } from '../src/cbor/value.js';
import { encodeCbor } from '../src/cbor/encode.js';
import { parseEdn, statedMessageId } from '../src/vectors/edn.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SPECS = process.env.MIMI_SPECS ?? join(root, '..', 'shared', 'specs');
const EXAMPLES = join(SPECS, 'mimi-content', 'examples');
// This script regenerates the vectors from the drafts' own files, so it needs the reference material
// (a fresh clone has none: the committed spec-vectors/ are what the tests and the CLI use).
for (const need of [EXAMPLES, join(SPECS, 'message-status')]) {
  if (!existsSync(need)) {
    process.stderr.write(
      `gen-content-vectors: ${need} does not exist. This script regenerates spec-vectors/content from the draft example files; ` +
        `put the reference specs at ../shared/specs beside the repository or set MIMI_SPECS to their folder. Nothing was written.\n`,
    );
    process.exit(1);
  }
}
const OUT = process.env.MIMI_VECTORS_OUT ?? join(root, 'spec-vectors', 'content');

const CONTENT_SOURCE = {
  document: 'draft-ietf-mimi-content',
  repo: 'ietf-wg-mimi/draft-ietf-mimi-content',
  commit: '961ea5a',
};
const STATUS_SOURCE = {
  document: 'draft-mahy-mimi-message-status',
  repo: 'rohanmahy/mimi-message-status',
  commit: '03e41d6',
};

const EXAMPLE_NAMES = [
  'original',
  'reply',
  'reaction',
  'mention',
  'mention-html',
  'edit',
  'delete',
  'unlike',
  'expiring',
  'attachment',
  'conferencing',
  'multipart-1',
  'multipart-2',
  'multipart-3',
] as const;

// ------------------------------------------------------------------------------------------------
// Small independent helpers (hex, CBOR heads) so the hand edits below read like the bytes they are.
// ------------------------------------------------------------------------------------------------

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const readHex = (name: string): string => readFileSync(join(EXAMPLES, `${name}.cbor`)).toString('hex');
const utf8Hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

/** The shortest CBOR head (RFC 8949 §3) of a major type and argument, as hex. */
function hd(major: number, n: number): string {
  const m = major << 5;
  const p = (v: number, w: number): string => v.toString(16).padStart(w, '0');
  if (n < 24) return p(m | n, 2);
  if (n < 0x100) return p(m | 24, 2) + p(n, 2);
  if (n < 0x10000) return p(m | 25, 2) + p(n, 4);
  if (n < 0x100000000) return p(m | 26, 2) + p(n, 8);
  return p(m | 27, 2) + p(n, 16);
}
const tx = (s: string): string => hd(3, Buffer.byteLength(s, 'utf8')) + utf8Hex(s);
const bs = (hex: string): string => hd(2, hex.length / 2) + hex;
const arr = (...items: string[]): string => hd(4, items.length) + items.join('');

/** Replaces the one byte-aligned occurrence of `find` in `hex` (throws unless exactly one). */
function edit(hex: string, find: string, replace: string): string {
  const hits: number[] = [];
  for (let i = hex.indexOf(find); i >= 0; i = hex.indexOf(find, i + 1)) if (i % 2 === 0) hits.push(i);
  if (hits.length !== 1) throw new Error(`edit: "${find}" occurs ${hits.length} times`);
  return hex.slice(0, hits[0]) + replace + hex.slice(hits[0]! + find.length);
}

// ------------------------------------------------------------------------------------------------
// The Original example split into its seven fields (asserted to reassemble to the file).
// ------------------------------------------------------------------------------------------------

const ALICE = 'mimi://example.com/u/alice-smith';
const BOB = 'mimi://example.com/u/bob-jones';
const ROOM = 'mimi://example.com/r/engineering_team';
const ORIGINAL_ID = '017ce54837404c3696e0c747b985cb172716d0ed0a3d249ca63ace7d82a096f4';
const MD = 'text/markdown;variant=GFM-MIMI';

const O = {
  salt: bs('5eed9406c2545547ab6f09f20a18b003'),
  replaces: 'f6',
  topicId: '40',
  expires: 'f6',
  inReplyTo: 'f6',
  ext: 'a2' + '01' + tx(ALICE) + '02' + tx(ROOM),
  body: arr('01', '60', '01', tx(MD), bs(utf8Hex('Hi everyone, we just shipped release 2.0. __Good  work__!'))),
};
type Fields = typeof O;
const msg = (f: Partial<Fields> = {}, head = '87'): string => {
  const v = { ...O, ...f };
  return head + v.salt + v.replaces + v.topicId + v.expires + v.inReplyTo + v.ext + v.body;
};
const ORIGINAL = readHex('original');
if (msg() !== ORIGINAL) throw new Error('the Original example does not reassemble from its fields');
const ATTACHMENT = readHex('attachment');
const EXPIRING = readHex('expiring');
const MULTI1 = readHex('multipart-1');
const DELETE = readHex('delete');
const REPLY = readHex('reply');

/** An external part like the Attachment example's, with fields overridable (all as hex items). */
function external(over: Partial<Record<'count' | 'contentType' | 'url' | 'expires' | 'size' | 'encAlg' | 'key' | 'nonce' | 'aad' | 'hashAlg' | 'hash' | 'description' | 'filename', string>> = {}): string {
  const f = {
    contentType: tx('video/mp4'),
    url: tx('https://example.com/storage/8ksB4bSrrRE.mp4'),
    expires: '00',
    size: '1a2a36ced1',
    encAlg: '01',
    key: bs('21399320958a6f4c745dde670d95e0d8'),
    nonce: bs('c86cf2c33f21527d1dd76f5b'),
    aad: '40',
    hashAlg: '01',
    hash: bs('9ab17a8cf0890baaae7ee016c7312fcc080ba46498389458ee44f0276e783163'),
    description: tx('2 hours of key signing video'),
    filename: tx('bigfile.mp4'),
    ...over,
  };
  const items = ['06', tx('en'), '02', f.contentType, f.url, f.expires, f.size, f.encAlg, f.key, f.nonce, f.aad, f.hashAlg, f.hash, f.description, f.filename];
  return (over.count ?? '8f') + items.join('');
}
const ATTACH_FIELDS: Partial<Fields> = {
  salt: bs('18fac6371e4e53f1aeaf8a013155c166'),
  ext: 'a2' + '01' + tx(BOB) + '02' + tx(ROOM),
  body: external(),
};
if (msg(ATTACH_FIELDS) !== ATTACHMENT) throw new Error('the Attachment example does not reassemble');

const single = (text: string, dispo = '01', lang = '60'): string => arr(dispo, lang, '01', tx('text/plain;charset=utf-8'), bs(utf8Hex(text)));
const multi = (sem: string, parts: string[], dispo = '01'): string => hd(4, 5) + dispo + '60' + '03' + sem + arr(...parts);
/** A chain of `levels` nested multiparts (level 1 = the body), innermost holding two single parts. */
function nested(levels: number): string {
  let inner = multi('02', [single('a'), single('b')]);
  for (let i = 1; i < levels - 1; i++) inner = multi('02', [inner, single(String(i))]);
  return levels === 1 ? single('a') : inner;
}
/** A processAll multipart with `n` single parts (n + 1 parts in all). */
const wide = (n: number): string => hd(4, 5) + '01' + '60' + '03' + '02' + hd(4, n) + arr('00', '60', '01', '60', '40').repeat(n);

function float32Hex(x: number): string {
  const b = Buffer.alloc(4);
  b.writeFloatBE(x);
  return b.toString('hex');
}
const ID31 = bs('01' + 'ab'.repeat(30));
const ID33 = bs('01' + 'ab'.repeat(32));
const REPLACES = bs('015354973c2b65ca937bf1e035ae53a5ab80e947afa43d46920d4202e5cc0b27');
const NULLPART = arr('01', '60', '00');
const ext = (...entries: string[]): string => hd(5, entries.length / 2) + entries.join('');
const EXT_1_2 = ['01', tx(ALICE), '02', tx(ROOM)];
const deepArray = (levels: number, leaf: string): string => '81'.repeat(levels) + leaf;

interface NegVector {
  id: string;
  description: string;
  hex: string;
  error: string;
}
const neg: NegVector[] = [];
const N = (id: string, error: string, hex: string, description: string): void => {
  neg.push({ id, description, hex, error });
};

// ---- cbor/non-shortest-head (RFC 8949 §4.2.1: shortest form of every integer and length) -------
const NS = 'cbor/non-shortest-head';
N('non-shortest/top-array-length', NS, '9807' + ORIGINAL.slice(2), 'Original with the top-level array head 0x87 rewritten as 0x98 0x07 (1-byte length 7).');
N('non-shortest/salt-length', NS, msg({ salt: '5810' + O.salt.slice(2) }), 'Original with the salt head 0x50 rewritten as 0x58 0x10.');
N('non-shortest/map-length', NS, msg({ ext: 'b802' + O.ext.slice(2) }), 'Original with the extensions map head 0xa2 rewritten as 0xb8 0x02.');
N('non-shortest/extension-key', NS, msg({ ext: 'a2' + '1801' + tx(ALICE) + '02' + tx(ROOM) }), 'Original with extension key 1 written as 0x18 0x01.');
N('non-shortest/text-length-2-byte', NS, msg({ ext: 'a2' + '01' + '790020' + utf8Hex(ALICE) + '02' + tx(ROOM) }), 'Original with the senderUri length 32 written as 0x79 0x0020.');
N('non-shortest/text-length-4-byte', NS, edit(ORIGINAL, '781e' + utf8Hex(MD), '7a0000001e' + utf8Hex(MD)), 'Original with the contentType length 30 written as 0x7a 0x0000001e.');
N('non-shortest/bytes-length-8-byte', NS, edit(ORIGINAL, '583948', '5b000000000000003948'), 'Original with the content length 57 written as 0x5b and eight bytes.');
N('non-shortest/disposition', NS, msg({ body: '85' + '1801' + O.body.slice(4) }), 'Original with disposition 1 written as 0x18 0x01.');
N('non-shortest/cardinality', NS, msg({ body: '850160' + '1801' + O.body.slice(8) }), 'Original with cardinality 1 written as 0x18 0x01.');
N('non-shortest/part-array-length', NS, msg({ body: '9805' + O.body.slice(2) }), 'Original with the NestedPart array head 0x85 written as 0x98 0x05.');
N('non-shortest/empty-text', NS, msg({ body: '8501' + '7800' + O.body.slice(6) }), 'Original with the empty language "" written as 0x78 0x00.');
N('non-shortest/empty-bytes', NS, msg({ topicId: '5800' }), 'Original with the empty topicId written as 0x58 0x00.');
N('non-shortest/uint32-as-uint64', NS, edit(EXPIRING, '1a62036674', '1b0000000062036674'), 'Expiring with the expiry time 1644390004 written in 8 bytes (0x1b).');
N('non-shortest/size-as-uint64', NS, edit(ATTACHMENT, '1a2a36ced1', '1b000000002a36ced1'), 'Attachment with size 708234961 written in 8 bytes (0x1b).');
N('non-shortest/uint16-for-small', NS, msg({ ...ATTACH_FIELDS, body: external({ encAlg: '190001' }) }), 'Attachment with encAlg 1 written as 0x19 0x0001.');
N('non-shortest/negative-key', NS, msg({ ext: ext(...EXT_1_2, '3800', 'f5') }), 'Original with an extra extension -1: true whose key -1 is written as 0x38 0x00.');

// ---- cbor/indefinite-length (RFC 8949 §4.2.1: definite lengths only) ---------------------------
const IL = 'cbor/indefinite-length';
N('indefinite/top-array', IL, '9f' + ORIGINAL.slice(2) + 'ff', 'Original with the top-level array made indefinite (0x9f … 0xff).');
N('indefinite/part-array', IL, msg({ body: '9f' + O.body.slice(2) + 'ff' }), 'Original with the NestedPart array made indefinite (0x9f … 0xff).');
N('indefinite/map', IL, msg({ ext: 'bf' + O.ext.slice(2) + 'ff' }), 'Original with the extensions map made indefinite (0xbf … 0xff).');
N('indefinite/bytes', IL, msg({ salt: '5f' + O.salt + 'ff' }), 'Original with the salt as an indefinite byte string of one chunk (0x5f 0x50… 0xff).');
N('indefinite/text', IL, edit(ORIGINAL, tx(MD), '7f' + tx(MD) + 'ff'), 'Original with the contentType as an indefinite text string of one chunk (0x7f … 0xff).');
N('indefinite/empty-bytes', IL, msg({ topicId: '5fff' }), 'Original with the empty topicId as an indefinite byte string with no chunks (0x5f 0xff).');
N('indefinite/parts-array', IL, edit(MULTI1, '030082', '03009f') + 'ff', 'Multipart-1 with the parts array made indefinite (0x82 → 0x9f, 0xff appended).');

// ---- map keys (RFC 8949 §4.2.1: sorted bytewise by encoding; RFC 8949 §5.6: no duplicates) ------
N('map/unsorted-int-keys', 'cbor/unsorted-map-keys', msg({ ext: 'a2' + '02' + tx(ROOM) + '01' + tx(ALICE) }), 'Original with extension keys in the order 2, 1.');
N('map/duplicate-key', 'cbor/duplicate-map-key', msg({ ext: 'a2' + '01' + tx(ALICE) + '01' + tx(ROOM) }), 'Original with extension key 2 changed to 1 (key 1 twice).');
N('map/text-key-before-int', 'cbor/unsorted-map-keys', msg({ ext: ext(tx('x'), 'f5', ...EXT_1_2) }), 'Original with an extension "x": true placed before keys 1 and 2 (0x61 sorts after 0x01).');
N('map/negative-key-before-positive', 'cbor/unsorted-map-keys', msg({ ext: ext('20', 'f5', ...EXT_1_2) }), 'Original with an extension -1: true placed first (0x20 sorts after 0x01 and 0x02).');
N('map/text-keys-in-string-order', 'cbor/unsorted-map-keys', msg({ ext: ext(...EXT_1_2, tx('aa'), 'f5', tx('b'), 'f5') }), 'Original with extensions "aa" then "b": string order, but bytewise 0x61 62 ("b") sorts before 0x62 61 61 ("aa").');
N('map/byte-string-key', 'content/invalid-extension-key', msg({ ext: ext(...EXT_1_2, '4100', 'f5') }), 'Original with an extension whose key is the byte string h\'00\' (§7.2: extension keys are integers or text; byte-string keys only in maps nested inside values).');
N('map/bool-key-nested', 'cbor/unsupported-map-key', msg({ ext: ext(...EXT_1_2, '03', 'a1f401') }), 'Original with an extension 3 = {false: 1} (§7.2: keys at any depth are integers, text or byte strings).');
N('map/byte-string-keys-unsorted', 'cbor/unsorted-map-keys', msg({ ext: ext(...EXT_1_2, '03', 'a2' + '41ff' + '01' + '40' + '02') }), "Original with an extension 3 = {h'ff': 1, h'': 2}: 0x40 (h'') sorts before 0x41 ff.");

// ---- framing ----------------------------------------------------------------------------------
N('framing/trailing-byte', 'cbor/trailing-bytes', ORIGINAL + '00', 'Original followed by one 0x00 byte.');
N('framing/two-messages', 'cbor/trailing-bytes', ORIGINAL + ORIGINAL, 'Original twice in a row.');
N('framing/truncated-last-byte', 'cbor/truncated', ORIGINAL.slice(0, -2), 'Original without its last byte.');
N('framing/truncated-in-head', 'cbor/truncated', ORIGINAL.slice(0, ORIGINAL.indexOf('583948') + 2), 'Original cut right after the 0x58 of the content length (the length byte is missing).');
N('framing/only-array-head', 'cbor/truncated', '87', 'Only the array head 0x87.');
N('framing/empty', 'cbor/truncated', '', 'Empty input.');
N('framing/bytes-length-beyond-input', 'cbor/truncated', edit(ORIGINAL, '583948', '5a7fffffff48'), 'Original with the content length 57 replaced by 0x7fffffff (2 GiB, far beyond the input).');
N('framing/array-count-beyond-input', 'cbor/truncated', '9a7fffffff' + ORIGINAL.slice(2), 'Original with the top-level array count 7 replaced by 0x7fffffff.');
N('framing/map-count-beyond-input', 'cbor/truncated', msg({ ext: 'ba7fffffff' + O.ext.slice(2) }), 'Original with the extensions map count 2 replaced by 0x7fffffff.');
N('framing/text-length-2^53-1', 'cbor/truncated', edit(ORIGINAL, '781e' + utf8Hex(MD), '7b001fffffffffffff' + utf8Hex(MD)), 'Original with the contentType length replaced by 2^53-1 (8-byte head).');

// ---- UTF-8 (RFC 8949 §3.1 major type 3; draft §7.2 "text strings … MUST be valid UTF-8") --------
const U = 'cbor/invalid-utf8';
N('utf8/invalid-byte-in-content-type', U, edit(ORIGINAL, '781e74', '781eff'), 'Original with the first byte of the contentType ("t") replaced by 0xff.');
N('utf8/overlong', U, msg({ ext: 'a2' + '01' + '7820' + 'c0af' + utf8Hex(ALICE).slice(4) + '02' + tx(ROOM) }), 'Original with the first two bytes of the senderUri ("mi") replaced by the overlong sequence 0xc0 0xaf.');
N('utf8/surrogate', U, msg({ body: '8501' + '63eda080' + O.body.slice(6) }), 'Original with language set to the 3 bytes 0xed 0xa0 0x80 (an encoded UTF-16 surrogate).');
N('utf8/truncated-sequence', U, msg({ body: '8501' + '62e29d' + O.body.slice(6) }), 'Original with language set to 0xe2 0x9d (a 3-byte sequence cut short).');
N('utf8/in-extension-value', U, msg({ ext: ext(...EXT_1_2, '03', '61ff') }), 'Original with an extension 3 whose text value is the single byte 0xff.');

// ---- integers outside ±(2^53-1) (draft §7.2) -----------------------------------------------------
const IR = 'cbor/integer-out-of-range';
// A big integer is a valid CBOR integer: on a MIMI field it fails with that field's code (like any wrong type).
N('int/size-2^53', 'content/bad-structure', edit(ATTACHMENT, '1a2a36ced1', '1b0020000000000000'), 'Attachment with size 2^53 (0x1b 0020000000000000), beyond the 2^53-1 that size takes.');
N('int/expires-2^64-1', 'content/invalid-expiration', edit(EXPIRING, '1a62036674', '1bffffffffffffffff'), 'Expiring with the expiry time 2^64-1 (§3.6: uint .size 4).');
N('int/negative-key-below-range', IR, msg({ ext: ext(...EXT_1_2, '3b001fffffffffffff', 'f5') }), 'Original with an extension key -2^53 (0x3b 001fffffffffffff), one below the range.');

// ---- bignums (RFC 8949 §3.4.3: preferred serialization only for values beyond major types 0/1) ---
const NPB = 'cbor/non-preferred-bignum';
N('bignum/fits-uint64', NPB, msg({ ext: ext(...EXT_1_2, '03', 'c248ffffffffffffffff') }), 'Original with an extension 3 = 2^64-1 as a bignum (tag 2, 8 bytes): it fits 0x1b ffffffffffffffff.');
N('bignum/small', NPB, msg({ ext: ext(...EXT_1_2, '03', 'c24101') }), 'Original with an extension 3 = 1 as a bignum (0xc2 41 01).');
N('bignum/leading-zero', NPB, msg({ ext: ext(...EXT_1_2, '03', 'c24a00010000000000000000') }), 'Original with an extension 3 = 2^64 as a bignum with a leading zero byte.');
N('bignum/negative-fits-nint64', NPB, msg({ ext: ext(...EXT_1_2, '03', 'c348ffffffffffffffff') }), 'Original with an extension 3 = -2^64 as a bignum (tag 3): it fits 0x3b ffffffffffffffff.');
N('bignum/not-bytes', 'cbor/invalid-bignum', msg({ ext: ext(...EXT_1_2, '03', 'c26161') }), 'Original with an extension 3 = tag 2 around the text "a" (a bignum encloses a byte string).');

// ---- tags: allowed by CBOR in extension values (§7.3 shows tag 32), never on a MIMI field -------
N('tag/on-salt', 'content/invalid-salt', msg({ salt: 'd840' + O.salt }), 'Original with the salt wrapped in tag 64 (0xd8 0x40).');
N('tag/on-content-type', 'content/bad-structure', edit(ORIGINAL, tx(MD), 'd820' + tx(MD)), 'Original with the contentType wrapped in tag 32 (URI).');
N('tag/on-sender-uri', 'content/invalid-sender-uri', msg({ ext: 'a2' + '01' + 'd820' + tx(ALICE) + '02' + tx(ROOM) }), 'Original with the senderUri wrapped in tag 32 (URI).');
N('tag/indefinite', 'cbor/reserved-additional-info', msg({ ext: ext(...EXT_1_2, '03', 'df00') }), 'Original with an extension 3 whose value starts 0xdf (major type 6 with additional info 31).');

// ---- floats (RFC 8949 §4.2.1/§4.2.2; draft §7.2 NaN rule) --------------------------------------
N('float/nan-single', 'cbor/non-canonical-nan', msg({ ext: ext(...EXT_1_2, '03', 'fa7fc00000') }), 'Original with an extension 3 = NaN as a single-precision float (only 0xf9 7e00 is allowed).');
N('float/nan-payload', 'cbor/non-canonical-nan', msg({ ext: ext(...EXT_1_2, '03', 'f97e01') }), 'Original with an extension 3 = a half-precision NaN with payload 0x7e01.');
N('float/nan-double', 'cbor/non-canonical-nan', msg({ ext: ext(...EXT_1_2, '03', 'fb7ff8000000000000') }), 'Original with an extension 3 = NaN as a double.');
N('float/non-shortest-single', 'cbor/non-shortest-float', msg({ ext: ext(...EXT_1_2, '03', 'fa3f800000') }), 'Original with an extension 3 = 1.0 as a single (0xf9 3c00 is shorter).');
N('float/non-shortest-double', 'cbor/non-shortest-float', msg({ ext: ext(...EXT_1_2, '03', 'fb3ff8000000000000') }), 'Original with an extension 3 = 1.5 as a double (0xf9 3e00 is shorter).');
N('float/disposition', 'content/invalid-disposition', msg({ body: '85' + 'f93c00' + O.body.slice(4) }), 'Original with disposition 1 written as the float 1.0 (0xf9 3c00).');
N('float/expires-time', 'content/invalid-expiration', edit(EXPIRING, '1a62036674', 'fa' + float32Hex(1644390004)), `Expiring with the expiry time as the single-precision float nearest 1644390004 (0xfa ${float32Hex(1644390004)}).`);
N('float/cardinality', 'content/unknown-cardinality', msg({ body: '850160' + 'f93c00' + O.body.slice(8) }), 'Original with cardinality 1 written as the float 1.0.');

// ---- reserved additional information 28–30 and misplaced 31 (RFC 8949 §3) ----------------------
const RA = 'cbor/reserved-additional-info';
N('reserved/info-28-uint', RA, msg({ body: '85' + '1c' + O.body.slice(4) }), 'Original with the disposition byte 0x01 replaced by 0x1c (major 0, info 28).');
N('reserved/info-29-negint', RA, msg({ body: '85' + '3d' + O.body.slice(4) }), 'Original with the disposition byte replaced by 0x3d (major 1, info 29).');
N('reserved/info-30-bytes', RA, msg({ salt: '5e' + O.salt.slice(2) }), 'Original with the salt head 0x50 replaced by 0x5e (major 2, info 30).');
N('reserved/info-28-simple', RA, msg({ replaces: 'fc' }), 'Original with replaces (0xf6) replaced by 0xfc (major 7, info 28).');
N('reserved/info-31-uint', RA, msg({ body: '85' + '1f' + O.body.slice(4) }), 'Original with the disposition byte replaced by 0x1f (major 0 has no indefinite form).');

// ---- break / simple values ----------------------------------------------------------------------
N('break/as-field', 'cbor/unexpected-break', msg({ replaces: 'ff' }), 'Original with replaces (0xf6) replaced by a break 0xff inside the definite array.');
N('break/alone', 'cbor/unexpected-break', 'ff', 'A lone break byte 0xff.');
N('break/as-map-key', 'cbor/unexpected-break', msg({ ext: 'a2' + '01' + tx(ALICE) + 'ff' + tx(ROOM) }), 'Original with extension key 2 replaced by 0xff.');
N('simple/two-byte-form-below-32', 'cbor/invalid-simple', msg({ ext: ext(...EXT_1_2, '03', 'f810') }), 'Original with an extension 3 = simple(16) in the two-byte form 0xf8 0x10 (must be 0xf0).');
N('simple/undefined-replaces', 'content/invalid-message-id', msg({ replaces: 'f7' }), 'Original with replaces = undefined (0xf7) instead of null.');
N('depth/cbor-nesting-40', 'cbor/too-deep', msg({ ext: ext(...EXT_1_2, '03', deepArray(40, '00')) }), 'Original with an extension 3 = 40 nested one-element arrays (beyond the decoder depth limit 32).');

// ---- content structure (draft-ietf-mimi-content §3, §4, CDDL in Appendix B) ---------------------
const BS = 'content/bad-structure';
N('structure/top-array-6', BS, '86' + ORIGINAL.slice(2, ORIGINAL.length - O.body.length), 'Original with nestedPart removed and the array head 0x87 → 0x86.');
N('structure/top-array-8', BS, '88' + ORIGINAL.slice(2) + 'f6', 'Original with a null appended and the array head 0x87 → 0x88.');
N('structure/top-map', BS, 'a0', 'An empty map instead of the 7-element array.');
N('structure/top-byte-string', BS, bs(ORIGINAL), 'The Original message wrapped in a byte string.');
N('salt/15-bytes', 'content/invalid-salt', msg({ salt: '4f' + O.salt.slice(2, -2) }), 'Original with the last salt byte removed (0x50 → 0x4f).');
N('salt/17-bytes', 'content/invalid-salt', msg({ salt: '51' + O.salt.slice(2) + '00' }), 'Original with a 0x00 appended to the salt (0x50 → 0x51).');
N('salt/text', 'content/invalid-salt', msg({ salt: tx('0123456789abcdef') }), 'Original with the salt as the 16-character text "0123456789abcdef".');
N('salt/null', 'content/invalid-salt', msg({ salt: 'f6' }), 'Original with salt = null.');
N('message-id/replaces-31-bytes', 'content/invalid-message-id', edit(DELETE, REPLACES, ID31), 'Delete with replaces shortened to 31 bytes (0x01 then 30 × 0xab).');
N('message-id/replaces-33-bytes', 'content/invalid-message-id', edit(DELETE, REPLACES, ID33), 'Delete with replaces lengthened to 33 bytes.');
N('message-id/replaces-text', 'content/invalid-message-id', msg({ replaces: tx('015354973c2b65ca') }), 'Original with replaces as a text string.');
N('message-id/replaces-int', 'content/invalid-message-id', msg({ replaces: '00' }), 'Original with replaces = 0.');
N('message-id/replaces-false', 'content/invalid-message-id', msg({ replaces: 'f4' }), 'Original with replaces = false.');
N('message-id/in-reply-to-empty', 'content/invalid-message-id', msg({ inReplyTo: '40' }), "Original with inReplyTo = h'' (empty byte string).");
N('message-id/in-reply-to-31-bytes', 'content/invalid-message-id', msg({ inReplyTo: ID31 }), 'Original with inReplyTo a 31-byte string.');
N('message-id/unknown-hash-alg', 'content/unknown-message-id-alg', edit(REPLY, '5820017ce548', '5820027ce548'), 'Reply with the first octet of inReplyTo changed from 0x01 (SHA-256) to 0x02 (§9.1: unknown hash algorithm).');
N('topic/null', 'content/invalid-topic-id', msg({ topicId: 'f6' }), 'Original with topicId = null.');
N('topic/text', 'content/invalid-topic-id', msg({ topicId: tx('Foo 118') }), 'Original with topicId as the text "Foo 118".');
N('topic/4097-bytes', 'content/topic-too-long', msg({ topicId: bs('00'.repeat(4097)) }), 'Original with a topicId of 4097 zero bytes (§9.1: more than 4096 octets).');
const EI = 'content/invalid-expiration';
N('expires/int', EI, msg({ expires: '1a62036674' }), 'Original with expires = 1644390004 (not an array).');
N('expires/one-element', EI, msg({ expires: arr('f4') }), 'Original with expires = [false].');
N('expires/three-elements', EI, msg({ expires: arr('f4', '1a62036674', '00') }), 'Original with expires = [false, 1644390004, 0].');
N('expires/relative-not-bool', EI, msg({ expires: arr('00', '1a62036674') }), 'Original with expires = [0, 1644390004] (relative must be a bool).');
N('expires/time-2^32', EI, edit(EXPIRING, '1a62036674', '1b0000000100000000'), 'Expiring with the expiry time 2^32 (uint .size 4 allows at most 2^32-1).');
N('expires/time-negative', EI, edit(EXPIRING, '1a62036674', '20'), 'Expiring with the expiry time -1.');
N('expires/time-null', EI, edit(EXPIRING, '1a62036674', 'f6'), 'Expiring with the expiry time null.');
N('expires/relative-more-than-a-year', 'content/expiry-too-far', msg({ expires: arr('f5', '1a01e28501') }), 'Original with expires = [true, 31622401] (§9.1: more than a year; limit 366 days = 31622400 s).');
N('extensions/array', 'content/invalid-extensions', msg({ ext: '80' }), 'Original with the extensions map replaced by an empty array.');
N('extensions/null', 'content/invalid-extensions', msg({ ext: 'f6' }), 'Original with extensions = null.');
N('extensions/sender-uri-bytes', 'content/invalid-sender-uri', msg({ ext: 'a2' + '01' + bs(utf8Hex(ALICE)) + '02' + tx(ROOM) }), 'Original with the senderUri as a byte string (0x78 → 0x58).');
N('extensions/room-uri-int', 'content/invalid-room-uri', msg({ ext: 'a2' + '01' + tx(ALICE) + '02' + '00' }), 'Original with roomUri = 0.');
const EK = 'content/invalid-extension-key';
N('extensions/text-key-empty', EK, msg({ ext: ext(...EXT_1_2, '60', 'f5') }), 'Original with an extension "" (0 octets; §7.2: text keys are 1..255 octets).');
N('extensions/text-key-256', EK, msg({ ext: ext(...EXT_1_2, tx('k'.repeat(256)), 'f5') }), 'Original with an extension whose key is 256 × "k" (256 octets).');
N('extensions/text-key-256-octets-128-chars', EK, msg({ ext: ext(...EXT_1_2, tx('é'.repeat(128)), 'f5') }), 'Original with an extension whose key is 128 × "é": 128 characters but 256 UTF-8 octets.');
N('extensions/too-deep', 'content/extension-too-deep', msg({ ext: ext(...EXT_1_2, '03', deepArray(4, '00')) }), 'Original with an extension 3 = [[[[0]]]]: the map is level 1, the arrays levels 2–5 (§7.3: at most 4).');
N('part/text', BS, msg({ body: tx('Hi') }), 'Original with the NestedPart replaced by the text "Hi".');
N('part/two-elements', BS, msg({ body: arr('01', '60') }), 'Original with the NestedPart [1, ""] (no cardinality).');
N('part/map', BS, msg({ body: 'a0' }), 'Original with the NestedPart replaced by an empty map.');
const DI = 'content/invalid-disposition';
N('disposition/256', DI, msg({ body: '85' + '190100' + O.body.slice(4) }), 'Original with disposition 256 (0x19 0100; dispositions are 0..255).');
N('disposition/negative', DI, msg({ body: '85' + '20' + O.body.slice(4) }), 'Original with disposition -1.');
N('disposition/text', DI, msg({ body: '85' + tx('render') + O.body.slice(4) }), 'Original with disposition "render" (text).');
N('language/bytes', 'content/invalid-language', msg({ body: '8501' + '40' + O.body.slice(6) }), "Original with language h'' instead of \"\".");
N('language/null', 'content/invalid-language', msg({ body: '8501' + 'f6' + O.body.slice(6) }), 'Original with language null.');
const UC = 'content/unknown-cardinality';
N('cardinality/4', UC, msg({ body: '850160' + '04' + O.body.slice(8) }), 'Original with cardinality 4 (defined: 0..3).');
N('cardinality/negative', UC, msg({ body: '850160' + '20' + O.body.slice(8) }), 'Original with cardinality -1.');
N('cardinality/text', UC, msg({ body: '850160' + tx('single') + O.body.slice(8) }), 'Original with cardinality "single" (text).');
N('nullpart/extra-item', BS, edit(DELETE, '83016000', '8401600000'), 'Delete with the NullPart [1, "", 0] given a fourth item 0.');
N('nullpart/without-replaces', 'content/unexpected-null-part', msg({ body: NULLPART }), 'Original with its body replaced by a NullPart although replaces is null (§3.8: a NullPart body is a delete or unlike).');
N('nullpart/inside-multipart', 'content/unexpected-null-part', edit(DELETE, '83016000', multi('02', [NULLPART, single('x')])), 'Delete whose body is a processAll MultiPart holding a NullPart and a single part.');
N('single/four-items', BS, msg({ body: arr('01', '60', '01', tx(MD)) }), 'Original with the SinglePart content removed (array of 4).');
N('single/six-items', BS, msg({ body: '86' + O.body.slice(2) + '40' }), "Original with an extra h'' after the content (array of 6).");
N('single/content-type-bytes', BS, edit(ORIGINAL, tx(MD), bs(utf8Hex(MD))), 'Original with the contentType as a byte string (0x78 1e → 0x58 1e).');
N('single/content-text', BS, edit(ORIGINAL, '583948', '783948'), 'Original with the content as a text string (0x58 39 → 0x78 39).');
N('external/fourteen-items', BS, msg({ ...ATTACH_FIELDS, body: external({ count: '8e', filename: '' }) }), 'Attachment without the filename (array of 14).');
N('external/hash-alg-256', BS, msg({ ...ATTACH_FIELDS, body: external({ hashAlg: '190100' }) }), 'Attachment with hashAlg 256 (uint .size 1).');
N('external/hash-alg-unknown', 'content/unknown-hash-alg', msg({ ...ATTACH_FIELDS, body: external({ hashAlg: '1863' }) }), 'Attachment with hashAlg 99 (not in the IANA Named Information registry).');
N('external/hash-length', 'content/content-hash-length', msg({ ...ATTACH_FIELDS, body: external({ hash: bs('9ab17a8cf0890baaae7ee016c7312fcc080ba46498389458ee44f0276e7831') }) }), 'Attachment with the sha-256 contentHash cut to 31 bytes.');
N('external/hash-alg-0-with-hash', 'content/content-hash-length', msg({ ...ATTACH_FIELDS, body: external({ hashAlg: '00' }) }), 'Attachment with hashAlg 0 (none) but the 32-byte contentHash kept.');
N('external/enc-alg-65536', BS, msg({ ...ATTACH_FIELDS, body: external({ encAlg: '1a00010000' }) }), 'Attachment with encAlg 65536 (uint .size 2).');
N('external/expires-2^32', BS, msg({ ...ATTACH_FIELDS, body: external({ expires: '1b0000000100000000' }) }), 'Attachment with the URL expiry 2^32 (uint .size 4).');
N('external/url-bytes', BS, msg({ ...ATTACH_FIELDS, body: external({ url: bs(utf8Hex('https://example.com/storage/8ksB4bSrrRE.mp4')) }) }), 'Attachment with the url as a byte string.');
N('external/size-negative', BS, msg({ ...ATTACH_FIELDS, body: external({ size: '20' }) }), 'Attachment with size -1.');
N('external/enc-alg-0-with-key', 'content/bad-encryption-params', msg({ ...ATTACH_FIELDS, body: external({ encAlg: '00' }) }), 'Attachment with encAlg 0 (not encrypted) but the key and nonce kept (§4.3: they must be empty).');
N('external/aes-128-gcm-short-key', 'content/bad-encryption-params', msg({ ...ATTACH_FIELDS, body: external({ key: bs('21399320958a6f4c745dde670d95e0') }) }), 'Attachment (encAlg 1 = AES-128-GCM) with a 15-byte key.');
const MP = 'content/multipart-too-few-parts';
N('multipart/one-part', MP, msg({ body: multi('00', [single('a')]) }), 'Original with a chooseOne MultiPart holding one part (CDDL: [2* NestedPart]).');
N('multipart/no-parts', MP, msg({ body: multi('00', []) }), 'Original with a chooseOne MultiPart holding no parts.');
N('multipart/semantics-3', 'content/unknown-part-semantics', edit(MULTI1, '0300', '0303'), 'Multipart-1 with partSemantics 3 (defined: 0..2).');
N('multipart/semantics-text', 'content/unknown-part-semantics', edit(MULTI1, '030082', '03' + tx('chooseOne') + '82'), 'Multipart-1 with partSemantics "chooseOne" (text).');
N('multipart/parts-map', BS, msg({ body: hd(4, 5) + '01' + '60' + '03' + '00' + 'a0' }), 'Original with a MultiPart whose parts field is an empty map.');
N('multipart/depth-5', 'content/too-deep', msg({ body: nested(5) }), 'Original with a body of MultiParts nested 5 levels deep (§7.3: at most 4).');
N('multipart/1025-parts', 'content/too-many-parts', msg({ body: wide(1024) }), 'Original with a processAll MultiPart of 1024 single parts: 1025 parts in all (§9.1: more than 1024).');

// ------------------------------------------------------------------------------------------------
// Positive edge cases: must decode and re-encode to the same bytes.
// ------------------------------------------------------------------------------------------------
interface PosVector {
  id: string;
  description: string;
  hex: string;
}
const pos: PosVector[] = [];
const P = (id: string, hex: string, description: string): void => {
  pos.push({ id, hex, description });
};
for (const name of EXAMPLE_NAMES) P(`example/${name}`, readHex(name), `The ${name} example of the draft.`);
P('extensions/text-key-255', msg({ ext: ext(...EXT_1_2, tx('k'.repeat(255)), 'f5') }), 'Original with an extension whose key is 255 × "k" (the longest allowed).');
P('extensions/text-key-1', msg({ ext: ext(...EXT_1_2, tx('k'), 'f5') }), 'Original with an extension "k": true.');
P('extensions/negative-and-text-keys', msg({ ext: ext(...EXT_1_2, '20', 'f4', tx('k'), tx('v')) }), 'Original with extensions -1: false and "k": "v" (private use), in bytewise order.');
P('extensions/depth-4', msg({ ext: ext('01', tx('mimi://a.example/u/alice'), '190100', arr(arr(bs('1234'), 'd820' + tx('http://example.com')), arr(bs('3456'), '19168b'))) }), 'The 4-level extensions map of draft §7.3 ("Depth restrictions"): {1: uri, 256: [[h\'1234\', 32("http://example.com")], [h\'3456\', 5771]]}.');
P('extensions/floats', msg({ ext: ext(...EXT_1_2, '03', 'f93e00', '04', 'f97e00', '05', 'fa47800000', '06', 'fb3ff199999999999a') }), 'Original with float extensions in their shortest forms: 1.5 (half), NaN (0xf9 7e00), 65536.0 (single), 1.1 (double).');
P('extensions/int-2^64-1', msg({ ext: ext(...EXT_1_2, '03', '1bffffffffffffffff') }), 'Original with an extension 3 = 2^64-1 (0x1b ffffffffffffffff; beyond 2^53, "value = any", §3.7).');
P('extensions/int-minus-2^64', msg({ ext: ext(...EXT_1_2, '03', '3bffffffffffffffff') }), 'Original with an extension 3 = -2^64 (0x3b ffffffffffffffff), the most negative major-type-1 integer.');
P('extensions/bignum-2^64', msg({ ext: ext(...EXT_1_2, '03', 'c249010000000000000000') }), 'Original with an extension 3 = 2^64 as a bignum (RFC 8949 §3.4.3: 0xc2 49 01 0000000000000000).');
P('extensions/bignum-minus-2^64-1', msg({ ext: ext(...EXT_1_2, '03', 'c349010000000000000000') }), 'Original with an extension 3 = -2^64-1 as a bignum (tag 3).');
P('extensions/byte-string-keys', msg({ ext: ext(...EXT_1_2, '03', 'a2' + '40' + '01' + '41ff' + '02') }), "Original with an extension 3 = {h'': 1, h'ff': 2} (§7.2: byte-string keys in nested maps).");
P('extensions/mixed-keys-sorted', msg({ ext: ext(...EXT_1_2, '03', 'a4' + '0a01' + '2002' + '41ff03' + '616104') }), "Original with an extension 3 = {10: 1, -1: 2, h'ff': 3, \"a\": 4}: keys in bytewise order of their encodings 0a < 20 < 41ff < 6161.");
P('extensions/none', msg({ ext: 'a0' }), 'Original with an empty extensions map (no senderUri/roomUri: the message ID then needs them from MLS).');
P('disposition/9-unknown', msg({ body: '85' + '09' + O.body.slice(4) }), 'Original with disposition 9 (unknown; preserved and treated as render).');
P('disposition/255', msg({ body: '85' + '18ff' + O.body.slice(4) }), 'Original with disposition 255 (the largest).');
P('multipart/depth-4', msg({ body: nested(4) }), 'Original with a body of MultiParts nested exactly 4 levels deep.');
P('multipart/1024-parts', msg({ body: wide(1023) }), 'Original with a processAll MultiPart of 1023 single parts: 1024 parts in all (the limit).');
P('multipart/single-unit', msg({ body: multi('01', [single('a'), single('b')]) }), 'Original with a singleUnit (1) MultiPart of two parts.');
P('expires/max-time', msg({ expires: arr('f4', '1affffffff') }), 'Original with expires = [false, 2^32-1].');
P('expires/relative-one-year', msg({ expires: arr('f5', '1a01e28500') }), 'Original with expires = [true, 31622400] (366 days, the limit).');
P('topic/4096-bytes', msg({ topicId: bs('00'.repeat(4096)) }), 'Original with a topicId of 4096 zero bytes (the limit).');
P('external/hash-alg-sha-512', msg({ ...ATTACH_FIELDS, body: external({ hashAlg: '08', hash: bs('ab'.repeat(64)) }) }), 'Attachment with hashAlg 8 (sha-512) and a 64-byte contentHash.');
P('language/list', msg({ body: '8501' + tx('en,fr') + O.body.slice(6) }), 'Original with language "en,fr".');

// ------------------------------------------------------------------------------------------------
// Message IDs with explicit sender/room URIs, computed here with node:crypto (draft §2.3).
// ------------------------------------------------------------------------------------------------
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
/** draft-ietf-mimi-content §2.3: 0x01 || SHA-256(len||sender || len||room || message || salt)[0..30]. */
function refId(hex: string, senderUri: string, roomUri: string, saltHex: string): string {
  const s = Buffer.from(senderUri, 'utf8');
  const r = Buffer.from(roomUri, 'utf8');
  const h = createHash('sha256').update(u16(s.length)).update(s).update(u16(r.length)).update(r).update(Buffer.from(hex, 'hex')).update(Buffer.from(saltHex, 'hex')).digest();
  return '01' + h.subarray(0, 31).toString('hex');
}
const idVectors: unknown[] = [];
const saltOf = (hex: string): string => {
  // Every example starts 0x87 0x50 <16-byte salt>.
  if (!hex.startsWith('8750')) throw new Error('unexpected example head');
  return hex.slice(4, 36);
};
// Sanity check of refId against an ID stated in the draft (independent of mimi-kit's code).
if (refId(ORIGINAL, ALICE, ROOM, saltOf(ORIGINAL)) !== ORIGINAL_ID) throw new Error('refId does not reproduce the Original ID');
const NO_EXT = msg({ ext: 'a0' });
const idCases: { id: string; hex: string; senderUri?: string; roomUri?: string; description: string }[] = [
  { id: 'original/defaults', hex: ORIGINAL, description: 'Original with the URIs of its extensions 1 and 2 (= the ID in the draft).' },
  { id: 'original/sender-override', hex: ORIGINAL, senderUri: BOB, description: 'Original hashed with senderUri overridden to Bob.' },
  { id: 'original/room-override', hex: ORIGINAL, roomUri: 'mimi://example.com/r/other-room', description: 'Original hashed with roomUri overridden.' },
  { id: 'original/both-override', hex: ORIGINAL, senderUri: 'mimi://b.example/u/x', roomUri: 'mimi://b.example/r/y', description: 'Original hashed with both URIs overridden.' },
  { id: 'original/empty-uris', hex: ORIGINAL, senderUri: '', roomUri: '', description: 'Original hashed with both URIs empty (two zero lengths).' },
  { id: 'original/non-ascii-uri', hex: ORIGINAL, senderUri: 'mimi://example.com/u/zoë', description: 'senderUri with a non-ASCII character: its length is in UTF-8 octets (26), not characters (25).' },
  { id: 'no-extensions/given', hex: NO_EXT, senderUri: ALICE, roomUri: ROOM, description: 'Original with an empty extensions map; the URIs come from the options (as from MLS).' },
];
for (const c of idCases) {
  const c2 = { ...c };
  const sender = c.senderUri ?? (c.hex === NO_EXT ? undefined : ALICE);
  const room = c.roomUri ?? (c.hex === NO_EXT ? undefined : ROOM);
  if (sender === undefined || room === undefined) throw new Error('case needs URIs');
  idVectors.push({
    id: c.id,
    kind: 'message-id',
    description: c.description,
    input: { hex: c.hex, ...(c.senderUri === undefined ? {} : { senderUri: c.senderUri }), ...(c.roomUri === undefined ? {} : { roomUri: c.roomUri }) },
    expected: { messageId: refId(c.hex, sender, room, saltOf(c.hex)) },
  });
  void c2;
}
idVectors.push({
  id: 'no-extensions/missing-sender',
  kind: 'message-id-error',
  description: 'Original with an empty extensions map and no senderUri given: no ID can be computed.',
  input: { hex: NO_EXT, roomUri: ROOM },
  error: 'content/missing-sender-uri',
});
idVectors.push({
  id: 'no-extensions/missing-room',
  kind: 'message-id-error',
  description: 'Original with an empty extensions map and no roomUri given.',
  input: { hex: NO_EXT, senderUri: ALICE },
  error: 'content/missing-room-uri',
});

// ------------------------------------------------------------------------------------------------
// The JSON mapping (docs/json-mapping.md), implemented independently on the EDN parse tree.
// ------------------------------------------------------------------------------------------------
const SEM = ['chooseOne', 'singleUnit', 'processAll'];
function cborToJson(v: CborValue): unknown {
  // Generic CBOR → JSON for extension values (docs/json-mapping.md "Extension values").
  if (v instanceof Uint8Array) return { bytes: hexOf(v) };
  if (Array.isArray(v)) return v.map(cborToJson);
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [k, cborToJson(x)]) };
  if (v instanceof CborFloat) {
    const x = v.value;
    return { float: Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : Object.is(x, -0) ? '-0' : x };
  }
  if (v instanceof CborTag) return { tag: v.tag, value: cborToJson(v.value) };
  if (v instanceof CborSimple) return { simple: v.value };
  if (v === undefined) return { undefined: true };
  return v;
}
/** Extension keys in JSON: integers as "#n", text as-is with a leading "#" or "\\" escaped by "\\". */
const keyToJson = (k: number | string): string => (typeof k === 'number' ? `#${k}` : /^[#\\]/.test(k) ? `\\${k}` : k);
function partToJson(p: CborValue): unknown {
  const a = p as CborValue[];
  const head = { disposition: a[0], language: a[1] };
  switch (a[2]) {
    case 0:
      return { ...head, cardinality: 'nullpart' };
    case 1:
      return { ...head, cardinality: 'single', contentType: a[3], content: hexOf(a[4] as Uint8Array) };
    case 2:
      return {
        ...head,
        cardinality: 'external',
        contentType: a[3],
        url: a[4],
        expires: a[5],
        size: a[6],
        encAlg: a[7],
        key: hexOf(a[8] as Uint8Array),
        nonce: hexOf(a[9] as Uint8Array),
        aad: hexOf(a[10] as Uint8Array),
        hashAlg: a[11],
        contentHash: hexOf(a[12] as Uint8Array),
        description: a[13],
        filename: a[14],
      };
    default:
      return { ...head, cardinality: 'multi', partSemantics: SEM[a[3] as number], parts: (a[4] as CborValue[]).map(partToJson) };
  }
}
function ednToJson(v: CborValue): unknown {
  const a = v as CborValue[];
  const id = (x: CborValue): string | null => (x === null ? null : hexOf(x as Uint8Array));
  const exp = a[3] === null ? null : { relative: (a[3] as CborValue[])[0], time: (a[3] as CborValue[])[1] };
  const e = a[5] as Map<number | string, CborValue>;
  const extensions: Record<string, unknown> = {};
  const other: Record<string, unknown> = {};
  for (const [k, x] of e) {
    if (k === 1) extensions.senderUri = x;
    else if (k === 2) extensions.roomUri = x;
    else other[keyToJson(k)] = cborToJson(x);
  }
  if (Object.keys(other).length) extensions.other = other;
  return {
    salt: hexOf(a[0] as Uint8Array),
    replaces: id(a[1]!),
    topicId: hexOf(a[2] as Uint8Array),
    expires: exp,
    inReplyTo: id(a[4]!),
    extensions,
    nestedPart: partToJson(a[6]!),
  };
}

/** Negative status-report vectors: edits of status.cbor (84 [82 5820 <id> 02] …). */
function statusErrors(hex: string): NegVector[] {
  const first = hex.slice(2, 2 + 2 + 4 + 64 + 2); // 82 5820 <id> 02
  const id = first.slice(2, 2 + 4 + 64);
  return [
    { id: 'status/tag', error: 'cbor/tag-not-allowed', hex: edit(hex, first, '82' + 'd840' + id + '02'), description: 'status.cbor with the first messageId wrapped in tag 64 (a status report has no tagged items).' },
    { id: 'status/not-array', error: 'status/bad-structure', hex: 'a0', description: 'An empty map instead of the report array.' },
    { id: 'status/entry-three-items', error: 'status/bad-structure', hex: edit(hex, first, '83' + id + '02' + '00'), description: 'status.cbor with a third item 0 in the first entry.' },
    { id: 'status/id-31-bytes', error: 'status/invalid-message-id', hex: edit(hex, first, '82' + '581f' + id.slice(4, -2) + '02'), description: 'status.cbor with the first messageId cut to 31 bytes.' },
    { id: 'status/id-text', error: 'status/invalid-message-id', hex: edit(hex, first, '82' + tx('0'.repeat(32)) + '02'), description: 'status.cbor with the first messageId replaced by the 32-character text "000…0".' },
    { id: 'status/status-256', error: 'status/invalid-status', hex: edit(hex, first, '82' + id + '190100'), description: 'status.cbor with the first status 256.' },
    { id: 'status/status-negative', error: 'status/invalid-status', hex: edit(hex, first, '82' + id + '20'), description: 'status.cbor with the first status -1.' },
    { id: 'status/non-shortest', error: 'cbor/non-shortest-head', hex: edit(hex, first, '82' + id + '1802'), description: 'status.cbor with the first status 2 written as 0x18 0x02.' },
    { id: 'status/trailing', error: 'cbor/trailing-bytes', hex: hex + '80', description: 'status.cbor followed by an empty array.' },
  ];
}

// ------------------------------------------------------------------------------------------------
// Write the files.
// ------------------------------------------------------------------------------------------------
mkdirSync(OUT, { recursive: true });
const write = (file: string, data: unknown): void => {
  writeFileSync(join(OUT, file), JSON.stringify(data, null, 2) + '\n');
};
const fileHead = (suite: string, description: string, source: Record<string, string>) => ({
  format: 'mimi-kit-vectors/1',
  suite,
  version: 1,
  description,
  source,
});

const manifestFiles: { file: string; source: string; vectors: number; from?: string[] }[] = [];

for (const name of EXAMPLE_NAMES) {
  const cborHex = readHex(name);
  const ednText = readFileSync(join(EXAMPLES, `${name}.edn`), 'utf8');
  const value = parseEdn(ednText);
  if (hexOf(encodeCbor(value)) !== cborHex) throw new Error(`${name}: EDN and CBOR differ`);
  const id = statedMessageId(ednText);
  if (id === undefined) throw new Error(`${name}: no message ID in the EDN comment`);
  write(`${name}.json`, {
    ...fileHead('content', `The ${name} example of draft-ietf-mimi-content: decode it, map it to JSON, compute its message ID.`, {
      ...CONTENT_SOURCE,
      note: `examples/${name}.cbor; expected content from examples/${name}.edn, expected message ID from its comment`,
    }),
    vectors: [
      {
        id: `${name}/decode`,
        kind: 'decode',
        description: `examples/${name}.cbor decodes to the content of examples/${name}.edn and has the message ID stated there.`,
        input: { hex: cborHex },
        expected: { content: ednToJson(value), messageId: id },
      },
    ],
  });
  manifestFiles.push({ file: `${name}.json`, source: 'draft-ietf-mimi-content', vectors: 1, from: [`examples/${name}.cbor`, `examples/${name}.edn`] });
}

// Implied (derived) values of the Original: the .cbor file still carries the -07 ID; the EDN the current one.
{
  const cborHex = readHex('implied-original');
  const ednValue = parseEdn(readFileSync(join(EXAMPLES, 'implied-original.edn'), 'utf8')) as CborValue[];
  const derived = (v: CborValue[]) => ({
    messageId: hexOf(v[0] as Uint8Array),
    hubAcceptedTimestamp: v[1],
    mlsGroupId: hexOf(v[2] as Uint8Array),
    senderLeafIndex: v[3],
    senderClientUrl: v[4],
    senderUserUrl: v[5],
    roomUrl: v[6],
  });
  const fromCbor = [...ednValue];
  fromCbor[0] = Buffer.from(cborHex.slice(6, 70), 'hex');
  write('implied-original.json', {
    ...fileHead('content', 'The implied (derived) values of the Original example (draft-ietf-mimi-content Appendix B.2, MessageDerivedValues).', {
      ...CONTENT_SOURCE,
      note: 'examples/implied-original.cbor carries the -07 message ID 01b00844…; examples/implied-original.edn carries the current Original ID 017ce548…',
    }),
    vectors: [
      {
        id: 'implied-original/edn',
        kind: 'derived-values',
        description: 'examples/implied-original.edn encoded: its messageId is the Original example\'s ID.',
        input: { hex: hexOf(encodeCbor(ednValue)) },
        expected: derived(ednValue),
      },
      {
        id: 'implied-original/cbor-file',
        kind: 'derived-values',
        description: 'examples/implied-original.cbor as published: identical except that messageId is the stale -07 ID.',
        input: { hex: cborHex },
        expected: derived(fromCbor),
      },
    ],
  });
  manifestFiles.push({ file: 'implied-original.json', source: 'draft-ietf-mimi-content', vectors: 2, from: ['examples/implied-original.cbor', 'examples/implied-original.edn'] });
}

// Message status report.
{
  const dir = join(SPECS, 'message-status');
  const cborHex = readFileSync(join(dir, 'status.cbor')).toString('hex');
  const value = parseEdn(readFileSync(join(dir, 'status.edn'), 'utf8')) as CborValue[][];
  if (hexOf(encodeCbor(value)) !== cborHex) throw new Error('status: EDN and CBOR differ');
  write('status.json', {
    ...fileHead('content', 'The message status report example of draft-mahy-mimi-message-status.', {
      ...STATUS_SOURCE,
      note: 'status.cbor; expected values from status.edn',
    }),
    vectors: [
      {
        id: 'status/decode',
        kind: 'status-decode',
        description: 'status.cbor decodes to the four (messageId, status) pairs of status.edn; the IDs are those of the Original, Reply, Mention and Expiring examples.',
        input: { hex: cborHex },
        expected: {
          report: value.map((p) => ({ messageId: hexOf(p[0] as Uint8Array), status: p[1] })),
        },
      },
      ...statusErrors(cborHex).map((v) => ({ id: v.id, kind: 'status-decode-error', description: v.description, input: { hex: v.hex }, error: v.error })),
    ],
  });
  manifestFiles.push({ file: 'status.json', source: 'draft-mahy-mimi-message-status', vectors: 1 + statusErrors(cborHex).length, from: ['status.cbor', 'status.edn'] });
}

write('decode-errors.json', {
  ...fileHead('content', 'Negative vectors: hand edits of the draft examples, each breaking one rule; decoding must fail with exactly the given code.', {
    ...CONTENT_SOURCE,
    note: 'derived by mimi-kit from examples/*.cbor; RFC 8949 §4.2.1 for the cbor/* rules',
  }),
  vectors: neg.map((v) => ({ id: v.id, kind: 'decode-error', description: v.description, input: { hex: v.hex }, error: v.error })),
});
manifestFiles.push({ file: 'decode-errors.json', source: 'mimi-kit (edits of the draft examples)', vectors: neg.length });

write('roundtrip.json', {
  ...fileHead('content', 'Valid messages (the examples and edge cases at the limits): decoding and re-encoding gives the same bytes.', {
    ...CONTENT_SOURCE,
    note: 'derived by mimi-kit from examples/*.cbor',
  }),
  vectors: pos.map((v) => ({ id: v.id, kind: 'roundtrip', description: v.description, input: { hex: v.hex } })),
});
manifestFiles.push({ file: 'roundtrip.json', source: 'mimi-kit (edits of the draft examples)', vectors: pos.length });

write('message-id.json', {
  ...fileHead('content', 'Message IDs with explicit sender/room URIs; expected values computed with node:crypto SHA-256 from the formula of draft-ietf-mimi-content §2.3.', {
    ...CONTENT_SOURCE,
    note: 'independent computation in scripts/gen-content-vectors.ts (refId), checked against the Original ID stated in the draft',
  }),
  vectors: idVectors,
});
manifestFiles.push({ file: 'message-id.json', source: 'mimi-kit (node:crypto)', vectors: idVectors.length });

write('manifest.json', {
  format: 'mimi-kit-vectors/1',
  kind: 'manifest',
  suite: 'content',
  version: 1,
  generator: 'scripts/gen-content-vectors.ts',
  sources: [
    { document: 'draft-ietf-mimi-content', repo: CONTENT_SOURCE.repo, commit: CONTENT_SOURCE.commit, files: 'examples/*.cbor, examples/*.edn' },
    { document: 'draft-mahy-mimi-message-status', repo: STATUS_SOURCE.repo, commit: STATUS_SOURCE.commit, files: 'status.cbor, status.edn' },
  ],
  files: manifestFiles,
});

console.log(`wrote ${manifestFiles.length} files: ${neg.length} decode-error, ${pos.length} roundtrip, ${idVectors.length} message-id vectors`);
