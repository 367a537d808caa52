/**
 * Helpers for the fault tests (link/faults-*.test.ts): two parties with a
 * channel, direct calls to a running node's control API, a seeded random
 * source, `parley log` parsing, and a TCP proxy that can blackhole a link.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { dataFiles } from '../runtime/paths.js';
import { eventually, freePort, ok, type Party, ServedNode, status } from './nodes.js';

/** mulberry32: a small seeded PRNG, so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface PartySpec {
  party: string;
  /** Endpoints to advertise in the peer card instead of the real link port (e.g. a proxy). */
  endpoints?: (linkPort: number) => string[];
  env?: NodeJS.ProcessEnv;
}

export interface FaultParty extends Party {
  linkPort: number;
  consolePort: number;
}

/** Like initParties, but each party may advertise other endpoints and serve with its own environment. */
export async function initFaultParties(root: string, specs: PartySpec[]): Promise<FaultParty[]> {
  const out: FaultParty[] = [];
  for (const spec of specs) {
    const dir = join(root, spec.party);
    const [linkPort, consolePort] = [await freePort(), await freePort()];
    const endpoints = spec.endpoints?.(linkPort) ?? [];
    await ok([
      'init',
      '--dir',
      dir,
      '--party',
      spec.party,
      '--name',
      `Party ${spec.party}`,
      '--link-port',
      String(linkPort),
      '--console-port',
      String(consolePort),
      ...endpoints.flatMap((e) => ['--endpoint', e]),
    ]);
    out.push({
      party: spec.party,
      name: `Party ${spec.party}`,
      dir,
      node: new ServedNode(dir, spec.env ?? {}),
      linkPort,
      consolePort,
    });
  }
  for (const p of out) {
    const file = join(root, `${p.party}.card.json`);
    writeFileSync(file, await ok(['peer', 'card', '--dir', p.dir]));
    for (const q of out) if (q !== p) await ok(['peer', 'add', '--dir', q.dir, file]);
  }
  return out;
}

/** Proposes a channel at `a`, accepts it at `b` (both serving) and waits until both hold it active. */
export async function openChannel(a: Party, b: Party): Promise<string> {
  const out = await ok([
    'channel',
    'propose',
    '--dir',
    a.dir,
    '--name',
    'Fault line',
    '--members',
    `${a.party},${b.party}`,
  ]);
  const channel = out.trim().split('\n').pop()!;
  await eventually(async () => (await status(b.dir)).channels.find((c) => c.id === channel), 15_000, 'offer');
  await ok(['channel', 'accept', '--dir', b.dir, channel]);
  await eventually(
    async () => (await status(a.dir)).channels.find((c) => c.id === channel && c.state === 'active'),
    15_000,
    'channel active at proposer',
  );
  return channel;
}

/** An error answered by a node's control API (a clean refusal, not a dropped connection). */
export class ControlRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: { code?: string; message?: string; details?: Record<string, unknown> },
  ) {
    super(`control answered ${status}: ${body.code}: ${body.message}`);
  }
}

/**
 * Runs an operation on the node serving `dir` through its control API, as
 * the CLI does, without spawning a process. A dropped or refused connection
 * rejects with the fetch error; an answered error with ControlRefusal.
 */
export async function control<T = unknown>(
  dir: string,
  op: string,
  args: Record<string, unknown> = {},
  timeoutMs = 10_000,
): Promise<T> {
  const { console: base } = JSON.parse(readFileSync(dataFiles(dir).serving, 'utf8')) as { console: string };
  const token = readFileSync(dataFiles(dir).controlToken, 'utf8').trim();
  const res = await fetch(`${base}/control/v1/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as T;
  if (!res.ok) throw new ControlRefusal(res.status, body as ControlRefusal['body']);
  return body;
}

/** One line of `parley log`: `TIME AUTHOR #SEQ TYPE [PRECEDENCE [SERIAL] SUBJECT]`. */
export interface LogLine {
  time: string;
  author: string;
  seq: number;
  type: string;
  precedence?: string;
  serial?: number;
  subject?: string;
}

export function parseLog(text: string | string[]): LogLine[] {
  const lines = Array.isArray(text) ? text : text.split('\n');
  const out: LogLine[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const m = /^(\S+) (\S+) #(\d+) (\S+)(?: (\S+) \[(\d+)\] (.*))?$/.exec(line);
    if (!m) throw new Error(`unexpected log line: ${line}`);
    out.push({
      time: m[1]!,
      author: m[2]!,
      seq: Number(m[3]),
      type: m[4]!,
      ...(m[5] !== undefined ? { precedence: m[5], serial: Number(m[6]), subject: m[7]! } : {}),
    });
  }
  return out;
}

/** One author's entries in seq order; fails unless seqs are exactly 1..n, each once. */
export function feedOf(lines: LogLine[], author: string): LogLine[] {
  const feed = lines.filter((l) => l.author === author).sort((a, b) => a.seq - b.seq);
  feed.forEach((l, i) => {
    if (l.seq !== i + 1) throw new Error(`${author}'s feed is not contiguous: position ${i + 1} holds seq ${l.seq}`);
  });
  return feed;
}

/**
 * A TCP proxy in front of a link port. TLS passes through untouched. While
 * blackholed it relays nothing and sends nothing back — no RST, no FIN —
 * like a dead line: connections open at that moment are never relayed
 * again (as behind a middlebox that lost their state), and new ones are
 * accepted but go nowhere. After heal() new connections relay normally.
 */
export class BlackholeProxy {
  readonly #target: number;
  #server: Server | undefined;
  #blackholed = false;
  readonly #live = new Set<{ client: Socket; upstream: Socket; dead: boolean }>();
  readonly #held = new Set<Socket>();
  port = 0;
  connections = 0;

  constructor(targetPort: number) {
    this.#target = targetPort;
  }

  get blackholed(): boolean {
    return this.#blackholed;
  }

  listen(port: number): Promise<void> {
    this.port = port;
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  #accept(client: Socket): void {
    this.connections++;
    client.on('error', () => {});
    if (this.#blackholed) {
      this.#hold(client);
      return;
    }
    const upstream = tcpConnect(this.#target, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    const pair = { client, upstream, dead: false };
    this.#live.add(pair);
    const relay = (from: Socket, to: Socket) => {
      from.on('data', (chunk) => {
        if (!pair.dead) to.write(chunk);
      });
      from.on('end', () => {
        if (!pair.dead) to.end();
      });
      from.on('close', () => {
        if (!pair.dead) {
          to.destroy();
          this.#live.delete(pair);
        }
      });
    };
    relay(client, upstream);
    relay(upstream, client);
  }

  /** Keeps the socket open and silent: nothing read, nothing written, never closed by us. */
  #hold(socket: Socket): void {
    socket.pause();
    socket.on('error', () => {});
    this.#held.add(socket);
    socket.on('close', () => this.#held.delete(socket));
  }

  blackhole(): void {
    this.#blackholed = true;
    for (const pair of this.#live) {
      pair.dead = true;
      this.#hold(pair.client);
      this.#hold(pair.upstream);
    }
    this.#live.clear();
  }

  heal(): void {
    this.#blackholed = false;
  }

  async close(): Promise<void> {
    for (const pair of this.#live) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    for (const socket of this.#held) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
