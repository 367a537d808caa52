import assert from 'node:assert/strict';
import { type ErrorCode, ParleyError } from '@parley/contract';
import { Ed25519Signer } from '../crypto/ed25519.js';
import { sha256, utf8 } from '../crypto/hash.js';

/** A deterministic signer per label, so failures reproduce. */
export function signerFor(label: string): Ed25519Signer {
  return Ed25519Signer.fromSeed(sha256(utf8.encode(`note test key ${label}`)));
}

/** A 32-byte stand-in hash per label. */
export function hashOf(label: string): Uint8Array {
  return sha256(utf8.encode(label));
}

/** Asserts that `fn` throws a ParleyError with `code` (and, if given, a reason containing `reason`). */
export function throwsCode(fn: () => unknown, code: ErrorCode, reason?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ParleyError, `expected a ParleyError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (reason !== undefined) assert.match(String(error.details.reason), new RegExp(reason));
    return true;
  });
}

/** Asserts that `fn` throws a ParleyError with one of `codes`. */
export function throwsOneOf(fn: () => unknown, codes: readonly ErrorCode[], label: string): void {
  assert.throws(fn, (error: unknown) => error instanceof ParleyError && codes.includes(error.code), label);
}
