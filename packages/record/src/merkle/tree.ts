import { compactRangeLength, compactRangeNodes } from './coordinates.js';
import { emptyRoot, HASH_SIZE, hashChildren, hashLeaf } from './hashing.js';
import type { MerkleNode, NodeReader } from './types.js';

/**
 * The growing edge of an RFC 6962 tree: its size and compact range (the roots
 * of the perfect subtrees along the right edge, highest first). Appending
 * returns the nodes the leaf completes, for a store to persist; amortised
 * O(1) hashes per append, O(log n) at worst, and O(log n) for the root.
 *
 * @example
 * const tree = new MerkleTree();
 * for (const node of tree.append(entryId)) store.put(node);
 * const root = tree.root();
 * // later, after a restart:
 * const resumed = MerkleTree.fromReader(size, store.read);
 */
export class MerkleTree {
  #size: number;
  #range: Uint8Array[];

  /** An empty tree, or one resumed from a persisted size and compact range. */
  constructor(size = 0, compactRange: readonly Uint8Array[] = []) {
    compactRangeNodes(size); // validates size
    if (compactRange.length !== compactRangeLength(size)) {
      throw new RangeError(`a tree of ${size} leaves has ${compactRangeLength(size)} compact-range hashes`);
    }
    for (const hash of compactRange) checkHashSize(hash);
    this.#size = size;
    this.#range = compactRange.map((hash) => hash.slice());
  }

  /** Resumes from stored nodes: reads the {@link compactRangeNodes} of `size`. */
  static fromReader(size: number, read: NodeReader): MerkleTree {
    return new MerkleTree(
      size,
      compactRangeNodes(size).map(({ level, index }) => read(level, index)),
    );
  }

  get size(): number {
    return this.#size;
  }

  /** Copies of the compact-range hashes, highest subtree first: what to persist besides the size. */
  get compactRange(): Uint8Array[] {
    return this.#range.map((hash) => hash.slice());
  }

  /** Appends the leaf for a 32-byte entry id; see {@link appendLeafHash}. */
  append(entryId: Uint8Array): MerkleNode[] {
    checkHashSize(entryId);
    return this.#push(hashLeaf(entryId));
  }

  /**
   * Appends a leaf hash as leaf number `size` and returns the new nodes it
   * completes, leaf first: (0, size), then each perfect subtree it closes.
   * The returned hashes are shared with the tree: do not modify them.
   */
  appendLeafHash(leafHash: Uint8Array): MerkleNode[] {
    checkHashSize(leafHash);
    return this.#push(leafHash.slice());
  }

  #push(leafHash: Uint8Array): MerkleNode[] {
    let [hash, level, index] = [leafHash, 0, this.#size];
    const nodes: MerkleNode[] = [{ level, index, hash }];
    while (index % 2 === 1) {
      hash = hashChildren(this.#range.pop()!, hash);
      [level, index] = [level + 1, (index - 1) / 2];
      nodes.push({ level, index, hash });
    }
    this.#range.push(hash);
    this.#size++;
    return nodes;
  }

  /** Root of the whole tree: a right fold of the compact range; SHA-256 of nothing when empty. */
  root(): Uint8Array {
    let root = this.#range.at(-1);
    if (!root) return emptyRoot();
    for (let i = this.#range.length - 2; i >= 0; i--) root = hashChildren(this.#range[i]!, root);
    return root.slice();
  }
}

function checkHashSize(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== HASH_SIZE) {
    throw new RangeError(`expected a ${HASH_SIZE}-byte value`);
  }
}
