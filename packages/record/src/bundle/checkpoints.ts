import { isParleyError, ParleyError } from '@parley/contract';
import { fromBase64url, toBase64 } from '../encoding/base64.js';
import type { KeyHistory } from '../keys/key-history.js';
import {
  type Checkpoint,
  cosignerVkey,
  feedOrigin,
  makeVkey,
  parseCheckpoint,
  verifyCheckpoint,
  verifyCosignature,
} from '../note/index.js';
import type { CheckpointReport } from './report.js';

const ORIGIN = /^parley\/([A-Za-z0-9_-]{43})\/([a-z0-9-]{2,32})$/;

export interface VerifiedCheckpoint extends CheckpointReport {
  checkpoint: Checkpoint;
  channel: string;
}

/** The author's key candidates for a checkpoint of `size` (the key in force at the head, or just after a rotation). */
function authorKeys(keys: KeyHistory, party: string, size: number): string[] {
  return [...new Set([keys.keyAt(party, Math.max(size, 1)), keys.keyAt(party, size + 1)])].filter(
    (k): k is string => k !== undefined,
  );
}

/**
 * Verifies one checkpoint of a bundle: a Parley feed origin, signed by that
 * party's key, and lists which other parties cosigned it, and when.
 */
export function verifyBundleCheckpoint(index: number, note: string, keys: KeyHistory): VerifiedCheckpoint {
  let parsed: ReturnType<typeof parseCheckpoint>;
  try {
    parsed = parseCheckpoint(note);
  } catch (error) {
    // Name the note at fault: a bundle may hold hundreds.
    if (isParleyError(error, 'PARLEY_E_NOTE'))
      throw new ParleyError('PARLEY_E_NOTE', { reason: `checkpoint ${index}: ${String(error.details.reason)}` });
    throw error;
  }
  const match = ORIGIN.exec(parsed.origin);
  if (!match)
    throw new ParleyError('PARLEY_E_NOTE', { reason: `checkpoint ${index}: origin is not parley/<channel>/<party>` });
  const [, channel, author] = match as unknown as [string, string, string];
  let checkpoint: Checkpoint | undefined;
  const candidates = authorKeys(keys, author, parsed.size);
  if (candidates.length === 0)
    throw new ParleyError('PARLEY_E_KEY_NOT_VALID', { key: '(none)', author, seq: parsed.size });
  for (const key of candidates) {
    try {
      checkpoint = verifyCheckpoint(note, makeVkey(parsed.origin, fromBase64url(key, 'key', 32)), parsed.origin);
      break;
    } catch {
      // try the next candidate key
    }
  }
  if (!checkpoint) throw new ParleyError('PARLEY_E_NOTE_SIGNATURE', { name: `${parsed.origin} (checkpoint ${index})` });
  const cosigners: CheckpointReport['cosigners'] = [];
  for (const party of keys.parties()) {
    if (party === author) continue;
    const time = cosignedBy(note, feedOrigin(channel, party), keys.keysOf(party));
    if (time !== undefined) cosigners.push({ party, time: new Date(time * 1000).toISOString() });
  }
  return {
    index,
    origin: parsed.origin,
    author,
    channel,
    size: parsed.size,
    root: toBase64(parsed.root),
    cosigners,
    checkpoint,
  };
}

function cosignedBy(note: string, name: string, keys: string[]): number | undefined {
  for (const key of keys) {
    try {
      return verifyCosignature(note, cosignerVkey(name, fromBase64url(key, 'key', 32))).timestamp;
    } catch {
      // not cosigned by this key
    }
  }
  return undefined;
}
