/**
 * `check-draft`: finds the CBOR examples of a draft's markdown source, decodes them, recomputes the
 * message IDs and checks that every reference between examples resolves.
 *
 * The MIMI drafts show each example twice: as annotated EDN (usually an included `examples/*.edn` file,
 * `<{{file}}` in mmark or `{::include file}` in kramdown-rfc) and as a cbor.me-style hex dump in a code
 * block. The two are maintained by hand and drift apart: in draft-ietf-mimi-content (editor's copy at
 * 961ea5a) the hex dumps of the Reply and Reaction examples still carry the -07 message ID of the
 * Original example (`01b00844…`), while the EDN and the `.cbor` files carry the current one (`017ce548…`).
 *
 * @module
 */
import { decodeCbor } from '../cbor/decode.js';
import { bytesToHex } from '../cbor/hex.js';
import { encodeCbor } from '../cbor/encode.js';
import type { CborValue } from '../cbor/value.js';
import { MimiError } from '../errors.js';
import { decodeContent, messageId } from '../content/index.js';
import { parseEdn, statedMessageId } from './edn.js';

/**
 * One CBOR example found in a draft.
 *
 * @example
 * ```ts
 * const [first] = extractDraftExamples(markdown); // { name: 'Original Message (hex dump, line 627)', form: 'hex', … }
 * ```
 */
export interface DraftExample {
  /** Human-readable name: the section heading plus how the example is presented. */
  readonly name: string;
  /** The heading of the section the example is in. */
  readonly section: string;
  /** `edn` (annotated diagnostic notation) or `hex` (a hex dump). */
  readonly form: 'edn' | 'hex';
  /** 1-based line in the markdown where the example (or its include directive) starts. */
  readonly line: number;
  /** The included file, for an EDN include. */
  readonly file?: string;
  /** The CBOR bytes, when the example could be read. */
  readonly bytes?: Uint8Array;
  /** The message ID an EDN comment states (`# message ID = h'…'`), lower-case hex. */
  readonly statedId?: string;
  /** Why the example could not be read (a note, not a mismatch). */
  readonly unreadable?: string;
}

/** What was found about one example. */
export interface DraftFinding {
  /** `mismatch` fails the check; `note` is informational. */
  readonly severity: 'mismatch' | 'note';
  readonly example: string;
  readonly message: string;
}

/** The result of {@link checkDraft}. */
export interface DraftReport {
  readonly examples: readonly (DraftExample & { readonly id?: string; readonly type: ExampleType })[];
  readonly findings: readonly DraftFinding[];
  /** Number of `mismatch` findings. */
  readonly mismatches: number;
}

/** What an example turned out to be. */
export type ExampleType = 'content' | 'derived-values' | 'status-report' | 'other' | 'unreadable';

/** Options of {@link extractDraftExamples} and {@link checkDraft}. */
export interface CheckDraftOptions {
  /**
   * Reads an included file (path as written in the draft, relative to the draft). Return undefined
   * when it does not exist; the include is then reported as a note and skipped.
   */
  readonly readInclude?: (path: string) => string | undefined;
  /** Message IDs (lower-case hex) defined elsewhere, e.g. by the examples of a referenced draft. */
  readonly knownIds?: ReadonlyMap<string, string>;
}

const FENCE = /^(`{3,}|~{3,})\s*([^\s`]*)/;
const MMARK_INCLUDE = /^<\{\{([^}]+)\}\}\s*$/;
const KRAMDOWN_INCLUDE = /^\{::include\s+([^}\s]+)\s*\}\s*$/;

/** Parses a cbor.me-style hex dump; undefined when the block is not one. */
function parseHexDump(lines: readonly string[]): Uint8Array | undefined {
  let hex = '';
  let tokens = 0;
  for (const raw of lines) {
    const code = raw.replace(/#.*$/, '').trim();
    if (code === '') continue;
    for (const token of code.split(/\s+/)) {
      if (!/^([0-9a-fA-F]{2})+$/.test(token)) return undefined;
      hex += token;
      tokens++;
    }
  }
  if (tokens === 0 || hex.length < 4) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function cleanHeading(line: string): string {
  return line
    .replace(/^#+\s*/, '')
    .replace(/\s*\{[^}]*\}\s*$/, '')
    .trim();
}

/**
 * Finds the CBOR examples in a draft's markdown: hex dumps in code blocks, EDN code blocks
 * (` ```edn ` / `~~~ cbor-diag`) and included `.edn` files.
 *
 * @param markdown - the draft's markdown source
 * @param options - how to read included files
 * @returns the examples in document order (unreadable ones with `unreadable` set)
 * @throws never for bad input: unreadable examples are reported, not thrown
 * @example
 * ```ts
 * const examples = extractDraftExamples(readFileSync('draft.md', 'utf8'), { readInclude: (p) => readIfExists(p) });
 * ```
 */
export function extractDraftExamples(markdown: string, options: CheckDraftOptions = {}): DraftExample[] {
  const lines = markdown.split(/\r?\n/);
  const out: DraftExample[] = [];
  let section = '(preamble)';

  const addEdn = (text: string, line: number, file: string | undefined): void => {
    const name = `${section} (EDN${file ? ` ${file}` : ''}, line ${line})`;
    const base = { name, section, form: 'edn' as const, line, ...(file === undefined ? {} : { file }) };
    const statedId = statedMessageId(text);
    try {
      const bytes = encodeCbor(parseEdn(text));
      out.push({ ...base, bytes, ...(statedId === undefined ? {} : { statedId }) });
    } catch (e) {
      // Extension examples are often bare map entries (`3: {…}`): read them as a map.
      try {
        const bytes = encodeCbor(parseEdn(`{${text}\n}`));
        out.push({ ...base, name: name.replace('(EDN', '(EDN map entries'), bytes });
      } catch {
        out.push({ ...base, unreadable: e instanceof MimiError ? e.message : String(e) });
      }
    }
  };
  const include = (path: string, line: number): void => {
    if (!path.endsWith('.edn')) return;
    const text = options.readInclude?.(path);
    if (text === undefined) {
      out.push({ name: `${section} (EDN ${path}, line ${line})`, section, form: 'edn', line, file: path, unreadable: `included file ${path} not found` });
      return;
    }
    addEdn(text, line, path);
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6}\s/.test(line)) {
      section = cleanHeading(line);
      continue;
    }
    const inc = MMARK_INCLUDE.exec(line.trim()) ?? KRAMDOWN_INCLUDE.exec(line.trim());
    if (inc) {
      include(inc[1]!.trim(), i + 1);
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) continue;
    const marker = fence[1]!;
    const info = (fence[2] ?? '').toLowerCase();
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.trimEnd().startsWith(marker[0]!.repeat(marker.length)) && l.trim().replace(new RegExp(`^\\${marker[0]}+`), '') === '') break;
      body.push(l);
    }
    const nonEmpty = body.filter((l) => l.trim() !== '');
    const only = nonEmpty.length === 1 ? nonEmpty[0]!.trim() : undefined;
    const inner = only === undefined ? null : (KRAMDOWN_INCLUDE.exec(only) ?? MMARK_INCLUDE.exec(only));
    if (inner) {
      include(inner[1]!.trim(), start + 1);
      continue;
    }
    if (info === 'edn' || info === 'cbor-diag' || info === 'cbor-edn') {
      addEdn(body.join('\n'), start + 1, undefined);
      continue;
    }
    if (info !== '' && info !== 'cbor-pretty' && info !== 'hex') continue;
    const bytes = parseHexDump(body);
    if (bytes) out.push({ name: `${section} (hex dump, line ${start + 1})`, section, form: 'hex', line: start + 1, bytes });
  }
  return out;
}

interface Analysed {
  type: ExampleType;
  id?: string;
  /** Message IDs the example refers to: field name and lower-case hex. */
  refs: { field: string; id: string }[];
  /** Top-level fields for comparing twins (content only). */
  fields?: Record<string, string>;
}

const FIELD_NAMES = ['salt', 'replaces', 'topicId', 'expires', 'inReplyTo', 'extensions', 'nestedPart'];

function analyse(bytes: Uint8Array): Analysed | { error: string } {
  let value: CborValue;
  try {
    value = decodeCbor(bytes, { allowTags: true });
  } catch (e) {
    return { error: `not valid deterministic CBOR (${e instanceof MimiError ? e.code : String(e)})` };
  }
  try {
    const content = decodeContent(bytes);
    const refs: { field: string; id: string }[] = [];
    if (content.inReplyTo) refs.push({ field: 'inReplyTo', id: bytesToHex(content.inReplyTo) });
    if (content.replaces) refs.push({ field: 'replaces', id: bytesToHex(content.replaces) });
    const fields: Record<string, string> = {};
    if (Array.isArray(value)) value.forEach((v, i) => (fields[FIELD_NAMES[i] ?? String(i)] = bytesToHex(encodeCbor(v))));
    return { type: 'content', id: bytesToHex(messageId(bytes)), refs, fields };
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    // draft-ietf-mimi-content §3: [salt(16), replaces, topicId, expires, inReplyTo, extensions, body].
    if (Array.isArray(value) && value.length === 7 && value[0] instanceof Uint8Array && value[0].length === 16) {
      return { error: `a MIMI content message that does not validate (${e.code}: ${e.message})` };
    }
    // Not a MIMI content message: look for the other shapes the drafts show.
  }
  const isId = (v: CborValue | undefined): v is Uint8Array => v instanceof Uint8Array && v.length === 32;
  // draft-ietf-mimi-content Appendix B.2, MessageDerivedValues: [messageId, timestamp, groupId, leaf, 3 URIs].
  if (Array.isArray(value) && value.length === 7 && isId(value[0]) && typeof value[4] === 'string') {
    return { type: 'derived-values', refs: [{ field: 'messageId', id: bytesToHex(value[0]) }] };
  }
  // draft-mahy-mimi-message-status: MessageStatusReport = [* [messageId, status]].
  if (Array.isArray(value) && value.length > 0 && value.every((p) => Array.isArray(p) && p.length === 2 && isId(p[0]) && typeof p[1] === 'number')) {
    return {
      type: 'status-report',
      refs: value.map((p, i) => ({ field: `[${i}].messageId`, id: bytesToHex((p as Uint8Array[])[0]!) })),
    };
  }
  return { type: 'other', refs: [] };
}

const short = (hex: string): string => `${hex.slice(0, 8)}…`;

/**
 * Checks the CBOR examples of a draft against each other.
 *
 * Reports as mismatches: an example that is not valid deterministic CBOR; an `inReplyTo`/`replaces`
 * (or a derived-values or status-report message ID) that is the ID of no example in the draft (nor in
 * `knownIds`); an EDN comment stating a message ID other than the recomputed one; a hex dump that
 * differs from the EDN example of the same section. Unparseable EDN fragments and missing include files
 * are notes.
 *
 * @param markdown - the draft's markdown source
 * @param options - include reader and IDs known from elsewhere
 * @returns examples (with their recomputed IDs), findings and the number of mismatches
 * @throws never for bad input: problems are findings
 * @example
 * ```ts
 * const report = checkDraft(text, { readInclude: (p) => readFileSync(join(dir, p), 'utf8') });
 * for (const f of report.findings) console.log(`${f.severity}: ${f.example}: ${f.message}`);
 * ```
 */
export function checkDraft(markdown: string, options: CheckDraftOptions = {}): DraftReport {
  const examples = extractDraftExamples(markdown, options);
  const findings: DraftFinding[] = [];
  type Row = DraftExample & { type: ExampleType; id?: string; a: Analysed | undefined };
  const analysed = examples.map((ex): Row => {
    if (!ex.bytes) {
      findings.push({ severity: 'note', example: ex.name, message: `skipped: ${ex.unreadable ?? 'no bytes'}` });
      return { ...ex, type: 'unreadable' as const, a: undefined };
    }
    const a = analyse(ex.bytes);
    if ('error' in a) {
      findings.push({ severity: 'mismatch', example: ex.name, message: a.error });
      return { ...ex, type: 'unreadable' as const, a: undefined };
    }
    return { ...ex, type: a.type, ...(a.id === undefined ? {} : { id: a.id }), a };
  });

  // Which example has which ID (first one wins for the name).
  const owner = new Map<string, string>();
  for (const ex of analysed) if (ex.id !== undefined && !owner.has(ex.id)) owner.set(ex.id, ex.section);
  const known = (id: string): string | undefined => owner.get(id) ?? options.knownIds?.get(id);

  for (const ex of analysed) {
    const a = ex.a;
    if (!a) continue;
    if (a.type === 'other') findings.push({ severity: 'note', example: ex.name, message: 'valid CBOR, but not a MIMI message, derived values or status report: nothing to cross-check' });
    if (ex.statedId !== undefined && ex.id !== undefined && ex.statedId !== ex.id) {
      findings.push({
        severity: 'mismatch',
        example: ex.name,
        message: `the comment states message ID ${short(ex.statedId)} but the bytes give ${short(ex.id)}`,
      });
    }
    // The EDN twin: the closest preceding EDN example of the same section.
    const twin =
      ex.form === 'hex'
        ? [...analysed].reverse().find((o) => o.form === 'edn' && o.section === ex.section && o.line < ex.line && o.a)
        : undefined;
    for (const ref of a.refs) {
      if (known(ref.id) !== undefined) continue;
      let hint = '';
      const twinRef = twin?.a?.refs.find((r) => r.field === ref.field);
      if (twinRef && known(twinRef.id) !== undefined) {
        hint = ` (the EDN of the same example has ${short(twinRef.id)}, the ${known(twinRef.id)!} example's ID)`;
      } else if (owner.size === 0) {
        hint = ' (this draft has no MIMI content example: name the draft that defines it with --ref)';
      }
      findings.push({
        severity: 'mismatch',
        example: ex.name,
        message: `${ref.field} ${short(ref.id)} matches no example${hint}`,
      });
    }
    if (twin?.bytes && ex.bytes && bytesToHex(twin.bytes) !== bytesToHex(ex.bytes)) {
      const differing =
        a.fields && twin.a?.fields
          ? FIELD_NAMES.filter((f) => a.fields![f] !== twin.a!.fields![f])
          : [];
      findings.push({
        severity: 'mismatch',
        example: ex.name,
        message: `hex dump differs from the EDN example at line ${twin.line}${differing.length ? ` in ${differing.join(', ')}` : ''}${
          ex.id && twin.id ? ` (message ID ${short(ex.id)} instead of ${short(twin.id)})` : ''
        }`,
      });
    }
  }
  const examplesOut = analysed.map(({ a, ...rest }) => {
    void a;
    return rest;
  });
  return { examples: examplesOut, findings, mismatches: findings.filter((f) => f.severity === 'mismatch').length };
}
