import { proofError } from './checks.js';
import { MemoryNodeStore } from './memory-store.js';
import { consistencyProof, inclusionProof, rootAt } from './proof-build.js';
import { MerkleTree } from './tree.js';
import type { NodeReader, ProofKind } from './types.js';

/**
 * A {@link MerkleTree} with every node kept in a {@link MemoryNodeStore}:
 * roots at any earlier size and proofs between any sizes, O(log n) each.
 *
 * @example
 * const log = new MemoryMerkleLog();
 * log.append(entryId);
 * const proof = log.inclusionProof(0);
 * verifyInclusion(0, log.size, hashLeaf(entryId), proof, log.root());
 */
export class MemoryMerkleLog {
  #tree = new MerkleTree();
  #store = new MemoryNodeStore();

  get size(): number {
    return this.#tree.size;
  }

  /** The stored nodes, for {@link inclusionProof} and the other functions that take a reader. */
  get read(): NodeReader {
    return this.#store.read;
  }

  /** Appends the leaf for a 32-byte entry id and returns its index. */
  append(entryId: Uint8Array): number {
    this.#store.putAll(this.#tree.append(entryId));
    return this.#tree.size - 1;
  }

  /** Appends an already computed leaf hash and returns its index. */
  appendLeafHash(leafHash: Uint8Array): number {
    this.#store.putAll(this.#tree.appendLeafHash(leafHash));
    return this.#tree.size - 1;
  }

  root(): Uint8Array {
    return this.#tree.root();
  }

  /** Root of the first `size` leaves, `size` ≤ the current size. */
  rootAt(size: number): Uint8Array {
    if (size > this.size) throw new RangeError(`tree size ${size} is beyond the log's ${this.size}`);
    return rootAt(size, this.#store.read);
  }

  /** Inclusion proof of leaf `index` in the tree of `size` leaves (default: now). */
  inclusionProof(index: number, size = this.size): Uint8Array[] {
    this.#checkSize('inclusion', size);
    return inclusionProof(index, size, this.#store.read);
  }

  /** Consistency proof from `size1` to `size2` leaves (default: now). */
  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    this.#checkSize('consistency', size2);
    return consistencyProof(size1, size2, this.#store.read);
  }

  #checkSize(kind: ProofKind, size: number): void {
    if (size > this.size) throw proofError(kind, `tree size ${size} is beyond the log's ${this.size}`);
  }
}
