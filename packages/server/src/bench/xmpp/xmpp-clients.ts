import { type Client, client, type Element, xml } from '@xmpp/client';

/**
 * The two XMPP clients of `npm run bench:xmpp`, in a child process of the
 * benchmark so that it can trust this run's CA (NODE_EXTRA_CA_CERTS is read
 * at start-up only; @xmpp/client's STARTTLS takes no CA option). Both clients
 * live in this one process, so send and receive times share one clock.
 *
 * The parent sends commands over IPC and gets one answer per command.
 */

export interface Account {
  host: string;
  port: number;
  user: string;
  password: string;
}

export type Command =
  | { op: 'connect'; a: Account; b: Account }
  | { op: 'latency'; n: number; gapMs: number; text: string }
  | { op: 'throughput'; n: number; text: string }
  | { op: 'stop' };

export type Answer = { ok: true; result: unknown } | { ok: false; error: string };

const RECEIPTS = 'urn:xmpp:receipts';
const resource = 'bench';

let a: Client | undefined;
let b: Client | undefined;
let bJid = '';
let aJid = '';
/** Arrival time (performance.now()) of each message at B, by id; and of each receipt at A. */
const arrived = new Map<string, number>();
const receipted = new Map<string, number>();
let errors = 0;
let waiter: (() => void) | undefined;
let serial = 0;

function open(account: Account): Client {
  const c = client({
    service: `xmpp://${account.host}:${account.port}`,
    domain: account.host,
    username: account.user,
    password: account.password,
    resource,
    // Generous: on a loaded machine a step can take longer than the 2 s default.
    timeout: 30_000,
  });
  // Nagle off on the client's own socket too (the Parley side's HTTP client sets TCP_NODELAY).
  c.on('connect', () => c.socket?.setNoDelay?.(true));
  c.on('error', (error: Error) => {
    errors++;
    console.error(`xmpp ${account.user}@${account.host}: ${error.message}`);
  });
  return c;
}

function message(to: string, id: string, subject: string, text: string): Element {
  return xml(
    'message',
    { to, id, type: 'chat' },
    xml('subject', {}, subject),
    xml('body', {}, text),
    xml('request', { xmlns: RECEIPTS }),
  );
}

async function connect(cmd: Extract<Command, { op: 'connect' }>): Promise<unknown> {
  a = open(cmd.a);
  b = open(cmd.b);
  aJid = `${cmd.a.user}@${cmd.a.host}/${resource}`;
  bJid = `${cmd.b.user}@${cmd.b.host}/${resource}`;
  // B: note each message's arrival and answer it with an XEP-0184 receipt, as a client does.
  b.on('stanza', (stanza: Element) => {
    if (!stanza.is('message')) return;
    if (stanza.attrs.type === 'error') errors++;
    const id = stanza.attrs.id;
    if (!id || !stanza.getChild('body')) return;
    arrived.set(id, performance.now());
    if (stanza.getChild('request', RECEIPTS)) {
      void b!
        .send(
          xml('message', { to: stanza.attrs.from ?? aJid, id: `r-${id}` }, xml('received', { xmlns: RECEIPTS, id })),
        )
        .catch(() => errors++);
    }
    waiter?.();
  });
  // A: note each receipt.
  a.on('stanza', (stanza: Element) => {
    if (!stanza.is('message')) return;
    if (stanza.attrs.type === 'error') errors++;
    const received = stanza.getChild('received', RECEIPTS);
    if (received?.attrs.id) receipted.set(received.attrs.id, performance.now());
    waiter?.();
  });
  await a.start();
  await b.start();
  await a.send(xml('presence'));
  await b.send(xml('presence'));
  // Warm both s2s connections (one each way: messages A→B, receipts B→A) before anything is timed.
  const warm: string[] = [];
  for (let i = 0; i < 20; i++) {
    const id = `warm-${i}`;
    await a.send(message(bJid, id, 'warm-up', 'warm-up'));
    warm.push(id);
  }
  await until(() => warm.every((id) => receipted.has(id)), 30_000, 'warm-up receipts');
  return { a: aJid, b: bJid, errors };
}

function until(check: () => boolean, ms: number, what: string): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiter = undefined;
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    waiter = () => {
      if (!check()) return;
      clearTimeout(timer);
      waiter = undefined;
      resolve();
    };
  });
}

/** One message at a time: A sends, B receives; `gapMs` between messages. Returns ms per message. */
async function latency(cmd: Extract<Command, { op: 'latency' }>): Promise<unknown> {
  const samples: number[] = [];
  for (let i = 0; i < cmd.n; i++) {
    const id = `lat-${++serial}`;
    const t = performance.now();
    await a!.send(message(bJid, id, `bench ${serial}`, cmd.text));
    await until(() => arrived.has(id), 30_000, `message ${id}`);
    samples.push(arrived.get(id)! - t);
    await until(() => receipted.has(id), 30_000, `receipt ${id}`);
    await new Promise((r) => setTimeout(r, cmd.gapMs));
  }
  return { samples, errors };
}

/** A sends `n` messages as fast as its stream takes them; done when A holds B's receipt for every one. */
async function throughput(cmd: Extract<Command, { op: 'throughput' }>): Promise<unknown> {
  const ids: string[] = [];
  const t = performance.now();
  for (let i = 0; i < cmd.n; i++) {
    const id = `tp-${++serial}`;
    ids.push(id);
    await a!.send(message(bJid, id, `bench ${serial}`, cmd.text));
  }
  const sentMs = performance.now() - t;
  let missing = ids.length;
  await until(
    () => {
      while (missing > 0 && receipted.has(ids[ids.length - missing]!)) missing--;
      return missing === 0;
    },
    300_000,
    `receipts for ${cmd.n} messages`,
  );
  const ms = Math.max(...ids.map((id) => receipted.get(id)!)) - t;
  return { n: cmd.n, ms, sentMs, errors };
}

async function handle(cmd: Command): Promise<unknown> {
  switch (cmd.op) {
    case 'connect':
      return connect(cmd);
    case 'latency':
      return latency(cmd);
    case 'throughput':
      return throughput(cmd);
    case 'stop':
      await Promise.allSettled([a?.stop(), b?.stop()]);
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (cmd: Command) => {
  handle(cmd).then(
    (result) => process.send!({ ok: true, result } satisfies Answer),
    (error: unknown) => process.send!({ ok: false, error: String((error as Error)?.stack ?? error) } satisfies Answer),
  );
});
