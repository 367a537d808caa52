import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  compactRangeNodes,
  consistencyProof,
  consistencyProofNodes,
  fromBase64url,
  hashLeaf,
  inclusionProof,
  inclusionProofNodes,
  MemoryMerkleLog,
  type NodeReader,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from '@parley/record';
import { sql } from 'kysely';
import { accept, channel, channelRow, headOf, type Signed, signFeed, signNext, storedAt } from './_fixtures.js';
import { forEachDialect } from './_util.js';
import { merkleNodeKey, nodeLookups } from './merkle-nodes.js';
import type { Store } from './store.js';

/** A reader over the nodes the store returned for exactly these coordinates. */
async function readerFor(store: Store, ids: Array<{ level: number; index: number }>): Promise<NodeReader> {
  const nodes = await store.merkleNodes(channel, 'us-js', ids);
  return (level, index) => {
    const hash = nodes.get(merkleNodeKey(level, index));
    if (!hash) throw new Error(`node (${level}, ${index}) not returned`);
    return hash;
  };
}

forEachDialect('store Merkle trees', (t) => {
  it('keeps each feed a Merkle tree whose stored nodes prove inclusion and consistency', async () => {
    const store = await t.open();
    await store.putChannel(channelRow());
    const log = new MemoryMerkleLog();
    const all: Signed[] = [];
    // Batches of every size from 1 up, then single appendOwn calls: 300 + 21 entries.
    for (let size = 1; all.length < 300; size++) {
      const head = all.length ? headOf(all[all.length - 1]!) : undefined;
      const batch = signFeed('us-js', Math.min(size, 300 - all.length), head);
      await store.appendEntries(channel, 'us-js', accept('us-js', batch, head), storedAt);
      all.push(...batch);
    }
    for (let i = 0; i < 21; i++)
      all.push(await store.appendOwn(channel, 'us-js', (h) => signNext('us-js', h), storedAt));
    for (const { id } of all) log.append(fromBase64url(id, 'id', 32));
    const size = all.length;

    const root = rootAt(size, await readerFor(store, compactRangeNodes(size)));
    assert.deepEqual(root, log.root());
    for (const old of [1, 2, 7, 64, 100, 255, 300]) {
      assert.deepEqual(rootAt(old, await readerFor(store, compactRangeNodes(old))), log.rootAt(old));
    }
    for (const index of [0, 1, 99, 256, size - 1]) {
      const proof = inclusionProof(index, size, await readerFor(store, inclusionProofNodes(index, size)));
      const leaf = hashLeaf(fromBase64url(all[index]!.id, 'id', 32));
      assert.equal(verifyInclusion(index, size, leaf, proof, root), undefined);
    }
    for (const old of [1, 3, 128, 300]) {
      const proof = consistencyProof(old, size, await readerFor(store, consistencyProofNodes(old, size)));
      assert.equal(verifyConsistency(old, size, proof, log.rootAt(old), root), undefined);
    }
  });

  it('leaves nodes it does not hold out of the map', async () => {
    const store = await t.open();
    await store.putChannel(channelRow());
    await store.appendEntries(channel, 'us-js', accept('us-js', signFeed('us-js', 3)), storedAt);
    const nodes = await store.merkleNodes(channel, 'us-js', [
      { level: 0, index: 2 },
      { level: 1, index: 0 },
      { level: 1, index: 1 },
      { level: 0, index: 3 },
    ]);
    assert.deepEqual([...nodes.keys()].sort(), ['0/2', '1/0']);
    assert.deepEqual(await store.merkleNodes(channel, 'cn-jsd', [{ level: 0, index: 0 }]), new Map());
    assert.deepEqual(await store.merkleNodes(channel, 'us-js', []), new Map());
  });

  it('looks each node up by its primary key, also when the statistics predate the feed', async () => {
    const config = t.freshConfig();
    const store = await t.open(config);
    await store.putChannel(channelRow());
    await store.appendEntries(channel, 'us-js', accept('us-js', signFeed('us-js', 1)), storedAt);
    const db = t.raw(config);
    // PostgreSQL: statistics taken while the table was all but empty, then
    // 20,000 nodes, the state of a feed's table after a catch-up into a fresh
    // node. (Parley never runs ANALYZE on SQLite, which then plans without.)
    if (t.name === 'postgres') await sql`analyze merkle_nodes`.execute(db);
    const hash = Buffer.alloc(32, 7);
    for (let start = 1; start < 20_000; start += 500) {
      const rows = Array.from({ length: Math.min(500, 20_000 - start) }, (_, i) => ({
        channel,
        author: 'us-js',
        level: 0,
        idx: start + i,
        hash,
      }));
      await db.insertInto('merkle_nodes').values(rows).execute();
    }
    const query = nodeLookups(channel, 'us-js', [
      { level: 0, index: 19_999 },
      { level: 0, index: 7 },
      { level: 3, index: 1 },
    ]);
    assert.deepEqual(
      (await query.execute(db)).rows.map((r) => `${r.level}/${r.idx}`),
      ['0/19999', '0/7'],
    );
    const plan =
      t.name === 'sqlite'
        ? (await sql<{ detail: string }>`explain query plan ${query}`.execute(db)).rows.map((r) => r.detail)
        : (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(db)).rows.map((r) => r['QUERY PLAN']);
    const text = plan.join('\n');
    if (t.name === 'sqlite') {
      const searches = plan.filter((line) => /merkle_nodes/.test(line));
      assert.equal(searches.length, 3, text);
      for (const line of searches)
        assert.match(
          line,
          /SEARCH merkle_nodes USING (PRIMARY KEY|INDEX \S+) \(channel=\? AND author=\? AND level=\? AND idx=\?\)/,
          text,
        );
    } else {
      assert.doesNotMatch(text, /Seq Scan|Filter:/, text);
      assert.equal(text.match(/Index Cond: .*level = .*idx = /g)?.length, 3, text);
    }
  });
});
