/**
 * The browser side of test/browser/library.test.ts, bundled by esbuild for Chromium: runs the library from
 * src/ inside the page and returns plain data; the Node side holds the expected values (spec-vectors, the
 * hand-written authorization table, the draft's message IDs) and compares.
 */
import { decodeContent, encodeContent, html, markdown, messageId } from '../../src/content/index.js';
import { MimiError } from '../../src/errors.js';
import { RENDER_LIMITS, render } from '../../src/fallback/index.js';
import {
  browserCryptoProvider,
  createClientIdentity,
  createRoom,
  defaultMimiCryptoProvider,
  generateKeyPackage,
  hasWebCryptoEd25519,
  joinFromWelcome,
  type CredentialVerifier,
} from '../../src/mls/index.js';
import { authorize, createRoom as createRoomState, type PresetName } from '../../src/room/index.js';
import { HTML_ATTACKS, MD_ATTACKS, NESTING_KINDS } from '../fallback/hostile.js';
import { htmlSafetyViolation, markdownSafetyViolation } from '../fuzz/safety.js';
import { FIXTURES, USERS, fixtureState, tableAction } from '../room/authz-table.js';

(window as { __ready?: boolean }).__ready = false;

/** A vector of spec-vectors/content, as the Node side passes it in. */
export interface PageVector {
  id: string;
  kind: string;
  input: { hex: string; senderUri?: string; roomUri?: string };
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const codeOf = (e: unknown): string => (e instanceof MimiError ? e.code : `not a MimiError: ${String(e)}`);

/** Runs each content vector: what it decodes/encodes to, its message ID, or the error code. */
function content(vectors: readonly PageVector[]): Record<string, { reencoded?: string; messageId?: string; error?: string }> {
  const out: Record<string, { reencoded?: string; messageId?: string; error?: string }> = {};
  for (const v of vectors) {
    const bytes = fromHex(v.input.hex);
    try {
      if (v.kind === 'message-id' || v.kind === 'message-id-error') {
        const opts = { ...(v.input.senderUri !== undefined && { senderUri: v.input.senderUri }), ...(v.input.roomUri !== undefined && { roomUri: v.input.roomUri }) };
        out[v.id] = { messageId: toHex(messageId(bytes, opts)) };
      } else {
        const c = decodeContent(bytes);
        out[v.id] = { reencoded: toHex(encodeContent(c)), ...(v.kind === 'decode' && { messageId: toHex(messageId(bytes)) }) };
      }
    } catch (e) {
      out[v.id] = { error: codeOf(e) };
    }
  }
  return out;
}

const ROOM = { senderUri: 'mimi://example.com/u/alice-smith', roomUri: 'mimi://example.com/r/engineering_team' };
const ACTIVE = 'script,iframe,object,embed,svg,style,form,input,base,meta,math,link,frame,frameset,noscript,template';

/**
 * Elements nested deepest below `root`, as the browser's own parser built them; `tbody` is not counted:
 * the parser inserts one into every table (WHATWG HTML §13.2.6.4.9, "in table" insertion mode).
 */
function domDepth(root: Element): number {
  let max = 0;
  for (const el of Array.from(root.querySelectorAll('*'))) {
    let d = 0;
    for (let p: Element | null = el; p !== null && p !== root; p = p.parentElement) if (p.localName !== 'tbody') d++;
    if (d > max) max = d;
  }
  return max;
}

/** What the browser made of one rendering put into the DOM. */
interface DomFinding {
  name: string;
  predicate?: string | undefined;
  markdown?: string | undefined;
  active: number;
  handlers: string[];
  badUrls: string[];
  targets: number;
  depth: number;
  hasInner: boolean;
}

let alerts = 0;

/** Renders every hostile input, inserts the HTML into the live document and inspects what the browser parsed. */
async function fallback(): Promise<{ findings: DomFinding[]; alerts: number; cap: number }> {
  const w = window as unknown as Record<string, unknown>;
  for (const f of ['alert', 'confirm', 'prompt']) w[f] = () => void alerts++;
  const host = document.createElement('main');
  document.body.append(host);
  const cases: [string, ReturnType<typeof render>, string | undefined][] = [];
  for (const a of HTML_ATTACKS) cases.push([`html: ${a}`, render(html(a, ROOM)), undefined]);
  for (const a of MD_ATTACKS) cases.push([`markdown: ${a}`, render(markdown(a, ROOM)), undefined]);
  for (const [kind, make] of Object.entries(NESTING_KINDS)) cases.push([`nesting: ${kind}`, render(html(make(5000, 'deepest'), ROOM)), 'deepest']);
  const findings: DomFinding[] = [];
  for (const [name, r, inner] of cases) {
    const box = document.createElement('article');
    box.innerHTML = r.html;
    host.append(box);
    const handlers: string[] = [];
    const badUrls: string[] = [];
    for (const el of Array.from(box.querySelectorAll('*'))) {
      for (const at of el.getAttributeNames()) if (at.startsWith('on')) handlers.push(`${el.localName}[${at}]`);
      for (const at of ['href', 'src', 'action', 'formaction', 'xlink:href']) {
        const v = el.getAttribute(at);
        if (v === null) continue;
        const protocol = new URL(v, document.baseURI).protocol;
        if (!['http:', 'https:', 'mailto:', 'mimi:', 'cid:'].includes(protocol)) badUrls.push(`${el.localName}[${at}=${v}]`);
      }
    }
    findings.push({
      name,
      predicate: htmlSafetyViolation(r.html),
      markdown: markdownSafetyViolation(r.markdown),
      active: box.querySelectorAll(ACTIVE).length,
      handlers,
      badUrls,
      targets: box.querySelectorAll('[target]').length,
      depth: domDepth(box),
      hasInner: inner === undefined || (box.textContent ?? '').includes(inner),
    });
  }
  // Let any handler that slipped through (img onerror, svg onload) fire before counting.
  await new Promise((ok) => setTimeout(ok, 300));
  return { findings, alerts, cap: RENDER_LIMITS.maxDepth };
}

/** The authorization table in the page: `preset/action/role` → verdict code. */
function room(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [preset, f] of Object.entries(FIXTURES)) {
    const state = fixtureState(preset as PresetName);
    for (const action of Object.keys(f.table)) {
      for (const r of f.roles) {
        const v = authorize(state, USERS.actor(r), tableAction(action, f));
        out[`${preset}/${action}/${r}`] = v.allowed ? 'ok' : v.code;
      }
    }
  }
  return out;
}

/** An MLS room in the page on the browser provider: create, add, Welcome join, encrypt, decrypt. */
async function mls(originalHex: string, hubTimestamp: number): Promise<Record<string, unknown>> {
  const cryptoProvider = browserCryptoProvider;
  const trusted = new Map<string, string>();
  const verifier: CredentialVerifier = (c) => trusted.get(c.clientUri) === `${c.userUri} ${toHex(c.signaturePublicKey)}`;
  const alice = await createClientIdentity({ userUri: ROOM.senderUri, clientUri: 'mimi://example.com/d/alice-smith/1', cryptoProvider });
  const bob = await createClientIdentity({ userUri: 'mimi://example.com/u/bob-jones', clientUri: 'mimi://example.com/d/bob-jones/1', cryptoProvider });
  for (const id of [alice, bob]) trusted.set(id.clientUri, `${id.userUri} ${toHex(id.signaturePublicKey)}`);
  const roomState = createRoomState({ preset: 'moderated', creator: alice.userUri, roomUri: ROOM.roomUri, name: 'Engineering' });
  const a0 = await createRoom({ identity: alice, roomUri: ROOM.roomUri, roomState, verifier, cryptoProvider });
  const kp = await generateKeyPackage(bob, { cryptoProvider });
  const added = await a0.addParticipant(bob.userUri, 4, [kp.keyPackage]);
  if (added.welcome === undefined) throw new Error('no Welcome');
  const b0 = await joinFromWelcome({ welcome: added.welcome, keyPackage: kp, verifier, cryptoProvider });
  // The draft's original message, sent by Alice and read by Bob.
  const sent = await added.room.encryptContent(fromHex(originalHex));
  const got = await b0.decryptContent(sent.message, { hubTimestamp });
  // And back, on the room Bob joined.
  const back = await got.room.encryptContent(encodeContent(markdown('seen, thanks', { senderUri: bob.userUri, roomUri: ROOM.roomUri })));
  const gotBack = await sent.room.decryptContent(back.message, { hubTimestamp: hubTimestamp + 1 });
  // A flipped ciphertext byte is refused with a stable code.
  const tampered = Uint8Array.from(sent.message);
  tampered[tampered.length - 5]! ^= 0x01;
  let tamperedCode = 'accepted';
  try {
    await b0.decryptContent(tampered, { hubTimestamp });
  } catch (e) {
    tamperedCode = codeOf(e);
  }
  return {
    defaultIsBrowser: (await defaultMimiCryptoProvider()) === browserCryptoProvider,
    webCryptoEd25519: await hasWebCryptoEd25519(),
    members: b0.members.map((m) => m.clientUri).sort(),
    contentHex: toHex(got.contentBytes),
    messageId: toHex(got.messageId),
    sender: got.senderClientUri,
    backText: new TextDecoder().decode((gotBack.content.nestedPart as { content?: Uint8Array }).content ?? new Uint8Array()),
    backSender: gotBack.senderUserUri,
    tamperedCode,
  };
}

Object.assign(window, { mimiSuite: { content, fallback, room, mls }, __ready: true });
