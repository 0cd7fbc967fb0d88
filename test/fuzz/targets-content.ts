/**
 * Fuzz targets of `mimi-kit/cbor`, `mimi-kit/content` and `mimi-kit/fallback`: the CBOR decoder, the
 * content and status decoders, the JSON mappings, `validateContent`, the renderer and the conversation.
 */
import fc from 'fast-check';
import { decodeCbor, encodeCbor, type CborValue } from '../../src/cbor/index.js';
import {
  contentFromJson,
  contentToJson,
  decodeContent,
  decodeStatusReport,
  encodeContent,
  encodeStatusReport,
  messageId,
  safeDecodeContent,
  statusFromJson,
  statusToJson,
  validateContent,
  type MimiContent,
  type NestedPart,
} from '../../src/content/index.js';
import { Conversation, render, renderBody, type RenderContext } from '../../src/fallback/index.js';
import { cborValue, mimiContent } from '../content/arbitraries.js';
import { jsonMutated, mutated } from './mutate.js';
import { seeds } from './seeds.js';
import { fromTaggedJson, toTaggedJson } from './tagged.js';
import { HarnessReject, bytesEqual, checkRendering, invariant, must, same, type FuzzTarget } from './target.js';

const utf8 = new TextEncoder();
const utf8Lenient = new TextDecoder();
const ALICE = 'mimi://example.com/u/alice-smith';
const BOB = 'mimi://example.com/u/bob-jones';
const ROOM = 'mimi://example.com/r/engineering_team';
const T0 = 1_644_387_225_019;

/** What a client passes to messageId: the URIs of the message, else the sender it knows from MLS and its room. */
const idOptions = (c: MimiContent, sender = ALICE) => ({ senderUri: c.extensions.senderUri ?? sender, roomUri: c.extensions.roomUri ?? ROOM });

const randomBytes = fc.uint8Array({ maxLength: 512 });

/** The content seeds that decode, decoded (once). */
let decodedSeeds: MimiContent[] | undefined;
function decoded(): MimiContent[] {
  decodedSeeds ??= seeds().content.flatMap((b) => {
    const r = safeDecodeContent(b, { checks: false });
    return r.ok ? [r.value] : [];
  });
  return decodedSeeds;
}

/** Contexts a client would pass: names with markup in them, and quotes of the message itself. */
function contexts(c: MimiContent): RenderContext[] {
  return [
    {},
    {
      locale: 'fr',
      sender: BOB,
      displayName: (uri) => `<b>${uri}</b>"'`,
      resolveMessage: () => ({ status: 'available', sender: '<img src=x onerror=alert(1)>', content: c }),
    },
  ];
}

function checkRenders(c: MimiContent, where: string): void {
  for (const ctx of contexts(c)) checkRendering(must(`${where}: render`, () => render(c, ctx)), where);
  const body = must(`${where}: renderBody`, () => renderBody(c.nestedPart));
  checkRendering(body, `${where} body`);
}

/** Adds the messages, takes the view, renders every entry; nothing may throw, everything must be safe. */
function checkConversation(messages: readonly { bytes: Uint8Array; content: MimiContent }[]): void {
  const conv = new Conversation();
  messages.forEach((m, i) => {
    const sender = m.content.extensions.senderUri ?? (i % 2 === 0 ? ALICE : BOB);
    must('Conversation.add', () => conv.add({ id: messageId(m.bytes, idOptions(m.content, sender)), sender, hubTimestamp: T0 + 1000 * i, content: m.content }));
  });
  const now = T0 + 1000 * messages.length;
  const view = must('Conversation.view', () => conv.view(now));
  for (const entry of view.entries) checkRendering(must('Conversation.render', () => conv.render(entry, {}, now)), `entry ${entry.id}`);
}

/** `decodeCbor`: strict deterministic CBOR, so what it accepts re-encodes to the same bytes. */
export const cborTarget: FuzzTarget = {
  name: 'cbor',
  api: 'decodeCbor',
  inputs: () => {
    const s = seeds();
    const pool = [...s.content, ...s.status, ...s.contentErrors];
    return fc.oneof({ weight: 4, arbitrary: mutated(pool) }, { weight: 1, arbitrary: randomBytes }, { weight: 2, arbitrary: cborValue.chain((v) => mutated([encodeCbor(v)])) });
  },
  run(input) {
    let strict: CborValue | undefined;
    let strictOk = true;
    try {
      strict = decodeCbor(input);
    } catch (e) {
      strictOk = false;
      // Without tags allowed, the tagged form must be the only difference.
      void e;
    }
    const v = decodeCbor(input, { allowTags: true });
    if (strictOk) invariant(same(strict, v), 'decodeCbor with and without allowTags disagree');
    const enc = must('encodeCbor', () => encodeCbor(v));
    invariant(bytesEqual(enc, input), 'encodeCbor(decodeCbor(b)) differs from b');
    invariant(same(must('re-decode', () => decodeCbor(enc, { allowTags: true })), v), 'decode → encode → decode changed the value');
  },
};

/** `decodeContent` and everything done with an accepted message. */
export const contentTarget: FuzzTarget = {
  name: 'content',
  api: 'decodeContent → encodeContent, messageId, contentToJson/contentFromJson, validateContent, render, Conversation',
  inputs: () => {
    const s = seeds();
    return fc.oneof(
      { weight: 5, arbitrary: mutated(s.content) },
      { weight: 2, arbitrary: mutated(s.contentErrors) },
      { weight: 1, arbitrary: randomBytes },
      { weight: 1, arbitrary: mimiContent.chain((c) => mutated([encodeContent(c)])) },
    );
  },
  run(input) {
    const c = decodeContent(input);
    const enc = must('encodeContent', () => encodeContent(c));
    invariant(bytesEqual(enc, input), 'encodeContent(decodeContent(b)) differs from b');
    const c2 = must('re-decode', () => decodeContent(enc));
    invariant(same(c, c2), 'decode → encode → decode changed the content');
    const id = must('messageId', () => messageId(input, idOptions(c)));
    invariant(id.length === 32 && id[0] === 0x01 && bytesEqual(id, messageId(input.slice(), idOptions(c))), 'messageId is not 0x01 || 31 octets of SHA-256, or not a function of the bytes');
    const text = must('contentToJson', () => JSON.stringify(contentToJson(c)));
    invariant(same(must('contentFromJson', () => contentFromJson(text)), c), 'the JSON mapping does not round-trip');
    must('validateContent', () => validateContent(c));
    checkRenders(c, 'content');
    const s = seeds();
    checkConversation([...['original', 'reply', 'reaction', 'edit'].map((n) => s.examples.get(n)!), input].map((bytes) => ({ bytes, content: decodeContent(bytes, { checks: false }) })));
  },
};

/** `decodeStatusReport`. */
export const statusTarget: FuzzTarget = {
  name: 'status',
  api: 'decodeStatusReport → encodeStatusReport, statusToJson/statusFromJson',
  inputs: () => fc.oneof({ weight: 4, arbitrary: mutated(seeds().status) }, { weight: 1, arbitrary: randomBytes }),
  run(input) {
    const r = decodeStatusReport(input);
    const enc = must('encodeStatusReport', () => encodeStatusReport(r));
    invariant(bytesEqual(enc, input), 'encodeStatusReport(decodeStatusReport(b)) differs from b');
    invariant(same(must('re-decode', () => decodeStatusReport(enc)), r), 'decode → encode → decode changed the report');
    const json = JSON.parse(JSON.stringify(must('statusToJson', () => statusToJson(r)))) as unknown;
    invariant(same(must('statusFromJson', () => statusFromJson(json)), r), 'the JSON mapping does not round-trip');
  },
};

function jsonText(input: Uint8Array): string {
  return utf8Lenient.decode(input);
}

/** `contentFromJson` on JSON text: what it accepts encodes, decodes back and maps back to the same JSON. */
export const contentJsonTarget: FuzzTarget = {
  name: 'content-json',
  api: 'contentFromJson → encodeContent, contentToJson',
  text: true,
  inputs: () => {
    const pool = decoded().map((c) => JSON.stringify(contentToJson(c)));
    return fc.oneof({ weight: 3, arbitrary: jsonMutated(pool) }, { weight: 2, arbitrary: mutated(pool.map((t) => utf8.encode(t))) });
  },
  run(input) {
    const c = contentFromJson(jsonText(input));
    const enc = must('encodeContent', () => encodeContent(c));
    invariant(same(must('decodeContent', () => decodeContent(enc, { checks: false })), c), 'contentFromJson → encode → decode changed the content');
    invariant(same(must('round trip', () => contentFromJson(JSON.stringify(contentToJson(c)))), c), 'the JSON mapping does not round-trip');
  },
};

/** Forged shapes for `validateContent`: objects without prototype, wrong classes, bytes where text goes. */
const FORGED = [{ $nullproto: {} }, { $nullproto: { cardinality: 'nullpart', disposition: 0, language: '' } }, { $bytes: '00' }, { $map: [] }, { $map: [[1, 'x']] }, { $float: 1 }, { $undefined: 1 }, { $simple: 20 }];

/** A multipart tree `depth` levels deep, as tagged JSON text (built as text: no recursion). */
function deepTree(depth: number): Uint8Array {
  const salt = '{"$bytes":"00112233445566778899aabbccddeeff"}';
  const open = '{"disposition":1,"language":"","cardinality":"multi","partSemantics":"processAll","parts":[';
  const close = ',{"disposition":1,"language":"","cardinality":"nullpart"}]}';
  const leaf = '{"disposition":1,"language":"","cardinality":"nullpart"}';
  return utf8.encode(`{"salt":${salt},"replaces":null,"topicId":{"$bytes":""},"expires":null,"inReplyTo":null,"extensions":{},"nestedPart":${open.repeat(depth)}${leaf}${close.repeat(depth)}}`);
}

/** `validateContent` on any value (as tagged JSON, test/fuzz/tagged.ts). */
export const validateTarget: FuzzTarget = {
  name: 'validate',
  api: 'validateContent → encodeContent',
  text: true,
  inputs: () => {
    const pool = decoded().map((c) => toTaggedJson(c));
    return fc.oneof(
      { weight: 6, arbitrary: jsonMutated(pool, FORGED) },
      { weight: 2, arbitrary: mutated(pool.map((t) => utf8.encode(t))) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 12_000 }).map(deepTree) },
    );
  },
  run(input) {
    let value: unknown;
    try {
      value = fromTaggedJson(jsonText(input));
    } catch {
      throw new HarnessReject('not-json');
    }
    const c = validateContent(value);
    const enc = must('encodeContent', () => encodeContent(c));
    const back = must('decodeContent', () => decodeContent(enc, { checks: false }));
    invariant(bytesEqual(must('re-encode', () => encodeContent(back)), enc), 'validateContent → encode → decode → encode is not stable');
  },
};

/** What the render target's selector byte picks (modulo the count). */
const Form = { plain: 0, markdown: 1, html: 2, alternatives: 3, external: 4 } as const;
const FORMS = Object.keys(Form).length;
const CONTENT_TYPES = ['text/plain;charset=utf-8', 'text/markdown;variant=GFM-MIMI', 'text/html'];

/** Input of the render target: one selector byte (the form), then the body. */
function renderInput(form: number, body: string | Uint8Array): Uint8Array {
  const b = typeof body === 'string' ? utf8.encode(body) : body;
  const out = new Uint8Array(b.length + 1);
  out[0] = form;
  out.set(b, 1);
  return out;
}

function renderContent(input: Uint8Array): MimiContent {
  const form = (input[0] ?? 0) % FORMS;
  const body = input.subarray(1);
  const single = (i: number): NestedPart => ({ disposition: 1, language: '', cardinality: 'single', contentType: CONTENT_TYPES[i]!, content: body.slice() });
  const part: NestedPart =
    form === Form.alternatives
      ? { disposition: 1, language: '', cardinality: 'multi', partSemantics: 'chooseOne', parts: [single(1), single(2)] }
      : form === Form.external
        ? {
            disposition: 6,
            language: '',
            cardinality: 'external',
            contentType: 'image/png',
            url: utf8Lenient.decode(body),
            expires: 0,
            size: body.length,
            encAlg: 0,
            key: new Uint8Array(0),
            nonce: new Uint8Array(0),
            aad: new Uint8Array(0),
            hashAlg: 0,
            contentHash: new Uint8Array(0),
            description: utf8Lenient.decode(body),
            filename: utf8Lenient.decode(body),
          }
        : single(form);
  return { salt: new Uint8Array(16), replaces: null, topicId: new Uint8Array(0), expires: null, inReplyTo: null, extensions: { senderUri: ALICE }, nestedPart: part };
}

/** Pieces of hostile bodies: markup, markdown syntax, script URLs, bidi controls, mentions. */
const CHUNKS = ['<', '>', '&', '"', "'", '=', '/', ' ', 'a', '<b>', '</b>', '<i>', '<blockquote>', '<ul><li>', '<ol><li>', '<li>', '<div>', '</div>', '<span>', '<table><tr><td>', '<pre>', '<code>', '<p>', '<script>', '<img src=x onerror=alert(1)>', '<a href="', '">', '</a>', 'javascript:', 'data:', 'mimi://x/u/y', 'cid:1@local.invalid', '[', ']', '(', ')', '*', '**', '_', '`', '```', '~~~', '\n', '\n\n', '> ', '- ', '1. ', '# ', '|', '| --- |', '\\', '!', '😀', '\u202e', '\u0000', '&#106;', '<!--', '-->'];

/** `render` in three forms on bodies of every text type, attachments and alternatives. */
export const renderTarget: FuzzTarget = {
  name: 'render',
  api: 'render, renderBody (text, markdown, HTML)',
  acceptsAll: true,
  inputs: () => {
    const chunk = fc.constantFrom(...CHUNKS);
    const form = fc.integer({ min: 0, max: FORMS - 1 });
    const body = fc.array(fc.oneof({ weight: 4, arbitrary: chunk }, { weight: 1, arbitrary: fc.tuple(chunk, fc.integer({ min: 2, max: 5_000 })).map(([c, n]) => c.repeat(n)) }), { maxLength: 40 }).map((a) => a.join(''));
    const pool = CHUNKS.map((c, i) => renderInput(i % FORMS, c.repeat(3)));
    return fc.oneof({ weight: 4, arbitrary: fc.tuple(form, body).map(([f, b]) => renderInput(f, b)) }, { weight: 2, arbitrary: mutated(pool) }, { weight: 1, arbitrary: randomBytes });
  },
  run(input) {
    checkRenders(renderContent(input), `render (form ${(input[0] ?? 0) % FORMS})`);
  },
};

/** Builder-free conversation seeds: the draft's timeline, and edits and replies that quote edited versions. */
function conversationSeeds(): Uint8Array[] {
  const ex = seeds().examples;
  const draft = ['original', 'reply', 'reaction', 'edit', 'delete', 'unlike', 'expiring', 'mention', 'attachment'].map((n) => ex.get(n)!);
  const original = decodeContent(ex.get('original')!, { checks: false });
  const msgs: Uint8Array[] = [ex.get('original')!];
  const target = new Uint8Array(messageId(ex.get('original')!));
  for (let i = 0; i < 4; i++) {
    const editBytes = encodeContent({ ...original, salt: new Uint8Array(16).fill(i + 1), replaces: target, nestedPart: { ...original.nestedPart, language: 'en' } });
    const replyBytes = encodeContent({ ...original, salt: new Uint8Array(16).fill(0x80 + i), inReplyTo: new Uint8Array(messageId(editBytes)) });
    msgs.push(editBytes, replyBytes);
  }
  return [encodeCbor(draft), encodeCbor(msgs)];
}

/** `Conversation`: a list of messages (CBOR array of byte strings) added in order, viewed and rendered. */
export const conversationTarget: FuzzTarget = {
  name: 'conversation',
  api: 'Conversation add / view / render',
  inputs: () => {
    const s = seeds();
    const pool = [...s.examples.values(), ...(decodeCbor(conversationSeeds()[1]!) as Uint8Array[])];
    const message = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: mutated(pool) });
    return fc.oneof({ weight: 4, arbitrary: fc.array(message, { maxLength: 16 }).map((ms) => encodeCbor(ms)) }, { weight: 1, arbitrary: mutated(conversationSeeds()) });
  },
  run(input) {
    let list: unknown;
    try {
      list = decodeCbor(input);
    } catch {
      throw new HarnessReject('not-a-list');
    }
    if (!Array.isArray(list) || !list.every((b) => b instanceof Uint8Array)) throw new HarnessReject('not-a-list');
    const messages: { bytes: Uint8Array; content: MimiContent }[] = [];
    for (const bytes of list as Uint8Array[]) {
      try {
        messages.push({ bytes, content: decodeContent(bytes) });
      } catch {
        // A client drops what does not decode; the rest of the conversation must still work.
      }
    }
    checkConversation(messages);
  },
};
