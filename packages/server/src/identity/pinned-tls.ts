import { Agent } from 'node:https';
import type { TlsOptions } from 'node:tls';
import { ParleyError } from '@parley/contract';
import { certFingerprint } from './fingerprint.js';
import { checkPin, type Pin, pinsByFingerprint } from './pins.js';

/** Our TLS key and certificate, and the peers whose certificates we accept. */
export interface ServerTlsConfig {
  readonly keyPem: string;
  readonly certPem: string;
  readonly pinned: readonly Pin[];
}

/** Options for `https.createServer`, `tls.createServer`, `server.setSecureContext` or Fastify's `https`. */
export type PinnedServerOptions = Required<
  Pick<TlsOptions, 'key' | 'cert' | 'ca' | 'requestCert' | 'rejectUnauthorized' | 'minVersion'>
>;

/**
 * Mutual TLS 1.3 in which OpenSSL itself refuses, during the handshake, any
 * client whose certificate is not one of the pinned ones. `ca` is always an
 * array, even empty: left undefined, Node would trust the public roots.
 */
export function serverTlsOptions(config: ServerTlsConfig): PinnedServerOptions {
  const pins = pinsByFingerprint(config.pinned);
  return {
    key: config.keyPem,
    cert: config.certPem,
    ca: [...pins.values()].map((pin) => pin.certPem),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
  };
}

/**
 * An agent for one peer: presents our certificate, trusts only the peer's
 * pinned one, and refuses the server before any request is sent unless its
 * certificate has the pinned fingerprint — whatever name or address we dialled.
 */
export function clientAgent(config: {
  keyPem: string;
  certPem: string;
  peer: { party?: string; certPem: string; fingerprint: string };
}): Agent {
  const { peer } = config;
  checkPin(peer);
  return new Agent({
    keepAlive: true,
    key: config.keyPem,
    cert: config.certPem,
    ca: [peer.certPem],
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
    checkServerIdentity: (_host, cert) =>
      certFingerprint(cert.raw) === peer.fingerprint
        ? undefined
        : new ParleyError('PARLEY_E_TLS_PIN', { peer: peer.party ?? 'peer', reason: 'another certificate' }),
  });
}
