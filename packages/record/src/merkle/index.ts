/**
 * RFC 6962 / RFC 9162 Merkle trees over a feed's entry ids: hashing, an
 * incremental tree with persistable nodes, proofs built from stored nodes
 * through a {@link NodeReader}, and their verification.
 *
 * @example
 * const log = new MemoryMerkleLog();
 * for (const id of entryIds) log.append(id);
 * const old = { size: 3, root: log.rootAt(3) };
 * verifyConsistency(old.size, log.size, log.consistencyProof(old.size), old.root, log.root());
 */
export { compactRangeNodes } from './coordinates.js';
export { emptyRoot, HASH_SIZE, hashChildren, hashLeaf } from './hashing.js';
export { MemoryMerkleLog } from './memory-log.js';
export { MemoryNodeStore } from './memory-store.js';
export { consistencyProof, inclusionProof, readerFromNodes, rootAt } from './proof-build.js';
export { consistencyProofNodes, inclusionProofNodes } from './proof-plan.js';
export { MerkleTree } from './tree.js';
export type { LeafRange, MerkleNode, NodeId, NodeReader, ProofKind } from './types.js';
export { verifyConsistency } from './verify-consistency.js';
export { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.js';
