import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ParleyError } from '@parley/contract';
import { Ed25519Signer } from '@parley/record';
import { certFingerprint } from './fingerprint.js';
import { existing, readPrivateFile, readPublicFile, writeNewFile } from './private-files.js';
import type { TlsIdentity } from './tls-certificate.js';

/** A party's keys as the data directory holds them. */
export interface Identity {
  /** The Ed25519 identity key: signs entries, cards and charters. */
  readonly signer: Ed25519Signer;
  /** The TLS key and certificate of the link, separate from the identity key. */
  readonly tls: TlsIdentity;
}

/** File names in the data directory. */
export const keyFiles = { identity: 'identity.key', tlsKey: 'tls.key', tlsCert: 'tls.crt' } as const;

/**
 * Makes a new identity key and TLS identity and writes them into `dir`, keys
 * created with mode 0600. Refuses (PARLEY_E_KEY_EXISTS) if any of the files
 * is already there: keys are never overwritten.
 */
export async function createIdentity(
  dir: string,
  party: string,
  options: { hosts?: readonly string[] } = {},
): Promise<Identity> {
  const paths = pathsIn(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const found = await existing(Object.values(paths));
  if (found !== undefined) throw new ParleyError('PARLEY_E_KEY_EXISTS', { path: found });
  const signer = Ed25519Signer.generate();
  // The X.509 library is needed only here, at init: a serving node does not load it.
  const { generateTlsIdentity } = await import('./tls-certificate.js');
  const tls = await generateTlsIdentity({ party, hosts: options.hosts ?? [] });
  await writeNewFile(paths.identity, signer.toPem(), 0o600);
  await writeNewFile(paths.tlsKey, tls.keyPem, 0o600);
  await writeNewFile(paths.tlsCert, tls.certPem, 0o644);
  return { signer, tls };
}

/**
 * Reads the keys back; refuses key files that group or others may access
 * (PARLEY_E_KEY_PERMISSIONS), and files that are missing, malformed or do not
 * belong together (PARLEY_E_KEY_FILE).
 */
export async function loadIdentity(dir: string): Promise<Identity> {
  const paths = pathsIn(dir);
  const identityPem = await readPrivateFile(paths.identity);
  const keyPem = await readPrivateFile(paths.tlsKey);
  const certPem = await readPublicFile(paths.tlsCert);
  const signer = parsed(paths.identity, 'not an Ed25519 private key', () => Ed25519Signer.fromPem(identityPem));
  const tlsKey = parsed(paths.tlsKey, 'not a private key', () => createPrivateKey(keyPem));
  const cert = parsed(paths.tlsCert, 'not an X.509 certificate', () => new X509Certificate(certPem));
  if (!cert.checkPrivateKey(tlsKey))
    throw new ParleyError('PARLEY_E_KEY_FILE', { path: paths.tlsKey, reason: `not the key of ${keyFiles.tlsCert}` });
  return { signer, tls: { keyPem, certPem, fingerprint: certFingerprint(cert) } };
}

function pathsIn(dir: string): Record<keyof typeof keyFiles, string> {
  return {
    identity: join(dir, keyFiles.identity),
    tlsKey: join(dir, keyFiles.tlsKey),
    tlsCert: join(dir, keyFiles.tlsCert),
  };
}

function parsed<T>(path: string, reason: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ParleyError('PARLEY_E_KEY_FILE', { path, reason }, { cause: error });
  }
}
