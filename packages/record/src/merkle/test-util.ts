// Helpers for the Merkle tests: RFC 6962 §2.1 written as literally as
// possible, to check the incremental code against, and deterministic leaves.
import { isParleyError } from '@parley/contract';
import { sha256 } from '../crypto/hash.js';
import { emptyRoot, hashChildren, hashLeaf } from './hashing.js';
import { MemoryMerkleLog } from './memory-log.js';

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[begin:end]) over leaf hashes, by the recursive definition. */
export function naiveRoot(leaves: readonly Uint8Array[], begin = 0, end = leaves.length): Uint8Array {
  const n = end - begin;
  if (n === 0) return emptyRoot();
  if (n === 1) return leaves[begin]!;
  const k = split(n);
  return hashChildren(naiveRoot(leaves, begin, begin + k), naiveRoot(leaves, begin + k, end));
}

/** PATH(m, D[0:n]) by the recursive definition. */
export function naivePath(m: number, leaves: readonly Uint8Array[], begin = 0, end = leaves.length): Uint8Array[] {
  const n = end - begin;
  if (n <= 1) return [];
  const k = split(n);
  return m < k
    ? [...naivePath(m, leaves, begin, begin + k), naiveRoot(leaves, begin + k, end)]
    : [...naivePath(m - k, leaves, begin + k, end), naiveRoot(leaves, begin, begin + k)];
}

/** SUBPROOF(m, D[0:n], b) by the recursive definition; PROOF(m, D[n]) with b = true. */
export function naiveProof(
  m: number,
  leaves: readonly Uint8Array[],
  begin = 0,
  end = leaves.length,
  b = true,
): Uint8Array[] {
  const n = end - begin;
  if (m === n) return b ? [] : [naiveRoot(leaves, begin, end)];
  const k = split(n);
  return m <= k
    ? [...naiveProof(m, leaves, begin, begin + k, b), naiveRoot(leaves, begin + k, end)]
    : [...naiveProof(m - k, leaves, begin + k, end, false), naiveRoot(leaves, begin, begin + k)];
}

/** Deterministic 32-byte entry ids. */
export function entryIds(count: number, seed = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    sha256(Uint8Array.of(seed), new Uint8Array(new Float64Array([i]).buffer)),
  );
}

/** A log of `count` leaves with the ids and leaf hashes that went in. */
export function buildLog(count: number, seed = 0): { log: MemoryMerkleLog; ids: Uint8Array[]; leaves: Uint8Array[] } {
  const log = new MemoryMerkleLog();
  const ids = entryIds(count, seed);
  for (const id of ids) log.append(id);
  return { log, ids, leaves: ids.map(hashLeaf) };
}

export function isProofError(error: unknown): boolean {
  return isParleyError(error, 'PARLEY_E_MERKLE_PROOF');
}

/** A copy of `bytes` with one bit flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
}
