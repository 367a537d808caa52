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
import { accept, channel, channelRow, headOf, type Signed, signFeed, signNext, storedAt } from './_fixtures.js';
import { forEachDialect } from './_util.js';
import { merkleNodeKey } from './merkle-nodes.js';
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
});
