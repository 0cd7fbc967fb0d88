// `mimi decode` shows text bodies as text; `--bytes hex` gives the library's JSON mapping; `mimi encode`
// takes either back to the same bytes. Expected values: the draft's EDN (examples/original.edn and
// attachment.edn, as spec-vectors carries them), not the code under test.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { isUtf8TextType } from '../../src/cli/text-bodies.js';
import { REPO_ROOT } from '../support/shared.js';
import { expectOneErrorLine, recordingIO } from './io.js';

const vector = (name: string) =>
  (JSON.parse(readFileSync(join(REPO_ROOT, 'spec-vectors', 'content', `${name}.json`), 'utf8')) as {
    vectors: { id: string; input: { hex: string }; expected: { content: { nestedPart: unknown } } }[];
  }).vectors.find((v) => v.id === `${name}/decode`)!;

describe('mimi decode: text bodies', () => {
  it('shows a text/markdown body as text (the string of examples/original.edn)', async () => {
    const io = recordingIO(vector('original').input.hex);
    expect(await runCli(['decode', '-', '--hex'], io)).toBe(0);
    const part = JSON.parse(io.out.join('\n')).content.nestedPart;
    expect(part.text).toBe('Hi everyone, we just shipped release 2.0. __Good  work__!');
    expect(part).not.toHaveProperty('content');
  });

  it('--bytes hex shows the JSON mapping exactly (content as hex)', async () => {
    const v = vector('original');
    const io = recordingIO(v.input.hex);
    expect(await runCli(['decode', '-', '--hex', '--bytes', 'hex'], io)).toBe(0);
    expect(JSON.parse(io.out.join('\n')).content.nestedPart).toEqual(v.expected.content.nestedPart);
  });

  it('leaves external parts alone (attachment: no body bytes)', async () => {
    const v = vector('attachment');
    const io = recordingIO(v.input.hex);
    expect(await runCli(['decode', '-', '--hex'], io)).toBe(0);
    expect(JSON.parse(io.out.join('\n')).content.nestedPart).toEqual(v.expected.content.nestedPart);
  });

  it('shows the text part of a multipart message as text, the vendor part as hex (multipart-1)', async () => {
    const io = recordingIO(vector('multipart-1').input.hex);
    expect(await runCli(['decode', '-', '--hex'], io)).toBe(0);
    const parts = JSON.parse(io.out.join('\n')).content.nestedPart.parts as Record<string, unknown>[];
    expect(parts[0]).toMatchObject({ contentType: 'text/markdown;variant=GFM-MIMI', text: '# Welcome!' }); // 232057656c636f6d6521
    expect(parts[1]).toMatchObject({ contentType: 'application/vnd.examplevendor-fancy-im-message', content: 'dc861ebaa718fd7c3ca159f71a2001' });
  });

  it('a text body that is not UTF-8 stays hex', async () => {
    // Hand-built: [salt(16 zero bytes), null, h'', null, null, {}, [1, "", 1, "text/plain", h'ff']]
    const hex = '8750' + '00'.repeat(16) + 'f640f6f6a0' + '850160016a746578742f706c61696e41ff';
    const io = recordingIO(hex);
    expect(await runCli(['decode', '-', '--hex'], io)).toBe(0);
    expect(JSON.parse(io.out.join('\n')).content.nestedPart).toMatchObject({ contentType: 'text/plain', content: 'ff' });
  });

  it.each(['text', 'hex'])('mimi encode takes the --bytes %s output back to the same bytes', async (form) => {
    const hex = vector('multipart-2').input.hex;
    const dec = recordingIO(hex);
    expect(await runCli(['decode', '-', '--hex', '--bytes', form], dec)).toBe(0);
    const enc = recordingIO(dec.out.join('\n'));
    expect(await runCli(['encode', '-', '--hex'], enc)).toBe(0);
    expect(enc.out).toEqual([hex]);
  });

  it('--bytes takes text or hex only', async () => {
    const io = recordingIO(vector('original').input.hex);
    expect(await runCli(['decode', '-', '--hex', '--bytes', 'base64'], io)).toBe(2);
    expect(expectOneErrorLine(io)).toMatch(/unknown --bytes "base64"; use text or hex/);
  });

  it('text types: text/* with no charset or charset=utf-8 (draft-ietf-mimi-content §3.8)', () => {
    expect(isUtf8TextType('text/plain;charset=utf-8')).toBe(true);
    expect(isUtf8TextType('text/markdown;variant=GFM-MIMI')).toBe(true);
    expect(isUtf8TextType('text/plain; charset="UTF-8"')).toBe(true);
    expect(isUtf8TextType('text/plain;charset=iso-8859-1')).toBe(false);
    expect(isUtf8TextType('application/pdf')).toBe(false);
  });
});
