import type { Server, TLSSocket } from 'node:tls';
import { certFingerprint } from './fingerprint.js';
import { type PinnedServerOptions, type ServerTlsConfig, serverTlsOptions } from './pinned-tls.js';
import { type Pin, pinsByFingerprint } from './pins.js';

/**
 * A link server's pins, held in one place so that the handshake (OpenSSL's
 * trust store), `peerOf` and the open connections always agree.
 *
 * @example
 * const pins = new ServerPins({ keyPem, certPem, pinned });
 * const server = https.createServer(pins.options, handler);
 * pins.guard(server);
 * // in a handler: pins.peerOf(req.socket as TLSSocket) → 'cn-jsd'
 * pins.repin(server, [...pinned, newPeer]);
 */
export class ServerPins {
  readonly #keyPem: string;
  readonly #certPem: string;
  #pins: Map<string, Pin>;
  readonly #open = new Set<TLSSocket>();
  readonly #fingerprints = new WeakMap<TLSSocket, string>();

  constructor(config: ServerTlsConfig) {
    this.#keyPem = config.keyPem;
    this.#certPem = config.certPem;
    this.#pins = pinsByFingerprint(config.pinned);
  }

  get options(): PinnedServerOptions {
    return serverTlsOptions({ keyPem: this.#keyPem, certPem: this.#certPem, pinned: this.pinned });
  }

  get pinned(): Pin[] {
    return [...this.#pins.values()];
  }

  /**
   * The pinned party at the other end of `socket`, by its certificate's
   * fingerprint (looked up in the pins in force); undefined if none. The
   * fingerprint is taken once per connection: a TLS 1.3 connection's peer
   * certificate never changes, and decoding it cost more than a request.
   */
  peerOf(socket: TLSSocket): string | undefined {
    if (!socket.authorized) return undefined;
    let fingerprint = this.#fingerprints.get(socket);
    if (fingerprint === undefined) {
      const raw = socket.getPeerCertificate()?.raw;
      if (!raw) return undefined;
      fingerprint = certFingerprint(raw);
      this.#fingerprints.set(socket, fingerprint);
    }
    return this.#pins.get(fingerprint)?.party;
  }

  /**
   * Defence in depth behind OpenSSL: drops a connection whose certificate is
   * not pinned before the HTTP layer sees it, and tracks the rest for repin.
   */
  guard(server: Server): void {
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      if (this.peerOf(socket) === undefined) {
        socket.destroy();
        return;
      }
      this.#open.add(socket);
      socket.once('close', () => this.#open.delete(socket));
    });
  }

  /**
   * Replaces the pins without a restart: new handshakes use them at once;
   * open connections of peers no longer pinned are closed.
   */
  repin(server: Server, pinned: readonly Pin[]): void {
    const pins = pinsByFingerprint(pinned);
    server.setSecureContext(serverTlsOptions({ keyPem: this.#keyPem, certPem: this.#certPem, pinned }));
    this.#pins = pins;
    for (const socket of this.#open) if (this.peerOf(socket) === undefined) socket.destroy();
  }
}
