import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor } from '../../src/cbor/index.js';
import {
  bytesToHex,
  decodeContent,
  encodeContent,
  messageId,
  type ExternalPart,
  type MultiPart,
  type SinglePart,
} from '../../src/content/index.js';
import {
  ALICE,
  BOB,
  CATHY,
  ORIGINAL_ID,
  REACTION_ID,
  REPLY_ID,
  ROOM,
  contentExampleNames,
  example,
  ednMessageId,
  ednTimestamp,
  hex,
  utf8,
} from './helpers.js';

const names = contentExampleNames();

describe('draft examples', () => {
  it('has the 14 content examples', () => {
    expect(names).toHaveLength(14);
  });

  for (const name of names) {
    it(`${name}: decode → encode is byte-identical`, () => {
      const bytes = example(name);
      const ts = ednTimestamp(name);
      const c = decodeContent(bytes, ts === undefined ? {} : { hubTimestamp: ts });
      expect(bytesToHex(encodeContent(c))).toBe(bytesToHex(bytes));
    });
    it(`${name}: message ID matches the .edn comment`, () => {
      const expected = ednMessageId(name);
      expect(expected, 'edn has a message ID comment').toBeDefined();
      expect(bytesToHex(messageId(example(name)))).toBe(bytesToHex(expected!));
    });
  }

  it('implied-original (MessageDerivedValues) round-trips as CBOR', () => {
    const b = example('implied-original');
    const v = decodeCbor(b) as unknown[];
    expect(v).toHaveLength(7);
    expect(v[1]).toBe(1644387225019);
    expect(v[3]).toBe(4);
    // README trap: implied-original still carries the -07 message ID, not the -08 ID of original.cbor.
    expect(bytesToHex(v[0] as Uint8Array)).toBe('01b0084467273cc43d6f0ebeac13eb84229c4fffe8f6c3594c905f47779e5a79');
    expect(bytesToHex(messageId(example('original')))).toBe(bytesToHex(ORIGINAL_ID));
    expect(encodeCbor(decodeCbor(b))).toEqual(b);
  });
});

describe('decoded fields match the .edn text', () => {
  it('original', () => {
    const c = decodeContent(example('original'));
    expect(bytesToHex(c.salt)).toBe('5eed9406c2545547ab6f09f20a18b003');
    expect(c.replaces).toBeNull();
    expect(c.topicId).toHaveLength(0);
    expect(c.expires).toBeNull();
    expect(c.inReplyTo).toBeNull();
    expect(c.extensions).toEqual({ senderUri: ALICE, roomUri: ROOM });
    const p = c.nestedPart as SinglePart;
    expect(p).toMatchObject({ disposition: 1, language: '', cardinality: 'single', contentType: 'text/markdown;variant=GFM-MIMI' });
    expect(new TextDecoder().decode(p.content)).toBe('Hi everyone, we just shipped release 2.0. __Good  work__!');
  });

  it('reply', () => {
    const c = decodeContent(example('reply'));
    expect(c.inReplyTo).toEqual(ORIGINAL_ID);
    expect(c.extensions.senderUri).toBe(BOB);
    expect(new TextDecoder().decode((c.nestedPart as SinglePart).content)).toBe("Right on! _Congratulations_ 'all!");
  });

  it('reaction (bytes are U+2764, not the U+2665 of the text)', () => {
    const c = decodeContent(example('reaction'));
    const p = c.nestedPart as SinglePart;
    expect(p.disposition).toBe(2);
    expect(p.contentType).toBe('text/plain;charset=utf-8');
    expect(p.content).toEqual(hex('e29da4'));
    expect(c.extensions.senderUri).toBe(CATHY);
  });

  it('edit and delete', () => {
    const e = decodeContent(example('edit'));
    expect(e.replaces).toEqual(REPLY_ID);
    expect(e.inReplyTo).toEqual(ORIGINAL_ID);
    expect(new TextDecoder().decode((e.nestedPart as SinglePart).content)).toBe("Right on! _Congratulations_ y'all!");
    const d = decodeContent(example('delete'));
    expect(d.replaces).toEqual(REPLY_ID);
    expect(d.nestedPart).toEqual({ disposition: 1, language: '', cardinality: 'nullpart' });
  });

  it('unlike', () => {
    const c = decodeContent(example('unlike'));
    expect(c.replaces).toEqual(REACTION_ID);
    expect(c.inReplyTo).toEqual(ORIGINAL_ID);
    expect(c.nestedPart).toEqual({ disposition: 2, language: '', cardinality: 'nullpart' });
  });

  it('expiring', () => {
    const c = decodeContent(example('expiring'));
    expect(c.expires).toEqual({ relative: false, time: 1644390004 });
    expect(bytesToHex(c.salt)).toBe('33be993eb39f418f9295afc2ae160d2d');
  });

  it('attachment: every ExternalPart field', () => {
    const p = decodeContent(example('attachment')).nestedPart as ExternalPart;
    expect(p.disposition).toBe(6);
    expect(p.language).toBe('en');
    expect(p.contentType).toBe('video/mp4');
    expect(p.url).toBe('https://example.com/storage/8ksB4bSrrRE.mp4');
    expect(p.expires).toBe(0);
    expect(p.size).toBe(708234961);
    expect(p.encAlg).toBe(1);
    expect(bytesToHex(p.key)).toBe('21399320958a6f4c745dde670d95e0d8');
    expect(bytesToHex(p.nonce)).toBe('c86cf2c33f21527d1dd76f5b');
    expect(p.aad).toHaveLength(0);
    expect(p.hashAlg).toBe(1);
    expect(bytesToHex(p.contentHash)).toBe('9ab17a8cf0890baaae7ee016c7312fcc080ba46498389458ee44f0276e783163');
    expect(p.description).toBe('2 hours of key signing video');
    expect(p.filename).toBe('bigfile.mp4');
  });

  it('conferencing', () => {
    const c = decodeContent(example('conferencing'));
    expect(c.topicId).toEqual(utf8('Foo 118'));
    const p = c.nestedPart as ExternalPart;
    expect(p).toMatchObject({ disposition: 7, contentType: '', url: 'https://example.com/join/12345', hashAlg: 0, encAlg: 0 });
    expect(p.description).toBe('Join the Foo 118 conference');
  });

  it('mention and mention-html', () => {
    const m = decodeContent(example('mention')).nestedPart as SinglePart;
    expect(new TextDecoder().decode(m.content)).toBe(
      'Kudos to [@Alice Smith](mimi://example.com/u/alice-smith) for making the release happen!',
    );
    const h = decodeContent(example('mention-html')).nestedPart as SinglePart;
    expect(h.contentType).toBe('text/html;charset=utf-8');
    expect(new TextDecoder().decode(h.content)).toBe(
      '<p>Kudos to <a href="mimi://example.com/u/alice-smith">@Alice Smith</a> for making the release happen!</p>',
    );
  });

  it('multipart-1, -2, -3', () => {
    const m1 = decodeContent(example('multipart-1')).nestedPart as MultiPart;
    expect(m1.partSemantics).toBe('chooseOne');
    expect((m1.parts[1] as SinglePart).contentType).toBe('application/vnd.examplevendor-fancy-im-message');
    expect((m1.parts[1] as SinglePart).content).toEqual(hex('dc861ebaa718fd7c3ca159f71a2001'));
    const m2 = decodeContent(example('multipart-2')).nestedPart as MultiPart;
    expect(m2.disposition).toBe(2);
    expect(m2.partSemantics).toBe('processAll');
    expect(m2.parts.map((p) => bytesToHex((p as SinglePart).content))).toEqual(['e29da4', 'f09fa5b3', 'f09fa49e']);
    const m3 = decodeContent(example('multipart-3')).nestedPart as MultiPart;
    const gif = (m3.parts[0] as MultiPart).parts[1] as SinglePart;
    expect(gif).toMatchObject({ disposition: 4, contentType: 'image/gif' });
    const fr = ((m3.parts[1] as MultiPart).parts[0] as MultiPart).parts[1] as SinglePart;
    expect(fr.language).toBe('fr');
    expect(new TextDecoder().decode(fr.content)).toContain('cid:10@local.invalid');
  });
});

describe('decoded values are independent of the input buffer', () => {
  it('mutating the input after decoding changes nothing (small and large byte strings)', () => {
    for (const name of ['multipart-3', 'attachment', 'expiring']) {
      const input = new Uint8Array(example(name));
      const c = decodeContent(input);
      const before = bytesToHex(encodeContent(c));
      input.fill(0);
      expect(bytesToHex(encodeContent(c)), name).toBe(before);
    }
  });
  it('maxBytes limits the input', () => {
    expect(() => decodeContent(example('original'), { maxBytes: 10 })).toThrow(expect.objectContaining({ code: 'cbor/too-large' }));
  });
});
