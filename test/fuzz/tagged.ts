/**
 * A JSON text form for arbitrary JS object graphs, so that inputs of `validateContent` (which takes any
 * value) can be mutated as text and written out as hex reproducers: `{"$bytes":"0a"}` is a Uint8Array,
 * `{"$map":[[k,v],…]}` a Map, `{"$float":1.5}` a CborFloat, `{"$tag":[n,v]}` a CborTag,
 * `{"$simple":n}` a CborSimple, `{"$bigint":"…"}` a bigint, `{"$undefined":1}` undefined, `{"$nullproto":{…}}` an object without
 * prototype (a forged object). Iterative both ways: inputs may be nested far deeper than the stack.
 */
import { CborFloat, CborSimple, CborTag, bytesToHex, hexToBytes } from '../../src/cbor/index.js';

const WRAPPERS = new Set(['$bigint', '$bytes', '$map', '$float', '$tag', '$simple', '$undefined', '$nullproto']);

/**
 * Replaces the children of every node, bottom-up, without recursion.
 * @param root - the tree
 * @param children - a node's children (empty for a leaf)
 * @param rebuild - the node rebuilt from its converted children
 */
function postOrder(root: unknown, children: (v: unknown) => unknown[], rebuild: (v: unknown, kids: unknown[]) => unknown): unknown {
  const stack: { v: unknown; kids: unknown[]; done: unknown[] }[] = [{ v: root, kids: children(root), done: [] }];
  let result: unknown;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.done.length < top.kids.length) {
      const next = top.kids[top.done.length];
      stack.push({ v: next, kids: children(next), done: [] });
      continue;
    }
    stack.pop();
    const value = rebuild(top.v, top.done);
    if (stack.length === 0) result = value;
    else stack[stack.length - 1]!.done.push(value);
  }
  return result;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses tagged JSON text into the object graph it describes.
 * @param text - tagged JSON
 * @returns the value
 * @throws SyntaxError when `text` is not JSON
 */
export function fromTaggedJson(text: string): unknown {
  const parsed = JSON.parse(text) as unknown;
  const children = (v: unknown): unknown[] => (Array.isArray(v) ? v : isPlain(v) ? Object.values(v) : []);
  return postOrder(parsed, children, (v, kids) => {
    if (Array.isArray(v)) return kids;
    if (!isPlain(v)) return v;
    const keys = Object.keys(v);
    const out: Record<string, unknown> = {};
    keys.forEach((k, i) => (out[k] = kids[i]));
    if (keys.length !== 1 || !WRAPPERS.has(keys[0]!)) return out;
    const x = out[keys[0]!];
    switch (keys[0]) {
      case '$bigint':
        return typeof x === 'string' && /^-?[0-9]{1,40}$/.test(x) ? BigInt(x) : out;
      case '$bytes':
        return typeof x === 'string' && /^([0-9a-f]{2})*$/.test(x) ? hexToBytes(x) : out;
      case '$map':
        return Array.isArray(x) && x.every((e) => Array.isArray(e) && e.length === 2) ? new Map(x as [unknown, unknown][]) : out;
      case '$float':
        return typeof x === 'number' ? new CborFloat(x) : out;
      case '$tag':
        return Array.isArray(x) && x.length === 2 && typeof x[0] === 'number' ? new CborTag(x[0], x[1] as never) : out;
      case '$simple':
        return typeof x === 'number' ? new CborSimple(x) : out;
      case '$undefined':
        return undefined;
      default:
        return isPlain(x) ? Object.assign(Object.create(null) as Record<string, unknown>, x) : out;
    }
  });
}

/**
 * Writes an object graph (plain objects, arrays, bytes, Maps, the CBOR value classes) as tagged JSON.
 * @param value - the value (no cycles)
 * @returns tagged JSON text
 */
export function toTaggedJson(value: unknown): string {
  const children = (v: unknown): unknown[] => {
    if (Array.isArray(v)) return v;
    if (v instanceof Map) return [...v].flat();
    if (v instanceof CborTag) return [v.value];
    if (v instanceof Uint8Array || v instanceof CborFloat || v instanceof CborSimple) return [];
    return typeof v === 'object' && v !== null ? Object.values(v) : [];
  };
  const out = postOrder(value, children, (v, kids) => {
    if (v === undefined) return { $undefined: 1 };
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (Array.isArray(v)) return kids;
    if (v instanceof Uint8Array) return { $bytes: bytesToHex(v) };
    if (v instanceof Map) return { $map: kids.flatMap((k, i) => (i % 2 === 0 ? [[k, kids[i + 1]]] : [])) };
    if (v instanceof CborFloat) return { $float: v.value };
    if (v instanceof CborSimple) return { $simple: v.value };
    if (v instanceof CborTag) return { $tag: [v.tag, kids[0]] };
    if (typeof v !== 'object' || v === null) return v;
    const o: Record<string, unknown> = {};
    Object.keys(v).forEach((k, i) => (o[k] = kids[i]));
    return Object.getPrototypeOf(v) === null ? { $nullproto: o } : o;
  });
  return JSON.stringify(out);
}
