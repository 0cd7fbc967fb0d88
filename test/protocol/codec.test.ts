import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as p from '../../src/protocol/index.js';
import { MimiError } from '../../src/index.js';
import { PROTOCOL_BODIES } from '../../src/vectors/protocol.js';

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
interface V {
  id: string;
  kind: string;
  input: { body: string; value?: unknown; hex?: string };
  expected?: { hex: string };
}
const bodies = (JSON.parse(readFileSync('spec-vectors/protocol/bodies.json', 'utf8')) as { vectors: V[] }).vectors.filter((v) => v.kind === 'body');
const sample = (id: string): Uint8Array => hex(bodies.find((v) => v.id === id)!.expected!.hex);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof MimiError) return e.code;
    throw e;
  }
}

describe('decoders on hostile input', () => {
  it('random bytes and mutated vectors only ever give a protocol/* MimiError (or a value)', () => {
    const decoders = Object.entries(PROTOCOL_BODIES).filter(([, c]) => c.decode);
    fc.assert(
      fc.property(fc.constantFrom(...bodies), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), (v, pos, byte, junk) => {
        const good = hex(v.expected!.hex);
        const mutated = good.slice();
        if (mutated.length > 0) mutated[pos % mutated.length] = byte;
        for (const input of [mutated, junk, good.subarray(0, pos % (good.length + 1))]) {
          for (const [, c] of decoders) {
            const code = codeOf(() => c.decode!(input));
            if (code !== undefined) expect(code).toMatch(/^(protocol|content)\//);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every proper prefix of every body is refused', () => {
    for (const v of bodies) {
      const c = PROTOCOL_BODIES[v.input.body]!;
      if (!c.decode || v.input.body === 'FanoutMessages') continue; // a prefix may end on a message boundary
      const full = hex(v.expected!.hex);
      for (let n = 0; n < full.length; n++) expect(codeOf(() => c.decode!(full.subarray(0, n))), `${v.id} prefix ${n}`).toBeDefined();
    }
  });

  it('refuses a body over maxBodyBytes before parsing it', () => {
    expect(codeOf(() => p.decodeSubmitMessageResponse(new Uint8Array(17), { maxBodyBytes: 16 }))).toBe('protocol/body-too-large');
    expect(codeOf(() => p.decodeFanoutMessages(new Uint8Array(p.DEFAULT_MAX_BODY_BYTES + 1)))).toBe('protocol/body-too-large');
  });

  it('bounds items and vector sizes', () => {
    // 1000 empty URIs in IdentifierResponse.uri: 1000 items + the vectors themselves
    const many = new Uint8Array([0, 0x43, 0xe8, ...new Array<number>(1000).fill(0), 0, 0]);
    expect(p.decodeIdentifierResponse(many).uri).toHaveLength(1000);
    expect(codeOf(() => p.decodeIdentifierResponse(many, { maxItems: 500 }))).toBe('protocol/too-many-items');
    expect(codeOf(() => p.decodeIdentifierResponse(many, { maxVectorBytes: 999 }))).toBe('protocol/too-large');
  });

  it('keeps the TLS error as cause and its code in details', () => {
    try {
      p.decodeSubmitMessageResponse(new Uint8Array([1, 1, 0]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MimiError);
      expect((e as MimiError).code).toBe('protocol/trailing-bytes');
      expect((e as MimiError).details?.['tlsCode']).toBe('tls/trailing-bytes');
    }
  });
});

describe('encoders refuse what the decoders refuse', () => {
  const pm = p.parseMlsMessage(hex(JSON.parse(readFileSync('spec-vectors/protocol/bodies.json', 'utf8')).vectors.find((v: V) => v.id === 'submit-request').input.value.appMessage.mls));
  it('no clients for noConsent', () => {
    expect(codeOf(() => p.encodeKeyMaterialResponse({ userStatus: 'noConsent', userUri: 'u', clients: [{ clientStatus: 'keyMaterialExhausted', clientUri: 'c' }] }))).toBe('protocol/unexpected-clients');
  });
  it('a KeyPackage must be exactly one KeyPackage', () => {
    expect(codeOf(() => p.encodeKeyMaterialResponse({ userStatus: 'success', userUri: 'u', clients: [{ clientStatus: 'success', clientUri: 'c', keyPackage: new Uint8Array([0, 1, 0, 1]) }] }))).toBe('protocol/truncated');
  });
  it('a fanout kind must match its message', () => {
    expect(codeOf(() => p.encodeFanoutMessages([{ kind: 'commit', timestamp: 1n, message: pm, externalProposals: [] }]))).toBe('protocol/unexpected-content-type');
    expect(codeOf(() => p.encodeFanoutMessages([]))).toBe('protocol/empty-list');
  });
  it('uint64 fields take bigints in range', () => {
    expect(codeOf(() => p.encodeSubmitMessageResponse({ statusCode: 'epochTooOld', currentEpoch: -1n }))).toBe('protocol/value-out-of-range');
    expect(codeOf(() => p.encodeSubmitMessageResponse({ statusCode: 'epochTooOld', currentEpoch: 1n << 64n }))).toBe('protocol/value-out-of-range');
  });
  it('unknown enum names and key packages outside a grant', () => {
    expect(codeOf(() => p.encodeSubmitMessageResponse({ statusCode: 'success' } as never))).toBe('protocol/value-out-of-range');
    expect(
      codeOf(() => p.encodeConsentEntry({ consentOperation: 'request', requesterUri: 'a', targetUri: 'b', clientKeyPackages: [new Uint8Array(1)], consentExtensions: [] })),
    ).toBe('protocol/value-out-of-range');
  });
  it('a frank is 32 bytes of server_frank', () => {
    expect(
      codeOf(() => p.encodeSubmitMessageResponse({ statusCode: 'accepted', acceptedTimestamp: 1n, frank: { serverFrank: new Uint8Array(31), frankingSignatureCiphersuite: 1, frankingIntegritySignature: new Uint8Array(0) } })),
    ).toBe('protocol/bad-length');
  });
});

describe('MLS messages as the bodies carry them', () => {
  it('reads wire format, content type and epoch in the clear (RFC 9420 §6)', () => {
    // submit-request's appMessage: PrivateMessage, epoch 4, application (written by the generator field by field)
    const req = p.decodeSubmitMessageRequest(sample('submit-request'));
    expect(req.appMessage.wireFormat).toBe('mlsPrivateMessage');
    expect(req.appMessage.contentType).toBe('application');
    expect(req.appMessage.epoch).toBe(4n);
    const up = p.decodeUpdateRequest(sample('update-commit'));
    expect(up.bundle.kind).toBe('commit');
    expect(up.bundle.proposalOrCommit.contentType).toBe('commit');
  });
  it('re-encodes decoded bodies byte for byte', () => {
    for (const v of bodies) {
      const c = PROTOCOL_BODIES[v.input.body]!;
      if (!c.decode) continue;
      const b = hex(v.expected!.hex);
      expect(toHex(c.encode(c.decode(b) as never)), v.id).toBe(v.expected!.hex);
    }
  });
});

describe('directory', () => {
  it('builds the -06 paths and fills templates with a percent-encoded URI', () => {
    const d = p.directoryFor('https://mimi.example.com/v1/');
    expect(d.keyMaterial).toBe('https://mimi.example.com/v1/keyMaterial/{targetUser}');
    expect(p.parseDirectory(JSON.stringify(d))).toEqual(d);
    expect(p.endpointUrl(d.notify, 'mimi://a.example/r/club house')).toBe('https://mimi.example.com/v1/notify/mimi%3A%2F%2Fa.example%2Fr%2Fclub%20house');
  });
});
