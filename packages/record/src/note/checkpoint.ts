import { limits, ParleyError } from '@parley/contract';
import type { Signer } from '../crypto/ed25519.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { controlCharAt, SignatureType, toVerifierKey, type VerifierKey } from './key.js';
import { malformed } from './limits.js';
import { type NoteSignature, parseNote, signNote, verifyParsed } from './signed-note.js';

/** The tree head a checkpoint states (c2sp.org/tlog-checkpoint). */
export interface CheckpointBody {
  /** Log identity; for a Parley feed, see {@link feedOrigin}. */
  readonly origin: string;
  /** Number of leaves, 0 ≤ size ≤ 2^53 − 1. */
  readonly size: number;
  /** RFC 6962 root hash, 32 bytes. */
  readonly root: Uint8Array;
  /** Opaque non-empty extension lines (NOT RECOMMENDED by the spec). */
  readonly extensions?: readonly string[];
}

/** A parsed checkpoint note. */
export interface Checkpoint extends CheckpointBody {
  readonly extensions: readonly string[];
  /** The note text (the body lines, ending in a newline) that signatures cover. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/**
 * The checkpoint origin of one party's feed in one channel.
 *
 * @example
 * feedOrigin('3q2-7w…', 'us-js'); // 'parley/3q2-7w…/us-js'
 */
export function feedOrigin(channel: string, party: string): string {
  if (typeof channel !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(channel)) {
    throw new ParleyError('PARLEY_E_ENCODING', { what: 'channel id', reason: 'need 1-128 base64url characters' });
  }
  if (typeof party !== 'string' || !limits.partyId.test(party)) {
    throw new ParleyError('PARLEY_E_ENCODING', { what: 'party id', reason: 'need 2-32 characters [a-z0-9-]' });
  }
  return `parley/${channel}/${party}`;
}

/** The checkpoint note text: origin, decimal size, base64 root, extension lines, each ending in a newline. */
export function formatCheckpointBody(body: CheckpointBody): string {
  const { origin, size, root, extensions = [] } = body;
  for (const line of [origin, ...extensions]) {
    if (typeof line !== 'string' || line === '' || controlCharAt(line, false) >= 0) {
      throw malformed('checkpoint origin and extension lines must be non-empty single lines');
    }
  }
  if (!Number.isSafeInteger(size) || size < 0) throw malformed('tree size must be an integer in [0, 2^53 - 1]');
  if (!(root instanceof Uint8Array) || root.byteLength !== 32) throw malformed('root hash must be 32 bytes');
  return [origin, String(size), toBase64(root), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses checkpoint note text (no signatures). Throws PARLEY_E_NOTE on anything malformed. */
export function parseCheckpointBody(text: string): Required<CheckpointBody> {
  if (!text.endsWith('\n')) throw malformed('checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (origin === undefined || size === undefined || root === undefined) {
    throw malformed('checkpoint needs origin, tree size and root hash lines');
  }
  const empty = lines.indexOf('');
  if (empty >= 0) throw malformed(`checkpoint line ${empty + 1} is empty`);
  return { origin, size: parseSize(size), root: parseRoot(root), extensions };
}

/**
 * Signs a checkpoint with Ed25519 (note signature type 0x01) and returns the
 * note text. The key name defaults to the origin, as the spec recommends.
 *
 * @example
 * const note = signCheckpoint({ origin: feedOrigin(channel, 'us-js'), size: 3, root }, signer);
 */
export function signCheckpoint(body: CheckpointBody, signer: Signer, name: string = body.origin): string {
  return signNote({ text: formatCheckpointBody(body) }, signer, name);
}

/**
 * Parses a checkpoint note (body and signatures) without verifying signatures.
 *
 * @example
 * const { origin, size, root } = parseCheckpoint(note);
 */
export function parseCheckpoint(note: string | Uint8Array): Checkpoint {
  const { text, signatures } = parseNote(note);
  return { ...parseCheckpointBody(text), text, signatures };
}

/**
 * Parses a checkpoint and checks the Ed25519 signature of `vkey` (type 0x01).
 * Pass `origin` to also require that origin: a key that signs several feeds
 * would otherwise make any of them pass.
 *
 * @example
 * const cp = verifyCheckpoint(note, authorVkey, feedOrigin(channel, 'us-js'));
 */
export function verifyCheckpoint(note: string | Uint8Array, vkey: string | VerifierKey, origin?: string): Checkpoint {
  const key = toVerifierKey(vkey);
  if (key.type !== SignatureType.ed25519) {
    throw new ParleyError('PARLEY_E_ENCODING', {
      what: 'verifier key',
      reason: 'checkpoints need an Ed25519 (0x01) key',
    });
  }
  const checkpoint = parseCheckpoint(note);
  if (origin !== undefined && checkpoint.origin !== origin) {
    throw malformed(`checkpoint origin is not ${origin}`);
  }
  verifyParsed(checkpoint, key);
  return checkpoint;
}

function parseSize(line: string): number {
  if (!/^[0-9]+$/.test(line)) throw malformed('tree size is not a decimal number');
  if (line.length > 1 && line.startsWith('0')) throw malformed('tree size has leading zeros');
  if (line.length > 16 || !Number.isSafeInteger(Number(line))) throw malformed('tree size over 2^53 - 1');
  return Number(line);
}

function parseRoot(line: string): Uint8Array {
  try {
    return fromBase64(line, 'root hash', 32);
  } catch {
    throw malformed('root hash is not 32 bytes of base64');
  }
}
