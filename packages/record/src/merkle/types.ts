/**
 * Coordinates of a perfect subtree. Level 0 holds leaf hashes; node
 * (level, index) covers leaves [index·2^level, (index+1)·2^level).
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A perfect-subtree hash with its coordinates, as a store persists it. */
export interface MerkleNode extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * The one port between proof code and storage: returns the hash of a perfect
 * subtree that exists, synchronously. A database-backed store first batch-loads
 * the coordinates named by {@link inclusionProofNodes} and friends, then answers
 * from memory (see {@link readerFromNodes}).
 */
export type NodeReader = (level: number, index: number) => Uint8Array;

/** Which proof an error or a check is about; the `kind` of `PARLEY_E_MERKLE_PROOF`. */
export type ProofKind = 'inclusion' | 'consistency';

/** Leaves [begin, end) of the tree. */
export type LeafRange = readonly [begin: number, end: number];
