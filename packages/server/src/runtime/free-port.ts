import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A free TCP port on 127.0.0.1 for a node started later (by a test, the demo
 * or a benchmark): probed, then released. Taken below Linux's ephemeral
 * range (32768–60999), which the kernel's listen(0) would choose from: there
 * an outgoing connection (to PostgreSQL, to a peer) could take the port as
 * its local one before the node binds it — a test failed with EADDRINUSE
 * that way. Random, and never the same twice in a process; and, while the
 * process runs, never handed out by another process that uses freePort
 * (reservePort): test files run side by side (decision 0034) stop and start
 * their nodes on the ports they were given, and another file's probe could
 * otherwise take one in between — a test failed with EADDRINUSE that way too.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORTS_FROM + Math.floor(Math.random() * (PORTS_TO - PORTS_FROM));
    if (handedOut.has(port)) continue;
    // Held while it is probed: two calls at once must not both probe, and get, one port.
    handedOut.add(port);
    if (reservePort(port)) {
      if (await canListen(port)) return port;
      unreserve(port);
    }
    handedOut.delete(port);
  }
  throw new Error(`no free port between ${PORTS_FROM} and ${PORTS_TO}`);
}

const PORTS_FROM = 20_000;
const PORTS_TO = 32_768;
const handedOut = new Set<number>();

/** One file per reserved port, holding the pid of the process that reserved it. */
const registry = join(tmpdir(), 'parley-ports');
const reserved = new Set<number>();

/**
 * Reserves `port` for this process until it exits: false if another live
 * process holds it. A reservation whose process is gone is taken over.
 * Where the registry cannot be written (a read-only temp directory), the
 * probe alone decides, as before.
 */
export function reservePort(port: number): boolean {
  if (reserved.has(port)) return true;
  const file = join(registry, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(registry, { recursive: true });
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      if (reserved.size === 0) process.once('exit', releaseAll);
      reserved.add(port);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true;
      if (!abandoned(file)) return false;
      rmSync(file, { force: true });
    }
  }
  return false;
}

/** Whether the process named in a reservation is gone (or the file was left empty long ago). */
function abandoned(file: string): boolean {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(file).mtimeMs > 10_000;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ESRCH: no such process; ENOENT: released meanwhile. EPERM: alive, another user's.
    return code === 'ESRCH' || code === 'ENOENT';
  }
}

function unreserve(port: number): void {
  if (!reserved.delete(port)) return;
  rmSync(join(registry, String(port)), { force: true });
}

function releaseAll(): void {
  for (const port of reserved) rmSync(join(registry, String(port)), { force: true });
  reserved.clear();
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
