import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A plain TCP forwarder on 127.0.0.1:`port` to 127.0.0.1:`target`, standing
 * in for one network path to a node's link port. TLS passes through it
 * untouched (the peers still pin each other end to end). kill() takes the
 * path down like a dead router: the port stops listening (connections are
 * refused) and open connections are reset; start() brings it back on the
 * same port.
 */
export class TcpProxy {
  /** The port it listens on: given, or chosen by the system at the first start() (0 until then). */
  port: number;
  readonly target: number;
  /** Connections accepted since the proxy was created. */
  connections = 0;
  /** Bytes relayed in either direction since the proxy was created. */
  bytes = 0;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(target: number, port = 0) {
    this.port = port;
    this.target = target;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  start(): Promise<void> {
    if (this.#server) return Promise.resolve();
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  #accept(client: Socket): void {
    this.connections++;
    const upstream = tcpConnect(this.target, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#sockets.add(from);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.#sockets.delete(from);
        to.destroy();
      });
      from.on('data', (chunk: Buffer) => {
        this.bytes += chunk.byteLength;
        to.write(chunk);
      });
      from.on('end', () => to.end());
    }
  }

  /** Stops listening and resets every open connection. */
  async kill(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
    await closed;
  }
}
