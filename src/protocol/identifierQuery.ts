/**
 * `POST /identifierQuery/{domain}` (draft-ietf-mimi-protocol-06 "Find internal address"): IdentifierRequest with
 * its QueryElements, IdentifierResponse with UserProfiles, and the codes.
 *
 * @module
 */
import type { TlsReader, TlsWriter } from '../tls/codec.js';
import { decodeBody, encodeBody, readEnum8, readUri, writeEnum8, writeUri, type ProtocolDecodeOptions } from './common.js';
import { readComponents, writeComponents, type AppComponent } from './appDataDictionary.js';

/**
 * SearchIdentifierType.
 *
 * @example
 * ```ts
 * import { SearchIdentifierType } from 'mimi-kit/protocol';
 * SearchIdentifierType.oidcStdClaim; // 7
 * ```
 */
export const SearchIdentifierType = {
  reserved: 0,
  handle: 1,
  nick: 2,
  email: 3,
  phone: 4,
  partialName: 5,
  wholeProfile: 6,
  oidcStdClaim: 7,
  vcardField: 8,
} as const;
/** A name of {@link SearchIdentifierType} (reserved excluded). */
export type SearchIdentifierTypeName = Exclude<keyof typeof SearchIdentifierType, 'reserved'>;

/** QueryElement. `select(type)` switches on searchType (Protocol PR13); text fields are UTF-8. */
export type QueryElement =
  | { readonly searchType: 'oidcStdClaim'; readonly claimName: string; readonly searchValue: string }
  | { readonly searchType: 'vcardField'; readonly propertyName: string; readonly searchValue: string }
  | { readonly searchType: Exclude<SearchIdentifierTypeName, 'oidcStdClaim' | 'vcardField'>; readonly searchValue: string };

/** IdentifierRequest: every element must match (AND). */
export interface IdentifierRequest {
  readonly queryElements: readonly QueryElement[];
  readonly idRequestExtensions: readonly AppComponent[];
}

function writeElement(w: TlsWriter, e: QueryElement): void {
  writeEnum8(w, SearchIdentifierType, e.searchType, 'searchType');
  if (e.searchType === 'oidcStdClaim') w.string(e.claimName);
  else if (e.searchType === 'vcardField') w.string(e.propertyName);
  w.string(e.searchValue);
}

function readElement(r: TlsReader): QueryElement {
  const searchType = readEnum8(r, SearchIdentifierType, 'searchType');
  if (searchType === 'oidcStdClaim') return { searchType, claimName: r.string(), searchValue: r.string() };
  if (searchType === 'vcardField') return { searchType, propertyName: r.string(), searchValue: r.string() };
  return { searchType, searchValue: r.string() };
}

/**
 * Encodes an IdentifierRequest.
 *
 * @param req - the request
 * @returns the body
 * @example
 * ```ts
 * import { encodeIdentifierRequest } from 'mimi-kit/protocol';
 * encodeIdentifierRequest({ queryElements: [{ searchType: 'handle', searchValue: 'im:alice.smith@a.example' }], idRequestExtensions: [] });
 * ```
 */
export function encodeIdentifierRequest(req: IdentifierRequest): Uint8Array {
  return encodeBody('IdentifierRequest', (w) => {
    w.vector(req.queryElements, writeElement);
    writeComponents(w, req.idRequestExtensions, 'id_request_extensions');
  });
}

/**
 * Decodes an IdentifierRequest, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the request
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeIdentifierRequest } from 'mimi-kit/protocol';
 * decodeIdentifierRequest(body).queryElements[0]?.searchType; // 'handle'
 * ```
 */
export function decodeIdentifierRequest(bytes: Uint8Array, options?: ProtocolDecodeOptions): IdentifierRequest {
  return decodeBody(bytes, 'IdentifierRequest', (r) => ({ queryElements: r.vector(readElement), idRequestExtensions: readComponents(r, 'id_request_extensions') }), options);
}

/**
 * IdentifierQueryCode.
 *
 * @example
 * ```ts
 * import { IdentifierQueryCode } from 'mimi-kit/protocol';
 * IdentifierQueryCode.ambiguous; // 2
 * ```
 */
export const IdentifierQueryCode = { success: 0, notFound: 1, ambiguous: 2, forbidden: 3, unsupportedField: 4 } as const;
/** A name of {@link IdentifierQueryCode}. */
export type IdentifierQueryCodeName = keyof typeof IdentifierQueryCode;

/**
 * FieldSource.
 *
 * @example
 * ```ts
 * import { FieldSource } from 'mimi-kit/protocol';
 * FieldSource.vcardField; // 8
 * ```
 */
export const FieldSource = { reserved: 0, oidcStdClaim: 7, vcardField: 8 } as const;
/** A name of {@link FieldSource} (reserved excluded). */
export type FieldSourceName = Exclude<keyof typeof FieldSource, 'reserved'>;

/** ProfileField. */
export interface ProfileField {
  readonly fieldSource: FieldSourceName;
  readonly fieldName: string;
  readonly fieldValue: Uint8Array;
}

/** UserProfile. */
export interface UserProfile {
  readonly stableUri: string;
  readonly fields: readonly ProfileField[];
}

/** IdentifierResponse. */
export interface IdentifierResponse {
  readonly responseCode: IdentifierQueryCodeName;
  readonly uri: readonly string[];
  readonly foundProfiles: readonly UserProfile[];
  readonly idResponseExtensions: readonly AppComponent[];
}

/**
 * Encodes an IdentifierResponse.
 *
 * @param res - the response
 * @returns the body
 * @example
 * ```ts
 * import { encodeIdentifierResponse } from 'mimi-kit/protocol';
 * encodeIdentifierResponse({ responseCode: 'notFound', uri: [], foundProfiles: [], idResponseExtensions: [] }); // 01 00 00 00
 * ```
 */
export function encodeIdentifierResponse(res: IdentifierResponse): Uint8Array {
  return encodeBody('IdentifierResponse', (w) => {
    writeEnum8(w, IdentifierQueryCode, res.responseCode, 'responseCode');
    w.vector(res.uri, writeUri);
    w.vector(res.foundProfiles, (x, p) => {
      writeUri(x, p.stableUri);
      x.vector(p.fields, (y, f) => {
        writeEnum8(y, FieldSource, f.fieldSource, 'fieldSource');
        y.string(f.fieldName);
        y.opaque(f.fieldValue);
      });
    });
    writeComponents(w, res.idResponseExtensions, 'id_response_extensions');
  });
}

/**
 * Decodes an IdentifierResponse, strictly.
 *
 * @param bytes - the body
 * @param options - limits
 * @returns the response
 * @throws {@link MimiError} `protocol/*`
 * @example
 * ```ts
 * import { decodeIdentifierResponse } from 'mimi-kit/protocol';
 * decodeIdentifierResponse(new Uint8Array([1, 0, 0, 0])).responseCode; // 'notFound'
 * ```
 */
export function decodeIdentifierResponse(bytes: Uint8Array, options?: ProtocolDecodeOptions): IdentifierResponse {
  return decodeBody(
    bytes,
    'IdentifierResponse',
    (r) => ({
      responseCode: readEnum8(r, IdentifierQueryCode, 'responseCode'),
      uri: r.vector(readUri),
      foundProfiles: r.vector((x) => ({
        stableUri: readUri(x),
        fields: x.vector((y) => ({ fieldSource: readEnum8(y, FieldSource, 'fieldSource'), fieldName: y.string(), fieldValue: y.opaque() })),
      })),
      idResponseExtensions: readComponents(r, 'id_response_extensions'),
    }),
    options,
  );
}
