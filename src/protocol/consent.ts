/**
 * `POST /requestConsent/{targetDomain}` and `POST /updateConsent/{requesterDomain}` (draft-ietf-mimi-protocol-06
 * "Convey explicit consent"): ConsentEntry, ConsentScope and ConsentOperation.
 *
 * @module
 */
import { MimiError } from '../errors.js';
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { decodeBody, encodeBody, readEnum8, readUri, writeEnum8, writeUri, type ProtocolDecodeOptions } from './common.js';
import { readComponents, writeComponents, type AppComponent } from './appDataDictionary.js';
import { readKeyPackage, writeEmbedded } from './mlsStructures.js';

/**
 * ConsentOperation.
 *
 * @example
 * ```ts
 * import { ConsentOperation } from 'mimi-kit/protocol';
 * ConsentOperation.grant; // 2
 * ```
 */
export const ConsentOperation = { cancel: 0, request: 1, grant: 2, revoke: 3 } as const;
/** A name of {@link ConsentOperation}. */
export type ConsentOperationName = keyof typeof ConsentOperation;

/** ConsentScope: who asks, about whom, optionally for one room (`RoomId` read as IdentifierUri: Protocol PR11). */
export interface ConsentScope {
  readonly requesterUri: string;
  readonly targetUri: string;
  readonly roomId?: string;
}

/** ConsentEntry. */
export interface ConsentEntry extends ConsentScope {
  readonly consentOperation: ConsentOperationName;
  /** Bare RFC 9420 KeyPackages, only in a grant (possibly empty); must be empty otherwise. */
  readonly clientKeyPackages: readonly Uint8Array[];
  /** An AppDataDictionary (Protocol PR12). */
  readonly consentExtensions: readonly AppComponent[];
}

function writeScope(w: TlsWriter, s: ConsentScope): void {
  writeUri(w, s.requesterUri);
  writeUri(w, s.targetUri);
  w.optional(s.roomId, writeUri);
}

function readScope(r: TlsReader): ConsentScope {
  const requesterUri = readUri(r);
  const targetUri = readUri(r);
  const roomId = r.optional(readUri);
  return roomId === undefined ? { requesterUri, targetUri } : { requesterUri, targetUri, roomId };
}

/**
 * Encodes a ConsentEntry.
 *
 * @param e - the entry
 * @returns the body
 * @throws {@link MimiError} `protocol/value-out-of-range` (key packages outside a grant), `protocol/*`
 * @example
 * ```ts
 * import { encodeConsentEntry } from 'mimi-kit/protocol';
 * encodeConsentEntry({ consentOperation: 'request', requesterUri: 'mimi://a.example/u/alice', targetUri: 'mimi://b.example/u/bob', clientKeyPackages: [], consentExtensions: [] });
 * ```
 */
export function encodeConsentEntry(e: ConsentEntry): Uint8Array {
  return encodeBody('ConsentEntry', (w) => {
    writeEnum8(w, ConsentOperation, e.consentOperation, 'consentOperation');
    writeScope(w, e);
    if (e.consentOperation === 'grant') w.vector(e.clientKeyPackages, (x, kp) => writeEmbedded(x, kp, 'clientKeyPackages', readKeyPackage));
    else if (e.clientKeyPackages.length > 0) {
      throw new MimiError('protocol/value-out-of-range', `clientKeyPackages are carried only by a grant, not a ${e.consentOperation}`, { path: ['clientKeyPackages'] });
    }
    writeComponents(w, e.consentExtensions, 'consent_extensions');
  });
}

/**
 * Decodes a ConsentEntry, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the entry
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeConsentEntry } from 'mimi-kit/protocol';
 * decodeConsentEntry(body).consentOperation; // 'grant'
 * ```
 */
export function decodeConsentEntry(bytes: Uint8Array, options?: ProtocolDecodeOptions): ConsentEntry {
  return decodeBody(
    bytes,
    'ConsentEntry',
    (r) => {
      const consentOperation = readEnum8(r, ConsentOperation, 'consentOperation');
      const scope = readScope(r);
      const clientKeyPackages = consentOperation === 'grant' ? r.vector(readKeyPackage) : [];
      return { consentOperation, ...scope, clientKeyPackages, consentExtensions: readComponents(r, 'consent_extensions') };
    },
    options,
  );
}

/**
 * Encodes a ConsentScope.
 *
 * @param s - the scope
 * @returns the bytes
 * @example
 * ```ts
 * import { encodeConsentScope } from 'mimi-kit/protocol';
 * encodeConsentScope({ requesterUri: 'a', targetUri: 'b' }); // 01 61 01 62 00
 * ```
 */
export function encodeConsentScope(s: ConsentScope): Uint8Array {
  return encodeBody('ConsentScope', (w) => writeScope(w, s));
}

/**
 * Decodes a ConsentScope, strictly.
 *
 * @param bytes - the bytes
 * @param options - limits
 * @returns the scope
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeConsentScope } from 'mimi-kit/protocol';
 * decodeConsentScope(new Uint8Array([1, 0x61, 1, 0x62, 0])); // { requesterUri: 'a', targetUri: 'b' }
 * ```
 */
export function decodeConsentScope(bytes: Uint8Array, options?: ProtocolDecodeOptions): ConsentScope {
  return decodeBody(bytes, 'ConsentScope', readScope, options);
}
