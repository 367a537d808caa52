import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { dataFiles } from '../runtime/paths.js';
import { ControlRefusal, control, feedOf, type LogLine, openChannel, parseLog } from '../test-util/faults.js';
import { cli, eventually, initParties, ok, type Party, ServedNode, tempRoot } from '../test-util/nodes.js';

interface StatusJson {
  channels: Array<{ id: string; heads: Record<string, number> }>;
}

/**
 * Fault: storage that cannot be written — a read-only database, a full disk
 * (the SQLite file capped with PARLEY_SQLITE_MAX_BYTES). Sends are refused
 * with PARLEY_E_IO naming the file and the cause; nothing is half-written;
 * once storage is back the feed continues where it stopped and verifies.
 */
describe('faults: read-only database and full disk', () => {
  const { root, cleanup } = tempRoot();
  let a: Party;
  let b: Party;
  let channel = '';
  let served: ServedNode | undefined;

  before(async () => {
    [a, b] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    await a.node.start();
    await b.node.start();
    channel = await openChannel(a, b);
    for (let i = 1; i <= 3; i++) await control(a.dir, 'send', { channel, subject: `ok-${i}`, text: 'x' });
    await eventually(
      async () => ((await control<StatusJson>(b.dir, 'status')).channels[0]!.heads[a.party] ?? 0) >= 3,
      20_000,
      'first messages at B',
    );
  });
  after(async () => {
    await served?.stop();
    await a?.node.stop();
    await b?.node.stop();
    cleanup();
  });

  const database = () => dataFiles(a.dir).database;
  /** A's record as `parley log` prints it (through its server when one runs). */
  const logOf = async (p: Party, env: NodeJS.ProcessEnv = {}): Promise<LogLine[]> =>
    parseLog(await ok(['log', '--dir', p.dir, '--channel', channel], env));
  const sendArgs = (subject: string, text: string) => [
    'send',
    '--dir',
    a.dir,
    '--channel',
    channel,
    '--subject',
    subject,
    '--text',
    text,
  ];

  /** The send fails with exit 1 and `parley: PARLEY_E_IO: cannot write <database>: <reason>`. */
  const refusedSend = async (subject: string, reason: RegExp, env: NodeJS.ProcessEnv = {}, text = 'x') => {
    const r = await cli(sendArgs(subject, text), env);
    assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.stdout, '', 'nothing reported as sent');
    const line = r.stderr.trim();
    assert.match(line, /^parley: PARLEY_E_IO: cannot write /, line);
    assert.ok(line.includes(database()), `names the file: ${line}`);
    assert.match(line, reason, line);
    return line;
  };

  /** A's feed is intact: SQLite's own check, the feed contiguous, an export that verifies offline. */
  const intact = async (name: string) => {
    const db = new SqliteDatabase(database(), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
    const feed = feedOf(await logOf(a), a.party);
    const serials = feed.filter((l) => l.type === 'message').map((l) => l.serial);
    assert.deepEqual(
      serials,
      serials.map((_, i) => i + 1),
    );
    const file = join(root, `${name}.json`);
    writeFileSync(file, await ok(['export', '--dir', a.dir, '--channel', channel, '--disclose', 'message']));
    const verified = await cli(['verify', file]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    return feed;
  };

  it('refuses a send on a read-only database, clearly, and writes nothing', async (t) => {
    await a.node.stop();
    const before = await logOf(a);
    // Not serving: the CLI opens the database itself.
    const line = await refusedSend('never-ro-1', /: read-only \(SQLITE_READONLY/, { PARLEY_DATABASE_READONLY: '1' });
    t.diagnostic(line);
    console.log(`# faults-storage: ${line}`);
    // Serving read-only: the send goes through the server and is refused the same way.
    served = new ServedNode(a.dir, { PARLEY_DATABASE_READONLY: '1' });
    await served.start();
    await refusedSend('never-ro-2', /: read-only \(SQLITE_READONLY/);
    await assert.rejects(
      control(a.dir, 'send', { channel, subject: 'never-ro-3', text: 'x' }),
      (e) => e instanceof ControlRefusal && e.body.code === 'PARLEY_E_IO' && e.status === 500,
    );
    // B writes meanwhile; A cannot store it, so B keeps it for later.
    await control(b.dir, 'send', { channel, subject: 'from-b-while-ro', text: 'x' });
    const readable = await logOf(a); // reads still work
    assert.deepEqual(readable, before);
    await served.stop();
    served = undefined;

    assert.deepEqual(await logOf(a), before, 'nothing written, not even in part');
    await a.node.start();
    const feed = await intact('after-readonly');
    assert.ok(!feed.some((l) => l.subject?.startsWith('never-')));
    // The feed continues where it stopped, and what B wrote meanwhile arrives.
    const sent = await control<{ seq: number; serial: number }>(a.dir, 'send', {
      channel,
      subject: 'after-ro',
      text: 'x',
    });
    assert.equal(sent.seq, feed.length + 1);
    await eventually(
      async () => (await logOf(a)).some((l) => l.subject === 'from-b-while-ro'),
      20_000,
      "B's message at A after the read-only spell",
    );
  });

  it('refuses sends on a full disk, clearly, and writes nothing half', async (t) => {
    await a.node.stop();
    const before = await logOf(a);
    const db = new SqliteDatabase(database(), { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.close();
    // The disk fills ten pages past the database's current size.
    const full = { PARLEY_SQLITE_MAX_BYTES: String((pages + 10) * pageSize) };
    const text = 'x'.repeat(2000);
    served = new ServedNode(a.dir, full);
    await served.start();
    let accepted = 0;
    let refusal: ControlRefusal | undefined;
    for (let i = 1; i <= 200 && !refusal; i++) {
      try {
        await control(a.dir, 'send', { channel, subject: `fill-${i}`, text });
        accepted++;
      } catch (error) {
        if (!(error instanceof ControlRefusal)) throw error;
        refusal = error;
      }
    }
    assert.ok(refusal, 'the capped database never filled');
    assert.equal(refusal.body.code, 'PARLEY_E_IO', JSON.stringify(refusal.body));
    assert.match(String(refusal.body.details?.reason), /^disk full \(SQLITE_FULL/);
    const line = await refusedSend('never-full', /: disk full \(SQLITE_FULL/, {}, text);
    t.diagnostic(`${accepted} sends fitted, then: ${line}`);
    console.log(`# faults-storage: ${accepted} sends fitted, then: ${line}`);
    const during = await logOf(a);
    await served.stop();
    served = undefined;

    // Exactly what was acknowledged, nothing of what was refused.
    const fitted = during.filter((l) => l.author === a.party && l.subject?.startsWith('fill-'));
    assert.equal(fitted.length, accepted);
    assert.ok(!during.some((l) => l.subject?.startsWith('never-')));
    assert.deepEqual(await logOf(a), during);
    assert.ok(during.length >= before.length + accepted);

    // Space again: the feed goes on and verifies; B gets everything.
    await a.node.start();
    const feed = await intact('after-full');
    const sent = await control<{ seq: number }>(a.dir, 'send', { channel, subject: 'after-full', text: 'x' });
    assert.equal(sent.seq, feed.length + 1);
    await eventually(
      async () => ((await control<StatusJson>(b.dir, 'status')).channels[0]!.heads[a.party] ?? 0) >= sent.seq,
      20_000,
      'everything at B',
    );
    const atB = feedOf(await logOf(b), a.party);
    assert.equal(atB.filter((l) => l.subject?.startsWith('fill-')).length, accepted);
  });
});
