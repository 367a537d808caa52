import { bytesEqual } from '../crypto/hash.js';
import { checkHash, checkProof, proofError } from './checks.js';
import { half } from './coordinates.js';
import { hashChildren } from './hashing.js';
import { inclusionRanges } from './proof-plan.js';

/**
 * The root that an inclusion proof ties `leafHash` at `leafIndex` to, for a
 * tree of `treeSize` leaves (RFC 9162 §2.1.3.2). Throws
 * `PARLEY_E_MERKLE_PROOF` on a bad index or size, a leaf or proof element
 * that is not a 32-byte hash, or a proof of the wrong length.
 *
 * @example
 * const root = rootFromInclusionProof(5, 8, hashLeaf(entryId), proof);
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const expected = inclusionRanges(leafIndex, treeSize).length; // checks index < size
  checkHash('inclusion', leafHash, 'leaf hash');
  checkProof('inclusion', proof, expected);
  let [fn, sn, r] = [leafIndex, treeSize - 1, leafHash];
  for (const p of proof) {
    if (sn === 0) throw proofError('inclusion', 'proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = hashChildren(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) throw proofError('inclusion', 'proof is shorter than the path to the root');
  return r;
}

/**
 * Checks that `proof` ties `leafHash` at `leafIndex` to `root` for a tree of
 * `treeSize` leaves; throws `PARLEY_E_MERKLE_PROOF` (kind `inclusion`) if not.
 * As in RFC 9162, the size is bound only through the root: take both from the
 * same signed checkpoint.
 *
 * @example
 * verifyInclusion(5, 8, hashLeaf(entryId), proof, checkpointRoot);
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const calculated = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  checkHash('inclusion', root, 'root');
  if (!bytesEqual(calculated, root)) throw proofError('inclusion', 'calculated root does not match the given root');
}
