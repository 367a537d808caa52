import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1 for a node started later (by a test, the demo
 * or a benchmark): probed, then released. Taken below Linux's ephemeral
 * range (32768–60999), which the kernel's listen(0) would choose from: there
 * an outgoing connection (to PostgreSQL, to a peer) could take the port as
 * its local one before the node binds it — a test failed with EADDRINUSE
 * that way. Random, and never the same twice in a process, so parallel runs
 * rarely meet.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORTS_FROM + Math.floor(Math.random() * (PORTS_TO - PORTS_FROM));
    if (handedOut.has(port)) continue;
    // Held while it is probed: two calls at once must not both probe, and get, one port.
    handedOut.add(port);
    if (await canListen(port)) return port;
    handedOut.delete(port);
  }
  throw new Error(`no free port between ${PORTS_FROM} and ${PORTS_TO}`);
}

const PORTS_FROM = 20_000;
const PORTS_TO = 32_768;
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
