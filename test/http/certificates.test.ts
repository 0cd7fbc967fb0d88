// The demo certificate builder, checked by an independent parser (node:crypto's X509Certificate, i.e.
// OpenSSL) and by completing real TLS handshakes with it.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { MimiError } from '../../src/errors.js';
import { createDemoCa, issueCertificate } from '../../src/http/node/index.js';

describe('createDemoCa / issueCertificate (RFC 5280, ECDSA P-256)', () => {
  const notBefore = new Date(Date.UTC(2026, 11, 1, 10, 0, 0));
  const ca = createDemoCa({ commonName: 'Test CA', notBefore, days: 10 });
  const leaf = issueCertificate(ca, { domain: ['A.Example', 'mimi.a.example'], notBefore, days: 2 });

  it('makes a self-signed CA certificate OpenSSL reads as a CA', () => {
    const c = new X509Certificate(ca.certPem);
    expect(c.subject).toBe('CN=Test CA');
    expect(c.issuer).toBe('CN=Test CA');
    expect(c.ca).toBe(true);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(c.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new Date(c.validFrom).toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(new Date(c.validTo).toISOString()).toBe('2026-12-11T10:00:00.000Z');
  });

  it('issues a leaf naming the domains in subjectAltName, signed by the CA, for server and client auth', () => {
    const l = new X509Certificate(leaf.certPem);
    expect(l.subject).toBe('CN=a.example');
    expect(l.issuer).toBe('CN=Test CA');
    expect(l.subjectAltName).toBe('DNS:a.example, DNS:mimi.a.example');
    expect(l.ca).toBe(false);
    expect(l.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(l.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(l.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(l.checkHost('mimi.a.example')).toBe('mimi.a.example');
    expect(l.checkHost('b.example')).toBeUndefined();
    expect(new Date(l.validTo).toISOString()).toBe('2026-12-03T10:00:00.000Z');
    // the key is the certificate's
    expect(l.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    // another CA did not sign it
    expect(l.verify(new X509Certificate(createDemoCa().certPem).publicKey)).toBe(false);
  });

  it('writes GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5)', () => {
    const late = new X509Certificate(issueCertificate(ca, { domain: 'x.example', notBefore: new Date(Date.UTC(2049, 11, 31, 0, 0, 0)), days: 2 }).certPem);
    expect(new Date(late.validFrom).toISOString()).toBe('2049-12-31T00:00:00.000Z');
    expect(new Date(late.validTo).toISOString()).toBe('2050-01-02T00:00:00.000Z');
  });

  it('refuses a name that is no DNS name, and a CA whose key does not load', () => {
    expect(() => issueCertificate(ca, { domain: 'not a domain' })).toThrow(MimiError);
    expect(() => issueCertificate({ ...ca, keyPem: 'garbage' }, { domain: 'a.example' })).toThrow(expect.objectContaining({ code: 'http/bad-certificate' }));
  });

  it('completes a mutually authenticated TLS handshake; a client certificate from another CA is refused', async () => {
    const now = createDemoCa();
    const server = issueCertificate(now, { domain: 'a.example' });
    const client = issueCertificate(now, { domain: 'b.example' });
    const stranger = issueCertificate(createDemoCa(), { domain: 'b.example' });
    const seen: string[] = [];
    const srv = createServer({ cert: server.certPem, key: server.keyPem, ca: now.certPem, requestCert: true, rejectUnauthorized: true }, (s: TLSSocket) => {
      seen.push(String(s.getPeerCertificate().subjectaltname));
      s.end('ok');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const hello = (cert: { certPem: string; keyPem: string }) =>
      new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, servername: 'a.example', cert: cert.certPem, key: cert.keyPem, ca: now.certPem }, () => {
          expect(s.authorized).toBe(true);
        });
        let data = '';
        s.on('data', (d: Buffer) => (data += d.toString()));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      });
    try {
      expect(await hello(client)).toBe('ok');
      expect(seen).toEqual(['DNS:b.example']);
      // TLS 1.3: the client may think the handshake done before the server's alert; either way no data flows
      expect(await hello(stranger).catch(() => 'refused')).not.toBe('ok');
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
