import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isParleyError } from '@parley/contract';
import { makeForkProof, verifyForkProof } from '@parley/record';
import { channel, channelRow, keys, messageBody, signNext, t0 } from './_fixtures.js';
import { forEachDialect } from './_util.js';

const at = (s: number) => new Date(t0 + s * 1000).toISOString();

forEachDialect('store basics', (t) => {
  it('migrates twice, from two stores, without change', async () => {
    const config = t.freshConfig();
    const [a, b] = await Promise.all([t.open(config), t.open(config)]);
    await Promise.all([a.migrate(), b.migrate()]);
    await a.migrate();
    const applied = await t
      .raw(config)
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .execute();
    assert.deepEqual(
      applied.map((r) => (r as { name: string }).name),
      [
        '0001-initial',
        '0002-accounts',
        '0003-hotline',
        '0004-attachments',
        '0005-message-serials',
        '0006-attachment-wanted',
        '0007-message-settled',
      ],
    );
    assert.deepEqual(await b.listPeers(), []);
  });

  it('keeps peers and replaces a re-pinned one', async () => {
    const store = await t.open();
    const peer = { party: 'cn-jsd', card: '{"id":"cn-jsd"}', fingerprint: 'ab'.repeat(32), addedAt: at(1) };
    await store.putPeer(peer);
    await store.putPeer({ party: 'us-js', card: '{"id":"us-js"}', fingerprint: 'cd'.repeat(32), addedAt: at(2) });
    assert.deepEqual(await store.getPeer('cn-jsd'), peer);
    assert.equal(await store.getPeer('ru-gs'), undefined);
    const repinned = { ...peer, fingerprint: 'ef'.repeat(32), addedAt: at(3) };
    await store.putPeer(repinned);
    assert.deepEqual(
      (await store.listPeers()).map((p) => [p.party, p.fingerprint]),
      [
        ['cn-jsd', 'ef'.repeat(32)],
        ['us-js', 'cd'.repeat(32)],
      ],
    );
  });

  it('keeps channels and moves one from proposed to active', async () => {
    const store = await t.open();
    const proposed = { ...channelRow(), state: 'proposed' as const };
    await store.putChannel(proposed);
    assert.deepEqual(await store.getChannel(channel), proposed);
    const active = { ...proposed, state: 'active' as const, signatures: '[{"party":"us-js","sig":"x"}]' };
    await store.putChannel(active);
    assert.deepEqual(await store.listChannels(), [active]);
    assert.equal(await store.getChannel('nope'), undefined);
  });

  it('keeps checkpoints, takes more cosignatures, refuses another root at the same size', async () => {
    const store = await t.open();
    await store.putChannel(channelRow());
    const row = (size: number, root: string, note: string) => ({
      channel,
      author: 'us-js',
      size,
      root,
      note,
      createdAt: at(size),
    });
    await store.putCheckpoint(row(2, 'cm9vdDI=', 'note 2\n'));
    await store.putCheckpoint(row(5, 'cm9vdDU=', 'note 5\n'));
    await store.putCheckpoint(row(5, 'cm9vdDU=', 'note 5\n+ cosignature\n'));
    assert.deepEqual(await store.latestCheckpoint(channel, 'us-js'), row(5, 'cm9vdDU=', 'note 5\n+ cosignature\n'));
    assert.deepEqual(
      (await store.listCheckpoints(channel, 'us-js')).map((c) => c.size),
      [2, 5],
    );
    await assert.rejects(store.putCheckpoint(row(5, 'b3RoZXI=', 'other\n')), (e) =>
      isParleyError(e, 'PARLEY_E_EQUIVOCATION'),
    );
    assert.equal(await store.latestCheckpoint(channel, 'cn-jsd'), undefined);
    assert.deepEqual(await store.checkpointAt(channel, 'us-js', 2), row(2, 'cm9vdDI=', 'note 2\n'));
    assert.equal(await store.checkpointAt(channel, 'us-js', 3), undefined);
  });

  it('keeps each fork proof once', async () => {
    const store = await t.open();
    await store.putChannel(channelRow());
    const a = signNext('cn-jsd', undefined);
    const b = signNext('cn-jsd', undefined, { type: 'message', body: messageBody(1) });
    const proof = makeForkProof(a.entry, b.entry);
    const fork = { channel, author: 'cn-jsd', seq: 1, proof, detectedAt: at(9), from: 'jp-jso' };
    await store.putFork(fork);
    await store.putFork({ ...fork, detectedAt: at(10) });
    const forks = await store.listForks(channel);
    assert.deepEqual(forks, [fork]);
    assert.equal(verifyForkProof(forks[0]!.proof, keys()).seq, 1);
    assert.deepEqual(await store.listForks('other'), []);
    assert.equal((await store.listForks()).length, 1);
  });

  it('raises and clears alarms', async () => {
    const store = await t.open();
    const alarm = { kind: 'handling-time', channel, message: 'FLASH not acknowledged', details: '{}', raisedAt: at(1) };
    const first = await store.raiseAlarm(alarm);
    const second = await store.raiseAlarm({ ...alarm, kind: 'link-down', channel: null });
    assert.ok(second > first);
    assert.deepEqual(
      (await store.openAlarms()).map((a) => [a.id, a.kind, a.channel, a.clearedAt]),
      [
        [first, 'handling-time', channel, null],
        [second, 'link-down', null, null],
      ],
    );
    await store.clearAlarm(first, at(2));
    await store.clearAlarm(first, at(3));
    assert.deepEqual(
      (await store.openAlarms()).map((a) => a.id),
      [second],
    );
  });
});
