import { compactRangeNodes, rangeNodes } from './coordinates.js';
import { emptyRoot, hashChildren } from './hashing.js';
import { consistencyRanges, inclusionRanges } from './proof-plan.js';
import type { LeafRange, MerkleNode, NodeReader } from './types.js';

/** Hash of an RFC 6962 subtree from its perfect tiles: a right fold. */
function hashRange([begin, end]: LeafRange, read: NodeReader): Uint8Array {
  const nodes = rangeNodes(begin, end);
  let hash: Uint8Array | undefined;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const { level, index } = nodes[i]!;
    const node = read(level, index);
    hash = hash ? hashChildren(node, hash) : node;
  }
  if (!hash) throw new RangeError(`empty leaf range [${begin}, ${end})`);
  return hash;
}

/**
 * Root of the tree's first `size` leaves, from the O(log n) stored nodes
 * named by {@link compactRangeNodes}(size).
 *
 * @example
 * const root = rootAt(1000, store.read);
 */
export function rootAt(size: number, read: NodeReader): Uint8Array {
  compactRangeNodes(size); // validates size
  return size === 0 ? emptyRoot() : hashRange([0, size], read);
}

/**
 * Inclusion proof (RFC 9162 §2.1.3.1) of leaf `index` in the tree of `size`
 * leaves, bottom-up. Reads only {@link inclusionProofNodes}(index, size).
 *
 * @example
 * const proof = inclusionProof(5, 8, store.read);
 * verifyInclusion(5, 8, store.read(0, 5), proof, rootAt(8, store.read));
 */
export function inclusionProof(index: number, size: number, read: NodeReader): Uint8Array[] {
  return inclusionRanges(index, size).map((range) => hashRange(range, read));
}

/**
 * Consistency proof (RFC 9162 §2.1.4.1) between sizes `size1` ≤ `size2`.
 * Reads only {@link consistencyProofNodes}(size1, size2).
 *
 * @example
 * const proof = consistencyProof(3, 8, store.read);
 * verifyConsistency(3, 8, proof, rootAt(3, store.read), rootAt(8, store.read));
 */
export function consistencyProof(size1: number, size2: number, read: NodeReader): Uint8Array[] {
  return consistencyRanges(size1, size2).map((range) => hashRange(range, read));
}

/**
 * A {@link NodeReader} over nodes loaded in a batch, e.g. the rows a database
 * returned for {@link inclusionProofNodes}. Asking for any other node throws.
 *
 * @example
 * const read = readerFromNodes(rows); // rows: { level, index, hash }[]
 * const proof = inclusionProof(index, size, read);
 */
export function readerFromNodes(nodes: Iterable<MerkleNode>): NodeReader {
  const byId = new Map<string, Uint8Array>();
  for (const { level, index, hash } of nodes) byId.set(`${level}/${index}`, hash);
  return (level, index) => {
    const hash = byId.get(`${level}/${index}`);
    if (!hash) throw new RangeError(`Merkle node (${level}, ${index}) was not loaded`);
    return hash;
  };
}
