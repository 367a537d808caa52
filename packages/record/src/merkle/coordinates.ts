import type { LeafRange, NodeId } from './types.js';

// Tree sizes go up to Number.MAX_SAFE_INTEGER, beyond the 32 bits that JS
// bitwise operators handle, so bit arithmetic here uses division instead.
const TWO_32 = 2 ** 32;

/** ⌊log2 n⌋ for a positive safe integer, exactly (Math.log2 rounds near 2^k). */
export function floorLog2(n: number): number {
  return n >= TWO_32 ? 63 - Math.clz32(Math.floor(n / TWO_32)) : 31 - Math.clz32(n);
}

export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** floorLog2(n) === n;
}

/** The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  return 2 ** floorLog2(n - 1);
}

/** n >> 1 for any safe integer. */
export function half(n: number): number {
  return Math.floor(n / 2);
}

/**
 * The perfect subtrees that tile leaves [begin, end), left to right, largest
 * first. For the ranges RFC 6962 hashes (begin aligned to the range's size,
 * rounded up to a power of two) their right fold is the range's hash.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  for (let pos = begin; pos < end; ) {
    let level = floorLog2(end - pos);
    while (pos % 2 ** level !== 0) level--;
    nodes.push({ level, index: pos / 2 ** level });
    pos += 2 ** level;
  }
  return nodes;
}

/**
 * The compact range of a tree of `size` leaves: the roots of the perfect
 * subtrees along its right edge, highest first. Their hashes give the root
 * ({@link rootAt}) and let a {@link MerkleTree} resume appending.
 *
 * @example
 * compactRangeNodes(6); // [{ level: 2, index: 0 }, { level: 1, index: 2 }]
 */
export function compactRangeNodes(size: number): NodeId[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tree size ${size} is not a safe integer ≥ 0`);
  return rangeNodes(0, size);
}

/** Number of perfect subtrees in the compact range of `size` (its bit count). */
export function compactRangeLength(size: number): number {
  let count = 0;
  for (let n = size; n > 0; n = half(n)) count += n % 2;
  return count;
}

/** Flattens proof ranges into the perfect-subtree nodes a store must load. */
export function rangesNodes(ranges: readonly LeafRange[]): NodeId[] {
  return ranges.flatMap(([begin, end]) => rangeNodes(begin, end));
}
