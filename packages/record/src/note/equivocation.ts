import { ParleyError } from '@parley/contract';
import { bytesEqual, sha256 } from '../crypto/hash.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { verifyConsistency } from '../merkle/index.js';
import { type Checkpoint, verifyCheckpoint } from './checkpoint.js';
import { toVerifierKey, type VerifierKey } from './key.js';
import { malformed } from './limits.js';

/**
 * Self-contained proof that one key signed two checkpoints of one origin
 * that cannot both be heads of one append-only log. Plain JSON; hashes are
 * standard base64, like the root lines of the checkpoints they are compared with.
 */
export interface EquivocationProof {
  readonly format: 'parley-equivocation/1';
  /** Both signed checkpoint notes, the smaller tree size first. */
  readonly checkpoints: readonly [string, string];
  /** Sizes differ only: root of the first `size1` leaves of the larger tree. */
  readonly prefixRoot?: string;
  /** Sizes differ only: RFC 9162 consistency proof from (size1, prefixRoot) to the larger checkpoint. */
  readonly consistency?: readonly string[];
}

/** What a verified equivocation proof establishes. */
export interface Equivocation {
  readonly origin: string;
  /** `same-size`: two roots for one size; `not-a-prefix`: the larger tree does not begin with the smaller. */
  readonly kind: 'same-size' | 'not-a-prefix';
  readonly first: { readonly size: number; readonly root: Uint8Array };
  readonly second: { readonly size: number; readonly root: Uint8Array };
}

/** The Merkle evidence needed when the sizes differ. */
export interface PrefixEvidence {
  readonly prefixRoot: Uint8Array;
  readonly consistency: readonly Uint8Array[];
}

const FIELDS = new Set(['format', 'checkpoints', 'prefixRoot', 'consistency']);
const MAX_PROOF_HASHES = 128;

/**
 * Builds an equivocation proof from two checkpoint notes signed by `vkey`
 * (in either order) and, if their sizes differ, the root of the first
 * `size1` leaves of the larger tree with a consistency proof from there to
 * it. Verifies the result, so it throws whenever the pair proves nothing.
 *
 * @example
 * const proof = makeEquivocationProof(older, newer, authorVkey, { prefixRoot, consistency });
 */
export function makeEquivocationProof(
  a: string,
  b: string,
  vkey: string | VerifierKey,
  evidence?: PrefixEvidence,
): EquivocationProof {
  const key = toVerifierKey(vkey);
  const [sizeA, sizeB] = [verifyCheckpoint(a, key).size, verifyCheckpoint(b, key).size];
  const checkpoints: [string, string] = sizeA <= sizeB ? [a, b] : [b, a];
  const proof: EquivocationProof = evidence
    ? {
        format: 'parley-equivocation/1',
        checkpoints,
        prefixRoot: toBase64(evidence.prefixRoot),
        consistency: evidence.consistency.map(toBase64),
      }
    : { format: 'parley-equivocation/1', checkpoints };
  verifyEquivocationProof(proof, key);
  return proof;
}

/**
 * Checks an equivocation proof (possibly straight from JSON) against the
 * signer's verifier key and returns what it proves. Throws PARLEY_E_NOTE if
 * it is malformed or proves nothing, PARLEY_E_NOTE_SIGNATURE if a checkpoint
 * is not signed by `vkey`, PARLEY_E_MERKLE_PROOF if the consistency proof fails.
 *
 * @example
 * const { origin, kind } = verifyEquivocationProof(JSON.parse(text), authorVkey);
 */
export function verifyEquivocationProof(proof: unknown, vkey: string | VerifierKey): Equivocation {
  const { checkpoints, prefixRoot, consistency } = checkShape(proof);
  const key = toVerifierKey(vkey);
  const first = verifyCheckpoint(checkpoints[0], key);
  const second = verifyCheckpoint(checkpoints[1], key, first.origin);
  if (first.size > second.size) throw bad('checkpoints must come smaller size first');
  if (first.size === second.size) {
    if (prefixRoot !== undefined || consistency !== undefined) throw bad('equal sizes take no Merkle evidence');
    if (bytesEqual(first.root, second.root)) throw bad('the checkpoints agree: nothing is proven');
    return result('same-size', first, second);
  }
  if (prefixRoot === undefined || consistency === undefined)
    throw bad('different sizes need prefixRoot and consistency');
  const prefix = decodeHash(prefixRoot, 'prefixRoot');
  if (bytesEqual(prefix, first.root)) throw bad('prefixRoot equals the first root: nothing is proven');
  if (first.size === 0) {
    // Every log starts with the empty tree; verifyConsistency refuses proofs from size 0.
    if (consistency.length > 0 || !bytesEqual(prefix, sha256())) throw bad('the empty tree root is SHA-256 of nothing');
  } else {
    const hashes = consistency.map((h, i) => decodeHash(h, `consistency[${i}]`));
    verifyConsistency(first.size, second.size, hashes, prefix, second.root);
  }
  return result('not-a-prefix', first, second);
}

/** The catalogued error to raise, or record, once an equivocation is proven. */
export function equivocationError(equivocation: Equivocation): ParleyError {
  const { origin, first, second } = equivocation;
  return new ParleyError('PARLEY_E_EQUIVOCATION', { origin, size1: first.size, size2: second.size });
}

function checkShape(proof: unknown): {
  checkpoints: readonly [string, string];
  prefixRoot?: string | undefined;
  consistency?: readonly string[] | undefined;
} {
  if (typeof proof !== 'object' || proof === null || Array.isArray(proof)) throw bad('not an object');
  const p = proof as Record<string, unknown>;
  const extra = Object.keys(p).find((k) => !FIELDS.has(k));
  if (extra !== undefined) throw bad(`unknown field "${extra}"`);
  if (p.format !== 'parley-equivocation/1') throw bad('format is not parley-equivocation/1');
  const { checkpoints, prefixRoot, consistency } = p;
  if (!Array.isArray(checkpoints) || checkpoints.length !== 2 || !checkpoints.every((c) => typeof c === 'string')) {
    throw bad('checkpoints must be two note strings');
  }
  if (prefixRoot !== undefined && typeof prefixRoot !== 'string') throw bad('prefixRoot must be a string');
  if (
    consistency !== undefined &&
    (!Array.isArray(consistency) ||
      consistency.length > MAX_PROOF_HASHES ||
      !consistency.every((h) => typeof h === 'string'))
  ) {
    throw bad(`consistency must be at most ${MAX_PROOF_HASHES} strings`);
  }
  return { checkpoints: checkpoints as [string, string], prefixRoot, consistency };
}

function decodeHash(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text, what, 32);
  } catch {
    throw bad(`${what} is not 32 bytes of base64`);
  }
}

function result(kind: Equivocation['kind'], first: Checkpoint, second: Checkpoint): Equivocation {
  const head = (c: Checkpoint) => ({ size: c.size, root: c.root });
  return { origin: first.origin, kind, first: head(first), second: head(second) };
}

function bad(reason: string): ParleyError {
  return malformed(`equivocation proof: ${reason}`);
}
