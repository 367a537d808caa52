import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compactRangeNodes, rangeNodes } from './coordinates.js';
import { emptyRoot, hashChildren, hashLeaf } from './hashing.js';
import { MemoryNodeStore } from './memory-store.js';
import { rootAt } from './proof-build.js';
import { buildLog, entryIds, naiveRoot } from './test-util.js';
import { MerkleTree } from './tree.js';

describe('hashing', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    assert.equal(
      Buffer.from(emptyRoot()).toString('hex'),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
  it('prefixes leaves with 0x00 and interior nodes with 0x01', () => {
    const leaf = hashLeaf(new Uint8Array(0));
    assert.equal(Buffer.from(leaf).toString('hex'), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    assert.notDeepEqual(
      hashLeaf(new Uint8Array(32)),
      hashChildren(new Uint8Array(32), new Uint8Array(32)).slice(0, 32),
    );
  });
  it('refuses interior children that are not 32-byte hashes', () => {
    assert.throws(() => hashChildren(new Uint8Array(31), new Uint8Array(32)), RangeError);
  });
});

describe('MerkleTree', () => {
  const ids = entryIds(300);
  const leaves = ids.map(hashLeaf);

  it('has the naive RFC 6962 root after every append up to 300 leaves', () => {
    const tree = new MerkleTree();
    assert.deepEqual(tree.root(), emptyRoot());
    ids.forEach((id, i) => {
      tree.append(id);
      assert.deepEqual(tree.root(), naiveRoot(leaves, 0, i + 1), `size ${i + 1}`);
    });
  });

  it('returns exactly the perfect subtrees each append completes', () => {
    const tree = new MerkleTree();
    ids.forEach((id, i) => {
      const nodes = tree.append(id);
      const trailingOnes = Math.log2((i ^ (i + 1)) + 1) - 1;
      assert.equal(nodes.length, trailingOnes + 1);
      for (const { level, index, hash } of nodes) {
        const width = 2 ** level;
        assert.equal((index + 1) * width, i + 1, `node (${level}, ${index}) ends at the new leaf`);
        assert.deepEqual(hash, naiveRoot(leaves, index * width, (index + 1) * width));
      }
    });
  });

  it('resumes from its compact range and from stored nodes', () => {
    const { log, ids: all } = buildLog(300);
    const grow = (tree: MerkleTree, from: number, to: number) => all.slice(from, to).map((id) => tree.append(id));
    for (const size of [0, 1, 2, 7, 64, 100, 255, 299]) {
      const original = new MerkleTree();
      grow(original, 0, size);
      for (const resumed of [new MerkleTree(size, original.compactRange), MerkleTree.fromReader(size, log.read)]) {
        const reference = new MerkleTree(size, original.compactRange);
        assert.deepEqual(resumed.compactRange, original.compactRange);
        assert.deepEqual(grow(resumed, size, size + 40), grow(reference, size, size + 40));
        assert.deepEqual(resumed.root(), reference.root());
        assert.deepEqual(resumed.root(), naiveRoot(all.map(hashLeaf), 0, Math.min(size + 40, 300)));
      }
    }
  });

  it('refuses a compact range of the wrong shape', () => {
    const h = new Uint8Array(32);
    assert.throws(() => new MerkleTree(3, [h]), RangeError);
    assert.throws(() => new MerkleTree(2, [new Uint8Array(31)]), RangeError);
    assert.throws(() => new MerkleTree(-1, []), RangeError);
    assert.throws(() => new MerkleTree(1.5, [h]), RangeError);
    assert.throws(() => new MerkleTree().append(new Uint8Array(31)), RangeError);
  });

  it('keeps its state private from callers that modify returned hashes', () => {
    const tree = new MerkleTree();
    tree.append(ids[0]!);
    const before = tree.root();
    tree.compactRange[0]!.fill(0);
    tree.root().fill(0);
    assert.deepEqual(tree.root(), before);
  });
});

describe('coordinates', () => {
  it('tiles a range with aligned perfect subtrees, largest first', () => {
    assert.deepEqual(compactRangeNodes(0), []);
    assert.deepEqual(compactRangeNodes(13), [
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    assert.deepEqual(rangeNodes(8, 11), [
      { level: 1, index: 4 },
      { level: 0, index: 10 },
    ]);
  });
  it('handles sizes beyond 32 bits', () => {
    const size = 2 ** 52 + 2 ** 33 + 5;
    assert.deepEqual(compactRangeNodes(size), [
      { level: 52, index: 0 },
      { level: 33, index: 2 ** 19 },
      { level: 2, index: (2 ** 52 + 2 ** 33) / 4 },
      { level: 0, index: size - 1 },
    ]);
  });
});

describe('rootAt and MemoryNodeStore', () => {
  const { log, leaves } = buildLog(1000);

  it('matches the naive root at every size up to 1000', () => {
    for (let size = 0; size <= 1000; size++) assert.deepEqual(rootAt(size, log.read), naiveRoot(leaves, 0, size));
  });

  it('matches the naive root at random sizes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (size) => {
        assert.deepEqual(log.rootAt(size), naiveRoot(leaves, 0, size));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses sizes beyond the log', () => {
    assert.throws(() => log.rootAt(1001), RangeError);
  });

  it('stores nodes in order only and reads back copies', () => {
    const store = new MemoryNodeStore();
    const hash = new Uint8Array(32).fill(7);
    assert.throws(() => store.put({ level: 0, index: 1, hash }), RangeError);
    for (let index = 0; index < 200; index++) store.put({ level: 3, index, hash: hash.map((b) => b ^ index) });
    assert.equal(store.count(3), 200);
    assert.deepEqual(
      store.read(3, 199),
      hash.map((b) => b ^ 199),
    );
    store.read(3, 0).fill(0);
    assert.deepEqual(store.read(3, 0), hash);
    assert.throws(() => store.read(3, 200), RangeError);
    assert.throws(() => store.read(0, 0), RangeError);
  });
});
