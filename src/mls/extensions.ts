/**
 * GroupContext extensions of a MIMI room (RFC 9420 §12.1.7, draft-ietf-mls-extensions §4.6). Which changes a
 * GroupContextExtensions proposal may make (D22) is `mimi-kit/room`'s commit check (`src/room/commit.ts`).
 *
 * Only `app_data_dictionary` (the room state) may change, and that change is authorized by the room
 * policy (`policy.ts`). `required_capabilities` is fixed when the room is created; `external_senders`
 * is never accepted (D6); any other extension (one a peer put there, GREASE) must be kept byte for byte.
 *
 * @module
 */
import { encodeRequiredCapabilities, type Extension } from 'ts-mls';

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
