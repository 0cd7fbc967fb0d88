// The example client (examples/web-client) in a real Chromium, a member of a room served by two providers
// (a.example, the hub, and b.example, the page's) started in this process over HTTPS with mutual TLS: the page
// is Bob at b.example, its MLS group in the page, talking only to b.example's local client API through the
// example's front end; Alice and Carol are clients of a.example driven from this test. The page is driven by
// the keyboard alone and checked by axe-core (WCAG 2.0/2.1 A and AA plus best practices) in every state it
// reaches; what the page sends is checked in Alice's decrypted, rendered view. The expected texts are the
// ones the scripted history and this test type; the rendered forms are those the content draft implies
// (markdown bold → <strong>, a delete → the tombstone, a reply → a quote of its target).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { decode as cbor2Decode } from 'cbor2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient } from '../../examples/web-client/build.js';
import { ChatClient, type ClientEvent } from '../../examples/web-client/src/client.js';
import { InPageHub } from '../../examples/web-client/src/inPageHub.js';
import { BOB, CAROL, ME, ROOM_URI, exampleRoom } from '../../examples/web-client/src/participants.js';
import type { DeliveredMessage } from '../../examples/web-client/src/transport.js';
import { encodeContent, markdown, edit, hexToBytes, MimiError } from 'mimi-kit/content';
import { describeBrowser, launchChromium, type LaunchedChromium } from './harness.js';
import { startPair, TOKEN, type Pair } from '../provider/support.js';
import { startFrontEnd, type FrontEnd } from '../../examples/web-client/server.js';
import { BOB as BOB_LIVE, BOB_CLIENT, CAROL as CAROL_LIVE, LIVE_ROOM, startRemoteRoom, type RemoteRoom } from '../../examples/web-client/remote.js';
import type { TimelineEntry } from 'mimi-kit/fallback';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const SCREENSHOT = resolve('docs/images/web-client.png');

interface Focused {
  tag: string;
  id: string;
  text: string;
  label: string;
  messageId: string;
  ownMessage: boolean;
}

// The example's client and in-page hub need no DOM: their checks run in Node.
describe('example web client: in-page hub and client checks', () => {
  async function room() {
    const hub = new InPageHub(exampleRoom());
    const alice = new ChatClient(hub.connect(ME), ROOM_URI);
    const bob = new ChatClient(hub.connect(BOB), ROOM_URI);
    const events: ClientEvent[] = [];
    alice.onChange((e) => events.push(e));
    await alice.start();
    await bob.start();
    const raw = hub.connect(CAROL);
    await raw.join(ROOM_URI);
    const wire: DeliveredMessage[] = [];
    raw.onEvent((e) => e.type === 'message' && wire.push(e));
    const settle = () => new Promise((r) => setTimeout(r, 5));
    return { hub, alice, bob, raw, events, wire, settle };
  }

  it('delivers the exact bytes; the message ID is the draft formula over them (hand-computed with node:crypto)', async () => {
    const { alice, bob, wire, settle } = await room();
    const bobSaw: string[] = [];
    bob.onChange((e) => e.type === 'message' && bobSaw.push(e.id));
    const id = await alice.send('Hello **Bob**');
    await settle();
    expect(wire).toHaveLength(1);
    const bytes = wire[0]!.bytes;
    // draft-ietf-mimi-content §3.7 (-08+): 0x01 || SHA-256(u16 len sender || sender || u16 len room || room || bytes || salt), 32 octets.
    const salt = (cbor2Decode(bytes) as unknown[])[0] as Uint8Array;
    const u16 = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
    };
    const digest = createHash('sha256').update(Buffer.concat([u16(ME), u16(ROOM_URI), bytes, salt])).digest();
    const expected = '01' + digest.subarray(0, 31).toString('hex');
    expect(id).toBe(expected);
    expect(bobSaw).toEqual([expected]);
    expect(wire[0]!.sender).toBe(ME);
  });

  it('refuses a stranger (no_role has no capabilities, draft-ietf-mimi-room-policy §A.1)', async () => {
    const hub = new InPageHub(exampleRoom());
    const stranger = hub.connect('mimi://example.com/u/mallory');
    const err = await stranger.join(ROOM_URI).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MimiError);
    expect((err as MimiError).code).toBe('room/missing-capability');
    await expect(stranger.send(new Uint8Array([0xa0]))).rejects.toThrow('join the room before sending');
  });

  it('drops forged, undecodable and unauthorized deliveries without changing the conversation', async () => {
    const { alice, raw, events, settle } = await room();
    await alice.send('mine');
    await settle();
    const before = alice.conversation.view();
    const mine = before.entries[0]!;
    // Carol's transport sends content claiming to be from Alice (senderUri ≠ the authenticated sender).
    await raw.send(encodeContent(markdown('forged', { senderUri: ME, roomUri: ROOM_URI })));
    // Not CBOR at all: 0xff is a lone "break" (RFC 8949 §3.2.1).
    await raw.send(new Uint8Array([0xff]));
    // Carol edits Alice's message: only the sender may (draft-ietf-mimi-content §9.3).
    await raw.send(encodeContent(edit(hexToBytes(mine.id), 'hijacked', { senderUri: CAROL, roomUri: ROOM_URI })));
    await settle();
    const rejected = events.filter((e) => e.type === 'rejected').map((e) => (e.type === 'rejected' ? e.reason : ''));
    expect(rejected).toHaveLength(3);
    expect(rejected[0]).toBe('sender or room mismatch');
    expect(rejected[1]).toMatch(/^cbor\//);
    expect(rejected[2]).toBe('rejected');
    const after = alice.conversation.view();
    expect(after.entries.map((e) => [e.id, e.versionId, e.edited])).toEqual([[mine.id, mine.versionId, false]]);
    expect(alice.conversation.render(after.entries[0]!).text).toBe('mine');
  });
});

describeBrowser('example web client over two providers (keyboard only, axe-core)', () => {
  let pair: Pair;
  let remote: RemoteRoom;
  let dir: string;
  let frontEnd: FrontEnd;
  let chrome: LaunchedChromium;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    pair = await startPair();
    remote = await startRemoteRoom({ url: pair.a.localUrl, token: TOKEN });
    dir = await buildWebClient(mkdtempSync(join(tmpdir(), 'mimi-web-client-')));
    // axe is served from the page's origin: the page's CSP (script-src 'self') forbids inline scripts.
    frontEnd = await startFrontEnd({
      root: dir,
      providerUrl: pair.b.localUrl,
      session: { user: BOB_LIVE, client: BOB_CLIENT, roomId: LIVE_ROOM, token: TOKEN },
      pages: { '/axe.min.js': readFileSync('node_modules/axe-core/axe.min.js', 'utf8') },
    });
    chrome = await launchChromium();
    page = await chrome.newPage();
    await page.setViewportSize({ width: 1120, height: 860 });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(frontEnd.url);
    // The page publishes its key package at b.example; Alice claims it from a.example over MIMI and adds Bob.
    // The history is sent at once, while the page is still joining: it must find it after the add commit.
    // The hub routes the add commit's Welcome to b.example; the page polls it there through the front end.
    await remote.addUser(BOB_LIVE);
    await remote.playHistory();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('#timeline li:nth-child(3) article')?.textContent?.includes('This message was deleted') === true, undefined, { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    remote?.close();
    await chrome?.close();
    await frontEnd?.close();
    await pair?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function axe(state: string): Promise<void> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: '/axe.min.js' });
    const violations = await page.evaluate(async (tags) => {
      type Rule = { id: string; nodes: { target: unknown[] }[] };
      const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Rule[]; passes: Rule[] }> } };
      const r = await w.axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return { passes: r.passes.map((p) => p.id), list: r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`) };
    }, AXE_TAGS);
    expect(violations.list, `axe violations (${state})`).toEqual([]);
    // axe really looked: the rules that matter here found something to check and passed.
    for (const rule of ['color-contrast', 'label', 'landmark-one-main', 'page-has-heading-one', 'region', 'button-name']) {
      expect(violations.passes, `${rule} checked (${state})`).toContain(rule);
    }
  }

  const focused = (): Promise<Focused> =>
    page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      const article = a?.closest('article');
      return {
        tag: a?.tagName.toLowerCase() ?? '',
        id: a?.id ?? '',
        text: (a?.textContent ?? '').trim().slice(0, 80),
        label: a?.getAttribute('aria-label') ?? '',
        messageId: article?.dataset['id'] ?? '',
        ownMessage: article?.classList.contains('own') ?? false,
      };
    });

  /** Presses Tab (or Shift+Tab) until the focused element matches; fails after `max` presses. */
  async function tabTo(match: (f: Focused) => boolean, what: string, back = false, max = 40): Promise<Focused> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      const f = await focused();
      if (match(f)) return f;
    }
    throw new Error(`${what}: not reached with ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
  }

  const announced = (text: string): Promise<unknown> =>
    page.waitForFunction((t) => document.getElementById('announcer')?.textContent?.includes(t) === true, text, { timeout: 15_000 }).catch(async (e: unknown) => {
      throw new Error(`not announced: ${text} (the live region says: ${await page.textContent('#announcer')})`, { cause: e });
    });

  const articles = (): Promise<{ id: string; own: boolean; html: string; text: string; tabindex: string }[]> =>
    page.$$eval('#timeline article', (els) =>
      els.map((e) => ({
        id: (e as HTMLElement).dataset['id'] ?? '',
        own: e.classList.contains('own'),
        html: e.querySelector('.body')?.innerHTML ?? '',
        text: (e.textContent ?? '').replace(/\s+/g, ' '),
        tabindex: e.getAttribute('tabindex') ?? '',
      })),
    );

  /** From anywhere: focus the message list (its one Tab stop), then move with the arrows to message `index`. */
  async function focusMessage(index: number): Promise<Focused> {
    await page.keyboard.press('Escape');
    if ((await focused()).tag !== 'article') await tabTo((f) => f.tag === 'article', 'a message', true);
    await page.keyboard.press('Home');
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    const f = await focused();
    expect(f.tag).toBe('article');
    return f;
  }

  /** Waits until Alice's own conversation (decrypted by her client at a.example) has an entry that matches. */
  async function aliceSees(what: string, match: (e: TimelineEntry, html: string) => boolean): Promise<TimelineEntry> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const conv = remote.alice.conversation;
      const hit = conv.view().entries.find((e) => match(e, conv.render(e).html));
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`Alice never saw ${what}: ${JSON.stringify(conv.view().entries.map((e) => [e.kind, e.sender, e.state, e.replyTo?.id, conv.render(e).html]))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('joins through b.example: landmarks, one h1, labelled controls, a polite live region, the history Alice and Carol sent', async () => {
    expect(await page.$$eval('h1', (e) => e.length)).toBe(1);
    for (const sel of ['header', 'nav', 'main', 'aside']) expect(await page.$$eval(sel, (e) => e.length), sel).toBe(1);
    expect(await page.getAttribute('#announcer', 'aria-live')).toBe('polite');
    expect(await page.textContent('label[for="composer-input"]')).toBe('Message');
    expect(await page.textContent('#me-name')).toBe('Bob');
    expect(await page.textContent('#connection')).toContain('b.example');
    // The Welcome came from the page's own provider, which the hub sent it to over MIMI, and the page took it there.
    expect(pair.logs.b.some((l) => l['msg'] === 'request' && l['endpoint'] === 'notify' && l['peer'] === 'a.example' && l['outcome'] === 'welcome')).toBe(true);
    expect(await pair.b.welcomes(BOB_CLIENT)).toEqual([]);
    // The room state came with the Welcome: the cooperative room Alice made, its participants and their profiles.
    expect(await page.$$eval('#participants li .sender', (l) => l.map((x) => x.textContent))).toEqual(['Alice', 'Carol', 'Bob (you)']);
    const list = await articles();
    // Alice's edited plan, Carol's reply to it, Carol's deleted message (remote.ts playHistory).
    expect(list).toHaveLength(3);
    expect(list[0]!.html).toContain('Morning! The <strong>planning</strong> meeting moves to 3:30 pm.');
    expect(list[0]!.text).toContain('(edited)');
    expect(list[0]!.text).toContain('👍 1');
    expect(list[1]!.html).toContain('<blockquote class="mimi-reply">');
    expect(list[1]!.html).toContain('Works for me. I will book the room.');
    expect(list[2]!.text).toContain('This message was deleted');
    // Roving tabindex: exactly one message in the Tab order, the latest.
    expect(list.map((a) => a.tabindex)).toEqual(['-1', '-1', '0']);
    // The page never held a key of another member: the message IDs it shows are those Alice computed.
    expect(list.map((a) => a.id)).toEqual(remote.alice.conversation.view().entries.map((e) => e.id));
    await axe('initial');
    expect(errors).toEqual([]);
  });

  it('has a sensible Tab order with one stop for the message list, and no trap', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      seen.push(f.tag === 'article' || f.tag === 'body' ? f.tag : f.id || f.text || f.tag);
    }
    expect(seen.slice(0, 8)).toEqual([
      'Skip to the message box',
      'Messages',
      'Write a message',
      'Participants',
      'article', // the latest message: a deleted one has no actions
      'composer-input',
      'composer-send',
      'body', // past the last control focus leaves the page's controls, and the next Tab comes back: no trap
    ]);
    expect(seen[8]).toBe('Skip to the message box');
    // The focus indicator is strong: a 3px solid outline.
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    expect(outline).toBe('solid 3px');
  });

  it('sends a message (skip link, type, Enter): Alice decrypts it at a.example, her answer is announced', async () => {
    remote.autoAnswer(BOB_LIVE);
    await tabTo((f) => f.text === 'Skip to the message box', 'the skip link');
    await page.keyboard.press('Enter');
    expect((await focused()).id).toBe('composer-input');
    await page.keyboard.type('Hello from the **keyboard**');
    await page.keyboard.press('Enter');
    await announced('Message sent');
    await page.waitForFunction(() => document.querySelectorAll('#timeline article').length >= 4, undefined, { timeout: 15_000 });
    const mine = (await articles())[3]!;
    expect(mine.own).toBe(true);
    expect(mine.html).toBe('<p>Hello from the <strong>keyboard</strong></p>');
    expect(mine.text).toContain('Bob (you)');
    const atAlice = await aliceSees('the message', (e, html) => e.sender === BOB_LIVE && html === '<p>Hello from the <strong>keyboard</strong></p>');
    expect(atAlice.id).toBe(mine.id);
    // Alice answers through a.example; the page reads it from b.example and announces it.
    await announced('Alice replied: > Bob wrote: > Hello from the keyboard Noted, thanks!');
    remote.autoAnswer(undefined);
    expect(await page.inputValue('#composer-input')).toBe('');
    await axe('after sending');
  });

  it('replies to a message with Reply (arrows to the message, Tab, Enter, type, Enter); Alice sees the reply', async () => {
    const target = await focusMessage(0);
    expect(target.ownMessage).toBe(false);
    expect((await tabTo((f) => f.tag === 'button', 'the first action')).text).toBe('Reply');
    await page.keyboard.press('Enter');
    expect((await focused()).id).toBe('composer-input');
    expect(await page.textContent('#composer-label')).toBe('Reply to Alice');
    await page.keyboard.type('I will be there');
    await page.keyboard.press('Enter');
    await announced('Reply sent');
    await page.waitForFunction(() => document.querySelectorAll('#timeline article').length === 6, undefined, { timeout: 15_000 });
    const reply = (await articles())[5]!;
    expect(reply.own).toBe(true);
    expect(reply.html).toContain('<blockquote class="mimi-reply"><p>Alice wrote:<br>Morning! The planning meeting moves to 3:30 pm.');
    expect(reply.html).toContain('<p>I will be there</p>');
    expect(await page.textContent('#composer-label')).toBe('Message');
    const atAlice = await aliceSees('the reply', (e, html) => e.sender === BOB_LIVE && e.kind === 'reply' && html.includes('<p>I will be there</p>'));
    // The reply points at the version Bob saw: the edit of Alice's plan (draft-ietf-mimi-content §5.4).
    expect(atAlice.replyTo?.id).toBe(remote.alice.conversation.view().entries.find((e) => e.id === target.messageId)?.versionId);
    expect(atAlice.replyTo?.status).toBe('available');
    await axe('after replying');
  });

  it('reacts with the picker (React, Enter, Tab to ♥, Enter); Alice counts the reaction', async () => {
    const target = await focusMessage(0);
    await tabTo((f) => f.text === 'React', 'React');
    await page.keyboard.press('Enter');
    expect((await focused()).label).toBe('thumbs up 👍');
    await axe('reaction picker open');
    await page.keyboard.press('Tab');
    expect((await focused()).label).toBe('heart ❤️');
    await page.keyboard.press('Enter');
    await announced('Reacted ❤️');
    expect((await focused()).text).toBe('React'); // focus returns to the button that opened the picker
    await page.waitForFunction((id) => document.querySelector(`article[data-id="${id}"] .reaction.mine`) !== null, target.messageId);
    const reacted = (await articles()).find((a) => a.id === target.messageId)!;
    expect(reacted.text).toContain('👍 1');
    expect(reacted.text).toContain('❤️ 1');
    expect(reacted.text).toContain('Reaction ❤️ from you');
    const plan = await aliceSees('the reaction', (e) => e.id === target.messageId && e.reactions.some((r) => r.key === '❤️'));
    expect(plan.reactions.map((r) => [r.key, r.count, r.senders])).toEqual([
      ['👍', 1, [CAROL_LIVE]],
      ['❤️', 1, [BOB_LIVE]],
    ]);
    await axe('after reacting');
    // Escape closes the picker without reacting.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    expect((await focused()).text).toBe('React');
    expect(await page.locator(`article[data-id="${target.messageId}"] .picker`).isHidden()).toBe(true);
  });

  it('edits an own message (Edit, Enter, type over, Enter); Alice sees the new text', async () => {
    const f = await focusMessage(3);
    expect(f.ownMessage).toBe(true);
    await tabTo((x) => x.text === 'Edit', 'Edit');
    await page.keyboard.press('Enter');
    expect((await focused()).id).toBe('composer-input');
    expect(await page.inputValue('#composer-input')).toBe('Hello from the **keyboard**');
    expect(await page.textContent('#composer-label')).toBe('Edit message');
    expect(await page.textContent('#composer-send')).toBe('Save');
    await page.keyboard.type('Hello again, **edited**'); // the text is selected: typing replaces it
    await page.keyboard.press('Enter');
    await announced('Edit saved');
    await page.waitForFunction((id) => document.querySelector(`article[data-id="${id}"] .body`)?.innerHTML.includes('edited</strong>') === true, f.messageId);
    const edited = (await articles()).find((a) => a.id === f.messageId)!;
    expect(edited.html).toBe('<p>Hello again, <strong>edited</strong></p><p class="mimi-fallback">(edited)</p>');
    const atAlice = await aliceSees('the edit', (e) => e.id === f.messageId && e.edited);
    expect(remote.alice.conversation.render(atAlice).html).toBe(edited.html);
    await axe('after editing');
  });

  it('Escape leaves reply mode and returns to the message', async () => {
    const f = await focusMessage(1);
    await tabTo((x) => x.text === 'Reply', 'Reply');
    await page.keyboard.press('Enter');
    expect(await page.isVisible('#composer-mode')).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.isVisible('#composer-mode')).toBe(false);
    expect((await focused()).messageId).toBe(f.messageId);
  });

  it('deletes an own message after a confirmation (Delete, Keep by default, Escape, Delete, Delete); Alice sees the tombstone', async () => {
    const f = await focusMessage(3);
    await tabTo((x) => x.text === 'Delete', 'Delete');
    await page.keyboard.press('Enter');
    expect((await focused()).text).toBe('Keep'); // the safe choice has focus
    await axe('delete confirmation open');
    await page.keyboard.press('Escape');
    expect((await focused()).text).toBe('Delete');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    const yes = await focused();
    expect(yes.text).toBe('Delete');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('danger'))).toBe(true);
    await page.keyboard.press('Enter');
    await announced('Message deleted');
    await page.waitForFunction((id) => document.querySelector(`article[data-id="${id}"]`)?.textContent?.includes('This message was deleted') === true, f.messageId);
    const after = await focused();
    expect(after.tag).toBe('article');
    expect(after.messageId).toBe(f.messageId);
    expect(await page.$$eval(`article[data-id="${f.messageId}"] button`, (b) => b.length)).toBe(0);
    const atAlice = await aliceSees('the delete', (e) => e.id === f.messageId && e.state === 'deleted');
    expect(atAlice.deletedBy).toBe(BOB_LIVE);
    await axe('after deleting');
  });

  it('announces what Alice sends through a.example', async () => {
    await remote.alice.send('The build is green again.');
    await announced('New message from Alice: The build is green again.');
    const last = (await articles()).at(-1)!;
    expect(last.own).toBe(false);
    expect(last.html).toBe('<p>The build is green again.</p>');
    // Both views agree entry by entry (IDs and rendered bodies), across the two providers.
    const conv = remote.alice.conversation;
    // (innerHTML serializes the void element <br /> of the renderer's output as <br>.)
    const alice = conv.view().entries.map((e) => [e.id, conv.render(e, { displayName: (u) => remote.alice.displayName(u) }).html.replaceAll('<br />', '<br>')]);
    const shown = (await articles()).map((a) => [a.id, a.html]);
    expect(shown).toEqual(alice);
    await axe('after a message from Alice');
  });

  it('passes axe in the dark scheme and with forced colors, and the screenshot is a small PNG', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await axe('dark scheme');
    await page.emulateMedia({ colorScheme: 'light', forcedColors: 'active' });
    await axe('forced colors');
    const outline = await page.evaluate(() => {
      const probe = document.querySelector<HTMLButtonElement>('#composer-send')!;
      probe.focus();
      return getComputedStyle(probe).outlineWidth;
    });
    expect(outline).toBe('3px');
    await page.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
    await focusMessage(0);
    await page.evaluate(() => window.scrollTo(0, 0)); // focus scrolled the window; show the page from its top
    const png = await page.screenshot({ type: 'png', fullPage: true });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeLessThan(200 * 1024);
    // Refresh the README's picture only when asked (it changes with the clock shown on the messages).
    if (process.env.MIMI_SCREENSHOT === '1') {
      mkdirSync(resolve('docs/images'), { recursive: true });
      writeFileSync(SCREENSHOT, png);
    }
    expect(errors).toEqual([]);
  });

  it('keeps the in-page room with ?offline: the simulated history, 0 axe violations', async () => {
    const offline = await chrome.newPage();
    try {
      await offline.goto(`${frontEnd.url}?offline`);
      await offline.waitForSelector('body[data-ready="true"]');
      const texts = await offline.$$eval('#timeline article', (els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ')));
      expect(texts).toHaveLength(3);
      expect(texts[0]).toContain('Morning! The planning meeting moves to 3:30 pm.');
      expect(await offline.textContent('#me-name')).toBe('Alice');
      expect(await offline.isVisible('[data-sim="bob-say"]')).toBe(true);
      await offline.addScriptTag({ url: '/axe.min.js' });
      const list = await offline.evaluate(async (tags) => {
        const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string }[] }> } };
        return (await w.axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations.map((v) => v.id);
      }, AXE_TAGS);
      expect(list).toEqual([]);
    } finally {
      await offline.close();
    }
  });
});
