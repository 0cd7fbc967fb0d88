import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as content from '../../src/content/index.js';

const srcDir = fileURLToPath(new URL('../../src/content/', import.meta.url));

describe('mimi-kit/content public surface', () => {
  it('imports no node: modules and no ts-mls (browser-safe), transitively through src/cbor and src/errors', () => {
    const files = [
      ...readdirSync(srcDir).map((f) => srcDir + f),
      ...readdirSync(fileURLToPath(new URL('../../src/cbor/', import.meta.url))).map((f) => fileURLToPath(new URL('../../src/cbor/' + f, import.meta.url))),
      fileURLToPath(new URL('../../src/errors.ts', import.meta.url)),
    ];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/from ['"]node:/);
      expect(text, f).not.toMatch(/from ['"]ts-mls/);
      expect(text, f).not.toMatch(/\bBuffer\b/);
    }
  });

  it('exports the documented API', () => {
    for (const name of [
      'encodeContent',
      'decodeContent',
      'safeDecodeContent',
      'contentToCbor',
      'contentFromCbor',
      'validateContent',
      'checkReceivedContent',
      'messageId',
      'encodeWithId',
      'generateSalt',
      'deriveSalt',
      'plainText',
      'markdown',
      'html',
      'reply',
      'reaction',
      'unlike',
      'edit',
      'deleteMessage',
      'mention',
      'expiring',
      'attachment',
      'alternatives',
      'listParts',
      'partAt',
      'resolveCid',
      'cidFor',
      'encodeStatusReport',
      'decodeStatusReport',
      'contentToJson',
      'contentFromJson',
      'statusToJson',
      'statusFromJson',
      'MimiError',
      'bytesToHex',
      'hexToBytes',
    ]) {
      expect(content, name).toHaveProperty(name);
    }
    expect(content.bytesToHex(content.hexToBytes('01ff'))).toBe('01ff');
  });
});
