/**
 * The conversation view's shortcuts (entries linked to their stored message, reply-quote texts kept
 * per version, reply targets remembered by the view, small-reaction aggregation) must never change a
 * rendering: these properties compare each shortcut with the plain path it stands in for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MimiContent } from '../../src/content/mimiContent.js';
import type { NestedPart } from '../../src/content/nestedPart.js';
import { Conversation, translator, utf16ToCodePoint, type ReceivedMessage, type RenderContext } from '../../src/fallback/index.js';
import { idHex, rangeOf } from '../../src/fallback/text.js';
import { ALICE, BOB, CATHY, NAMES, external, hex, htmlPart, md, msg, multi, nullPart, plain, sid } from './fixtures.js';

const NOW = 1644387300000;
const USERS = [ALICE, BOB, CATHY];
const ctx: RenderContext = { displayName: (u) => NAMES[u], now: NOW };
const id = (n: number) => '01' + n.toString(16).padStart(62, '0');

const body = fc.oneof(
  fc.constantFrom('hello', 'Release **7** is _out_, see [notes](https://example.com/r/7)', '# head\n\ntext', 'emoji 👍🏽 🇫🇷', '[@B](mimi://example.com/u/bob-jones) hi', 'a  *b*').map((t) => md(t)),
  fc.constantFrom('plain', 'a *b* <i>c</i>', 'x'.repeat(100)).map((t) => plain(t)),
  fc.constant(htmlPart('<p>Kudos to <a href="mimi://example.com/u/alice-smith">@A</a></p>')),
  fc.constant(multi('chooseOne', [plain('one', 1, 'en'), md('*two*', 1, 'en')])),
);

/** Messages 1..n: originals, replies, reactions, edits, deletes and unlikes of earlier (or unknown) ones. */
const conversation = fc
  .array(
    fc.record({
      kind: fc.constantFrom('message', 'reply', 'reply', 'reaction', 'edit', 'delete', 'unlike', 'self'),
      target: fc.nat(),
      sender: fc.constantFrom(...USERS),
      ts: fc.nat({ max: 50 }),
      body,
      key: fc.constantFrom('👍', '❤', '🎉'),
      expires: fc.option(fc.constantFrom(1, 1e9), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((specs) =>
    specs.map((x, i): ReceivedMessage => {
      const self = id(i + 1);
      const target = i === 0 || x.target % 7 === 0 ? id(9999) : id((x.target % i) + 1);
      const o = x.expires === undefined ? {} : { expires: { relative: false, time: x.expires } };
      let content: MimiContent;
      switch (x.kind) {
        case 'message':
          content = msg(x.body, o);
          break;
        case 'reply':
          content = msg(x.body, { ...o, inReplyTo: target });
          break;
        case 'reaction':
          content = msg(plain(x.key, 2), { inReplyTo: target });
          break;
        case 'edit':
          content = msg(x.body, { replaces: target });
          break;
        case 'delete':
          content = msg(nullPart(), { replaces: target });
          break;
        case 'unlike':
          content = msg(nullPart(2), { replaces: target });
          break;
        default:
          content = msg(plain('me'), { inReplyTo: self }); // a reply to itself: a loop
      }
      return { id: i % 2 === 0 ? self : hex(self), sender: x.sender, hubTimestamp: 1000 + x.ts, content };
    }),
  );

function build(msgs: readonly ReceivedMessage[]): Conversation {
  const conv = new Conversation({ authorize: (a) => a.actor === ALICE });
  for (const m of msgs) conv.add(m);
  return conv;
}

describe('Conversation: shortcuts never change a rendering (properties)', () => {
  it('render order, plain copies of entries and a caller-side resolver give the same renderings', () => {
    fc.assert(
      fc.property(conversation, (msgs) => {
        const conv = build(msgs);
        const entries = conv.view(NOW).entries;
        const forward = entries.map((e) => conv.render(e, ctx, NOW));
        // Replies before their targets: no quote text is known yet.
        const fresh = build(msgs);
        const freshEntries = fresh.view(NOW).entries;
        const backward = [...freshEntries].reverse().map((e) => fresh.render(e, ctx, NOW)).reverse();
        expect(backward).toEqual(forward);
        // Plain objects (no link to the stored message) take the lookup path.
        expect(entries.map((e) => conv.render({ ...e }, ctx, NOW))).toEqual(forward);
        // The caller's own resolver: every quote is rendered from the referenced content.
        const outside: RenderContext = { ...ctx, resolveMessage: (h) => conv.resolve(h, NOW) };
        entries.forEach((e, i) => {
          if (e.replyTo?.status !== 'loop') expect(conv.render(e, outside, NOW)).toEqual(forward[i]);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('entries of an older view render as their copies do after more messages arrive, or a prune', () => {
    fc.assert(
      fc.property(conversation, conversation, (first, more) => {
        const conv = build(first);
        const entries = conv.view(NOW).entries;
        entries.forEach((e) => conv.render(e, ctx, NOW));
        more.forEach((m, i) => conv.add({ ...m, id: '02' + (i + 1).toString(16).padStart(62, '0') }));
        expect(entries.map((e) => conv.render(e, ctx, NOW))).toEqual(entries.map((e) => conv.render({ ...e }, ctx, NOW)));
        conv.prune(NOW);
        expect(entries.map((e) => conv.render(e, ctx, NOW))).toEqual(entries.map((e) => conv.render({ ...e }, ctx, NOW)));
      }),
      { numRuns: 100 },
    );
  });

  it('an entry of another conversation renders as its copy does', () => {
    const a = build([{ id: sid(1), sender: ALICE, hubTimestamp: 1, content: msg(plain('target')) }, { id: sid(2), sender: BOB, hubTimestamp: 2, content: msg(plain('re'), { inReplyTo: sid(1) }) }]);
    const b = build([{ id: sid(1), sender: ALICE, hubTimestamp: 1, content: msg(plain('other target')) }]);
    const e = a.view(NOW).entries[1]!;
    expect(b.render(e, ctx, NOW)).toEqual(b.render({ ...e }, ctx, NOW));
    expect(b.render(e, ctx, NOW).text).toBe('> Alice Smith wrote:\n> other target\n\nre');
  });
});

describe('Conversation: relations to themselves and many reactions', () => {
  it('an edit, delete, reaction or unlike of itself is rejected, not left pending', () => {
    const conv = new Conversation();
    expect(conv.add({ id: sid(1), sender: ALICE, hubTimestamp: 1, content: msg(plain('x'), { replaces: sid(1) }) })).toMatchObject({ status: 'rejected', rejection: { reason: 'bad-target' } });
    expect(conv.add({ id: sid(2), sender: ALICE, hubTimestamp: 2, content: msg(nullPart(), { replaces: sid(2) }) })).toMatchObject({ status: 'rejected', rejection: { kind: 'delete', targetId: sid(2) } });
    expect(conv.add({ id: sid(3), sender: ALICE, hubTimestamp: 3, content: msg(plain('👍', 2), { inReplyTo: sid(3) }) }).status).toBe('rejected');
    expect(conv.add({ id: sid(4), sender: ALICE, hubTimestamp: 4, content: msg(nullPart(2), { replaces: sid(4) }) }).status).toBe('rejected');
    expect(conv.view(NOW).pending).toBe(0);
  });

  it('aggregates the same way with a handful of reactions and with many (one per sender per key)', () => {
    const kinds: [NestedPart, string[]][] = [
      [plain('👍', 2), ['👍']],
      [plain('❤', 2), ['❤']],
      [multi('processAll', [plain('👍'), plain('🎉')], 2), ['👍', '🎉']],
      [plain('🎉', 2), ['🎉']],
    ];
    for (const n of [1, 2, 6, 8, 9, 30]) {
      const conv = new Conversation();
      conv.add({ id: sid(0x10), sender: ALICE, hubTimestamp: 1, content: msg(plain('target')) });
      const sent: { sender: string; keys: string[] }[] = [];
      for (let i = 0; i < n; i++) {
        const [part, keys] = kinds[(i * 7) % 4]!;
        const sender = USERS[i % 3]!;
        // Arrival order differs from timestamp order.
        conv.add({ id: id(0x100 + i), sender, hubTimestamp: 100 - i, content: msg(part, { inReplyTo: sid(0x10) }) });
        if (i !== 0) sent.unshift({ sender, keys });
      }
      conv.add({ id: id(0x900), sender: ALICE, hubTimestamp: 99, content: msg(nullPart(2), { replaces: id(0x100) }) }); // unlike the first
      // The rule, spelled out: per key in order of first reaction, distinct senders in order.
      const want: { key: string; count: number; senders: string[]; onPreviousVersion: number }[] = [];
      for (const r of sent) {
        for (const key of r.keys) {
          let w = want.find((x) => x.key === key);
          if (!w) want.push((w = { key, count: 0, senders: [], onPreviousVersion: 0 }));
          if (!w.senders.includes(r.sender)) w.senders.push(r.sender), w.count++;
        }
      }
      expect(conv.view(NOW).entries[0]!.reactions).toEqual(want);
    }
  });
});

describe('string helpers behind the hot paths', () => {
  it('rangeOf counts code points as utf16ToCodePoint does, surrogates or not', () => {
    const unit = fc.constantFrom('a', 'é', '😀', '\ud83d', '\ude00', '\n', '🇫🇷');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), fc.nat(), fc.nat(), (units, a, b) => {
        const s = units.join('');
        const start = a % (s.length + 1);
        const end = start + (b % (s.length - start + 1));
        const r = rangeOf(s, start, end, 'reply');
        expect([r.startCodePoint, r.endCodePoint]).toEqual([utf16ToCodePoint(s, start), utf16ToCodePoint(s, end)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('idHex of bytes is lower-case hex, two digits per octet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        expect(idHex(b)).toBe(Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));
      }),
    );
  });

  it('catalog parameters: {name} is replaced, anything else is left as written', () => {
    const t = (s: string, params: Record<string, string>) => translator({ catalogs: { en: { 'reply.wrote': s } } })('reply.wrote', params);
    expect(t('{name} wrote:', { name: 'A $& B' })).toBe('A $& B wrote:');
    expect(t('{name}{name} {x} {} {{name}} {na-me}', { name: 'N' })).toBe('NN {x} {} {N} {na-me}');
    expect(t('no params', { name: 'N' })).toBe('no params');
    fc.assert(
      fc.property(fc.array(fc.constantFrom('{', '}', 'name', 'x', '_', ' ', 'é', '{name}', '9'), { maxLength: 10 }), (parts) => {
        const s = parts.join('');
        const params = { name: 'N', x: 'X', _: '$1' };
        expect(t(s, params)).toBe(s.replace(/\{(\w+)\}/g, (m, p: string) => (params as Record<string, string>)[p] ?? m));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('reply-quote cache and caller catalogs', () => {
  it('a quote built under custom catalogs is not reused by a later render without them', () => {
    const build = () => {
      const conv = new Conversation();
      // the quoted message's text depends on the catalog ("Attachment:" label)
      conv.add({ id: id(1), sender: ALICE, hubTimestamp: NOW - 2000, content: msg(external({ url: 'https://a.example/f/notes.pdf', filename: 'notes.pdf', contentType: 'application/pdf', size: 1000 }), { sender: ALICE }) });
      conv.add({ id: id(2), sender: BOB, hubTimestamp: NOW - 1000, content: msg(plain('my reply'), { sender: BOB, inReplyTo: id(1) }) });
      const entries = conv.view(NOW).entries;
      return { conv, original: entries.find((e) => e.id === id(1))!, reply: entries.find((e) => e.id === id(2))! };
    };
    const { conv, original, reply } = build();
    // Rendering the original caches its text for quotes; with custom catalogs that text is theirs.
    // No displayName in either call: the case in which the cache owner used to compare equal.
    const withCatalogs = conv.render(original, { catalogs: { en: { 'attachment.label': 'Pièce jointe (custom):' } } }, NOW).text;
    const after = conv.render(reply, {}, NOW).text;
    expect(withCatalogs).toContain('Pièce jointe (custom):');
    expect(after).not.toContain('Pièce jointe (custom):');
    expect(after).toContain('Attachment:');
    // the same as a conversation that never saw the custom catalogs
    const fresh = build();
    expect(fresh.conv.render(fresh.reply, {}, NOW).text).toBe(after);
  });
});
