/**
 * The directory document (draft-ietf-mimi-protocol-06 "Directory"): `GET /.well-known/mimi-protocol-directory`
 * answers a JSON object of endpoint URL templates, ACME style (RFC 8555 §7.1.1).
 *
 * @module
 */
import { MimiError } from '../errors.js';

/**
 * The well-known path of the directory.
 *
 * @example
 * ```ts
 * import { DIRECTORY_PATH } from 'mimi-kit/protocol';
 * DIRECTORY_PATH; // '/.well-known/mimi-protocol-directory'
 * ```
 */
export const DIRECTORY_PATH = '/.well-known/mimi-protocol-directory';

/**
 * The endpoint names of -06 and the one template variable each takes.
 *
 * @example
 * ```ts
 * import { DIRECTORY_ENDPOINTS } from 'mimi-kit/protocol';
 * DIRECTORY_ENDPOINTS.keyMaterial; // 'targetUser'
 * ```
 */
export const DIRECTORY_ENDPOINTS = {
  keyMaterial: 'targetUser',
  update: 'roomId',
  notify: 'roomId',
  submitMessage: 'roomId',
  groupInfo: 'roomId',
  requestConsent: 'targetUser',
  updateConsent: 'requesterUser',
  identifierQuery: 'domain',
  reportAbuse: 'roomId',
  proxyDownload: 'downloadUrl',
} as const;
/** An endpoint name. */
export type DirectoryEndpoint = keyof typeof DIRECTORY_ENDPOINTS;

/** A directory: each endpoint a provider offers, as an absolute https URL template. */
export type MimiDirectory = Partial<Record<DirectoryEndpoint, string>>;

function invalid(message: string): MimiError {
  return new MimiError('protocol/invalid-directory', message);
}

function checkTemplate(name: DirectoryEndpoint, value: unknown): string {
  if (typeof value !== 'string') throw invalid(`${name}: not a string`);
  const variable = DIRECTORY_ENDPOINTS[name];
  const vars = [...value.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  if (vars.some((v) => v !== variable)) throw invalid(`${name}: template variables other than {${variable}}`);
  let url: URL;
  try {
    url = new URL(value.replaceAll(`{${variable}}`, 'x'));
  } catch {
    throw invalid(`${name}: not an absolute URL`);
  }
  // -06 "Directory": the directory conveys "the HTTPS URLs used to reach certain endpoints".
  if (url.protocol !== 'https:') throw invalid(`${name}: not an https URL`);
  return value;
}

/**
 * Parses a directory document (its JSON text or parsed value). Unknown members are ignored (as ACME clients do);
 * a known member must be an https URL template whose only variable is the one the draft names.
 *
 * @param json - the JSON text or value
 * @returns the directory
 * @throws {@link MimiError} `protocol/invalid-directory`
 * @example
 * ```ts
 * import { parseDirectory } from 'mimi-kit/protocol';
 * parseDirectory('{"notify":"https://mimi.example.com/v1/notify/{roomId}"}').notify; // 'https://mimi.example.com/v1/notify/{roomId}'
 * ```
 */
export function parseDirectory(json: unknown): MimiDirectory {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new MimiError('protocol/invalid-directory', 'not JSON', { cause: e });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('not a JSON object');
  const out: MimiDirectory = {};
  for (const name of Object.keys(DIRECTORY_ENDPOINTS) as DirectoryEndpoint[]) {
    if (Object.hasOwn(value, name)) out[name] = checkTemplate(name, (value as Record<string, unknown>)[name]);
  }
  return out;
}

/**
 * Builds a directory for a base URL, with the paths of -06 (`{base}/keyMaterial/{targetUser}`, …).
 *
 * @param base - e.g. `https://mimi.example.com/v1`
 * @returns the directory
 * @example
 * ```ts
 * import { directoryFor } from 'mimi-kit/protocol';
 * directoryFor('https://mimi.example.com/v1').update; // 'https://mimi.example.com/v1/update/{roomId}'
 * ```
 */
export function directoryFor(base: string): Required<MimiDirectory> {
  const b = base.replace(/\/+$/, '');
  const out = {} as Record<DirectoryEndpoint, string>;
  for (const [name, variable] of Object.entries(DIRECTORY_ENDPOINTS) as [DirectoryEndpoint, string][]) out[name] = checkTemplate(name, `${b}/${name}/{${variable}}`);
  return out;
}

/**
 * Fills an endpoint template, percent-encoding the value (a URI in a path segment, -06 "Fetch Key Material").
 *
 * @param template - a directory template
 * @param value - the variable's value
 * @returns the URL
 * @example
 * ```ts
 * import { endpointUrl } from 'mimi-kit/protocol';
 * endpointUrl('https://m.example/v1/notify/{roomId}', 'mimi://a.example/r/club'); // 'https://m.example/v1/notify/mimi%3A%2F%2Fa.example%2Fr%2Fclub'
 * ```
 */
export function endpointUrl(template: string, value: string): string {
  return template.replace(/\{[^}]*\}/g, () => encodeURIComponent(value));
}
