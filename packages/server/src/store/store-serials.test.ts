import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { channel, channelRow, messageBody, signNext, storedAt } from './_fixtures.js';
import { forEachDialect } from './_util.js';
import { maxSerialRow } from './entry-queries.js';
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
    // Each entry comes back with its row exactly as stored.
    assert.deepEqual(
      written.map((w) => w.row),
      await store.range(channel, 'us-js', 2, 10),
    );
  });

  it('finds the highest serial by descending an index, not by reading every message of the author', async () => {
    const config = t.freshConfig();
    const store = await t.open(config);
    await store.putChannel(channelRow());
    const db = t.raw(config);
    for (let start = 1; start <= 6_000; start += 500) {
      const rows = Array.from({ length: 500 }, (_, i) => ({
        channel,
        author: 'us-js',
        seq: start + i,
        id: `id-${start + i}`,
        time: '2026-11-27T00:00:00Z',
        precedence: 'ROUTINE',
        subject: 's',
        serial: start + i,
        language: 'en',
      }));
      await db.insertInto('messages').values(rows).execute();
    }
    if (t.name === 'postgres') await sql`analyze messages`.execute(db);
    assert.equal(await store.maxSerial(channel, 'us-js'), 6_000);
    const query = maxSerialRow.compile(db, [{ channel, author: 'us-js' }]);
    const explain = t.name === 'sqlite' ? 'explain query plan ' : 'explain ';
    const { rows } = await db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(explain + query.sql, [...query.parameters]),
    );
    const text = rows.map((r) => r.detail ?? r['QUERY PLAN']).join('\n');
    assert.match(text, /messages_by_serial/, text);
    if (t.name === 'postgres') assert.match(text, /Index Only Scan Backward/, text);
    assert.doesNotMatch(text, /Seq Scan|SCAN messages/, text);
  });
});
