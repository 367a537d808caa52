import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { forEachNodeDialect, pgUrl } from '../test-util/node-databases.js';
import { cli, eventually, initParties, ok, type Party, status, tempRoot } from '../test-util/nodes.js';

const run = promisify(execFile);

/**
 * docs/operations.md "Backup and restore", as written there: back a serving
 * node up (sqlite3 .backup, or pg_dump of its schema), let it write more,
 * restore the older copy, start it, and it catches up — its own entries
 * written after the backup come back from the peer — without forking, and
 * its record verifies.
 */
forEachNodeDialect('backup and restore', (databases) => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  // Stopped here too, so a failed step never leaves nodes running (and this file waiting on them).
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });
  let channel = '';
  const backup = join(root, databases.dialect === 'sqlite' ? 'backup.sqlite' : 'backup.dump');
  const send = (subject: string) =>
    ok(['send', '--dir', us.dir, '--channel', channel, '--subject', subject, '--text', 'x'], us.env);
  const heads = async (p: Party) => (await status(p.dir, p.env)).channels.find((c) => c.id === channel)?.heads ?? {};

  it('sets up two serving nodes and a channel', async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'], (p) => databases.envFor(p))) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    channel = (
      await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Backup drill', '--members', 'us-js,cn-jsd'], us.env)
    )
      .trim()
      .split('\n')
      .pop()!;
    await eventually(async () => (await cli(['channel', 'accept', '--dir', cn.dir, channel], cn.env)).code === 0);
    await send('before the backup');
  });

  it('backs the serving node up', async () => {
    if (databases.dialect === 'sqlite') {
      await run('sqlite3', [join(us.dir, 'parley.sqlite'), `.backup ${backup}`]);
    } else {
      await run('pg_dump', [
        '--format=custom',
        `--schema=${us.env!.PARLEY_DATABASE_SCHEMA}`,
        `--file=${backup}`,
        pgUrl,
      ]);
    }
  });

  it('restores the older copy, and the node catches up its own feed from the peer without a fork', async () => {
    for (let i = 0; i < 3; i++) await send(`after the backup ${i}`);
    const before = await eventually(
      async () => {
        const [a, b] = [await heads(us), await heads(cn)];
        return a['us-js'] === b['us-js'] && a['cn-jsd'] === b['cn-jsd'] ? a : undefined;
      },
      15_000,
      'cn-jsd to hold everything us-js wrote',
    );
    await us.node.stop();
    if (databases.dialect === 'sqlite') {
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(us.dir, `parley.sqlite${suffix}`), { force: true });
      copyFileSync(backup, join(us.dir, 'parley.sqlite'));
    } else {
      const schema = us.env!.PARLEY_DATABASE_SCHEMA!;
      await run('psql', [pgUrl, '-q', '-c', `drop schema ${schema} cascade`]);
      await run('pg_restore', ['--dbname', pgUrl, backup]);
    }
    const restored = await heads(us);
    assert.ok((restored['us-js'] ?? 0) < before['us-js']!, 'the restored copy lacks what us-js wrote after the backup');
    await us.node.start();
    await eventually(
      async () => {
        const [a, b] = [await heads(us), await heads(cn)];
        return (a['us-js'] ?? 0) >= before['us-js']! && a['cn-jsd'] === b['cn-jsd'];
      },
      20_000,
      'the restored node to catch up',
    );
    await send('after the restore');
    await eventually(async () => (await heads(cn))['us-js']! > before['us-js']!, 15_000, 'the new entry at cn-jsd');
    assert.equal((await status(cn.dir, cn.env)).forks, 0, 'no fork: the restored node continued its own feed');
    assert.equal((await status(us.dir, us.env)).forks, 0);
    const log = await ok(['log', '--dir', us.dir, '--channel', channel], us.env);
    for (const subject of ['before the backup', 'after the backup 2', 'after the restore'])
      assert.match(log, new RegExp(subject), `the restored node holds "${subject}"`);
  });

  it("the restored node's record verifies", async () => {
    const file = join(root, 'restored.bundle.json');
    writeFileSync(file, await ok(['export', '--dir', us.dir, '--channel', channel, '--disclose', 'all'], us.env));
    const r = await cli(['verify', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await us.node.stop();
    await cn.node.stop();
  });
});
