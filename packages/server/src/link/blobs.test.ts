import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type Agent, createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { type Attachment, linkPrefix } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { nodePair, type Pair } from '../hotline/_util.js';
import { attachmentState, blobBytes, storeBlob } from '../hotline/attachments.js';
import type { Compose } from '../hotline/compose.js';
import { databaseOf } from '../hotline/hotline-db.js';
import { type Sent, submitMessage } from '../hotline/send-message.js';
import { clientAgent, generateTlsIdentity, ServerPins, serverTlsOptions, type TlsIdentity } from '../identity/index.js';
import type { SelfCard } from '../node/channels.js';
import { forEachDialect } from '../store/_util.js';
import { BlobFetcher, fetchBlob } from './blob-fetcher.js';
import { createLinkServer } from './server.js';

const log = pino({ level: 'silent' });
const ann = { user: 'ann', roles: ['operator'] as const };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');

function compose(attachments: Attachment[]): Compose {
  return {
    precedence: 'ROUTINE',
    subject: 'Track',
    text: 'Attached.',
    language: 'en',
    marking: 'UNCLASSIFIED',
    attachments,
  };
}

interface Raw {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

function get(agent: Agent, base: string, path: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, base), { agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

let ids: Record<'us' | 'cn' | 'out', TlsIdentity>;
before(async () => {
  ids = {
    us: await generateTlsIdentity({ party: 'us-js' }),
    cn: await generateTlsIdentity({ party: 'cn-jsd' }),
    out: await generateTlsIdentity({ party: 'xx-out' }),
  };
});

const pin = (party: string, id: TlsIdentity) => ({ party, certPem: id.certPem, fingerprint: id.fingerprint });
/** An agent of `from` that trusts only us-js's certificate. */
const agentTo = (from: TlsIdentity, to: TlsIdentity = ids.us) =>
  clientAgent({ keyPem: from.keyPem, certPem: from.certPem, peer: pin('us-js', to) });

forEachDialect('attachments over the link: GET /link/v1/blobs/:hash and the fetcher', (t) => {
  let p: Pair;
  let app: FastifyInstance;
  let base = '';
  let cnAgent: Agent;
  let outAgent: Agent;
  const closers: Array<() => Promise<unknown>> = [];
  const bytes = Buffer.from('PNG pretend: radar picture 13:05Z\n');
  let a: Attachment;
  let sent: Sent;

  /** A fetcher at cn-jsd that reaches us-js at `endpoint`. */
  const fetcherAt = (endpoint: string) =>
    new BlobFetcher({
      node: p.cn,
      log,
      source: {
        agentOf: (party) => (party === 'us-js' ? cnAgent : undefined),
        endpointOf: (party) => (party === 'us-js' ? endpoint : undefined),
      },
    });

  /** Sends a message from us-js naming `attachment` (bypassing send's checks when `raw`) and delivers it to cn-jsd. */
  async function deliverMessage(attachment: Attachment, raw = false): Promise<string> {
    if (raw) {
      const body = { ...compose([attachment]), release: { drafter: 'ann', emergency: false } };
      const { id } = await p.us.append(p.channel, { type: 'message', body, assignSerial: true });
      await p.settle();
      return id;
    }
    const s = (await submitMessage(p.us, p.channel, ann, compose([attachment]))) as Sent;
    await p.settle();
    return s.id;
  }

  /** A pinned server presenting us-js's certificate that answers every blob request with `answer`. */
  async function hostile(answer: Buffer): Promise<string> {
    const server: Server = createServer(
      serverTlsOptions({ keyPem: ids.us.keyPem, certPem: ids.us.certPem, pinned: [pin('cn-jsd', ids.cn)] }),
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(answer);
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  before(async () => {
    p = await nodePair(t);
    const pins = new ServerPins({
      keyPem: ids.us.keyPem,
      certPem: ids.us.certPem,
      pinned: [pin('cn-jsd', ids.cn), pin('xx-out', ids.out)],
    });
    app = await createLinkServer(
      { node: p.us, self: {} as SelfCard, log },
      { tls: pins.options, peerOf: (socket: TLSSocket) => pins.peerOf(socket) },
    );
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    cnAgent = agentTo(ids.cn);
    outAgent = agentTo(ids.out);
    a = await storeBlob(databaseOf(p.us.store), {
      bytes,
      name: 'radar.png',
      contentType: 'image/png',
      now: p.us.now(),
    });
    sent = (await submitMessage(p.us, p.channel, ann, compose([a]))) as Sent;
    await p.settle();
  });
  after(async () => {
    for (const close of closers) await close();
    cnAgent?.destroy();
    outAgent?.destroy();
    await app?.close();
  });

  it('serves a blob named in a channel to a member, as raw bytes that are never sniffed', async () => {
    const res = await get(cnAgent, base, `${linkPrefix}/blobs/${a.sha256}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, bytes);
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('answers 404 alike for a non-member, a hash no entry names, and a hash not held', async () => {
    const unnamed = await storeBlob(databaseOf(p.us.store), {
      bytes: Buffer.from('held but never sent'),
      name: 'n.txt',
      contentType: 'text/plain',
      now: p.us.now(),
    });
    const cases: Array<[Agent, string]> = [
      [outAgent, a.sha256],
      [cnAgent, unnamed.sha256],
      [cnAgent, sha(Buffer.from('nobody has this'))],
    ];
    for (const [agent, hash] of cases) {
      const res = await get(agent, base, `${linkPrefix}/blobs/${hash}`);
      assert.equal(res.status, 404);
      assert.deepEqual(JSON.parse(res.body.toString()), {
        code: 'PARLEY_E_NOT_FOUND',
        message: `no attachment ${hash}`,
        details: { what: 'attachment', id: hash },
      });
    }
    const bad = await get(cnAgent, base, `${linkPrefix}/blobs/not-a-hash`);
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body.toString()).code, 'PARLEY_E_SCHEMA');
  });

  it('fetches at the receiver, verifies against the signed entry and stores the same bytes', async () => {
    const cnDb = databaseOf(p.cn.store);
    assert.equal(await blobBytes(cnDb, a.sha256), undefined);
    assert.equal(await fetcherAt(base).runOnce(), 1);
    assert.deepEqual(await blobBytes(cnDb, a.sha256), bytes);
    assert.deepEqual(await attachmentState(cnDb, a.sha256), {
      held: true,
      attempts: 0,
      lastError: null,
      refusedAt: null,
    });
    assert.equal(await fetcherAt(base).runOnce(), 0, 'nothing more to fetch');
    assert.ok(sent.id);
  });

  it('retries later when the peer is down, and fetches once it is back', async () => {
    const more = Buffer.from('second attachment, sent while the link is down');
    const b = await storeBlob(databaseOf(p.us.store), {
      bytes: more,
      name: 'later.txt',
      contentType: 'text/plain',
      now: p.us.now(),
    });
    await deliverMessage(b);
    const cnDb = databaseOf(p.cn.store);
    const down = 'https://127.0.0.1:9'; // discard port: nothing listens
    assert.equal(await fetcherAt(down).runOnce(), 0);
    const first = await attachmentState(cnDb, b.sha256);
    assert.equal(first.held, false);
    assert.equal(first.attempts, 1);
    assert.match(first.lastError ?? '', /us-js: /);
    assert.equal(await fetcherAt(base).runOnce(), 0, 'not due again before its backoff');
    p.clock.advance(1000);
    assert.equal(await fetcherAt(base).runOnce(), 1);
    assert.deepEqual(await blobBytes(cnDb, b.sha256), more);
  });

  for (const [what, answer, reason] of [
    ['wrong bytes of the right size', (b: Buffer) => Buffer.from(b.map((x) => x ^ 1)), /the bytes hash to /],
    ['more bytes than the entry says', (b: Buffer) => Buffer.concat([b, Buffer.alloc(4096)]), /more than the entry's/],
    ['fewer bytes than the entry says', (b: Buffer) => b.subarray(1), /the entry says \d+ bytes, the peer sent \d+/],
  ] as const) {
    it(`refuses ${what}: nothing stored, an alarm raised, not asked again`, async () => {
      const genuine = Buffer.from(`genuine bytes for: ${what}`);
      const c = await storeBlob(databaseOf(p.us.store), {
        bytes: genuine,
        name: 'c.pdf',
        contentType: 'application/pdf',
        now: p.us.now(),
      });
      await deliverMessage(c);
      const alarms: string[] = [];
      const listen = (e: { kind: string; message: string }) => alarms.push(`${e.kind}: ${e.message}`);
      p.cn.events.on('alarm', listen);
      const evil = await hostile(answer(genuine));
      assert.equal(await fetcherAt(evil).runOnce(), 0);
      p.cn.events.off('alarm', listen);
      const cnDb = databaseOf(p.cn.store);
      assert.equal(await blobBytes(cnDb, c.sha256), undefined);
      const state = await attachmentState(cnDb, c.sha256);
      assert.ok(state.refusedAt);
      assert.match(state.lastError ?? '', reason);
      assert.equal(alarms.length, 1);
      assert.match(
        alarms[0]!,
        /^attachment-refused: attachment refused: us-js sent "c.pdf" \(.{43}\) that does not verify: /,
      );
      const open = (await p.cn.store.openAlarms()).filter((x) => x.kind === 'attachment-refused');
      assert.ok(open.some((x) => JSON.parse(x.details).sha256 === c.sha256));
      p.clock.advance(3_600_000);
      assert.equal(await fetcherAt(base).runOnce(), 0, 'a refused blob is not fetched again by itself');
    });
  }

  it('gives up on a peer that trickles the answer: the timeout bounds the whole blob, not only idle time', async () => {
    const server: Server = createServer(
      serverTlsOptions({ keyPem: ids.us.keyPem, certPem: ids.us.certPem, pinned: [pin('cn-jsd', ids.cn)] }),
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        // One byte every 20 ms: never idle for the timeout, done only after 100 s.
        const drip = setInterval(() => res.write('x'), 20);
        res.on('close', () => clearInterval(drip));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    const slow = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await assert.rejects(fetchBlob(cnAgent, slow, sha(bytes), 5000, 300), /^Error: timeout after 300 ms$/);
  });

  it('refuses, without fetching, an attachment whose type is off the allowlist', async () => {
    const html = Buffer.from('<script>alert(1)</script>');
    await storeBlob(databaseOf(p.us.store), { bytes: html, name: 'x.txt', contentType: 'text/plain', now: p.us.now() });
    await deliverMessage({ sha256: sha(html), name: 'x.html', contentType: 'text/html', size: html.byteLength }, true);
    const cnDb = databaseOf(p.cn.store);
    assert.equal(await fetcherAt(base).runOnce(), 0);
    assert.equal(await blobBytes(cnDb, sha(html)), undefined);
    const state = await attachmentState(cnDb, sha(html));
    assert.match(state.lastError ?? '', /^attachment type text\/html is not allowed/);
    // us-js will not serve it either: no entry names it with an allowed type.
    assert.equal((await get(cnAgent, base, `${linkPrefix}/blobs/${sha(html)}`)).status, 404);
  });

  it('asks the next member when one sends bytes that do not verify; refuses only when none verify', async () => {
    const genuine = Buffer.from('genuine bytes, also held by a third member');
    const d = await storeBlob(databaseOf(p.us.store), {
      bytes: genuine,
      name: 'd.pdf',
      contentType: 'application/pdf',
      now: p.us.now(),
    });
    await deliverMessage(d);
    const evil = await hostile(Buffer.from(genuine.map((x) => x ^ 1)));
    // cn-jsd as a member of a three-party channel: xx-third (here: us-js's honest link server) holds the blob too.
    const cn = p.cn;
    const node = new Proxy(cn, {
      get(target, key) {
        if (key === 'channel')
          return async (id: string) => {
            const c = await target.channel(id);
            return { ...c, members: [...c.members, 'xx-third'] };
          };
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const fetcher = (third: string | undefined) =>
      new BlobFetcher({
        node,
        log,
        source: {
          agentOf: (party) => (party === 'us-js' || (party === 'xx-third' && third) ? cnAgent : undefined),
          endpointOf: (party) => (party === 'us-js' ? evil : party === 'xx-third' ? third : undefined),
        },
      });
    const alarms: string[] = [];
    const listen = (e: { kind: string; message: string }) => alarms.push(e.message);
    cn.events.on('alarm', listen);
    assert.equal(await fetcher(base).runOnce(), 1);
    cn.events.off('alarm', listen);
    const cnDb = databaseOf(cn.store);
    assert.deepEqual(await blobBytes(cnDb, d.sha256), genuine);
    assert.equal((await attachmentState(cnDb, d.sha256)).refusedAt, null);
    assert.equal(alarms.length, 1);
    assert.match(alarms[0]!, /^attachment refused: us-js sent "d.pdf" .* the bytes hash to /);

    // With no honest member reachable, the blob is refused (and the faulty member named once more).
    const e2 = Buffer.from('second genuine blob');
    const e = await storeBlob(databaseOf(p.us.store), {
      bytes: e2,
      name: 'e.pdf',
      contentType: 'application/pdf',
      now: p.us.now(),
    });
    await deliverMessage(e);
    cn.events.on('alarm', listen);
    assert.equal(await fetcher(undefined).runOnce(), 0);
    cn.events.off('alarm', listen);
    assert.equal(alarms.length, 2);
    assert.ok((await attachmentState(cnDb, e.sha256)).refusedAt);
  });

  it('stops at once with a blob in flight: the fetch is aborted, and nothing is recorded against the peer', {
    timeout: 30_000,
  }, async () => {
    const big = Buffer.alloc(4000, 7);
    const f = await storeBlob(databaseOf(p.us.store), {
      bytes: big,
      name: 'f.zip',
      contentType: 'application/zip',
      now: p.us.now(),
    });
    await deliverMessage(f);
    let asked: () => void = () => {};
    const arrived = new Promise<void>((r) => {
      asked = r;
    });
    const server: Server = createServer(
      serverTlsOptions({ keyPem: ids.us.keyPem, certPem: ids.us.certPem, pinned: [pin('cn-jsd', ids.cn)] }),
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        // 4000 bytes at one per 20 ms: 80 s, beyond this test's 30 s unless stop() cuts it short.
        const drip = setInterval(() => res.write('x'), 20);
        res.on('close', () => clearInterval(drip));
        asked();
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    const fetcher = new BlobFetcher({
      node: p.cn,
      log,
      tickMs: 3_600_000,
      timeoutMs: 600_000,
      source: {
        agentOf: (party) => (party === 'us-js' ? cnAgent : undefined),
        endpointOf: (party) =>
          party === 'us-js' ? `https://127.0.0.1:${(server.address() as AddressInfo).port}` : undefined,
      },
    });
    fetcher.start();
    await arrived;
    await fetcher.stop();
    const state = await attachmentState(databaseOf(p.cn.store), f.sha256);
    assert.deepEqual(state, { held: false, attempts: 0, lastError: null, refusedAt: null });
  });

  it("stores the true bytes when another member's entry describes the same hash with a wrong size", async () => {
    const genuine = Buffer.from('a chart that a third member misdescribes');
    const g = await storeBlob(databaseOf(p.us.store), {
      bytes: genuine,
      name: 'g.pdf',
      contentType: 'application/pdf',
      now: p.us.now(),
    });
    await deliverMessage(g);
    const cnDb = databaseOf(p.cn.store);
    // As a third member's entry would project: the same hash, one byte, listed before us-js's entry.
    await cnDb
      .insertInto('attachment_refs')
      .values({
        channel: p.channel,
        entry_id: '-'.repeat(43),
        author: 'xx-third',
        seq: 1,
        sha256: g.sha256,
        name: 'evil.pdf',
        content_type: 'application/pdf',
        size: 1,
      })
      .execute();
    // (The blob the previous test left in flight is fetched in the same run.)
    assert.ok((await fetcherAt(base).runOnce()) >= 1);
    assert.deepEqual(await blobBytes(cnDb, g.sha256), genuine);
    assert.equal((await attachmentState(cnDb, g.sha256)).refusedAt, null);
    const [want] = await cnDb
      .selectFrom('attachments')
      .select(['name', 'size'])
      .where('sha256', '=', g.sha256)
      .execute();
    assert.deepEqual(want, { name: 'g.pdf', size: genuine.byteLength });
  });
});
