import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { certFingerprint } from './fingerprint.js';
import { generateTlsIdentity } from './tls-certificate.js';

describe('generateTlsIdentity', async () => {
  const tls = await generateTlsIdentity({ party: 'us-js', hosts: ['link.example', '10.0.0.5', 'localhost'] });
  const cert = new X509Certificate(tls.certPem);

  it('makes a self-signed end-entity certificate for the party', () => {
    assert.equal(cert.subject, 'CN=us-js');
    assert.equal(cert.issuer, 'CN=us-js');
    assert.equal(cert.ca, false);
    assert.ok(cert.verify(cert.publicKey));
    assert.deepEqual(cert.keyUsage?.sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  });

  it('names localhost, 127.0.0.1 and the extra hosts once each', () => {
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, DNS:link.example, IP Address:10.0.0.5');
  });

  it('uses an ECDSA P-256 key that is not the identity key', () => {
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.match(tls.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('lasts about ten years', () => {
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 24 * 3600 * 1000);
    assert.ok(years > 10 && years < 10.01, `${years}`);
    assert.ok(Date.parse(cert.validFrom) < Date.now());
  });

  it('pins the SHA-256 of the DER', () => {
    assert.equal(tls.fingerprint, certFingerprint(cert));
    assert.equal(tls.fingerprint, cert.fingerprint256.replaceAll(':', '').toLowerCase());
  });

  it('draws a fresh random serial and key each time', async () => {
    const again = new X509Certificate((await generateTlsIdentity({ party: 'us-js' })).certPem);
    assert.notEqual(again.serialNumber, cert.serialNumber);
    assert.equal(cert.serialNumber.length, 32);
    assert.ok(!again.publicKey.equals(cert.publicKey));
  });
});
