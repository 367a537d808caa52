import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Agent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { examples, limits, linkPrefix } from '@parley/contract';
import { type JsonValue, type SignedEntry, type Signer, signEntry } from '@parley/record';
import { certFingerprint } from '../identity/fingerprint.js';
import { clientAgent, loadIdentity } from '../identity/index.js';
import { eventually, initParties, ok, type Party, status, tempRoot } from '../test-util/nodes.js';

/**
 * A hostile but pinned peer: xx-evil is a member of the channel and passes
 * TLS, but this test plays it by hand against us-js's link, while cn-jsd is
 * an honest peer whose traffic must keep flowing.
 */

// Shortened for the test (defaults: 15 s, 200 requests per second); the mechanisms are the same.
const requestTimeoutMs = 2000;
const ratePerSecond = 50;
const env = {
  PARLEY_LINK_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
  PARLEY_LINK_RATE_PER_SECOND: String(ratePerSecond),
};

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: hostile-input answers are inspected field by field
  body: any;
}

interface WireError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

function assertWireError(error: WireError, code: string): void {
  assert.equal(error.code, code, JSON.stringify(error));
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  assert.equal(typeof error.details, 'object');
  assert.deepEqual(Object.keys(error).sort(), ['code', 'details', 'message']);
}

describe('a hostile pinned peer', () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let evil: Party;
  let channel = '';
  let endpoint = '';
  let agent: Agent;
  let signer: Signer;
  let tls: { keyPem: string; certPem: string };
  let usCert = '';
  let usFingerprint = '';

  /** One raw request from xx-evil to us-js's link; the payload is sent byte for byte. */
  function raw(method: 'GET' | 'POST', path: string, payload?: Buffer | string, via = agent): Promise<Answer> {
    const bytes = payload === undefined ? undefined : Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        new URL(path, endpoint),
        {
          method,
          agent: via,
          headers: bytes ? { 'content-type': 'application/json', 'content-length': bytes.byteLength } : {},
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
            } catch {
              reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(bytes);
    });
  }

  /** Announces a body of `length` bytes, sends its first bytes only, and returns the answer. */
  function announced(method: 'POST', path: string, length: number): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        new URL(path, endpoint),
        { method, agent, headers: { 'content-type': 'application/json', 'content-length': length } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) });
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
      });
      req.write('{"entries":["');
    });
  }

  const entriesPath = () => `${linkPrefix}/channels/${channel}/entries`;
  const push = (entries: unknown[]) => raw('POST', entriesPath(), JSON.stringify({ entries }));

  /** An entry signed with xx-evil's identity key. */
  function sign(draft: { seq: number; prev?: string | null; author?: string; body?: JsonValue }): {
    id: string;
    entry: SignedEntry;
  } {
    return signEntry(
      {
        channel,
        author: draft.author ?? 'xx-evil',
        seq: draft.seq,
        prev: draft.prev ?? null,
        time: new Date().toISOString(),
        type: 'message',
        body: draft.body ?? (examples.message as unknown as JsonValue),
      },
      signer,
    );
  }

  const message = (subject: string): JsonValue => ({ ...examples.message, subject }) as unknown as JsonValue;
  const log = async () => (await ok(['log', '--dir', us.dir, '--channel', channel])).trim().split('\n');

  /** What us-js holds of every feed of the channel (author → seq), as its heartbeat answer says. */
  async function heads(via = agent): Promise<Record<string, number>> {
    const res = await raw(
      'POST',
      `${linkPrefix}/heartbeat`,
      JSON.stringify({ sent: new Date().toISOString(), nonce: 'n' }),
      via,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.heads[channel];
  }

  /** A refused push: the status, the `error` member, nothing stored in any feed (not even a receipt). */
  async function refused(entries: unknown[], httpStatus: number, code: string): Promise<WireError> {
    const before = await heads();
    const res = await push(entries);
    assert.equal(res.status, httpStatus, JSON.stringify(res.body));
    assert.equal(res.body.stored, 0);
    assert.equal(res.body.duplicates, 0);
    assert.equal(res.body.receipt, undefined);
    const answered = Object.fromEntries(
      Object.entries(res.body.heads).map(([a, h]) => [a, (h as { seq: number }).seq]),
    );
    assert.deepEqual(answered, before, 'the answer names the heads to resume from');
    assertWireError(res.body.error, code);
    assert.deepEqual(await heads(), before, 'nothing stored');
    return res.body.error;
  }

  /** A request refused before any entry is looked at: a bare `{ code, message, details }`. */
  async function rejected(res: Answer, httpStatus: number, code: string): Promise<WireError> {
    assert.equal(res.status, httpStatus, JSON.stringify(res.body));
    assertWireError(res.body, code);
    return res.body;
  }

  before(async () => {
    [us, cn, evil] = (await initParties(root, ['us-js', 'cn-jsd', 'xx-evil'], env)) as [Party, Party, Party];
    await Promise.all([us.node.start(), cn.node.start(), evil.node.start()]);
    const out = await ok([
      'channel',
      'propose',
      '--dir',
      us.dir,
      '--name',
      'Trilateral',
      '--members',
      'cn-jsd,xx-evil',
    ]);
    channel = out.trim().split('\n').pop()!;
    await Promise.all(
      [cn, evil].map(async (p) => {
        await eventually(async () => (await status(p.dir)).channels.find((c) => c.id === channel), 20_000, 'offer');
        await ok(['channel', 'accept', '--dir', p.dir, channel]);
      }),
    );
    await Promise.all(
      [us, cn].map((p) =>
        eventually(
          async () => (await status(p.dir)).channels.find((c) => c.id === channel && c.state === 'active'),
          20_000,
          `active at ${p.party}`,
        ),
      ),
    );
    // From here on the test is xx-evil.
    await evil.node.stop();
    const identity = await loadIdentity(evil.dir);
    signer = identity.signer;
    tls = identity.tls;
    // us-js's card as `parley peer card` printed it for the others to pin.
    const usCard = JSON.parse(readFileSync(join(root, 'us-js.card.json'), 'utf8')) as {
      card: { endpoints: string[]; tls: { cert: string; fingerprint: string } };
    };
    endpoint = usCard.card.endpoints[0]!;
    usCert = usCard.card.tls.cert;
    usFingerprint = usCard.card.tls.fingerprint;
    agent = clientAgent({ ...tls, peer: { party: 'us-js', certPem: usCert, fingerprint: usFingerprint } });
  });

  after(async () => {
    agent?.destroy();
    await us?.node.stop();
    await cn?.node.stop();
    await evil?.node.stop();
    cleanup();
  });

  it('refuses a forged signature and stores nothing', async () => {
    const real = sign({ seq: 1, body: message('Genuine') });
    const other = sign({ seq: 1, body: message('Another statement') });
    const forged = { ...real.entry, sig: other.entry.sig };
    const error = await refused([forged], 400, 'PARLEY_E_BAD_SIGNATURE');
    assert.deepEqual(error.details, { author: 'xx-evil', seq: 1 });
    assert.equal((await heads())['xx-evil'], undefined);
  });

  it("refuses an entry in another member's name and one by a stranger", async () => {
    const impersonation = sign({ seq: 1, author: 'cn-jsd' });
    const error = await refused([impersonation.entry], 400, 'PARLEY_E_KEY_NOT_VALID');
    assert.equal(error.details.author, 'cn-jsd');
    assert.equal(error.details.key, impersonation.entry.header.key);
    const stranger = sign({ seq: 1, author: 'zz-outsider' });
    const e2 = await refused([stranger.entry], 403, 'PARLEY_E_UNKNOWN_AUTHOR');
    assert.deepEqual(e2.details, { author: 'zz-outsider', channel });
  });

  it('refuses a gap and names the head to resume from', async () => {
    const gap = sign({ seq: 3, prev: sign({ seq: 2 }).id });
    const error = await refused([gap.entry], 409, 'PARLEY_E_GAP');
    assert.deepEqual(error.details, { author: 'xx-evil', expected: 1, got: 3, head: 0 });
  });

  it('refuses an oversize body and an oversize request', async () => {
    const big = sign({
      seq: 1,
      body: { ...examples.message, text: 'x'.repeat(limits.bodyBytes) } as unknown as JsonValue,
    });
    const error = await refused([big.entry], 413, 'PARLEY_E_OVERSIZE');
    assert.equal(error.details.limit, limits.bodyBytes);
    assert.ok((error.details.size as number) > limits.bodyBytes);
    const before = await heads();
    // The server answers from the Content-Length alone, before the body; the
    // client sends only its start and waits, so it reads the answer rather than
    // racing the close with the rest of its write (EPIPE).
    const res = await announced('POST', entriesPath(), limits.linkRequestBytes + 100);
    const e2 = await rejected(res, 413, 'PARLEY_E_OVERSIZE');
    assert.equal(e2.details.what, 'request body');
    assert.deepEqual(await heads(), before);
  });

  it('refuses malformed JSON with its exact code', async () => {
    const before = await heads();
    const truncated = await rejected(
      await raw('POST', entriesPath(), '{"entries":[{"header":'),
      400,
      'PARLEY_E_JSON_SYNTAX',
    );
    assert.equal(typeof truncated.details.offset, 'number');
    const dup = await rejected(
      await raw('POST', entriesPath(), '{"entries":[1],"entries":[2]}'),
      400,
      'PARLEY_E_JSON_DUPLICATE_KEY',
    );
    assert.equal(dup.details.key, 'entries');
    await rejected(await raw('POST', entriesPath(), '{"entries":["\\ud800"]}'), 400, 'PARLEY_E_JSON_LONE_SURROGATE');
    assert.deepEqual(await heads(), before);
  });

  it('refuses a body that fails its schema, naming the path', async () => {
    const { subject: _, ...noSubject } = examples.message;
    const bad = sign({ seq: 1, body: noSubject as unknown as JsonValue });
    const error = await refused([bad.entry], 400, 'PARLEY_E_SCHEMA');
    assert.equal(error.details.type, 'message');
    assert.match(String(error.details.path), /subject/);
  });

  it('refuses an unknown channel', async () => {
    const unknown = 'A'.repeat(43);
    const res = await raw('POST', `${linkPrefix}/channels/${unknown}/entries`, JSON.stringify({ entries: [{}] }));
    const error = await rejected(res, 404, 'PARLEY_E_UNKNOWN_CHANNEL');
    assert.deepEqual(error.details, { channel: unknown });
  });

  it('after all that, holds nothing it should not', async () => {
    assert.deepEqual(await heads(), {});
    assert.deepEqual(
      (await log()).filter((l) => l.trim() !== ''),
      [],
    );
  });

  let first: { id: string; entry: SignedEntry };

  it('takes a valid entry once; a replay is a no-op', async () => {
    first = sign({ seq: 1, body: message('First and only') });
    const a = await push([first.entry]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.stored, 1);
    assert.equal(a.body.duplicates, 0);
    assert.equal(a.body.error, undefined);
    assert.ok(a.body.receipt, 'a receipt answers what was stored');
    assert.deepEqual(a.body.heads['xx-evil'], { seq: 1, id: first.id });
    const b = await push([first.entry]);
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(b.body.stored, 0);
    assert.equal(b.body.duplicates, 1);
    assert.equal(b.body.error, undefined);
    assert.deepEqual(b.body.heads['xx-evil'], a.body.heads['xx-evil']);
    assert.deepEqual(b.body.heads['us-js'], a.body.heads['us-js'], 'no second receipt');
    const ours = (await log()).filter((l) => l.includes(' xx-evil #'));
    assert.equal(ours.length, 1);
    assert.match(ours[0]!, /xx-evil #1 message IMMEDIATE \[17\] First and only$/);
    // us-js relays it to cn-jsd, whose receipt comes back; then the channel is quiet.
    await eventually(async () => (await heads())['cn-jsd'] === 1, 20_000, "cn-jsd's receipt at us-js");
  });

  it('refuses a fork, keeps the proof and raises an alarm', async () => {
    const twin = sign({ seq: 1, body: message('Said something else') });
    assert.notEqual(twin.id, first.id);
    const error = await refused([twin.entry], 409, 'PARLEY_E_FORK');
    assert.deepEqual(error.details, { author: 'xx-evil', seq: 1 });
    const s = await status(us.dir);
    assert.equal(s.forks, 1, 'the fork proof is kept (and nothing before it was taken for one)');
    assert.ok(
      s.alarms.some((a) => a.kind === 'fork' && a.message.includes('xx-evil')),
      JSON.stringify(s.alarms),
    );
    const ours = (await log()).filter((l) => l.includes(' xx-evil #'));
    assert.equal(ours.length, 1);
    assert.match(ours[0]!, /First and only$/);
    assert.equal(s.channels.find((c) => c.id === channel)!.heads['xx-evil'], 1);
  });

  /**
   * A slow body from xx-evil: headers promise 64 KiB, then one byte every 100 ms.
   * `open` settles once the headers are out; `closed` when the server hangs up.
   */
  function slowBody(): { open: Promise<void>; closed: Promise<{ at: number; sent: number; answer: string }> } {
    let opened: () => void = () => {};
    const open = new Promise<void>((resolve) => (opened = resolve));
    const closed = new Promise<{ at: number; sent: number; answer: string }>((resolve, reject) => {
      let answer = '';
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      const url = new URL(endpoint);
      const socket = connect({
        host: url.hostname,
        port: Number(url.port),
        key: tls.keyPem,
        cert: tls.certPem,
        ca: [usCert],
        minVersion: 'TLSv1.3',
        checkServerIdentity: (_host, cert) =>
          certFingerprint(cert.raw) === usFingerprint ? undefined : new Error('not us-js'),
      });
      socket.on('secureConnect', () => {
        socket.write(
          `POST ${entriesPath()} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${64 * 1024}\r\n\r\n{"entries":[`,
        );
        opened();
        timer = setInterval(() => {
          if (socket.writable) {
            socket.write(' ');
            sent++;
          }
        }, 100);
      });
      socket.on('data', (d) => (answer += d));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ at: Date.now(), sent, answer });
      });
      setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`slow body still open after 20 s (${sent} bytes dribbled)`));
      }, 20_000).unref();
    });
    return { open, closed };
  }

  it('survives a flood and a slow body while serving its honest peer', async (t) => {
    // cn-jsd's own view of us-js, over its own pinned connection (its own rate-limit bucket).
    const cnIdentity = await loadIdentity(cn.dir);
    const cnAgent = clientAgent({
      ...cnIdentity.tls,
      peer: { party: 'us-js', certPem: usCert, fingerprint: usFingerprint },
    });
    const cnBefore = (await heads(cnAgent))['cn-jsd'] ?? 0;

    const slow = slowBody();
    await slow.open;
    const slowSince = Date.now();

    // A flood: far more requests than the per-peer rate limit, as fast as 16 connections go.
    const flooder = clientAgent({ ...tls, peer: { party: 'us-js', certPem: usCert, fingerprint: usFingerprint } });
    flooder.maxSockets = 16;
    const heartbeat = () =>
      raw(
        'POST',
        `${linkPrefix}/heartbeat`,
        JSON.stringify({ sent: new Date().toISOString(), nonce: 'flood' }),
        flooder,
      ).catch((error: Error) => ({ status: -1, body: String(error) }));
    const flood = Promise.all(Array.from({ length: 8 * ratePerSecond }, heartbeat));

    // Meanwhile the honest peer is answered at once, and what it writes is taken.
    const sent = ok([
      'send',
      '--dir',
      cn.dir,
      '--channel',
      channel,
      '--precedence',
      'FLASH',
      '--emergency',
      '--subject',
      'Honest during the storm',
      '--text',
      'Still here.',
    ]);
    const honest = await heads(cnAgent);
    const honestAt = Date.now();

    const answers = await flood;
    flooder.destroy();
    const limited = answers.filter((a) => a.status === 429);
    t.diagnostic(`flood: ${limited.length} of ${answers.length} requests refused with 429`);
    assert.ok(limited.length > 0, 'some requests are rate limited');
    for (const a of limited) assertWireError(a.body, 'PARLEY_E_RATE_LIMIT');
    for (const a of answers) assert.ok(a.status === 200 || a.status === 429, JSON.stringify(a));

    await sent;
    await eventually(async () => (await heads(cnAgent))['cn-jsd']! > cnBefore, 15_000, 'honest entry at us-js');
    await eventually(
      async () => (await log()).find((l) => /cn-jsd #\d+ message FLASH \[\d+\] Honest during the storm$/.test(l)),
      15_000,
      'honest message in us-js log',
    );
    cnAgent.destroy();

    const s = await slow.closed;
    const openFor = s.at - slowSince;
    t.diagnostic(
      `slow body: closed ${openFor} ms after its headers, ${s.sent} bytes dribbled; ` +
        `answer ${JSON.stringify(s.answer.split('\r\n')[0])}; cn-jsd answered after ${honestAt - slowSince} ms`,
    );
    assert.ok(honest['us-js'] !== undefined, 'cn-jsd was answered with our heads');
    assert.ok(honestAt < s.at, 'cn-jsd was answered while the slow body was still open');
    assert.ok(s.sent < 64 * 1024, 'the body never completed');
    assert.ok(openFor >= requestTimeoutMs - 100, `closed after ${openFor} ms`);
    assert.ok(openFor < requestTimeoutMs + 5000, `closed only after ${openFor} ms`);
    assert.match(s.answer, /^HTTP\/1\.1 408 /, 'answered 408');
    assert.equal(
      JSON.parse(s.answer.slice(s.answer.indexOf('\r\n\r\n') + 4)).code,
      'PARLEY_E_TIMEOUT',
      'a catalogued error',
    );
    assert.equal((await log()).filter((l) => l.includes(' xx-evil #')).length, 1, 'nothing more of xx-evil stored');
  });
});
