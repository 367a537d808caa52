import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { acknowledge } from '../../hotline/acknowledge.js';
import { submitMessage } from '../../hotline/send-message.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair } from '../_node-util.js';
import { SseClient } from '../_sse.js';

const compose = (precedence: 'FLASH' | 'ROUTINE', subject: string) => ({
  precedence,
  subject,
  text: 'Text.',
  language: 'en',
  marking: 'UNCLASSIFIED',
  attachments: [],
});

forEachDialect('GET /api/v1/events: the live stream', (t) => {
  let p: ApiPair;
  let usUrl = '';
  let cnUrl = '';
  const clients: SseClient[] = [];
  const open = async (url: string, cookie?: string) => {
    const c = await new SseClient().connect(url, cookie);
    clients.push(c);
    return c;
  };

  before(async () => {
    p = await apiPair(t, { live: true });
    usUrl = await p.usApi.listen();
    cnUrl = await p.cnApi.listen();
  });
  after(async () => {
    for (const c of clients) c.close();
    await p.close();
    assert.deepEqual(p.linkErrors, []);
  });

  it('refuses a client without a session (401, JSON error)', async () => {
    const c = await open(`${cnUrl}/api/v1/events`);
    assert.equal(c.status, 401);
    assert.deepEqual((c.events[0]!.data as { code: string }).code, 'PARLEY_E_UNAUTHENTICATED');
  });

  it('refuses a bad query with the exact message', async () => {
    const analyst = await p.cnApi.signedIn(['analyst']);
    const c = await open(`${cnUrl}/api/v1/events?heartbeat=0`, analyst.cookie);
    assert.equal(c.status, 400);
    const { code, message } = c.events[0]!.data as { code: string; message: string };
    assert.deepEqual(
      [code, message],
      ['PARLEY_E_INVALID_REQUEST', 'invalid request query at heartbeat: Too small: expected number to be >=1'],
    );
  });

  it("streams the peer's message as an entry, then the receipt and the person's ack back at the sender", async () => {
    const watcher = await p.cnApi.signedIn(['analyst']);
    const atCn = await open(`${cnUrl}/api/v1/events`, watcher.cookie);
    assert.equal(atCn.status, 200);
    assert.match(atCn.contentType, /^text\/event-stream/);
    const sender = await p.usApi.signedIn(['operator']);
    const atUs = await open(`${usUrl}/api/v1/events`, sender.cookie);

    const sent = await submitMessage(p.us, p.channel, { user: 'ann', roles: ['operator'] }, compose('ROUTINE', 'One'));
    assert.equal(sent.kind, 'sent');
    const id = sent.kind === 'sent' ? sent.id : '';
    const entry = await atCn.next((e) => e.event === 'entry' && (e.data as { id: string }).id === id, 'entry at cn');
    assert.deepEqual(entry.data, {
      channel: p.channel,
      author: 'us-js',
      seq: 1,
      id,
      type: 'message',
      precedence: 'ROUTINE',
      own: false,
      time: entry.data.time,
    });
    const own = await atUs.next((e) => e.event === 'entry' && (e.data as { id: string }).id === id, 'own entry');
    assert.equal(own.data.own, true);
    const receipt = await atUs.next(
      (e) => e.event === 'receipt' && (e.data as { author: string }).author === 'cn-jsd',
      'receipt from cn-jsd',
    );
    assert.deepEqual(receipt.data.heads, { 'us-js': 1 });

    const ack = await acknowledge(p.cn, p.channel, id, { user: 'duty', roles: ['operator'] });
    const seen = await atUs.next((e) => e.event === 'ack', 'ack at us');
    assert.deepEqual(seen.data, {
      channel: p.channel,
      message: id,
      party: 'cn-jsd',
      kind: 'ack',
      by: 'duty',
      id: ack.id,
      seq: ack.seq,
      own: false,
      time: ack.time,
    });
  });

  it('streams drafts and their release, alarms, and link changes emitted on the bus', async () => {
    const admin = await p.usApi.signedIn(['admin']);
    const c = await open(`${usUrl}/api/v1/events`, admin.cookie);
    const drafted = await submitMessage(p.us, p.channel, { user: 'ann', roles: ['operator'] }, compose('FLASH', 'F'));
    assert.equal(drafted.kind, 'drafted');
    const draft = await c.next((e) => e.event === 'draft', 'draft');
    assert.deepEqual(draft.data, {
      id: drafted.kind === 'drafted' ? drafted.draft.id : '',
      channel: p.channel,
      state: 'pending',
      drafter: 'ann',
      precedence: 'FLASH',
    });
    p.us.events.emit('alarm', { kind: 'test', message: 'a test alarm', channel: null });
    p.us.events.emit('link', { peer: 'cn-jsd', state: 'DOWN' });
    assert.deepEqual((await c.next((e) => e.event === 'alarm', 'alarm')).data, {
      kind: 'test',
      message: 'a test alarm',
      channel: null,
    });
    assert.deepEqual((await c.next((e) => e.event === 'link', 'link')).data, { peer: 'cn-jsd', state: 'DOWN' });
  });

  it('filters by channel: events of another channel do not pass, channel-less ones do', async () => {
    const analyst = await p.usApi.signedIn(['analyst']);
    const c = await open(`${usUrl}/api/v1/events?channel=${encodeURIComponent(p.channel)}`, analyst.cookie);
    p.us.events.emit('alarm', { kind: 'other', message: 'elsewhere', channel: 'another-channel' });
    p.us.events.emit('alarm', { kind: 'mine', message: 'here', channel: p.channel });
    await c.next((e) => e.event === 'alarm', 'alarm of this channel');
    assert.deepEqual(
      c.events.filter((e) => e.event === 'alarm').map((e) => (e.data as { kind: string }).kind),
      ['mine'],
    );
  });

  it('sends heartbeat comments between events', async () => {
    const analyst = await p.cnApi.signedIn(['analyst']);
    const c = await open(`${cnUrl}/api/v1/events?heartbeat=1`, analyst.cookie);
    const deadline = Date.now() + 10_000;
    while (!c.comments.includes('heartbeat') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(c.comments.includes('heartbeat'), `comments: ${c.comments.join(', ')}`);
    assert.equal(c.comments[0], 'connected');
  });

  it('ends the stream at the next heartbeat once its session has ended', async () => {
    const analyst = await p.cnApi.signedIn(['analyst']);
    const c = await open(`${cnUrl}/api/v1/events?heartbeat=1`, analyst.cookie);
    assert.equal(c.status, 200);
    const out = await p.cnApi.call('DELETE', '/api/v1/session', { as: analyst });
    assert.equal(out.statusCode, 200, out.body);
    await c.untilEnded();
    assert.equal(c.comments.at(-1), 'session ended');
  });

  it("ends a signed-out session's stream within seconds, however long the heartbeat it asked for", async () => {
    const analyst = await p.cnApi.signedIn(['analyst']);
    const c = await open(`${cnUrl}/api/v1/events?heartbeat=300`, analyst.cookie);
    assert.equal(c.status, 200);
    const out = await p.cnApi.call('DELETE', '/api/v1/session', { as: analyst });
    assert.equal(out.statusCode, 200, out.body);
    await c.untilEnded(15_000);
    assert.equal(c.comments.at(-1), 'session ended');
  });

  it("drops a stream's listeners when its client hangs up", async () => {
    const kinds = ['entry', 'receipt', 'ack', 'alarm', 'link', 'draft'] as const;
    const counts = () => kinds.map((k) => p.cn.events.listenerCount(k));
    const analyst = await p.cnApi.signedIn(['analyst']);
    const before = counts();
    const c = await open(`${cnUrl}/api/v1/events`, analyst.cookie);
    assert.equal(c.status, 200);
    assert.deepEqual(
      counts(),
      before.map((n) => n + 1),
    );
    c.close();
    const deadline = Date.now() + 10_000;
    while (counts().some((n, i) => n > before[i]!) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(counts(), before);
  });

  it('ends open streams cleanly when the server closes, dropping its listeners', async () => {
    const other = await apiPair(t);
    const url = await other.cnApi.listen();
    const analyst = await other.cnApi.signedIn(['analyst']);
    const c = await open(`${url}/api/v1/events`, analyst.cookie);
    assert.equal(other.cn.events.listenerCount('entry'), 1);
    await other.close();
    await c.untilEnded();
    assert.equal(c.comments.at(-1), 'server closing');
    assert.equal(other.cn.events.listenerCount('entry'), 0);
  });
});
