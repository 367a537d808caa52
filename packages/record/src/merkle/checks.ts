import { ParleyError } from '@parley/contract';
import { HASH_SIZE } from './hashing.js';
import type { ProofKind } from './types.js';

export function proofError(kind: ProofKind, reason: string): ParleyError {
  return new ParleyError('PARLEY_E_MERKLE_PROOF', { kind, reason });
}

/** A tree size or leaf index: a safe integer ≥ 0. */
export function checkCount(kind: ProofKind, value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw proofError(kind, `${what} ${String(value)} is not a safe integer ≥ 0`);
  }
}

export function checkHash(kind: ProofKind, value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.byteLength !== HASH_SIZE) {
    throw proofError(kind, `${what} is not a ${HASH_SIZE}-byte hash`);
  }
}

/** The proof is an array of exactly `expected` 32-byte hashes. */
export function checkProof(kind: ProofKind, proof: unknown, expected: number): asserts proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) throw proofError(kind, 'proof is not an array of hashes');
  if (proof.length !== expected) throw proofError(kind, `proof has ${proof.length} hashes, expected ${expected}`);
  proof.forEach((hash: unknown, i) => {
    checkHash(kind, hash, `proof[${i}]`);
  });
}
