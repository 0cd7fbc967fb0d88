import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContent } from '../../src/content/index.js';
import { Conversation, type ActionRequest, type ReceivedMessage } from '../../src/fallback/index.js';
import { ALICE, BOB, CATHY, IDS, NAMES, TS, exampleBytes, md, msg, nullPart, plain, sid } from './fixtures.js';

const NOW = 1644387300000;
const ex = (name: keyof typeof IDS, sender: string, ts: number): ReceivedMessage => ({
  id: IDS[name],
  sender,
  hubTimestamp: ts,
  content: decodeContent(exampleBytes(name)),
});
const m = (id: number, sender: string, ts: number, content: ReturnType<typeof msg>): ReceivedMessage => ({ id: sid(id), sender, hubTimestamp: ts, content });
const text = (conv: Conversation, i: number, now = NOW) => {
  const e = conv.view(now).entries[i]!;
  return conv.render(e, { displayName: (u) => NAMES[u] }, now).text;
};

describe('Conversation: order, duplicates, pending', () => {
  it('an edit that arrives before its original is applied when the original arrives', () => {
    const conv = new Conversation();
    expect(conv.add(ex('edit', BOB, TS.edit)).status).toBe('pending');
    expect(conv.view(NOW).entries).toEqual([]);
    expect(conv.view(NOW).pending).toBe(1);
    expect(conv.add(ex('reply', BOB, TS.reply)).status).toBe('added');
    const v = conv.view(NOW);
    expect(v.pending).toBe(0);
    expect(v.entries[0]!.edited).toBe(true);
    expect(v.entries[0]!.edits).toEqual([IDS.edit]);
    expect(text(conv, 0)).toBe("> In reply to a message that is not available\n\nRight on! Congratulations y'all! (edited)");
  });

  it('duplicates are ignored and counted', () => {
    const conv = new Conversation();
    expect(conv.add(ex('original', ALICE, TS.original)).status).toBe('added');
    expect(conv.add(ex('original', ALICE, TS.original)).status).toBe('duplicate');
    expect(conv.add({ ...ex('original', ALICE, TS.original), id: IDS.original.toUpperCase() }).status).toBe('duplicate');
    expect(conv.view(NOW).duplicates).toBe(2);
    expect(conv.view(NOW).entries).toHaveLength(1);
  });

  it('a reaction to an unknown message waits, then aggregates', () => {
    const conv = new Conversation();
    expect(conv.add(ex('reaction', CATHY, TS.reaction)).status).toBe('pending');
    conv.add(ex('original', ALICE, TS.original));
    expect(conv.view(NOW).entries[0]!.reactions).toEqual([{ key: '❤', count: 1, senders: [CATHY], onPreviousVersion: 0 }]);
  });

  it('entries are ordered by hub timestamp, then lowest message ID', () => {
    const conv = new Conversation();
    conv.add(m(0x30, BOB, 5, msg(plain('c'))));
    conv.add(m(0x10, BOB, 5, msg(plain('a'))));
    conv.add(m(0x20, BOB, 4, msg(plain('first'))));
    expect(conv.view(NOW).entries.map((e) => e.id)).toEqual([sid(0x20), sid(0x10), sid(0x30)]);
  });

  it('the pending buffer is capped; evictions are counted and memory stays bounded', () => {
    const conv = new Conversation({ maxPending: 100 });
    for (let i = 0; i < 1000; i++) {
      conv.add({ id: '02' + i.toString(16).padStart(62, '0'), sender: BOB, hubTimestamp: i, content: msg(plain('👍', 2), { inReplyTo: sid(0x99), salt: i }) });
    }
    const v = conv.view(NOW);
    expect(v.pending).toBe(100);
    expect(v.evicted).toBe(900);
    expect(conv.size).toBe(100);
    // The survivors are the newest: when the target arrives, 100 reactions (one sender) count once.
    conv.add(m(0x99, ALICE, 0, msg(plain('target'))));
    expect(conv.view(NOW).entries[0]!.reactions).toEqual([{ key: '👍', count: 1, senders: [BOB], onPreviousVersion: 0 }]);
  });

  it('rejects bad IDs and options with MimiError', () => {
    const conv = new Conversation();
    expect(() => conv.add({ id: 'zz', sender: BOB, hubTimestamp: 0, content: msg(plain('x')) })).toThrow(/32 octets/);
    expect(() => new Conversation({ maxPending: -1 })).toThrow(/non-negative/);
  });
});

describe('Conversation: edits and deletes', () => {
  it('latest edit by hub timestamp wins; ties go to the lowest message ID', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1, msg(plain('v0'))));
    conv.add(m(0x0c, ALICE, 10, msg(plain('tie C'), { replaces: sid(0x01) })));
    conv.add(m(0x0b, ALICE, 10, msg(plain('tie B'), { replaces: sid(0x01) })));
    conv.add(m(0x0a, ALICE, 9, msg(plain('older'), { replaces: sid(0x01) })));
    const e = conv.view(NOW).entries[0]!;
    expect(e.versionId).toBe(sid(0x0b));
    expect(e.edits).toEqual([sid(0x0a), sid(0x0b), sid(0x0c)]);
    expect(text(conv, 0)).toBe('tie B (edited)');
  });

  it('an edit of an edit (XIP-77 style chain) applies to the original', () => {
    const conv = new Conversation();
    conv.add(m(0x02, ALICE, 3, msg(plain('v2'), { replaces: sid(0x03) })));
    conv.add(m(0x03, ALICE, 2, msg(plain('v1'), { replaces: sid(0x01) })));
    conv.add(m(0x01, ALICE, 1, msg(plain('v0'))));
    expect(text(conv, 0)).toBe('v2 (edited)');
  });

  it('edits and deletes by others are rejected and reported unless authorized', () => {
    const calls: ActionRequest[] = [];
    const conv = new Conversation({ authorize: (a) => (calls.push(a), a.actor === CATHY) });
    conv.add(m(0x01, ALICE, 1, msg(plain('mine'))));
    const r1 = conv.add(m(0x02, BOB, 2, msg(plain('bob was here'), { replaces: sid(0x01) })));
    const r2 = conv.add(m(0x03, BOB, 3, msg(nullPart(), { replaces: sid(0x01) })));
    expect(r1).toEqual({ status: 'rejected', rejection: { id: sid(0x02), kind: 'edit', actor: BOB, targetId: sid(0x01), targetSender: ALICE, reason: 'not-authorized' } });
    expect(r2.status).toBe('rejected');
    expect(conv.view(NOW).rejected.map((r) => [r.id, r.kind])).toEqual([[sid(0x02), 'edit'], [sid(0x03), 'delete']]);
    expect(conv.view(NOW).entries[0]!.state).toBe('visible');
    expect(text(conv, 0)).toBe('mine');
    expect(calls).toEqual([
      { kind: 'edit', actor: BOB, targetSender: ALICE, targetId: sid(0x01) },
      { kind: 'delete', actor: BOB, targetSender: ALICE, targetId: sid(0x01) },
    ]);
    // A moderator the policy allows:
    expect(conv.add(m(0x04, CATHY, 4, msg(nullPart(), { replaces: sid(0x01) }))).status).toBe('applied');
    const e = conv.view(NOW).entries[0]!;
    expect([e.state, e.deletedBy, e.content]).toEqual(['deleted', CATHY, null]);
    expect(text(conv, 0)).toBe('This message was deleted');
  });

  it('the original sender needs no authorization, and the callback is not consulted', () => {
    const conv = new Conversation({ authorize: () => { throw new Error('not called'); } });
    conv.add(m(0x01, ALICE, 1, msg(plain('x'))));
    expect(conv.add(m(0x02, ALICE, 2, msg(plain('y'), { replaces: sid(0x01) }))).status).toBe('applied');
  });

  it('a throwing authorization callback refuses', () => {
    const conv = new Conversation({ authorize: () => { throw new Error('policy down'); } });
    conv.add(m(0x02, BOB, 2, msg(plain('edit'), { replaces: sid(0x01) })));
    conv.add(m(0x01, ALICE, 1, msg(plain('x'))));
    expect(conv.view(NOW).rejected.map((r) => r.reason)).toEqual(['not-authorized']);
    expect(conv.view(NOW).pending).toBe(0);
  });

  it('a delete wins over any edit, earlier or later', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1, msg(plain('x'))));
    conv.add(m(0x02, ALICE, 2, msg(nullPart(), { replaces: sid(0x01) })));
    conv.add(m(0x03, ALICE, 3, msg(plain('resurrected?'), { replaces: sid(0x01) })));
    expect(conv.view(NOW).entries[0]!.state).toBe('deleted');
  });

  it('an edit changes only the body (§9.3): the original inReplyTo/topic stay', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1, msg(plain('x'), { topicId: 't1' })));
    conv.add(m(0x02, ALICE, 2, msg(plain('y'), { replaces: sid(0x01), topicId: 't2', inReplyTo: sid(0x55) })));
    const e = conv.view(NOW).entries[0]!;
    expect(e.topicId).toBe('7431');
    expect(e.replyTo).toBeUndefined();
    expect(e.content!.inReplyTo).toBeNull();
  });
});

describe('Conversation: reactions', () => {
  it('aggregate per key and per sender; unlike removes one sender', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1, msg(plain('post'))));
    conv.add(m(0x02, BOB, 2, msg(plain('👍', 2), { inReplyTo: sid(0x01) })));
    conv.add(m(0x03, CATHY, 3, msg(plain('👍', 2), { inReplyTo: sid(0x01) })));
    conv.add(m(0x04, BOB, 4, msg(plain('👍', 2), { inReplyTo: sid(0x01) }))); // same sender, same key: counted once
    conv.add(m(0x05, BOB, 5, msg(plain('🎉', 2), { inReplyTo: sid(0x01) })));
    expect(conv.view(NOW).entries[0]!.reactions.map((r) => [r.key, r.count, r.senders])).toEqual([
      ['👍', 2, [BOB, CATHY]],
      ['🎉', 1, [BOB]],
    ]);
    conv.add(m(0x06, CATHY, 6, msg(nullPart(2), { replaces: sid(0x03) }))); // Cathy's unlike
    expect(conv.view(NOW).entries[0]!.reactions.map((r) => [r.key, r.count])).toEqual([
      ['👍', 1],
      ['🎉', 1],
    ]);
    // Bob cannot unlike Cathy's reaction.
    expect(conv.add(m(0x07, BOB, 7, msg(nullPart(2), { replaces: sid(0x05) }))).status).toBe('applied');
    expect(conv.add(m(0x08, CATHY, 8, msg(nullPart(2), { replaces: sid(0x02) }))).status).toBe('rejected');
  });

  it('marks reactions to an earlier version (§9.3)', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1, msg(plain('borow a pen?'))));
    conv.add(m(0x02, BOB, 2, msg(plain('👍', 2), { inReplyTo: sid(0x01) })));
    conv.add(m(0x03, ALICE, 3, msg(plain('borrow your Ferrari?'), { replaces: sid(0x01) })));
    expect(conv.view(NOW).entries[0]!.reactions[0]!.onPreviousVersion).toBe(1);
  });

  it('a multi-reaction message counts each key (Appendix B.2)', () => {
    const conv = new Conversation();
    conv.add(ex('original', ALICE, TS.original));
    const c = decodeContent(exampleBytes('multipart-2'));
    conv.add({ id: sid(0x50), sender: ALICE, hubTimestamp: TS.original + 1, content: { ...c, inReplyTo: decodeContent(exampleBytes('reaction')).inReplyTo } });
    expect(conv.view(NOW).entries[0]!.reactions.map((r) => r.key)).toEqual(['❤', '🥳', '🤞']);
  });
});

describe('Conversation: replies, expiry, topics', () => {
  it('a reply carries its resolved target, or "not available"', () => {
    const conv = new Conversation();
    conv.add(ex('reply', BOB, TS.reply));
    expect(conv.view(NOW).entries[0]!.replyTo).toEqual({ id: IDS.original, status: 'unknown' });
    conv.add(ex('original', ALICE, TS.original));
    expect(conv.view(NOW).entries[1]!.replyTo).toEqual({ id: IDS.original, rootId: IDS.original, status: 'available', sender: ALICE });
  });

  it('a reply to a deleted or expired message quotes nothing of it', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1000, msg(plain('SECRET plan'), { expires: { relative: true, time: 60 } })));
    conv.add(m(0x02, BOB, 2000, msg(plain('ok'), { inReplyTo: sid(0x01) })));
    expect(text(conv, 1, 2000)).toBe(`> Alice Smith wrote:\n> SECRET plan\n\nok`);
    const after = 1000 + 60_000;
    expect(conv.view(after).entries.map((e) => e.id)).toEqual([sid(0x02)]);
    expect(text(conv, 0, after)).toBe('> In reply to an expired message\n\nok');
    conv.add(m(0x03, ALICE, 3000, msg(nullPart(), { replaces: sid(0x01) })));
    expect(text(conv, 1, 2000)).toBe('> In reply to a deleted message\n\nok');
    expect(text(conv, 1, 2000)).not.toContain('SECRET');
  });

  it('relative expiry can count from when the user read the message', () => {
    const conv = new Conversation({ readAt: (id) => (id === sid(0x01) ? 50_000 : undefined) });
    conv.add(m(0x01, ALICE, 1000, msg(plain('x'), { expires: { relative: true, time: 10 } })));
    const v = conv.view(20_000);
    expect(v.entries[0]!.expiresAt).toBe(60_000);
    expect(v.nextExpiry).toBe(60_000);
    expect(conv.view(60_000).entries).toEqual([]);
  });

  it('prune forgets expired messages and their relations', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1000, msg(plain('x'), { expires: { relative: true, time: 10 } })));
    conv.add(m(0x02, BOB, 1001, msg(plain('👍', 2), { inReplyTo: sid(0x01) })));
    conv.add(m(0x03, ALICE, 1002, msg(plain('y'), { replaces: sid(0x01) })));
    conv.add(m(0x04, BOB, 1003, msg(plain('stays'))));
    expect(conv.prune(5000)).toBe(0);
    expect(conv.prune(11_000)).toBe(3);
    expect(conv.size).toBe(1);
    expect(conv.view(11_000).entries.map((e) => e.id)).toEqual([sid(0x04)]);
  });

  it('reply loops are detected (§4.1) and the target is "not available"', () => {
    const conv = new Conversation();
    conv.add(m(0x01, ALICE, 1, msg(plain('a'), { inReplyTo: sid(0x02) })));
    conv.add(m(0x02, BOB, 2, msg(plain('b'), { inReplyTo: sid(0x01) })));
    conv.add(m(0x03, BOB, 3, msg(plain('c'), { inReplyTo: sid(0x02) })));
    const v = conv.view(NOW);
    expect(v.entries.map((e) => e.replyTo?.status)).toEqual(['loop', 'loop', 'loop']);
    expect(text(conv, 2)).toBe('> In reply to a message that is not available\n\nc');
    // A self-reply is a loop too.
    const self = new Conversation();
    self.add(m(0x04, ALICE, 1, msg(plain('me'), { inReplyTo: sid(0x04) })));
    expect(self.view(NOW).entries[0]!.replyTo?.status).toBe('loop');
  });

  it('a long reply chain is handled without recursion', () => {
    const conv = new Conversation();
    for (let i = 1; i <= 20000; i++) {
      conv.add({ id: '03' + i.toString(16).padStart(62, '0'), sender: BOB, hubTimestamp: i, content: msg(plain('r'), { inReplyTo: '03' + (i - 1).toString(16).padStart(62, '0'), salt: i }) });
    }
    const v = conv.view(NOW);
    expect(v.entries).toHaveLength(20000);
    expect(v.entries[0]!.replyTo?.status).toBe('unknown');
    expect(v.entries[19999]!.replyTo?.status).toBe('available');
  });

  it('topics are grouped and ordered by timestamp then lowest ID (§5.11)', () => {
    const conv = new Conversation();
    conv.add(m(0x05, BOB, 30, msg(plain('t2-a'), { topicId: 'b' })));
    conv.add(m(0x04, BOB, 20, msg(plain('t1-b'), { topicId: 'a' })));
    conv.add(m(0x03, BOB, 20, msg(plain('t1-a'), { topicId: 'a' })));
    conv.add(m(0x01, BOB, 10, msg(plain('none'))));
    expect(conv.view(NOW).topics).toEqual([
      { topicId: '61', entryIds: [sid(0x03), sid(0x04)] },
      { topicId: '62', entryIds: [sid(0x05)] },
    ]);
  });
});

describe('Conversation: order independence (property)', () => {
  // A fixed message set exercising every relation; any arrival order must give the same view.
  const dup = m(0x1a, ALICE, 16, msg(plain('dup')));
  const set: ReceivedMessage[] = [
    ex('original', ALICE, TS.original),
    ex('reply', BOB, TS.reply),
    ex('reaction', CATHY, TS.reaction),
    ex('edit', BOB, TS.edit),
    ex('unlike', CATHY, TS.unlike),
    m(0x50, BOB, TS.edit, msg(md('tie loser'), { replaces: IDS.reply })), // same ts as the example edit
    m(0x11, CATHY, 10, msg(plain('hijack'), { replaces: IDS.original })), // unauthorized
    m(0x12, BOB, 11, msg(plain('🎉', 2), { inReplyTo: IDS.edit })), // reaction to a version
    m(0x13, ALICE, 12, msg(plain('v2'), { replaces: sid(0x14) })), // edit of an edit
    m(0x14, ALICE, 11, msg(plain('v1'), { replaces: sid(0x15) })),
    m(0x15, ALICE, 5, msg(plain('v0'), { topicId: 'x' })),
    m(0x16, BOB, 13, msg(plain('q'), { inReplyTo: sid(0x15) })),
    m(0x17, ALICE, 14, msg(nullPart(), { replaces: sid(0x18) })),
    m(0x18, ALICE, 6, msg(plain('gone'))),
    m(0x19, BOB, 15, msg(plain('re gone'), { inReplyTo: sid(0x18) })),
    dup,
    dup, // a true duplicate (same ID, same content)
  ];
  const snapshot = (msgs: readonly ReceivedMessage[]) => {
    const conv = new Conversation();
    for (const x of msgs) conv.add(x);
    const v = conv.view(NOW);
    return { view: v, texts: v.entries.map((e) => conv.render(e, { displayName: (u) => NAMES[u] }, NOW).text) };
  };
  const reference = snapshot(set);

  it('the reference view is what the rules say', () => {
    expect(reference.texts).toEqual([
      'v2 (edited)',
      'This message was deleted',
      'q'.replace(/^/, '> Alice Smith wrote:\n> v0 (edited since)\n\n'),
      're gone'.replace(/^/, '> In reply to a deleted message\n\n'),
      'dup',
      'Hi everyone, we just shipped release 2.0. Good work!',
      `> Alice Smith wrote:\n> Hi everyone, we just shipped release 2.0. Good work!\n\nRight on! Congratulations y'all! (edited)`,
    ]);
    expect(reference.view.rejected.map((r) => r.id)).toEqual([sid(0x11)]);
    expect(reference.view.entries[6]!.reactions).toEqual([{ key: '🎉', count: 1, senders: [BOB], onPreviousVersion: 0 }]);
  });

  it('any permutation of the same messages gives the same timeline', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(set, { minLength: set.length, maxLength: set.length }), (perm) => {
        const s = snapshot(perm);
        expect(s.texts).toEqual(reference.texts);
        expect(s.view.entries).toEqual(reference.view.entries);
        expect(s.view.rejected).toEqual(reference.view.rejected);
        expect(s.view.topics).toEqual(reference.view.topics);
        expect(s.view.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
