import { ParleyError } from '@parley/contract';

/**
 * Bounds on what the note parser reads, so hostile input costs little.
 * C2SP signed-note requires accepting at least 16 signatures of up to ~5 kB
 * (post-quantum) each; a Parley checkpoint carries at most one signature per
 * channel member plus a few witnesses.
 */
export const noteLimits = {
  /** Whole note, UTF-8 bytes. */
  noteBytes: 256 * 1024,
  /** Signature lines in one note (golang.org/x/mod/sumdb/note also stops at 100). */
  signatures: 100,
  /** A verifier key string, characters. */
  vkeyChars: 4096,
} as const;

/** PARLEY_E_NOTE with a reason. */
export function malformed(reason: string): ParleyError {
  return new ParleyError('PARLEY_E_NOTE', { reason });
}
