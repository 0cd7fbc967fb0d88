/**
 * GroupContext extensions of a MIMI room (RFC 9420 §12.1.7, draft-ietf-mls-extensions §4.6) and which
 * changes to them a GroupContextExtensions proposal may make (docs/decisions.md (MLS adapter) D21).
 *
 * Only `app_data_dictionary` (the room state) may change, and that change is authorized by the room
 * policy (`policy.ts`). `required_capabilities` is fixed when the room is created; `external_senders`
 * is never accepted (D6); any other extension (one a peer put there, GREASE) must be kept byte for byte.
 *
 * @module
 */
import { encodeRequiredCapabilities, type Extension } from 'ts-mls';
import { extensionTypeToNumber } from 'ts-mls/extension.js';
import { bytesEqual } from '../room/bytes.js';
import { mlsError } from './errors.js';

/** draft-ietf-mls-extensions §4.6: the app_data_dictionary extension type (suggested value 0x0006). */
export const APP_DATA_DICTIONARY_TYPE = 0x0006;

/** RFC 9420 §11.1: every member must support app_data_dictionary and basic credentials. */
export function requiredCapabilitiesExtension(): Extension {
  return {
    extensionType: 'required_capabilities',
    extensionData: encodeRequiredCapabilities({ extensionTypes: [APP_DATA_DICTIONARY_TYPE], proposalTypes: [], credentialTypes: ['basic'] }),
  };
}

/**
 * The extension list with the room state replaced in place (appended if absent); every other extension is
 * kept as it is, in its position: we do not own them.
 *
 * @param extensions - the current GroupContext extensions
 * @param roomData - the encoded app_data_dictionary
 * @returns the new list
 */
export function withRoomData(extensions: readonly Extension[], roomData: Uint8Array): Extension[] {
  let found = false;
  const out = extensions.map((e) => {
    if (e.extensionType !== APP_DATA_DICTIONARY_TYPE) return e;
    found = true;
    return { extensionType: APP_DATA_DICTIONARY_TYPE, extensionData: roomData };
  });
  if (!found) out.push({ extensionType: APP_DATA_DICTIONARY_TYPE, extensionData: roomData });
  return out;
}

const key = (t: Extension['extensionType']): string => `0x${extensionTypeToNumber(t).toString(16).padStart(4, '0')}`;

/**
 * Checks a GroupContextExtensions proposal against the extensions in force: every extension other than
 * app_data_dictionary must be present, unchanged, and no extension may be added, except that nothing
 * else may appear twice (RFC 9420 §13.4: an extension type at most once).
 *
 * @param before - extensions in force
 * @param after - the proposal's extensions
 * @throws {@link MimiError} `mls/extension-not-allowed` naming the extension type
 */
export function checkExtensionChange(before: readonly Extension[], after: readonly Extension[]): void {
  const old = new Map(before.map((e) => [key(e.extensionType), e.extensionData]));
  const seen = new Set<string>();
  for (const e of after) {
    const k = key(e.extensionType);
    if (seen.has(k)) throw mlsError('mls/extension-not-allowed', `extension ${k} appears twice (RFC 9420 §13.4)`, { extensionType: k });
    seen.add(k);
    if (e.extensionType === APP_DATA_DICTIONARY_TYPE) continue; // the room state: checked by the room policy
    const prev = old.get(k);
    if (prev === undefined) throw mlsError('mls/extension-not-allowed', `adding the GroupContext extension ${k} is not allowed`, { extensionType: k });
    if (!bytesEqual(prev, e.extensionData)) throw mlsError('mls/extension-not-allowed', `changing the GroupContext extension ${k} is not allowed`, { extensionType: k });
  }
  for (const k of old.keys()) {
    if (k !== key(APP_DATA_DICTIONARY_TYPE) && !seen.has(k)) {
      throw mlsError('mls/extension-not-allowed', `removing the GroupContext extension ${k} is not allowed`, { extensionType: k });
    }
  }
}
