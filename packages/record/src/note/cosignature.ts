import type { Signer } from '../crypto/ed25519.js';
import { concatBytes } from '../crypto/hash.js';
import { cosignatureMessage, cosignatureTime } from './algorithms.js';
import { type Checkpoint, parseCheckpoint } from './checkpoint.js';
import { makeVkey, noteKeyId, SignatureType, toVerifierKey, type VerifierKey } from './key.js';
import { malformed } from './limits.js';
import { serializeNote, verifyParsed, withSignature } from './signed-note.js';

/**
 * The verifier key of a cosigner (signature type 0x04). The same Ed25519 key
 * has a different key id here than as a plain note signer.
 *
 * @example
 * const vkey = cosignerVkey('parley/chan/cn-jsd', memberSigner);
 */
export function cosignerVkey(name: string, key: Signer | Uint8Array): string {
  return makeVkey(name, key, SignatureType.cosignatureV1);
}

/**
 * Adds a cosignature/v1 line (c2sp.org/tlog-cosignature) by `signer` under
 * `name` to a checkpoint note, replacing an earlier cosignature by the same
 * key. The caller must first have verified the checkpoint and its
 * consistency with the last one it cosigned: that is what a cosignature says.
 *
 * @example
 * const cosigned = cosignCheckpoint(note, memberSigner, 'parley/chan/cn-jsd', Math.floor(Date.now() / 1000));
 */
export function cosignCheckpoint(note: string, signer: Signer, name: string, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw malformed('cosignature timestamp must be a whole number of seconds in [0, 2^53 - 1]');
  }
  const checkpoint = parseCheckpoint(note);
  const keyId = noteKeyId(name, SignatureType.cosignatureV1, signer.publicKey);
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(timestampSeconds));
  const signature = concatBytes(time, signer.sign(cosignatureMessage(timestampSeconds, checkpoint.text)));
  return serializeNote(withSignature(checkpoint, { name, keyId, signature }));
}

/** What a verified cosignature states. */
export interface Cosignature {
  /** POSIX seconds at which the cosigner vouched for the checkpoint (the latest, if it signed twice). */
  readonly timestamp: number;
  readonly checkpoint: Checkpoint;
}

/**
 * Checks the cosignature of `vkey` on a checkpoint note. A plain Ed25519
 * vkey (type 0x01) is accepted as the same key in its cosigner role (type
 * 0x04), as transparency-dev's verifier does. Throws PARLEY_E_NOTE_SIGNATURE
 * if the cosignature is missing or does not verify. Whether the timestamp
 * is plausible is the caller's call.
 *
 * @example
 * const { timestamp } = verifyCosignature(cosigned, cosignerVkey('parley/chan/cn-jsd', memberKey));
 */
export function verifyCosignature(note: string, vkey: string | VerifierKey): Cosignature {
  const key = asCosigner(toVerifierKey(vkey));
  const checkpoint = parseCheckpoint(note);
  const times = verifyParsed(checkpoint, key).map((s) => cosignatureTime(s.signature));
  if (times.some((t) => t > BigInt(Number.MAX_SAFE_INTEGER))) throw malformed('cosignature timestamp over 2^53 - 1');
  return { timestamp: Math.max(...times.map(Number)), checkpoint };
}

function asCosigner(key: VerifierKey): VerifierKey {
  if (key.type === SignatureType.cosignatureV1) return key;
  const keyId = noteKeyId(key.name, SignatureType.cosignatureV1, key.publicKey);
  return { ...key, type: SignatureType.cosignatureV1, keyId };
}
