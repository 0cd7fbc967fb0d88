/**
 * The wire encoding of the AppDataUpdate (0x0008) and SelfRemove (0x000a) proposals (decision D28).
 *
 * draft-ietf-mls-extensions puts both inline in RFC 9420's `Proposal` select ("SelfRemove Proposal":
 * `case self_remove: SelfRemove;` with `struct {} SelfRemove`; §4.7 `AppDataUpdate`), so a SelfRemove
 * proposal is its two type bytes and nothing else. ts-mls 1.6.4 frames every custom proposal as
 * `uint16 proposal_type; opaque proposal_data<V>` (`proposalCustomEncoder` / `decodeProposalCustom`), one
 * length prefix more. Every expected byte here is written from the draft structs (or, for the pinned ts-mls
 * behaviour, from ts-mls's own framing), never taken from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { decodeProposal, encodeProposal } from 'ts-mls/proposal.js';
import { appDataUpdateProposal, selfRemoveProposal } from '../../src/mls/customProposals.js';
import { encodeAppDataUpdate } from '../../src/room/index.js';

const cat = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
const u16 = (n: number): number[] => [n >> 8, n & 0xff];
/** RFC 9420 §2.1.2 varint for lengths < 64. */
const opaque = (b: number[]): number[] => [b.length, ...b];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// draft-ietf-mls-extensions §4.7: enum { invalid(0), update(1), remove(2), (255) } AppDataUpdateOperation;
// struct { ComponentID component_id; (uint16) AppDataUpdateOperation op; select (op) { case update: opaque update<V>; case remove: struct{}; } }
const OP_UPDATE = 1;
const OP_REMOVE = 2;
const data = [0x61, 0x62, 0x63]; // "abc"
const aduUpdateStruct = [...u16(0x0022), OP_UPDATE, ...opaque(data)];
const aduRemoveStruct = [...u16(0x8000), OP_REMOVE];

/** The draft's `Proposal`: `ProposalType msg_type` (uint16) then the selected struct, inline. */
const DRAFT = {
  selfRemove: cat(u16(0x000a)),
  aduUpdate: cat(u16(0x0008), aduUpdateStruct),
  aduRemove: cat(u16(0x0008), aduRemoveStruct),
};

describe('AppDataUpdate and SelfRemove proposal encodings (draft-ietf-mls-extensions)', () => {
  it('the AppDataUpdate struct encodes as the draft writes it', () => {
    expect(hex(encodeAppDataUpdate({ componentId: 0x0022, op: 'update', update: Uint8Array.from(data) }))).toBe(hex(cat(aduUpdateStruct)));
    expect(hex(encodeAppDataUpdate({ componentId: 0x8000, op: 'remove' }))).toBe(hex(cat(aduRemoveStruct)));
  });

  it('(raw ts-mls 1.6.4) custom proposals go on the wire as uint16 type + opaque<V>: one length prefix more than the draft', () => {
    // The evidence for decision D28: what MimiRoom would send today.
    expect(hex(encodeProposal(selfRemoveProposal()))).toBe(hex(cat(u16(0x000a), [0x00])));
    expect(hex(encodeProposal(appDataUpdateProposal({ componentId: 0x8000, op: 'remove' })))).toBe(hex(cat(u16(0x0008), opaque(aduRemoveStruct))));
    // A draft peer's AppDataUpdate is misread: the component ID's first byte is taken as a length.
    const misread = decodeProposal(cat([...DRAFT.aduUpdate], [0, 0, 0, 0]), 0);
    const ok = misread !== undefined && 'proposalData' in misread[0] && hex(misread[0].proposalData) === hex(cat(aduUpdateStruct));
    expect(ok).toBe(false);
  });

  it.fails('ts-mls 1.6.4 encodes a SelfRemove proposal as the draft does (0x000a, empty struct)', () => {
    expect(hex(encodeProposal(selfRemoveProposal()))).toBe(hex(DRAFT.selfRemove));
  });

  it.fails('ts-mls 1.6.4 encodes an AppDataUpdate proposal as the draft does (struct inline)', () => {
    expect(hex(encodeProposal(appDataUpdateProposal({ componentId: 0x0022, op: 'update', update: Uint8Array.from(data) })))).toBe(hex(DRAFT.aduUpdate));
  });

  it.fails('ts-mls 1.6.4 decodes a draft-encoded AppDataUpdate proposal', () => {
    const r = decodeProposal(DRAFT.aduRemove, 0);
    expect(r?.[1]).toBe(DRAFT.aduRemove.length);
    expect(r !== undefined && 'proposalData' in r[0] ? hex(r[0].proposalData) : undefined).toBe(hex(cat(aduRemoveStruct)));
  });
});
