import { type ErrorDetails, ParleyError } from '@parley/contract';
import { type CheckedEntry, checkEntryForm, signatureValid } from '../entry/check.js';
import type { SignedEntry } from '../entry/entry.js';
import type { KeyHistory } from '../keys/key-history.js';

/**
 * Self-contained proof that an author equivocated: two entries, both validly
 * signed, with the same channel, author and seq but different ids. Bodies are
 * not needed (headers commit to them), so none are included.
 */
export interface ForkProof {
  format: 'parley-fork/1';
  channel: string;
  author: string;
  seq: number;
  entries: [Pick<SignedEntry, 'header' | 'sig'>, Pick<SignedEntry, 'header' | 'sig'>];
}

/** What a verified fork proof establishes. */
export interface ForkFinding {
  channel: string;
  author: string;
  seq: number;
  ids: [string, string];
  /** The key(s) that signed the two entries (the same key unless the proof also spans a rotation). */
  keys: [string, string];
}

/** A fork found while verifying a feed; carries the proof to keep as evidence. */
export class ForkError extends ParleyError {
  readonly proof: ForkProof;
  constructor(proof: ForkProof, details: ErrorDetails) {
    super('PARLEY_E_FORK', details);
    this.proof = proof;
  }
}

export function makeForkProof(
  a: Pick<SignedEntry, 'header' | 'sig'>,
  b: Pick<SignedEntry, 'header' | 'sig'>,
): ForkProof {
  const pair = [a, b].map(({ header, sig }) => ({ header, sig })) as ForkProof['entries'];
  return {
    format: 'parley-fork/1',
    channel: a.header.channel,
    author: a.header.author,
    seq: a.header.seq,
    entries: pair,
  };
}

/**
 * Verifies a fork proof on its own. With `keys`, both signing keys must be the
 * author's key at that seq; without, the finding names the keys that signed.
 *
 * @example
 * const finding = verifyForkProof(JSON.parse(text)); // throws unless it proves a fork
 */
export function verifyForkProof(proof: ForkProof, keys?: KeyHistory): ForkFinding {
  const fail = (reason: string): never => {
    throw new ParleyError('PARLEY_E_HEADER', { reason: `fork proof: ${reason}` });
  };
  if (proof?.format !== 'parley-fork/1' || !Array.isArray(proof.entries) || proof.entries.length !== 2) {
    fail('not a parley-fork/1 object with two entries');
  }
  const [a, b] = proof.entries.map((e) => checkEntryForm({ header: e?.header, sig: e?.sig })) as [
    CheckedEntry,
    CheckedEntry,
  ];
  for (const e of [a, b]) {
    if (e.header.channel !== proof.channel || e.header.author !== proof.author || e.header.seq !== proof.seq) {
      fail("entries do not match the proof's channel, author and seq");
    }
    if (!signatureValid(e)) throw new ParleyError('PARLEY_E_BAD_SIGNATURE', { author: proof.author, seq: proof.seq });
    const expected = keys?.keyAt(proof.author, proof.seq);
    if (keys && expected !== e.header.key) {
      throw new ParleyError('PARLEY_E_KEY_NOT_VALID', { key: e.header.key, author: proof.author, seq: proof.seq });
    }
  }
  if (a.id === b.id) fail('both entries are the same entry');
  return {
    channel: proof.channel,
    author: proof.author,
    seq: proof.seq,
    ids: [a.id, b.id],
    keys: [a.header.key, b.header.key],
  };
}
