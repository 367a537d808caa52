import { checkCount, proofError } from './checks.js';
import { rangesNodes, splitPoint } from './coordinates.js';
import type { LeafRange, NodeId } from './types.js';

/**
 * The leaf ranges whose hashes make up the inclusion proof of leaf `index` in
 * a tree of `size` leaves, bottom-up: RFC 6962 PATH(m, D[n]) walked top-down.
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  checkCount('inclusion', index, 'leaf index');
  checkCount('inclusion', size, 'tree size');
  if (index >= size) throw proofError('inclusion', `leaf index ${index} is not below tree size ${size}`);
  const ranges: LeafRange[] = [];
  let [lo, hi] = [0, size];
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    if (index < mid) {
      ranges.push([mid, hi]);
      hi = mid;
    } else {
      ranges.push([lo, mid]);
      lo = mid;
    }
  }
  return ranges.reverse();
}

/**
 * The leaf ranges whose hashes make up the consistency proof between sizes
 * `size1` ≤ `size2`, bottom-up: RFC 6962 SUBPROOF(m, D[n], true) walked
 * top-down. Empty when the sizes are equal; refused from the empty tree.
 */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  checkCount('consistency', size1, 'size1');
  checkCount('consistency', size2, 'size2');
  if (size1 > size2) throw proofError('consistency', `size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === size2) return [];
  if (size1 === 0) throw proofError('consistency', 'a consistency proof from the empty tree is meaningless');
  const ranges: LeafRange[] = [];
  let [lo, hi, whole] = [0, size2, true];
  while (hi !== size1) {
    const mid = lo + splitPoint(hi - lo);
    if (size1 <= mid) {
      ranges.push([mid, hi]);
      hi = mid;
    } else {
      ranges.push([lo, mid]);
      lo = mid;
      whole = false;
    }
  }
  // The old tree is a left spine of the new one: the verifier knows its root already.
  if (!whole) ranges.push([lo, hi]);
  return ranges.reverse();
}

/**
 * The perfect-subtree nodes an inclusion proof is built from, so a store can
 * batch-load them before calling {@link inclusionProof}. O(log n) nodes.
 *
 * @example
 * inclusionProofNodes(5, 8); // [{ level: 0, index: 4 }, { level: 1, index: 3 }, { level: 2, index: 0 }]
 */
export function inclusionProofNodes(index: number, size: number): NodeId[] {
  return rangesNodes(inclusionRanges(index, size));
}

/**
 * The perfect-subtree nodes a consistency proof is built from, so a store can
 * batch-load them before calling {@link consistencyProof}. O(log n) nodes.
 *
 * @example
 * consistencyProofNodes(3, 4); // [{ level: 0, index: 2 }, { level: 0, index: 3 }, { level: 1, index: 0 }]
 */
export function consistencyProofNodes(size1: number, size2: number): NodeId[] {
  return rangesNodes(consistencyRanges(size1, size2));
}
