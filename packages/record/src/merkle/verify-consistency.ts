import { bytesEqual } from '../crypto/hash.js';
import { checkHash, checkProof, proofError } from './checks.js';
import { half, isPowerOfTwo } from './coordinates.js';
import { emptyRoot, hashChildren } from './hashing.js';
import { consistencyRanges } from './proof-plan.js';

/**
 * Checks that the tree of `size2` leaves with root `root2` extends the tree of
 * `size1` leaves with root `root1` (RFC 9162 §2.1.4.2); throws
 * `PARLEY_E_MERKLE_PROOF` (kind `consistency`) if not.
 *
 * Equal sizes need an empty proof and identical roots (the size-0 root must be
 * SHA-256 of nothing); nothing is hashed then, so the roots are only compared.
 * A proof from size 0 to a larger size is refused: it would prove nothing.
 * Sizes are bound only through their roots: take each pair from one checkpoint.
 *
 * @example
 * verifyConsistency(lastSeen.size, checkpoint.size, proof, lastSeen.root, checkpoint.root);
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const expected = consistencyRanges(size1, size2).length; // checks the sizes
  checkProof('consistency', proof, expected);
  if (size1 === size2) {
    verifySameSize(size1, root1, root2);
    return;
  }
  checkHash('consistency', root1, 'root1');
  checkHash('consistency', root2, 'root2');
  const [fr, sr] = chainRoots(size1, size2, isPowerOfTwo(size1) ? [root1, ...proof] : proof);
  if (!bytesEqual(fr, root1)) throw proofError('consistency', 'proof does not lead to root1');
  if (!bytesEqual(sr, root2)) throw proofError('consistency', 'proof does not lead to root2');
}

function verifySameSize(size: number, root1: Uint8Array, root2: Uint8Array): void {
  if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array) || !bytesEqual(root1, root2)) {
    throw proofError('consistency', 'sizes are equal but the roots differ');
  }
  if (size === 0 && !bytesEqual(root1, emptyRoot())) {
    throw proofError('consistency', 'root of the empty tree is not SHA-256 of nothing');
  }
}

/** RFC 9162 §2.1.4.2 steps 3–6: the old and new roots the path leads to. */
function chainRoots(size1: number, size2: number, path: readonly Uint8Array[]): [Uint8Array, Uint8Array] {
  let [fn, sn] = [size1 - 1, size2 - 1];
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0]!;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw proofError('consistency', 'proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      [fr, sr] = [hashChildren(c, fr), hashChildren(c, sr)];
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = hashChildren(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) throw proofError('consistency', 'proof is shorter than the path to the root');
  return [fr, sr];
}
