import { createHash, X509Certificate } from 'node:crypto';

/** SHA-256 of a certificate's DER as 64 lowercase hex digits: the form peer cards pin. */
export function certFingerprint(cert: string | X509Certificate | Uint8Array): string {
  const der = cert instanceof Uint8Array ? cert : (typeof cert === 'string' ? new X509Certificate(cert) : cert).raw;
  return createHash('sha256').update(der).digest('hex');
}
