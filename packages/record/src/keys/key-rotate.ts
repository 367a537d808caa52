import { ParleyError } from '@parley/contract';
import type { Signer } from '../crypto/ed25519.js';
import { verifyEd25519 } from '../crypto/ed25519.js';
import { concatBytes, utf8 } from '../crypto/hash.js';
import { domains } from '../domains.js';
import { fromBase64url, toBase64url } from '../encoding/base64.js';
import { canonicalBytes } from '../jcs/canonicalize.js';

/** What the new key signs to prove it is held by the rotating party (not someone else's key). */
export interface RotationStatement {
  channel: string;
  author: string;
  seq: number;
  oldKey: string;
  newKey: string;
}

function message(statement: RotationStatement): Uint8Array {
  return concatBytes(utf8.encode(domains.keyRotate), canonicalBytes(statement));
}

/** The `proof` field of a key-rotate body: the new key's signature over the rotation statement. */
export function signRotation(statement: RotationStatement, newKey: Signer): string {
  if (toBase64url(newKey.publicKey) !== statement.newKey) {
    throw new ParleyError('PARLEY_E_KEY_HISTORY', { party: statement.author, reason: 'signer is not the new key' });
  }
  return toBase64url(newKey.sign(message(statement)));
}

export function checkRotationProof(statement: RotationStatement, proof: string): void {
  const ok = verifyEd25519(
    fromBase64url(statement.newKey, 'newKey', 32),
    message(statement),
    fromBase64url(proof, 'proof', 64),
  );
  if (!ok) {
    throw new ParleyError('PARLEY_E_KEY_HISTORY', {
      party: statement.author,
      reason: `key-rotate at seq ${statement.seq}: the new key did not sign the rotation`,
    });
  }
}
