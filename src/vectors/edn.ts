/**
 * A small parser for CBOR Extended Diagnostic Notation (EDN, RFC 8610 Appendix G and
 * draft-ietf-cbor-edn-literals), enough for the annotated examples of draft-ietf-mimi-content and
 * draft-mahy-mimi-message-status.
 *
 * Supported: unsigned and negative integers (decimal, `0x`, `0o`, `0b`), floats (decimal with `.` or
 * exponent, `NaN`, `Infinity`, `-Infinity`), `true`/`false`/`null`/`undefined`, `"text"` with JSON-style
 * escapes, `'bytes'` (the UTF-8 of the text, `\'` escapes), `h'hex'` with whitespace and comments inside,
 * `b64'…'`, string concatenation with `+`, arrays, maps, tags `N(value)`, `# line` and `/ block /`
 * comments, optional and trailing commas. Not supported: indefinite-length markers `_`, encoding
 * indicators, embedded CBOR `<< >>`, application extensions other than `h` and `b64`.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import { CborFloat, CborTag, type CborKey, type CborMap, type CborValue } from '../cbor/value.js';

const utf8 = new TextEncoder();

class EdnParser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new MimiError('edn/syntax', `${message} at line ${line}, column ${column}`, {
      details: { offset: this.pos, line, column },
    });
  }

  /** Skips whitespace and comments (`# …` to end of line, `/ … /`). Commas are skipped only when `commas`. */
  skip(commas: boolean): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === undefined) return;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || (commas && c === ',')) this.pos++;
      else if (c === '#') {
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl < 0 ? t.length : nl + 1;
      } else if (c === '/') {
        const end = t.indexOf('/', this.pos + 1);
        if (end < 0) this.fail('unterminated /comment/');
        this.pos = end + 1;
      } else return;
    }
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  expect(ch: string): void {
    this.skip(false);
    if (this.text[this.pos] !== ch) this.fail(`expected "${ch}"`);
    this.pos++;
  }

  value(depth: number): CborValue {
    if (depth > 256) this.fail('nesting too deep');
    this.skip(false);
    const c = this.peek();
    if (c === undefined) this.fail('unexpected end of input');
    if (c === '[') return this.array(depth);
    if (c === '{') return this.map(depth);
    if (c === '"' || c === "'" || ((c === 'h' || c === 'b') && /^(h|b64)'/.test(this.text.slice(this.pos, this.pos + 4)))) {
      return this.concatenation();
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.number(depth);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    if (word !== undefined) {
      this.pos += word.length;
      switch (word) {
        case 'true':
          return true;
        case 'false':
          return false;
        case 'null':
          return null;
        case 'undefined':
          return undefined;
        case 'NaN':
          return new CborFloat(NaN);
        case 'Infinity':
          return new CborFloat(Infinity);
        default:
          this.pos -= word.length;
          this.fail(`unknown word "${word}"`);
      }
    }
    return this.fail(`unexpected character "${c}"`);
  }

  array(depth: number): CborValue[] {
    this.pos++; // [
    const out: CborValue[] = [];
    for (;;) {
      this.skip(true);
      if (this.peek() === ']') {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.skip(false);
      const c = this.peek();
      if (c === ',') this.pos++;
      else if (c !== ']' && c === undefined) this.fail('unterminated array');
      // A missing comma between items is tolerated (the multipart-3 example omits one).
    }
  }

  map(depth: number): CborMap {
    this.pos++; // {
    const out: CborMap = new Map();
    for (;;) {
      this.skip(true);
      if (this.peek() === '}') {
        this.pos++;
        return out;
      }
      const keyAt = this.pos;
      const key = this.value(depth + 1);
      if (typeof key !== 'number' && typeof key !== 'string') {
        this.pos = keyAt;
        this.fail('map keys must be integers or text strings');
      }
      if (out.has(key)) {
        this.pos = keyAt;
        this.fail(`duplicate map key ${JSON.stringify(key)}`);
      }
      this.expect(':');
      out.set(key as CborKey, this.value(depth + 1));
      this.skip(false);
      const c = this.peek();
      if (c === ',') this.pos++;
      else if (c === undefined) this.fail('unterminated map');
    }
  }

  number(depth: number): CborValue {
    const rest = this.text.slice(this.pos);
    if (/^-Infinity\b/.test(rest)) {
      this.pos += 9;
      return new CborFloat(-Infinity);
    }
    const m = /^[-+]?(0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|\d+(\.\d+)?([eE][-+]?\d+)?)/.exec(rest);
    if (!m) return this.fail('bad number');
    const token = m[0];
    const start = this.pos;
    this.pos += token.length;
    const negative = token.startsWith('-');
    const body = token.replace(/^[-+]/, '');
    if (m[2] !== undefined || m[3] !== undefined) return new CborFloat(Number(token));
    let big: bigint;
    if (/^0[xob]/.test(body)) big = BigInt(body);
    else big = BigInt(body);
    if (negative) big = -big;
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) {
      this.pos = start;
      this.fail(`integer ${token} outside ±(2^53-1)`);
    }
    const n = Number(big);
    // Tag: an unsigned integer immediately followed by "(".
    if (this.peek() === '(' && !negative && !token.startsWith('+')) {
      this.pos++;
      const inner = this.value(depth + 1);
      this.expect(')');
      return new CborTag(n, inner);
    }
    return n;
  }

  /** One string literal, then any `+ literal` continuations (RFC 8610 Appendix G.4). */
  concatenation(): string | Uint8Array {
    let acc = this.stringLiteral();
    for (;;) {
      const save = this.pos;
      this.skip(false);
      if (this.peek() !== '+') {
        this.pos = save;
        return acc;
      }
      this.pos++;
      this.skip(false);
      const next = this.stringLiteral();
      if (typeof acc === 'string' && typeof next === 'string') acc = acc + next;
      else if (acc instanceof Uint8Array && next instanceof Uint8Array) acc = concat(acc, next);
      else if (acc instanceof Uint8Array && typeof next === 'string') acc = concat(acc, utf8.encode(next));
      else this.fail('cannot append a byte string to a text string');
    }
  }

  stringLiteral(): string | Uint8Array {
    const c = this.peek();
    if (c === '"') return this.quoted('"');
    if (c === "'") return utf8.encode(this.quoted("'"));
    if (this.text.startsWith("h'", this.pos)) return this.hex();
    if (this.text.startsWith("b64'", this.pos)) return this.base64();
    return this.fail('expected a string literal');
  }

  quoted(q: '"' | "'"): string {
    const t = this.text;
    this.pos++;
    let out = '';
    for (;;) {
      const c = t[this.pos];
      if (c === undefined) this.fail('unterminated string');
      this.pos++;
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.pos++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case '"':
        case "'":
        case '\\':
        case '/':
          out += e;
          break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          this.pos += 4;
          out += String.fromCharCode(parseInt(hex, 16));
          break;
        }
        default:
          this.pos--;
          this.fail(`unknown escape "\\${e ?? ''}"`);
      }
    }
  }

  /** `h'…'`: hex digits with whitespace and `#`/`/ /` comments allowed between them. */
  hex(): Uint8Array {
    this.pos += 2;
    let digits = '';
    for (;;) {
      this.skip(false);
      const c = this.peek();
      if (c === undefined) this.fail("unterminated h'' string");
      if (c === "'") {
        this.pos++;
        break;
      }
      if (!/[0-9a-fA-F]/.test(c)) this.fail(`"${c}" in a hex string`);
      digits += c;
      this.pos++;
    }
    if (digits.length % 2 !== 0) this.fail('odd number of hex digits');
    const out = new Uint8Array(digits.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
    return out;
  }

  base64(): Uint8Array {
    this.pos += 4;
    const end = this.text.indexOf("'", this.pos);
    if (end < 0) this.fail("unterminated b64'' string");
    const body = this.text.slice(this.pos, end).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(body)) this.fail("bad character in a b64'' string");
    this.pos = end + 1;
    return new Uint8Array(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Parses one EDN data item (with surrounding comments) into the CBOR data model of `src/cbor`.
 *
 * The result can be passed to `encodeCbor` to get the deterministic encoding; for the draft examples
 * that is exactly the bytes of the `.cbor` twin.
 *
 * @param text - EDN text
 * @returns the value
 * @throws {@link MimiError} `edn/syntax` with line and column in the message and `details`
 * @example
 * ```ts
 * parseEdn("[h'01 02', 'hi' + '!', {1: \"x\"}]"); // [Uint8Array[1,2], Uint8Array("hi!"), Map{1 => "x"}]
 * ```
 */
export function parseEdn(text: string): CborValue {
  const p = new EdnParser(text);
  const v = p.value(0);
  p.skip(true);
  if (p.pos !== text.length) p.fail('unexpected text after the data item');
  return v;
}

/**
 * Finds the message ID stated in an EDN comment (`# message ID = h'…'`, possibly continued on the
 * next comment line), as the draft-ietf-mimi-content examples write it.
 *
 * @param text - EDN text
 * @returns lower-case hex of the stated ID, or undefined when there is none
 * @throws never
 * @example
 * ```ts
 * statedMessageId("# message ID = h'01ab\n#  cd'\n[]"); // '01abcd'
 * ```
 */
export function statedMessageId(text: string): string | undefined {
  const m = /message ID\s*=\s*h'([^']*)'/i.exec(text);
  if (!m) return undefined;
  const hex = m[1]!.replace(/[#\s]/g, '').toLowerCase();
  return /^([0-9a-f]{2})+$/.test(hex) ? hex : undefined;
}
