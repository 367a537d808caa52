import { ParleyError, type Proof } from '@parley/contract';
import { fromBase64, fromBase64url } from '../encoding/base64.js';
import { type ForkProof, verifyForkProof } from '../feed/fork.js';
import type { KeyHistory } from '../keys/key-history.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../merkle/index.js';
import { makeVkey, parseCheckpoint, verifyEquivocationProof } from '../note/index.js';
import type { VerifiedCheckpoint } from './checkpoints.js';
import type { Seen } from './claims.js';
import type { FeedRuns } from './feed-runs.js';

export interface PendingInclusion {
  index: number;
  proof: Extract<Proof, { type: 'inclusion' }>;
  seen: Seen | undefined;
}

function checkpointAt(checkpoints: VerifiedCheckpoint[], proof: number, at: number): VerifiedCheckpoint {
  const cp = checkpoints[at];
  if (!cp)
    throw new ParleyError('PARLEY_E_BUNDLE_FORMAT', {
      reason: `proofs.${proof} names checkpoint ${at}, which is not in the bundle`,
    });
  return cp;
}

const hashes = (list: string[]) => list.map((h, i) => fromBase64url(h, `proof hash ${i}`, 32));

/** Verifies the proofs that need no entries (consistency, fork, equivocation); returns what each proves. */
export function checkProofs(proofs: Proof[], checkpoints: VerifiedCheckpoint[], keys: KeyHistory): string[] {
  const out: string[] = [];
  proofs.forEach((proof, i) => {
    if (proof.type === 'consistency') {
      const [a, b] = [checkpointAt(checkpoints, i, proof.from), checkpointAt(checkpoints, i, proof.to)];
      if (a.origin !== b.origin) {
        throw new ParleyError('PARLEY_E_MERKLE_PROOF', {
          kind: 'consistency',
          reason: `proofs.${i} joins checkpoints of two feeds`,
        });
      }
      verifyConsistency(a.size, b.size, hashes(proof.hashes), a.checkpoint.root, b.checkpoint.root);
      out.push(
        `checkpoint ${b.index} (size ${b.size}) extends checkpoint ${a.index} (size ${a.size}) of ${a.author}'s feed`,
      );
    } else if (proof.type === 'fork') {
      const f = verifyForkProof(proof.proof as unknown as ForkProof, keys);
      out.push(`fork: ${f.author} signed two different entries at seq ${f.seq} (${f.ids[0]} and ${f.ids[1]})`);
    } else if (proof.type === 'equivocation') {
      out.push(equivocation(i, proof.proof, keys));
    }
  });
  return out;
}

function equivocation(i: number, proof: Record<string, unknown>, keys: KeyHistory): string {
  const first = (proof.checkpoints as unknown[] | undefined)?.[0];
  if (typeof first !== 'string') throw new ParleyError('PARLEY_E_NOTE', { reason: `proofs.${i}: no checkpoints` });
  const origin = parseCheckpoint(first).origin;
  const party = /^parley\/[A-Za-z0-9_-]{43}\/([a-z0-9-]{2,32})$/.exec(origin)?.[1];
  if (!party || !keys.has(party))
    throw new ParleyError('PARLEY_E_NOTE', { reason: `proofs.${i}: origin ${origin} is no party's feed here` });
  let lastError: unknown;
  for (const key of keys.keysOf(party)) {
    try {
      const e = verifyEquivocationProof(proof, makeVkey(origin, fromBase64url(key, 'key', 32)));
      return `equivocation: ${party} signed checkpoints of sizes ${e.first.size} and ${e.second.size} that cannot both be true (${e.kind})`;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Verifies inclusion proofs once the entries they name have been seen. A proof
 * for the entry at seq = size ties the checkpoint to the bundle's chain, so its
 * index is added to `matched`.
 */
export function proveInclusions(
  pending: PendingInclusion[],
  checkpoints: VerifiedCheckpoint[],
  feeds: Map<string, FeedRuns>,
  matched: Set<number>,
): string[] {
  return pending.map(({ index, proof, seen }) => {
    const cp = checkpointAt(checkpoints, index, proof.checkpoint);
    if (!seen)
      throw new ParleyError('PARLEY_E_BUNDLE_FORMAT', {
        reason: `proofs.${index} names an entry that is not in the bundle`,
      });
    const { author, seq, type, time } = seen.header;
    if (author !== cp.author) {
      throw new ParleyError('PARLEY_E_MERKLE_PROOF', {
        kind: 'inclusion',
        reason: `proofs.${index}: entry of ${author} against ${cp.author}'s checkpoint`,
      });
    }
    const leaf = hashLeaf(feeds.get(author)!.idAt(seq)!);
    verifyInclusion(seq - 1, cp.size, leaf, hashes(proof.hashes), fromBase64(cp.root, 'root', 32));
    if (seq === cp.size) matched.add(cp.index);
    return `${author} ${type} seq ${seq} (${time}) is in checkpoint ${cp.index} of ${author}'s feed (size ${cp.size})`;
  });
}
