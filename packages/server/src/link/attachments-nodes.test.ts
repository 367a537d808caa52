import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { forEachNodeDialect } from '../test-util/node-databases.js';
import { cli, cliPath, eventually, initParties, liveStatus, ok, type Party, tempRoot } from '../test-util/nodes.js';

const password = 'correct horse battery staple';
const lastLine = (out: string) => out.trim().split('\n').pop()!;

/** `parley user add … --password-stdin`, the password piped in. */
function addUser(p: Party, name: string, roles: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [cliPath, 'user', 'add', '--dir', p.dir, '--name', name, '--role', roles, '--password-stdin'];
    const child = spawn(process.execPath, args, { env: { ...process.env, ...p.env } });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`user add exited ${code}: ${out}`))));
    child.stdin.end(`${password}\n`);
  });
}

/** GET url with the cookie until it answers 200; that answer. */
function downloaded(url: string, cookie: string, what: string): Promise<Response> {
  return eventually(
    async () => {
      const r = await fetch(url, { headers: { cookie } });
      if (r.status === 200) return r;
      await r.body?.cancel();
      return undefined;
    },
    20_000,
    what,
  );
}

/** Signs in to a served node's console API; the session cookie. */
async function signIn(p: Party, name: string): Promise<{ base: string; cookie: string }> {
  const { console: base } = JSON.parse(readFileSync(join(p.dir, 'serve.json'), 'utf8')) as { console: string };
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('parley_session='))!;
  return { base, cookie: cookie.split(';')[0]! };
}

forEachNodeDialect('attachments between two served nodes', (databases) => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  const bytes = randomBytes(300 * 1024);
  const hash = createHash('sha256').update(bytes).digest('base64url');

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'], (party) => databases.envFor(party))) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    channel = lastLine(
      await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Attachments', '--members', 'us-js,cn-jsd'], us.env),
    );
    await eventually(
      async () => (await cli(['channel', 'accept', '--dir', cn.dir, channel], cn.env)).code === 0,
      30_000,
      'offer at cn-jsd',
    );
    await eventually(
      async () => (await liveStatus(us.dir)).channels.find((c) => c.id === channel && c.state === 'active'),
      30_000,
      'active at us-js',
    );
  });
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  it('refuses --attach of an HTML file and of a missing file, sending nothing', async () => {
    const html = join(root, 'page.html');
    writeFileSync(html, '<script>alert(1)</script>');
    const r = await cli(
      ['send', '--dir', us.dir, '--channel', channel, '--subject', 'S', '--text', 'T', '--attach', html],
      us.env,
    );
    assert.equal(r.code, 1, r.stdout);
    assert.match(
      r.stderr,
      /PARLEY_E_ATTACHMENT_TYPE: attachment type text\/html is not allowed \(allowed: application\/pdf, /,
    );
    const missing = await cli(
      [
        'send',
        '--dir',
        us.dir,
        '--channel',
        channel,
        '--subject',
        'S',
        '--text',
        'T',
        '--attach',
        join(root, 'no.pdf'),
      ],
      us.env,
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /PARLEY_E_IO: cannot read /);
  });

  it('sends --attach FILE from us-js; cn-jsd fetches it, verifies it, and serves it byte-identical', async () => {
    const file = join(root, 'track.pdf');
    writeFileSync(file, bytes);
    const note = join(root, 'note.txt');
    writeFileSync(note, 'Second attachment.\n');
    const sent = await ok(
      [
        'send',
        '--dir',
        us.dir,
        '--channel',
        channel,
        '--subject',
        'Track attached',
        '--text',
        'See the attachments.',
        '--attach',
        file,
        '--attach',
        note,
      ],
      us.env,
    );
    assert.match(lastLine(sent), /^[A-Za-z0-9_-]{43}$/);
    await addUser(cn, 'watch', 'analyst');
    const { base, cookie } = await signIn(cn, 'watch');
    const res = await downloaded(`${base}/api/v1/attachments/${hash}`, cookie, 'the attachment at cn-jsd');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(
      res.headers.get('content-disposition'),
      `attachment; filename="track.pdf"; filename*=UTF-8''track.pdf`,
    );
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy') ?? '', /^sandbox/);
    const noteHash = createHash('sha256').update('Second attachment.\n').digest('base64url');
    const second = await downloaded(`${base}/api/v1/attachments/${noteHash}`, cookie, 'the second attachment');
    assert.equal(await second.text(), 'Second attachment.\n');
    assert.deepEqual(
      (await liveStatus(cn.dir)).alarms.filter((a) => a.kind === 'attachment-refused'),
      [],
      'nothing refused',
    );
  });
});
