import { readFileSync, readdirSync } from 'node:fs';
import { decodeContent, encodeContent } from '../../src/content/index.js';
const dir = '/work/shared/specs/mimi-content/examples/';
for (const f of readdirSync(dir).filter(f => f.endsWith('.cbor') && !f.startsWith('implied'))) {
  const bytes = new Uint8Array(readFileSync(dir + f));
  try { const c = decodeContent(bytes); console.log(f, Buffer.from(encodeContent(c)).equals(Buffer.from(bytes))); } catch (e) { console.log(f, (e as any).code, (e as any).message); }
}
