import { X509Certificate } from 'node:crypto';
import { ParleyError, type PeerCard } from '@parley/contract';
import { certFingerprint } from './fingerprint.js';

/**
 * The card's certificate must be what a pinned link can use: the one its
 * fingerprint names, self-signed, an end entity (CA:FALSE: in OpenSSL's trust
 * store a CA could vouch for other certificates), issued to the party, with
 * an ECDSA P-256 key, and valid now.
 */
export function checkCardCertificate(card: PeerCard, now: Date): void {
  const fail = (reason: string): never => {
    throw new ParleyError('PARLEY_E_CARD_CERT', { party: card.party, reason });
  };
  const cert = parse(card.tls.cert) ?? fail('not an X.509 certificate');
  if (certFingerprint(cert) !== card.tls.fingerprint) fail('fingerprint is not the SHA-256 of the certificate');
  if (cert.ca) fail('a CA certificate (basicConstraints CA:TRUE); expected an end-entity certificate');
  if (cert.subject !== `CN=${card.party}`)
    fail(`subject is ${cert.subject.replaceAll('\n', ', ')}, not CN=${card.party}`);
  // Not checkIssued(cert): OpenSSL's X509_check_issued also wants keyCertSign,
  // which an end-entity certificate must not have (RFC 5280 §4.2.1.3).
  if (cert.issuer !== cert.subject || !cert.verify(cert.publicKey)) fail('not self-signed');
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    fail('key is not ECDSA P-256');
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo))
    fail(`not valid now (valid ${cert.validFrom} to ${cert.validTo})`);
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}
