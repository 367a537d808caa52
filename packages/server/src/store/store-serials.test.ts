import assert from 'node:assert/strict';
import { it } from 'node:test';
import { channel, channelRow, messageBody, signNext, storedAt } from './_fixtures.js';
import { forEachDialect } from './_util.js';
import type { BuildOwn, Store } from './store.js';

/** Builds the next message with the serial read from the locked feed, as ParleyNode does for `send`. */
const nextMessage: BuildOwn = async (head, feed) =>
  signNext('us-js', head, { type: 'message', body: messageBody((await feed.maxSerial()) + 1) });

forEachDialect('message serials under the feed lock', (t) => {
  it('numbers messages uniquely when two stores on one database append at once', async () => {
    const config = t.freshConfig();
    const [a, b] = [await t.open(config), await t.open(config)];
    await a.putChannel(channelRow());
    const append = (store: Store) => store.appendOwn(channel, 'us-js', nextMessage, storedAt);
    const written = await Promise.all(Array.from({ length: 60 }, (_, i) => append(i % 2 ? a : b)));
    const serials = written.map((w) => (w.entry.body as { serial: number }).serial).sort((x, y) => x - y);
    assert.deepEqual(
      serials,
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    assert.equal(await a.maxSerial(channel, 'us-js'), 60);
  });

  it('counts the messages built earlier in the same batch, and skips other entry types', async () => {
    const store = await t.open();
    await store.putChannel(channelRow());
    await store.appendOwn(channel, 'us-js', nextMessage, storedAt);
    const receipt: BuildOwn = (head) => signNext('us-js', head);
    const written = await store.appendOwnBatch(channel, 'us-js', [nextMessage, receipt, nextMessage], storedAt);
    assert.deepEqual(
      written.map((w) => (w.entry.body as { serial?: number }).serial),
      [2, undefined, 3],
    );
    assert.equal(await store.maxSerial(channel, 'us-js'), 3);
  });
});
