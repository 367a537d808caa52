import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { forEachNodeDialect, pgUrl } from '../test-util/node-databases.js';
import { cli, eventually, initParties, ok, type Party, status, tempRoot } from '../test-util/nodes.js';

forEachNodeDialect('two nodes over pinned mutual TLS', (databases) => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';

  before(async () => {
    // Each node its own database: a file in its data directory, or its own PostgreSQL schema.
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'], (party) => databases.envFor(party))) as [Party, Party];
    await us.node.start();
    await cn.node.start();
  });
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  it('co-signs a channel proposed by one party and accepted by the other', async () => {
    const out = await ok(
      ['channel', 'propose', '--dir', us.dir, '--name', 'US–PRC Defense Telephone Link', '--members', 'us-js,cn-jsd'],
      us.env,
    );
    channel = out.trim().split('\n').pop()!;
    assert.match(channel, /^[A-Za-z0-9_-]{43}$/);
    await eventually(
      async () => (await status(cn.dir, cn.env)).channels.find((c) => c.id === channel),
      20_000,
      'offer at cn-jsd',
    );
    assert.match(await ok(['channel', 'accept', '--dir', cn.dir, channel], cn.env), /active, signed by/);
    await eventually(
      async () => (await status(us.dir, us.env)).channels.find((c) => c.id === channel && c.state === 'active'),
      20_000,
      'active at us-js',
    );
  });

  it('pushes a FLASH message at once and brings the receipt back', async () => {
    const sent = await ok(
      [
        'send',
        '--dir',
        us.dir,
        '--channel',
        channel,
        '--precedence',
        'FLASH',
        '--emergency',
        '--subject',
        'Intercept in progress',
        '--text',
        'Request immediate call.',
      ],
      us.env,
    );
    const id = sent.trim().split('\n').pop()!;
    const line = await eventually(
      async () =>
        (await ok(['log', '--dir', cn.dir, '--channel', channel], cn.env)).split('\n').find((l) => l.includes('FLASH')),
      20_000,
      'message at cn-jsd',
    );
    assert.match(line, /us-js #1 message FLASH \[1\] Intercept in progress/);
    await eventually(
      async () => (await status(us.dir, us.env)).channels[0]!.heads['cn-jsd']! >= 1,
      20_000,
      'receipt at us-js',
    );
    const log = await ok(['log', '--dir', us.dir, '--channel', channel], us.env);
    assert.match(log, /cn-jsd #1 receipt/);
    assert.ok(id.length === 43);
  });

  it('exports what both hold as a bundle that verifies', async () => {
    const bundle = await ok(['export', '--dir', us.dir, '--channel', channel, '--disclose', 'message'], us.env);
    const file = join(root, 'bundle.json');
    writeFileSync(file, bundle);
    const r = await cli(['verify', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /charter signed by every member \(cn-jsd, us-js\)/);
  });

  it('catches up after the peer was down', async () => {
    await cn.node.stop();
    for (let i = 0; i < 5; i++)
      await ok(['send', '--dir', us.dir, '--channel', channel, '--subject', `While down ${i}`, '--text', 'x'], us.env);
    await cn.node.start();
    await eventually(
      async () => (await status(cn.dir, cn.env)).channels[0]!.heads['us-js']! >= 6,
      15_000,
      'catch-up at cn-jsd',
    );
    await eventually(
      async () => Object.values((await status(us.dir, us.env)).peers[0]!.unacknowledged).every((n) => n === 0),
      15_000,
      'all acknowledged',
    );
  });

  it('keeps the record of each node in its own database of the dialect under test', async () => {
    for (const p of [us, cn]) {
      const heads = (await status(p.dir, p.env)).channels[0]!.heads;
      const held = Object.values(heads).reduce((n, seq) => n + seq, 0);
      const sqliteFile = join(p.dir, 'parley.sqlite');
      if (databases.dialect === 'sqlite') {
        assert.ok(existsSync(sqliteFile), `${p.party}: no ${sqliteFile}`);
        continue;
      }
      assert.ok(!existsSync(sqliteFile), `${p.party} wrote ${sqliteFile} although it runs on PostgreSQL`);
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        const schema = p.env?.PARLEY_DATABASE_SCHEMA;
        assert.match(schema ?? '', /^parley_node_/);
        // Entries may still arrive after the status was read (receipts, checkpoints): never fewer.
        const r = await client.query(`select count(*)::int as n from ${schema}.entries`);
        assert.ok(
          held > 0 && r.rows[0].n >= held,
          `${p.party}: ${r.rows[0].n} entries in ${schema}, heads sum ${held}`,
        );
      } finally {
        await client.end();
      }
    }
  });
});
