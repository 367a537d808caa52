/** Test helpers: TLS identities, cards, and real HTTPS servers and requests on 127.0.0.1. */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, get, type RequestOptions, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { PeerCard } from '@parley/contract';
import { Ed25519Signer, sha256, toBase64url } from '@parley/record';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { certFingerprint } from './fingerprint.js';
import type { Pin } from './pins.js';
import type { ServerPins } from './server-pins.js';
import { generateTlsIdentity, type TlsIdentity } from './tls-certificate.js';

export const signers = {
  'us-js': Ed25519Signer.fromSeed(sha256(Buffer.from('identity us-js'))),
  'cn-jsd': Ed25519Signer.fromSeed(sha256(Buffer.from('identity cn-jsd'))),
};

export function pinOf(party: string, tls: TlsIdentity): Pin {
  return { party, certPem: tls.certPem, fingerprint: tls.fingerprint };
}

/** An unsigned card for `party` with `tls`. */
export function cardFor(party: keyof typeof signers, tls: TlsIdentity): PeerCard {
  return {
    v: 1,
    party,
    names: { en: `Party ${party}` },
    key: toBase64url(signers[party].publicKey),
    tls: { cert: tls.certPem, fingerprint: tls.fingerprint },
    endpoints: ['https://link.example:8443', 'https://10.0.0.5:8443'],
    issuedAt: '2026-01-02T03:04:05.000Z',
  };
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function keyPair(namedCurve = 'P-256'): Promise<{ keys: webcrypto.CryptoKeyPair; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey({ ...algorithm, namedCurve }, true, ['sign', 'verify']);
  const keyPem = PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { keys, keyPem };
}

function identity(keyPem: string, cert: X509Certificate, chain = ''): TlsIdentity {
  const certPem = `${cert.toString('pem')}\n${chain}`;
  return { keyPem, certPem, fingerprint: certFingerprint(new Uint8Array(cert.rawData)) };
}

/** A self-signed certificate unlike the ones Parley makes: a CA, or on another curve. */
export async function oddIdentity(name: string, options: { ca?: boolean; namedCurve?: string }): Promise<TlsIdentity> {
  const { keys, keyPem } = await keyPair(options.namedCurve);
  const usage = KeyUsageFlags.digitalSignature | (options.ca ? KeyUsageFlags.keyCertSign : 0);
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: `CN=${name}`,
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: { ...algorithm, namedCurve: options.namedCurve ?? 'P-256' },
      keys,
      extensions: [
        new BasicConstraintsExtension(options.ca ?? false, undefined, true),
        new KeyUsagesExtension(usage, true),
      ],
    },
    webcrypto,
  );
  return identity(keyPem, cert);
}

/** A self-signed CA:TRUE certificate: what a pinned certificate must not be. */
export function caIdentity(name: string): Promise<TlsIdentity> {
  return oddIdentity(name, { ca: true });
}

/** A certificate issued by `issuer` (whose certificate follows it in certPem): a chain, not a pin. */
export async function issuedBy(issuer: TlsIdentity, name: string): Promise<TlsIdentity> {
  const { keys, keyPem } = await keyPair();
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    PemConverter.decode(issuer.keyPem)[0]!,
    algorithm,
    false,
    ['sign'],
  );
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: '02',
      subject: `CN=${name}`,
      issuer: new X509Certificate(issuer.certPem).subject,
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: algorithm,
      publicKey: keys.publicKey,
      signingKey,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]),
      ],
    },
    webcrypto,
  );
  return identity(keyPem, cert, issuer.certPem);
}

/** Fresh TLS identities, generated once per name in a test file. */
export function tlsIdentities(): (name: string) => Promise<TlsIdentity> {
  const made = new Map<string, Promise<TlsIdentity>>();
  return (name) => {
    const tls = made.get(name) ?? generateTlsIdentity({ party: name.replace(/#.*/, '') });
    made.set(name, tls);
    return tls;
  };
}

/** What a test server saw: requests handled (with the peer named by the pins) and refused handshakes. */
export interface Seen {
  handled: Array<string | undefined>;
  tlsErrors: string[];
  secureConnections: number;
}

/** A pinned HTTPS server on an ephemeral 127.0.0.1 port that answers 200 with the peer's party. */
export async function pinnedServer(pins: ServerPins): Promise<{ server: Server; port: number; seen: Seen }> {
  const seen: Seen = { handled: [], tlsErrors: [], secureConnections: 0 };
  const server = createServer(pins.options, (req, res) => {
    const party = pins.peerOf(req.socket as TLSSocket);
    seen.handled.push(party);
    res.end(party ?? '');
  });
  pins.guard(server);
  server.on('secureConnection', () => seen.secureConnections++);
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => seen.tlsErrors.push(error.code ?? error.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.add(server);
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const open = new Set<Server>();

/** Stops every server pinnedServer started (for a file's `after`, so failed tests leave none running). */
export async function stopAll(): Promise<void> {
  await Promise.all([...open].map(stop));
}

export function stop(server: Server): Promise<void> {
  open.delete(server);
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** GET / on 127.0.0.1:port; resolves with status and body, or rejects with the client's error. */
export function fetchOnce(port: number, options: RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/', timeout: 5000, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A one-off client that trusts `server`'s certificate without checking names, presenting `own` if given. */
export function rawClient(server: TlsIdentity, own?: TlsIdentity): RequestOptions {
  return {
    agent: false,
    ca: [server.certPem],
    checkServerIdentity: () => undefined,
    ...(own ? { key: own.keyPem, cert: own.certPem } : {}),
  };
}

/** The error code and message a refused request ends with: `CODE message`. */
export async function refusal(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return `${(error as NodeJS.ErrnoException).code} ${(error as Error).message}`;
  }
  throw new Error('the request was not refused');
}

/** Waits until `condition` holds, failing after two seconds with `what`. */
export async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (const start = Date.now(); !(await condition()); await settle()) {
    if (Date.now() - start > 2000) throw new Error(`not so after 2 s: ${what}`);
  }
}

/** Lets in-flight alerts and close events land before counting what a server saw. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'parley-identity-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
