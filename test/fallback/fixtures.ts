/**
 * Test fixtures for the fallback renderer: MimiContent objects built by hand (no builder), and the
 * draft's example files (their bytes, from spec-vectors).
 */
import type { MimiContent } from '../../src/content/mimiContent.js';
import type { ExternalPart, NestedPart } from '../../src/content/nestedPart.js';
import { exampleBytes as specVectorExample } from '../support/examples.js';

export const ALICE = 'mimi://example.com/u/alice-smith';
export const BOB = 'mimi://example.com/u/bob-jones';
export const CATHY = 'mimi://example.com/u/cathy-washington';
export const ROOM = 'mimi://example.com/r/engineering_team';
export const NAMES: Record<string, string> = { [ALICE]: 'Alice Smith', [BOB]: 'Bob Jones', [CATHY]: 'Cathy Washington' };

/** Message IDs written in the comments of the draft's .edn examples. */
export const IDS = {
  original: '017ce54837404c3696e0c747b985cb172716d0ed0a3d249ca63ace7d82a096f4',
  reply: '015354973c2b65ca937bf1e035ae53a5ab80e947afa43d46920d4202e5cc0b27',
  reaction: '0158c4288911e50a8f6be3f47746b6682f10fd91bc8c05557aa589a3157aff68',
  edit: '014028c0deddbdea56bec26172f6ede953d11024cb82b8192b5e2aea62d7fb47',
  delete: '011d9efc78d04d4dcf4d82b07d5199bbef37011c1f0c7e004b6111c6dda504b4',
  unlike: '013aadbb8f313253c8930f4e93c6ca54b2ed06d258185bdcec3870534c8a4ec4',
  expiring: '01e59db8173939facc2c8a4a0f0ae8d0c7a11a81239626630c9464a8d6717a03',
  conferencing: '01496d15a8dba28d7397f9868b70768e4a67f765d5b5b1ae9e03848c5fdeb0ba',
} as const;

/** Hub timestamps written in the .edn comments. */
export const TS = {
  original: 1644387225019,
  reply: 1644387237492,
  reaction: 1644387237728,
  edit: 1644387248621,
  delete: 1644387248621,
  unlike: 1644387250389,
  expiring: 1644389403227,
} as const;

/** Bytes of the draft's `examples/<name>.cbor`, as carried by spec-vectors. */
export function exampleBytes(name: string): Uint8Array {
  return specVectorExample(name);
}

export const hex = (h: string): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
};

const enc = new TextEncoder();

/** A synthetic 32-octet message ID: 0x01 followed by 31 copies of `byte`. */
export function sid(byte: number): string {
  return '01' + byte.toString(16).padStart(2, '0').repeat(31);
}

export function single(contentType: string, content: string | Uint8Array, disposition = 1, language = ''): NestedPart {
  return {
    disposition,
    language,
    cardinality: 'single',
    contentType,
    content: (typeof content === 'string' ? enc.encode(content) : content) as Uint8Array<ArrayBuffer>,
  };
}
export const plain = (t: string, d = 1, lang = '') => single('text/plain;charset=utf-8', t, d, lang);
export const md = (t: string, d = 1, lang = '') => single('text/markdown;variant=GFM-MIMI', t, d, lang);
export const htmlPart = (t: string, d = 1, lang = '') => single('text/html;charset=utf-8', t, d, lang);

export function multi(partSemantics: 'chooseOne' | 'singleUnit' | 'processAll', parts: NestedPart[], disposition = 1): NestedPart {
  return { disposition, language: '', cardinality: 'multi', partSemantics, parts };
}

export function external(p: Partial<ExternalPart> & { url: string }): NestedPart {
  return {
    disposition: 6,
    language: '',
    cardinality: 'external',
    contentType: '',
    expires: 0,
    size: 0,
    encAlg: 0,
    key: new Uint8Array(0),
    nonce: new Uint8Array(0),
    aad: new Uint8Array(0),
    hashAlg: 0,
    contentHash: new Uint8Array(0),
    description: '',
    filename: '',
    ...p,
  } as NestedPart;
}

export const nullPart = (disposition = 1): NestedPart => ({ disposition, language: '', cardinality: 'nullpart' });

let saltCounter = 0;
export function msg(
  nestedPart: NestedPart,
  o: { replaces?: string; inReplyTo?: string; topicId?: string; expires?: { relative: boolean; time: number }; sender?: string; salt?: number } = {},
): MimiContent {
  const s = new Uint8Array(16);
  s[15] = o.salt ?? ++saltCounter & 0xff;
  s[14] = (o.salt ?? saltCounter) >> 8;
  return {
    salt: s as Uint8Array<ArrayBuffer>,
    replaces: o.replaces ? hex(o.replaces) : null,
    topicId: o.topicId ? enc.encode(o.topicId) : new Uint8Array(0),
    expires: o.expires ?? null,
    inReplyTo: o.inReplyTo ? hex(o.inReplyTo) : null,
    extensions: { senderUri: o.sender ?? ALICE, roomUri: ROOM },
    nestedPart,
  } as MimiContent;
}
