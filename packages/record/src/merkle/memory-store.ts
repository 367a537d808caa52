import { HASH_SIZE } from './hashing.js';
import type { MerkleNode, NodeReader } from './types.js';

const INITIAL_CAPACITY = 64; // nodes per level before the first doubling

/**
 * Perfect-subtree hashes kept in memory: one flat byte array per level that
 * doubles as it fills, so a million leaves cost ~64 MB and no per-node objects.
 * Nodes arrive in order per level, as {@link MerkleTree.append} returns them.
 *
 * @example
 * const store = new MemoryNodeStore();
 * store.putAll(tree.append(entryId));
 * const proof = inclusionProof(0, tree.size, store.read);
 */
export class MemoryNodeStore {
  #levels: Uint8Array[] = [];
  #counts: number[] = [];

  /** Number of nodes stored at `level`. */
  count(level: number): number {
    return this.#counts[level] ?? 0;
  }

  /** Stores the next node of its level; any other index is refused. */
  put({ level, index, hash }: MerkleNode): void {
    const count = this.count(level);
    if (index !== count)
      throw new RangeError(`Merkle node (${level}, ${index}) is out of order: expected index ${count}`);
    if (hash.byteLength !== HASH_SIZE) throw new RangeError(`Merkle node hash must be ${HASH_SIZE} bytes`);
    const bytes = this.#room(level, count + 1);
    bytes.set(hash, count * HASH_SIZE);
    this.#counts[level] = count + 1;
  }

  putAll(nodes: readonly MerkleNode[]): void {
    for (const node of nodes) this.put(node);
  }

  /** The {@link NodeReader} port: a copy of a stored hash; throws for a node not stored. */
  readonly read: NodeReader = (level, index) => {
    const bytes = this.#levels[level];
    if (!bytes || !Number.isInteger(index) || index < 0 || index >= this.count(level)) {
      throw new RangeError(`no Merkle node (${level}, ${index}) in memory`);
    }
    return bytes.slice(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  };

  /** The level's array, grown by doubling to hold at least `nodes` hashes. */
  #room(level: number, nodes: number): Uint8Array {
    while (this.#levels.length <= level) this.#levels.push(new Uint8Array(INITIAL_CAPACITY * HASH_SIZE));
    const bytes = this.#levels[level]!;
    if (nodes * HASH_SIZE <= bytes.byteLength) return bytes;
    const grown = new Uint8Array(bytes.byteLength * 2);
    grown.set(bytes);
    this.#levels[level] = grown;
    return grown;
  }
}
