import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isParleyError } from '@parley/contract';
import { accept, channel, channelRow, headOf, signFeed, signNext, storedAt } from './_fixtures.js';
import { forEachDialect } from './_util.js';
import { openStore } from './open-store.js';

/** PARLEY_E_IO for `op`, naming where and why. */
function ioError(op: string, reason: RegExp) {
  return (error: unknown) => {
    assert.ok(isParleyError(error, 'PARLEY_E_IO'), String(error));
    assert.equal(error.details.op, op);
    assert.match(String(error.details.reason), reason);
    assert.ok(String(error.details.path).length > 0);
    return true;
  };
}

forEachDialect('store durability', (t) => {
  it('rejects every write on read-only storage with PARLEY_E_IO and keeps what it holds', async () => {
    const config = t.freshConfig();
    const store = await t.open(config);
    await store.putChannel(channelRow());
    const feed = signFeed('us-js', 2);
    await store.appendEntries(channel, 'us-js', accept('us-js', feed), storedAt);

    const readonly = await openStore({ ...config, readonly: true });
    try {
      assert.deepEqual(await readonly.head(channel, 'us-js'), headOf(feed[1]!));
      assert.equal((await readonly.range(channel, 'us-js', 1, 10)).length, 2);
      const next = signFeed('us-js', 1, headOf(feed[1]!));
      const readOnly = ioError('write', /read-only/);
      await assert.rejects(
        readonly.appendEntries(channel, 'us-js', accept('us-js', next, headOf(feed[1]!)), storedAt),
        readOnly,
      );
      await assert.rejects(
        readonly.appendOwn(channel, 'us-js', (h) => signNext('us-js', h), storedAt),
        readOnly,
      );
      await assert.rejects(
        readonly.putPeer({ party: 'x', card: '{}', fingerprint: '00', addedAt: storedAt }),
        readOnly,
      );
      await assert.rejects(
        readonly.raiseAlarm({ kind: 'k', channel: null, message: 'm', details: '{}', raisedAt: storedAt }),
        readOnly,
      );
      await assert.rejects(readonly.rebuildProjections(), readOnly);
      await readonly.migrate(); // up to date: nothing to write
    } finally {
      await readonly.close();
    }
    assert.deepEqual(await store.head(channel, 'us-js'), headOf(feed[1]!));
    assert.deepEqual(await store.listPeers(), []);
    assert.deepEqual(await store.openAlarms(), []);
    assert.deepEqual(await store.peerHeads(channel, 'us-js'), { 'us-js': 2 });
  });
});
