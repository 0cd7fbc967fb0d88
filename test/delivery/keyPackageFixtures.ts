/**
 * KeyPackages for the key-material tests: real ones from ts-mls (through the adapter, or ts-mls directly for
 * other suites and capabilities) and hand-built bytes written from the RFC 9420 struct text.
 */
import { encodeMlsMessage, generateKeyPackage as tsMlsGenerateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl, type Capabilities, type CiphersuiteName } from 'ts-mls';
import { createClientIdentity, generateKeyPackage } from '../../src/mls/index.js';

/** RFC 9420 §17.1 suite names by number, the ones the default provider implements. */
export const SUITES: Record<number, CiphersuiteName> = {
  1: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  2: 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256',
  7: 'MLS_256_DHKEMP384_AES256GCM_SHA384_P384',
};

/** A KeyPackage made by the adapter (`generateKeyPackage`: suite 1, MIMI capabilities, now−1 h … now+84 d), bare. */
export async function adapterKeyPackage(userUri: string, clientUri: string): Promise<Uint8Array> {
  const id = await createClientIdentity({ userUri, clientUri });
  // RFC 9420 §6: MLSMessage = version (2) || wire_format (2) || KeyPackage.
  return (await generateKeyPackage(id)).keyPackage.subarray(4);
}

export interface TsMlsOptions {
  readonly suite?: number;
  readonly extensions?: readonly number[];
  readonly proposals?: readonly number[];
  /** Credential types listed in capabilities (the credential itself is basic). */
  readonly credentials?: readonly number[];
  /** Seconds. Default 0 … 2^64−1. */
  readonly notBefore?: bigint;
  readonly notAfter?: bigint;
}

/** A KeyPackage made by ts-mls directly, with the given suite, capabilities and lifetime, bare. */
export async function tsMlsKeyPackage(clientUri: string, o: TsMlsOptions = {}): Promise<Uint8Array> {
  const name = SUITES[o.suite ?? 1]!;
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(name));
  // ts-mls encodes numbers given for unknown names as those numbers (as src/mls/capabilities.ts relies on).
  const capabilities = {
    versions: ['mls10'],
    ciphersuites: [name],
    extensions: [...(o.extensions ?? [])],
    proposals: [...(o.proposals ?? [])],
    credentials: (o.credentials ?? [1]).map((c) => (c === 1 ? 'basic' : c === 2 ? 'x509' : String(c))),
  } as unknown as Capabilities;
  const { publicPackage } = await tsMlsGenerateKeyPackage(
    { credentialType: 'basic', identity: new TextEncoder().encode(clientUri) },
    capabilities,
    { notBefore: o.notBefore ?? 0n, notAfter: o.notAfter ?? 0xffffffffffffffffn },
    [],
    cs,
  );
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }).subarray(4);
}

// ---- hand-built bytes (RFC 9420 §2.1.2 variable-length vectors, §7.2 LeafNode, §10 KeyPackage) ----

/** RFC 9420 §2.1.2: a 1-byte (< 64) or 2-byte (0b01 prefix, < 16384) length. */
export function v(...parts: (number[] | Uint8Array)[]): number[] {
  const body = parts.flatMap((p) => [...p]);
  const n = body.length;
  if (n < 64) return [n, ...body];
  if (n < 16384) return [0x40 | (n >> 8), n & 0xff, ...body];
  throw new Error('too long for this helper');
}
export const u16 = (x: number): number[] => [x >> 8, x & 0xff];
export const u64 = (x: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((x >> BigInt(8 * (7 - i))) & 0xffn));
const u16s = (xs: readonly number[]): number[] => v(xs.flatMap(u16));

export interface HandOptions {
  readonly version?: number;
  readonly suite?: number;
  readonly versions?: readonly number[];
  readonly suites?: readonly number[];
  readonly extensions?: readonly number[];
  readonly proposals?: readonly number[];
  readonly credentials?: readonly number[];
  /** leaf_node_source: 1 key_package (default, with the lifetime), 2 update, 3 commit. */
  readonly source?: number;
  readonly notBefore?: bigint;
  readonly notAfter?: bigint;
  readonly identity?: string;
  /** Credential type of the leaf's credential (1 basic with identity<V>). */
  readonly credentialType?: number;
  /** KeyPackage extensions as [type, data]. */
  readonly kpExtensions?: readonly (readonly [number, number[]])[];
  readonly leafExtensions?: readonly (readonly [number, number[]])[];
}

/**
 * struct { ProtocolVersion version; CipherSuite cipher_suite; HPKEPublicKey init_key; LeafNode leaf_node;
 *          Extension extensions<V>; opaque signature<V>; } KeyPackage;          (RFC 9420 §10)
 * struct { HPKEPublicKey encryption_key; SignaturePublicKey signature_key; Credential credential;
 *          Capabilities capabilities; LeafNodeSource leaf_node_source;
 *          select (leaf_node_source) { case key_package: Lifetime lifetime; case update: struct{};
 *          case commit: opaque parent_hash<V>; }; Extension extensions<V>; opaque signature<V>; } LeafNode; (§7.2)
 */
export function handKeyPackage(o: HandOptions = {}): Uint8Array {
  const ext = (list: readonly (readonly [number, number[]])[] = []): number[] => v(list.flatMap(([t, d]) => [...u16(t), ...v(d)]));
  const source = o.source ?? 1;
  const leaf = [
    ...v(new Array(32).fill(0xe1)), // encryption_key
    ...v(new Array(32).fill(0x51)), // signature_key
    ...u16(o.credentialType ?? 1),
    ...v(new TextEncoder().encode(o.identity ?? 'mimi://b.example/d/bob/1')),
    ...u16s(o.versions ?? [1]),
    ...u16s(o.suites ?? [o.suite ?? 1]),
    ...u16s(o.extensions ?? []),
    ...u16s(o.proposals ?? []),
    ...u16s(o.credentials ?? [1]),
    source,
    ...(source === 1 ? [...u64(o.notBefore ?? 0n), ...u64(o.notAfter ?? 0xffffffffffffffffn)] : source === 3 ? v([9, 9]) : []),
    ...ext(o.leafExtensions),
    ...v(new Array(64).fill(0x5e)), // signature
  ];
  return new Uint8Array([...u16(o.version ?? 1), ...u16(o.suite ?? 1), ...v(new Array(32).fill(0x1e)), ...leaf, ...ext(o.kpExtensions), ...v(new Array(64).fill(0x5f))]);
}
