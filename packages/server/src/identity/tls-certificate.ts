// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect
// metadata API; it must be loaded before the library.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  type JsonGeneralName,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { certFingerprint } from './fingerprint.js';

/** A node's TLS key and self-signed certificate, and the certificate's pin. */
export interface TlsIdentity {
  readonly keyPem: string;
  readonly certPem: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly fingerprint: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const dayMs = 24 * 60 * 60 * 1000;
/** Years a certificate lasts: a pinned certificate is replaced by a new card, not by expiry. */
const validYears = 10;
/** Back-dating that tolerates a peer whose clock is behind ours. */
const backdateMs = dayMs;

/**
 * A fresh ECDSA P-256 key and a self-signed certificate for `party`: CN = the
 * party id, SANs localhost, 127.0.0.1 and `hosts`, valid for ten years.
 * CA:FALSE matters: a pinned certificate is a trust anchor in OpenSSL's store,
 * and a CA certificate there would let its key vouch for other certificates.
 */
export async function generateTlsIdentity(options: { party: string; hosts?: readonly string[] }): Promise<TlsIdentity> {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: [{ CN: [options.party] }],
      notBefore: new Date(now - backdateMs),
      notAfter: new Date(now + Math.round(validYears * 365.25) * dayMs),
      signingAlgorithm: algorithm,
      keys,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]),
        new SubjectAlternativeNameExtension(altNames(options.hosts ?? [])),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    keyPem: `${PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
    certPem: `${cert.toString('pem')}\n`,
    fingerprint: certFingerprint(new Uint8Array(cert.rawData)),
  };
}

/** 16 random bytes, positive and without a leading zero byte (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function altNames(hosts: readonly string[]): JsonGeneralName[] {
  const all = [...new Set(['localhost', '127.0.0.1', ...hosts])];
  return all.map((host) => (isIP(host) ? { type: 'ip', value: host } : { type: 'dns', value: host }));
}
