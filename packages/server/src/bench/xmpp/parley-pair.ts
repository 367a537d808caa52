import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { cliPath, eventually, freePort, liveStatus, ok, ServedNode } from '../../test-util/nodes.js';

export interface Session {
  cookie: string;
  csrf: string;
}

/**
 * Two Parley nodes as real `parley serve` processes (SQLite, real TLS on the
 * link), us-js on 127.0.0.2 and cn-jsd on 127.0.0.3, peered, with an active
 * channel. Each has one console user whose session reads its event stream:
 * A's operator (who also sends), B's analyst.
 */
export interface ParleyPair {
  a: ServedNode;
  b: ServedNode;
  channel: string;
  /** Where A's console shows B's receipts, and B's console shows A's messages. */
  aEvents: EventWatch;
  bEvents: EventWatch;
  /** A's control API: address, token and connections, set up by the first `send`. */
  control?: { base: URL; token: string; agent: HttpAgent };
}

export const parties = [
  { party: 'us-js', host: '127.0.0.2' },
  { party: 'cn-jsd', host: '127.0.0.3' },
] as const;

const operator = 'bench-operator';
const viewer = 'bench-viewer';

export async function startPair(root: string, started: (node: ServedNode) => void): Promise<ParleyPair> {
  const nodes: ServedNode[] = [];
  const password = randomBytes(18).toString('base64url');
  for (const { party, host } of parties) {
    const dir = join(root, party);
    const link = await freePort();
    const consolePort = await freePort();
    await ok([
      'init',
      '--dir',
      dir,
      '--party',
      party,
      '--name',
      `Party ${party}`,
      '--link-port',
      String(link),
      '--console-port',
      String(consolePort),
      '--link-host',
      host,
      '--console-host',
      host,
      '--endpoint',
      `https://${host}:${link}`,
    ]);
    nodes.push(new ServedNode(dir));
  }
  const [a, b] = nodes as [ServedNode, ServedNode];
  for (const p of nodes) {
    const card = await ok(['peer', 'card', '--dir', p.dir]);
    const file = `${p.dir}.card.json`;
    writeFileSync(file, card);
    for (const q of nodes) if (q !== p) await ok(['peer', 'add', '--dir', q.dir, file]);
  }
  await addUser(a.dir, operator, 'operator', password);
  await addUser(b.dir, viewer, 'analyst', password);
  for (const node of nodes) {
    started(node);
    await node.start();
  }
  const proposed = await ok(['channel', 'propose', '--dir', a.dir, '--name', 'bench', '--members', 'us-js,cn-jsd']);
  const channel = proposed.trim().split('\n').pop()!;
  await eventually(async () => (await liveStatus(b.dir)).channels.some((c) => c.id === channel), 20_000, 'offer at B');
  await ok(['channel', 'accept', '--dir', b.dir, channel]);
  await eventually(
    async () => (await liveStatus(a.dir)).channels.some((c) => c.id === channel && c.state === 'active'),
    20_000,
    'channel active at A',
  );
  const [us, cn] = [parties[0].party, parties[1].party];
  const aConsole = consoleOf(a.dir);
  const bConsole = consoleOf(b.dir);
  const aEvents = await EventWatch.open(aConsole, await signIn(aConsole, operator, password), channel, us, cn);
  const bEvents = await EventWatch.open(bConsole, await signIn(bConsole, viewer, password), channel, us, cn);
  return { a, b, channel, aEvents, bEvents };
}

function consoleOf(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'serve.json'), 'utf8')) as { console: string }).console;
}

/** `parley user add … --password-stdin`. */
function addUser(dir: string, name: string, role: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      cliPath,
      'user',
      'add',
      '--dir',
      dir,
      '--name',
      name,
      '--role',
      role,
      '--password-stdin',
    ]);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`parley user add exited ${code}\n${out}`))));
    child.stdin.end(`${password}\n`);
  });
}

async function signIn(base: string, name: string, password: string): Promise<Session> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const body = (await res.json()) as { csrfToken?: string };
  if (!res.ok) throw new Error(`sign-in at ${base} answered ${res.status}: ${JSON.stringify(body)}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { cookie, csrf: body.csrfToken ?? '' };
}

/** What the benchmark reads of the console stream: `entry` and `receipt` events. */
interface StreamEvent {
  channel: string;
  author: string;
  seq: number;
  heads?: Record<string, number>;
}

/**
 * One console's live event stream (GET /api/v1/events), read as a console
 * does. Notes the time each of `author`'s entries shows (`entry` events) and
 * the time each receipt from `receiptsFrom` covering the sender's feed shows
 * (`receipt` events, by the seq they cover).
 */
export class EventWatch {
  readonly #entries = new Map<number, number>();
  readonly #receipts = new Map<number, number>();
  #waiter: (() => void) | undefined;
  readonly #request: ClientRequest;

  private constructor(request: ClientRequest) {
    this.#request = request;
  }

  static async open(
    base: string,
    session: Session,
    channel: string,
    entriesOf: string,
    receiptsFrom: string,
  ): Promise<EventWatch> {
    // node:http rather than fetch: the stream's chunks as strings, without a web
    // stream's promise per chunk. This process shares the machine's two cores with
    // the nodes it measures, so what it spends reading is taken from them.
    const request = httpRequest(new URL('/api/v1/events', base), {
      headers: { cookie: session.cookie, accept: 'text/event-stream' },
    });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request.on('response', resolve);
      request.on('error', reject);
      request.end();
    });
    if (res.statusCode !== 200) {
      const parts: Buffer[] = [];
      for await (const part of res) parts.push(part as Buffer);
      throw new Error(`GET ${base}/api/v1/events answered ${res.statusCode}: ${Buffer.concat(parts).toString('utf8')}`);
    }
    const watch = new EventWatch(request);
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer = watch.#take(buffer + chunk, performance.now(), channel, entriesOf, receiptsFrom);
    });
    res.on('error', () => undefined);
    return watch;
  }

  /** Notes the complete events in `text` as seen at `now`; returns what is left of an incomplete one. */
  #take(text: string, now: number, channel: string, entriesOf: string, receiptsFrom: string): string {
    let start = 0;
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n', start)) {
      const block = text.slice(start, end);
      start = end + 2;
      let kind: string | undefined;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) kind = line.slice(6).trim();
        else if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(5).trimStart();
      }
      if ((kind !== 'entry' && kind !== 'receipt') || !data) continue;
      const e = JSON.parse(data) as StreamEvent;
      if (e.channel !== channel) continue;
      if (kind === 'entry' && e.author === entriesOf && !this.#entries.has(e.seq)) this.#entries.set(e.seq, now);
      const covered = e.heads?.[entriesOf];
      if (kind === 'receipt' && e.author === receiptsFrom && covered !== undefined && !this.#receipts.has(covered))
        this.#receipts.set(covered, now);
      this.#waiter?.();
    }
    return text.slice(start);
  }

  /** When the entry `seq` (or a later one) showed. */
  entry(seq: number, ms = 60_000): Promise<number> {
    return this.#when(this.#entries, seq, ms, `entry ${seq}`);
  }

  /** When a receipt covering `seq` showed. */
  receipt(seq: number, ms = 300_000): Promise<number> {
    return this.#when(this.#receipts, seq, ms, `a receipt covering ${seq}`);
  }

  #when(seen: Map<number, number>, seq: number, ms: number, what: string): Promise<number> {
    const found = () => {
      let first: number | undefined;
      for (const [s, t] of seen) if (s >= seq && (first === undefined || t < first)) first = t;
      return first;
    };
    const t = found();
    if (t !== undefined) return Promise.resolve(t);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the console stream did not show ${what} in ${ms} ms`)), ms);
      this.#waiter = () => {
        const t = found();
        if (t === undefined) return;
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve(t);
      };
    });
  }

  /** Forgets what was seen (between phases, so lookups stay short). */
  forget(): void {
    this.#entries.clear();
    this.#receipts.clear();
  }

  close(): void {
    this.#request.destroy();
  }
}

export interface Sent {
  seq: number;
}

/**
 * Submits a ROUTINE message at A as its operator through A's control API:
 * the `send` operation, the same hotline rules as the console's POST
 * /channels/:channel/messages (hotline/send-message.ts, audited), without the
 * console API's per-session rate limit (600 requests a minute).
 */
export async function send(pair: ParleyPair, subject: string, text: string): Promise<Sent> {
  pair.control ??= {
    base: new URL((JSON.parse(readFileSync(join(pair.a.dir, 'serve.json'), 'utf8')) as { console: string }).console),
    token: readFileSync(join(pair.a.dir, 'control.token'), 'utf8').trim(),
    // One keep-alive connection per submission in flight, as a gateway holding
    // its connections open would: the XMPP clients hold their streams open too.
    agent: new HttpAgent({ keepAlive: true, maxSockets: 128 }),
  };
  const { base, token, agent } = pair.control;
  const payload = Buffer.from(
    JSON.stringify({ channel: pair.channel, precedence: 'ROUTINE', subject, text, as: operator }),
  );
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      new URL('/control/v1/send', base),
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.byteLength,
          authorization: `Bearer ${token}`,
        },
        // Long: with 64 submissions in flight on a loaded machine, one may queue for many seconds.
        // The socket's idle timeout, not an AbortSignal's timer per request: cheaper for this
        // process, which shares the machine's cores with the nodes it measures.
        timeout: 120_000,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('send: no answer in 120 s')));
    req.end(payload);
  });
  if (status < 200 || status > 299) throw new Error(`send answered ${status}: ${body}`);
  return JSON.parse(body) as Sent;
}
