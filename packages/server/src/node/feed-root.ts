import { compactRangeNodes, MerkleTree } from '@parley/record';
import type { Store } from '../store/store.js';

/** The Merkle root of `author`'s feed at `size`, from the store's persisted nodes (O(log n)). */
export async function feedRoot(store: Store, channel: string, author: string, size: number): Promise<Uint8Array> {
  const ids = compactRangeNodes(size);
  const nodes = await store.merkleNodes(channel, author, ids);
  const tree = MerkleTree.fromReader(size, (level, index) => {
    const hash = nodes.get(`${level}/${index}`);
    if (!hash) throw new RangeError(`missing Merkle node ${level}/${index} of ${author}`);
    return hash;
  });
  return tree.root();
}
