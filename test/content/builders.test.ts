import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GFM_MIMI,
  MimiError,
  TEXT_HTML,
  alternatives,
  attachment,
  bytesToHex,
  decodeContent,
  deleteMessage,
  deriveSalt,
  edit,
  encodeContent,
  encodeWithId,
  expiring,
  generateSalt,
  html,
  markdown,
  mention,
  message,
  messageId,
  multiPart,
  nullPart,
  plainText,
  reaction,
  reply,
  singlePart,
  unlike,
} from '../../src/content/index.js';
import { ALICE, BOB, CATHY, ORIGINAL_ID, REACTION_ID, REPLY_ID, ROOM, example, hex } from './helpers.js';

const same = (built: Uint8Array, name: string) => expect(bytesToHex(built)).toBe(bytesToHex(example(name)));

describe('builders reproduce the draft examples byte for byte', () => {
  it('original (markdown)', () => {
    const c = markdown('Hi everyone, we just shipped release 2.0. __Good  work__!', {
      salt: hex('5eed9406c2545547ab6f09f20a18b003'),
      senderUri: ALICE,
      roomUri: ROOM,
    });
    same(encodeContent(c), 'original');
    expect(bytesToHex(encodeWithId(c).id)).toBe(bytesToHex(ORIGINAL_ID));
  });

  it('reply', () => {
    const c = reply(ORIGINAL_ID, "Right on! _Congratulations_ 'all!", { salt: hex('11a458c73b8dd2cf404db4b378b8fe4d'), senderUri: BOB, roomUri: ROOM });
    same(encodeContent(c), 'reply');
    expect(bytesToHex(encodeWithId(c).id)).toBe(bytesToHex(REPLY_ID));
  });

  it('reaction', () => {
    const c = reaction(ORIGINAL_ID, '\u2764', { salt: hex('d37bc0e6a8b4f04e9e6382375f587bf6'), senderUri: CATHY, roomUri: ROOM });
    same(encodeContent(c), 'reaction');
    expect(bytesToHex(encodeWithId(c).id)).toBe(bytesToHex(REACTION_ID));
  });

  it('edit', () => {
    const c = edit(REPLY_ID, "Right on! _Congratulations_ y'all!", {
      inReplyTo: ORIGINAL_ID,
      salt: hex('b8c2e6d8800ecf45df39be6c45f4c042'),
      senderUri: BOB,
      roomUri: ROOM,
    });
    same(encodeContent(c), 'edit');
  });

  it('delete', () => {
    const c = deleteMessage(REPLY_ID, { inReplyTo: ORIGINAL_ID, salt: hex('0a590d73b2c7761c39168be5ebf7f2e6'), senderUri: BOB, roomUri: ROOM });
    same(encodeContent(c), 'delete');
  });

  it('unlike (reaction disposition, NullPart, replaces the reaction ID)', () => {
    const c = unlike(REACTION_ID, { inReplyTo: ORIGINAL_ID, salt: hex('c5ba86dc9fd272e58ca52ec805b79199'), senderUri: CATHY, roomUri: ROOM });
    same(encodeContent(c), 'unlike');
  });

  it('expiring', () => {
    const c = expiring(
      "__*VPN GOING DOWN*__ I'm rebooting the VPN in ten minutes unless anyone objects.",
      { relative: false, time: 1644390004 },
      { salt: hex('33be993eb39f418f9295afc2ae160d2d'), senderUri: ALICE, roomUri: ROOM },
    );
    same(encodeContent(c), 'expiring');
  });

  it('attachment (all ExternalPart fields)', () => {
    const c = attachment(
      {
        url: 'https://example.com/storage/8ksB4bSrrRE.mp4',
        contentType: 'video/mp4',
        language: 'en',
        size: 708234961,
        encAlg: 1,
        key: hex('21399320958a6f4c745dde670d95e0d8'),
        nonce: hex('c86cf2c33f21527d1dd76f5b'),
        hashAlg: 1,
        contentHash: hex('9ab17a8cf0890baaae7ee016c7312fcc080ba46498389458ee44f0276e783163'),
        description: '2 hours of key signing video',
        filename: 'bigfile.mp4',
      },
      { salt: hex('18fac6371e4e53f1aeaf8a013155c166'), senderUri: BOB, roomUri: ROOM },
    );
    same(encodeContent(c), 'attachment');
  });

  it('conferencing (external part with session disposition, topicId)', () => {
    const c = attachment(
      { url: 'https://example.com/join/12345', disposition: 'session', description: 'Join the Foo 118 conference' },
      { salt: hex('678ac6cd54de049c3e9665cd212470fa'), topicId: new TextEncoder().encode('Foo 118'), senderUri: ALICE, roomUri: ROOM },
    );
    same(encodeContent(c), 'conferencing');
  });

  it('mention (markdown) and mention-html', () => {
    const segments = ['Kudos to ', { uri: ALICE, display: '@Alice Smith' }, ' for making the release happen!'];
    const opts = { inReplyTo: ORIGINAL_ID, senderUri: CATHY, roomUri: ROOM };
    same(encodeContent(mention(segments, { ...opts, salt: hex('04f290e215d0f82d1750bfa8b7dc089d') })), 'mention');
    same(encodeContent(mention(segments, { ...opts, format: 'html', salt: hex('15d9705fd5bf5e02b0af47c85f8b98fe') })), 'mention-html');
  });

  it('multipart-1 (alternatives / chooseOne)', () => {
    const c = alternatives(
      [singlePart(GFM_MIMI, '# Welcome!'), singlePart('application/vnd.examplevendor-fancy-im-message', hex('dc861ebaa718fd7c3ca159f71a2001'))],
      { salt: hex('261c953e178af653fe3d42641b91d814'), senderUri: ALICE, roomUri: ROOM },
    );
    same(encodeContent(c), 'multipart-1');
  });

  it('multipart-2 (processAll reactions)', () => {
    const r = (e: string) => singlePart('text/plain;charset=utf-8', e, { disposition: 'reaction' });
    const c = message(multiPart('processAll', [r('\u2764'), r('\u{1F973}'), r('\u{1F91E}')], { disposition: 'reaction' }), {
      salt: hex('8528dc2d92e4f1944d62042907ab94d0'),
      senderUri: ALICE,
      roomUri: ROOM,
    });
    same(encodeContent(c), 'multipart-2');
  });

  it('multipart-3 (nested)', () => {
    const page = (lang: string, title: string, alt: string, cid: number) =>
      singlePart(TEXT_HTML, `<html><body><h1>${title}</h1>\n<img src="cid:${cid}@local.invalid" alt="${alt}"/>\n</body></html>`, { language: lang });
    const version = (cid: number, img: Uint8Array, type: string) =>
      multiPart('processAll', [
        multiPart('chooseOne', [page('en', 'Welcome!', 'Welcome image', cid), page('fr', 'Bienvenue!', 'Image bienvenue', cid)]),
        singlePart(type, img, { disposition: 'inline' }),
      ]);
    const c = alternatives(
      [version(5, hex('dc861ebaa718fd7c3ca159f71a2001a7'), 'image/gif'), version(10, hex('fa444237451a05a72bb0f67037cc1669'), 'image/png')],
      { salt: hex('b8362793168d18c049b882d4642a2274'), senderUri: ALICE, roomUri: ROOM },
    );
    same(encodeContent(c), 'multipart-3');
  });
});

describe('other builders', () => {
  it('plainText, html, markdown content types', () => {
    expect(plainText('x').nestedPart).toMatchObject({ contentType: 'text/plain;charset=utf-8' });
    expect(html('<p>x</p>').nestedPart).toMatchObject({ contentType: 'text/html;charset=utf-8' });
    expect(markdown('x').nestedPart).toMatchObject({ contentType: 'text/markdown;variant=GFM-MIMI' });
    expect(reply(ORIGINAL_ID, 'x', { format: 'plain' }).nestedPart).toMatchObject({ contentType: 'text/plain;charset=utf-8' });
  });

  it('mention escapes markdown and html, and uses <uri> without a display hint', () => {
    const md = mention(['a*b ', { uri: ALICE }, ' [x]'], {}).nestedPart;
    expect(new TextDecoder().decode((md as { content: Uint8Array }).content)).toBe('a\\*b <mimi://example.com/u/alice-smith> \\[x\\]');
    const h = mention(['<b>', { uri: ALICE, display: 'A&B' }], { format: 'html' }).nestedPart;
    expect(new TextDecoder().decode((h as { content: Uint8Array }).content)).toBe(
      '<p>&lt;b&gt;<a href="mimi://example.com/u/alice-smith">A&amp;B</a></p>',
    );
    expect(() => mention([{ uri: 'mimi://x y' }])).toThrow(MimiError);
  });

  it('random salts are 16 octets and differ', () => {
    const a = generateSalt();
    const b = generateSalt();
    expect(a).toHaveLength(16);
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
    expect(plainText('x').salt).toHaveLength(16);
  });

  it('deriveSalt = first 16 octets of HMAC-SHA256(salt_base_secret, nonce) (checked with node:crypto)', () => {
    const secret = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const nonce = hex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
    const expected = createHmac('sha256', secret).update(nonce).digest().subarray(0, 16);
    expect(bytesToHex(deriveSalt(secret, nonce))).toBe(Buffer.from(expected).toString('hex'));
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    expect(bytesToHex(deriveSalt(new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c7',
    );
    expect(() => deriveSalt(new Uint8Array(0), nonce)).toThrow(expect.objectContaining({ code: 'content/invalid-salt-input' }));
  });

  it('builders validate their input', () => {
    expect(() => reply(new Uint8Array(31), 'x')).toThrow(expect.objectContaining({ code: 'content/invalid-message-id', path: ['inReplyTo'] }));
    expect(() => plainText('x', { salt: new Uint8Array(15) })).toThrow(expect.objectContaining({ code: 'content/invalid-salt' }));
    expect(() => multiPart('chooseOne', [nullPart()])).toThrow(expect.objectContaining({ code: 'content/multipart-too-few-parts' }));
    expect(() => plainText('x', { disposition: 'bogus' as 'render' })).toThrow(expect.objectContaining({ code: 'content/invalid-disposition' }));
  });

  it('encodeWithId agrees with messageId over the encoding', () => {
    const { bytes, id } = encodeWithId(plainText('hello', { senderUri: ALICE, roomUri: ROOM }));
    expect(id).toEqual(messageId(bytes));
    expect(decodeContent(bytes).extensions.senderUri).toBe(ALICE);
  });
});
