import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import { accept, channel, channelRow, headOf, messageBody, type Signed, signNext, storedAt } from './_fixtures.js';
import { forEachDialect } from './_util.js';
import type { Database } from './database.js';
import type { Store } from './store.js';

/** Every projection row, in a fixed order. */
async function projections(db: Kysely<Database>) {
  return {
    peerHeads: await db
      .selectFrom('peer_heads')
      .selectAll()
      .orderBy('channel')
      .orderBy('peer')
      .orderBy('author')
      .execute(),
    refs: await db
      .selectFrom('entry_refs')
      .selectAll()
      .orderBy('channel')
      .orderBy('to_id')
      .orderBy('from_id')
      .execute(),
    messages: await db.selectFrom('messages').selectAll().orderBy('channel').orderBy('author').orderBy('seq').execute(),
  };
}

/** A small three-party record: us-js writes, cn-jsd and jp-jso acknowledge through heads and refs. */
async function writeRecord(store: Store): Promise<number> {
  const feeds = new Map<string, Signed[]>();
  const write = async (author: string, content: Parameters<typeof signNext>[2] = {}) => {
    const feed = feeds.get(author) ?? [];
    const head = feed.length ? headOf(feed[feed.length - 1]!) : undefined;
    const next = signNext(author, head, content);
    await store.appendEntries(channel, author, accept(author, [next], head), storedAt);
    feeds.set(author, [...feed, next]);
    return next;
  };
  const headAt = (party: string, seq: number) => {
    const e = feeds.get(party)![seq - 1]!;
    return { seq, id: e.id };
  };
  const m1 = await write('us-js', { type: 'message', body: messageBody(1) });
  await write('us-js', { type: 'message', body: messageBody(2) });
  await write('us-js');
  await write('cn-jsd', { heads: { 'us-js': headAt('us-js', 2) }, refs: [m1.id] });
  await write('cn-jsd', {
    type: 'message',
    body: messageBody(1),
    heads: { 'us-js': headAt('us-js', 3) },
    refs: [m1.id],
  });
  await write('jp-jso', { heads: { 'us-js': headAt('us-js', 1), 'cn-jsd': headAt('cn-jsd', 2) } });
  // A stale head never moves a peer's known position back.
  await write('jp-jso', { heads: { 'us-js': headAt('us-js', 1), 'cn-jsd': headAt('cn-jsd', 1) } });
  return 7;
}

forEachDialect('store projections', (t) => {
  it('tracks what each peer holds from its own signed heads', async () => {
    const store = await t.open();
    await store.putChannel(channelRow());
    await writeRecord(store);
    assert.deepEqual(await store.peerHeads(channel, 'us-js'), { 'us-js': 3 });
    assert.deepEqual(await store.peerHeads(channel, 'cn-jsd'), { 'cn-jsd': 2, 'us-js': 3 });
    assert.deepEqual(await store.peerHeads(channel, 'jp-jso'), { 'cn-jsd': 2, 'jp-jso': 2, 'us-js': 1 });
    assert.deepEqual(await store.peerHeads('other', 'us-js'), {});
    assert.equal(await store.maxSerial(channel, 'us-js'), 2);
    assert.equal(await store.maxSerial(channel, 'cn-jsd'), 1);
  });

  it('rebuilds projections identical to those the appends wrote', async () => {
    const config = t.freshConfig();
    const store = await t.open(config);
    await store.putChannel(channelRow());
    const count = await writeRecord(store);
    const raw = t.raw(config);
    const before = await projections(raw);
    assert.equal(before.refs.length, 2);
    assert.deepEqual(
      before.messages.map((m) => [m.author, m.seq, m.serial, m.precedence, m.language]),
      [
        ['cn-jsd', 2, 1, 'IMMEDIATE', 'en'],
        ['us-js', 1, 1, 'IMMEDIATE', 'en'],
        ['us-js', 2, 2, 'IMMEDIATE', 'en'],
      ],
    );
    await raw.deleteFrom('peer_heads').where('peer', '=', 'cn-jsd').execute();
    await raw.updateTable('messages').set({ subject: 'tampered' }).execute();
    assert.equal(await store.rebuildProjections(), count);
    assert.deepEqual(await projections(raw), before);
    assert.equal(await store.rebuildProjections(), count);
    assert.deepEqual(await projections(raw), before);
  });
});
