import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { forEachNodeDialect } from '../../test-util/node-databases.js';
import { cli, cliPath, eventually, initParties, liveStatus, ok, type Party, tempRoot } from '../../test-util/nodes.js';
import { SseClient } from '../_sse.js';
import { sessionCookie } from '../cookies.js';

const password = 'correct horse battery staple';

function addUser(p: Party, name: string, role: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [cliPath, 'user', 'add', '--dir', p.dir, '--name', name, '--role', role, '--password-stdin'];
    const child = spawn(process.execPath, args, { env: { ...process.env, ...p.env } });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`user add exited ${code}: ${out}`))));
    child.stdin.end(`${password}\n`);
  });
}

const consoleOf = (p: Party) =>
  (JSON.parse(readFileSync(join(p.dir, 'serve.json'), 'utf8')) as { console: string }).console;

async function login(base: string, name: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = new RegExp(`${sessionCookie}=([^;]+)`).exec(res.headers.get('set-cookie') ?? '')![1]!;
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

forEachNodeDialect('the live stream of a served node', (databases) => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  const stream = new SseClient();

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'], (p) => databases.envFor(p))) as [Party, Party];
    await addUser(us, 'op', 'operator');
    await addUser(cn, 'watch', 'analyst');
    await us.node.start();
    await cn.node.start();
    const out = await ok(
      ['channel', 'propose', '--dir', us.dir, '--name', 'Live', '--members', 'us-js,cn-jsd'],
      us.env,
    );
    channel = out.trim().split('\n').pop()!;
    await eventually(
      async () => (await cli(['channel', 'accept', '--dir', cn.dir, channel], cn.env)).code === 0,
      30_000,
      'offer at cn-jsd',
    );
    await eventually(
      async () => (await liveStatus(us.dir)).channels.some((c) => c.id === channel && c.state === 'active'),
      30_000,
      'active at us-js',
    );
  });
  after(async () => {
    stream.close();
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  it("starts with the links' states, then shows the peer's messages sent by the CLI and by the API", async () => {
    const watch = await login(consoleOf(cn), 'watch');
    await stream.connect(`${consoleOf(cn)}/api/v1/events?channel=${encodeURIComponent(channel)}`, watch.cookie);
    assert.equal(stream.status, 200);
    const first = await stream.next((e) => e.event === 'link', 'link state');
    assert.equal(first.data.peer, 'us-js');
    assert.match(String(first.data.state), /^(UP|DEGRADED|DOWN)$/);

    const sent = await ok(
      ['send', '--dir', us.dir, '--channel', channel, '--as', 'op', '--subject', 'By CLI', '--text', 'Hello.'],
      us.env,
    );
    const cliId = sent.trim().split('\n').pop()!;
    const viaCli = await stream.next((e) => (e.data as { id?: string }).id === cliId, 'the CLI message', 30_000);
    assert.deepEqual(
      [viaCli.event, viaCli.data.type, viaCli.data.precedence, viaCli.data.own],
      ['entry', 'message', 'ROUTINE', false],
    );

    const op = await login(consoleOf(us), 'op');
    const res = await fetch(`${consoleOf(us)}/api/v1/channels/${channel}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${sessionCookie}=${op.cookie}`, 'x-csrf-token': op.csrf },
      body: JSON.stringify({ precedence: 'PRIORITY', subject: 'By API', text: 'Hello again.' }),
    });
    assert.equal(res.status, 201);
    const { id } = (await res.json()) as { id: string };
    const viaApi = await stream.next((e) => (e.data as { id?: string }).id === id, 'the API message', 30_000);
    assert.equal(viaApi.data.precedence, 'PRIORITY');
  });

  it('ends the stream when the node stops, and the node stops', async () => {
    await cn.node.stop();
    await stream.untilEnded(15_000);
    assert.equal(stream.comments.at(-1), 'server closing');
  });
});
