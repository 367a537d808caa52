import { verifyEd25519 } from '../crypto/ed25519.js';
import { utf8 } from '../crypto/hash.js';
import { SignatureType, type VerifierKey } from './key.js';

const MAX_COSIGNATURE_TIME = (1n << 63n) - 1n;

/**
 * What a cosignature/v1 signs (c2sp.org/tlog-cosignature): the header line,
 * the time line (decimal, no leading zeros), then the whole checkpoint body.
 */
export function cosignatureMessage(timestamp: bigint | number, body: string): Uint8Array {
  return utf8.encode(`cosignature/v1\ntime ${BigInt(timestamp)}\n${body}`);
}

/** The big-endian u64 timestamp that opens a cosignature/v1 signature. */
export function cosignatureTime(signature: Uint8Array): bigint {
  return new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
}

/** Whether `signature` (without its key id) by `key` is valid over the note `text`. */
export function signatureVerifies(key: VerifierKey, text: string, signature: Uint8Array): boolean {
  if (key.type === SignatureType.ed25519) return verifyEd25519(key.publicKey, utf8.encode(text), signature);
  // cosignature/v1: u64 timestamp || Ed25519 signature over the cosigned message.
  if (signature.byteLength !== 8 + 64) return false;
  const timestamp = cosignatureTime(signature);
  if (timestamp > MAX_COSIGNATURE_TIME) return false;
  return verifyEd25519(key.publicKey, cosignatureMessage(timestamp, text), signature.subarray(8));
}
